/**
 * The guard's rules as data: what the `fraud:` section of the config becomes (the schema
 * in config/fraud.ts produces exactly these types), and their names in the FRAUD line.
 * Every rule is judged per account (the caller channel's endpoint), on calls that leave
 * through a trunk, and carries the actions to take when a call breaks it.
 */
import { formatDuration } from '../domain/duration.js';
import type { AccountClass } from '../engine/accounts.js';
import type { HighRiskPrefix } from './high-risk.js';

/** What to do when a rule breaks, applied in this order (see {@link ACTIONS}). */
export type FraudAction = 'hangup' | 'suspend' | 'ban' | 'unregister' | 'alert';
/** Every action, in the order the effects are given. */
export const ACTIONS: readonly FraudAction[] = ['hangup', 'suspend', 'ban', 'unregister', 'alert'];

interface Acting {
  /** Never empty; in {@link ACTIONS} order, each once. */
  readonly action: readonly FraudAction[];
}

/** More than `max` calls started within `within` (ms). */
export interface CallsRule extends Acting { readonly rule: 'calls'; readonly max: number; readonly within: number }
/** More than `max` international calls started within `within` (ms). */
export interface InternationalRule extends Acting { readonly rule: 'international'; readonly max: number; readonly within: number }
/** More than `max` trunk calls up at once. */
export interface ConcurrentRule extends Acting { readonly rule: 'concurrent'; readonly max: number }
/** A destination on the high-risk list (`fraud.high_risk`). Decided at DialBegin. */
export interface HighRiskRule extends Acting { readonly rule: 'high_risk' }
/** A destination country not allowed for the account's class (`fraud.allowed_countries`). */
export interface CountryRule extends Acting { readonly rule: 'country' }
/** The first call of an account to a country it never called, once the guard has watched it for `learn` (ms). */
export interface NewCountryRule extends Acting { readonly rule: 'new_country'; readonly learn: number }
/** A call outside business hours: `from`/`to` in minutes after midnight, `days` 0 (Sunday) to 6. */
export interface HoursRule extends Acting { readonly rule: 'hours'; readonly from: number; readonly to: number; readonly days: readonly number[] }
/** More than `max` minutes of answered trunk calls within `within` (ms). */
export interface MinutesRule extends Acting { readonly rule: 'minutes'; readonly max: number; readonly within: number }

export type FraudRule = CallsRule | InternationalRule | ConcurrentRule | HighRiskRule | CountryRule | NewCountryRule | HoursRule | MinutesRule;
export type FraudRuleKind = FraudRule['rule'];
/** Every rule kind, in the order a call is judged (the first broken one names the finding). */
export const RULE_KINDS: readonly FraudRuleKind[] = ['high_risk', 'country', 'calls', 'international', 'concurrent', 'minutes', 'hours', 'new_country'];

/** The guard's whole input: the compiled `fraud:` section. */
export interface FraudInput {
  /** false: calls are not judged at all. */
  readonly enabled: boolean;
  readonly homeCountry: string | null;
  readonly internationalPrefixes: readonly string[];
  /** A dial target whose channel runs in one of these contexts is a trunk (FreePBX: from-trunk, from-pstn). */
  readonly trunkContexts: readonly string[];
  /** A `Dial()` run in one of these dial plan contexts goes out through a trunk. */
  readonly outboundContexts: readonly string[];
  /** Numbers never judged, counted or stopped: emergency services. */
  readonly neverStop: readonly string[];
  readonly highRisk: readonly HighRiskPrefix[];
  /** Prefixes that are never high-risk. */
  readonly notHighRisk: readonly string[];
  /** Countries each account class may call (ISO codes, `001` non-geographic); a class not listed may call any. */
  readonly allowedCountries: Readonly<Partial<Record<AccountClass, readonly string[]>>>;
  /** Ban length for the `ban` action (ms; null: until released). */
  readonly ban: number | null;
  /** IANA zone for `hours` rules; null: the system's. */
  readonly timeZone: string | null;
  readonly rules: readonly FraudRule[];
}

/** The name a rule has in the FRAUD line, the check report and the dashboard: `calls/1m`, `high_risk`. */
export function ruleName(r: FraudRule): string {
  return 'within' in r ? `${r.rule}/${formatDuration(r.within)}` : r.rule;
}

/** A rule in plain words, for alerts and the dashboard. */
export function describeRule(r: FraudRule): string {
  switch (r.rule) {
    case 'calls': return `more than ${r.max} calls within ${formatDuration(r.within)}`;
    case 'international': return `more than ${r.max} international calls within ${formatDuration(r.within)}`;
    case 'concurrent': return `more than ${r.max} calls at once`;
    case 'high_risk': return 'a call to a high-risk destination';
    case 'country': return 'a call to a country this account may not call';
    case 'new_country': return 'the first call to a country this account never called';
    case 'hours': return 'a call outside business hours';
    case 'minutes': return `more than ${r.max} minutes of calls within ${formatDuration(r.within)}`;
  }
}

/** Orders and de-duplicates actions. */
export function sortActions(actions: Iterable<FraudAction>): FraudAction[] {
  const set = new Set(actions);
  return ACTIONS.filter((a) => set.has(a));
}
