#!/usr/bin/env node
// @ts-check
/**
 * Throughput and correctness of `sipwarden check --json` on a large generated log.
 *
 *   node bench/check-throughput.mjs [--lines 1000000] [--seed 42] [--format default|iso]
 *        [--attack-ratio 0.05] [--runs 1] [--config FILE] [--regen] [--build] [--strict]
 *
 * 1. Generates bench/data/asterisk-<lines>-s<seed>-<format>-<ratio>-<gen hash>.{log,truth.json}
 *    unless already cached (the name changes when the generator's code changes).
 * 2. Builds dist/ with `npx tsc -p tsconfig.build.json` if dist/cli/main.js is missing (or --build).
 * 3. Runs `node dist/cli/main.js check --json <log>` with TZ=UTC under /usr/bin/time:
 *    wall time, user+sys CPU seconds, peak RSS, lines/s.
 * 4. Compares the report with the truth: attempts and scans, each per address too,
 *    innocents (never banned, never charged beyond their own traffic), bans (ip and
 *    tier exactly, tier 0 for a scan ban; until to the second).
 * Prints a Markdown report and writes it to bench/results/check-throughput.md.
 * Exit 0 when every correctness check passes (with --strict: and the targets), 1 if
 * not, 2 when the benchmark could not run.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compareReport } from './lib/compare.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const TIME = '/usr/bin/time';
const TARGET_LPS = 2_500_000;
const TARGET_RSS_MB = 150;

/** @param {string} msg  @returns {never} */
function fail(msg, code = 2) {
  process.stderr.write(`check-throughput: ${msg}\n`);
  process.exit(code);
}

function options() {
  let v;
  try {
    v = parseArgs({
      options: {
        lines: { type: 'string', default: '1000000' },
        seed: { type: 'string', default: '42' },
        format: { type: 'string', default: 'default' },
        'attack-ratio': { type: 'string', default: '0.05' },
        runs: { type: 'string', default: '1' },
        config: { type: 'string' },
        regen: { type: 'boolean', default: false },
        build: { type: 'boolean', default: false },
        strict: { type: 'boolean', default: false },
      },
    }).values;
  } catch (e) {
    fail(/** @type {Error} */ (e).message);
  }
  const runs = Number(v.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 20) fail('--runs must be 1..20');
  return { ...v, runs, ratio: v['attack-ratio'] };
}

/** A short hash of the generator's code, so cached data is rebuilt when it changes. */
function generatorHash() {
  const h = crypto.createHash('sha1');
  const files = ['gen-asterisk-log.mjs', ...fs.readdirSync(path.join(BENCH, 'lib')).sort().map((f) => path.join('lib', f))];
  for (const f of files) if (f.endsWith('.mjs') && !f.endsWith('compare.mjs')) h.update(fs.readFileSync(path.join(BENCH, f)));
  return h.digest('hex').slice(0, 8);
}

/** @typedef {ReturnType<typeof options>} Options */

/** @param {Options} o */
function ensureLog(o) {
  const prefix = path.join(BENCH, 'data', `asterisk-${o.lines}-s${o.seed}-${o.format}-${o.ratio}-${generatorHash()}`);
  if (o.regen || !fs.existsSync(`${prefix}.log`) || !fs.existsSync(`${prefix}.truth.json`)) {
    process.stdout.write(`generating ${path.relative(ROOT, prefix)}.log ...\n`);
    const r = spawnSync(process.execPath, [path.join(BENCH, 'gen-asterisk-log.mjs'), '--lines', o.lines, '--seed', o.seed,
      '--format', o.format, '--attack-ratio', o.ratio, '--out', prefix, '--quiet'], { stdio: 'inherit' });
    if (r.status !== 0) fail('log generation failed');
  }
  /** @type {import('./lib/compare.mjs').Truth} */
  const truth = JSON.parse(fs.readFileSync(`${prefix}.truth.json`, 'utf8'));
  return { log: `${prefix}.log`, truth };
}

/** @param {boolean} force */
function ensureCli(force) {
  if (force || !fs.existsSync(CLI)) {
    process.stdout.write('building dist/ (npx tsc -p tsconfig.build.json) ...\n');
    const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) process.stderr.write('check-throughput: the build reported errors\n');
  }
  return fs.existsSync(CLI);
}

/** @typedef {ReturnType<typeof runOnce>} Run */

/** One timed run of the CLI.  @param {string} log  @param {string} config */
function runOnce(log, config) {
  const args = [CLI, 'check', ...(config ? ['--config', config] : []), '--json', log];
  const env = { ...process.env, TZ: 'UTC' };
  const haveTime = fs.existsSync(TIME);
  const timeFile = path.join(os.tmpdir(), `sipwarden-bench-${process.pid}.time`);
  const began = process.hrtime.bigint();
  const r = haveTime
    ? spawnSync(TIME, ['-f', '%e %U %S %M', '-o', timeFile, process.execPath, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync(process.execPath, args, { env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - began) / 1e9;
  const run = { wall, user: NaN, sys: NaN, rssMb: NaN, status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', haveTime };
  if (haveTime && fs.existsSync(timeFile)) {
    const last = (fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '').trim().split(/\s+/).map(Number);
    fs.rmSync(timeFile, { force: true });
    if (last.length === 4 && last.every((x) => Number.isFinite(x))) {
      run.user = last[1];
      run.sys = last[2];
      run.rssMb = last[3] / 1024;
    }
  }
  return run;
}

const fmt = (/** @type {number} */ x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const int = (/** @type {number} */ x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');
const passFail = (/** @type {boolean} */ ok) => (ok ? 'PASS' : 'FAIL');

function gitCommit() {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

/**
 * @param {Options} o  @param {string} log  @param {import('./lib/compare.mjs').Truth} truth  @param {Run[]} runs
 * @param {ReturnType<typeof compareReport>} cmp
 */
function report(o, log, truth, runs, cmp) {
  const sorted = [...runs].sort((a, b) => a.wall - b.wall);
  const med = sorted[Math.floor((sorted.length - 1) / 2)];
  const lps = truth.lines / med.wall;
  const cpu = med.user + med.sys;
  const rss = Math.max(...runs.map((r) => r.rssMb));
  const size = fs.statSync(log).size;
  /** @type {string[]} */
  const out = [];
  out.push('# check-throughput');
  out.push('');
  out.push(`\`node dist/cli/main.js check --json ${path.relative(ROOT, log)}\` (TZ=UTC), ${new Date().toISOString()}, commit ${gitCommit()}`);
  out.push(`Host: ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`);
  out.push(`Log: ${int(truth.lines)} lines, ${fmt(size / 2 ** 20, 1)} MiB, seed ${o.seed}, format ${o.format}, attack ratio ${o.ratio}; ${int(truth.attempts)} failed attempts from ${int(Object.keys(truth.failuresByIp).length)} addresses, ${int(truth.scans)} scans (challenges never answered) from ${int(Object.keys(truth.scansByIp).length)} addresses, ${truth.expectedBans.length} expected bans, ${truth.innocents.length} innocents`);
  out.push('');
  out.push('| figure | value | target | |');
  out.push('|---|---:|---:|---|');
  out.push(`| wall time (s)${runs.length > 1 ? `, median of ${runs.length}` : ''} | ${fmt(med.wall, 3)} | | |`);
  out.push(`| CPU time user+sys (s) | ${med.haveTime ? `${fmt(cpu, 3)} (${fmt(med.user, 3)} + ${fmt(med.sys, 3)})` : 'n/a (no /usr/bin/time)'} | | |`);
  out.push(`| throughput (lines/s) | ${int(lps)} | ≥ ${int(TARGET_LPS)} | ${passFail(lps >= TARGET_LPS)} |`);
  out.push(`| peak RSS (MB) | ${med.haveTime ? fmt(rss, 1) : 'n/a (no /usr/bin/time)'} | ≤ ${TARGET_RSS_MB} | ${med.haveTime ? passFail(rss <= TARGET_RSS_MB) : 'n/a'} |`);
  out.push(`| throughput per CPU second (lines/s) | ${int(truth.lines / cpu)} | | |`);
  out.push('');
  out.push('| correctness check | expected | reported | |');
  out.push('|---|---:|---:|---|');
  for (const c of cmp.checks) out.push(`| ${c.name} | ${c.expected} | ${c.actual} | ${passFail(c.ok)} |`);
  out.push('');
  if (cmp.info.length > 0) {
    out.push('| information | value |');
    out.push('|---|---|');
    for (const [k, val] of cmp.info) out.push(`| ${k} | ${val} |`);
    out.push('');
  }
  if (cmp.details.length > 0) {
    out.push('<details><summary>first mismatches</summary>');
    out.push('');
    out.push('```');
    out.push(...cmp.details);
    out.push('```');
    out.push('</details>');
    out.push('');
  }
  return { text: out.join('\n'), perfOk: lps >= TARGET_LPS && (!med.haveTime || rss <= TARGET_RSS_MB) };
}

function main() {
  const o = options();
  const { log, truth } = ensureLog(o);
  if (!ensureCli(o.build)) {
    fail(`${path.relative(ROOT, CLI)} does not exist (even after building); the benchmark is ready, the CLI is not`);
  }
  if (!fs.existsSync(TIME)) process.stderr.write(`note: ${TIME} not found: reporting wall time only (no CPU seconds, no peak RSS)\n`);
  /** @type {Run[]} */
  const runs = [];
  for (let i = 0; i < o.runs; i++) {
    const r = runOnce(log, o.config ?? path.join(ROOT, 'bench/config/owner-policy.yaml'));
    if (r.status !== 0) {
      process.stderr.write(r.stderr.slice(0, 4000));
      fail(`sipwarden check exited with status ${r.status}`);
    }
    runs.push(r);
  }
  let json;
  try {
    json = JSON.parse(runs[0].stdout);
  } catch (e) {
    fail(`sipwarden check --json did not print one JSON object: ${/** @type {Error} */ (e).message}; output starts: ${runs[0].stdout.slice(0, 200)}`);
  }
  const cmp = compareReport(json, truth);
  const { text, perfOk } = report(o, log, truth, runs, cmp);
  fs.mkdirSync(path.join(BENCH, 'results'), { recursive: true });
  fs.writeFileSync(path.join(BENCH, 'results', 'check-throughput.md'), `${text}\n`);
  process.stdout.write(`${text}\nwritten to bench/results/check-throughput.md\n`);
  const correct = cmp.checks.every((c) => c.ok);
  process.exit(correct && (!o.strict || perfOk) ? 0 : 1);
}

main();
