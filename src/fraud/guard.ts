/**
 * The toll-fraud guard: call events in (with their own times), findings out. It keeps,
 * per account, the windows of trunk calls started and international calls, the talk
 * time, the countries called and whether the account is suspended; and the live trunk
 * calls with their legs. No I/O, no clock: tests replay fixed times.
 *
 * Every rule is judged at the `DialBegin` that starts a trunk call — before the trunk
 * answers, so a call the guard hangs up is never billed — except the minutes cap of
 * calls already up, which {@link FraudGuard.tick} judges as time passes.
 *
 * Invariants:
 * - A call is judged once: its first trunk `DialBegin`. A later leg of the same caller
 *   channel (a failover, a forked dial) is judged on its destination only.
 * - A call the guard decided to hang up is `stopping`: never counted as up, never
 *   hung up twice, its talk time counted only until that decision (offline, the
 *   capture goes on as it really went; live, Asterisk hangs it up).
 * - A suspended account's trunk calls are hung up at their `DialBegin` until
 *   {@link FraudGuard.allow}.
 * - Bounded: live calls and channels are dropped at their `Hangup` (stale ones after
 *   12 h by {@link FraudGuard.prune}); windows keep the newest times a rule can need.
 */
import type { AuthSucceeded, CallEvent, DialBegin } from '../domain/events.js';
import { accountName, type ClassifyAccount } from '../engine/accounts.js';
import { compileDestinations, type Destination, type DestinationOf } from './destinations.js';
import { compileHighRisk } from './high-risk.js';
import { compileHours, judge, type Broken, type OutsideHours } from './judge.js';
import { LiveCalls, type LiveCall } from './live.js';
import { describeRule, RULE_KINDS, ruleName, sortActions, type FraudInput, type FraudRule, type MinutesRule } from './rules.js';
import { compileTrunkTest, numberSentTo, type LeavesThroughTrunk } from './trunk.js';
import type { CallRef, FraudFinding } from './types.js';
import { TalkLedger, Times } from './windows.js';

interface AccountState {
  readonly firstSeen: number;
  readonly starts: Times;
  readonly international: Times;
  readonly talk: TalkLedger;
  readonly countries: Set<string>;
  suspended: { readonly at: number; readonly rule: string } | null;
  /** When each minutes rule last broke (tick), so it is said once per window. */
  readonly capBroken: Map<MinutesRule, number>;
}

interface AuthState {
  last: AuthSucceeded;
  readonly recent: Map<string, number>;
}

const NONE: readonly FraudFinding[] = Object.freeze([]);
/** A suspended account's trunk call: hung up, nothing more (the account was dealt with when it was suspended). */
const SUSPENDED = Object.freeze({ action: Object.freeze(['hangup'] as const) });
const AUTH_SERVICES = new Set(['PJSIP', 'SIP', 'IAX2']);
const RECENT_AUTH = 15 * 60_000;
const AUTH_MAX_AGE = 86_400_000;
const STALE_CALL = 12 * 3_600_000;

/** Counters of what the guard saw. */
export interface GuardStats {
  /** Trunk calls judged (first legs). */
  calls: number;
  findings: number;
  /** Trunk calls whose account could not be told (a Local channel of an unknown call, an Originate). */
  unattributed: number;
}

export class FraudGuard {
  readonly stats: GuardStats = { calls: 0, findings: 0, unattributed: 0 };
  private accounts = new Map<string, AccountState>();
  private live = new LiveCalls();
  private auths = new Map<string, AuthState>();
  private input!: FraudInput;
  private rules: readonly FraudRule[] = [];
  private destinationOf!: DestinationOf;
  private leavesThroughTrunk!: LeavesThroughTrunk;
  private outside!: OutsideHours;
  private neverStop = new Set<string>();
  private keepStarts = 1;
  private keepInternational = 1;
  private keepTalk = 0;

  constructor(input: FraudInput, private classify: ClassifyAccount) {
    this.setInput(input);
  }

  /** Replaces the rules (config reload, the dashboard); windows, live calls and suspensions are kept. */
  setInput(input: FraudInput): void {
    this.input = input;
    this.rules = [...input.rules].sort((a, b) => RULE_KINDS.indexOf(a.rule) - RULE_KINDS.indexOf(b.rule));
    this.destinationOf = compileDestinations(input, compileHighRisk(input.highRisk, input.notHighRisk));
    this.leavesThroughTrunk = compileTrunkTest((a) => this.classify(a), input.trunkContexts, input.outboundContexts);
    this.outside = compileHours(input.timeZone);
    this.neverStop = new Set(input.neverStop);
    const maxOf = (kind: FraudRule['rule']) => Math.max(1, ...this.rules.flatMap((r) => (r.rule === kind && 'max' in r ? [r.max + 1] : [])));
    this.keepStarts = maxOf('calls');
    this.keepInternational = maxOf('international');
    this.keepTalk = Math.max(0, ...this.rules.flatMap((r) => (r.rule === 'minutes' ? [r.within] : [])));
  }

  /** Replaces the account classifier (discovery read the PBX's configuration again). */
  setClassifier(classify: ClassifyAccount): void {
    this.classify = classify;
  }

  /** A successful authentication: the address an account uses now (the `ban` action's target). */
  handleAuth(ev: AuthSucceeded): void {
    if (!AUTH_SERVICES.has(ev.service)) return;
    const account = accountName(ev.account);
    let a = this.auths.get(account);
    if (!a) {
      a = { last: ev, recent: new Map() };
      if (this.auths.size >= 100_000) this.auths.clear();
      this.auths.set(account, a);
    }
    a.last = ev;
    a.recent.delete(ev.ip);
    a.recent.set(ev.ip, ev.at);
    for (const [ip, at] of a.recent) if (at <= ev.at - RECENT_AUTH || a.recent.size > 8) a.recent.delete(ip);
  }

  /** One call event; returns the findings it makes (at most one, at a `DialBegin`). */
  handle(ev: CallEvent): readonly FraudFinding[] {
    switch (ev.kind) {
      case 'channel_created':
        if (ev.account !== null) this.live.channelCreated(ev.uniqueid, ev.account);
        return NONE;
      case 'dial_begin':
        return this.input.enabled ? this.dialBegin(ev) : NONE;
      case 'dial_end': {
        const call = this.live.callOfLeg(ev.destUniqueid);
        if (!call) return NONE;
        if (ev.status === 'ANSWER') answered(call, ev.at);
        else this.live.dropLeg(ev.destUniqueid);
        return NONE;
      }
      case 'bridge_enter': {
        const call = this.live.get(ev.uniqueid) ?? this.live.callOfLeg(ev.uniqueid);
        if (call) answered(call, ev.at);
        return NONE;
      }
      case 'hangup':
        this.ended(this.live.hangup(ev.uniqueid), ev.at);
        return NONE;
      case 'cdr': {
        // The CDR's billable seconds are what the trunk bills: they replace the guard's own reckoning.
        const st = ev.account !== null ? this.accounts.get(ev.account) : undefined;
        const entry = ev.uniqueid !== null ? st?.talk.find(ev.uniqueid) : undefined;
        if (entry) entry.seconds = ev.billsec;
        return NONE;
      }
    }
  }

  /** Time passed: the minutes caps of calls up now. Call it every few seconds when a minutes rule exists. */
  tick(now: number): readonly FraudFinding[] {
    const caps = this.rules.filter((r): r is MinutesRule => r.rule === 'minutes');
    if (caps.length === 0 || !this.input.enabled) return NONE;
    const out: FraudFinding[] = [];
    const byAccount = new Map<string, LiveCall[]>();
    for (const c of this.live.up()) if (c.answeredAt !== null) (byAccount.get(c.account) ?? byAccount.set(c.account, []).get(c.account))?.push(c);
    for (const [account, calls] of byAccount) {
      const st = this.accounts.get(account);
      if (!st) continue;
      const broken: Broken[] = [];
      for (const r of caps) {
        const minutes = Math.floor(this.secondsWithin(st, account, now, r.within) / 60);
        const last = st.capBroken.get(r);
        if (minutes < r.max || (last !== undefined && last > now - r.within)) continue;
        st.capBroken.set(r, now);
        broken.push({ rule: r, name: ruleName(r), count: minutes, why: `${describeRule(r)}: ${minutes} minutes` });
      }
      if (broken.length) out.push(this.finding(calls[calls.length - 1] as LiveCall, st, broken, now));
    }
    return out;
  }

  /** Whether the guard holds `account` suspended. */
  isSuspended(account: string): boolean {
    return Boolean(this.accounts.get(account)?.suspended);
  }

  /** Marks an account suspended (restored from the store at start, or a person's decision). */
  suspend(account: string, at: number, rule: string): void {
    this.stateOf(account, at).suspended = { at, rule };
  }

  /** A person allows the account to call out again. Returns whether it was suspended. */
  allow(account: string): boolean {
    const st = this.accounts.get(account);
    if (!st?.suspended) return false;
    st.suspended = null;
    return true;
  }

  /** Suspended accounts, for the dashboard and the store. */
  suspendedAccounts(): Array<{ account: string; at: number; rule: string }> {
    return [...this.accounts].flatMap(([account, st]) => (st.suspended ? [{ account, ...st.suspended }] : []));
  }

  /** Live trunk calls (not being hung up), for the dashboard. */
  liveCalls(): Array<{ account: string; channel: string; destination: Destination; start: number; answeredAt: number | null }> {
    return this.live.up().map((c) => ({ account: c.account, channel: c.channel, destination: c.destination, start: c.start, answeredAt: c.answeredAt }));
  }

  /** Drops calls whose Hangup never came (an AMI reconnect lost it) after 12 hours. */
  prune(now: number): void {
    for (const id of this.live.stale(now - STALE_CALL)) this.ended(this.live.hangup(id), now);
  }

  private dialBegin(ev: DialBegin): readonly FraudFinding[] {
    if (!this.leavesThroughTrunk(ev)) return NONE;
    const account = ev.account ?? this.live.accountOfCall(ev.linkedid);
    if (account === null) {
      this.stats.unattributed++;
      return NONE;
    }
    const sent = (ev.destAccount !== null ? numberSentTo(ev.dialString, ev.destAccount) : null) ?? ev.exten;
    if (this.neverStop.has(sent) || this.neverStop.has(ev.exten)) return NONE;
    const destination = this.destinationOf(sent);
    const st = this.stateOf(account, ev.at);
    const known = this.live.get(ev.uniqueid);
    if (known) return this.laterLeg(known, ev, destination, st);
    this.stats.calls++;
    const call: LiveCall = {
      account, channel: ev.channel, uniqueid: ev.uniqueid, exten: ev.exten, trunk: ev.destChannel, destination, start: ev.at, evidence: ev.evidence,
      legs: new Set(), answeredAt: null, stopping: false, stoppedAt: Number.NaN,
    };
    this.live.add(call, ev.destUniqueid);
    st.starts.add(ev.at);
    if (destination.international) st.international.add(ev.at);
    const countries = new Set(st.countries);
    if (destination.country !== null) st.countries.add(destination.country);
    if (st.suspended) {
      const why = `a call from an account suspended at ${new Date(st.suspended.at).toISOString()} (${st.suspended.rule})`;
      return [this.finding(call, st, [{ rule: SUSPENDED, name: 'suspended', count: 1, why }], ev.at)];
    }
    const broken = judge(this.input, this.rules, {
      at: ev.at, destination, accountClass: this.classify(account).cls,
      callsWithin: (w) => st.starts.countWithin(ev.at, w),
      internationalWithin: (w) => st.international.countWithin(ev.at, w),
      concurrent: this.live.upOf(account).length,
      secondsWithin: (w) => this.secondsWithin(st, account, ev.at, w),
      firstSeen: st.firstSeen, countries,
    }, this.outside);
    return broken.length ? [this.finding(call, st, broken, ev.at)] : NONE;
  }

  /** A second trunk leg of a call already judged: only its destination is judged. */
  private laterLeg(call: LiveCall, ev: DialBegin, destination: Destination, st: AccountState): readonly FraudFinding[] {
    this.live.addLeg(call, ev.destUniqueid);
    if (call.stopping || destination.e164 === call.destination.e164) return NONE;
    const rules = this.rules.filter((r) => r.rule === 'high_risk' || r.rule === 'country');
    const broken = judge(this.input, rules, {
      at: ev.at, destination, accountClass: this.classify(call.account).cls, callsWithin: () => 0, internationalWithin: () => 0,
      concurrent: 0, secondsWithin: () => 0, firstSeen: st.firstSeen, countries: st.countries,
    }, this.outside);
    return broken.length ? [this.finding({ ...call, destination, trunk: ev.destChannel, evidence: ev.evidence }, st, broken, ev.at)] : NONE;
  }

  /** Builds the finding and applies its actions to the guard's own state (stopping calls, suspension). */
  private finding(call: LiveCall, st: AccountState, broken: readonly Broken[], at: number): FraudFinding {
    this.stats.findings++;
    const first = broken[0] as Broken;
    const actions = sortActions(broken.flatMap((b) => b.rule.action));
    const hangup: CallRef[] = [];
    const stop = (c: LiveCall) => {
      hangup.push({ channel: c.channel, uniqueid: c.uniqueid });
      const live = this.live.get(c.uniqueid);
      if (live && !live.stopping) {
        live.stopping = true;
        live.stoppedAt = at;
      }
    };
    if (actions.includes('hangup')) {
      stop(call);
      if (actions.includes('suspend')) for (const c of this.live.upOf(call.account)) if (c.uniqueid !== call.uniqueid) stop(c);
    }
    if (actions.includes('suspend') && !st.suspended) st.suspended = { at, rule: first.name };
    const auth = this.auths.get(call.account);
    const lastAuth = auth && auth.last.at > at - AUTH_MAX_AGE ? auth.last : null;
    const otherAddresses = auth && lastAuth ? [...auth.recent].filter(([ip, t]) => ip !== lastAuth.ip && t > at - RECENT_AUTH).map(([ip]) => ip) : [];
    return {
      at, account: call.account, accountClass: this.classify(call.account).cls, rule: first.name, why: first.why,
      also: broken.slice(1).map((b) => b.name), actions, count: first.count,
      call: { channel: call.channel, uniqueid: call.uniqueid, exten: call.exten, destination: call.destination, trunk: call.trunk },
      hangup, lastAuth, otherAddresses, evidence: call.evidence,
    };
  }

  private secondsWithin(st: AccountState, account: string, at: number, within: number): number {
    let s = st.talk.secondsWithin(at, within);
    for (const c of this.live.upOf(account)) if (c.answeredAt !== null && c.answeredAt <= at) s += (at - c.answeredAt) / 1000;
    return s;
  }

  private stateOf(account: string, at: number): AccountState {
    let st = this.accounts.get(account);
    if (!st) {
      st = {
        firstSeen: at, starts: new Times(this.keepStarts), international: new Times(this.keepInternational),
        talk: new TalkLedger(this.keepTalk), countries: new Set(), suspended: null, capBroken: new Map(),
      };
      this.accounts.set(account, st);
    }
    return st;
  }

  /** The caller channel is gone: the call's talk time goes to the account's ledger. */
  private ended(call: LiveCall | undefined, at: number): void {
    if (!call || call.answeredAt === null || this.keepTalk === 0) return;
    const end = call.stopping ? Math.min(at, call.stoppedAt) : at;
    this.accounts.get(call.account)?.talk.add({ at, seconds: Math.max(0, end - call.answeredAt) / 1000, uniqueid: call.uniqueid });
  }
}

function answered(call: LiveCall, at: number): void {
  if (call.answeredAt === null && !call.stopping) call.answeredAt = at;
}
