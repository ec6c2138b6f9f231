/**
 * The `cluster:` section: many PBXs sharing counting and bans through one Redis (src/cluster/).
 * Off by default: a single PBX needs nothing here. Redis is named by a URL (`redis://`,
 * `rediss://` for TLS, `unix://` for a socket) or by `host`/`port`/`db`, not both; the
 * ACL user and password may come with either. `name` and `group` become parts of Redis
 * key names and of every message, so they are plain words, checked here.
 */
import { DEFAULTS } from './defaults.js';
import { section } from './shapes.js';
import { bool, expected, leaf, oneOf, port, text, wholeNumber, type Checked } from './values.js';

/** Where Redis is and how to log in. `path`: a unix socket (then host and port are unused). */
export interface RedisEndpoint {
  readonly host: string;
  readonly port: number;
  readonly path: string | null;
  readonly db: number;
  /** Redis ACL user (null: `default`). */
  readonly user: string | null;
  readonly password: string | null;
  readonly tls: boolean;
  /** PEM file of the CA(s) Redis's certificate must chain to; null: the system's CAs. Only with `tls`. */
  readonly ca: string | null;
}

/** The normalised section. */
export interface ClusterConfig {
  readonly enabled: boolean;
  readonly redis: RedisEndpoint;
  /** This PBX's name in the cluster; null: the host name. */
  readonly name: string | null;
  /** Prefix of the Redis keys: the PBXs of one group share counting and bans. */
  readonly group: string;
  /** `shared`: the tiers count every node's failures; `local`: only this PBX's (bans are shared either way). */
  readonly count: 'shared' | 'local';
  /** Entries kept per stream (XADD MAXLEN ~): what a node cut off can still catch up on. */
  readonly keep: { readonly failures: number; readonly bans: number };
}

const D = DEFAULTS.cluster;

/** A node name: what `sipwarden status` shows, and the origin every message carries. */
export const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
/** A group: the prefix of the cluster's Redis keys. */
export const GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,62}$/;

function word(what: string, re: RegExp) {
  return leaf((raw): Checked<string> => (typeof raw === 'string' && re.test(raw) ? { value: raw } : expected(what, raw)));
}

/** The parts of a Redis URL, or why it is none. */
type FromUrl = Pick<RedisEndpoint, 'host' | 'port' | 'path' | 'db' | 'tls'> & { user: string | null; password: string | null };

const redisUrl = leaf((raw): Checked<FromUrl> => {
  const what = 'a Redis URL like redis://10.0.0.5:6379/0, rediss://redis.example.net:6380 or unix:///run/redis/redis.sock';
  if (typeof raw !== 'string') return expected(what, raw);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return expected(what, raw);
  }
  const user = u.username ? decodeURIComponent(u.username) : null;
  const password = u.password ? decodeURIComponent(u.password) : null;
  if (u.protocol === 'unix:') {
    const db = Number(u.searchParams.get('db') ?? 0);
    if (!u.pathname.startsWith('/') || !Number.isInteger(db) || db < 0 || db > 15) return expected(`${what} (a socket path, ?db=0..15)`, raw);
    return { value: { host: '', port: 0, path: decodeURIComponent(u.pathname), db, tls: false, user, password } };
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') return expected(what, raw);
  const db = u.pathname === '' || u.pathname === '/' ? 0 : Number(u.pathname.slice(1));
  const portNo = u.port === '' ? 6379 : Number(u.port);
  if (!u.hostname || !Number.isInteger(db) || db < 0 || db > 15) return expected(`${what} (database 0..15)`, raw);
  return { value: { host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: portNo, path: null, db, tls: u.protocol === 'rediss:', user, password } };
});

/** The `cluster:` section's schema. */
export const clusterSection = section('cluster', {
  enabled: bool.prefault(D.enabled),
  redis: redisUrl.nullable().prefault(D.redis),
  host: text('a host name or address').optional(),
  port: port.optional(),
  db: wholeNumber('a Redis database number', 0, 15).optional(),
  user: text('a Redis ACL user name').nullable().prefault(D.user),
  password: text('a password').nullable().prefault(D.password),
  tls: bool.optional(),
  ca: text('a PEM file path (the CA of Redis\'s TLS certificate)').nullable().prefault(D.ca),
  name: word('a node name: letters, digits, _ . - (up to 63)', NODE_NAME).nullable().prefault(D.name),
  group: word('a group name: letters, digits, _ . : - (up to 63)', GROUP_NAME).prefault(D.group),
  count: oneOf(['shared', 'local']).prefault(D.count),
  keep_failures: wholeNumber('a number of stream entries', 1000, 100_000_000).prefault(D.keep_failures),
  keep_bans: wholeNumber('a number of stream entries', 1000, 100_000_000).prefault(D.keep_bans),
}).transform((c, ctx): ClusterConfig => {
  const issue = (path: string, message: string) => ctx.issues.push({ code: 'custom', path: [path], input: c, message });
  const u = c.redis;
  if (u) {
    for (const k of ['host', 'port', 'db', 'tls'] as const) if (c[k] !== undefined) issue(k, `${k} is set and so is redis (a URL): give one of them`);
    if (u.user !== null && c.user !== null) issue('user', 'the redis URL names a user already: give it in one place');
    if (u.password !== null && c.password !== null) issue('password', 'the redis URL holds a password already: give it in one place');
  }
  const tls = u ? u.tls : (c.tls ?? D.tls);
  if (c.ca !== null && !tls) issue('ca', 'ca is set but TLS is off: use a rediss:// URL or tls: true (Redis\'s TLS port), or remove ca');
  const redis: RedisEndpoint = {
    host: u ? u.host : (c.host ?? D.host), port: u ? u.port : (c.port ?? D.port), path: u ? u.path : null, db: u ? u.db : (c.db ?? D.db),
    user: u?.user ?? c.user, password: u?.password ?? c.password, tls, ca: c.ca,
  };
  return { enabled: c.enabled, redis, name: c.name, group: c.group, count: c.count, keep: { failures: c.keep_failures, bans: c.keep_bans } };
});
