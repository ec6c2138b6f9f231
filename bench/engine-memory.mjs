#!/usr/bin/env -S node --expose-gc
// @ts-check
/**
 * Engine memory: bytes of state per tracked attacking address in the engine and its
 * Decider, in this process (no daemon, no store, no log), so the figure is the engine's
 * own and nothing else's.
 *
 *   node --expose-gc bench/engine-memory.mjs [--addresses 1000000] [--failures 1] [--v6 0]
 *
 * Feeds `--addresses` distinct attacker addresses (198.18.0.0/15, then 11.0.0.0/8; with
 * `--v6 <share>` that share of them from 2001:db8::/32, each in its own /64), each failing
 * `--failures` times (chan_sip "Wrong password", the default policy: 2 failures in 1 h →
 * a ban), through `Decider.decide` as the daemon does, then measures after a full GC:
 * RSS growth ÷ addresses (the target's measure), and V8 heap (used) + array buffers +
 * external growth ÷ addresses.
 * Then it drops each bounded cache in turn (the attempt groups, the Decider's evidence
 * generations) and says what each held, so what remains is the per-address state itself.
 * Target (issue 18): ≤ 200 B per address. Prints a Markdown table and writes
 * bench/results/engine-memory.md. Exit 0 when met, 1 when not, 2 when it could not run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBuilt, ROOT } from './lib/sipwarden.mjs';

const { values } = parseArgs({ options: { addresses: { type: 'string', default: '1000000' }, failures: { type: 'string', default: '1' }, v6: { type: 'string', default: '0' } } });
const N = Number(values.addresses);
const FAILURES = Number(values.failures);
const V6 = Number(values.v6);
const gc = /** @type {(() => void) | undefined} */ (globalThis.gc);
if (!gc) {
  process.stderr.write('engine-memory: run with node --expose-gc\n');
  process.exit(2);
}
if (!(N > 0 && N <= 16_000_000) || !(FAILURES >= 1 && FAILURES <= 12) || !(V6 >= 0 && V6 <= 1)) {
  process.stderr.write('engine-memory: --addresses 1..16000000, --failures 1..12, --v6 0..1\n');
  process.exit(2);
}
ensureBuilt();
/** @type {typeof import('../src/engine/index.js')} */
const engineMod = await import(path.join(ROOT, 'dist/engine/index.js'));
/** @type {typeof import('../src/domain/ip.js')} */
const ipMod = await import(path.join(ROOT, 'dist/domain/ip.js'));
/** @type {typeof import('../src/config/defaults.js')} */
const defaults = await import(path.join(ROOT, 'dist/config/defaults.js'));

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 7, 10, 0, 0);
const engine = new engineMod.Engine(
  { tiers: defaults.DEFAULT_TIERS, countReasons: ['wrong_password'], banInternal: false, protection: 'on', ipv6Prefix: 64, scan: { challenges: 20, within: 60_000, ban: H, grace: 5000 } },
  { internal: [], trusted: [] },
  { subnets: undefined },
);
const decider = new engineMod.Decider(engine, { startedAt: T0 - H });

/** The i-th attacker address: 198.18.0.1 on, then 11.0.0.1 on; every 1/V6-th one an IPv6 address. */
function addressOf(/** @type {number} */ i) {
  if (V6 > 0 && Math.floor((i + 1) * V6) !== Math.floor(i * V6)) return `2001:db8:${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}::1`;
  const n = i < 131_070 ? 0xc6120001 + i : 0x0b000001 + (i - 131_070);
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** The followed file (one string, as the follower keeps it). */
const SOURCE = '/var/log/asterisk/messages';
/** An event as the parser makes it: the line's text a flat string of its own, as the follower reads it from a Buffer. @param {number} i @param {number} k the address's k-th failure */
function event(i, k) {
  const ip = /** @type {import('../src/domain/ip.js').IpAddress} */ (ipMod.parseIp(addressOf(i)));
  const text = `[Dec  7 10:00:00] NOTICE[16641] chan_sip.c: Registration from '"200" <sip:200@10.0.0.1>' failed for '${ip}:5094' - Wrong password`;
  return /** @type {import('../src/domain/events.js').AuthFailed} */ ({
    kind: 'auth_failed', at: T0 + i + k * 1000, service: 'SIP', ip, port: 5094, account: '200', session: null,
    signature: 'chansip-registration-failed', decoys: [], reason: 'wrong_password', detail: 'Wrong password',
    evidence: { source: SOURCE, line: i * FAILURES + k + 1, text: Buffer.from(text, 'latin1').toString('latin1') },
  });
}

const mem = () => { gc(); gc(); const m = process.memoryUsage(); return { heap: m.heapUsed + m.external + m.arrayBuffers, rss: m.rss }; };
const before = mem();
const t0 = process.hrtime.bigint();
let bans = 0;
for (let i = 0; i < N; i += 1000) {
  // In blocks of 1,000 addresses, first failures then later ones (as bench/mass-attack does).
  const end = Math.min(N, i + 1000);
  for (let k = 0; k < FAILURES; k++) for (let j = i; j < end; j++) for (const e of decider.decide(event(j, k), T0)) if (e.kind === 'ban') bans++;
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const after = mem();
const peakRss = process.resourceUsage().maxRSS * 1024;
const any = /** @type {any} */ (decider);
engine.attempts.prune(Number.POSITIVE_INFINITY);
const noAttempts = mem();
any.recent = new Map();
any.older = new Map();
const noEvidence = mem();
const per = (/** @type {number} */ b) => Math.round(b / N).toLocaleString('en-US');
const met = (after.rss - before.rss) / N <= 200;
const md = [
  '# engine-memory', '',
  `Run ${new Date().toISOString()} on ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}.`,
  `Command: \`node --expose-gc bench/engine-memory.mjs --addresses ${N} --failures ${FAILURES} --v6 ${V6}\` (method: the header of the script).`, '',
  '| measure | value | target | result |', '|---|---|---|---|',
  `| addresses · failures each · bans | ${N.toLocaleString('en-US')} · ${FAILURES} · ${bans.toLocaleString('en-US')} | — | — |`,
  `| bytes per address: RSS growth (issue 18's measure) | ${per(after.rss - before.rss)} B | ≤ 200 B | ${met ? 'MET' : 'NOT MET'} |`,
  `| bytes per address: V8 heap + buffers growth (engine and Decider, all) | ${per(after.heap - before.heap)} B | — | — |`,
  `| of which the attempt groups (bounded: 2 × 65,536 epochs) | ${per(after.heap - noAttempts.heap)} B | — | — |`,
  `| of which the Decider's evidence for bans (bounded: 2 × 50,000 addresses) | ${per(noAttempts.heap - noEvidence.heap)} B | — | — |`,
  `| the rest: the per-address policy state | ${per(noEvidence.heap - before.heap)} B | — | — |`,
  `| process peak RSS | ${(peakRss / 1048576).toFixed(0)} MB | — | — |`,
  `| events per second through decide() | ${Math.round((N * FAILURES) / seconds).toLocaleString('en-US')} | — | — |`, '',
  `Target (issue 18): ≤ 200 bytes per tracked address. **${met ? 'MET' : 'NOT MET'}**`, '',
].join('\n');
process.stdout.write(`${md}\n`);
fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench/results/engine-memory.md'), md);
process.exit(met ? 0 : 1);
