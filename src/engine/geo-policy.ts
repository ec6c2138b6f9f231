/**
 * The country policy (config `geo:`): who may authenticate from which countries.
 *
 * - `deny`: every failed attempt from one of these countries bans at once
 *   (`country-denied`), whatever the account.
 * - `allow`, per kind of account (extension, trunk, roaming, unknown, AMI logins,
 *   dashboard logins): an attempt from a country not listed bans at once
 *   (`country-not-allowed`), and a *successful* one is a compromise (the account's
 *   secret works from where it must not: banned and alarmed). A kind not listed may
 *   come from anywhere.
 * - The first successful login of an account from a country it never used is an
 *   alert (`new_country`), with the account's usual countries. An account's first
 *   country is learned without one: there is nothing yet to compare it with.
 *
 * Never for internal, trusted or never-ban addresses (only `external` ones are judged;
 * the engine's `forceBan` refuses protected addresses again), and an address whose
 * country is unknown (not in the database) is never banned by `allow` alone.
 *
 * Invariants: the countries seen per account are bounded (16,384 accounts, a
 * generation dropped when full; 32 countries each, the oldest dropped). The country
 * comes from `countryOf` (geo/: cached per address), called only for external
 * addresses and only when some rule needs it. Deterministic: no clock, no I/O.
 */
import type { IpAddress } from '../domain/ip.js';
import type { AccountClass } from './accounts.js';
import type { Zone } from './zones.js';

/** The kinds of account the country policy tells apart. */
export type GeoClass = AccountClass | 'ami' | 'dashboard';

/** The country code of an address, or null when unknown (geo/: cached per address). */
export type CountryOf = (ip: IpAddress) => string | null;

/** The rules (config `geo:`, normalised). */
export interface GeoPolicyInput {
  readonly deny: readonly string[];
  readonly allow: Readonly<Partial<Record<GeoClass, readonly string[]>>>;
  /** Ban length for a denied or not-allowed failed attempt (ms; null: until released). */
  readonly ban: number | null;
  readonly newCountryAlert: boolean;
}

/** A failed attempt that breaks the country policy: the rule (the ban's reason) and the country. */
export interface GeoViolation {
  readonly rule: 'country-denied' | 'country-not-allowed';
  readonly country: string;
}

/** What a successful login means to the country policy. */
export interface GeoSuccess {
  /** The login came from a country its kind may not authenticate from (a compromise). */
  readonly notAllowed: string | null;
  /** The account's first login from this country, and the countries it used before. */
  readonly newCountry: { readonly country: string; readonly usual: readonly string[] } | null;
}

const ACCOUNTS_PER_GENERATION = 16_384;
const COUNTRIES_PER_ACCOUNT = 32;
const NOTHING: GeoSuccess = Object.freeze({ notAllowed: null, newCountry: null });

/** The kind of an attempt for the country policy: AMI and dashboard logins by their service, others by their account's class. */
export function geoClass(service: string, cls: AccountClass): GeoClass {
  return service === 'AMI' ? 'ami' : service === 'HTTP' ? 'dashboard' : cls;
}

/** Judges attempts by their country. */
export class GeoPolicy {
  private deny: ReadonlySet<string>;
  private allow: ReadonlyMap<GeoClass, ReadonlySet<string>>;
  private seen = new Map<string, string[]>();
  private older = new Map<string, string[]>();

  constructor(private input: GeoPolicyInput, private readonly countryOf: CountryOf) {
    this.deny = new Set(input.deny);
    this.allow = new Map(Object.entries(input.allow).map(([k, v]) => [k as GeoClass, new Set(v)]));
  }

  /** Replaces the rules (SIGHUP); the countries each account used are kept. */
  setInput(input: GeoPolicyInput): void {
    this.input = input;
    this.deny = new Set(input.deny);
    this.allow = new Map(Object.entries(input.allow).map(([k, v]) => [k as GeoClass, new Set(v)]));
  }

  /** How long a country ban lasts (ms; null: until released). */
  get banLength(): number | null {
    return this.input.ban;
  }

  /** The rule a failed attempt from `ip` on a `cls` account breaks, or null. */
  failure(ip: IpAddress, service: string, cls: AccountClass, zone: Zone): GeoViolation | null {
    if (zone !== 'external') return null;
    const allowed = this.allow.get(geoClass(service, cls));
    if (this.deny.size === 0 && !allowed) return null;
    const country = this.countryOf(ip);
    if (country === null) return null;
    if (this.deny.has(country)) return { rule: 'country-denied', country };
    if (allowed && !allowed.has(country)) return { rule: 'country-not-allowed', country };
    return null;
  }

  /** What a successful login of `account` from `ip` means: a compromise, a new country, or nothing. */
  success(ip: IpAddress, account: string, service: string, cls: AccountClass, zone: Zone): GeoSuccess {
    if (zone !== 'external') return NOTHING;
    const allowed = this.allow.get(geoClass(service, cls));
    if (!allowed && !this.input.newCountryAlert) return NOTHING;
    const country = this.countryOf(ip);
    if (country === null) return NOTHING;
    if (allowed && !allowed.has(country)) return { notAllowed: country, newCountry: null };
    if (!this.input.newCountryAlert) return NOTHING;
    const key = `${service}\u0000${account}`;
    const usual = this.seen.get(key) ?? this.older.get(key);
    if (usual?.includes(country)) {
      if (!this.seen.has(key)) this.keep(key, usual);
      return NOTHING;
    }
    const before = usual ? [...usual] : [];
    this.keep(key, [...before, country].slice(-COUNTRIES_PER_ACCOUNT));
    return before.length === 0 ? NOTHING : { notAllowed: null, newCountry: { country, usual: before } };
  }

  /** What each account used, for the store (a restart keeps it): `[service NUL account, countries]`, oldest generation first. */
  snapshot(): Array<[string, string[]]> {
    const out = new Map<string, string[]>(this.older);
    for (const [k, v] of this.seen) out.set(k, v);
    return [...out];
  }

  /**
   * Takes back a {@link snapshot} read from the store: entries that are not one
   * (damaged, from another version) are skipped, and the bounds hold. Returns how many
   * accounts came back.
   */
  restore(entries: unknown): number {
    if (!Array.isArray(entries)) return 0;
    let n = 0;
    for (const e of entries.slice(-ACCOUNTS_PER_GENERATION)) {
      if (!Array.isArray(e) || typeof e[0] !== 'string' || e[0].length > 400 || !Array.isArray(e[1])) continue;
      const countries = (e[1] as unknown[]).filter((c): c is string => typeof c === 'string' && /^[A-Z]{2}$/.test(c)).slice(-COUNTRIES_PER_ACCOUNT);
      if (countries.length === 0) continue;
      this.keep(e[0], countries);
      n++;
    }
    return n;
  }

  private keep(key: string, countries: string[]): void {
    if (!this.seen.has(key) && this.seen.size >= ACCOUNTS_PER_GENERATION) {
      this.older = this.seen;
      this.seen = new Map();
    }
    this.seen.set(key, countries);
  }
}
