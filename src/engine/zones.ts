/**
 * Zones: which addresses may be banned. Compiled once from the config into closures.
 *
 * Order of precedence: `never` (loopback, unspecified, multicast, the host's own
 * addresses, the clients of this host's SSH sessions) > `trusted` (configured) >
 * `internal` (configured networks) > `external`.
 *
 * A network (a subnet ban) takes the most protected zone of any address inside it:
 * a /24 holding one trusted address is `trusted`, and so is never banned whole.
 */
import ipaddr from 'ipaddr.js';
import {
  compileNetworks, ipv4ToInt, isNetwork, isSpecialNeverBan, isV6Target, networkHolds, networksOverlap, SPECIAL_NEVER_NETWORKS,
  type BanTarget, type Cidr, type IpAddress,
} from '../domain/ip.js';

export type Zone = 'never' | 'trusted' | 'internal' | 'external';

export interface ZoneInput {
  readonly internal: readonly Cidr[];
  readonly trusted: readonly Cidr[];
  /** The host's own addresses (the composition root reads them; `check` passes none). */
  readonly hostAddresses?: readonly IpAddress[];
  /** Trusted addresses that change at run time (resolved host names). */
  readonly dynamicTrusted?: DynamicAddresses;
  /** Addresses never banned that change at run time: the clients of this host's SSH sessions (daemon/ssh.ts). */
  readonly dynamicNever?: DynamicAddresses;
}

/** A set of addresses that changes at run time. */
export interface DynamicAddresses {
  has(ip: IpAddress): boolean;
  addresses?(): Iterable<IpAddress>;
}

/**
 * A compiled zone classifier of addresses, with `network` for whole networks. A
 * classifier without `network` (a test's) cannot vouch for a network: callers treat
 * every network as protected then.
 */
export type ZoneOf = ((ip: IpAddress) => Zone) & { readonly network?: (net: Cidr) => Zone };

/** A classifier that can also judge whole networks (what compileZones makes). */
export type NetworkZoneOf = ZoneOf & { readonly network: (net: Cidr) => Zone };

/**
 * A classifier that always asks the one `current()` returns: a stable function value
 * for holders of a classifier that is replaced when the networks are edited.
 */
export function followZones(current: () => NetworkZoneOf): NetworkZoneOf {
  return Object.assign((ip: IpAddress) => current()(ip), { network: (net: Cidr) => current().network(net) });
}

/** Compiles the zone lists into one classifier. */
export function compileZones(input: ZoneInput): NetworkZoneOf {
  const host = new Set<string>(input.hostAddresses ?? []);
  const trusted = compileNetworks(input.trusted);
  const internal = compileNetworks(input.internal);
  const classify = (ip: IpAddress): Zone => {
    if (isSpecialNeverBan(ip) || host.has(ip)) return 'never';
    if (trusted(ip)) return 'trusted';
    if (internal(ip)) return 'internal';
    return 'external';
  };
  // IPv6 matching goes through ipaddr.js (microseconds): remember answers, bounded.
  const memo = new Map<string, Zone>();
  const dynamic = input.dynamicTrusted;
  const never = input.dynamicNever;
  const zoneOf = (ip: IpAddress): Zone => {
    if (never?.has(ip)) return 'never';
    if (dynamic?.has(ip) && !isSpecialNeverBan(ip) && !host.has(ip)) return 'trusted';
    if (ip.indexOf(':') < 0) return classify(ip);
    let z = memo.get(ip);
    if (z === undefined) {
      z = classify(ip);
      if (memo.size >= 65_536) memo.clear();
      memo.set(ip, z);
    }
    return z;
  };
  const network = (net: Cidr): Zone => {
    const overlaps = (list: readonly Cidr[]) => list.some((n) => networksOverlap(n, net));
    if (overlaps(SPECIAL_NEVER_NETWORKS) || [...host].some((ip) => networkHolds(net, ip as IpAddress))) return 'never';
    for (const ip of never?.addresses?.() ?? []) if (networkHolds(net, ip)) return 'never';
    if (overlaps(input.trusted)) return 'trusted';
    for (const ip of dynamic?.addresses?.() ?? []) if (networkHolds(net, ip)) return 'trusted';
    if (overlaps(input.internal)) return 'internal';
    return 'external';
  };
  return Object.assign(zoneOf, { network });
}

/** The zone of an address or of a whole network; a classifier that cannot judge networks makes every network `never`. */
export function zoneOfTarget(zoneOf: ZoneOf, target: BanTarget): Zone {
  return isNetwork(target) ? (zoneOf.network?.(target) ?? 'never') : zoneOf(target);
}

/** What a person's ban (CLI or dashboard) is checked against besides the zones. */
export interface ManualBanRules {
  /** The widest networks a person may ban without confirming (prefix lengths; `limits` in the config). */
  readonly widest?: { readonly ipv4: number; readonly ipv6: number };
  /** An address inside `target` connected to this host over SSH, and how (one phrase), or null. */
  readonly sshPeer?: (target: BanTarget) => { readonly ip: IpAddress; readonly how: string } | null;
}

/** The person confirmed a ban wider than the limit (`force`), and how a refusal tells them to (`--force`). */
export interface ManualBanConfirm {
  readonly force: boolean;
  readonly how: string;
}

/**
 * Why a person may not ban `target` of `zone` (one line), or null when they may. In this
 * order: a client of this host's SSH (never overridden: the ban would cut the session
 * the host is run from), a protected zone (never overridden), a network wider than
 * `rules.widest` (allowed when confirmed: `128.0.0.0/2` holds 172.16/12, `2000::/3`
 * every global IPv6 address).
 */
export function manualBanRefusal(target: BanTarget, zone: Zone, rules: ManualBanRules = {}, confirm: ManualBanConfirm = { force: false, how: 'add --force' }): string | null {
  const ssh = rules.sshPeer?.(target);
  if (ssh) {
    const what = isNetwork(target) ? `it holds ${ssh.ip}, which` : 'it';
    return `refusing to ban ${target}: ${what} ${ssh.how}; a ban would cut that session (and lock you out)`;
  }
  if (zone === 'never' || zone === 'trusted') {
    const why = isNetwork(target)
      ? (zone === 'trusted' ? 'it overlaps the trusted list (networks.trusted)' : 'it holds loopback, multicast or one of this host\'s own addresses')
      : (zone === 'trusted' ? 'it is on the trusted list (networks.trusted)' : 'it is loopback or one of this host\'s own addresses');
    return `refusing to ban ${target}: ${why}`;
  }
  const widest = rules.widest;
  if (widest && isNetwork(target) && !confirm.force) {
    const v6 = isV6Target(target);
    const limit = v6 ? widest.ipv6 : widest.ipv4;
    const prefix = Number(target.split('/')[1]);
    if (prefix < limit) {
      const key = v6 ? 'limits.widest_ipv6_ban' : 'limits.widest_ipv4_ban';
      const size = v6 ? `2^${128 - prefix} addresses` : `${(2 ** (32 - prefix)).toLocaleString('en-US')} addresses`;
      return `refusing to ban ${target}: it is wider than /${limit} (${key}) and holds ${size}; check the prefix, or ${confirm.how} if you mean the whole network`;
    }
  }
  return null;
}

/** An address family, as a person names it. */
type Family = 'IPv4' | 'IPv6';

/**
 * The address family (if any) in which `networks` together hold every address that
 * could ever be banned (loopback, multicast and the like never are): with such an
 * internal or trusted list nobody would ever be banned. `0.0.0.0/1` + `128.0.0.0/1`
 * is the whole of IPv4 as surely as `0.0.0.0/0`.
 */
export function everyAddressCovered(networks: readonly Cidr[]): Family | null {
  for (const family of ['IPv4', 'IPv6'] as const) {
    const bits = family === 'IPv4' ? 32 : 128;
    const mine = networks.filter((n) => (n.indexOf(':') >= 0) === (family === 'IPv6'));
    if (mine.length === 0) continue;
    const ranges = [...mine, ...SPECIAL_NEVER_NETWORKS.filter((n) => (n.indexOf(':') >= 0) === (family === 'IPv6'))].map((n) => {
      const [addr, p] = n.split('/') as [string, string];
      const start = family === 'IPv4' ? BigInt(ipv4ToInt(addr)) : v6ToBigInt(addr);
      return [start, start + (1n << BigInt(bits - Number(p))) - 1n] as const;
    }).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let next = 0n; // the lowest address not yet covered
    for (const [start, end] of ranges) {
      if (start > next) break;
      if (end + 1n > next) next = end + 1n;
    }
    if (next >= 1n << BigInt(bits)) return family;
  }
  return null;
}

function v6ToBigInt(addr: string): bigint {
  return ipaddr.IPv6.parse(addr).toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}
