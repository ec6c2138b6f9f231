/**
 * `/api/settings/geo`: the country policy (config `geo.deny` and `geo.allow` per kind of
 * account) as the settings page edits it, with the country database in use and where
 * the requesting client is (the page warns before an allow list for `dashboard` that
 * leaves it out; the server refuses one). Codes are checked by the config file's own
 * schema (the same words as a bad config file).
 */
import Type, { type Static } from 'typebox';
import { Closed, Nullable } from './common.js';

/** A code as typed; the config schema says what is wrong with it. */
const CODE = Type.String({ maxLength: 20 });
const CODES = Type.Array(CODE, { maxItems: 300 });

/** The kinds of account the policy tells apart (config `geo.allow`'s keys). */
export const GEO_KINDS = ['extension', 'trunk', 'roaming', 'unknown', 'ami', 'dashboard'] as const;

/** Per kind of account, the only countries it may log in from; a kind left out: any country. */
export const GeoAllow = Closed({
  extension: Type.Optional(CODES), trunk: Type.Optional(CODES), roaming: Type.Optional(CODES),
  unknown: Type.Optional(CODES), ami: Type.Optional(CODES), dashboard: Type.Optional(CODES),
});
export type GeoAllow = Static<typeof GeoAllow>;

/** `PUT /api/settings/geo`. */
export const GeoSettingsBody = Closed({ deny: CODES, allow: GeoAllow });
export type GeoSettingsBody = Static<typeof GeoSettingsBody>;

/** The policy in force, the country database and the requesting client. */
export const GeoSettings = Closed({
  /** False: geo is off in the config file (the lists are kept but judge nothing). */
  enabled: Type.Boolean(),
  deny: Type.Array(Type.String()),
  allow: GeoAllow,
  /** The country database: its type (its name inside the file), file name and build date (ms); null: none could be read. */
  database: Nullable(Closed({ name: Type.String(), file: Type.String(), built_at: Type.Number() })),
  /** The client asking: its country (null: unknown) and whether it is internal (never judged by the policy). */
  client: Closed({ ip: Type.String(), country: Nullable(Type.String()), internal: Type.Boolean() }),
});
export type GeoSettings = Static<typeof GeoSettings>;
