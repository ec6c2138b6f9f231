/**
 * Where an address is: its country (and, with an AS database, its network) from
 * offline MaxMind-format databases read with the `maxmind` reader.
 *
 * Invariants:
 * - Private, loopback, link-local, shared (CGN), multicast, documentation and other
 *   reserved ranges have no country and no network, whatever a database says (the
 *   shipped one maps some of them to a country): only global unicast addresses are
 *   looked up.
 * - Each address is looked up once and its answer cached, bounded: two generations of
 *   `cacheSize / 2` addresses, an address found in the older one moving to the newer
 *   (least recently used dropped first, without deleting from the front of a big Map).
 * - A database record that is not what it should be (no two-letter code, an AS number
 *   that is no whole number) counts as unknown; an AS name is cut to 128 characters.
 *   Nothing here throws for any input.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import ipaddr from 'ipaddr.js';
import maxmind, { type Reader, type Response } from 'maxmind';
import { ipv4ToInt } from '../domain/ip.js';
import { countryName, isCountryCode } from './names.js';

/** Where one address is. Every field null: unknown (a private range, or not in the databases). */
export interface Where {
  /** ISO 3166-1 alpha-2, upper case (`DE`). */
  readonly country: string | null;
  /** The country's English name (`Germany`). */
  readonly name: string | null;
  /** The autonomous system (network) number, with an AS database. */
  readonly asn: number | null;
  /** The AS organisation's name, with an AS database. */
  readonly network: string | null;
}

/** The answer for every address with no country and no network. */
export const NOWHERE: Where = Object.freeze({ country: null, name: null, asn: null, network: null });

/** One database in use: its file, its type and when it was built (ms since the epoch). */
export interface DatabaseInfo {
  readonly path: string;
  readonly type: string;
  readonly builtAt: number;
}

/** A country (and optionally network) lookup. */
export interface Locator {
  /** Where `ip` is (NOWHERE for private and reserved ranges, and anything not an address). */
  where(ip: string): Where;
  /** The country code of `ip`, or null. */
  country(ip: string): string | null;
  /** The databases in use. */
  readonly databases: { readonly country: DatabaseInfo | null; readonly asn: DatabaseInfo | null };
}

/** The country database shipped with sipwarden (ip-location-db's geo-whois-asn-country, CC0-1.0). */
export function shippedCountryDatabase(): string {
  return createRequire(import.meta.url).resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb');
}

/** Country record shapes: ip-location-db (`country_code`) and MaxMind GeoLite2/GeoIP2 (`country.iso_code`). */
interface CountryRecord {
  country_code?: unknown;
  country?: { iso_code?: unknown };
  registered_country?: { iso_code?: unknown };
}

/** AS record shape (GeoLite2-ASN, ip-location-db asn). */
interface AsnRecord {
  autonomous_system_number?: unknown;
  autonomous_system_organization?: unknown;
}

/** A database open for reading. */
export interface OpenDatabase {
  readonly reader: Reader<Response>;
  readonly info: DatabaseInfo;
}

/** Opens the databases. `country` null: no country database; a file that cannot be read or is no MaxMind DB throws one clear error. */
export async function openLocator(opts: { country: string | null; asn?: string | null; cacheSize?: number }): Promise<Locator> {
  const country = opts.country === null ? null : await openReader(opts.country, 'country');
  const asn = opts.asn ? await openReader(opts.asn, 'network (AS)') : null;
  return createLocator(country, asn, opts.cacheSize ?? 65_536);
}

async function openReader(path: string, what: string): Promise<OpenDatabase> {
  try {
    fs.accessSync(path, fs.constants.R_OK);
    const reader = await maxmind.open<Response>(path);
    const m = reader.metadata;
    return { reader, info: { path, type: m.databaseType, builtAt: m.buildEpoch.getTime() } };
  } catch (e) {
    throw new Error(`cannot read the ${what} database ${path}: ${(e as Error).message}`);
  }
}

/** A locator over open readers (tests pass their own). */
export function createLocator(
  country: OpenDatabase | null,
  asn: OpenDatabase | null,
  cacheSize = 65_536,
): Locator {
  const half = Math.max(1, Math.floor(cacheSize / 2));
  let young = new Map<string, Where>();
  let old = new Map<string, Where>();
  const find = (text: string): Where => {
    const ip = globalAddress(text);
    if (ip === null) return NOWHERE;
    const code = country ? codeOf(safeGet(country.reader, ip) as CountryRecord | null) : null;
    const as = asn ? (safeGet(asn.reader, ip) as AsnRecord | null) : null;
    const number = as && Number.isSafeInteger(as.autonomous_system_number) && (as.autonomous_system_number as number) > 0 ? (as.autonomous_system_number as number) : null;
    const org = number !== null && typeof as?.autonomous_system_organization === 'string' ? as.autonomous_system_organization.slice(0, 128) : null;
    if (code === null && number === null) return NOWHERE;
    if (number === null) return countryOnly(code as string);
    return { country: code, name: code === null ? null : countryName(code), asn: number, network: org };
  };
  const where = (ip: string): Where => {
    // A private or reserved IPv4 address is told apart on the address itself, before the
    // cache: a flood from such ranges costs no cache entry and evicts nobody's.
    const v4 = ipv4ToInt(ip);
    if (v4 >= 0 && specialV4(v4)) return NOWHERE;
    let w = young.get(ip);
    if (w !== undefined) return w;
    w = old.get(ip) ?? find(ip);
    if (young.size >= half) {
      old = young;
      young = new Map();
    }
    young.set(ip, w);
    return w;
  };
  return {
    where,
    country: (ip) => where(ip).country,
    databases: { country: country?.info ?? null, asn: asn?.info ?? null },
  };
}

/** One shared answer per country when there is no network: a flood of new addresses allocates nothing here. */
const COUNTRY_ONLY = new Map<string, Where>();
function countryOnly(code: string): Where {
  let w = COUNTRY_ONLY.get(code);
  if (!w) {
    w = Object.freeze({ country: code, name: countryName(code), asn: null, network: null });
    if (COUNTRY_ONLY.size < 1024) COUNTRY_ONLY.set(code, w);
  }
  return w;
}

function safeGet(reader: Reader<Response>, ip: string): unknown {
  try {
    return reader.get(ip);
  } catch {
    return null; // an IPv6 address in an IPv4-only database, a damaged record
  }
}

function codeOf(r: CountryRecord | null): string | null {
  if (!r) return null;
  const c = r.country_code ?? r.country?.iso_code ?? r.registered_country?.iso_code;
  return typeof c === 'string' && isCountryCode(c) ? c : null;
}

/**
 * IPv4 ranges that are not global unicast (ipaddr.js's special ranges: this network,
 * private, shared CGN, loopback, link-local, IETF protocol assignments, the three
 * documentation networks, 6to4 relay, benchmarking, multicast, reserved and broadcast),
 * as [base, prefix length], checked on the integer: the hot path of a first failure.
 */
const V4_SPECIAL_LIST = ([
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const);
/** Shifts and shifted bases of {@link V4_SPECIAL_LIST}, as flat arrays (no allocation in the loop). */
const V4_SHIFT = Int32Array.from(V4_SPECIAL_LIST, ([, len]) => 32 - len);
const V4_BASE = Uint32Array.from(V4_SPECIAL_LIST, ([a, len]) => ipv4ToInt(a) >>> (32 - len));

/** Whether an IPv4 address (as an integer) is in one of {@link V4_SPECIAL_LIST}'s ranges. */
function specialV4(v4: number): boolean {
  for (let i = 0; i < V4_SHIFT.length; i++) if (v4 >>> (V4_SHIFT[i] as number) === V4_BASE[i]) return true;
  return false;
}

/** The address to look up, or null: only global unicast addresses have a place; IPv4-mapped IPv6 is its IPv4 address. */
function globalAddress(ip: string): string | null {
  const v4 = ipv4ToInt(ip);
  if (v4 >= 0) return specialV4(v4) ? null : ip;
  if (!ipaddr.isValid(ip)) return null;
  let a = ipaddr.parse(ip);
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
  return a.range() === 'unicast' ? a.toString() : null;
}
