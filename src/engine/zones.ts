/**
 * Zones: which addresses may be banned. Compiled once from the config into closures.
 *
 * Order of precedence: `never` (loopback, unspecified, multicast, the host's own
 * addresses) > `trusted` (configured) > `internal` (configured networks) > `external`.
 *
 * A network (a subnet ban) takes the most protected zone of any address inside it:
 * a /24 holding one trusted address is `trusted`, and so is never banned whole.
 */
import {
  compileNetworks, isNetwork, isSpecialNeverBan, networkHolds, networksOverlap, SPECIAL_NEVER_NETWORKS,
  type BanTarget, type Cidr, type IpAddress,
} from '../domain/ip.js';

export type Zone = 'never' | 'trusted' | 'internal' | 'external';

export interface ZoneInput {
  readonly internal: readonly Cidr[];
  readonly trusted: readonly Cidr[];
  /** The host's own addresses (the composition root reads them; `check` passes none). */
  readonly hostAddresses?: readonly IpAddress[];
  /** Trusted addresses that change at run time (resolved host names). */
  readonly dynamicTrusted?: { has(ip: IpAddress): boolean; addresses?(): Iterable<IpAddress> };
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
  const zoneOf = (ip: IpAddress): Zone => {
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

/** Why a person may not ban `target` of `zone` (one line), or null when they may. */
export function manualBanRefusal(target: BanTarget, zone: Zone): string | null {
  if (zone !== 'never' && zone !== 'trusted') return null;
  const why = isNetwork(target)
    ? (zone === 'trusted' ? 'it overlaps the trusted list (networks.trusted)' : 'it holds loopback, multicast or one of this host\'s own addresses')
    : (zone === 'trusted' ? 'it is on the trusted list (networks.trusted)' : 'it is loopback or one of this host\'s own addresses');
  return `refusing to ban ${target}: ${why}`;
}
