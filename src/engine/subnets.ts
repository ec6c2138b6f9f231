/**
 * Subnet escalation: when enough addresses of one network are banned within a window,
 * the whole network is banned (a botnet or a hosting range rotating its addresses).
 *
 * Invariants:
 * - Only bans the policy decided count (tiers and rules), and only once they are
 *   enforced: the caller reports a ban after it passed the "seen" check, so addresses
 *   injected through log text never add up to a network ban.
 * - Each address counts once per network, at the time of its latest ban; members older
 *   than the window are dropped, so memory per network is bounded by its active bans.
 * - A network is banned only if all of it is external: a network holding any internal,
 *   trusted, never-ban or known (learned trust) address is never banned whole.
 * - A network ban lasts `ban` from the ban that completed the count; every later
 *   member ban extends it again (like an address's ban after each failure).
 *
 * Deterministic: times are parameters; nothing reads a clock.
 */
import { formatDuration } from '../domain/duration.js';
import { isV6, networkHolds, networkOf, type Cidr, type IpAddress } from '../domain/ip.js';
import type { BanDecision } from './policy.js';
import type { Zone } from './zones.js';

export interface SubnetInput {
  /** Banned addresses of one network that trigger the network ban; 0 turns escalation off. */
  readonly addresses: number;
  /** Window (ms) in which they must have been banned. */
  readonly within: number;
  /** Length (ms) of the network ban; null: until a person releases it. */
  readonly ban: number | null;
  /** Network size for IPv4 (default 24) and IPv6 (default 64). */
  readonly ipv4Prefix: number;
  readonly ipv6Prefix: number;
}

/** What the escalation needs to know about the rest of the engine. */
export interface SubnetContext {
  /** The most protected zone of any address inside the network. */
  networkZone(net: Cidr): Zone;
  /** An address inside the network that is known (learned trust) at `at`, if any. */
  knownInside(net: Cidr, at: number): IpAddress | null;
  readonly protectionOn: boolean;
}

/**
 * Subnet escalation as the config file and the settings page hold it: the numbers plus
 * the on/off switch, so the numbers are kept while it is off.
 */
export interface SubnetSettings extends SubnetInput {
  readonly enabled: boolean;
}

/** What the engine receives: the numbers when on, nothing when off. */
export function subnetInput(s: SubnetSettings): SubnetInput | undefined {
  return s.enabled ? { addresses: s.addresses, within: s.within, ban: s.ban, ipv4Prefix: s.ipv4Prefix, ipv6Prefix: s.ipv6Prefix } : undefined;
}

export const SUBNETS_OFF: SubnetInput = Object.freeze({ addresses: 0, within: 0, ban: null, ipv4Prefix: 24, ipv6Prefix: 64 });

/** Why a network that reached the count was not banned (for the log). */
export interface SubnetSpared {
  readonly net: Cidr;
  readonly why: string;
}

export class SubnetEscalation {
  /** Network -> its banned addresses -> time of each one's latest ban. */
  private readonly members = new Map<Cidr, Map<IpAddress, number>>();
  /** Network -> end of its ban (Infinity: until released). */
  private readonly bans = new Map<Cidr, number>();
  /** Networks spared once already (said once, not at every later member ban). */
  private readonly spared = new Set<Cidr>();

  constructor(private input: SubnetInput, private readonly ctx: SubnetContext) {}

  /** New numbers; counts made under other network sizes are dropped (they name other networks). */
  setInput(input: SubnetInput): void {
    if (input.ipv4Prefix !== this.input.ipv4Prefix || input.ipv6Prefix !== this.input.ipv6Prefix || input.addresses === 0) {
      this.members.clear();
      this.spared.clear();
    }
    this.input = input;
  }

  get enabled(): boolean {
    return this.input.addresses > 0;
  }

  /** The network escalation groups `ip` into. */
  networkOf(ip: IpAddress): Cidr {
    return networkOf(ip, isV6(ip) ? this.input.ipv6Prefix : this.input.ipv4Prefix);
  }

  /**
   * Records that `ip` was banned at `at`. Returns the network ban to enforce (new, or
   * extended), a note when the network qualified but is protected, or nothing.
   */
  noteBan(ip: IpAddress, at: number): { decision: BanDecision | null; spared: SubnetSpared | null } {
    if (!this.enabled) return NOTHING;
    const { net, m } = this.remember(ip, at);
    const from = at - this.input.within;
    for (const [addr, t] of m) if (t < from) m.delete(addr);
    if (m.size < this.input.addresses || !this.ctx.protectionOn) return NOTHING;
    const zone = this.ctx.networkZone(net);
    const known = zone === 'external' ? this.ctx.knownInside(net, at) : null;
    if (zone !== 'external' || known !== null) {
      if (this.spared.has(net)) return NOTHING;
      this.spared.add(net);
      const why = known !== null ? `it holds ${known}, which logged in successfully (learned trust)` : `it overlaps ${zone === 'never' ? 'addresses that are never banned' : `${zone} networks`}`;
      return { decision: null, spared: { net, why } };
    }
    const until = this.input.ban === null ? Infinity : at + this.input.ban;
    const current = this.bans.get(net);
    if (current !== undefined && current > at && current >= until) return NOTHING;
    this.bans.set(net, until);
    const decision: BanDecision = {
      kind: 'ban', ip: net, at, until: this.input.ban === null ? null : until, tier: 0, failures: m.size,
      reason: `subnet-escalation: ${m.size} addresses of ${net} banned within ${formatDuration(this.input.within)}`,
    };
    return { decision, spared: null };
  }

  /** Records a network ban decided elsewhere (manual, or restored from the store). */
  applyBan(net: Cidr, until: number | null): void {
    this.bans.set(net, until === null ? Infinity : until);
  }

  /** Re-adds a stored address ban to its network's count (restart), deciding nothing. */
  restoreMember(ip: IpAddress, at: number): void {
    if (this.enabled) this.remember(ip, at);
  }

  /** Counts `ip` in its network at `at` (its latest ban wins). */
  private remember(ip: IpAddress, at: number): { net: Cidr; m: Map<IpAddress, number> } {
    const net = this.networkOf(ip);
    let m = this.members.get(net);
    if (!m) {
      m = new Map();
      this.members.set(net, m);
    }
    m.set(ip, Math.max(at, m.get(ip) ?? -Infinity));
    return { net, m };
  }

  /** Withdraws a network ban the engine just decided (the firewall refused it). */
  cancelBan(net: Cidr): void {
    this.bans.delete(net);
  }

  /** A person released the network: its ban and its count start afresh. Returns whether it was banned. */
  release(net: Cidr, at: number): boolean {
    const until = this.bans.get(net);
    this.bans.delete(net);
    this.members.delete(net);
    this.spared.delete(net);
    return until !== undefined && until > at;
  }

  /** A person released an address: it no longer counts towards its network. */
  forget(ip: IpAddress): void {
    if (!this.enabled) return;
    const net = this.networkOf(ip);
    this.members.get(net)?.delete(ip);
  }

  /** The active ban of a network at `at`, if any. */
  activeBan(net: Cidr, at: number): { until: number | null } | null {
    const until = this.bans.get(net);
    return until !== undefined && until > at ? { until: until === Infinity ? null : until } : null;
  }

  /** The banned network holding `ip` at `at`, if any. */
  covering(ip: IpAddress, at: number): Cidr | null {
    for (const [net, until] of this.bans) if (until > at && networkHolds(net, ip)) return net;
    return null;
  }

  /** Drops members outside the window and bans that are over. */
  prune(now: number): void {
    const from = now - this.input.within;
    for (const [net, m] of this.members) {
      for (const [addr, t] of m) if (t < from) m.delete(addr);
      if (m.size === 0) {
        this.members.delete(net);
        this.spared.delete(net);
      }
    }
    for (const [net, until] of this.bans) if (until <= now) this.bans.delete(net);
  }
}

const NOTHING = Object.freeze({ decision: null, spared: null });
