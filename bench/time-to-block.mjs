#!/usr/bin/env node
// @ts-check
/**
 * Time to block: how long after the failing attempt's log line is written the
 * attacker's address is in the kernel's ban set, and how many guesses got an answer.
 * Root only; everything runs in two network namespaces this script makes and removes.
 *
 *   node bench/time-to-block.mjs [--runs 200] [--rates 100,1000] [--warmup 5] [--raw FILE]
 *
 * --raw writes every attacker's figures (JSON lines) to FILE.
 *
 * Set-up: the PBX simulator (SIP on 10.78.0.1, AMI on the namespace's loopback) and
 * `sipwarden run` (nftables, scope all, require_seen on, messages + security logs and
 * AMI) in a pbx namespace; `bench/lib/guesser.mjs` in an attacker namespace with one
 * address per run. Each attacker, one after another, gets a challenge, then guesses
 * wrong passwords at the given rate (one Call-ID, not waiting for answers).
 *
 * Measured per attacker:
 * - line written: the EventTV of its 2nd ChallengeResponseFailed security line (the
 *   failure that reaches the 2-failure tier). The simulator stamps EventTV with
 *   Date.now() just before it writes the line; EventTV has millisecond resolution.
 * - in the kernel: when `nft monitor new elements` (in the pbx namespace) reports the
 *   address added to ban4, stamped with Date.now() as the line arrives here.
 * - answered guesses: REGISTERs with a digest that got any answer (the policy lets 2 through).
 * The first `warmup` attackers (the daemon's first bans since it started) are reported
 * apart. Targets (issue 18): p99 ≤ 10 ms; at 1,000 tries/s answered guesses p99 ≤ 4
 * (2 beyond the policy's 2). Prints a Markdown table and writes bench/results/time-to-block.md.
 * Exit 0 when the targets are met, 1 when not, 2 when the benchmark could not run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLab, percentile, run, withLab } from './lib/netns.mjs';
import { CLI, ensureBuilt, ROOT, startDaemon, startSim, writeConfig } from './lib/sipwarden.mjs';

const { values } = parseArgs({ options: {
  runs: { type: 'string', default: '200' }, raw: { type: 'string' }, rates: { type: 'string', default: '100,1000' }, warmup: { type: 'string', default: '5' },
} });
const RUNS = Number(values.runs);
const RATES = values.rates.split(',').map(Number);
const WARMUP = Number(values.warmup);
/** Guesses per attacker: enough to outlast a slow ban by far (400 ms at 100/s, 250 ms at 1,000/s). */
const countFor = (/** @type {number} */ rate) => (rate <= 100 ? 40 : Math.round(rate / 4));
const GUESSER = path.join(ROOT, 'bench/lib/guesser.mjs');

if (process.getuid?.() !== 0) {
  process.stderr.write('time-to-block: needs root (network namespaces and nftables)\n');
  process.exit(2);
}
ensureBuilt();

const loadAtStart = os.loadavg()[0].toFixed(2);
/** How the daemon said its bans reach the kernel (`netlink`, or `nft -i` without the addon). */
let fastPath = '?';
const lab = createLab('ttb', { attackers: WARMUP + RUNS * RATES.length });
const result = await withLab(lab, 'ttb', (dir) => measure(dir));
process.exit(report(result));

/**
 * @typedef {{ ip: string, challenged: boolean, sent: number, answered: number, start: number }} Attacker one guesser.mjs result
 * @typedef {{ name: string, rate: number, addresses: string[] }} Group
 * @typedef {{ at: number, adds: number, permanent: boolean, last: boolean }} KernelSeen what `nft monitor` reported for an address
 * @typedef {Map<string, { kernelPermanent: boolean | null, storePermanent: boolean }>} FinalState
 */

/** @param {string} dir */
async function measure(dir) {
  const logs = { messages: path.join(dir, 'messages'), security: path.join(dir, 'security') };
  const ami = { port: 5038, username: 'sipwarden', secret: 'bench-ami' };
  await startSim(lab, lab.pbx, {
    sip: [{ host: lab.pbx4, port: 5060, tcp: false }], accounts: [{ name: '100', secret: 'never-guessed-4711' }], logs,
    ami: { host: '127.0.0.1', port: ami.port, users: [{ username: ami.username, secret: ami.secret }] }, maxSeconds: 1800,
  });
  // Subnet escalation off: the attackers come one after another from one range, which would
  // otherwise be blocked whole after the fifth (this measures single-address bans).
  const config = writeConfig(dir, { logs: [logs.messages, logs.security], ami, subnets: false });
  /** @type {Map<string, KernelSeen>} ip -> what the monitor saw */
  const kernel = new Map();
  lab.start(lab.pbx, 'nft', ['monitor', 'new', 'elements'], {
    onLine: (line, at) => {
      const m = /^add element inet sipwarden ban4 \{ ([\d.]+)( timeout)?/.exec(line);
      if (!m) return;
      const k = kernel.get(m[1]);
      if (k) { k.adds++; k.permanent ||= !m[2]; k.last = !m[2]; } else kernel.set(m[1], { at, adds: 1, permanent: !m[2], last: !m[2] });
    },
  });
  /** @type {Map<string, number>} ip -> the daemon's own time of its first 'banned' log line */
  const decided = new Map();
  const onLine = (/** @type {string} */ line) => {
    if (line.includes('"msg":"nftables firewall ready"')) fastPath = JSON.parse(line).fastPath ?? 'nft -i';
    if (!line.includes('"msg":"banned"')) return;
    const o = JSON.parse(line);
    if (!decided.has(o.ip)) decided.set(o.ip, o.time);
  };
  const daemon = await startDaemon(lab, lab.pbx, config, { ami: true, onLine });
  await new Promise((r) => setTimeout(r, 300)); // nft monitor is listening by now

  /** @type {Group[]} */
  const groups = [{ name: 'warm-up', rate: RATES[0], addresses: lab.attackers.slice(0, WARMUP) }];
  for (const [i, rate] of RATES.entries()) groups.push({ name: `${rate}/s`, rate, addresses: lab.attackers.slice(WARMUP + i * RUNS, WARMUP + (i + 1) * RUNS) });
  /** @type {Array<Group & { attackers: Attacker[] }>} */
  const out = [];
  for (const g of groups) {
    if (g.addresses.length === 0) continue;
    process.stderr.write(`time-to-block: ${g.addresses.length} attackers at ${g.rate} tries/s …\n`);
    if (lab.attacker === null) throw new Error('the lab has no attacker namespace');
    const cfg = { to: lab.pbx4, port: 5060, rate: g.rate, count: countFor(g.rate), drainMs: 100, addresses: g.addresses, maxSeconds: 900 };
    const guesser = lab.start(lab.attacker, process.execPath, [GUESSER, JSON.stringify(cfg)], { maxMs: 900_000 });
    await guesser.waitLine((l) => l === '{"done":true}', 900_000);
    const attackers = guesser.lines.filter((l) => l.startsWith('{"ip"')).map((l) => JSON.parse(l));
    await new Promise((r) => setTimeout(r, 300)); // the last ban reaches the monitor
    out.push({ ...g, attackers });
  }
  const failures = secondFailureTimes(fs.readFileSync(logs.security, 'latin1'));
  const errors = daemon.child.exitCode === null ? 0 : 1;
  // The end state, judged from the kernel's set and the store, not from the monitor's events:
  // re-banning a present address is add (plain) + delete + add (timeout) in one transaction,
  // and the monitor reports the plain add as if it were a permanent element.
  const final = finalState(lab, config);
  return { groups: out.map((g) => summarize(g, failures, kernel, decided, final)), errors };
}

/**
 * ip -> { kernelPermanent, storePermanent } at the end of the run.
 * @param {import('./lib/netns.mjs').Lab} lab
 * @param {string} config
 * @returns {FinalState}
 */
function finalState(lab, config) {
  const listed = JSON.parse(run(lab.pbx, 'nft', ['-j', 'list', 'set', 'inet', 'sipwarden', 'ban4']));
  /** @type {Array<string | { elem: { val: string, timeout?: number } }>} */
  const elems = listed.nftables.find((/** @type {{ set?: { elem?: unknown[] } }} */ x) => x.set)?.set?.elem ?? [];
  /** @type {FinalState} */
  const out = new Map();
  for (const e of elems) {
    const [ip, timeout] = typeof e === 'string' ? [e, undefined] : [e.elem.val, e.elem.timeout];
    out.set(ip, { kernelPermanent: timeout === undefined, storePermanent: false });
  }
  const bans = JSON.parse(run(lab.pbx, process.execPath, [CLI, 'bans', '--json', '--config', config]));
  for (const b of bans.rows) {
    const k = out.get(b.ip) ?? { kernelPermanent: null };
    out.set(b.ip, { ...k, storePermanent: b.expiresAt === null });
  }
  return out;
}

/** ip -> EventTV (ms) of its 2nd ChallengeResponseFailed.  @param {string} security the security log's text */
function secondFailureTimes(security) {
  /** @type {Map<string, number>} */
  const seen = new Map();
  /** @type {Map<string, number>} */
  const second = new Map();
  const re = /SecurityEvent="ChallengeResponseFailed",EventTV="([^"]+)".*RemoteAddress="IPV4\/UDP\/([\d.]+)\//;
  for (const line of security.split('\n')) {
    const m = re.exec(line);
    if (!m) continue;
    const n = (seen.get(m[2]) ?? 0) + 1;
    seen.set(m[2], n);
    if (n === 2) second.set(m[2], Date.parse(m[1].replace(/([+-]\d\d)(\d\d)$/, '$1:$2')));
  }
  return second;
}

/**
 * @param {Group & { attackers: Attacker[] }} g
 * @param {Map<string, number>} failures
 * @param {Map<string, KernelSeen>} kernel
 * @param {Map<string, number>} decided
 * @param {FinalState} final
 */
function summarize(g, failures, kernel, decided, final) {
  /** @type {number[]} */
  const ttb = [];
  /** @type {number[]} */
  const toDecision = [];
  let missing = 0;
  for (const a of g.attackers) {
    const t0 = failures.get(a.ip);
    const k = kernel.get(a.ip);
    if (t0 === undefined || k === undefined) missing++;
    else ttb.push(k.at - t0);
    const at = decided.get(a.ip);
    if (t0 !== undefined && at !== undefined) toDecision.push(at - t0);
    if (values.raw) fs.appendFileSync(values.raw, `${JSON.stringify({ group: g.name, ...a, secondFailure: t0, banned: decided.get(a.ip), kernel: k?.at, adds: k?.adds, permanent: final.get(a.ip)?.kernelPermanent, storePermanent: final.get(a.ip)?.storePermanent })}\n`);
  }
  const answered = g.attackers.map((a) => a.answered);
  const limit = g.rate >= 1000 ? 4 : Infinity;
  return {
    name: g.name, rate: g.rate, attackers: g.attackers.length, guessesEach: countFor(g.rate), missing,
    decisionP50: percentile(toDecision, 50), decisionP99: percentile(toDecision, 99),
    p50: percentile(ttb, 50), p90: percentile(ttb, 90), p99: percentile(ttb, 99), max: Math.max(...ttb),
    answeredTotal: answered.reduce((s, n) => s + n, 0), answeredP50: percentile(answered, 50), answeredP99: percentile(answered, 99), answeredMax: Math.max(...answered),
    overLimit: answered.filter((n) => n > limit).length, unchallenged: g.attackers.filter((a) => !a.challenged).length,
    permanent: g.attackers.filter((a) => final.get(a.ip)?.kernelPermanent === true).length,
    doubleAdds: g.attackers.filter((a) => (kernel.get(a.ip)?.adds ?? 0) > 1).length,
    // The store says permanent, the kernel holds a timed element (or none): applied out of order.
    downgraded: g.attackers.filter((a) => final.get(a.ip)?.storePermanent && final.get(a.ip)?.kernelPermanent !== true).length,
  };
}

/** @param {Awaited<ReturnType<typeof measure>>} result */
function report({ groups, errors }) {
  const measured = groups.filter((g) => g.name !== 'warm-up');
  const pass = measured.length > 0 && errors === 0 && measured.every((g) => g.p99 <= 10 && g.missing === 0 && (g.rate < 1000 || g.answeredP99 <= 4));
  const row = (/** @type {ReturnType<typeof summarize>} */ g) => `| ${g.name} | ${g.attackers} | ${g.guessesEach} | ${g.decisionP50} / ${g.decisionP99} | ${g.p50} | ${g.p90} | ${g.p99} | ${g.max} | ${g.answeredTotal} | ${g.answeredP50} | ${g.answeredP99} | ${g.answeredMax} | ${g.permanent} | ${g.missing} |`;
  const md = [
    '# time-to-block', '',
    `Run ${new Date().toISOString()} on ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? '?'}), Linux ${os.release()}, Node ${process.version}.`,
    'Command: `node bench/time-to-block.mjs` (see the header of the script for the method).', '',
    '| attackers at | attackers | guesses each | "banned" logged p50 / p99 ms | block p50 ms | p90 ms | p99 ms | max ms | answered guesses (all) | answered p50 | answered p99 | answered max | permanent bans | not measured |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...groups.map(row), '',
    '- "banned" logged: from that line to the daemon\'s "banned" log line (its own clock; with nftables after the one transaction that checks the seen set and bans, and the store write).',
    '- block ms: from the 2nd failure\'s security line (EventTV, ms) to the ban4 element in the kernel (`nft monitor`).',
    '- answered guesses: wrong-password REGISTERs that got any answer; the policy lets 2 through, the rest are the ban\'s lag.',
    '- permanent bans: attackers whose element in the kernel has no timeout at the end (they reached the 12-failure tier because the block came too late).',
    `- the daemon's path to the kernel for these bans: ${fastPath}.`,
    `- load average (1 min) at the start and the end: ${loadAtStart} / ${os.loadavg()[0].toFixed(2)} (other work on the machine slows everything down).`,
    `- warm-up: the daemon's first ${groups.find((g) => g.name === 'warm-up')?.attackers ?? 0} bans after its start, not in the targets.`, '',
    `Targets (issue 18): p99 ≤ 10 ms; at 1,000 tries/s answered guesses p99 ≤ 4 (2 beyond the policy's 2). **${pass ? 'MET' : 'NOT MET'}**`,
    ...measured.map((g) => `- ${g.name}: block p99 ${g.p99} ms (target ≤ 10: ${g.p99 <= 10 ? 'met' : 'not met'})${g.rate >= 1000 ? `; answered p99 ${g.answeredP99} (target ≤ 4: ${g.answeredP99 <= 4 ? 'met' : 'not met'})` : ''}`),
    ...measured.filter((g) => g.downgraded > 0).map((g) => `- ${g.name}: **${g.downgraded} attackers are permanently banned in the store but not in the kernel** (a timed element or none: bans applied out of order).`),
    ...measured.filter((g) => g.doubleAdds > 0).map((g) => `- ${g.name}: ${g.doubleAdds} attackers were put in the kernel set more than once (the ban extended by a later failure, or raised to the permanent tier): one more seen check, store write and nft transaction each.`), '',
  ].join('\n');
  process.stdout.write(`${md}\n`);
  fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench/results/time-to-block.md'), md);
  return pass ? 0 : 1;
}
