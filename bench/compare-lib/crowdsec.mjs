// @ts-check
/**
 * CrowdSec as `bench/compare` runs it (issue 18): Debian's `crowdsec` agent with its Local
 * API and `crowdsec-firewall-bouncer` in nftables mode, each with a private configuration
 * directory in a temp dir (nothing under /etc is read for the detection and nothing is
 * changed), always inside a network namespace the benchmark made, so their API, metrics
 * and firewall tables never touch the host's.
 *
 * Detection is the hub's Asterisk collection, the peer's own files kept unmodified under
 * bench/peers/crowdsec/ (see SOURCE.md there): the s00 syslog-logs parser (its second
 * node, crowdsecurity/non-syslog, makes `-type asterisk` the program), asterisk-logs,
 * dateparse-enrich and whitelists (private ranges: on in a default install), and the
 * scenarios asterisk_bf and asterisk_user_enum (leaky buckets: capacity 5, leak 10 s, so
 * the 6th failure within the leak overflows). Decisions follow Debian's default
 * profiles.yaml: a 4 h ban on the address.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BENCH, debVersion, sh } from './util.mjs';

export const PEER_DIR = path.join(BENCH, 'peers', 'crowdsec');
/** The hub files the benchmark installs into each private configuration (paths under PEER_DIR). */
export const HUB_FILES = Object.freeze({
  's00-raw': ['parsers/s00-raw/crowdsecurity/syslog-logs.yaml'],
  's01-parse': ['parsers/s01-parse/crowdsecurity/asterisk-logs.yaml'],
  's02-enrich': ['parsers/s02-enrich/crowdsecurity/dateparse-enrich.yaml', 'parsers/s02-enrich/crowdsecurity/whitelists.yaml'],
  scenarios: ['scenarios/crowdsecurity/asterisk_bf.yaml', 'scenarios/crowdsecurity/asterisk_user_enum.yaml'],
});
/** The failures the scenarios need before they overflow (capacity 5: the 6th). */
export const CS_THRESHOLD = 6;
/** nftables tables and sets the bouncer makes (its Debian defaults). */
export const CS_TABLES = Object.freeze({ v4: { family: 'ip', table: 'crowdsec', set: 'crowdsec-blacklists' }, v6: { family: 'ip6', table: 'crowdsec6', set: 'crowdsec6-blacklists' } });
const DEBIAN_HUB = '/usr/share/crowdsec/hub';
const DEBIAN_PATTERNS = '/etc/crowdsec/patterns';

/** Versions of the agent and the bouncer (null when missing). */
export function crowdsecInfo() {
  const v = spawnSync('crowdsec', ['-version'], { encoding: 'utf8', timeout: 20_000 });
  const version = /version:\s*v?(\S+)/.exec(`${v.stdout}${v.stderr}`)?.[1] ?? null;
  const bouncer = debVersion('crowdsec-firewall-bouncer');
  return { version, bouncer: bouncer === 'n/a' ? null : bouncer };
}

/**
 * @typedef {object} CrowdsecConfig a private configuration directory
 * @property {string} dir
 * @property {string} config config.yaml
 * @property {string} db the SQLite database of the Local API
 * @property {number} lapiPort
 * @property {number} metricsPort
 */

/**
 * Writes a complete private configuration for the agent and its Local API, and registers
 * the agent as a machine (`cscli machines add --auto`, which writes its credentials).
 * The Central API is left out (no online_client): nothing is sent anywhere.
 * @param {string} dir
 * @param {{ acquis?: { file: string }, lapiPort?: number, metricsPort?: number }} [o]
 * @returns {CrowdsecConfig}
 */
export function writeCrowdsecConfig(dir, { acquis, lapiPort = 8080, metricsPort = 6060 } = {}) {
  const etc = path.join(dir, 'etc');
  const data = path.join(dir, 'data');
  const hub = path.join(dir, 'hub');
  for (const d of [data, hub, path.join(etc, 'scenarios')]) fs.mkdirSync(d, { recursive: true });
  for (const [stage, files] of Object.entries(HUB_FILES)) {
    const to = stage === 'scenarios' ? path.join(etc, 'scenarios') : path.join(etc, 'parsers', stage);
    fs.mkdirSync(to, { recursive: true });
    for (const f of files) fs.copyFileSync(path.join(PEER_DIR, f), path.join(to, path.basename(f)));
  }
  // The grok patterns and the hub index come with Debian's package (the agent refuses to start without an index).
  fs.cpSync(DEBIAN_PATTERNS, path.join(etc, 'patterns'), { recursive: true });
  fs.copyFileSync(path.join(DEBIAN_HUB, '.index.json'), path.join(hub, '.index.json'));
  fs.writeFileSync(path.join(etc, 'simulation.yaml'), 'simulation: off\n');
  // Debian's (and upstream's) default profile.
  fs.writeFileSync(path.join(etc, 'profiles.yaml'), `name: default_ip_remediation
filters:
 - Alert.Remediation == true && Alert.GetScope() == "Ip"
decisions:
 - type: ban
   duration: 4h
on_success: break
`);
  fs.writeFileSync(path.join(etc, 'acquis.yaml'), acquis ? `filenames:\n  - ${acquis.file}\nlabels:\n  type: asterisk\n` : '');
  const config = path.join(etc, 'config.yaml');
  const db = path.join(data, 'crowdsec.db');
  // Debian's config.yaml (and config.yaml.local's WAL), paths moved into the temp dir, logs to stdout.
  fs.writeFileSync(config, `common:
  daemonize: false
  log_media: stdout
  log_level: info
  working_dir: .
config_paths:
  config_dir: ${etc}/
  data_dir: ${data}/
  simulation_path: ${etc}/simulation.yaml
  hub_dir: ${hub}/
  index_path: ${hub}/.index.json
  notification_dir: ${etc}/notifications/
  plugin_dir: /usr/lib/crowdsec/plugins/
crowdsec_service:
  acquisition_path: ${etc}/acquis.yaml
  parser_routines: 1
cscli:
  output: human
db_config:
  log_level: info
  type: sqlite
  db_path: ${db}
  use_wal: true
  flush:
    max_items: 5000
    max_age: 7d
api:
  client:
    insecure_skip_verify: false
    credentials_path: ${etc}/local_api_credentials.yaml
  server:
    log_level: info
    listen_uri: 127.0.0.1:${lapiPort}
    profiles_path: ${etc}/profiles.yaml
    trusted_ips:
      - 127.0.0.1
      - ::1
prometheus:
  enabled: true
  level: full
  listen_addr: 127.0.0.1
  listen_port: ${metricsPort}
`);
  sh('cscli', ['-c', config, 'machines', 'add', 'bench', '--auto', '-f', path.join(etc, 'local_api_credentials.yaml')], { timeoutMs: 60_000 });
  return { dir, config, db, lapiPort, metricsPort };
}

/**
 * Registers a bouncer with the Local API's database and writes its configuration: Debian's
 * defaults (nftables mode, tables crowdsec/crowdsec6), with `updateFrequency` as given.
 * @param {CrowdsecConfig} cs
 * @param {string} updateFrequency e.g. '10s' (the default), '1s'
 * @returns {string} the bouncer's config file
 */
export function writeBouncerConfig(cs, updateFrequency) {
  const key = sh('cscli', ['-c', cs.config, 'bouncers', 'add', `bench-${updateFrequency}`, '-o', 'raw'], { timeoutMs: 60_000 }).stdout.trim();
  if (!/^[A-Za-z0-9]+$/.test(key)) throw new Error(`cscli bouncers add printed no key: ${key.slice(0, 200)}`);
  const file = path.join(cs.dir, 'etc', `bouncer-${updateFrequency}.yaml`);
  fs.writeFileSync(file, `mode: nftables
pid_dir: ${cs.dir}/
update_frequency: ${updateFrequency}
daemonize: false
log_mode: stdout
log_level: info
api_url: http://127.0.0.1:${cs.lapiPort}/
api_key: ${key}
insecure_skip_verify: false
disable_ipv6: false
deny_action: DROP
deny_log: false
supported_decisions_types:
  - ban
blacklists_ipv4: ${CS_TABLES.v4.set}
blacklists_ipv6: ${CS_TABLES.v6.set}
nftables:
  ipv4:
    enabled: true
    set-only: false
    table: ${CS_TABLES.v4.table}
    chain: crowdsec-chain
  ipv6:
    enabled: true
    set-only: false
    table: ${CS_TABLES.v6.table}
    chain: crowdsec6-chain
prometheus:
  enabled: false
`);
  return file;
}

/** `(bench/crowdsec) crowdsecurity/asterisk_bf by ip 1.2.3.4 : 4h ban on Ip 1.2.3.4`: the Local API's record of a decision. */
const DECISION = /\(bench\/crowdsec\) (\S+) by ip ([^\s"]+) : (\S+) ban on Ip ([^\s"]+)/;

/**
 * The decisions the Local API logged: address → scenarios that banned it.
 * @param {string} text the agent's log (stdout)
 */
export function parseDecisions(text) {
  /** @type {Map<string, string[]>} */
  const out = new Map();
  for (const line of text.split('\n')) {
    const m = DECISION.exec(line);
    if (!m) continue;
    const list = out.get(m[4]) ?? [];
    list.push(m[1]);
    out.set(m[4], list);
  }
  return out;
}

/** One decision line's address and when it was logged (ms), or null.  @param {string} line */
export function decisionOf(line) {
  const m = DECISION.exec(line);
  if (!m) return null;
  const t = /^time="([^"]+)"/.exec(line)?.[1];
  return { ip: m[4], scenario: m[1], time: t ? parseLogTime(t) : NaN };
}

/** logrus's `07-12-2026 11:11:19` (UTC, with TZ=UTC) or RFC 3339 → ms.  @param {string} t */
function parseLogTime(t) {
  const m = /^(\d\d)-(\d\d)-(\d{4}) (\d\d):(\d\d):(\d\d)$/.exec(t);
  if (m) return Date.UTC(+m[3], +m[2] - 1, +m[1], +m[4], +m[5], +m[6]);
  return Date.parse(t);
}

/**
 * Prometheus text → name{labels} → value, summing over labels when `sum` names a metric.
 * @param {string} text
 */
export function parseMetrics(text) {
  /** @type {Map<string, number>} metric name → sum over its series */
  const sums = new Map();
  /** @type {Array<{ name: string, labels: string, value: number }>} */
  const series = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.trim()) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const value = Number(m[3]);
    if (!Number.isFinite(value)) continue;
    series.push({ name: m[1], labels: m[2] ?? '', value });
    sums.set(m[1], (sums.get(m[1]) ?? 0) + value);
  }
  return {
    sum: (/** @type {string} */ name) => sums.get(name) ?? 0,
    /** the sum of the series of `name` whose labels contain `needle` */
    where: (/** @type {string} */ name, /** @type {string} */ needle) => series.filter((s) => s.name === name && s.labels.includes(needle)).reduce((a, s) => a + s.value, 0),
  };
}

/**
 * The agent's metrics, read inside its namespace (curl on the namespace's loopback).
 * @param {string} ns
 * @param {number} port
 */
export function scrapeMetrics(ns, port) {
  const r = sh('ip', ['netns', 'exec', ns, 'curl', '-s', '--max-time', '5', `http://127.0.0.1:${port}/metrics`], { allowFail: true, timeoutMs: 10_000 });
  return r.status === 0 ? parseMetrics(r.stdout) : null;
}
