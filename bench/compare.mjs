#!/usr/bin/env node
// @ts-check
/**
 * sipwarden, fail2ban and CrowdSec side by side, on the same work, in the same run (issues 7, 18).
 * Run it through `bench/compare` (which installs fail2ban and CrowdSec if they are missing).
 *
 *   bench/compare [--quick] [--strict] [--lines N] [--seed S] [--regen] [--peers fail2ban,crowdsec]
 *                 [--per-rate N] [--cs-per-rate N] [--burst N] [--cs-burst N] [--mem-addresses N]
 *                 [--daemon-addresses N] [--cs-daemon-addresses N] [--v6-share X]
 *                 [--skip-throughput] [--skip-live] [--skip-memory] [--update-readme]
 *
 * 1. throughput and correctness on the generated Asterisk log (compare-lib/throughput.mjs);
 * 2. time to block, live, each tool in its own network namespace (compare-lib/live.mjs; root);
 * 3. memory at scale, N distinct attackers failing once (compare-lib/memory.mjs): the offline
 *    readers over a file, then the running daemons fed the same kind of lines (root).
 * Writes bench/results/latest.md (the Markdown table, also printed) and
 * bench/results/compare.json (every figure). Exit 0 when it ran (with --strict: and
 * every target passed), 1 when a target failed under --strict, 2 when it could not run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runLive } from './compare-lib/live.mjs';
import { runDaemonMemory, runMemory } from './compare-lib/memory.mjs';
import { markdown, targets } from './compare-lib/report.mjs';
import { runThroughput } from './compare-lib/throughput.mjs';
import { BENCH, cleanup, cleanupSync, CLI, log, machine, nowMs, ROOT } from './compare-lib/util.mjs';

/** @param {string} msg  @returns {never} */
function fail(msg) {
  process.stderr.write(`bench/compare: ${msg}\n`);
  process.exit(2);
}

function options() {
  let v;
  try {
    v = parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        strict: { type: 'boolean', default: false },
        lines: { type: 'string' },
        seed: { type: 'string', default: '42' },
        regen: { type: 'boolean', default: false },
        peers: { type: 'string', default: 'fail2ban,crowdsec' },
        'per-rate': { type: 'string' },
        'cs-per-rate': { type: 'string' },
        'cs-burst': { type: 'string' },
        'cs-daemon-addresses': { type: 'string' },
        burst: { type: 'string' },
        'mem-addresses': { type: 'string' },
        'daemon-addresses': { type: 'string' },
        'v6-share': { type: 'string', default: '0.1' },
        'skip-throughput': { type: 'boolean', default: false },
        'skip-live': { type: 'boolean', default: false },
        'skip-memory': { type: 'boolean', default: false },
        'update-readme': { type: 'boolean', default: false },
      },
    }).values;
  } catch (e) {
    fail(/** @type {Error} */ (e).message);
  }
  const q = v.quick;
  /** @param {string} name  @param {string | undefined} val  @param {number} def  @param {number} lo  @param {number} hi */
  const num = (name, val, def, lo, hi) => {
    const n = val === undefined ? def : Number(val);
    if (!Number.isInteger(n) || n < lo || n > hi) fail(`--${name} must be a whole number ${lo}..${hi}`);
    return n;
  };
  const o = {
    quick: q,
    strict: v.strict,
    lines: num('lines', v.lines, q ? 100_000 : 1_000_000, 1_000, 20_000_000),
    seed: num('seed', v.seed, 42, 0, 2 ** 31),
    regen: v.regen,
    rates: [10, 100, 1000],
    perRate: num('per-rate', v['per-rate'], q ? 10 : 50, 1, 1000),
    // CrowdSec's bouncer pulls every 10 s by default: each of its attackers takes seconds, not ms.
    csPerRate: num('cs-per-rate', v['cs-per-rate'], q ? 4 : 6, 1, 1000),
    // CrowdSec's agent takes a few hundred new addresses a second (a bucket goroutine each):
    // its burst and its daemon's memory run with fewer addresses, so the whole run stays within minutes.
    csBurst: num('cs-burst', v['cs-burst'], q ? 500 : 1000, 0, 12_000),
    csDaemonAddresses: num('cs-daemon-addresses', v['cs-daemon-addresses'], q ? 5000 : 20_000, 0, 2_000_000),
    burst: num('burst', v.burst, q ? 500 : 5000, 1, 12_000),
    memAddresses: num('mem-addresses', v['mem-addresses'], q ? 100_000 : 1_000_000, 100, 5_000_000),
    daemonAddresses: num('daemon-addresses', v['daemon-addresses'], q ? 20_000 : 200_000, 0, 2_000_000),
    daemonWaitMs: q ? 60_000 : 180_000,
    v6Share: Number(v['v6-share']),
    capMs: 10_000, // one attacker writes for at most 10 s
    phaseBudgetMs: q ? 60_000 : 150_000, // one rate, one tool: stop adding attackers after this
    burstWaitMs: q ? 60_000 : 300_000,
    skip: { throughput: v['skip-throughput'], live: v['skip-live'], memory: v['skip-memory'] },
    updateReadme: v['update-readme'],
    peers: (v.peers ?? '').split(',').map((x) => x.trim()).filter(Boolean),
  };
  if (!(o.v6Share >= 0 && o.v6Share <= 0.5)) fail('--v6-share must be 0..0.5');
  for (const p of o.peers) if (p !== 'fail2ban' && p !== 'crowdsec') fail(`--peers: unknown peer ${JSON.stringify(p)} (fail2ban, crowdsec)`);
  return o;
}

/**
 * @typedef {ReturnType<typeof options>} Options
 * @typedef {'throughput' | 'live' | 'memory' | 'daemonMemory'} Part
 * @typedef {object} Results everything bench/results/compare.json holds
 * @property {string} command
 * @property {boolean} quick
 * @property {Omit<Options, 'skip'> & { skip: undefined }} options
 * @property {ReturnType<typeof machine>} machine
 * @property {Partial<Record<Part, string>>} skipped why a part did not run
 * @property {Awaited<ReturnType<typeof runThroughput>>} [throughput]
 * @property {Awaited<ReturnType<typeof runLive>>} [live]
 * @property {Awaited<ReturnType<typeof runMemory>>} [memory]
 * @property {Awaited<ReturnType<typeof runDaemonMemory>>} [daemonMemory]
 * @property {number} [elapsedS]
 * @property {Record<string, number>} [partS] seconds each part took
 * @property {import('./compare-lib/report.mjs').Target[]} [targets]
 * @property {string[]} [notes]
 */

function ensureCli() {
  if (fs.existsSync(CLI)) return;
  if (!fs.existsSync(path.join(ROOT, 'node_modules'))) {
    log('node_modules missing: running scripts/setup (npm ci, build) ...');
    const r = spawnSync(path.join(ROOT, 'scripts', 'setup'), [], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 15 * 60_000 });
    if (r.status !== 0) fail('scripts/setup failed');
  } else {
    log('building dist/ (npx tsc -p tsconfig.build.json) ...');
    const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 10 * 60_000 });
    if (r.status !== 0) log('the build reported errors');
  }
  if (!fs.existsSync(CLI)) fail(`${path.relative(ROOT, CLI)} does not exist, even after building`);
}

/** @param {Results} r */
function notes(r) {
  const n = [];
  n.push('Same input for both: the same generated log and truth (part 1), the same attackers, lines and write pattern (part 2), the same distinct-address file (part 3); same machine, same run, one tool at a time; TZ=UTC for both (the default Asterisk date has no year and no zone).');
  n.push(`The machine is shared with other work (load average before the run: ${r.machine.loadavg}); wall-clock figures move between runs, lines per CPU second is the steadier throughput ratio.`);
  n.push('fail2ban is reported as it actually behaves: it counts matched LINES per address. One chan_sip guess writes a NOTICE and an InvalidPassword security event, one PJSIP guess a NOTICE and a ChallengeResponseFailed event — two matches, so on a `full` log its maxretry 2 bans after ONE guess and its counts are "over-counted" against the truth. Attempts the stock filter has no regex for (or that it refuses, e.g. a RemoteAddress it sees twice) are "missed".');
  n.push('Throughput: `fail2ban-regex` is fail2ban\'s offline tester, not its daemon; it is the fastest way fail2ban reads a log (no tickets, no database, no actions). Its faster mode of the two runs is the baseline. sipwarden check does all of its work (parsing, attempt merging, policy windows, the ban list, the JSON report).');
  n.push('Time to block: the benchmark\'s writer and `nft monitor` share the 2 CPUs with the tool under test, equally for both. Both ban through a fork of `nft` (fail2ban: /bin/sh + nft per ban; sipwarden: one nft transaction per busy period). fail2ban keeps its default sqlite database in the temp dir, sipwarden its store; both log as configured by default (fail2ban INFO to a file, sipwarden JSON to stdout, read by the benchmark).');
  n.push('sipwarden is measured with require_seen off, which removes its kernel "seen" check (one extra `nft get element` per ban) from the path: in production that check costs a few ms per ban; no packets are sent in this benchmark, so with it on nothing would be banned.');
  n.push('The time-to-block clock starts when the 2nd line\'s write(2) returned and stops when the benchmark read the element from `nft monitor` (sub-millisecond delivery); "failures written before the block" counts the lines written until then, so at 1,000 tries/s it is ±1.');
  if (r.live && !r.live.pyinotify) n.push('python3-pyinotify is absent, so fail2ban\'s jail uses the polling backend (1 s sleep between checks): install python3-pyinotify for its faster backend.');
  n.push('Memory: `fail2ban-regex` keeps no per-address window (it keeps every match in its statistics instead), and sipwarden check\'s peak includes its JSON report of every address, so the offline pair is not like for like; the daemons fed the same lines (sipwarden run vs fail2ban-server\'s FailManager) are. sipwarden run also writes every failure to its SQLite history and its failed-auth log; fail2ban-server writes a `Found` line per failure to its log and keeps failures in memory only.');
  if (r.options.peers.includes('crowdsec')) {
    n.push('CrowdSec is run as its users run it on Debian 12: the `crowdsec` (agent + Local API) and `crowdsec-firewall-bouncer` (nftables mode) packages, the hub\'s Asterisk collection at revision 5c30f638 kept unmodified in bench/peers/crowdsec/ (the newest whose scenarios 1.4.6 loads; Debian ships the same files), the default whitelist of private ranges and the default profile (a 4 h ban). Only the paths differ (a private config dir) and the Central API is off (no network here; it would add community blocklists, not speed). Each run is in a network namespace of its own, so its API, metrics and tables never touch the host\'s.');
    n.push('CrowdSec\'s Asterisk parser reads only `SECURITY` lines of three event types (InvalidAccountID, ChallengeResponseFailed, InvalidPassword): on the generated log it sees the attempts that write one of those; its live attackers write the InvalidPassword event of each guess instead of the NOTICE. Its scenarios overflow at the 6th failure within the leak (capacity 5, one leaks every 10 s), so its clock starts at the 6th failure, not the 2nd, and the failures written before the block count from the first.');
    n.push('CrowdSec enforces by polling: the bouncer asks the Local API for new decisions every update_frequency (10 s by default, 1 s at the least; the unit is seconds). Its time to block is mostly that wait, shown apart in "where the time goes". Its replay (`-dsn`) includes starting the agent and its Local API (a few seconds of its grok patterns), like any run of the tool.');
  }
  n.push('Left out: fail2ban\'s `recidive` jail (it reads fail2ban\'s own log of bans, so "12 failures in 24 h" has no equivalent), AMI input (fail2ban has none), log rotation, and restarts.');
  return n;
}

const BEGIN = '<!-- bench/compare results: begin (written by `bench/compare --update-readme`) -->';
const END = '<!-- bench/compare results: end -->';

/** Replaces the results block of bench/README.md with this run's table (headings moved two levels down).  @param {string} md */
function updateReadme(md) {
  const file = path.join(BENCH, 'README.md');
  const text = fs.readFileSync(file, 'utf8');
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a < 0 || b < a) {
    log('bench/README.md has no results block to update');
    return;
  }
  const body = md.replace(/^(#+) /gm, (_, h) => `${h}## `);
  fs.writeFileSync(file, `${text.slice(0, a + BEGIN.length)}\n\n${body}\n\n${text.slice(b)}`);
  log('updated the results block in bench/README.md');
}

async function main() {
  const o = options();
  const started = nowMs();
  /** @type {Results} */
  const r = {
    command: `bench/compare${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
    quick: o.quick, options: { ...o, skip: undefined }, machine: machine(), skipped: {},
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      log(`${sig}: stopping everything this benchmark started ...`);
      cleanup().finally(() => process.exit(130));
    });
  }
  process.on('exit', cleanupSync);
  ensureCli();
  r.partS = {};
  const parts = /** @type {Record<string, number>} */ (r.partS);
  /** Runs one part and keeps how long it took (the whole run must stay under 20 minutes). @template T @param {string} name @param {() => Promise<T>} fn */
  const timed = async (name, fn) => {
    const t0 = nowMs();
    const out = await fn();
    parts[name] = Math.round((nowMs() - t0) / 100) / 10;
    log(`${name}: ${parts[name]} s`);
    return out;
  };
  try {
    if (o.skip.throughput) r.skipped.throughput = '--skip-throughput';
    else r.throughput = await timed('throughput', () => runThroughput(o));
    if (o.skip.live) r.skipped.live = '--skip-live';
    else if (process.getuid?.() !== 0) r.skipped.live = 'needs root (network namespaces, nftables)';
    else r.live = await timed('live', () => runLive(o));
    if (o.skip.memory) r.skipped.memory = '--skip-memory';
    else {
      r.memory = await timed('memory', () => runMemory(o));
      if (o.daemonAddresses === 0) r.skipped.daemonMemory = '--daemon-addresses 0';
      else if (process.getuid?.() !== 0) r.skipped.daemonMemory = 'needs root (fail2ban-server runs in a network namespace)';
      else r.daemonMemory = await timed('daemon memory', () => runDaemonMemory(o));
    }
  } catch (e) {
    await cleanup();
    fail(`${/** @type {Error} */ (e).stack ?? /** @type {Error} */ (e).message}`);
  }
  await cleanup();
  r.elapsedS = (nowMs() - started) / 1000;
  const t = targets(r);
  r.targets = t;
  r.notes = notes(r);
  const md = markdown(r);
  const dir = path.join(BENCH, 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'latest.md'), `${md}\n`);
  fs.writeFileSync(path.join(dir, 'compare.json'), `${JSON.stringify(r, null, 1)}\n`);
  process.stdout.write(`${md}\nwritten to bench/results/latest.md and bench/results/compare.json\n`);
  if (o.updateReadme) updateReadme(md);
  const allPass = t.every((x) => x.ok);
  process.exit(o.strict && !allPass ? 1 : 0);
}

main();
