#!/usr/bin/env node
// @ts-check
/**
 * Where addresses are: what a country lookup costs, and what the country policy adds to
 * the engine's decision on the ban path. One process, one core, no network.
 *
 *   node bench/geo.mjs [--addresses 200000] [--repeat 20] [--failures 200000]
 *
 * 1. Uncached: `--addresses` distinct public IPv4 addresses (a fixed pseudo-random
 *    sequence, private and reserved ranges included as they come), each looked up once
 *    in the shipped country database (dist/geo: range check, maxmind reader, names) —
 *    the first failure of each attacker. Target ≥ 100,000 lookups/s.
 * 2. Cached: 10,000 addresses looked up `--repeat` times (the same attackers again).
 *    Target ≥ 2,000,000 lookups/s.
 * 3. The engine with and without a country policy (geo.deny and geo.allow set):
 *    `--failures` failed attempts from as many addresses through Engine.handle, one
 *    each — the case where every lookup misses the cache. Reported: failures/s both
 *    ways and the cost per failure the policy adds.
 * Prints a Markdown table and writes bench/results/geo.md. Exit 0 when the targets are
 * met, 1 when not, 2 when the benchmark could not run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ROOT } from './lib/sipwarden.mjs';

const { values } = parseArgs({ options: {
  addresses: { type: 'string', default: '200000' }, repeat: { type: 'string', default: '20' }, failures: { type: 'string', default: '200000' },
} });
const N = Number(values.addresses);
const REPEAT = Number(values.repeat);
const FAILURES = Number(values.failures);

const dist = (/** @type {string} */ p) => pathToFileURL(path.join(ROOT, 'dist', p)).href;
if (!fs.existsSync(path.join(ROOT, 'dist/geo/index.js'))) {
  process.stderr.write('dist/ is missing: run npm run build first\n');
  process.exit(2);
}
/** @type {typeof import('../src/geo/index.js')} */
const geoLib = await import(dist('geo/index.js'));
/** @type {typeof import('../src/engine/index.js')} */
const engineLib = await import(dist('engine/index.js'));

/** A fixed pseudo-random sequence of IPv4 addresses (xorshift32). */
function addresses(/** @type {number} */ n, seed = 2463534242) {
  const out = [];
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out.push(`${x >>> 24}.${(x >>> 16) & 255}.${(x >>> 8) & 255}.${x & 255}`);
  }
  return out;
}

const rate = (/** @type {number} */ n, /** @type {number} */ ms) => Math.round((n / ms) * 1000);
const fmt = (/** @type {number} */ n) => n.toLocaleString('en-US');

// 1. Uncached.
const fresh = await geoLib.openLocator({ country: geoLib.shippedCountryDatabase() }); // the daemon's cache size
const many = addresses(N);
let placed = 0;
let t = performance.now();
for (const ip of many) if (fresh.where(ip).country !== null) placed++;
const uncached = rate(N, performance.now() - t);

// 2. Cached.
const few = addresses(10_000, 88172645);
for (const ip of few) fresh.where(ip);
t = performance.now();
for (let r = 0; r < REPEAT; r++) for (const ip of few) fresh.where(ip);
const cached = rate(REPEAT * few.length, performance.now() - t);

// 3. The engine with and without the country policy, every address new.
const policy = { tiers: [{ failures: 5, within: 3_600_000, ban: 3_600_000 }], countReasons: /** @type {const} */ (['wrong_password']), banInternal: false, protection: /** @type {const} */ ('on') };
const zones = { internal: [], trusted: [] };
const accounts = { extensions: ['1??'], trunks: [], roaming: [] };
function failuresPerSecond(/** @type {boolean} */ withGeo, /** @type {string[]} */ ips) {
  const engine = new engineLib.Engine(policy, zones, { accounts, ...(withGeo ? { geo: { deny: ['KP'], allow: { extension: ['DE', 'AT', 'CH'] }, ban: 86_400_000, newCountryAlert: true } } : {}) });
  if (withGeo) engine.locate((ip) => geoFresh.country(ip));
  const at = Date.UTC(2026, 11, 7);
  const start = performance.now();
  let i = 0;
  for (const ip of ips) {
    engine.handle({
      kind: 'auth_failed', at: at + i, service: 'PJSIP', ip: /** @type {any} */ (ip), port: 5060, account: '101', session: `s${i++}`, signature: 'security-log',
      decoys: [], reason: 'wrong_password', detail: '', evidence: { source: 'bench', line: i, text: '' },
    });
  }
  return rate(ips.length, performance.now() - start);
}
const geoFresh = await geoLib.openLocator({ country: geoLib.shippedCountryDatabase() });
const attackers = addresses(FAILURES, 521288629);
const without = failuresPerSecond(false, attackers);
const withPolicy = failuresPerSecond(true, attackers);
const addedUs = (1e6 / withPolicy - 1e6 / without).toFixed(2);

const rows = [
  ['country lookups, uncached (each address once; shipped database)', `${fmt(uncached)}/s (${fmt(placed)} of ${fmt(N)} placed)`, '≥ 100,000/s', uncached >= 100_000],
  ['country lookups, cached', `${fmt(cached)}/s`, '≥ 2,000,000/s', cached >= 2_000_000],
  ['engine, failures from new addresses, no country policy', `${fmt(without)}/s`, '', true],
  ['engine, failures from new addresses, geo.deny + geo.allow (every lookup a miss)', `${fmt(withPolicy)}/s (+${addedUs} µs per failure)`, '', true],
];
const table = [
  `geo benchmark, ${new Date().toISOString().slice(0, 10)}, Node ${process.versions.node}`,
  '',
  '| measure | figure | target |',
  '|---|---|---|',
  ...rows.map(([what, fig, target, ok]) => `| ${what} | ${fig} | ${target ? `${target} — ${ok ? 'met' : '**not met**'}` : ''} |`),
].join('\n');
process.stdout.write(`${table}\n`);
fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench/results/geo.md'), `${table}\n`);
process.exit(rows.every((r) => r[3]) ? 0 : 1);
