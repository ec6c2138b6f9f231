/**
 * IP addresses and networks as branded values. An `IpAddress` can only be made by
 * `parseIp`, so everything downstream may trust that it is a canonical address:
 * IPv4 dotted quad without leading zeros, or IPv6 in RFC 5952 form (lower case,
 * compressed). IPv4-mapped IPv6 (::ffff:a.b.c.d) is folded to plain IPv4, so one
 * host never gets two counters.
 */
import ipaddr from 'ipaddr.js';
import { detach } from './strings.js';

declare const ipBrand: unique symbol;
/** A canonical IPv4 or IPv6 address, produced only by {@link parseIp}. */
export type IpAddress = string & { readonly [ipBrand]: true };

declare const cidrBrand: unique symbol;
/** A canonical network `addr/prefix`, produced only by {@link parseCidr}. */
export type Cidr = string & { readonly [cidrBrand]: true };

/** Parses a strict dotted-quad IPv4 address into a uint32, or -1. No regex: hot path. */
export function ipv4ToInt(s: string): number {
  const n = s.length;
  if (n < 7 || n > 15) return -1;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) return -1; // leading zero: ambiguous (octal)
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

/**
 * Memo of IPv6 parses. Parsing is pure, so this cache changes no result; it exists
 * because an IPv6 parse costs about a microsecond and a PBX sees the same few
 * addresses again and again (phones refreshing registrations). Bounded: cleared when full.
 */
const V6_MEMO = new Map<string, IpAddress | null>();
const V6_MEMO_MAX = 4096;

/** Parses an address (no port, no brackets, no zone). Returns null if it is not one. */
export function parseIp(text: string): IpAddress | null {
  // Rebuilt rather than returned: `text` may be a slice pinning a large buffer (domain/strings.ts).
  if (ipv4ToInt(text) >= 0) return (text.length < 13 ? text : detach(text)) as IpAddress;
  if (text.length < 2 || text.length > 45 || text.indexOf(':') < 0) return null;
  const memo = V6_MEMO.get(text);
  if (memo !== undefined) return memo;
  const parsed = parseV6(text);
  if (V6_MEMO.size >= V6_MEMO_MAX) V6_MEMO.clear();
  V6_MEMO.set(detach(text), parsed);
  return parsed;
}

/**
 * IPv6 through the WHATWG URL host parser (Node's own, in C++): a strict parser whose
 * serialisation is RFC 5952's canonical form (lower case, no leading zeros, the first
 * longest run of zero groups compressed), about 8× faster than ipaddr.js — which
 * matters when a reconcile checks a million stored bans — and right about the
 * deprecated IPv4-compatible form `::1.2.3.4`, which ipaddr.js reads as mapped.
 */
function parseV6(text: string): IpAddress | null {
  // Plain hex/colon/dot characters only: no zone ids, brackets, or anything a URL would take apart.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ok = (c >= 48 && c <= 58) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 46;
    if (!ok) return null;
  }
  let host: string;
  try {
    host = new URL(`http://[${text}]/`).hostname;
  } catch {
    return null;
  }
  const v6 = host.slice(1, -1);
  // IPv4-mapped (::ffff:a.b.c.d, serialised as ::ffff:HHHH:HHHH) is that IPv4 host.
  const mapped = v6.startsWith('::ffff:') ? /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6) : null;
  if (mapped) {
    const hi = parseInt(mapped[1] as string, 16);
    const lo = parseInt(mapped[2] as string, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}` as IpAddress;
  }
  return v6 as IpAddress;
}

/** True for an IPv6 address (contains a colon). */
export function isV6(ip: IpAddress): boolean {
  return ip.indexOf(':') >= 0;
}

/**
 * Parses `addr/prefix` (or a bare address, taken as a host network). The address
 * part is masked to the network, so `10.1.2.3/8` becomes `10.0.0.0/8`.
 */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const ip = parseIp(addrText.trim());
  if (!ip) return null;
  const max = isV6(ip) ? 128 : 32;
  let prefix = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(p)) return null;
    prefix = Number(p);
    if (prefix > max) return null;
  }
  const network = ipaddr.IPv4.isValid(ip)
    ? ipaddr.IPv4.networkAddressFromCIDR(`${ip}/${prefix}`)
    : ipaddr.IPv6.networkAddressFromCIDR(`${ip}/${prefix}`);
  const base = network.kind() === 'ipv6' ? (network as ipaddr.IPv6).toRFC5952String() : network.toString();
  return `${base}/${prefix}` as Cidr;
}

/** A compiled membership test over a list of networks; built once at config load. */
export interface NetworkMatcher {
  (ip: IpAddress): boolean;
  readonly networks: readonly Cidr[];
}

/** Compiles networks into one closure: IPv4 as integer masks, IPv6 via ipaddr.js. */
export function compileNetworks(networks: readonly Cidr[]): NetworkMatcher {
  const v4: Array<[number, number]> = [];
  const v6: Array<[ipaddr.IPv6, number]> = [];
  for (const net of networks) {
    const [addr, p] = net.split('/') as [string, string];
    const prefix = Number(p);
    const asInt = ipv4ToInt(addr);
    if (asInt >= 0) {
      const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
      v4.push([(asInt & mask) >>> 0, mask]);
    } else {
      v6.push([ipaddr.IPv6.parse(addr), prefix]);
    }
  }
  const match = ((ip: IpAddress): boolean => {
    const asInt = ipv4ToInt(ip);
    if (asInt >= 0) {
      for (const [base, mask] of v4) if (((asInt & mask) >>> 0) === base) return true;
      return false;
    }
    if (v6.length === 0) return false;
    const parsed = ipaddr.IPv6.parse(ip);
    for (const [base, prefix] of v6) if (parsed.match(base, prefix)) return true;
    return false;
  }) as NetworkMatcher;
  Object.defineProperty(match, 'networks', { value: Object.freeze([...networks]) });
  return match;
}

/** Addresses that must never be banned whatever a log says: loopback, unspecified, multicast, broadcast. */
export function isSpecialNeverBan(ip: IpAddress): boolean {
  const asInt = ipv4ToInt(ip);
  if (asInt >= 0) {
    const first = asInt >>> 24;
    return first === 127 || first === 0 || first >= 224; // loopback, "this network", multicast + reserved + broadcast
  }
  const range = ipaddr.IPv6.parse(ip).range();
  return range === 'loopback' || range === 'unspecified' || range === 'multicast';
}

/**
 * What a ban blocks: one address, or a whole network (subnet escalation, or a person
 * banning a range). A network whose prefix is the full length is the address itself,
 * so one host never has two spellings.
 */
export type BanTarget = IpAddress | Cidr;

/** True when the target is a network (`addr/prefix`) rather than one address. */
export function isNetwork(t: BanTarget): t is Cidr {
  return t.indexOf('/') >= 0;
}

/** Whether the target is IPv6 (address or network). */
export function isV6Target(t: BanTarget): boolean {
  return t.indexOf(':') >= 0;
}

/**
 * Parses an address or a network as a person types it (`203.0.113.7`, `[2001:db8::1]`,
 * `203.0.113.0/24`); a full-length prefix gives the plain address. Null if neither.
 */
export function parseBanTarget(text: string): BanTarget | null {
  const t = text.trim().replace(/^\[(.*)\]$/, '$1');
  if (t.indexOf('/') < 0) return parseIp(t);
  const cidr = parseCidr(t);
  if (!cidr) return null;
  const [addr, p] = cidr.split('/') as [string, string];
  return Number(p) === (addr.indexOf(':') >= 0 ? 128 : 32) ? (addr as IpAddress) : cidr;
}

/** The network of `prefix` bits holding `ip` (e.g. its /24 or /64). */
export function networkOf(ip: IpAddress, prefix: number): Cidr {
  return parseCidr(`${ip}/${prefix}`) as Cidr;
}

/** Whether two networks share at least one address (one contains the other's base). */
export function networksOverlap(a: Cidr, b: Cidr): boolean {
  const [aAddr, aP] = a.split('/') as [string, string];
  const [bAddr, bP] = b.split('/') as [string, string];
  if ((aAddr.indexOf(':') >= 0) !== (bAddr.indexOf(':') >= 0)) return false;
  const shorter = Math.min(Number(aP), Number(bP));
  return networkOf(aAddr as IpAddress, shorter) === networkOf(bAddr as IpAddress, shorter);
}

/** Whether `ip` lies inside `net`. */
export function networkHolds(net: Cidr, ip: IpAddress): boolean {
  const [base, p] = net.split('/') as [string, string];
  if ((base.indexOf(':') >= 0) !== isV6(ip)) return false;
  return networkOf(ip, Number(p)) === net;
}

/** Networks that must never be banned in whole or part: loopback, unspecified, multicast and the like. */
export const SPECIAL_NEVER_NETWORKS: readonly Cidr[] = Object.freeze(
  ['0.0.0.0/8', '127.0.0.0/8', '224.0.0.0/3', '::/127', 'ff00::/8'].map((n) => parseCidr(n) as Cidr),
);
