/**
 * The policy engine: per-address sliding windows, tiers, zones and bans.
 *
 * Semantics (DESIGN.md, "Policy semantics"):
 * - Each counted failure of an address is appended to its window; a window keeps the
 *   newest `maxCount` failure times, where `maxCount` is the largest tier's count, so
 *   memory per address is bounded however long the attack lasts.
 * - After each failure, tiers are checked highest first: a tier fires when its count
 *   of failures lies within its `within` span ending at this failure.
 * - Failures while banned still count, so an attacker who comes back after every
 *   short ban reaches the permanent tier. Such a failure says which ban is in force
 *   (`already_banned`, with that ban's tier or rule name), never only the tier it
 *   reached now.
 * - `never` and `trusted` addresses are never banned; `internal` ones only with
 *   `banInternal`. Their failures are still counted and reported.
 * - Protection off: everything is counted and reported as `detect_only`; no ban.
 * - A release clears the address's window and ban.
 * - Scans (challenges never answered, see challenges.ts) have a window and threshold of
 *   their own (`scan`), not the tiers': a scan is no failed login, and a phone answers
 *   its challenges, so it never collects them.
 *
 * Deterministic: the time of every call is a parameter; nothing reads a clock.
 */
import ipaddr from 'ipaddr.js';
import type { FailureReason } from '../domain/events.js';
import { formatDuration } from '../domain/duration.js';
import { networkHolds, type BanTarget, type Cidr, type IpAddress } from '../domain/ip.js';
import type { Zone, ZoneOf } from './zones.js';

/**
 * Scanning: `challenges` unanswered challenges within `within` ms give a ban of `ban` ms
 * (null: until released); a challenge is unanswered once `grace` ms passed without its answer.
 */
export interface ScanPolicy {
  readonly challenges: number;
  readonly within: number;
  readonly ban: number | null;
  readonly grace: number;
}

/** The `policy.scan` settings of the config (milliseconds; `ban` null: until released). */
export interface ScanSettings extends ScanPolicy {
  readonly enabled: boolean;
}

/** The engine's scan policy for the settings: null when switched off. */
export function scanInput(s: ScanSettings): ScanPolicy | null {
  return s.enabled ? { challenges: s.challenges, within: s.within, ban: s.ban, grace: s.grace } : null;
}

/** One tier: `failures` within `within` ms gives a ban of `ban` ms (null: until released). */
export interface Tier {
  readonly failures: number;
  readonly within: number;
  readonly ban: number | null;
}

export interface PolicyInput {
  readonly tiers: readonly Tier[];
  readonly countReasons: readonly FailureReason[];
  readonly banInternal: boolean;
  readonly protection: 'on' | 'off';
  /** Tiers for addresses that recently authenticated successfully (learned trust); default: `tiers`. */
  readonly knownTiers?: readonly Tier[];
  /**
   * IPv6 failures are counted per prefix of this length (default 64: one subscriber's
   * network, the IPv6 equivalent of one IPv4 address), so an attacker rotating through
   * its /64 gets no fresh allowance per address. 128: per address. Bans stay per address.
   */
  readonly ipv6Prefix?: number;
  /** Scanning (unanswered challenges); absent or null: challenges are not judged. */
  readonly scan?: ScanPolicy | null;
}

/** What the engine did with one failure. */
export type Action = 'not_counted' | 'counted' | 'exempt' | 'banned' | 'already_banned' | 'detect_only';

/**
 * A ban to enforce. `until` null means until a person releases it. `tier` 0 is a ban
 * not decided by the tiers (a rule, a person, subnet escalation). `ip` is a network
 * only for subnet escalation.
 */
export interface BanDecision {
  readonly kind: 'ban';
  readonly ip: BanTarget;
  readonly at: number;
  readonly until: number | null;
  readonly tier: number;
  readonly failures: number;
  readonly reason: string;
}

/** The ban on an address after a failure: a tier's (`tier`), or a rule's or a person's (`by`). */
export interface BanInForce {
  readonly tier: number | null;
  /** The rule or person behind a ban no tier made (`extension-from-external`, `scan`, `manual`). */
  readonly by: string | null;
  /** Null: until released. */
  readonly until: number | null;
}

export interface FailureVerdict {
  readonly ip: IpAddress;
  readonly zone: Zone;
  /** Failures inside each tier's window (tiers in ascending order of `failures`), this one included; for a scan, its one window. */
  readonly counts: readonly number[];
  /** The length (ms) of the window of each of `counts`. */
  readonly windows: readonly number[];
  readonly action: Action;
  /** The tier that fired (1-based), or null. */
  readonly tier: number | null;
  readonly decision: BanDecision | null;
  /** For `banned` and `already_banned`: the ban in force after this failure. */
  readonly ban: BanInForce | null;
}

interface AddressState {
  /** Newest failure times, ascending, at most maxCount. */
  times: number[];
  /** Until when the address is "known" (learned trust); NaN if not. */
  knownUntil: number;
  /** Ban end; NaN when not banned, Infinity when permanent. */
  banUntil: number;
  banTier: number;
  /** What made a ban no tier made (banTier 0): a rule's name, `manual`; null otherwise. */
  banBy: string | null;
}

/** Tiers sorted by ascending `failures`; tier numbers are 1-based positions in this order. */
export function sortTiers(tiers: readonly Tier[]): Tier[] {
  return [...tiers].sort((a, b) => a.failures - b.failures);
}

/**
 * The window of an address with no failure of its own yet, shared and never written:
 * push() replaces it with a new array at the first failure.
 */
const EMPTY: number[] = Object.freeze([]) as unknown as number[];

/** Sliding-window policy engine. State is in memory; the store persists what must survive. */
/**
 * How far after a failure's own time the window judging it still reaches. Asterisk's
 * log lines carry whole seconds (`[Dec  7 10:00:01]`) while its security events and
 * AMI carry milliseconds, so two reports of one second — one attempt's NOTICE at
 * .000, the previous attempt's security event at .345 — must count together, or the
 * second failure of a fast guesser would not see the first (a ban several guesses
 * late). A report read late (catching up) still never counts failures more than a
 * second after it.
 */
const SAME_SECOND = 1000;

export class PolicyEngine {
  private readonly state = new Map<string, AddressState>();
  /** Failure windows shared by the IPv6 addresses of one prefix. */
  private readonly windows = new Map<string, number[]>();
  private readonly prefixMemo = new Map<string, string>();
  private v6Prefix = 64;
  private tierList: Tier[] = [];
  private knownTiers: Tier[] = [];
  private maxCount = 1;
  private maxWithin = 0;
  private counted = new Set<FailureReason>();
  private scanPolicy: ScanPolicy | null = null;
  /** Scan times of addresses that sent unanswered challenges, ascending, at most `scan.challenges` each. */
  private readonly scanWindows = new Map<string, number[]>();
  private banInternal = false;
  private protection: 'on' | 'off' = 'on';

  constructor(policy: PolicyInput, private zoneOf: ZoneOf) {
    this.setPolicy(policy);
  }

  /** Replaces the zone classifier (networks edited at run time); windows and bans are kept. */
  setZoneOf(zoneOf: ZoneOf): void {
    this.zoneOf = zoneOf;
  }

  /** Replaces the policy; windows and bans are kept (applied without restart). */
  setPolicy(policy: PolicyInput): void {
    if (policy.tiers.length === 0) throw new Error('policy needs at least one tier');
    this.tierList = sortTiers(policy.tiers);
    this.knownTiers = sortTiers(policy.knownTiers?.length ? policy.knownTiers : policy.tiers);
    const all = [...this.tierList, ...this.knownTiers];
    this.maxCount = Math.max(...all.map((t) => t.failures));
    this.maxWithin = Math.max(...all.map((t) => t.within));
    this.counted = new Set(policy.countReasons);
    this.banInternal = policy.banInternal;
    this.protection = policy.protection;
    this.v6Prefix = policy.ipv6Prefix ?? 64;
    this.scanPolicy = policy.scan ?? null;
  }

  /** The tiers in force, ascending by failures. */
  tiers(): readonly Tier[] {
    return this.tierList;
  }

  get protectionOn(): boolean {
    return this.protection === 'on';
  }

  /** Records one failed attempt at time `at` and returns what to do about it (`exempt`: logged, never counted). */
  failure(ip: IpAddress, at: number, reason: FailureReason, exempt = false): FailureVerdict {
    const zone = this.zoneOf(ip);
    if (exempt || !this.counted.has(reason)) {
      const known = this.state.get(ip);
      const tiers = known && known.knownUntil > at ? this.knownTiers : this.tierList;
      return { ip, zone, counts: this.countsOf(known, at, tiers), windows: tiers.map((t) => t.within), action: 'not_counted', tier: null, decision: null, ban: null };
    }
    const s = this.push(ip, at);
    const tiers = s.knownUntil > at ? this.knownTiers : this.tierList;
    const counts = this.countsOf(s, at, tiers);
    const windows = tiers.map((t) => t.within);
    let fired = -1;
    for (let i = tiers.length - 1; i >= 0; i--) {
      if ((counts[i] as number) >= (tiers[i] as Tier).failures) {
        fired = i;
        break;
      }
    }
    if (fired < 0) {
      // Counted; and if a ban (a rule's, a person's, an earlier tier's) is in force, it says so.
      if (this.isBanned(s, at)) return { ip, zone, counts, windows, action: 'already_banned', tier: null, decision: null, ban: this.inForce(s) };
      return { ip, zone, counts, windows, action: 'counted', tier: null, decision: null, ban: null };
    }
    const tier = tiers[fired] as Tier;
    const tierNo = fired + 1;
    if (zone === 'never' || zone === 'trusted' || (zone === 'internal' && !this.banInternal)) {
      return { ip, zone, counts, windows, action: 'exempt', tier: tierNo, decision: null, ban: null };
    }
    const until = tier.ban === null ? Infinity : at + tier.ban;
    if (this.protection === 'off') return { ip, zone, counts, windows, action: 'detect_only', tier: tierNo, decision: null, ban: null };
    const wasBanned = this.isBanned(s, at);
    // A banned address's later failures (log lag, other services) extend its ban to a full
    // ban length after the latest one: "blocked for at least 1 hour" holds for every failure.
    if (wasBanned && s.banUntil >= until) {
      return { ip, zone, counts, windows, action: 'already_banned', tier: tierNo, decision: null, ban: this.inForce(s) };
    }
    s.banUntil = until;
    // The longer ban is now this tier's (a rule's shorter ban it outlasts no longer names it).
    s.banTier = wasBanned ? Math.max(tierNo, s.banTier) : tierNo;
    s.banBy = null;
    const failures = counts[fired] as number;
    const decision: BanDecision = {
      kind: 'ban', ip, at, until: tier.ban === null ? null : until, tier: tierNo, failures,
      reason: `tier ${tierNo}: ${failures} failures within ${formatDuration(tier.within)}`,
    };
    return { ip, zone, counts, windows, action: 'banned', tier: tierNo, decision, ban: this.inForce(s) };
  }

  /**
   * Records one scan (a challenge never answered, see challenges.ts) at time `at` and
   * returns what to do about it. Needs a scan policy (`PolicyInput.scan`).
   */
  scan(ip: IpAddress, at: number): FailureVerdict {
    const zone = this.zoneOf(ip);
    const sp = this.scanPolicy as ScanPolicy;
    const windows = [sp.within];
    // Known addresses (learned trust) count like any other: their phones answer their challenges,
    // and an attacker who guessed one password must not enumerate the rest unseen.
    const n = this.pushScan(ip, at, sp);
    const counts = [n];
    if (n < sp.challenges) {
      const s = this.state.get(ip);
      if (s && this.isBanned(s, at)) return { ip, zone, counts, windows, action: 'already_banned', tier: null, decision: null, ban: this.inForce(s) };
      return { ip, zone, counts, windows, action: 'counted', tier: null, decision: null, ban: null };
    }
    if (zone === 'never' || zone === 'trusted' || (zone === 'internal' && !this.banInternal)) {
      return { ip, zone, counts, windows, action: 'exempt', tier: null, decision: null, ban: null };
    }
    if (this.protection === 'off') return { ip, zone, counts, windows, action: 'detect_only', tier: null, decision: null, ban: null };
    const s = this.stateOf(ip);
    const until = sp.ban === null ? Infinity : at + sp.ban;
    if (this.isBanned(s, at) && s.banUntil >= until) {
      return { ip, zone, counts, windows, action: 'already_banned', tier: null, decision: null, ban: this.inForce(s) };
    }
    s.banUntil = until;
    s.banTier = 0;
    s.banBy = 'scan';
    const decision: BanDecision = {
      kind: 'ban', ip, at, until: sp.ban === null ? null : until, tier: 0, failures: n,
      reason: `scan: ${n} unanswered challenges within ${formatDuration(sp.within)}`,
    };
    return { ip, zone, counts, windows, action: 'banned', tier: null, decision, ban: this.inForce(s) };
  }

  /** The scan policy in force, or null when challenges are not judged. */
  get scanning(): ScanPolicy | null {
    return this.scanPolicy;
  }

  /** Adds a scan to the address's scan window (the newest `challenges` kept); returns how many lie within `within` of `at`. */
  private pushScan(ip: IpAddress, at: number, sp: ScanPolicy): number {
    const w = this.scanWindows.get(ip);
    if (!w) {
      this.scanWindows.set(ip, [at]); // an array of exactly one: most scanning addresses of a botnet send one or two
      return 1;
    }
    let i = w.length;
    while (i > 0 && (w[i - 1] as number) > at) i--;
    w.splice(i, 0, at);
    if (w.length > sp.challenges) w.splice(0, w.length - sp.challenges);
    return this.scansWithin(ip, at, sp.within);
  }

  private scansWithin(ip: IpAddress, at: number, within: number): number {
    const w = this.scanWindows.get(ip) as number[];
    let n = 0;
    for (let i = w.length - 1; i >= 0; i--) {
      const t = w[i] as number;
      if (t < at - within) break;
      if (t < at + SAME_SECOND) n++; // a report read late counts in the window ending at it, not with later ones
    }
    return n;
  }

  /** The ban in force on a banned address, as the failed-auth log names it. */
  private inForce(s: AddressState): BanInForce {
    const until = s.banUntil === Infinity ? null : s.banUntil;
    return s.banTier > 0 ? { tier: s.banTier, by: null, until } : { tier: null, by: s.banBy ?? 'manual', until };
  }

  /**
   * Bans now, whatever the counts (a violation such as an extension from outside);
   * `reason` names the rule (`extension-from-external`). Returns the decision, or null
   * when an existing ban already lasts as long, or when protection is off or the
   * address is protected.
   */
  forceBan(ip: IpAddress, at: number, length: number | null, reason: string): BanDecision | null {
    const zone = this.zoneOf(ip);
    if (this.protection === 'off' || zone === 'never' || zone === 'trusted' || (zone === 'internal' && !this.banInternal)) return null;
    const s = this.stateOf(ip);
    const until = length === null ? Infinity : at + length;
    if (this.isBanned(s, at) && s.banUntil >= until) return null;
    s.banUntil = until;
    s.banTier = 0;
    s.banBy = reason;
    return { kind: 'ban', ip, at, until: length === null ? null : until, tier: 0, failures: s.times.length, reason };
  }

  /** Withdraws a ban the engine just decided (the firewall refused it), keeping the counts. */
  cancelBan(ip: IpAddress): void {
    const s = this.state.get(ip);
    if (s) {
      s.banUntil = NaN;
      s.banTier = 0;
      s.banBy = null;
    }
  }

  /** Marks an address as known (learned trust) until `until`. */
  learn(ip: IpAddress, until: number): void {
    const s = this.stateOf(ip);
    if (!(s.knownUntil >= until)) s.knownUntil = until;
  }

  /** Whether an address is known (learned trust) at `at`. */
  isKnown(ip: IpAddress, at: number): boolean {
    const s = this.state.get(ip);
    return s !== undefined && s.knownUntil > at;
  }

  /** An address inside `net` that is known (learned trust) at `at`, if any. */
  knownInside(net: Cidr, at: number): IpAddress | null {
    for (const [ip, s] of this.state) if (s.knownUntil > at && networkHolds(net, ip as IpAddress)) return ip as IpAddress;
    return null;
  }

  /**
   * Records a ban decided elsewhere (manual, or restored from the store) without counting
   * a failure; `by` names what made a ban of tier 0 (default: a person, `manual`).
   */
  applyBan(ip: IpAddress, until: number | null, tier: number, by: string | null = null): void {
    const s = this.stateOf(ip);
    s.banUntil = until === null ? Infinity : until;
    s.banTier = tier;
    s.banBy = tier > 0 ? null : by;
  }

  /** Re-adds a stored failure to the window (restart), without deciding anything. */
  restoreFailure(ip: IpAddress, at: number): void {
    this.push(ip, at);
  }

  /** Clears the address's window and ban; returns whether it was banned at `at`. */
  release(ip: IpAddress, at: number): boolean {
    const s = this.state.get(ip);
    this.state.delete(ip);
    this.scanWindows.delete(ip);
    if (s && s.times !== EMPTY) s.times.length = 0; // for IPv6: the prefix's shared window, so the released network starts afresh
    return s ? this.isBanned(s, at) : false;
  }

  /** The active ban of an address at `at`, if any. */
  activeBan(ip: IpAddress, at: number): { until: number | null; tier: number } | null {
    const s = this.state.get(ip);
    if (!s || !this.isBanned(s, at)) return null;
    return { until: s.banUntil === Infinity ? null : s.banUntil, tier: s.banTier };
  }

  /** Drops addresses with no failure inside the longest window and no active ban. */
  prune(now: number): number {
    let dropped = 0;
    for (const [ip, s] of this.state) {
      const newest = s.times[s.times.length - 1] ?? -Infinity;
      if (newest < now - this.maxWithin && !this.isBanned(s, now) && !(s.knownUntil > now)) {
        this.state.delete(ip);
        dropped++;
      }
    }
    for (const [key, w] of this.windows) if ((w[w.length - 1] ?? -Infinity) < now - this.maxWithin) this.windows.delete(key);
    const scanWithin = this.scanPolicy?.within ?? 0;
    for (const [ip, w] of this.scanWindows) if ((w[w.length - 1] ?? -Infinity) < now - scanWithin) this.scanWindows.delete(ip);
    this.prefixMemo.clear();
    return dropped;
  }

  /** Number of addresses with state. */
  get size(): number {
    return this.state.size;
  }

  private isBanned(s: AddressState, at: number): boolean {
    return s.banUntil > at; // NaN compares false
  }

  private stateOf(ip: IpAddress): AddressState {
    let s = this.state.get(ip);
    if (!s) {
      s = { times: this.windowOf(ip), knownUntil: NaN, banUntil: NaN, banTier: 0, banBy: null };
      this.state.set(ip, s);
    }
    return s;
  }

  /** EMPTY (replaced at the first failure) for an IPv4 address; the shared window of its prefix for IPv6. */
  private windowOf(ip: IpAddress): number[] {
    if (ip.indexOf(':') < 0 || this.v6Prefix >= 128) return EMPTY;
    const key = this.prefixOf(ip);
    let w = this.windows.get(key);
    if (!w) {
      w = [];
      this.windows.set(key, w);
    }
    return w;
  }

  private prefixOf(ip: IpAddress): string {
    let key = this.prefixMemo.get(ip);
    if (key === undefined) {
      const bytes = ipaddr.IPv6.parse(ip).toByteArray();
      const full = Math.floor(this.v6Prefix / 8);
      const rest = this.v6Prefix % 8;
      const kept = bytes.slice(0, full);
      if (rest) kept.push((bytes[full] as number) & (0xff << (8 - rest)) & 0xff);
      key = `${kept.map((b) => b.toString(16).padStart(2, '0')).join('')}/${this.v6Prefix}`;
      if (this.prefixMemo.size >= 65_536) this.prefixMemo.clear();
      this.prefixMemo.set(ip, key);
    }
    return key;
  }

  private push(ip: IpAddress, at: number): AddressState {
    const s = this.stateOf(ip);
    const t = s.times;
    if (t.length === 0 && t === EMPTY) {
      // An address's own first failure: an array of exactly one (a push onto [] reserves 17).
      s.times = [at];
      return s;
    }
    if (t.length === 0 || at >= (t[t.length - 1] as number)) {
      t.push(at);
    } else {
      let i = t.length;
      while (i > 0 && (t[i - 1] as number) > at) i--;
      t.splice(i, 0, at);
    }
    if (t.length > this.maxCount) t.splice(0, t.length - this.maxCount);
    return s;
  }

  private countsOf(s: AddressState | undefined, at: number, tiers: readonly Tier[] = this.tierList): number[] {
    return tiers.map((tier) => {
      if (!s) return 0;
      const from = at - tier.within;
      let n = 0;
      for (let i = s.times.length - 1; i >= 0; i--) {
        const t = s.times[i] as number;
        if (t < from) break;
        if (t < at + SAME_SECOND) n++; // a failure read late (catching up) counts in the window ending at it, not with later ones
      }
      return n;
    });
  }
}
