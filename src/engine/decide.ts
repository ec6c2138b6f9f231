/**
 * Decisions as data: one event in, the effects it calls for out — the failed-auth log
 * lines, the daemon's own log lines, alerts, failure rows and bans — as plain values.
 * Nothing here writes, sends or waits; the daemon's runner (daemon/pipeline.ts) applies
 * the effects in its documented order, and `sipwarden check` runs the very same
 * decisions with a runner that only collects, so live and offline cannot drift apart.
 *
 * What flows back from the runner is only what the kernel says: `notSeen(ban)` when
 * the address never sent the PBX a packet (the ban is taken back: log injection), and
 * `enforced(ban)` once an address ban holds (it may complete its network's count:
 * subnet escalation, which only enforced bans feed).
 *
 * Invariants: a ban effect carries the engine's ban in force for its target (the
 * longest decided, highest tier), never an older decision; its evidence is the latest
 * reports of that address (bounded: 12 lines, 20 accounts, two generations of
 * 50,000 addresses, so a flood cannot grow it without end).
 */
import type { ClusterMessage } from '../cluster/types.js';
import { formatDuration } from '../domain/duration.js';
import type { AuthFailed, Evidence, LocatedEvent, SecurityEvent } from '../domain/events.js';
import { isNetwork, type IpAddress } from '../domain/ip.js';
import { formatAlert, formatFailure, formatInjection, formatSubnet } from '../faillog/format.js';
import type { CallRef, FraudFinding } from '../fraud/types.js';
import type { FailureRow, NewBan } from '../store/types.js';
import type { Where } from '../geo/lookup.js';
import type { Alert, Engine } from './index.js';
import type { BanDecision, FailureVerdict } from './policy.js';

/** A ban to store and enforce. `ifSeen`: only if the kernel saw the address send packets (else the runner asks notSeen). */
export interface BanEffect {
  readonly kind: 'ban';
  readonly ban: NewBan;
  readonly ifSeen: boolean;
  /** The event behind it, for the lines written if the kernel never saw the address. */
  readonly cause: LocatedEvent;
  /** Set for a ban made on another PBX's word (cluster/: its name): not published again, no subnet escalation. */
  readonly remote?: string;
}

/**
 * Many PBXs (cluster/): tell the other nodes of the group — a failure this node counted,
 * a ban that now holds here. Handed to the cluster's outbox, which never waits for Redis.
 */
export interface ClusterEffect {
  readonly kind: 'cluster';
  readonly message: ClusterMessage;
}

/**
 * Toll fraud (src/fraud/): hang up these caller channels now — AMI `Hangup` with
 * `Channel: <channel>` and `Cause: 21` (call rejected), one action per call, the first
 * the call that broke the rule. Hanging up the caller channel ends its trunk leg too
 * (before the trunk answered, when the guard decided at `DialBegin`). Needs AMI write
 * class `call`. A channel already gone answers "No such channel": nothing to do.
 */
export interface HangupEffect {
  readonly kind: 'hangup';
  readonly account: string;
  readonly calls: readonly CallRef[];
  /** The rule that asked for it (`high_risk`, `calls/1m`, `suspended`…). */
  readonly rule: string;
  /** Q.850 cause to give Asterisk: 21, call rejected. */
  readonly cause: number;
}

/**
 * Toll fraud: `account` may not call out through a trunk until a person allows it.
 * Asterisk enforces it: AMI `DBPut` Family `sipwarden/suspended`, Key `<account>`,
 * Val `<rule> <ISO time>` (write class `system`), read by the dial plan check `init`
 * installs, so it holds while sipwarden is down. The runner also stores it, so the guard
 * knows it again after a restart (`FraudGuard.suspend`).
 */
export interface SuspendEffect {
  readonly kind: 'suspend';
  readonly account: string;
  readonly at: number;
  readonly rule: string;
}

/** Toll fraud: a person allowed `account` to call out again — AMI `DBDel` Family `sipwarden/suspended` Key `<account>`. */
export interface ResumeEffect {
  readonly kind: 'resume';
  readonly account: string;
  readonly at: number;
  readonly by: string;
}

/**
 * Toll fraud: remove `account`'s registrations (contacts) so calls to it stop reaching
 * the attacker — those from `ip`, or every contact of the account when `ip` is null (no
 * successful authentication was seen). PJSIP: list them with `PJSIPShowContacts` /
 * `PJSIPShowAor`, remove each with `DBDel` of its `registrar/contact` key; chan_sip:
 * `Command: sip unregister <account>`. Needs AMI write `system` (and `command` for chan_sip).
 */
export interface UnregisterEffect {
  readonly kind: 'unregister';
  readonly account: string;
  readonly ip: IpAddress | null;
  /** The technology of the account's channel (`PJSIP`, `SIP`, `IAX2`). */
  readonly tech: string;
}

/** Toll fraud: what the guard found, for the store's audit, the dashboard and `check`. Its FRAUD line is a `log` effect. */
export interface FraudEffect {
  readonly kind: 'fraud';
  readonly finding: FraudFinding;
}

/** One thing to do. */
export type Effect =
  /** A line of the failed-auth log (already formatted and escaped). */
  | { readonly kind: 'log'; readonly line: string }
  /** A line of the daemon's own log. */
  | { readonly kind: 'say'; readonly level: 'info' | 'warn' | 'error'; readonly fields: Readonly<Record<string, unknown>>; readonly msg: string }
  /** An alert for a person (the alert command, webhook…). Its failed-auth line is a `log` effect of its own. */
  | { readonly kind: 'alert'; readonly alert: Alert }
  /** A failure row for the store; `counted`: it counted towards a ban; `scan`: a challenge never answered. */
  | { readonly kind: 'failure'; readonly row: FailureRow; readonly counted: boolean; readonly scan: boolean }
  | BanEffect
  | ClusterEffect
  | HangupEffect | SuspendEffect | ResumeEffect | UnregisterEffect | FraudEffect;

/** Counters of what the decisions saw. */
export interface DecisionStats {
  events: number;
  /** Failed attempts written (counted or not). */
  attempts: number;
  /** Challenges never answered (reason `scan`), each once. */
  scans: number;
  duplicates: number;
  injections: number;
  notSeen: number;
}

export interface DeciderOptions {
  /** Events older than this (minus 5 s) were replayed from the logs: the kernel was not watching then, so no seen check. */
  readonly startedAt?: number;
  /** Cluster mode: counted failures and bans that hold are also `cluster` effects. */
  readonly publish?: boolean;
  /** Where an address is (geo/, cached): its country and AS number go on failed-auth and alert lines, and on alerts. Absent: geo off. */
  readonly geo?: (ip: string) => Where;
}

/**
 * The latest reports of one address, kept to be stored with its ban: one report alone
 * (most addresses of a flood fail once: two fields, no arrays), or several.
 */
class One {
  constructor(readonly evidence: Evidence, readonly account: string) {}
}
interface Many {
  readonly evidence: Evidence[];
  readonly accounts: string[];
}
type Recent = One | Many;

/** Addresses per generation of the evidence kept for bans. */
const RECENT_GENERATION = 50_000;
const NONE: readonly Effect[] = Object.freeze([]);

export class Decider {
  readonly stats: DecisionStats = { events: 0, attempts: 0, scans: 0, duplicates: 0, injections: 0, notSeen: 0 };
  private recent = new Map<string, Recent>();
  /**
   * The generation before `recent`: when `recent` is full it becomes this one and the one
   * before is dropped, so no entry is ever deleted from the front of a big Map (V8 then
   * walks every deleted slot first: it cost 40% of the daemon's time in a flood).
   */
  private older = new Map<string, Recent>();

  constructor(readonly engine: Engine, private readonly opts: DeciderOptions = {}) {}

  /** Addresses whose latest reports are held for a ban to come (for tests and metrics). */
  get remembered(): number {
    let n = this.recent.size;
    for (const ip of this.older.keys()) if (!this.recent.has(ip)) n++;
    return n;
  }

  /** The effects of one event, in the order they must be applied. */
  decide(ev: SecurityEvent, now: number): readonly Effect[] {
    this.stats.events++;
    if (ev.kind === 'injection_suspected') {
      this.stats.injections++;
      return [
        { kind: 'log', line: formatInjection({ at: ev.at, service: ev.service, candidates: ev.candidates, source: ev.evidence.source, line: ev.evidence.line }) },
        { kind: 'say', level: 'warn', fields: { service: ev.service, candidates: ev.candidates, source: ev.evidence.source, line: ev.evidence.line }, msg: 'log line with injected addresses: counted for nobody' },
      ];
    }
    const out = this.engine.handle(ev);
    if (out.scans.length === 0 && (out.duplicate || (out.alerts.length === 0 && !out.ruleBan && !out.verdict))) {
      if (out.duplicate) this.stats.duplicates++;
      return NONE;
    }
    const effects: Effect[] = [];
    // Challenges this event's time shows were never answered: each a failure with reason `scan`.
    for (const s of out.scans) {
      this.stats.scans++;
      this.failure(s.event, s.verdict, true, now, effects);
    }
    if (out.duplicate) {
      this.stats.duplicates++;
      return effects;
    }
    for (const alerted of out.alerts) {
      const a = this.placed(alerted);
      effects.push({ kind: 'log', line: formatAlert(a) }, { kind: 'say', level: 'warn', fields: { alert: a.kind, ip: a.ip, account: a.account }, msg: a.message }, { kind: 'alert', alert: a });
    }
    if (out.ruleBan) this.ban(out.ruleBan, ev, now, effects);
    const v = out.verdict;
    if (v && ev.kind === 'auth_failed') {
      this.stats.attempts++;
      this.failure(ev, v, false, now, effects);
    }
    return effects;
  }

  /** No more events will come (the end of replayed files): the challenges still waiting are judged. */
  finish(now: number): readonly Effect[] {
    const effects: Effect[] = [];
    for (const s of this.engine.finish()) {
      this.stats.scans++;
      this.failure(s.event, s.verdict, true, now, effects);
    }
    return effects;
  }

  /** The kernel never saw the address of `b` send a packet: the ban is taken back, and said as suspected injection. */
  notSeen(b: BanEffect): readonly Effect[] {
    this.stats.notSeen++;
    this.engine.cancelBan(b.ban.ip);
    const ev = b.cause;
    return [
      { kind: 'log', line: formatInjection({ at: ev.at, service: ev.service, candidates: [b.ban.ip], source: ev.evidence.source, line: ev.evidence.line, action: 'not_banned_never_seen' }) },
      { kind: 'say', level: 'warn', fields: { ip: b.ban.ip, source: ev.evidence.source, line: ev.evidence.line }, msg: 'not banned: this address never sent the PBX a packet (suspected log injection)' },
    ];
  }

  /** `b` now holds (stored or in the kernel): an address ban may complete its network's count (subnet escalation). */
  enforced(b: BanEffect, now: number): readonly Effect[] {
    const effects: Effect[] = [];
    if (this.opts.publish && !b.remote) {
      const current = this.engine.activeBan(b.ban.ip, now);
      effects.push({ kind: 'cluster', message: {
        type: 'ban', target: b.ban.ip, at: b.ban.createdAt, until: current ? current.until : b.ban.expiresAt, tier: b.ban.tier, reason: b.ban.reason, source: b.ban.source,
      } });
    }
    if (isNetwork(b.ban.ip) || b.remote) return effects;
    const ip = b.ban.ip as IpAddress;
    const at = b.ban.createdAt;
    const { decision, spared } = this.engine.escalate(ip, at);
    if (spared) {
      effects.push(
        { kind: 'log', line: formatSubnet({ at, net: spared.net, action: 'spared', trigger: ip, why: spared.why }) },
        { kind: 'say', level: 'warn', fields: { net: spared.net, trigger: ip, why: spared.why }, msg: 'network reached the subnet-escalation count but is not banned' },
      );
    }
    if (decision) {
      effects.push({ kind: 'log', line: formatSubnet({ at, net: decision.ip, action: 'banned', trigger: ip, addresses: decision.failures, until: decision.until }) });
      this.ban(decision, b.cause, now, effects);
    }
    return effects;
  }

  /** A failure (or scan): its failed-auth log line, its failure row, and its ban if it made one. */
  private failure(ev: AuthFailed, v: FailureVerdict, scan: boolean, now: number, effects: Effect[]): void {
    this.remember(ev);
    effects.push({
      kind: 'log',
      line: formatFailure({
        at: ev.at, ip: ev.ip, port: ev.port, service: ev.service, account: ev.account, reason: ev.reason,
        // A banned address's line names the ban in force (its tier, or the rule's name), not only the tier reached now.
        zone: v.zone, counts: v.counts.map((n, i) => ({ n, within: formatDuration(v.windows[i] ?? 0) })), action: v.action,
        tier: v.ban ? v.ban.tier : v.tier, ban: v.ban?.by ?? undefined, until: v.ban ? v.ban.until : undefined,
        decoys: ev.decoys, source: ev.evidence.source, line: ev.evidence.line, geo: this.opts.geo?.(ev.ip),
      }),
    }, {
      kind: 'failure', counted: v.action !== 'not_counted', scan,
      row: {
        at: ev.at, ip: ev.ip, port: ev.port, service: ev.service, account: ev.account, reason: ev.reason,
        zone: v.zone, action: v.action, source: ev.evidence.source, line: ev.evidence.line, raw: ev.evidence.text,
      },
    });
    if (this.opts.publish && !scan && v.action !== 'not_counted') {
      effects.push({ kind: 'cluster', message: { type: 'failure', ip: ev.ip, at: ev.at, reason: ev.reason, service: ev.service, account: ev.account } });
    }
    if (v.decision) this.ban(v.decision, ev, now, effects);
  }

  /** A ban effect for `d`: the engine's ban in force for its target, with the address's latest evidence. */
  private ban(d: BanDecision, ev: LocatedEvent, now: number, effects: Effect[]): void {
    const current = this.engine.activeBan(d.ip, now);
    const until = current ? current.until : d.until;
    const recent = isNetwork(d.ip) ? undefined : (this.recent.get(d.ip) ?? this.older.get(d.ip));
    // The evidence now travels with the ban (the store keeps the latest of every ban of
    // the address, and every report is a failure row): memory holds it for bans to come only.
    if (recent) {
      this.recent.delete(d.ip);
      this.older.delete(d.ip);
    }
    effects.push({
      kind: 'ban',
      ifSeen: !isNetwork(d.ip) && ev.at >= (this.opts.startedAt ?? Number.NEGATIVE_INFINITY) - 5000,
      cause: ev,
      ban: {
        ip: d.ip, reason: d.reason, tier: Math.max(d.tier, current?.tier ?? 0), source: 'policy', failures: d.failures,
        evidence: recent instanceof One ? [recent.evidence] : recent?.evidence.length ? [...recent.evidence] : [ev.evidence],
        accounts: recent instanceof One ? [recent.account] : recent?.accounts.length ? [...recent.accounts] : [ev.account],
        createdAt: d.at, expiresAt: until,
      },
    });
  }

  /** An alert with where its address is (geo on): country, name, AS number and network, when known. */
  private placed(a: Alert): Alert {
    return this.opts.geo ? { ...a, geo: this.opts.geo(a.ip) } : a;
  }

  private remember(ev: LocatedEvent): void {
    const r = this.recent.get(ev.ip);
    if (r instanceof One) {
      // Its second report: arrays of exactly their elements (a push onto [] reserves 17).
      this.recent.set(ev.ip, { evidence: [r.evidence, ev.evidence], accounts: r.account === ev.account ? [r.account] : [r.account, ev.account] });
      return;
    }
    if (r) {
      r.evidence.push(ev.evidence);
      if (r.evidence.length > 12) r.evidence.shift();
      if (!r.accounts.includes(ev.account)) r.accounts.push(ev.account);
      if (r.accounts.length > 20) r.accounts.shift();
      return;
    }
    if (this.recent.size >= RECENT_GENERATION) {
      this.older = this.recent;
      this.recent = new Map();
    }
    const old = this.older.get(ev.ip);
    this.recent.set(ev.ip, old ?? new One(ev.evidence, ev.account));
    if (old) this.remember(ev);
  }
}
