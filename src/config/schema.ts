/**
 * The config file's schema: which keys exist, what each accepts, and the normalised
 * form the rest of sipwarden receives. Keys are snake_case in YAML and camelCase in
 * the normalised `Config`; durations become milliseconds, `permanent` becomes null,
 * networks become canonical `Cidr`s. Every key has a default (see defaults.ts), and
 * unknown keys are errors. Pure: no I/O here (the log-file default is resolved by load.ts).
 */
import * as z from 'zod';
import type { Cidr, FailureReason } from '../domain/index.js';
import type { ScanSettings, Tier } from '../engine/policy.js';
import type { SubnetSettings } from '../engine/subnets.js';
import { everyAddressCovered } from '../engine/zones.js';
import { AMI_DEFAULTS, DEFAULTS } from './defaults.js';
import { alertsSection, type AlertsConfig } from './alerts.js';
import { clusterSection, type ClusterConfig } from './cluster.js';
import { geoSection, type GeoConfig } from './geo.js';
import { feedsExportSection, feedsList, type FeedConfig, type FeedsExportConfig } from './feeds.js';
import { fraudSection, type FraudConfig } from './fraud.js';
import { distinct, list, mapping, section } from './shapes.js';
import {
  banLength, bool, duration, listenAddress, network, oneOf, onOff, port,
  text, trustedEntry, wholeNumber, type ListenAddress,
} from './values.js';

/** Every failure reason a parser can report, in the order the docs list them. */
export const FAILURE_REASONS = [
  'wrong_password', 'unknown_account', 'acl_denied', 'not_allowed', 'bad_request', 'no_extension', 'limit', 'other',
] as const satisfies readonly FailureReason[];
// `scan` is the engine's own finding (challenges never answered), counted against policy.scan, never a tier.
const allReasonsListed: [Exclude<FailureReason, (typeof FAILURE_REASONS)[number] | 'scan'>] extends [never] ? true : false = true;
void allReasonsListed;

/** How the daemon writes its log: `auto` is journal lines under systemd, text on a terminal, JSON otherwise. */
export const LOG_FORMATS = ['auto', 'json', 'text'] as const;

/** Firewall backends; `auto` picks nftables when available, else ipset. */
export const FIREWALL_BACKENDS = ['auto', 'nftables', 'ipset', 'dry-run'] as const;

/** One ban tier (the engine's type: the config produces exactly what the engine consumes). */
export type { Tier } from '../engine/policy.js';

/** How to reach the Asterisk Manager Interface. */
export interface AmiConfig {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly secret: string;
  readonly tls: boolean;
  /** A PEM file of the CA(s) the manager's TLS certificate must chain to; absent: the system's CAs. Only with `tls`. */
  readonly ca?: string;
}

/** The fully defaulted, validated, normalised configuration. */
export interface Config {
  readonly protection: 'on' | 'off';
  readonly networks: {
    /** Internal networks: never banned unless `banInternal`. */
    readonly internal: readonly Cidr[];
    /** Trusted addresses and networks: never banned. */
    readonly trusted: readonly Cidr[];
    /** Trusted host names, lower case, to be resolved to addresses by DNS. */
    readonly trustedNames: readonly string[];
    readonly banInternal: boolean;
  };
  readonly policy: {
    /** At least one tier, sorted by `failures` ascending, no two with the same `failures`. */
    readonly tiers: readonly Tier[];
    readonly countReasons: readonly FailureReason[];
    /** IPv6 failures are counted per prefix of this length (64: per subscriber network). */
    readonly ipv6Prefix: number;
    /** Subnet escalation: `addresses` banned in one network within `within` ban the network (when `enabled`). */
    readonly subnets: SubnetSettings;
    /** Scanning: `challenges` never answered (after `grace`) within `within` ban for `ban` (when `enabled`). */
    readonly scan: ScanSettings;
  };
  readonly asterisk: {
    /** Log files to follow (the defaults that exist, when the file does not say). */
    readonly logs: readonly string[];
    /** null: AMI off. */
    readonly ami: AmiConfig | null;
    readonly startAt: 'end' | 'beginning';
  };
  readonly firewall: {
    readonly backend: (typeof FIREWALL_BACKENDS)[number];
    readonly scope: 'all' | 'sip';
    /**
     * `auto`: learned from the PBX's configuration (every port when it cannot be read).
     * A list overrides what is learned (distinct, in file order).
     */
    readonly ports: 'auto' | readonly number[];
    readonly requireSeen: boolean;
  };
  readonly store: {
    readonly path: string;
    /** Milliseconds. */
    readonly retention: number;
  };
  readonly failedAuthLog: { readonly path: string };
  readonly web: {
    readonly listen: ListenAddress;
    /** PEM certificate and key paths: the dashboard then speaks HTTPS only. Null: plain HTTP. */
    readonly tls: { readonly cert: string; readonly key: string } | null;
    /** The dashboard's address as a person opens it (alerts link to it); null: derived from `listen`. */
    readonly publicUrl: string | null;
  };
  readonly accounts: {
    /** Account name patterns (`?` one character, `*` any run). */
    readonly extensions: readonly string[];
    readonly trunks: readonly string[];
    /** Extensions allowed to register from outside (travelling users). */
    readonly roaming: readonly string[];
    /** Also classify accounts from the PBX's own pjsip.conf / sip.conf. */
    readonly discover: boolean;
    readonly asteriskConfigDir: string;
    /** Any attempt on an extension from an external address is a violation on its own. */
    readonly extensionsInternalOnly: boolean;
    /** Ban length for a failed extension attempt from outside (ms; null: until released). */
    readonly externalExtensionBan: number | null;
    /** Ban length when an extension authenticated from outside: its secret is known (ms; null: until released). */
    readonly compromisedBan: number | null;
  };
  readonly trust: {
    /** Addresses that authenticate successfully become "known" for `learnFor` ms. */
    readonly learn: boolean;
    readonly learnFor: number;
    /** The tiers that apply to known addresses instead of policy.tiers. */
    readonly knownTiers: readonly Tier[];
  };
  /** Where alerts go (program, webhook, e-mail), which kinds, and how a flood is held back (config/alerts.ts). */
  readonly alerts: AlertsConfig;
  /** The toll-fraud guard's rules (src/fraud/): exactly what the guard consumes. */
  readonly fraud: FraudConfig;
  /** What a person may do without confirming it. */
  readonly limits: {
    /** The widest IPv4 and IPv6 networks a person may ban without `--force` (prefix lengths). */
    readonly widestIpv4Ban: number;
    readonly widestIpv6Ban: number;
  };
  readonly log: {
    readonly format: (typeof LOG_FORMATS)[number];
  };
  /** Many PBXs sharing counting and bans through Redis (src/cluster/); off by default. */
  readonly cluster: ClusterConfig;
  /** Where addresses are and the country policy (src/geo/, engine/geo-policy.ts). */
  readonly geo: GeoConfig;
  /** Blocklists imported as bans of their own origin (src/feeds/); none by default. */
  readonly feeds: readonly FeedConfig[];
  /** The ban export's token for machines (null: the dashboard's login only). */
  readonly feedsExport: FeedsExportConfig;
}

const tier = mapping('a tier like { failures: 2, within: 1h, ban: 1h }', {
  // Bounded: the engine keeps this many timestamps per address.
  failures: wholeNumber('a whole number of failures', 1, 1000),
  within: duration,
  ban: banLength,
});

const tiers = list('tiers like { failures: 2, within: 1h, ban: 1h }', tier).transform((raw, ctx): Tier[] => {
  if (raw.length === 0) ctx.issues.push({ code: 'custom', message: 'expected at least one tier, got an empty list', input: raw });
  const firstAt = new Map<number, number>();
  raw.forEach((t, i) => {
    const first = firstAt.get(t.failures);
    if (first === undefined) firstAt.set(t.failures, i);
    else ctx.issues.push({
      code: 'custom', path: [i, 'failures'], input: t.failures,
      message: `tiers[${first}] and tiers[${i}] both have failures: ${t.failures}; each tier needs a different number of failures`,
    });
  });
  return [...raw].sort((a, b) => a.failures - b.failures);
});

const ami = mapping('AMI settings with a username and a secret, or null for no AMI', {
  host: text('a host name or address').prefault(AMI_DEFAULTS.host),
  port: port.prefault(AMI_DEFAULTS.port),
  username: text('the AMI user name (from manager.conf)'),
  secret: text('the AMI secret (from manager.conf)'),
  tls: bool.prefault(AMI_DEFAULTS.tls),
  ca: text('a PEM file path (the CA of the manager\'s TLS certificate)').nullable().prefault(AMI_DEFAULTS.ca),
}).transform(({ ca, ...a }, ctx): AmiConfig => {
  // An error rather than "ca implies TLS": the port must change with it (5038 is the plain port).
  if (ca !== null && !a.tls) {
    ctx.issues.push({
      code: 'custom', path: ['ca'], input: ca,
      message: 'ca is set but tls is false: set tls: true and port to the manager\'s TLS port (tlsbindport in manager.conf, usually 5039), or remove ca',
    });
  }
  return ca === null ? a : { ...a, ca };
});

const D = DEFAULTS;
/** An account name pattern: letters, digits and `_.@+-`, with `?` and `*` wildcards. */
const accountPattern = text('an account name pattern like 1?? or 2*').refine(
  (p) => /^[\w.@+*?-]{1,64}$/.test(p), { message: 'expected an account name pattern (letters, digits, _ . @ + -, and the wildcards ? and *)' });

const subnets = section('policy.subnets', {
  enabled: bool.prefault(D.policy.subnets.enabled),
  addresses: wholeNumber('a whole number of banned addresses', 2, 65_536).prefault(D.policy.subnets.addresses),
  within: duration.prefault(D.policy.subnets.within),
  ban: banLength.prefault(D.policy.subnets.ban),
  ipv4_prefix: wholeNumber('an IPv4 prefix length', 16, 31).prefault(D.policy.subnets.ipv4_prefix),
  ipv6_prefix: wholeNumber('an IPv6 prefix length', 32, 127).prefault(D.policy.subnets.ipv6_prefix),
}).transform((s): SubnetSettings => ({ enabled: s.enabled, addresses: s.addresses, within: s.within, ban: s.ban, ipv4Prefix: s.ipv4_prefix, ipv6Prefix: s.ipv6_prefix }));

const scan = section('policy.scan', {
  enabled: bool.prefault(D.policy.scan.enabled),
  challenges: wholeNumber('a whole number of unanswered challenges', 3, 100_000).prefault(D.policy.scan.challenges),
  within: duration.prefault(D.policy.scan.within),
  ban: banLength.prefault(D.policy.scan.ban),
  grace: duration.prefault(D.policy.scan.grace),
}).transform((s): ScanSettings => ({ enabled: s.enabled, challenges: s.challenges, within: s.within, ban: s.ban, grace: s.grace }));

/** The schema of the whole file. Output is a `Config` except that `asterisk.logs` is null when the file leaves it to the default. */
export const configSchema = mapping('a mapping of settings (key: value pairs) at the top level', {
  protection: onOff.prefault(D.protection),
  networks: section('networks', {
    internal: list('addresses or networks', network).prefault(() => [...D.networks.internal]),
    trusted: list('addresses, networks or host names', trustedEntry).prefault(() => [...D.networks.trusted]),
    ban_internal: bool.prefault(D.networks.ban_internal),
  }).transform((n, ctx) => {
    const out = {
      internal: distinct(n.internal),
      trusted: distinct(n.trusted.flatMap((e) => (e.kind === 'network' ? [e.value] : []))),
      trustedNames: distinct(n.trusted.flatMap((e) => (e.kind === 'name' ? [e.value] : []))),
      banInternal: n.ban_internal,
    };
    for (const issue of coverAllIssues(out.internal, out.trusted)) ctx.issues.push({ code: 'custom', input: n, ...issue });
    return out;
  }),
  policy: section('policy', {
    tiers: tiers.prefault(() => D.policy.tiers.map((t) => ({ ...t }))),
    count_reasons: list('failure reasons', oneOf(FAILURE_REASONS)).prefault(() => [...D.policy.count_reasons]),
    ipv6_prefix: wholeNumber('an IPv6 prefix length', 32, 128).prefault(D.policy.ipv6_prefix),
    subnets,
    scan,
  }).transform((p) => ({ tiers: p.tiers, countReasons: distinct(p.count_reasons), ipv6Prefix: p.ipv6_prefix, subnets: p.subnets, scan: p.scan })),
  asterisk: section('asterisk', {
    logs: list('log file paths', text('a log file path')).nullable().optional()
      .transform((logs) => (logs === undefined || logs === null ? null : distinct(logs))),
    ami: ami.nullable().optional().transform((a) => a ?? null),
    start_at: oneOf(['end', 'beginning']).prefault(D.asterisk.start_at),
  }).transform((a) => ({ logs: a.logs, ami: a.ami, startAt: a.start_at })),
  firewall: section('firewall', {
    backend: oneOf(FIREWALL_BACKENDS).prefault(D.firewall.backend),
    scope: oneOf(['all', 'sip']).prefault(D.firewall.scope),
    // `auto` reaches the list as null (which it then allows), so a bad item still gets its own message.
    ports: z.preprocess((v) => (v === 'auto' ? null : v), list('port numbers, or auto', port).nullable()).prefault('auto'),
    require_seen: bool.prefault(D.firewall.require_seen),
  }).transform((f, ctx) => {
    if (f.ports !== null && f.ports.length === 0) ctx.issues.push({ code: 'custom', path: ['ports'], input: f.ports, message: 'expected auto or at least one port number, got an empty list' });
    return { backend: f.backend, scope: f.scope, ports: f.ports === null ? 'auto' as const : distinct(f.ports), requireSeen: f.require_seen };
  }),
  store: section('store', {
    path: text('a file path').prefault(D.store.path),
    retention: duration.prefault(D.store.retention),
  }),
  failed_auth_log: section('failed_auth_log', {
    path: text('a file path').prefault(D.failed_auth_log.path),
  }),
  web: section('web', {
    listen: listenAddress.prefault(D.web.listen),
    tls_cert: text('a PEM certificate file path').nullable().prefault(D.web.tls_cert),
    tls_key: text('a PEM private key file path').nullable().prefault(D.web.tls_key),
    public_url: text('an http:// or https:// URL').nullable().prefault(D.web.public_url).refine(
      (u) => u === null || /^https?:\/\/[^\s#?]+$/.test(u), { message: 'expected the dashboard\'s address like https://pbx.example.net:8472/ (http:// or https://, no # or ?)' }),
  }).transform((w, ctx) => {
    if ((w.tls_cert === null) !== (w.tls_key === null)) {
      ctx.issues.push({ code: 'custom', path: [w.tls_cert === null ? 'tls_cert' : 'tls_key'], input: null, message: 'expected both tls_cert and tls_key (HTTPS needs the certificate and its key), or neither' });
    }
    return { listen: w.listen, tls: w.tls_cert !== null && w.tls_key !== null ? { cert: w.tls_cert, key: w.tls_key } : null, publicUrl: w.public_url };
  }),
  accounts: section('accounts', {
    extensions: list('account name patterns like 1?? or 2*', accountPattern).prefault(() => [...D.accounts.extensions]),
    trunks: list('account name patterns', accountPattern).prefault(() => [...D.accounts.trunks]),
    roaming: list('account name patterns', accountPattern).prefault(() => [...D.accounts.roaming]),
    discover: bool.prefault(D.accounts.discover),
    asterisk_config: text('a directory path').prefault(D.accounts.asterisk_config),
    extensions_internal_only: bool.prefault(D.accounts.extensions_internal_only),
    external_extension_ban: banLength.prefault(D.accounts.external_extension_ban),
    compromised_ban: banLength.prefault(D.accounts.compromised_ban),
  }).transform((a) => ({
    extensions: distinct(a.extensions), trunks: distinct(a.trunks), roaming: distinct(a.roaming),
    discover: a.discover, asteriskConfigDir: a.asterisk_config, extensionsInternalOnly: a.extensions_internal_only,
    externalExtensionBan: a.external_extension_ban, compromisedBan: a.compromised_ban,
  })),
  trust: section('trust', {
    learn: bool.prefault(D.trust.learn),
    learn_for: duration.prefault(D.trust.learn_for),
    known_tiers: tiers.prefault(() => D.trust.known_tiers.map((t) => ({ ...t }))),
  }).transform((t) => ({ learn: t.learn, learnFor: t.learn_for, knownTiers: t.known_tiers })),
  alerts: alertsSection,
  fraud: fraudSection,
  limits: section('limits', {
    widest_ipv4_ban: wholeNumber('an IPv4 prefix length (16: at most a.b.0.0/16)', 1, 32).prefault(D.limits.widest_ipv4_ban),
    widest_ipv6_ban: wholeNumber('an IPv6 prefix length (32: at most one provider\'s /32)', 1, 128).prefault(D.limits.widest_ipv6_ban),
  }).transform((l) => ({ widestIpv4Ban: l.widest_ipv4_ban, widestIpv6Ban: l.widest_ipv6_ban })),
  log: section('log', {
    format: oneOf(LOG_FORMATS).prefault(D.log.format),
  }),
  cluster: clusterSection,
  geo: geoSection,
  feeds: feedsList,
  feeds_export: feedsExportSection,
}).transform(({ failed_auth_log, feeds_export, ...rest }) => ({ ...rest, failedAuthLog: failed_auth_log, feedsExport: feeds_export }));


/**
 * Internal and trusted lists that together hold every address of a family: nobody would
 * ever be banned. A single `/0` in `internal` is named at its entry (the trusted list
 * refuses one on its own, values.ts); halves and other pieces at the list.
 */
function coverAllIssues(internal: readonly Cidr[], trusted: readonly Cidr[]): Array<{ path: PropertyKey[]; message: string }> {
  const whole = internal.findIndex((c) => c.endsWith('/0'));
  if (whole >= 0) {
    return [{ path: ['internal', whole], message: `${internal[whole]} would make every address internal, so nobody would ever be banned; list your office and VPN networks instead` }];
  }
  const family = everyAddressCovered([...internal, ...trusted]);
  if (!family) return [];
  const ofFamily = (l: readonly Cidr[]) => l.filter((c) => (c.includes(':') ? 'IPv6' : 'IPv4') === family);
  const names = (l: readonly Cidr[]) => (l.length > 4 ? `${l.slice(0, 4).join(', ')} and ${l.length - 4} more` : `${l.slice(0, -1).join(', ')}${l.length > 1 ? ' and ' : ''}${l.at(-1) ?? ''}`);
  if (everyAddressCovered(internal) === family) {
    return [{ path: ['internal'], message: `${names(ofFamily(internal))} together make every ${family} address internal, so nobody would ever be banned; list your office and VPN networks instead` }];
  }
  if (everyAddressCovered(trusted) === family) {
    return [{ path: ['trusted'], message: `${names(ofFamily(trusted))} together trust every ${family} address, so nobody would ever be banned; list only the addresses or networks you trust` }];
  }
  return [{
    path: [],
    message: `internal (${names(ofFamily(internal))}) and trusted (${names(ofFamily(trusted))}) together cover every ${family} address, so nobody would ever be banned; list only your own networks and the addresses you trust`,
  }];
}

/** What `configSchema` produces: a `Config` whose `asterisk.logs` may still be null (meaning "the defaults"). */
export type ParsedConfig = z.output<typeof configSchema>;

/** Completes a parsed config with the resolved log files; also makes the compiler check the schema against `Config`. */
export function asConfig(parsed: ParsedConfig, logs: readonly string[]): Config {
  return { ...parsed, asterisk: { ...parsed.asterisk, logs } };
}
