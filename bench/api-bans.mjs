#!/usr/bin/env node
// @ts-check
/**
 * How fast the API answers the dashboard with a big store, and how heavy the dashboard is.
 *
 *   node bench/api-bans.mjs [--bans 1000000] [--failures 10000000] [--requests 300] [--seed 42] [--regen] [--build]
 *
 * 1. Builds dist/ (and web/dist) if missing (or with --build).
 * 2. Creates (once, then cached in bench/data/) a store with --bans bans and --failures
 *    failures (bench/lib/api-fill.mjs), and reports how long the fill took.
 * 3. Starts the real API server (dist/api) over a copy-free read of that store on
 *    127.0.0.1, logs in, and times --requests requests of each query over HTTP
 *    (keep-alive; after 20 warm-up requests): the bans list (what the Blocked page
 *    loads: active bans, and all bans with history), a search by a typical extension
 *    (104) and by the most-tried account name (100), plus the overview's stats and the
 *    failures page's first load for information. Prints p50/p95/p99/max.
 * 4. Measures the dashboard's first load: index.html plus the scripts, styles and icon
 *    it references, gzip and brotli (the server sends the pre-compressed files).
 * Writes the Markdown report to bench/results/api-bans.md. Targets: p99 ≤ 50 ms for the
 * bans list and the search by account; first load ≤ 300 KB compressed.
 * Exit 0 when the targets are met, 1 when not, 2 when the benchmark could not run.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { fillStore } from './lib/api-fill.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');
const DIST = path.join(ROOT, 'dist');
const WEB = path.join(ROOT, 'web', 'dist');
const NOW = Date.UTC(2026, 10, 24, 19, 30);
const TARGET_P99_MS = 50;
const TARGET_FIRST_LOAD = 300 * 1024;
const PASSWORD = 'benchmark password';

/** @param {string} msg  @returns {never} */
function fail(msg, code = 2) {
  process.stderr.write(`api-bans: ${msg}\n`);
  process.exit(code);
}
const log = (/** @type {string} */ msg) => process.stderr.write(`api-bans: ${msg}\n`);

function options() {
  let v;
  try {
    v = parseArgs({
      options: {
        bans: { type: 'string', default: '1000000' },
        failures: { type: 'string', default: '10000000' },
        requests: { type: 'string', default: '300' },
        seed: { type: 'string', default: '42' },
        regen: { type: 'boolean', default: false },
        build: { type: 'boolean', default: false },
      },
    }).values;
  } catch (e) {
    fail(/** @type {Error} */ (e).message);
  }
  const n = (/** @type {'bans' | 'failures' | 'requests' | 'seed'} */ k, /** @type {number} */ lo, /** @type {number} */ hi) => {
    const x = Number(v[k]);
    if (!Number.isInteger(x) || x < lo || x > hi) fail(`--${k} must be a whole number from ${lo} to ${hi}`);
    return x;
  };
  return { bans: n('bans', 1, 5_000_000), failures: n('failures', 0, 50_000_000), requests: n('requests', 10, 10_000), seed: n('seed', 0, 2 ** 31), regen: v.regen, build: v.build };
}

/** @typedef {ReturnType<typeof options>} Options */

/** @param {boolean} force */
function build(force) {
  if (force || !fs.existsSync(path.join(DIST, 'api', 'index.js'))) {
    log('building dist/');
    const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit', timeout: 300_000 });
    if (r.status !== 0) fail('tsc failed');
  }
  if (force || !fs.existsSync(path.join(WEB, 'index.html'))) {
    log('building web/dist');
    const r = spawnSync('npx', ['vite', 'build', 'web', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit', timeout: 300_000 });
    if (r.status !== 0) fail('vite build failed');
  }
}

/**
 * The cached store for these parameters (the name changes when the filler's code changes).
 * @param {Options} o
 * @param {typeof import('../src/store/index.js').Store} Store the real store, from dist/
 * @returns {Promise<{ file: string, fill: Fill & { cached: boolean } }>}
 */
async function store(o, Store) {
  const hash = crypto.createHash('sha256').update(fs.readFileSync(path.join(BENCH, 'lib', 'api-fill.mjs'))).digest('hex').slice(0, 8);
  const file = path.join(BENCH, 'data', `api-${o.bans}b-${o.failures}f-s${o.seed}-${hash}.db`);
  const meta = `${file}.json`;
  if (!o.regen && fs.existsSync(file) && fs.existsSync(meta)) return { file, fill: { ...JSON.parse(fs.readFileSync(meta, 'utf8')), cached: true } };
  for (const f of [file, `${file}-wal`, `${file}-shm`, meta]) fs.rmSync(f, { force: true });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  Store.open(file).close(); // schema by the real store
  log(`filling ${file}`);
  let last = 0;
  const fill = fillStore(file, {
    bans: o.bans, failures: o.failures, seed: o.seed, now: NOW,
    progress: (what, done, total) => {
      if (Date.now() - last > 5000 || done === total) {
        last = Date.now();
        log(`  ${what}${total ? ` ${done.toLocaleString('en')}/${total.toLocaleString('en')}` : ''}`);
      }
    },
  });
  /** @type {Fill} */
  const filled = { ...fill, bytes: fs.statSync(file).size };
  fs.writeFileSync(meta, JSON.stringify(filled));
  return { file, fill: { ...filled, cached: false } };
}

/** @typedef {ReturnType<typeof fillStore> & { bytes: number }} Fill the fill's counts and timings, and the store's size */

/** @param {number[]} ms */
function percentiles(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (/** @type {number} */ p) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  return { p50: at(50), p95: at(95), p99: at(99), max: s[s.length - 1] };
}

/**
 * @param {string} base  @param {string} cookie  @param {Array<{ name: string, url: string, target: boolean }>} queries
 * @param {number} n requests per query
 */
async function timeQueries(base, cookie, queries, n) {
  const out = [];
  for (const q of queries) {
    /** @type {number[]} */
    const times = [];
    /** @type {string | null} */
    let total = null;
    for (let i = 0; i < n + 20; i++) {
      const t = process.hrtime.bigint();
      const res = await fetch(`${base}${q.url}`, { headers: { cookie } });
      const body = /** @type {{ total?: number, exact?: boolean }} */ (await res.json());
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (res.status !== 200) fail(`${q.url}: HTTP ${res.status} ${JSON.stringify(body)}`);
      if (i >= 20) times.push(ms);
      total = body.total === undefined ? null : `${body.exact === false ? '≥ ' : ''}${body.total}`;
    }
    out.push({ ...q, total, ...percentiles(times) });
    log(`  ${q.name}: p50 ${percentiles(times).p50.toFixed(1)} ms, p99 ${percentiles(times).p99.toFixed(1)} ms`);
  }
  return out;
}

/** index.html and the assets it references, raw / gzip / brotli bytes. */
function firstLoad() {
  const html = fs.readFileSync(path.join(WEB, 'index.html'), 'utf8');
  const refs = ['index.html', ...[...html.matchAll(/(?:src|href)="\/([^"]+)"/g)].map((m) => m[1])];
  const size = (/** @type {string} */ f) => (fs.existsSync(f) ? fs.statSync(f).size : null);
  const files = refs.map((r) => {
    const f = path.join(WEB, r);
    return { file: r, raw: size(f), gz: size(`${f}.gz`) ?? size(f), br: size(`${f}.br`) ?? size(f) };
  });
  const sum = (/** @type {'raw' | 'gz' | 'br'} */ k) => files.reduce((a, x) => a + (x[k] ?? 0), 0);
  return { files, raw: sum('raw'), gz: sum('gz'), br: sum('br') };
}

async function main() {
  const o = options();
  build(o.build);
  // The built modules, typed by their sources: a change of the API this benchmark drives fails `npm run typecheck`.
  /** @type {typeof import('../src/api/index.js')} */
  const api = await import(pathToFileURL(path.join(DIST, 'api', 'index.js')).href);
  /** @type {typeof import('../src/store/index.js')} */
  const { Store } = await import(pathToFileURL(path.join(DIST, 'store', 'index.js')).href);
  /** @type {typeof import('../src/config/index.js')} */
  const { defaultConfig } = await import(pathToFileURL(path.join(DIST, 'config', 'index.js')).href);
  const { file, fill } = await store(o, Store);

  const s = Store.open(file);
  await api.setAdminPassword(s, PASSWORD);
  const started = Date.now();
  const now = () => NOW + (Date.now() - started);
  const { policy, alerts } = defaultConfig();
  const controls = new api.SettingsControls({
    protection: 'on', tiers: policy.tiers, networks: { internal: [], trusted: [], trustedNames: [] }, subnets: policy.subnets,
    accounts: { roaming: [], extensionsInternalOnly: false }, alerts,
  }, () => undefined);
  const read = api.openReadModel(file, { memoMs: 0 });
  const bus = new api.FailureBus();
  const app = await api.startApiServer({
    store: s, now, controls, zoneOf: controls.zoneOf,
    health: () => ({ sources: [], ami: null, firewall: { backend: 'dry-run' } }),
    metrics: () => ({}), stats: (t) => read.stats(t), searchBans: read.searchBans, onFailure: bus.subscribe, onLoginFailure: () => undefined,
  }, { listen: { host: '127.0.0.1', port: 0 }, webRoot: WEB });
  const base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (app.server.address()).port}`;
  const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
  if (login.status !== 200) fail(`login failed: ${login.status}`);
  const cookie = (login.headers.get('set-cookie') ?? fail('login set no cookie')).split(';')[0];

  const sample = await (await fetch(`${base}/api/bans?state=all&limit=1&offset=${Math.min(o.bans - 1, 12_345)}`, { headers: { cookie } })).json();
  const someIp = sample.rows[0].ip;
  const loadBefore = os.loadavg()[0];
  log(`timing ${o.requests} requests per query on ${base}`);
  const targeted = await timeQueries(base, cookie, [
    { name: 'bans list, blocked now (Blocked page)', url: '/api/bans?state=active&limit=50', target: true },
    { name: 'bans list, all with history', url: '/api/bans?state=all&limit=50', target: true },
    { name: 'search by account 104, blocked now', url: '/api/bans?q=104&state=active&limit=50', target: true },
    { name: 'search by account 104, all', url: '/api/bans?q=104&state=all&limit=50', target: true },
    { name: 'search by account 100 (most tried), all', url: '/api/bans?q=100&state=all&limit=50', target: true },
    { name: `search by address (${someIp})`, url: `/api/bans?q=${encodeURIComponent(someIp)}&state=all`, target: true },
  ], o.requests);
  const info = await timeQueries(base, cookie, [
    { name: 'failures, last 24 h (Failed attempts page)', url: `/api/failures?from=${NOW - 86_400_000}&limit=100`, target: false },
    { name: 'failures of account 104, last 24 h', url: `/api/failures?account=104&from=${NOW - 86_400_000}&limit=100`, target: false },
  ], Math.min(o.requests, 50));
  // The statistics' first build runs in the background in short steps: how long in all, and the longest block of the event loop.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const t = process.hrtime.bigint();
  await read.warmUp(now);
  const warmMs = Number(process.hrtime.bigint() - t) / 1e6;
  loop.disable();
  const warmBlockMs = loop.max / 1e6;
  log(`  stats warm-up: ${(warmMs / 1000).toFixed(1)} s, longest event-loop block ${warmBlockMs.toFixed(1)} ms`);
  const statsWarm = (await timeQueries(base, cookie, [{ name: 'stats (overview), after the warm-up', url: '/api/stats', target: false }], 50))[0];
  await app.close();
  read.close();
  s.close();

  const loadAfter = os.loadavg()[0];
  const fl = firstLoad();
  const okQueries = targeted.every((q) => q.p99 <= TARGET_P99_MS);
  const okSize = fl.br <= TARGET_FIRST_LOAD && fl.gz <= TARGET_FIRST_LOAD;
  const ms = (/** @type {number} */ x) => x.toFixed(1);
  const kb = (/** @type {number} */ b) => `${(b / 1024).toFixed(1)} KB`;
  const cpu = os.cpus();
  const lines = [
    '# API benchmark: bans list and search with a big store',
    '',
    `Command: \`node bench/api-bans.mjs --bans ${o.bans} --failures ${o.failures} --requests ${o.requests}\``,
    `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, Node ${process.version}; load average ${loadBefore.toFixed(1)} before the timings, ${loadAfter.toFixed(1)} after (other work on the machine shows in p95/p99)`,
    `Store: ${o.bans.toLocaleString('en')} bans (${fill.activeBans.toLocaleString('en')} active), ${o.failures.toLocaleString('en')} failures, ${(fill.bytes / 2 ** 20).toFixed(0)} MB on disk` +
      `; filled in ${fill.bansSeconds.toFixed(0)} s (bans) + ${fill.failuresSeconds.toFixed(0)} s (failures) + ${fill.indexSeconds.toFixed(0)} s (indexes)${fill.cached ? ' (cached from an earlier run)' : ''}`,
    '',
    `HTTP on 127.0.0.1, keep-alive, one client, ${o.requests} requests per query after 20 warm-up requests; times include JSON encoding and decoding. Pages of 50 bans (100 failures). "≥ n": the API counts up to a cap and says the total is at least n.`,
    '',
    '| query | matches | p50 ms | p95 ms | p99 ms | max ms | target p99 ≤ 50 ms |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...targeted.map((q) => `| ${q.name} | ${q.total ?? ''} | ${ms(q.p50)} | ${ms(q.p95)} | ${ms(q.p99)} | ${ms(q.max)} | ${q.p99 <= TARGET_P99_MS ? 'met' : '**not met**'} |`),
    ...info.map((q) => `| ${q.name} | ${q.total ?? ''} | ${ms(q.p50)} | ${ms(q.p95)} | ${ms(q.p99)} | ${ms(q.max)} | (information) |`),
    `| stats warm-up (first build, in the background at start): ${(warmMs / 1000).toFixed(1)} s in all; longest event-loop block | | | | | ${ms(warmBlockMs)} | (information) |`,
    `| ${statsWarm.name} | | ${ms(statsWarm.p50)} | ${ms(statsWarm.p95)} | ${ms(statsWarm.p99)} | ${ms(statsWarm.max)} | (information) |`,
    '',
    `Dashboard first load (index.html and what it references): ${kb(fl.raw)} raw, **${kb(fl.gz)} gzip**, **${kb(fl.br)} brotli** — target ≤ 300 KB: ${okSize ? 'met' : '**not met**'}.`,
    '',
    '| file | raw | gzip | brotli |',
    '|---|---:|---:|---:|',
    ...fl.files.map((f) => `| ${f.file} | ${kb(f.raw ?? 0)} | ${kb(f.gz ?? 0)} | ${kb(f.br ?? 0)} |`),
    '',
  ];
  const report = lines.join('\n');
  process.stdout.write(`${report}\n`);
  fs.mkdirSync(path.join(BENCH, 'results'), { recursive: true });
  fs.writeFileSync(path.join(BENCH, 'results', 'api-bans.md'), report);
  process.exit(okQueries && okSize ? 0 : 1);
}

main().catch((e) => fail(e.stack ?? String(e)));
