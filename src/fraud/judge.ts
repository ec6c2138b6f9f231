/**
 * Judging one new trunk call against the rules: which rules it breaks and what they
 * counted. Pure: the account's windows and live calls are passed in as they stand
 * with this call already recorded.
 */
import type { AccountClass } from '../engine/accounts.js';
import type { Destination } from './destinations.js';
import { describeRule, ruleName, type FraudAction, type FraudInput, type FraudRule, type HoursRule } from './rules.js';

/** What the rules may look at for one call. */
export interface CallFacts {
  readonly at: number;
  readonly destination: Destination;
  readonly accountClass: AccountClass;
  /** Trunk calls started within a window, this one included. */
  readonly callsWithin: (within: number) => number;
  /** International trunk calls started within a window, this one included if it is one. */
  readonly internationalWithin: (within: number) => number;
  /** Trunk calls up now, this one included. */
  readonly concurrent: number;
  /** Answered talk seconds within a window: ended calls and the live ones so far. */
  readonly secondsWithin: (within: number) => number;
  /** When the guard first saw the account place a trunk call. */
  readonly firstSeen: number;
  /** Countries the account called before this call. */
  readonly countries: ReadonlySet<string>;
}

/** One broken rule. */
export interface Broken {
  /** The rule (or, for a suspended account's call, just the actions). */
  readonly rule: { readonly action: readonly FraudAction[] };
  readonly name: string;
  readonly count: number;
  readonly why: string;
}

/** Tells whether an instant is outside a rule's hours. */
export type OutsideHours = (r: HoursRule, at: number) => boolean;

/** Compiles the hours test for a time zone (null: the system's). */
export function compileHours(timeZone: string | null): OutsideHours {
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone: timeZone ?? undefined, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  return (r, at) => {
    let day = 0;
    let minute = 0;
    for (const p of fmt.formatToParts(at)) {
      if (p.type === 'weekday') day = DAYS.indexOf(p.value);
      else if (p.type === 'hour') minute += Number(p.value) * 60;
      else if (p.type === 'minute') minute += Number(p.value);
    }
    const inside = r.from <= r.to ? minute >= r.from && minute < r.to : minute >= r.from || minute < r.to;
    return !(inside && r.days.includes(day));
  };
}

/** The rules `facts` break, in the input's rule order (sorted by kind: rules.ts RULE_KINDS). */
export function judge(input: FraudInput, rules: readonly FraudRule[], facts: CallFacts, outside: OutsideHours): Broken[] {
  const out: Broken[] = [];
  const d = facts.destination;
  const broke = (rule: FraudRule, count: number, why = describeRule(rule)) => out.push({ rule, name: ruleName(rule), count, why });
  for (const r of rules) {
    switch (r.rule) {
      case 'high_risk':
        if (d.highRisk) broke(r, 1, `a call to ${d.highRisk.prefix}: ${d.highRisk.what}`);
        break;
      case 'country': {
        const allowed = input.allowedCountries[facts.accountClass];
        if (allowed && d.international && !(d.country !== null && allowed.includes(d.country))) {
          broke(r, 1, `a call to ${d.country ?? 'an unknown country'}, which ${facts.accountClass} accounts may not call`);
        }
        break;
      }
      case 'calls': {
        const n = facts.callsWithin(r.within);
        if (n > r.max) broke(r, n);
        break;
      }
      case 'international': {
        if (!d.international) break;
        const n = facts.internationalWithin(r.within);
        if (n > r.max) broke(r, n);
        break;
      }
      case 'concurrent':
        if (facts.concurrent > r.max) broke(r, facts.concurrent);
        break;
      case 'minutes': {
        const minutes = Math.floor(facts.secondsWithin(r.within) / 60);
        if (minutes >= r.max) broke(r, minutes, `${describeRule(r)}: ${minutes} minutes already`);
        break;
      }
      case 'hours':
        if (outside(r, facts.at)) broke(r, 1);
        break;
      case 'new_country':
        if (d.country !== null && d.international && facts.firstSeen <= facts.at - r.learn && !facts.countries.has(d.country)) {
          broke(r, 1, `the first call of this account to ${d.country}`);
        }
        break;
    }
  }
  return out;
}
