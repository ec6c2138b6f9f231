/**
 * The `feeds:` list (blocklists imported as bans, src/feeds/) and the `feeds_export:`
 * section (the export routes' token for machines). Off by default: no feeds, no token.
 *
 * A feed is APIBAN (its API, paged by ID; needs a key: `key`, `key_env` or `key_file`,
 * one of them) or a plain list (`url` or `file`, one of them). Its name becomes part of
 * the ban's origin (`feed:<name>`) and of store keys, so it is a plain word, checked here.
 * The key itself is read by the feed at start (env or file), never by this pure schema.
 */
import { DEFAULTS } from './defaults.js';
import { list, mapping, section } from './shapes.js';
import { banLength, bool, duration, expected, leaf, oneOf, text, type Checked } from './values.js';

/** Where an APIBAN key comes from; the key is never logged. */
export type FeedKey = { readonly from: 'value'; readonly value: string } | { readonly from: 'env'; readonly name: string } | { readonly from: 'file'; readonly path: string };

/** One normalised feed. */
export interface FeedConfig {
  readonly name: string;
  readonly type: 'apiban' | 'list';
  /** APIBAN: the API's base (default https://apiban.org/api/); list: the list's URL (null with `file`). */
  readonly url: string | null;
  /** A list read from a file (null with `url`). */
  readonly file: string | null;
  /** APIBAN only. */
  readonly key: FeedKey | null;
  /** How often it is fetched, ms. */
  readonly every: number;
  /** How long a listed address stays banned (ms; null: until the feed drops it or a person releases it). */
  readonly ban: number | null;
  readonly enabled: boolean;
}

/** The `feeds_export:` section. */
export interface FeedsExportConfig {
  /** A bearer token another firewall may pull the export with (null: the dashboard's login only). */
  readonly token: string | null;
}

/** A feed's name: letters, digits, _ . - (up to 32). */
export const FEED_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
/** APIBAN's API when `url` is not given. */
export const APIBAN_URL = 'https://apiban.org/api/';
/** The shortest `every`: a feed is never polled more often than this. */
export const MIN_EVERY_MS = 60_000;

const name = leaf((raw): Checked<string> => (typeof raw === 'string' && FEED_NAME.test(raw) ? { value: raw } : expected('a feed name: letters, digits, _ . - (up to 32)', raw)));
const httpUrl = leaf((raw): Checked<string> => {
  const what = 'an http:// or https:// URL';
  if (typeof raw !== 'string') return expected(what, raw);
  try {
    const u = new URL(raw);
    if ((u.protocol === 'http:' || u.protocol === 'https:') && u.hostname && !u.username && !u.password) return { value: raw };
  } catch {
    // falls through to the message
  }
  return expected(`${what} (no user or password in it)`, raw);
});
const envName = leaf((raw): Checked<string> => (typeof raw === 'string' && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(raw) ? { value: raw } : expected('an environment variable name like APIBAN_KEY', raw)));

const D = DEFAULTS.feed;

const feed = mapping('a feed like { name: apiban, type: apiban, key_file: /etc/sipwarden/apiban.key } or { name: drop, type: list, url: https://… }', {
  name,
  type: oneOf(['apiban', 'list']),
  url: httpUrl.optional(),
  file: text('a file path').optional(),
  key: text('the APIBAN key').optional(),
  key_env: envName.optional(),
  key_file: text('a file path (holding the APIBAN key)').optional(),
  every: duration.prefault(D.every),
  ban: banLength.prefault(D.ban),
  enabled: bool.prefault(D.enabled),
}).transform((f, ctx): FeedConfig => {
  const issue = (path: string, message: string) => ctx.issues.push({ code: 'custom', path: [path], input: f, message });
  if (f.every < MIN_EVERY_MS) issue('every', `expected at least 1m (a feed is never fetched more often), got ${f.every / 1000}s`);
  const keys = (['key', 'key_env', 'key_file'] as const).filter((k) => f[k] !== undefined);
  let key: FeedKey | null = null;
  if (f.type === 'apiban') {
    if (f.file !== undefined) issue('file', 'an apiban feed reads APIBAN\'s API: remove file (url is the API\'s base, default https://apiban.org/api/)');
    if (keys.length !== 1) issue(keys[1] ?? 'key', keys.length ? `give the key in one place: ${keys.join(' or ')}` : 'an apiban feed needs its key: key, key_env (an environment variable) or key_file');
    if (f.key !== undefined) key = { from: 'value', value: f.key };
    else if (f.key_env !== undefined) key = { from: 'env', name: f.key_env };
    else if (f.key_file !== undefined) key = { from: 'file', path: f.key_file };
  } else {
    for (const k of keys) issue(k, `${k} is for apiban feeds; a list is fetched as it is`);
    if ((f.url === undefined) === (f.file === undefined)) issue(f.url === undefined ? 'url' : 'file', 'a list feed needs one source: url or file, not both');
  }
  return {
    name: f.name, type: f.type, url: f.url ?? (f.type === 'apiban' ? APIBAN_URL : null), file: f.file ?? null,
    key, every: f.every, ban: f.ban, enabled: f.enabled,
  };
});

/** The `feeds:` list's schema: feeds with distinct names. */
export const feedsList = list('feeds like { name: apiban, type: apiban, key_file: /etc/sipwarden/apiban.key }', feed).transform((feeds, ctx) => {
  const seen = new Map<string, number>();
  feeds.forEach((f, i) => {
    const first = seen.get(f.name);
    if (first === undefined) seen.set(f.name, i);
    else ctx.issues.push({ code: 'custom', path: [i, 'name'], input: f.name, message: `feeds[${first}] and feeds[${i}] are both named ${f.name}; each feed needs its own name` });
  });
  return feeds;
}).prefault(() => []);

/** The `feeds_export:` section's schema. */
export const feedsExportSection = section('feeds_export', {
  token: text('a token of at least 24 characters').nullable().prefault(DEFAULTS.feeds_export.token).refine(
    (t) => t === null || (t.length >= 24 && t.length <= 256 && /^[\x21-\x7e]+$/.test(t)),
    { message: 'expected a token of 24 to 256 printable characters without spaces (e.g. from: openssl rand -hex 24)' }),
}).transform((s): FeedsExportConfig => ({ token: s.token }));

/** The commented `feeds:` and `feeds_export:` lines of the file `init` writes (render.ts). */
export function renderFeeds(): string[] {
  return [
    '# Blocklists imported as bans of their own origin, feed:<name> (README "Blocklist feeds"); none by default. E.g.',
    '#   - { name: apiban, type: apiban, key_file: /etc/sipwarden/apiban.key, every: 1h, ban: 7d }',
    '#   - { name: drop, type: list, url: "https://www.spamhaus.org/drop/drop.txt", every: 12h, ban: permanent }',
    'feeds: []',
    '# The ban export (GET /api/export/bans.txt and bans.json) for machines, besides the dashboard\'s login.',
    'feeds_export:',
    '  # A token another firewall sends as "Authorization: Bearer <token>" (24+ characters); null: none.',
    `  token: ${DEFAULTS.feeds_export.token === null ? 'null' : DEFAULTS.feeds_export.token}`,
    '',
  ];
}
