#!/usr/bin/env node
// @ts-check
/**
 * Generates a large, realistic Asterisk 20 `full` log with ground truth.
 *
 *   node bench/gen-asterisk-log.mjs --lines 1000000 --seed 42 --out bench/data/big
 *        [--attack-ratio 0.05] [--format default|iso] [--hours 36] [--verify]
 *
 * Writes <out>.log (ordinary PBX traffic interleaved with attacks in every failure
 * variant seen in fixtures/asterisk-20, including log-injection attempts) and
 * <out>.truth.json:
 *
 *   { lines, attempts, failuresByIp: {ip: n}, scans, scansByIp: {ip: n}, innocents: [ip],
 *     expectedBans: [{ip, tier, until}], … }
 *
 * Deterministic for a seed. Times are UTC in 2026; the log's mtime is set to its
 * last line so a reader inferring the year from the mtime gets 2026. Run readers
 * with TZ=UTC. --verify re-reads the written log and checks it (see lib/verify.mjs).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Rng } from './lib/prng.mjs';
import { AddressPool } from './lib/addresses.mjs';
import { Lines, PBX_ADDRESSES, Stamper, renderStartup } from './lib/asterisk.mjs';
import { buildInnocents, buildPopulation } from './lib/population.mjs';
import { AttackPlanner } from './lib/attacks.mjs';
import { renderAttempt } from './lib/render.mjs';
import { KINDS, OrdinaryRenderer, planOrdinary } from './lib/ordinary.mjs';
import { buildTruth, dropBorderline } from './lib/truth.mjs';
import { fnv, verifyLog } from './lib/verify.mjs';
import { MinHeap } from './lib/heap.mjs';

const START = Date.UTC(2026, 10, 23, 6, 0, 0); // 2026-11-23T06:00:00Z
const STARTUP_LINES = 39; // banner + start-up block (asterisk.mjs)

/** @param {string} [msg]  @returns {never} */
function usage(msg) {
  if (msg) process.stderr.write(`gen-asterisk-log: ${msg}\n`);
  process.stderr.write('usage: node bench/gen-asterisk-log.mjs --lines N --seed S --out PREFIX [--attack-ratio 0.05] [--format default|iso] [--hours 36] [--verify]\n');
  process.exit(2);
}

/** @param {string[]} argv */
function options(argv) {
  let v;
  try {
    v = parseArgs({
      args: argv,
      options: {
        lines: { type: 'string', default: '1000000' },
        seed: { type: 'string', default: '42' },
        out: { type: 'string' },
        'attack-ratio': { type: 'string', default: '0.05' },
        format: { type: 'string', default: 'default' },
        hours: { type: 'string', default: '36' },
        verify: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
    }).values;
  } catch (e) {
    usage(/** @type {Error} */ (e).message);
  }
  if (!v.out) usage('--out is required');
  if (v.format !== 'default' && v.format !== 'iso') usage('--format must be default or iso');
  const o = {
    lines: Number(v.lines), seed: Number(v.seed), out: v.out, ratio: Number(v['attack-ratio']),
    format: /** @type {'default' | 'iso'} */ (v.format), hours: Number(v.hours), verify: v.verify, quiet: v.quiet,
  };
  if (!Number.isInteger(o.lines) || o.lines < 2000 || o.lines > 50_000_000) usage('--lines must be an integer in 2000..50000000');
  if (!Number.isInteger(o.seed) || o.seed < 0) usage('--seed must be a non-negative integer');
  if (!(o.ratio > 0 && o.ratio <= 0.5)) usage('--attack-ratio must be in (0, 0.5]');
  if (!(o.hours >= 2 && o.hours <= 24 * 300)) usage('--hours must be in 2..7200');
  return o;
}

/** Buffered writer of lines; counts them. */
class Writer {
  /** @param {string} file */
  constructor(file) {
    this.fd = fs.openSync(file, 'w');
    /** @type {string[]} */
    this.buf = [];
    this.count = 0;
    this.bytes = 0;
  }

  /** @param {string} line */
  push(line) {
    this.buf.push(line);
    this.count++;
    if (this.buf.length >= 8192) this.flush();
  }

  flush() {
    if (this.buf.length === 0) return;
    const text = `${this.buf.join('\n')}\n`;
    this.bytes += Buffer.byteLength(text);
    fs.writeSync(this.fd, text);
    this.buf = [];
  }

  close() {
    this.flush();
    fs.closeSync(this.fd);
  }
}

/** @typedef {ReturnType<typeof options>} Options */

/** Generates the log and truth; returns a summary.  @param {Options} o */
export function generate(o) {
  const t0 = START;
  const t1 = START + o.hours * 3_600_000;
  const plan = new Rng(o.seed, 'plan');
  const pool = new AddressPool(new Rng(o.seed, 'addresses'), PBX_ADDRESSES);
  const pop = buildPopulation(plan, pool);

  // Attacks: planned up front (ms times), then failures on a window edge dropped.
  const attackBudget = Math.round(o.lines * o.ratio);
  const injections = Math.max(5, Math.min(2000, Math.round(attackBudget * 0.006)));
  const innocents = buildInnocents(plan, pool, pop, Math.max(8, Math.min(60, Math.round(injections / 8))));
  const planner = new AttackPlanner(new Rng(o.seed, 'attacks'), pool, { t0: t0 + 60_000, t1: t1 - 60_000, budget: attackBudget, innocents });
  const planned = planner.plan(injections);
  const { attempts, dropped, droppedScans } = dropBorderline(planned);
  const attackLines = attempts.reduce((n, a) => n + a.n, 0);

  // Ordinary traffic fills the rest exactly: two start-up blocks (boot, one restart) and groups.
  const ordinaryBudget = o.lines - attackLines - 2 * STARTUP_LINES;
  if (ordinaryBudget < 100) throw new Error('attack traffic leaves no room for ordinary traffic; lower --attack-ratio');
  const kinds = planOrdinary(new Rng(o.seed, 'ordinary-plan'), ordinaryBudget);

  fs.mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
  const logFile = `${o.out}.log`;
  const w = new Writer(logFile);
  const L = new Lines(new Stamper(o.format));
  const rng = new Rng(o.seed, 'render');
  const ordinary = new OrdinaryRenderer(L, new Rng(o.seed, 'ordinary'), pop);
  /** @type {MinHeap<{ t: number, lines: string[] }>} */
  const deferred = new MinHeap();
  /** @type {Array<{ line: number, n: number, hash: number, ip: string }>} */
  const records = [];
  const success = ordinary.successes;
  let ai = 0;
  let lastMs = t0;

  const emitAttempt = (/** @type {import('./lib/attacks.mjs').Attempt} */ a) => {
    const lines = renderAttempt(a, L, rng);
    if (lines.length !== a.n) throw new Error(`attempt ${a.kind} rendered ${lines.length} lines, planned ${a.n}`);
    records.push({ line: w.count + 1, n: a.n, hash: fnv(`${lines.join('\n')}\n`), ip: a.ip });
    for (const line of lines) w.push(line);
    if (a.kind.endsWith('_cracked') || a.kind === 'pjsip_noext') success.set(a.ip, (success.get(a.ip) ?? 0) + 1);
    lastMs = a.t;
  };
  const flushUntil = (/** @type {number} */ t) => {
    for (;;) {
      const ta = ai < attempts.length ? attempts[ai].t : Infinity;
      const d = deferred.peek();
      const td = d ? d.t : Infinity;
      const next = Math.min(ta, td);
      if (next > t || next === Infinity) return;
      if (ta <= td || !d) emitAttempt(attempts[ai++]);
      else {
        deferred.pop();
        for (const line of d.lines) w.push(line);
        lastMs = d.t;
      }
    }
  };
  const startup = (/** @type {number} */ ms, /** @type {Rng} */ rngStart) => {
    const { now, later } = renderStartup(L, ms, rngStart, pop.iaxPeer, true);
    for (const line of now) w.push(line);
    deferred.push({ t: ms + 1000, lines: later });
  };

  const restartAt = Math.floor(kinds.length / 2);
  const gap = (t1 - t0) / kinds.length;
  startup(t0, new Rng(o.seed, 'boot'));
  for (let i = 0; i < kinds.length; i++) {
    const t = Math.round(t0 + 2000 + (i + plan.range(0.1, 0.9)) * gap);
    flushUntil(t);
    if (i === restartAt) startup(t, new Rng(o.seed, 'restart'));
    const g = ordinary.render(kinds[i], t);
    if (g.now.length + g.deferred.reduce((n, d) => n + d.lines.length, 0) !== KINDS[kinds[i]][1] + KINDS[kinds[i]][2]) {
      throw new Error(`ordinary ${KINDS[kinds[i]][0]} rendered a wrong number of lines`);
    }
    for (const line of g.now) w.push(line);
    for (const d of g.deferred) deferred.push(d);
    lastMs = t;
  }
  flushUntil(Infinity);
  w.close();
  return finish(o, { w, logFile, attempts, attackLines, dropped, droppedScans, innocents, records, success, counted: ordinary.counted, kinds, restartAt, lastMs, planner, t0 });
}

/**
 * @param {Options} o
 * @param {{ w: Writer, logFile: string, attempts: import('./lib/attacks.mjs').Attempt[], attackLines: number, dropped: number,
 *   droppedScans: number, innocents: string[], records: Array<{ line: number, n: number, hash: number, ip: string }>,
 *   success: Map<string, number>, counted: import('./lib/truth.mjs').OrdinaryTruth, kinds: Uint8Array, restartAt: number,
 *   lastMs: number, planner: AttackPlanner, t0: number }} s
 */
function finish(o, s) {
  if (s.w.count !== o.lines) throw new Error(`wrote ${s.w.count} lines, planned ${o.lines}`);
  const truth = buildTruth(s.attempts, s.innocents, s.counted);
  const lastSec = Math.floor(s.lastMs / 1000);
  fs.utimesSync(s.logFile, lastSec, lastSec);
  const out = {
    lines: s.w.count,
    attempts: truth.attempts,
    failuresByIp: truth.failuresByIp,
    scans: truth.scans,
    scansByIp: truth.scansByIp,
    innocents: truth.innocents,
    expectedBans: truth.expectedBans,
    generator: {
      seed: o.seed, format: o.format, attackRatio: o.ratio, hours: o.hours,
      start: new Date(s.t0).toISOString(), end: new Date(lastSec * 1000).toISOString(),
      refTime: new Date(lastSec * 1000).toISOString(), timezone: 'UTC',
      attackLines: s.attackLines, borderlineDropped: s.dropped, borderlineScansDropped: s.droppedScans,
    },
    variants: truth.variants,
    ordinary: truth.ordinary,
    campaigns: s.planner.campaigns,
    successes: Object.fromEntries([...s.success.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))),
  };
  fs.writeFileSync(`${o.out}.truth.json`, `${JSON.stringify(out, null, 1)}\n`);
  return { truth: out, records: s.records, lastSec };
}

function main() {
  const o = options(process.argv.slice(2));
  const began = process.hrtime.bigint();
  const { truth, records, lastSec } = generate(o);
  const secs = Number(process.hrtime.bigint() - began) / 1e9;
  const log = (/** @type {string} */ msg) => { if (!o.quiet) process.stdout.write(`${msg}\n`); };
  const bans = truth.expectedBans;
  log(`wrote ${o.out}.log: ${truth.lines} lines in ${secs.toFixed(1)} s; ${o.out}.truth.json`);
  log(`attack lines ${truth.generator.attackLines} (${(100 * truth.generator.attackLines / truth.lines).toFixed(2)}%), failed attempts ${truth.attempts} from ${Object.keys(truth.failuresByIp).length} addresses, scans ${truth.scans} from ${Object.keys(truth.scansByIp).length} addresses, ${truth.innocents.length} innocents, borderline attempts dropped ${truth.generator.borderlineDropped} (${truth.generator.borderlineScansDropped} for scans)`);
  log(`ordinary traffic: ${truth.ordinary.noExtensionCounted} calls to missing numbers counted, ${truth.ordinary.noExtensionOfTrunk} of the trunk not counted, ${truth.ordinary.unansweredChallenges} challenges never answered`);
  log(`expected bans: ${bans.length} (${bans.filter((b) => b.until === 'permanent').length} permanent, ${bans.filter((b) => b.tier === 1).length} tier 1, ${bans.filter((b) => b.tier === 0).length} scan only)`);
  if (!o.quiet) {
    log('variant                               attempts    lines  failure  scans');
    for (const [k, v] of Object.entries(truth.variants).sort()) {
      log(`${k.padEnd(36)} ${String(v.attempts).padStart(9)} ${String(v.lines).padStart(8)}  ${(v.failures ? 'yes' : 'no').padEnd(7)}  ${v.scans ?? 0}`);
    }
  }
  if (o.verify) {
    const t = process.hrtime.bigint();
    const res = verifyLog(`${o.out}.log`, {
      lines: truth.lines, start: Date.parse(truth.generator.start), end: lastSec * 1000,
      year: 2026, innocents: truth.innocents, records,
    });
    log(`verify: ${res.ok ? 'OK' : 'FAILED'} in ${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(1)} s; ${records.length} attack attempts checked; lines by level ${JSON.stringify(res.levels)}`);
    for (const p of res.problems) process.stderr.write(`verify: ${p}\n`);
    if (!res.ok) process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
