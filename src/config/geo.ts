/**
 * The `geo:` section: where addresses are (src/geo/) and the country policy
 * (engine/geo-policy.ts). On by default with the shipped CC0 country database and no
 * policy: countries and networks are only shown until a person lists countries.
 * `allow` lists, per kind of account, the countries it may authenticate from at all
 * (a key left out: any country); `deny` the countries whose every failure bans.
 */
import * as z from 'zod';
import { isCountryCode } from '../geo/names.js';
import type { GeoClass } from '../engine/geo-policy.js';
import { DEFAULTS } from './defaults.js';
import { distinct, list, mapping, section } from './shapes.js';
import { banLength, bool, expected, leaf, text, type Checked } from './values.js';

/** The normalised section. */
export interface GeoConfig {
  readonly enabled: boolean;
  /** A country .mmdb file; null: the shipped one (ip-location-db geo-whois-asn-country). */
  readonly database: string | null;
  /** A network (AS) .mmdb file (GeoLite2-ASN, ip-location-db asn); null: no networks. */
  readonly asnDatabase: string | null;
  /** Countries whose every failed attempt bans at once. */
  readonly deny: readonly string[];
  /** Per kind of account, the only countries it may authenticate from; a kind left out: any. */
  readonly allow: Readonly<Partial<Record<GeoClass, readonly string[]>>>;
  /** How long a `country-denied` or `country-not-allowed` ban lasts (ms; null: until released). */
  readonly ban: number | null;
  /** Alert the first time an account authenticates from a country it never used. */
  readonly newCountryAlert: boolean;
}

const D = DEFAULTS.geo;
const REGIONS = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
/** Two-letter codes the runtime names that no database uses for an address. */
const NOT_ISO: Readonly<Record<string, string | undefined>> = { UK: 'GB', EU: undefined, EZ: undefined, UN: undefined, ZZ: undefined };

/** An ISO 3166-1 alpha-2 country code (`DE`). */
const country = leaf((raw): Checked<string> => {
  const what = 'a two-letter country code like DE, US or GB';
  if (typeof raw !== 'string') return expected(what, raw);
  const upper = raw.trim().toUpperCase();
  if (upper in NOT_ISO || !isCountryCode(upper) || REGIONS.of(upper) === undefined) {
    const better = NOT_ISO[upper];
    return expected(what, raw, better && `the code of the United Kingdom is ${better}`);
  }
  return raw === upper ? { value: upper } : expected(what, raw, `did you mean '${upper}'?`);
});

const countries = (kind: string) => list('two-letter country codes like [DE, AT, CH]', country).transform((l, ctx) => {
  if (l.length === 0) {
    ctx.issues.push({ code: 'custom', input: l, message: `an empty list would refuse ${kind} from every country; leave the key out to allow any country` });
  }
  return distinct(l);
});

const CLASSES = ['extension', 'trunk', 'roaming', 'unknown', 'ami', 'dashboard'] as const satisfies readonly GeoClass[];

const allow = z.preprocess((v) => v ?? {}, mapping('countries per kind of account, like { extension: [DE, AT] }', {
  extension: countries('extensions').optional(),
  trunk: countries('trunks').optional(),
  roaming: countries('roaming accounts').optional(),
  unknown: countries('accounts of no known kind').optional(),
  ami: countries('AMI logins').optional(),
  dashboard: countries('dashboard logins').optional(),
})).transform((m) => Object.fromEntries(CLASSES.flatMap((c) => (m[c] ? [[c, m[c]]] : []))) as GeoConfig['allow']);

/** The `geo:` section's schema. */
export const geoSection = section('geo', {
  enabled: bool.prefault(D.enabled),
  database: text('a MaxMind-format .mmdb file path').nullable().prefault(D.database),
  asn_database: text('a MaxMind-format .mmdb file path (GeoLite2-ASN)').nullable().prefault(D.asn_database),
  deny: list('two-letter country codes like [KP]', country).prefault(() => [...D.deny]).transform((l) => distinct(l)),
  allow,
  ban: banLength.prefault(D.ban),
  new_country_alert: bool.prefault(D.new_country_alert),
}).transform((g): GeoConfig => ({
  enabled: g.enabled, database: g.database, asnDatabase: g.asn_database, deny: g.deny, allow: g.allow, ban: g.ban, newCountryAlert: g.new_country_alert,
}));

/** The `geo:` section of the commented config file `init` writes (README "Countries"). */
export function renderGeo(): string[] {
  const nul = (v: string | null) => (v === null ? 'null' : v);
  return [
    '# Where attacks come from (README "Countries"): the country of every address, offline, from the',
    '# database shipped with sipwarden (ip-location-db geo-whois-asn-country, CC0); and a country policy.',
    'geo:',
    '  # false: no countries anywhere and no country policy.',
    `  enabled: ${D.enabled}`,
    '  # A country .mmdb of your own (e.g. MaxMind GeoLite2-Country.mmdb); null: the shipped one.',
    `  database: ${nul(D.database)}`,
    '  # A network (AS) .mmdb for network names (e.g. GeoLite2-ASN.mmdb); null: countries only.',
    `  asn_database: ${nul(D.asn_database)}`,
    '  # Countries whose every failed login bans at once (country-denied), e.g. [KP].',
    `  deny: [${D.deny.join(', ')}]`,
    '  # Per kind of account, the only countries it may log in from; a kind left out: any country.',
    '  # extension, trunk, roaming, unknown, ami, dashboard. E.g. { extension: [DE, AT], ami: [DE] }',
    '  allow: {}',
    '  # How long a country-denied or country-not-allowed ban lasts (a duration, or permanent).',
    `  ban: ${D.ban}`,
    '  # Alert the first time an account logs in successfully from a country it never used.',
    `  new_country_alert: ${D.new_country_alert}`,
    '',
  ];
}
