// @ts-check
/**
 * Part 1: throughput and correctness on the generated Asterisk log (bench/gen-asterisk-log.mjs,
 * cached in bench/data/ under the same name bench/check-throughput.mjs uses).
 *
 * - sipwarden: `node dist/cli/main.js check --json --config bench/config/owner-policy.yaml <log>`.
 * - fail2ban: `fail2ban-regex -r --print-no-missed <log> /etc/fail2ban/filter.d/asterisk.conf`
 *   (quiet summary mode: the timed figure) and `fail2ban-regex -r -o row …` (one row per
 *   matched line with its address and time: what fail2ban would count, per address).
 * - CrowdSec: `crowdsec -c <private config> -dsn file://<log> -type asterisk` (its replay:
 *   the agent reads the file with the log's own timestamps, its Local API stores the
 *   decisions, and it exits at the end), inside a network namespace of its own.
 * Each with TZ=UTC, under /usr/bin/time.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { isInternal, isLoopback, normalizeIp } from '../lib/addresses.mjs';
import { compareReport } from '../lib/compare.mjs';
import { crowdsecInfo, parseDecisions, scrapeMetrics, writeCrowdsecConfig } from './crowdsec.mjs';
import { parseRows, parseSummary, simulateJail, STOCK_FILTER } from './fail2ban.mjs';
import { BENCH, CLI, log, makeNetns, removeNetns, ROOT, timed, tmpDir } from './util.mjs';

/**
 * @typedef {import('../lib/compare.mjs').Truth & { variants: Record<string, unknown> }} Truth
 * @typedef {object} Score a tool's failures and bans against the truth
 * @property {number} reported failures it counted
 * @property {number} missedIps addresses with failures missed
 * @property {number} missedN failures missed
 * @property {number} overIps addresses with failures too many
 * @property {number} overN failures too many
 * @property {number} falseIps addresses reported that never failed
 * @property {number} falseN their failures
 * @property {string[]} innocentsReported innocents reported with more failures than their own traffic has
 * @property {string[]} innocentsBanned
 * @property {number} bans
 * @property {number} expectedBans
 * @property {number} bansMissing
 * @property {number} bansUnexpected
 * @property {number} truthAttempts
 * @property {number} truthAddresses
 * @property {number} addresses
 * @property {number} [internalBannedStockIgnoreip] (fail2ban) internal addresses banned with Debian's stock ignoreip
 */

/** The same hash as bench/check-throughput.mjs, so both share one cached log. */
function generatorHash() {
  const h = crypto.createHash('sha1');
  const files = ['gen-asterisk-log.mjs', ...fs.readdirSync(path.join(BENCH, 'lib')).sort().map((f) => path.join('lib', f))];
  for (const f of files) if (f.endsWith('.mjs') && !f.endsWith('compare.mjs')) h.update(fs.readFileSync(path.join(BENCH, f)));
  return h.digest('hex').slice(0, 8);
}

/** @param {{ lines: number, seed: number, regen: boolean }} o  @returns {{ log: string, truth: Truth }} */
export function ensureLog({ lines, seed, regen }) {
  const prefix = path.join(BENCH, 'data', `asterisk-${lines}-s${seed}-default-0.05-${generatorHash()}`);
  if (regen || !fs.existsSync(`${prefix}.log`) || !fs.existsSync(`${prefix}.truth.json`)) {
    log(`generating ${path.relative(ROOT, prefix)}.log (${lines} lines) ...`);
    fs.mkdirSync(path.dirname(prefix), { recursive: true });
    const r = spawnSync(process.execPath, [path.join(BENCH, 'gen-asterisk-log.mjs'), '--lines', String(lines), '--seed', String(seed),
      '--format', 'default', '--attack-ratio', '0.05', '--out', prefix, '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 10 * 60_000 });
    if (r.status !== 0) throw new Error('log generation failed');
  }
  return { log: `${prefix}.log`, truth: JSON.parse(fs.readFileSync(`${prefix}.truth.json`, 'utf8')) };
}

/**
 * Failures per address (a Map of canonical address → count) against the truth.
 * @param {Map<string, number>} got
 * @param {Truth} truth
 * @param {Set<string>} bannedSet canonical addresses
 * @returns {Score}
 */
export function scoreFailures(got, truth, bannedSet) {
  const want = new Map(Object.entries(truth.failuresByIp));
  const wantBans = new Set(truth.expectedBans.map((b) => normalizeIp(b.ip)));
  /** @type {Score} */
  const s = {
    reported: 0, missedIps: 0, missedN: 0, overIps: 0, overN: 0, falseIps: 0, falseN: 0, innocentsReported: [], innocentsBanned: [],
    // Address-level bans (tiers aside: fail2ban's recidive counts bans, not failures).
    bans: bannedSet.size, expectedBans: wantBans.size,
    bansMissing: [...wantBans].filter((ip) => ip === null || !bannedSet.has(ip)).length,
    bansUnexpected: [...bannedSet].filter((ip) => !wantBans.has(ip)).length,
    truthAttempts: truth.attempts, truthAddresses: want.size, addresses: got.size,
  };
  for (const n of got.values()) s.reported += n;
  for (const [ip, n] of want) {
    const g = got.get(ip) ?? 0;
    if (g < n) { s.missedIps++; s.missedN += n - g; }
  }
  for (const [ip, g] of got) {
    const n = want.get(ip) ?? 0;
    if (g > n) {
      s.overIps++; s.overN += g - n;
      if (n === 0) { s.falseIps++; s.falseN += g; }
    }
  }
  const innocents = new Set(truth.innocents.map(normalizeIp));
  // An innocent may have failures of its own (a remote phone's misdial): reported beyond those is the wrong.
  for (const [ip, g] of got) if (innocents.has(ip) && g > (want.get(ip) ?? 0)) s.innocentsReported.push(ip);
  for (const ip of bannedSet) if (innocents.has(ip)) s.innocentsBanned.push(ip);
  return s;
}

/** @param {import('../compare.mjs').Options} o */
export async function runThroughput(o) {
  const { log: logFile, truth } = ensureLog(o);
  const size = fs.statSync(logFile).size;
  const env = { ...process.env, TZ: 'UTC' };
  const timeoutMs = o.quick ? 120_000 : 300_000;

  // sipwarden check takes seconds: run it 3 times and keep the run with the median wall
  // time (the machine is shared); fail2ban-regex takes most of a minute per run, so it
  // runs once in each of its two modes and the faster one is its baseline.
  /** @type {Array<Awaited<ReturnType<typeof timed>>>} */
  const swRuns = [];
  for (let i = 0; i < 3; i++) {
    log(`throughput: sipwarden check (run ${i + 1} of 3) ...`);
    const x = await timed(process.execPath, [CLI, 'check', '--json', '--config', path.join(BENCH, 'config', 'owner-policy.yaml'), logFile], { env, timeoutMs });
    if (x.code !== 0) throw new Error(`sipwarden check exited ${x.code}: ${x.stderr.slice(0, 2000)}`);
    swRuns.push(x);
  }
  const sw = [...swRuns].sort((a, b) => a.wall - b.wall)[1];
  const swWalls = swRuns.map((x) => x.wall);
  /** @type {import('../lib/compare.mjs').CheckReport} */
  const report = JSON.parse(sw.stdout);
  const cmp = compareReport(report, truth);
  /** @type {Map<string, number>} */
  const swGot = new Map();
  for (const a of report.addresses ?? []) {
    const ip = normalizeIp(a.ip);
    if (ip) swGot.set(ip, (swGot.get(ip) ?? 0) + (Number(a.failures) || 0));
  }
  const swBanned = new Set((report.bans ?? []).flatMap((b) => normalizeIp(b.ip) ?? []));
  const swScore = scoreFailures(swGot, truth, swBanned);
  swScore.reported = report.attempts ?? NaN;

  const lines = truth.lines;
  /**
   * @template {object} X
   * @param {Awaited<ReturnType<typeof timed>>} t
   * @param {X} extra
   */
  const sideOf = (t, extra) => ({
    wall: t.wall, cpu: t.cpu, user: t.user, sys: t.sys, rssMb: t.rssMb,
    linesPerS: lines / t.wall, linesPerCpuS: lines / t.cpu, ...extra,
  });
  const swSide = sideOf(sw, { runs: swWalls, score: swScore, checks: cmp.checks, info: cmp.info, details: cmp.details.slice(0, 20), events: report.events });
  return {
    log: path.relative(ROOT, logFile), logBytes: size, lines, truth: {
      attempts: truth.attempts, addresses: Object.keys(truth.failuresByIp).length, expectedBans: truth.expectedBans.length,
      innocents: truth.innocents.length, variants: truth.variants,
    },
    sipwarden: swSide,
    fail2ban: o.peers.includes('fail2ban') ? await fail2banThroughput(logFile, truth, sideOf, timeoutMs) : undefined,
    crowdsec: o.peers.includes('crowdsec') ? await crowdsecThroughput(logFile, truth, sideOf, timeoutMs) : undefined,
  };
}

/**
 * @typedef {<X extends object>(t: Awaited<ReturnType<typeof timed>>, extra: X) => X & { wall: number, cpu: number, user: number, sys: number, rssMb: number, linesPerS: number, linesPerCpuS: number }} SideOf
 */

/**
 * fail2ban-regex over the log in its two modes, and the owner's jail modelled from its rows.
 * @param {string} logFile
 * @param {Truth} truth
 * @param {SideOf} sideOf
 * @param {number} timeoutMs
 */
async function fail2banThroughput(logFile, truth, sideOf, timeoutMs) {
  const env = { ...process.env, TZ: 'UTC' };
  const lines = truth.lines;
  log('throughput: fail2ban-regex (quiet summary mode) ...');
  const f2q = await timed('fail2ban-regex', ['-r', '--print-no-missed', logFile, STOCK_FILTER], { env, timeoutMs });
  const summary = parseSummary(f2q.stdout);
  if (!summary) throw new Error(`fail2ban-regex printed no summary (exit ${f2q.code}): ${(f2q.stdout + f2q.stderr).slice(-2000)}`);

  log('throughput: fail2ban-regex -o row (the matched address of every line) ...');
  const rowsFile = path.join(tmpDir('swcmp-rows-'), 'rows.txt');
  const f2r = await timed('fail2ban-regex', ['-r', '-o', 'row', logFile, STOCK_FILTER], { env, timeoutMs, stdoutFile: rowsFile });
  if (f2r.code !== 0) throw new Error(`fail2ban-regex -o row exited ${f2r.code}: ${f2r.stderr.slice(0, 2000)}`);
  const rows = parseRows(fs.readFileSync(rowsFile, 'utf8'));
  /** @type {Map<string, number>} */
  const f2Got = new Map();
  for (const r of rows) {
    const ip = normalizeIp(r.ip);
    if (ip) f2Got.set(ip, (f2Got.get(ip) ?? 0) + 1);
  }
  // The owner's jail: maxretry 2 / findtime 1 h, ignoreip = loopback + the internal networks
  // sipwarden leaves alone by default (an owner would add them); and with Debian's stock ignoreip.
  const ownerIgnore = (/** @type {string} */ ip) => isLoopback(ip) || isInternal(ip);
  const f2Banned = new Set(simulateJail(rows.map((r) => ({ ip: normalizeIp(r.ip) ?? r.ip, t: r.t })), { ignored: ownerIgnore }).keys());
  const f2BannedStock = simulateJail(rows.map((r) => ({ ip: normalizeIp(r.ip) ?? r.ip, t: r.t })), { ignored: isLoopback });
  const f2Score = scoreFailures(f2Got, truth, f2Banned);
  f2Score.internalBannedStockIgnoreip = [...f2BannedStock.keys()].filter((ip) => isInternal(ip)).length;
  const rowMode = { wall: f2r.wall, cpu: f2r.cpu, rssMb: f2r.rssMb, linesPerS: lines / f2r.wall, rows: rows.length };
  // fail2ban's best of its two modes is its throughput baseline.
  return sideOf(f2q, { score: f2Score, summary, rowMode, bestLinesPerS: Math.max(lines / f2q.wall, rowMode.linesPerS) });
}

/**
 * CrowdSec's replay of the log in a namespace of its own (its Local API listens on that
 * namespace's loopback). Its bans are the decisions its Local API logged; the failures it
 * found are its own metrics (events poured into the asterisk_bf buckets, read every second
 * while it runs: the last reading is taken after its acquisition finished, before it exits).
 * @param {string} logFile
 * @param {Truth} truth
 * @param {SideOf} sideOf
 * @param {number} timeoutMs
 */
async function crowdsecThroughput(logFile, truth, sideOf, timeoutMs) {
  const ns = makeNetns(`swcmp-cst-${process.pid}`);
  try {
    const cs = writeCrowdsecConfig(tmpDir('swcmp-cst-'));
    log('throughput: crowdsec -dsn file://<log> -type asterisk (replay) ...');
    const m = { read: 0, parsed: 0, asterisk: 0, whitelisted: 0, poured: 0, readings: 0 };
    const poll = setInterval(() => {
      const x = scrapeMetrics(ns, cs.metricsPort);
      if (!x) return;
      m.readings++;
      m.read = Math.max(m.read, x.sum('cs_parser_hits_total'));
      m.parsed = Math.max(m.parsed, x.sum('cs_parser_hits_ok_total'));
      m.asterisk = Math.max(m.asterisk, x.where('cs_node_hits_ok_total', 'name="crowdsecurity/asterisk-logs"'));
      m.whitelisted = Math.max(m.whitelisted, x.where('cs_node_wl_hits_ok_total', 'crowdsecurity/whitelists'));
      m.poured = Math.max(m.poured, x.where('cs_bucket_poured_total', 'name="crowdsecurity/asterisk_bf"'));
    }, 1000);
    const t = await timed('ip', ['netns', 'exec', ns, 'crowdsec', '-c', cs.config, '-dsn', `file://${logFile}`, '-type', 'asterisk'], { env: { ...process.env, TZ: 'UTC' }, timeoutMs: timeoutMs * 3 });
    clearInterval(poll);
    const out = `${t.stdout}\n${t.stderr}`;
    if (t.code !== 0 || !out.includes('Acquisition is finished')) throw new Error(`crowdsec -dsn exited ${t.code}: ${out.slice(-2000)}`);
    const decisions = parseDecisions(out);
    /** @type {Set<string>} */
    const banned = new Set();
    for (const ip of decisions.keys()) banned.add(normalizeIp(ip) ?? ip);
    const wantBans = new Set(truth.expectedBans.map((b) => normalizeIp(b.ip)));
    const innocents = new Set(truth.innocents.map(normalizeIp));
    const score = {
      bans: banned.size, expectedBans: wantBans.size,
      bansMissing: [...wantBans].filter((ip) => ip === null || !banned.has(ip)).length,
      bansUnexpected: [...banned].filter((ip) => !wantBans.has(ip)).length,
      innocentsBanned: [...banned].filter((ip) => innocents.has(ip)),
      internalBanned: [...banned].filter((ip) => isInternal(ip) || isLoopback(ip)).length,
      byScenario: [...decisions.values()].flat().reduce((/** @type {Record<string, number>} */ a, x) => { a[x] = (a[x] ?? 0) + 1; return a; }, {}),
    };
    return sideOf(t, { ...crowdsecInfo(), metrics: m, score });
  } finally {
    removeNetns(ns);
  }
}
