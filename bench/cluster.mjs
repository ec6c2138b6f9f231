#!/usr/bin/env node
// @ts-check
/**
 * Many PBXs on one Redis: how fast a ban crosses the cluster, how many shared failures
 * the cluster takes, and what a shared ban costs Redis.
 *
 *   node bench/cluster.mjs [--nodes 20] [--bans 500] [--rates 2000,5000,10000,20000] [--seconds 5] [--build]
 *
 * Set-up: one redis-server (Debian's) on a free loopback port, no persistence, started
 * and killed (by its pid) here; --nodes processes, each a whole sipwarden daemon
 * (createDaemon from dist/, its own SQLite store and failed-auth log in a temp dir, a
 * dry-run firewall that notes when it is asked to ban, no log files, no dashboard) in
 * cluster mode, count shared, one group.
 *
 * 1. Propagation: --bans times, one after another, a node (round robin) gets two failed
 *    logins from a fresh address and bans it; the time from the first failure handed to
 *    its daemon to the ban reaching the firewall of each other node. Per ban, the slowest
 *    node is "enforced on every other node". p50/p99 over the bans (20 warm-up bans apart).
 *    Target: p99 ≤ 100 ms (CrowdSec's bouncers poll every 10 s).
 * 2. Redis memory per shared ban: MEMORY USAGE of the bans stream over its length.
 * 3. Shared-failure throughput: for each rate in --rates, every node makes failed logins
 *    at rate / nodes per second for --seconds (each from a fresh address: counted, never
 *    banned), and measures the lag of every other node's failure it takes (its time at the
 *    origin to its judgement here). A rate is sustained when every node took every other
 *    node's failures by 10 s after the end, with lag p99 ≤ 200 ms. Target: ≥ 20,000/s.
 *    With every node on one machine, this measures the machine: N nodes each judge every
 *    failure, so N × rate judgements share its cores.
 * 4. What one node takes alone: 100,000 failures of another node waiting in a stream,
 *    read by one fresh node with the others stopped (its own core): failures/s from its
 *    first to its last — what bounds the cluster's rate when each PBX has its own CPU.
 *
 * Prints a Markdown report (also bench/results/cluster.md) with the date and machine.
 * Exit 0 when the targets are met, 1 when not, 2 when the benchmark could not run.
 */
import { spawn, spawnSync, fork } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');
const DIST = path.join(ROOT, 'dist');
const TARGET_PROPAGATION_P99 = 100;
const TARGET_RATE = 20_000;
const TARGET_LAG_P99 = 200;
const HIST_MAX = 10_000;
const CAPACITY = 100_000;
/** Report requests sent so far (each with its own id). */
let gathered = 0;

const { values } = parseArgs({ options: {
  nodes: { type: 'string', default: '20' }, bans: { type: 'string', default: '500' }, rates: { type: 'string', default: '2000,5000,10000,20000' },
  seconds: { type: 'string', default: '5' }, build: { type: 'boolean', default: false },
  // Child mode: this process is one node.
  node: { type: 'string' }, group: { type: 'string' }, port: { type: 'string' }, dir: { type: 'string' },
} });

/** A high-resolution wall clock, the same in every process of this machine (ms). */
const clock = () => performance.timeOrigin + performance.now();

/** 32-bit number → dotted quad. */
const quad = (/** @type {number} */ n) => `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

if (values.node !== undefined) await node();
else process.exit(await main());

// ---------------------------------------------------------------- one node (child process)

/**
 * @typedef {{ cmd: 'ban', ip: string } | { cmd: 'flood', rate: number, ms: number, base: number } | { cmd: 'lag' } | { cmd: 'report', id: number } | { cmd: 'stop' }} Command
 * @typedef {{ ev: 'ready' } | { ev: 'origin', ip: string, t: number } | { ev: 'enforced', ip: string, t: number, node: string }
 *   | { ev: 'flooded', sent: number } | { ev: 'report', id: number, node: string, taken: number, hist: number[], span: number }} Event
 */

async function node() {
  const send = (/** @type {Event} */ e) => process.send?.(e);
  /** @type {typeof import('../src/daemon/create.js')} */
  const { createDaemon } = await import(pathToFileURL(path.join(DIST, 'daemon', 'create.js')).href);
  /** @type {typeof import('../src/config/index.js')} */
  const { defaultConfig } = await import(pathToFileURL(path.join(DIST, 'config', 'index.js')).href);
  /** @type {typeof import('../src/store/index.js')} */
  const { Store } = await import(pathToFileURL(path.join(DIST, 'store', 'index.js')).href);
  const { pino } = await import('pino');
  const name = /** @type {string} */ (values.node);
  const dir = /** @type {string} */ (values.dir);
  const d = defaultConfig({ fileExists: () => false });
  /** @type {import('../src/config/index.js').Config} */
  const config = {
    ...d,
    store: { ...d.store, path: path.join(dir, 'sipwarden.db') },
    failedAuthLog: { path: path.join(dir, 'failed-auth.log') },
    asterisk: { ...d.asterisk, logs: [], ami: null },
    cluster: { ...d.cluster, enabled: true, name, group: /** @type {string} */ (values.group), redis: { ...d.cluster.redis, host: '127.0.0.1', port: Number(values.port) } },
  };
  /** @type {import('../src/enforcers/index.js').Enforcer} */
  const enforcer = {
    name: 'dry-run', init: async () => undefined, reconcile: async () => undefined, close: async () => undefined,
    apply: async (ops) => {
      const t = clock();
      for (const o of ops) if (o.op === 'ban') send({ ev: 'enforced', ip: o.ip, t, node: name });
    },
  };
  const daemon = createDaemon({
    config, log: pino({ level: 'error' }), now: () => Date.now(), store: Store.open(config.store.path), hostAddresses: [], web: false,
    pbx: { accounts: () => undefined, ports: () => ({ ok: true, ports: [], notes: [] }) },
    enforcer: () => enforcer,
    sources: () => ({ start: () => undefined, drain: async () => undefined, close: () => undefined, cursors: () => [], followers: () => [], ami: () => null, health: () => ({ sources: [], ami: null }) }),
  });
  await daemon.start();
  // The lag of each other node's failure, when this node's runner takes it.
  let hist = new Array(HIST_MAX + 1).fill(0);
  let taken = 0;
  let first = 0;
  let latest = 0;
  const pipeline = daemon.pipeline;
  const remote = pipeline.remote.bind(pipeline);
  pipeline.remote = (m, publish) => {
    if (m.type === 'failure') {
      latest = clock();
      if (taken++ === 0) first = latest;
      hist[Math.min(HIST_MAX, Math.max(0, Math.round(Date.now() - m.at)))]++;
    }
    remote(m, publish);
  };
  let seq = 0;
  const fail = (/** @type {string} */ ip, /** @type {number} */ at) => daemon.handle({
    kind: 'auth_failed', at, service: 'PJSIP', ip: /** @type {import('../src/domain/ip.js').IpAddress} */ (ip), port: 5060, account: '100', session: `${name}-${++seq}`,
    signature: 'security-log', decoys: [], reason: 'wrong_password', detail: 'ChallengeResponseFailed', evidence: { source: 'bench', line: seq, text: 'bench' },
  });
  process.on('message', (/** @type {Command} */ c) => {
    if (c.cmd === 'ban') {
      send({ ev: 'origin', ip: c.ip, t: clock() });
      fail(c.ip, Date.now());
      fail(c.ip, Date.now());
    } else if (c.cmd === 'flood') {
      let sent = 0;
      const started = Date.now();
      const tick = setInterval(() => {
        const due = Math.min(Math.round(((Date.now() - started) / 1000) * c.rate), Math.round((c.ms / 1000) * c.rate));
        for (; sent < due; sent++) fail(quad(c.base + sent), Date.now());
        if (Date.now() - started >= c.ms) {
          clearInterval(tick);
          send({ ev: 'flooded', sent });
        }
      }, 10);
    } else if (c.cmd === 'lag') {
      hist = new Array(HIST_MAX + 1).fill(0);
      taken = 0;
      first = 0;
      latest = 0;
    } else if (c.cmd === 'report') {
      send({ ev: 'report', id: c.id, node: name, taken, hist, span: latest - first });
    } else if (c.cmd === 'stop') {
      void daemon.stop().finally(() => process.exit(0));
    }
  });
  send({ ev: 'ready' });
}

// ---------------------------------------------------------------- the benchmark (parent)

/** @returns {Promise<number>} the exit code */
async function main() {
  const N = Number(values.nodes);
  const BANS = Number(values.bans);
  const RATES = values.rates.split(',').map(Number).filter((n) => n > 0); // --rates 0: propagation and memory only
  const SECONDS = Number(values.seconds);
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    process.stderr.write('cluster: redis-server is missing (apt-get install redis-server, or scripts/setup --for-tests)\n');
    return 2;
  }
  if (values.build || !fs.existsSync(path.join(DIST, 'cluster', 'index.js'))) {
    process.stderr.write('building dist/ (npx tsc -p tsconfig.build.json)\n');
    spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-bench-cluster-'));
  const port = await freePort();
  const redisProc = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', tmp, '--daemonize', 'no', '--loglevel', 'warning'], { stdio: 'ignore' });
  /** @type {import('node:child_process').ChildProcess[]} */
  const children = [];
  const cleanup = () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    if (redisProc.exitCode === null) redisProc.kill('SIGKILL');
  };
  process.on('exit', cleanup);
  const hardStop = setTimeout(() => {
    process.stderr.write('cluster: still running after 15 minutes; stopped\n');
    cleanup();
    process.exit(2);
  }, 15 * 60_000);
  hardStop.unref();
  try {
    await accepting(port);
    const { Redis } = await import('ioredis');
    const redis = new Redis(port, '127.0.0.1');
    const group = `bench${process.pid}`;
    const version = String(await redis.call('INFO', 'server')).match(/redis_version:(\S+)/)?.[1] ?? '?';
    const memBefore = await usedMemory(redis);

    /** @type {Array<(e: Event) => void>} */
    const listeners = [];
    const startedAt = Date.now();
    for (let i = 0; i < N; i++) {
      const dir = path.join(tmp, `node${i}`);
      fs.mkdirSync(dir);
      const c = fork(fileURLToPath(import.meta.url), ['--node', `pbx${i}`, '--group', group, '--port', String(port), '--dir', dir], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      c.on('message', (/** @type {Event} */ e) => { for (const l of [...listeners]) l(e); });
      children.push(c);
    }
    await collect(listeners, (e) => e.ev === 'ready', N, 300_000, 'nodes ready');
    process.stderr.write(`cluster: ${N} nodes up in ${Date.now() - startedAt} ms\n`);
    await new Promise((r) => setTimeout(r, 1000)); // every reader's first blocking read is out

    // 1. Propagation.
    const slowest = [];
    /** @type {number[]} */
    const each = [];
    let lost = 0;
    const WARMUP = 20;
    for (let i = 0; i < BANS + WARMUP; i++) {
      const ip = quad(0x0c000000 + (i + 1) * 256 + 1); // 12.x.y.1: external, one address (and one /24) per ban
      const origin = children[i % N];
      /** @type {number | null} */
      let t0 = null;
      /** @type {number[]} */
      const times = [];
      const done = collect(listeners, (e) => {
        if (e.ev === 'origin' && e.ip === ip) t0 = e.t;
        if (e.ev === 'enforced' && e.ip === ip && e.node !== `pbx${i % N}`) times.push(e.t);
        return e.ev === 'enforced' && e.ip === ip && e.node !== `pbx${i % N}`;
      }, N - 1, 3000, null);
      origin?.send(/** @type {Command} */ ({ cmd: 'ban', ip }));
      const ok = await done;
      if (i < WARMUP) continue;
      if (!ok || t0 === null) {
        lost++;
        continue;
      }
      const start = /** @type {number} */ (t0);
      slowest.push(Math.max(...times) - start);
      each.push(...times.map((t) => t - start));
    }

    process.stderr.write(`cluster: propagation over ${slowest.length} bans: p50 ${percentile(slowest, 50).toFixed(1)} ms, p99 ${percentile(slowest, 99).toFixed(1)} ms, ${lost} not everywhere within 3 s\n`);

    // 2. Memory per shared ban.
    const bansLen = Number(await redis.call('XLEN', `${group}:bans`));
    const bansBytes = Number(await redis.call('MEMORY', 'USAGE', `${group}:bans`, 'SAMPLES', '0'));

    // 3. Throughput.
    const runs = [];
    let base = 0x0d000000; // 13.0.0.0 on: fresh addresses
    for (const rate of RATES) {
      for (const c of children) c.send(/** @type {Command} */ ({ cmd: 'lag' }));
      await new Promise((r) => setTimeout(r, 200));
      const perNode = rate / N;
      const flooded = collect(listeners, (e) => e.ev === 'flooded', N, SECONDS * 1000 + 30_000, 'flood');
      const sentBy = /** @type {number[]} */ ([]);
      const l = (/** @type {Event} */ e) => { if (e.ev === 'flooded') sentBy.push(e.sent); };
      listeners.push(l);
      const cpu0 = await redisCpu(redis);
      const t0 = Date.now();
      children.forEach((c, i) => {
        c.send(/** @type {Command} */ ({ cmd: 'flood', rate: perNode, ms: SECONDS * 1000, base: base + i * 0x100000 }));
      });
      await flooded;
      const sendMs = Date.now() - t0;
      listeners.splice(listeners.indexOf(l), 1);
      base += N * 0x100000;
      const sent = sentBy.reduce((a, b) => a + b, 0);
      // Each node should take every other node's failures: wait (bounded) until they did.
      const want = sent * (N - 1);
      /** @type {Array<{ taken: number, hist: number[], span: number }>} */
      let reports = [];
      const last = new Map();
      const deadline = Date.now() + 10_000;
      for (let i = 0; i < 100; i++) {
        reports = await gather(children, listeners, last);
        if (reports.reduce((a, r) => a + r.taken, 0) >= want || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const drainMs = Date.now() - t0 - sendMs;
      // Redis's CPU per entry it delivered (each of the `sent` entries goes to every node's reader), XADDs included.
      const cpuUs = Math.round(((await redisCpu(redis)) - cpu0) * 1e6 / Math.max(1, sent * N) * 10) / 10;
      const hist = new Array(HIST_MAX + 1).fill(0);
      for (const r of reports) {
        for (let i = 0; i < r.hist.length; i++) hist[i] += r.hist[i];
      }
      const taken = reports.reduce((a, r) => a + r.taken, 0);
      runs.push({ rate, achieved: Math.round(sent / (sendMs / 1000)), sent, taken, want, drainMs, p50: histPct(hist, 50), p99: histPct(hist, 99), max: histMax(hist), cpuUs });
      process.stderr.write(`cluster: ${rate}/s → ${JSON.stringify(runs.at(-1))}\n`);
    }
    const failuresLen = Number(await redis.call('XLEN', `${group}:failures`));
    const failuresBytes = Number(await redis.call('MEMORY', 'USAGE', `${group}:failures`, 'SAMPLES', '0'));
    const memAfter = await usedMemory(redis);

    for (const c of children) c.send(/** @type {Command} */ ({ cmd: 'stop' }));
    await Promise.all(children.map((c) => new Promise((r) => { if (c.exitCode !== null) r(null); else c.once('exit', r); setTimeout(r, 10_000); })));

    // 4. What one node takes: CAPACITY failures of another node waiting in a stream, read by one fresh node alone.
    const capacity = await oneNode(redis, port, tmp, listeners, children);
    process.stderr.write(`cluster: one node takes ${capacity} shared failures/s\n`);
    redis.disconnect();
    return report({ N, BANS, lost, slowest, each, bansLen, bansBytes, failuresLen, failuresBytes, memBefore, memAfter, runs, version, SECONDS, capacity });
  } catch (e) {
    process.stderr.write(`cluster: ${/** @type {Error} */ (e).message}\n`);
    return 2;
  } finally {
    cleanup();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * @typedef {{ rate: number, achieved: number, sent: number, taken: number, want: number, drainMs: number, p50: number, p99: number, max: number, cpuUs: number }} Run
 * @param {{ N: number, BANS: number, lost: number, slowest: number[], each: number[], bansLen: number, bansBytes: number, failuresLen: number, failuresBytes: number,
 *   memBefore: number, memAfter: number, runs: Run[], version: string, SECONDS: number, capacity: number }} r
 */
function report(r) {
  const p = (/** @type {number[]} */ xs, /** @type {number} */ q) => percentile(xs, q).toFixed(1);
  const propP99 = percentile(r.slowest, 99);
  const propOk = r.lost === 0 && propP99 <= TARGET_PROPAGATION_P99;
  const sustained = r.runs.filter((x) => x.taken >= x.want && x.p99 <= TARGET_LAG_P99);
  const best = sustained.length ? Math.max(...sustained.map((x) => x.achieved)) : 0;
  const rateOk = best >= TARGET_RATE;
  const cpu = os.cpus();
  const lines = [
    `# Cluster: ${r.N} PBXs on one Redis`,
    '',
    `${new Date().toISOString().slice(0, 10)}; ${cpu.length} × ${cpu[0]?.model.trim() ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; Node ${process.version}; Redis ${r.version}; ` +
      `${r.N} node processes (sipwarden daemons, own SQLite stores, dry-run firewall) and redis-server on this machine; load before ${os.loadavg()[0].toFixed(2)}.`,
    '',
    '| figure | result | target | |',
    '|---|---|---|---|',
    `| ban → enforced on every other node, p50 / p99 / max (${r.slowest.length} bans) | ${p(r.slowest, 50)} / ${p(r.slowest, 99)} / ${p(r.slowest, 100)} ms | p99 ≤ ${TARGET_PROPAGATION_P99} ms | ${propOk ? 'met' : 'NOT met'} |`,
    `| ban → enforced on one other node, p50 / p99 (${r.each.length} node-bans) | ${p(r.each, 50)} / ${p(r.each, 99)} ms | | |`,
    `| bans not enforced everywhere within 3 s | ${r.lost} | 0 | |`,
    `| shared-failure throughput sustained (lag p99 ≤ ${TARGET_LAG_P99} ms, every node takes every failure) | ${best.toLocaleString('en-US')} /s | ≥ ${TARGET_RATE.toLocaleString('en-US')} /s | ${rateOk ? 'met' : 'NOT met'} |`,
    `| shared failures one node takes, alone (${CAPACITY.toLocaleString('en-US')} waiting in the stream) | ${r.capacity.toLocaleString('en-US')} /s | | |`,
    `| Redis memory per shared ban (bans stream) | ${r.bansLen ? Math.round(r.bansBytes / r.bansLen) : '-'} bytes (${r.bansLen} entries, ${r.bansBytes} bytes) | | |`,
    `| Redis memory per shared failure (failures stream) | ${r.failuresLen ? Math.round(r.failuresBytes / r.failuresLen) : '-'} bytes (${r.failuresLen} entries) | | |`,
    `| Redis used_memory before / after | ${(r.memBefore / 2 ** 20).toFixed(1)} / ${(r.memAfter / 2 ** 20).toFixed(1)} MiB | | |`,
    '',
    `Throughput runs (${r.SECONDS} s each; lag: a failure's time at its origin to its judgement on another node):`,
    '',
    '| offered /s | injected /s | taken by the other nodes | lag p50 / p99 / max | drained after the end | Redis CPU per delivered entry |',
    '|---|---|---|---|---|---|',
    ...r.runs.map((x) => `| ${x.rate.toLocaleString('en-US')} | ${x.achieved.toLocaleString('en-US')} | ${x.taken.toLocaleString('en-US')} of ${x.want.toLocaleString('en-US')} | ${x.p50} / ${x.p99} / ${x.max} ms | ${x.drainMs} ms | ${x.cpuUs} µs |`),
    '',
  ];
  const text = lines.join('\n');
  process.stdout.write(`${text}\n`);
  fs.mkdirSync(path.join(BENCH, 'results'), { recursive: true });
  fs.writeFileSync(path.join(BENCH, 'results', 'cluster.md'), text);
  return propOk && rateOk ? 0 : 1;
}

/**
 * One fresh node in a group of its own whose failures stream holds CAPACITY failures of
 * another node (one address each): how many per second it takes, from its start to the last.
 * @param {import('ioredis').Redis} redis @param {number} port @param {string} tmp
 * @param {Array<(e: Event) => void>} listeners @param {import('node:child_process').ChildProcess[]} children
 * @returns {Promise<number>}
 */
async function oneNode(redis, port, tmp, listeners, children) {
  const group = `cap${process.pid}`;
  const at = String(Date.now());
  for (let i = 0; i < CAPACITY; i += 1000) {
    const p = redis.pipeline();
    for (let j = i; j < i + 1000; j++) {
      p.call('XADD', `${group}:failures`, '*', 'v', '1', 'o', 'feeder', 'e', `f.${j}`, 'at', at, 'k', 'f', 'ip', quad(0x0e000000 + j), 'r', 'wrong_password', 's', 'PJSIP', 'a', '100');
    }
    await p.exec();
  }
  const dir = path.join(tmp, 'capacity');
  fs.mkdirSync(dir);
  const c = fork(fileURLToPath(import.meta.url), ['--node', 'alone', '--group', group, '--port', String(port), '--dir', dir], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  c.on('message', (/** @type {Event} */ e) => { for (const l of [...listeners]) l(e); });
  children.push(c);
  await collect(listeners, (e) => e.ev === 'ready', 1, 120_000, 'the capacity node ready');
  const last = new Map();
  let r = { taken: 0, span: 0 };
  for (let i = 0; i < 600 && r.taken < CAPACITY; i++) {
    await new Promise((res) => setTimeout(res, 100));
    r = (await gather([c], listeners, last))[0] ?? r;
  }
  c.send(/** @type {Command} */ ({ cmd: 'stop' }));
  // From the first failure it took to the last: what its runner keeps up with on its own core.
  return r.taken >= CAPACITY && r.span > 0 ? Math.round((r.taken - 1) / (r.span / 1000)) : 0;
}

/**
 * Resolves true once `n` events matched `pred`, false after `ms` (or rejects with `what` when given).
 * @param {Array<(e: Event) => void>} listeners @param {(e: Event) => boolean} pred @param {number} n @param {number} ms @param {string | null} what
 * @returns {Promise<boolean>}
 */
function collect(listeners, pred, n, ms, what) {
  return new Promise((resolve, reject) => {
    let seen = 0;
    const l = (/** @type {Event} */ e) => {
      if (pred(e) && ++seen >= n) finish(true);
    };
    const timer = setTimeout(() => (what ? reject(new Error(`${what}: ${seen} of ${n} within ${ms} ms`)) : finish(false)), ms);
    const finish = (/** @type {boolean} */ ok) => {
      clearTimeout(timer);
      const i = listeners.indexOf(l);
      if (i >= 0) listeners.splice(i, 1);
      resolve(ok);
    };
    listeners.push(l);
  });
}

/**
 * Every node's counters and lag histogram, as each answers within 30 s (a node busy
 * with a backlog answers late: its last answer stands).
 * @param {import('node:child_process').ChildProcess[]} children @param {Array<(e: Event) => void>} listeners
 * @param {Map<string, { taken: number, hist: number[], span: number }>} last
 * @returns {Promise<Array<{ taken: number, hist: number[], span: number }>>}
 */
async function gather(children, listeners, last) {
  const id = ++gathered;
  const done = collect(listeners, (e) => {
    if (e.ev === 'report' && e.id === id) last.set(e.node, { taken: e.taken, hist: e.hist, span: e.span });
    return e.ev === 'report' && e.id === id;
  }, children.length, 30_000, null);
  for (const c of children) c.send(/** @type {Command} */ ({ cmd: 'report', id }));
  await done;
  return [...last.values()];
}

/** @param {number[]} xs @param {number} q */
function percentile(xs, q) {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((q / 100) * s.length) - 1))];
}

/** @param {number[]} hist @param {number} q */
function histPct(hist, q) {
  const total = hist.reduce((a, b) => a + b, 0);
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i];
    if (seen >= (q / 100) * total && total > 0) return i;
  }
  return Number.NaN;
}

/** @param {number[]} hist */
function histMax(hist) {
  for (let i = hist.length - 1; i >= 0; i--) if (hist[i] > 0) return i;
  return Number.NaN;
}

/** Redis's CPU seconds so far (user + system). @param {import('ioredis').Redis} redis */
async function redisCpu(redis) {
  const info = String(await redis.call('INFO', 'cpu'));
  return Number(info.match(/used_cpu_user:([\d.]+)/)?.[1] ?? 0) + Number(info.match(/used_cpu_sys:([\d.]+)/)?.[1] ?? 0);
}

/** @param {import('ioredis').Redis} redis */
async function usedMemory(redis) {
  return Number(String(await redis.call('INFO', 'memory')).match(/used_memory:(\d+)/)?.[1] ?? 0);
}

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = /** @type {import('node:net').AddressInfo} */ (s.address());
      s.close(() => resolve(a.port));
    });
  });
}

/** Resolves once redis-server accepts connections (at most 5 s). @param {number} port */
async function accepting(port) {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.once('connect', () => { c.destroy(); resolve(true); });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server did not listen on 127.0.0.1:${port}`);
}
