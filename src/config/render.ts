/**
 * The default config file as `sipwarden init` writes it: every key at its default,
 * each with a one-line comment. Values are printed from `DEFAULTS`, and a test checks
 * that loading the text gives exactly `defaultConfig()`.
 */
import { stringify } from 'yaml';
import { AMI_DEFAULTS, DEFAULT_ASTERISK_LOGS, DEFAULTS } from './defaults.js';

/** One scalar in YAML syntax (quoted only if YAML needs it). */
function scalar(v: string | number | boolean | null): string {
  return stringify(v).trimEnd();
}

/** A list in flow style: `[a, b]`. */
function flow(items: readonly (string | number)[]): string {
  return `[${items.map(scalar).join(', ')}]`;
}

/** Renders the default config as a commented YAML document that loads back to `defaultConfig()`. */
export function renderDefaultConfig(): string {
  const D = DEFAULTS;
  const tiers = D.policy.tiers.map((t) => `    - { failures: ${t.failures}, within: ${t.within}, ban: ${t.ban} }`);
  const logNames = DEFAULT_ASTERISK_LOGS.join(', ');
  return [
    '# sipwarden configuration. Every key may be left out: it then takes the default shown here.',
    '# Durations are written like 30s, 15m, 1h, 24h, 7d, 2w.',
    '',
    '# on: ban attackers in the firewall; off: detect and log everything, block nothing.',
    `protection: ${scalar(D.protection)}`,
    '',
    '# Which addresses are yours, and which are never banned.',
    'networks:',
    '  # Internal networks (CIDRs or addresses): failures from here are logged and alerted, not banned.',
    `  internal: ${flow(D.networks.internal)}`,
    '  # Addresses, networks or host names that are never banned, whatever they do.',
    `  trusted: ${flow(D.networks.trusted)}`,
    '  # true: ban internal addresses like any other.',
    `  ban_internal: ${scalar(D.networks.ban_internal)}`,
    '',
    '# When an address is banned.',
    'policy:',
    '  # After <failures> countable failures within <within>: ban for <ban> (or permanent, until released).',
    '  tiers:',
    ...tiers,
    '  # Failure reasons that count towards the tiers (also: limit, refusals caused by PBX overload).',
    `  count_reasons: ${flow(D.policy.count_reasons)}`,
    '  # IPv6 failures are counted per prefix of this length: 64 is one subscriber network (an IPv4 address\'s equivalent), 128 per address.',
    `  ipv6_prefix: ${D.policy.ipv6_prefix}`,
    '',
    '# Where sipwarden learns about authentication failures.',
    'asterisk:',
    `  # Log files to follow; null: those that exist among ${logNames}.`,
    `  logs: ${scalar(D.asterisk.logs)}`,
    '  # Asterisk Manager Interface; null: off, else e.g.',
    `  # { host: ${AMI_DEFAULTS.host}, port: ${AMI_DEFAULTS.port}, username: sipwarden, secret: "...", tls: ${AMI_DEFAULTS.tls} }`,
    `  ami: ${scalar(D.asterisk.ami)}`,
    '  # Where to start in a log file seen for the first time: end or beginning.',
    `  start_at: ${scalar(D.asterisk.start_at)}`,
    '',
    '# How banned addresses are blocked.',
    'firewall:',
    '  # auto (nftables if available, else ipset), nftables, ipset, or dry-run (only log what would be done).',
    `  backend: ${scalar(D.firewall.backend)}`,
    '  # all: drop every packet from a banned address; sip: only packets to the ports below.',
    `  scope: ${scalar(D.firewall.scope)}`,
    "  # The PBX's SIP and IAX2 ports.",
    `  ports: ${flow(D.firewall.ports)}`,
    '  # Ban only addresses that really sent this host packets recently (nftables), so no log text can ban a bystander.',
    `  require_seen: ${scalar(D.firewall.require_seen)}`,
    '',
    '# The database of bans, failure history and the audit trail.',
    'store:',
    '  # SQLite database file.',
    `  path: ${scalar(D.store.path)}`,
    '  # How long failure history and ended bans are kept.',
    `  retention: ${scalar(D.store.retention)}`,
    '',
    '# The dedicated log of failed authentications.',
    'failed_auth_log:',
    '  # One line per failed authentication; reopened on SIGHUP (logrotate).',
    `  path: ${scalar(D.failed_auth_log.path)}`,
    '',
    '# The web dashboard and HTTP API.',
    'web:',
    '  # Where it listens: host:port, or [IPv6]:port.',
    `  listen: ${scalar(D.web.listen)}`,
    '',
    '# Who may register from where: extensions (phones) only from internal networks, trunks from anywhere.',
    'accounts:',
    '  # Account name patterns (? one character, * any run), e.g. ["1??", "2*"].',
    `  extensions: ${flow(D.accounts.extensions)}`,
    '  # Trunk account patterns: trunks may register from anywhere.',
    `  trunks: ${flow(D.accounts.trunks)}`,
    '  # Extensions allowed to register from outside (travelling users).',
    `  roaming: ${flow(D.accounts.roaming)}`,
    "  # Also learn extensions and trunks from the PBX's own pjsip.conf and sip.conf.",
    `  discover: ${scalar(D.accounts.discover)}`,
    "  # Where the PBX's configuration lives.",
    `  asterisk_config: ${scalar(D.accounts.asterisk_config)}`,
    '  # true: any attempt on an extension from an external address is blocked at once.',
    `  extensions_internal_only: ${scalar(D.accounts.extensions_internal_only)}`,
    '  # How long an address is blocked after a failed attempt on an extension from outside.',
    `  external_extension_ban: ${scalar(D.accounts.external_extension_ban)}`,
    '  # ... and after a SUCCESSFUL one (the secret is known to the attacker: change it).',
    `  compromised_ban: ${scalar(D.accounts.compromised_ban)}`,
    '',
    '# Learned trust: an address that logs in successfully is "known" for a while, and needs more failures before a ban',
    '# (one phone with a stale password behind the office NAT must not cut off everyone behind it).',
    'trust:',
    '  # true: learn known addresses from successful logins.',
    `  learn: ${scalar(D.trust.learn)}`,
    '  # How long an address stays known after its last successful login.',
    `  learn_for: ${scalar(D.trust.learn_for)}`,
    '  # The tiers for known addresses (instead of policy.tiers).',
    '  known_tiers:',
    ...D.trust.known_tiers.map((t) => `    - { failures: ${t.failures}, within: ${t.within}, ban: ${t.ban} }`),
    '',
    '# Alerts (a compromised extension, failures from internal addresses): a program and/or a webhook.',
    'alerts:',
    '  # Run with the alert as JSON on stdin, e.g. /usr/local/bin/notify-admin; null: none.',
    `  command: ${scalar(D.alerts.command)}`,
    '  # POSTed the alert as JSON; null: none.',
    `  webhook: ${scalar(D.alerts.webhook)}`,
    '',
  ].join('\n');
}
