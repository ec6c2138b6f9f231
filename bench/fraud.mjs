#!/usr/bin/env node
// @ts-check
/**
 * The toll-fraud guard, live: how fast a fraudulent call is hung up, how much of a real
 * burst gets through, and how many AMI events per second the parser and the guard take.
 * Loopback only (no root): the PBX simulator (build/sim) with a trunk to a UDP "ITSP" in
 * this process, `sipwarden run` (dist/, firewall dry-run) as a child process reading the
 * simulator's AMI.
 *
 *   node bench/fraud.mjs [--calls 250] [--warmup 10] [--parallel 4] [--loops 300] [--raw FILE]
 *
 * 1. Hang-up latency: `--calls` accounts each place one authenticated call to +882 (a
 *    high-risk destination: hang up at DialBegin) through the simulator; the ITSP rings
 *    and never answers. Measured per call, on the simulator's clock: from the moment the
 *    AMI writes the call's DialBegin to the moment the Hangup action for its channel
 *    arrives. The first `--warmup` calls (10) are reported apart. Target p99 ≤ 100 ms.
 * 2. The captured burst at its real pace: extension 100's 15 calls of
 *    test/fixtures/asterisk-20-calls (start times from ami-events.timestamped.txt, hold
 *    times from tools-used/burst-100.csv) placed again, the ITSP answering at once as the
 *    captured run's sipp UAS did. Reported: the calls the ITSP answered (target ≤ 2), the
 *    fraudulent talk time, the calls the PBX refused once 100 was suspended in AstDB.
 * 3. Throughput: the captured stream (1,734 frames, 63 % VarSet) replayed `--loops` times
 *    through the daemon's AMI path — parseCallFrame, parseAmiFrame, the fraud decider —
 *    in this process, one core. Target ≥ 200,000 events/s.
 * Prints a Markdown table and writes bench/results/fraud.md. Exit 0 when the targets are
 * met, 1 when not, 2 when the benchmark could not run.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CLI, ensureBuilt, ROOT } from './lib/sipwarden.mjs';

const { values } = parseArgs({ options: {
  calls: { type: 'string', default: '250' }, parallel: { type: 'string', default: '4' }, loops: { type: 'string', default: '300' }, raw: { type: 'string' },
  warmup: { type: 'string', default: '10' },
} });
const WARMUP = Number(values.warmup);
const CALLS = Number(values.calls);
const PARALLEL = Number(values.parallel);
const LOOPS = Number(values.loops);
const FIXTURE = path.join(ROOT, 'test/fixtures/asterisk-20-calls');
const TARGET_P99_MS = 100;
const TARGET_ANSWERED = 2;
const TARGET_EPS = 200_000;

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
/** @param {number[]} xs sorted  @param {number} p */
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? Number.NaN;

/** @param {string} file */
const sim = async (file) => import(pathToFileURL(path.join(ROOT, 'build/sim', file)).href);

/** A free TCP port on 127.0.0.1 (for the daemon's dashboard, which no one uses here). */
async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', () => r(undefined)));
  const port = /** @type {net.AddressInfo} */ (s.address()).port;
  await new Promise((r) => s.close(() => r(undefined)));
  return port;
}

/** Extension 100's burst as captured: offset from its first call (ms), the number, the hold time (ms). */
function capturedBurst() {
  const lines = fs.readFileSync(path.join(FIXTURE, 'ami-events.timestamped.txt'), 'utf8').split(/\r?\n/);
  /** @type {number[]} */
  const starts = [];
  let recv = 0;
  for (let i = 0; i < lines.length; i++) {
    const m = /^### recv (\S+)/.exec(lines[i]);
    if (m) recv = Date.parse(m[1]);
    else if (lines[i] === 'Event: Newchannel' && /^Channel: PJSIP\/100-/.test(lines[i + 2] ?? '')) starts.push(recv);
  }
  const holds = fs.readFileSync(path.join(FIXTURE, 'tools-used/burst-100.csv'), 'utf8').split(/\r?\n/).slice(1).filter(Boolean).map((l) => l.split(';'));
  if (starts.length !== holds.length) throw new Error(`burst: ${starts.length} calls in the capture, ${holds.length} in burst-100.csv`);
  return holds.map(([number, hold], i) => ({ at: starts[i] - starts[0], number, holdMs: Number(hold) }));
}

async function main() {
  ensureBuilt();
  /** @type {typeof import('../sim/index.js')} */
  const { startPbx } = await sim('index.js');
  /** @type {typeof import('../sim/call-testkit.js')} */
  const { placeCall, TestItsp } = await sim('call-testkit.js');
  /** @type {typeof import('../sim/testkit.js')} */
  const { UdpSipClient } = await sim('testkit.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-fraud-bench-'));
  const burst = capturedBurst();
  const accounts = [{ name: '100', secret: 'pw-100' }, ...Array.from({ length: CALLS }, (_, i) => ({ name: String(2000 + i), secret: `pw-${2000 + i}` }))];
  const itsp = await TestItsp.open((n) => (n.startsWith('0118829') ? 'noanswer' : 'answer'));
  /** @type {Map<string, number>} DialBegin written, by caller channel */
  const begun = new Map();
  /** @type {Map<string, number>} */
  const hungUp = new Map();
  /** @type {number[]} */
  const dbPuts = [];
  const pbx = await startPbx({
    sip: { host: '127.0.0.1', tcp: false }, accounts,
    ami: { host: '127.0.0.1', users: [{ username: 'sipwarden', secret: 'bench-ami', read: 'security,system,call,cdr', write: 'system,call' }] },
    logs: { messages: path.join(dir, 'messages'), security: path.join(dir, 'security') },
    calls: { trunk: { name: 'itsp', host: '127.0.0.1', port: itsp.port }, dialTimeoutMs: 10_000 },
    amiObserver: {
      written: (frames) => {
        const t = performance.now();
        for (const f of frames) if (f.startsWith('Event: DialBegin\r')) begun.set(/\r\nChannel: ([^\r]+)/.exec(f)?.[1] ?? '', t);
      },
      action: (name, a) => {
        const t = performance.now();
        if (name === 'hangup') hungUp.set(a.find(([k]) => k.toLowerCase() === 'channel')?.[1] ?? '', t);
        else if (name === 'dbput') dbPuts.push(t);
      },
    },
  });
  const config = path.join(dir, 'sipwarden.yaml');
  fs.writeFileSync(config, [
    'asterisk:', '  logs: []', `  ami: { host: 127.0.0.1, port: ${pbx.amiPort}, username: sipwarden, secret: bench-ami }`,
    'firewall:', '  backend: dry-run', 'store:', `  path: ${path.join(dir, 'sipwarden.db')}`,
    'failed_auth_log:', `  path: ${path.join(dir, 'failed-auth.log')}`, 'accounts:', '  discover: false', 'web:', `  listen: 127.0.0.1:${await freePort()}`, '',
  ].join('\n'));
  const daemon = spawn(process.execPath, [CLI, 'run', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  daemon.stdout.on('data', (b) => { out = (out + b.toString()).slice(-20_000); });
  daemon.stderr.on('data', (b) => { out = (out + b.toString()).slice(-20_000); });
  try {
    for (let end = Date.now() + 20_000; !/"msg":"AMI connected to/.test(out) || !/"msg":"sipwarden running"/.test(out); await sleep(50)) {
      if (Date.now() > end || daemon.exitCode !== null) throw new Error(`sipwarden did not start and connect to the AMI: ${out.slice(-2000)}`);
    }
    await sleep(1000); // the dashboard and the first timers settle: the daemon as it runs all day

    // 1. Hang-up latency.
    let next = 0;
    const worker = async () => {
      const c = await UdpSipClient.open();
      try {
        while (next < CALLS) {
          const i = next++;
          const user = String(2000 + i);
          await placeCall(c, pbx.sipPort, { user, password: `pw-${user}`, number: `011882900${String(i).padStart(4, '0')}`, callId: `lat-${i}@bench`, holdMs: 100 });
          await sleep(20 + Math.floor(Math.random() * 30));
        }
      } finally {
        c.close();
      }
    };
    const t0 = Date.now();
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    const measured = [...begun].filter(([ch]) => !ch.startsWith('PJSIP/100-') && hungUp.has(ch)).map(([ch, t]) => /** @type {number} */ (hungUp.get(ch)) - t);
    const warm = measured.slice(0, WARMUP).sort((a, b) => a - b);
    const latency = measured.slice(WARMUP).sort((a, b) => a - b);
    const missed = [...begun.keys()].filter((ch) => !ch.startsWith('PJSIP/100-') && !hungUp.has(ch)).length;
    const latencySecs = (Date.now() - t0) / 1000;

    // 2. The captured burst at its real pace.
    const refusedBefore = pbx.calls?.refused ?? 0;
    const callers = await Promise.all(burst.map(() => UdpSipClient.open()));
    const start = performance.now() + 200;
    const results = await Promise.all(burst.map(async (b, i) => {
      await sleep(Math.max(0, start + b.at - performance.now()));
      try {
        return await placeCall(callers[i], pbx.sipPort, { user: '100', password: 'pw-100', number: b.number, callId: `burst-${i}@bench`, holdMs: b.holdMs });
      } finally {
        callers[i].close();
      }
    }));
    await sleep(300);
    const first = [...begun].find(([ch]) => ch.startsWith('PJSIP/100-'));
    const firstHangup = first ? (hungUp.get(first[0]) ?? Number.NaN) - first[1] : Number.NaN;
    const suspendedAfter = first ? (dbPuts.find((t) => t > first[1]) ?? Number.NaN) - first[1] : Number.NaN;
    const answered = pbx.calls?.answered.get('100') ?? 0;
    const talk = pbx.calls?.talk.get('100') ?? 0;
    const refused = (pbx.calls?.refused ?? 0) - refusedBefore;

    // 3. Throughput of the AMI path.
    const eps = await throughput();

    const p50 = pct(latency, 50);
    const p99 = pct(latency, 99);
    const ok = p99 <= TARGET_P99_MS && missed === 0 && answered <= TARGET_ANSWERED && eps >= TARGET_EPS;
    const f = (/** @type {number} */ ms) => `${ms.toFixed(1)} ms`;
    const report = [
      `# Toll-fraud guard (bench/fraud.mjs) — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length}× ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.versions.node}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
      '',
      '| measure | figure | target |',
      '|---|---|---|',
      `| DialBegin written → Hangup action received, ${latency.length} high-risk calls after ${warm.length} warm-up ones (${PARALLEL} callers at once, ${latencySecs.toFixed(0)} s) | p50 ${f(p50)}, p99 ${f(p99)}, max ${f(latency.at(-1) ?? Number.NaN)}; ${missed} not hung up; warm-up calls: max ${f(warm.at(-1) ?? Number.NaN)} | p99 ≤ ${TARGET_P99_MS} ms — ${p99 <= TARGET_P99_MS && missed === 0 ? 'met' : '**not met**'} |`,
      `| captured burst (15 calls of 100 in 11.3 s, ITSP answers at once) | answered by the ITSP: ${answered}; fraudulent talk time ${talk.toFixed(2)} s; first call hung up ${f(firstHangup)} after its DialBegin, 100 suspended in AstDB ${f(suspendedAfter)} after it; ${refused} of the later 14 refused by the PBX (dial plan check); callers got ${results.map((r) => r.code).join(',')} | ≤ ${TARGET_ANSWERED} answered — ${answered <= TARGET_ANSWERED ? 'met' : '**not met**'} |`,
      `| AMI path throughput (parseCallFrame + parseAmiFrame + fraud decider, asterisk-20-calls × ${LOOPS}) | ${Math.round(eps).toLocaleString('en')} events/s | ≥ ${TARGET_EPS.toLocaleString('en')} — ${eps >= TARGET_EPS ? 'met' : '**not met**'} |`,
      '',
    ].join('\n');
    process.stdout.write(report);
    fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'bench/results/fraud.md'), report);
    if (values.raw) fs.writeFileSync(values.raw, `${JSON.stringify({ latency, inOrder: [...begun].map(([ch, t]) => [ch, (hungUp.get(ch) ?? Number.NaN) - t]), burst: results, answered, talk, refused, eps })}\n`);
    return ok ? 0 : 1;
  } finally {
    daemon.kill('SIGTERM');
    await new Promise((r) => { daemon.once('exit', r); setTimeout(r, 5000); });
    itsp.close();
    await pbx.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Events per second of the daemon's AMI path over the captured stream, in this process. */
async function throughput() {
  /** @param {string} p */
  const dist = async (p) => import(pathToFileURL(path.join(ROOT, 'dist', p)).href);
  /** @type {typeof import('../src/parsers/index.js')} */
  const { parseAmiFrame } = await dist('parsers/index.js');
  /** @type {typeof import('../src/parsers/calls.js')} */
  const { parseCallFrame } = await dist('parsers/calls.js');
  /** @type {typeof import('../src/fraud/index.js')} */
  const { FraudDecider } = await dist('fraud/index.js');
  /** @type {typeof import('../src/engine/index.js')} */
  const { Engine } = await dist('engine/index.js');
  /** @type {typeof import('../src/daemon/inputs.js')} */
  const { policyInput, ruleInput, zoneInput } = await dist('daemon/inputs.js');
  /** @type {typeof import('../src/config/index.js')} */
  const { defaultConfig } = await dist('config/index.js');
  const config = defaultConfig({ fileExists: () => false });
  const engine = new Engine(policyInput(config), zoneInput(config), ruleInput(config));
  const decider = new FraudDecider(engine, config.fraud, { askAddress: true });
  const frames = fs.readFileSync(path.join(FIXTURE, 'ami-events.txt'), 'utf8').split('\r\n\r\n').filter((f) => f.startsWith('Event: '));
  let n = 0;
  let effects = 0;
  const run = (/** @type {number} */ loops) => {
    for (let l = 0; l < loops; l++) {
      for (const frame of frames) {
        n++;
        const now = 1_795_546_000_000 + n;
        const call = parseCallFrame(frame, { source: 'ami', line: n, refTime: now });
        if (call) {
          effects += decider.decide(call, now).length;
          continue;
        }
        const ev = parseAmiFrame(frame, { source: 'ami', line: n, refTime: now, interest: 'auth' });
        if (ev?.kind === 'auth_succeeded') decider.decide(ev, now);
      }
    }
  };
  run(20); // warm up
  n = 0;
  const t = performance.now();
  run(LOOPS);
  const secs = (performance.now() - t) / 1000;
  if (effects === 0) throw new Error('the guard decided nothing: the stream was not judged');
  return n / secs;
}

main().then((code) => process.exit(code), (e) => {
  process.stderr.write(`fraud bench: ${e instanceof Error ? e.stack : e}\n`);
  process.exit(2);
});
