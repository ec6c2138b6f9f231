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
import type { FailureReason } from '../domain/events.js';
import { formatDuration } from '../domain/duration.js';
import type { BanTarget, Cidr, IpAddress } from '../domain/ip.js';
import { AddressStates } from './address-state.js';
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

/** Tiers sorted by ascending `failures`; tier numbers are 1-based positions in this order. */
export function sortTiers(tiers: readonly Tier[]): Tier[] {
  return [...tiers].sort((a, b) => a.failures - b.failures);
}

/** Sliding-window policy engine. State is in memory (typed storage: address-state.ts); the store persists what must survive. */
export class PolicyEngine {
  /** Per-address windows, bans and learned trust; scan windows; IPv6 prefix windows. */
  private readonly states = new AddressStates();
  private tierList: Tier[] = [];
  private knownTiers: Tier[] = [];
  private maxCount = 1;
  private maxWithin = 0;
  private counted = new Set<FailureReason>();
  private scanPolicy: ScanPolicy | null = null;
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
    this.states.v6Prefix = policy.ipv6Prefix ?? 64;
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
      const known = this.states.find(ip);
      const tiers = known >= 0 && this.states.knownUntil(known) > at ? this.knownTiers : this.tierList;
      return { ip, zone, counts: this.countsOf(known, at, tiers), windows: tiers.map((t) => t.within), action: 'not_counted', tier: null, decision: null, ban: null };
    }
    const s = this.push(ip, at);
    const tiers = this.states.knownUntil(s) > at ? this.knownTiers : this.tierList;
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
    if (wasBanned && this.states.banUntil(s) >= until) {
      return { ip, zone, counts, windows, action: 'already_banned', tier: tierNo, decision: null, ban: this.inForce(s) };
    }
    // The longer ban is now this tier's (a rule's shorter ban it outlasts no longer names it).
    this.states.setBan(s, until, wasBanned ? Math.max(tierNo, this.states.banTier(s)) : tierNo, null);
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
    const n = this.states.pushScan(ip, at, sp.challenges, sp.within);
    const counts = [n];
    if (n < sp.challenges) {
      const s = this.states.find(ip);
      if (s >= 0 && this.isBanned(s, at)) return { ip, zone, counts, windows, action: 'already_banned', tier: null, decision: null, ban: this.inForce(s) };
      return { ip, zone, counts, windows, action: 'counted', tier: null, decision: null, ban: null };
    }
    if (zone === 'never' || zone === 'trusted' || (zone === 'internal' && !this.banInternal)) {
      return { ip, zone, counts, windows, action: 'exempt', tier: null, decision: null, ban: null };
    }
    if (this.protection === 'off') return { ip, zone, counts, windows, action: 'detect_only', tier: null, decision: null, ban: null };
    const s = this.states.open(ip);
    const until = sp.ban === null ? Infinity : at + sp.ban;
    if (this.isBanned(s, at) && this.states.banUntil(s) >= until) {
      return { ip, zone, counts, windows, action: 'already_banned', tier: null, decision: null, ban: this.inForce(s) };
    }
    this.states.setBan(s, until, 0, 'scan');
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

  /** The ban in force on a banned address, as the failed-auth log names it. */
  private inForce(s: number): BanInForce {
    const banUntil = this.states.banUntil(s);
    const until = banUntil === Infinity ? null : banUntil;
    const tier = this.states.banTier(s);
    return tier > 0 ? { tier, by: null, until } : { tier: null, by: this.states.banBy(s) ?? 'manual', until };
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
    const s = this.states.open(ip);
    const until = length === null ? Infinity : at + length;
    if (this.isBanned(s, at) && this.states.banUntil(s) >= until) return null;
    this.states.setBan(s, until, 0, reason);
    return { kind: 'ban', ip, at, until: length === null ? null : until, tier: 0, failures: this.states.length(s), reason };
  }

  /** Withdraws a ban the engine just decided (the firewall refused it), keeping the counts. */
  cancelBan(ip: IpAddress): void {
    const s = this.states.find(ip);
    if (s >= 0) this.states.setBan(s, Number.NaN, 0, null);
  }

  /** Marks an address as known (learned trust) until `until`. */
  learn(ip: IpAddress, until: number): void {
    const s = this.states.open(ip);
    if (!(this.states.knownUntil(s) >= until)) this.states.setKnown(s, ip, until);
  }

  /** Whether an address is known (learned trust) at `at`. */
  isKnown(ip: IpAddress, at: number): boolean {
    const s = this.states.find(ip);
    return s >= 0 && this.states.knownUntil(s) > at;
  }

  /** An address inside `net` that is known (learned trust) at `at`, if any. */
  knownInside(net: Cidr, at: number): IpAddress | null {
    return this.states.knownInside(net, at);
  }

  /**
   * Records a ban decided elsewhere (manual, or restored from the store) without counting
   * a failure; `by` names what made a ban of tier 0 (default: a person, `manual`).
   */
  applyBan(ip: IpAddress, until: number | null, tier: number, by: string | null = null): void {
    const s = this.states.open(ip);
    this.states.setBan(s, until === null ? Infinity : until, tier, tier > 0 ? null : by);
  }

  /** Re-adds a stored failure to the window (restart), without deciding anything. */
  restoreFailure(ip: IpAddress, at: number): void {
    this.push(ip, at);
  }

  /** Clears the address's window and ban; returns whether it was banned at `at`. For IPv6 the prefix's shared window is cleared, so the released network starts afresh. */
  release(ip: IpAddress, at: number): boolean {
    const s = this.states.find(ip);
    const banned = s >= 0 && this.isBanned(s, at);
    this.states.release(ip);
    return banned;
  }

  /** The active ban of an address at `at`, if any. */
  activeBan(ip: IpAddress, at: number): { until: number | null; tier: number } | null {
    const s = this.states.find(ip);
    if (s < 0 || !this.isBanned(s, at)) return null;
    const until = this.states.banUntil(s);
    return { until: until === Infinity ? null : until, tier: this.states.banTier(s) };
  }

  /** Drops addresses with no failure inside the longest window and no active ban (and old prefix and scan windows). */
  prune(now: number): number {
    return this.states.prune(now, now - this.maxWithin, now - (this.scanPolicy?.within ?? 0));
  }

  /** Number of addresses with state. */
  get size(): number {
    return this.states.size;
  }

  private isBanned(s: number, at: number): boolean {
    return this.states.banUntil(s) > at; // NaN compares false
  }

  private push(ip: IpAddress, at: number): number {
    const s = this.states.open(ip);
    this.states.push(s, at, this.maxCount);
    return s;
  }

  private countsOf(s: number, at: number, tiers: readonly Tier[] = this.tierList): number[] {
    return tiers.map((tier) => (s < 0 ? 0 : this.states.count(s, at, tier.within)));
  }
}
