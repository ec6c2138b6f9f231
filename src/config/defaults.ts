/**
 * The defaults of every config key, in one place. `DEFAULTS` is written in the form
 * a person writes in the YAML file (snake_case keys, `1h`, `permanent`): the schema
 * feeds it through the same checks as the file, and `renderDefaultConfig` prints it,
 * so the documented defaults and the applied defaults cannot drift apart.
 */
import type { Tier } from './schema.js';

/** Where the daemon looks for its config file when none is given. */
export const DEFAULT_CONFIG_PATH = '/etc/sipwarden/sipwarden.yaml';

/** Asterisk log files followed by default, those of them that exist. */
export const DEFAULT_ASTERISK_LOGS: readonly string[] = Object.freeze([
  '/var/log/asterisk/messages',
  '/var/log/asterisk/full',
  '/var/log/asterisk/security',
]);

/**
 * The owner's policy: 2 failures in 1 h → 1 h ban; 12 in 24 h → banned until released.
 * Sorted by failures; the same tiers as `DEFAULTS.policy.tiers` (a test holds them equal).
 */
export const DEFAULT_TIERS: readonly Tier[] = Object.freeze([
  Object.freeze({ failures: 2, within: 3_600_000, ban: 3_600_000 }),
  Object.freeze({ failures: 12, within: 86_400_000, ban: null }),
]);

/** Default values of the AMI connection's optional keys, when `asterisk.ami` is given. */
export const AMI_DEFAULTS = deepFreeze({ host: '127.0.0.1', port: 5038, tls: false, ca: null as string | null });

/** Every key's default, in YAML form. Deeply frozen. */
export const DEFAULTS = deepFreeze({
  protection: 'on',
  networks: {
    internal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'],
    trusted: [] as string[],
    ban_internal: false,
  },
  policy: {
    tiers: [
      { failures: 2, within: '1h', ban: '1h' },
      { failures: 12, within: '24h', ban: 'permanent' },
    ],
    count_reasons: ['wrong_password', 'unknown_account', 'acl_denied', 'not_allowed', 'bad_request', 'no_extension', 'other'],
    ipv6_prefix: 64,
    subnets: {
      enabled: true,
      addresses: 5,
      within: '24h',
      ban: '24h',
      ipv4_prefix: 24,
      ipv6_prefix: 64,
    },
    scan: {
      enabled: true,
      challenges: 20,
      within: '1m',
      ban: '1h',
      grace: '5s',
    },
  },
  asterisk: {
    logs: null,
    ami: null,
    start_at: 'end',
  },
  firewall: {
    backend: 'auto',
    scope: 'all',
    ports: 'auto',
    require_seen: true,
  },
  store: {
    path: '/var/lib/sipwarden/sipwarden.db',
    retention: '30d',
  },
  failed_auth_log: {
    path: '/var/log/sipwarden/failed-auth.log',
  },
  web: {
    listen: '127.0.0.1:8472',
    tls_cert: null as string | null,
    tls_key: null as string | null,
    public_url: null as string | null,
  },
  accounts: {
    extensions: [] as string[],
    trunks: [] as string[],
    roaming: [] as string[],
    discover: true,
    asterisk_config: '/etc/asterisk',
    extensions_internal_only: false,
    external_extension_ban: '24h',
    compromised_ban: 'permanent',
  },
  trust: {
    learn: true,
    learn_for: '7d',
    known_tiers: [{ failures: 10, within: '1h', ban: '1h' }],
  },
  alerts: {
    command: null as string | null,
    webhook: null as string | null,
    email: null,
    kinds: 'all' as 'all' | string[],
    quiet: '10m',
    digest_after: 5,
    digest_window: '10m',
    stale_log: '1d' as string | null,
  },
  limits: {
    widest_ipv4_ban: 16,
    widest_ipv6_ban: 32,
  },
  log: {
    format: 'auto' as 'auto' | 'json' | 'text',
  },
  cluster: {
    enabled: false,
    redis: null as string | null,
    host: '127.0.0.1',
    port: 6379,
    db: 0,
    user: null as string | null,
    password: null as string | null,
    tls: false,
    ca: null as string | null,
    name: null as string | null,
    group: 'sipwarden',
    count: 'shared' as 'shared' | 'local',
    keep_failures: 200_000,
    keep_bans: 100_000,
  },
  /** Blocklist feeds (src/feeds/): none by default; each feed's keys default as `feed` says. */
  feeds: [] as Array<Record<string, unknown>>,
  feed: {
    every: '1h',
    ban: '7d',
    enabled: true,
  },
  feeds_export: {
    token: null as string | null,
  },
  /** Where addresses are (src/geo/) and the country policy: the shipped country database, no policy. */
  geo: {
    enabled: true,
    database: null as string | null,
    asn_database: null as string | null,
    deny: [] as string[],
    ban: '24h',
    new_country_alert: true,
  },
  fraud: {
    enabled: true,
    home_country: null as string | null,
    international_prefixes: ['00', '011'],
    trunk_contexts: ['from-trunk', 'from-pstn'],
    outbound_contexts: [] as string[],
    never_stop: ['112', '911', '999', '000', '110', '119', '933'],
    high_risk: ['default'],
    not_high_risk: [] as string[],
    ban: 'permanent',
    time_zone: null as string | null,
    /**
     * Stops the burst of test/fixtures/asterisk-20-calls at its first call (+882) and
     * leaves an office's day alone: national calls, a few international ones, busy and
     * unanswered calls (the engine tests replay both).
     */
    rules: [
      { rule: 'high_risk', action: ['hangup', 'suspend', 'ban', 'alert'] },
      { rule: 'calls', max: 8, within: '1m', action: ['hangup', 'suspend', 'ban', 'alert'] },
      { rule: 'calls', max: 60, within: '1h', action: ['alert'] },
      { rule: 'concurrent', max: 4, action: ['hangup', 'alert'] },
      { rule: 'international', max: 5, within: '1h', action: ['hangup', 'suspend', 'ban', 'alert'] },
      { rule: 'international', max: 20, within: '24h', action: ['hangup', 'suspend', 'alert'] },
      { rule: 'country', action: ['hangup', 'alert'] },
      { rule: 'new_country', learn: '14d', action: ['alert'] },
    ] as Array<Record<string, unknown> & { rule: string; action: string[] }>,
  },
});

type DeepReadonly<T> = T extends (infer E)[] ? readonly DeepReadonly<E>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value as DeepReadonly<T>;
}
