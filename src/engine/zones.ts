/**
 * Zones: which addresses may be banned. Compiled once from the config into closures.
 *
 * Order of precedence: `never` (loopback, unspecified, multicast, the host's own
 * addresses) > `trusted` (configured) > `internal` (configured networks) > `external`.
 */
import { compileNetworks, isSpecialNeverBan, type Cidr, type IpAddress } from '../domain/ip.js';

export type Zone = 'never' | 'trusted' | 'internal' | 'external';

export interface ZoneInput {
  readonly internal: readonly Cidr[];
  readonly trusted: readonly Cidr[];
  /** The host's own addresses (the composition root reads them; `check` passes none). */
  readonly hostAddresses?: readonly IpAddress[];
  /** Trusted addresses that change at run time (resolved host names). */
  readonly dynamicTrusted?: { has(ip: IpAddress): boolean };
}

/** A compiled zone classifier. */
export type ZoneOf = (ip: IpAddress) => Zone;

/** Compiles the zone lists into one classifier. */
export function compileZones(input: ZoneInput): ZoneOf {
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
  return (ip) => {
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
}
