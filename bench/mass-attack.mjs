#!/usr/bin/env node
// @ts-check
/**
 * Mass attack: 100,000 distinct attacker addresses each failing twice within a
 * minute, appended to a live log that `sipwarden run` follows; how long after the
 * last line every address is in the kernel's ban set, and the daemon's peak RSS.
 * Root only; the daemon and its nftables table live in a network namespace this
 * script makes and removes.
 *
 *   node bench/mass-attack.mjs [--addresses 100000] [--seconds 20]
 *
 * The lines are chan_sip `Registration from … failed for 'IP:5094' - Wrong password`
 * NOTICEs dated now, written to the followed `messages` file in 50 ms chunks evenly
 * over `--seconds` (0: all at once), in blocks of 1,000 addresses: their first
 * failures, then their second ones — so each address fails twice within a block's
 * time, well inside a minute, and bans are decided throughout the run.
 *
 * Subnet escalation is off in this config: the addresses are consecutive, so every /24
 * would also be banned whole, and this measures the path of single-address bans.
 * No packets are sent, so `firewall.require_seen` is off in this config: with it on,
 * sipwarden would (rightly) refuse every one of these bans, since the kernel never saw
 * these addresses send the PBX anything — here we measure the log → kernel path only.
 *
 * Done when the LAST address is in ban4 (`nft get element`, polled every 10 ms);
 * sipwarden applies firewall transactions strictly in order, and a full
 * `nft -j list set` afterwards confirms that all addresses are there. Target: ≤ 2 s
 * after the last line. Peak RSS is the daemon's VmHWM; bytes per tracked address are
 * (VmRSS − VmRSS before the first line) ÷ addresses, read twice: at the end (with the
 * burst's garbage) and settled, 8 s later (the daemon gives a burst's garbage back
 * once it has been quiet for 3 s: src/daemon/memory.ts); the settled figure is held
 * against issue 18's ≤ 200 B. The long-lived `nft -i` the daemon bans through is reported apart (its
 * VmRSS at the end: a process of its own). Prints a Markdown table and
 * writes bench/results/mass-attack.md. Exit 0 when the target is met, 1 when not, 2
 * when the benchmark could not run.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLab, peakRssMb, withLab } from './lib/netns.mjs';
import { ensureBuilt, ROOT, startDaemon, writeConfig } from './lib/sipwarden.mjs';

const { values } = parseArgs({ options: { addresses: { type: 'string', default: '100000' }, seconds: { type: 'string', default: '20' } } });
const N = Number(values.addresses);
const SECONDS = Number(values.seconds);
const BLOCK = 1000;
const CHUNK_MS = 50;
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

if (process.getuid?.() !== 0) {
  process.stderr.write('mass-attack: needs root (a network namespace and nftables)\n');
  process.exit(2);
}
if (!(N > 0 && N <= 131_070)) {
  process.stderr.write('mass-attack: --addresses must be 1..131070 (they come from 198.18.0.0/15)\n');
  process.exit(2);
}
ensureBuilt();

/** The i-th attacker address, 198.18.0.1 on (198.18.0.0/15, the benchmarking range). */
const addressOf = (/** @type {number} */ i) => { const n = 0xc6120000 + i + 1; return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`; };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `[Nov 24 20:31:04]`: Asterisk's default date format (UTC; the daemon runs with TZ=UTC). */
const stamp = (/** @type {Date} */ when) => `[${MONTHS[when.getUTCMonth()]} ${String(when.getUTCDate()).padStart(2, ' ')} ${when.toISOString().slice(11, 19)}]`;
/** A chan_sip failure line for `ip`. */
const failure = (/** @type {string} */ ip, /** @type {string} */ date) => `${date} NOTICE[16641] chan_sip.c: Registration from '"200" <sip:200@10.0.0.1>' failed for '${ip}:5094' - Wrong password\n`;

/** Line i of the attack (0 .. 2N-1): blocks of BLOCK addresses, first failures then second ones. */
/** @param {number} i */
function lineAddress(i) {
  const block = Math.floor(i / (2 * BLOCK));
  const inBlock = i % (2 * BLOCK);
  const size = Math.min(BLOCK, N - block * BLOCK);
  return addressOf(block * BLOCK + (inBlock % size));
}

const loadAtStart = os.loadavg()[0].toFixed(2);
const lab = createLab('mass');
const result = await withLab(lab, 'mass', (dir) => measure(dir));
process.exit(report(result));

/** @param {string} dir */
async function measure(dir) {
  const messages = path.join(dir, 'messages');
  fs.writeFileSync(messages, '');
  const config = writeConfig(dir, { logs: [messages], requireSeen: false, startAt: 'end', subnets: false });
  const seen = { banned: 0, errors: 0, lastBannedAt: 0 };
  const daemon = await startDaemon(lab, lab.pbx, config, {
    onLine: (line, at) => {
      if (line.includes('"msg":"banned"')) { seen.banned++; seen.lastBannedAt = at; }
      else if (/^\{"level":[56]0,/.test(line)) seen.errors++;
    },
  });

  const rssBefore = rssKb(daemon.pid, 'VmRSS');
  const total = 2 * N;
  const fd = fs.openSync(messages, 'a');
  const chunks = Math.max(1, Math.round((SECONDS * 1000) / CHUNK_MS));
  const perChunk = Math.ceil(total / chunks);
  const tFirst = Date.now();
  process.stderr.write(`mass-attack: writing ${total} lines (${N} addresses × 2) over ${SECONDS} s …\n`);
  for (let c = 0, i = 0; i < total; c++) {
    const due = tFirst + c * CHUNK_MS;
    if (SECONDS > 0 && Date.now() < due) await sleep(due - Date.now());
    const date = stamp(new Date());
    let text = '';
    for (const end = Math.min(total, i + perChunk); i < end; i++) text += failure(lineAddress(i), date);
    fs.writeSync(fd, text);
  }
  fs.closeSync(fd);
  const tLast = Date.now();

  const last = lineAddress(total - 1);
  // Polled without blocking this process: it must keep draining the daemon's output meanwhile.
  const inKernel = (/** @type {string} */ ip) => new Promise((resolve) => execFile('ip', ['netns', 'exec', lab.pbx, 'nft', 'get', 'element', 'inet', 'sipwarden', 'ban4', '{', ip, '}'], (err) => resolve(!err)));
  let tDone = null;
  while (Date.now() - tLast < 120_000) {
    if (await inKernel(last)) { tDone = Date.now(); break; }
    await sleep(10);
  }
  const listed = JSON.parse(spawnSync('ip', ['netns', 'exec', lab.pbx, 'nft', '-j', 'list', 'set', 'inet', 'sipwarden', 'ban4'], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 }).stdout);
  const elements = listed.nftables.find((/** @type {{ set?: { elem?: unknown[] } }} */ x) => x.set)?.set?.elem?.length ?? 0;
  await sleep(300); // the daemon's last log lines
  const rssAfter = rssKb(daemon.pid, 'VmRSS');
  await sleep(8000);
  const rssSettled = rssKb(daemon.pid, 'VmRSS');
  const channels = spawnSync('ip', ['netns', 'pids', lab.pbx], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.length > 0)
    .filter((pid) => { try { return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('-i'); } catch { return false; } });
  const nftRss = channels.reduce((sum, pid) => sum + (rssKb(Number(pid), 'VmRSS') ?? 0), 0);
  return {
    perAddress: rssBefore === null || rssAfter === null ? null : ((rssAfter - rssBefore) * 1024) / N,
    settledPerAddress: rssBefore === null || rssSettled === null ? null : ((rssSettled - rssBefore) * 1024) / N, nftRss: channels.length > 0 ? nftRss / 1024 : null,
    lines: total, seconds: (tLast - tFirst) / 1000, afterLastMs: tDone === null ? null : tDone - tLast,
    fromFirstMs: tDone === null ? null : tDone - tFirst, elements, banned: seen.banned, errors: seen.errors,
    lastBannedAfterMs: seen.lastBannedAt ? seen.lastBannedAt - tLast : null, peakRss: peakRssMb(daemon.pid), alive: daemon.child.exitCode === null,
  };
}

/**
 * A /proc/<pid>/status figure in kB, or null.
 * @param {number | undefined} pid
 * @param {'VmRSS' | 'VmHWM'} field
 */
function rssKb(pid, field) {
  if (pid === undefined) return null;
  try {
    const kb = Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Number.isFinite(kb) ? kb : null;
  } catch {
    return null;
  }
}

/** @param {Awaited<ReturnType<typeof measure>>} r */
function report(r) {
  const pass = r.afterLastMs !== null && r.afterLastMs <= 2000 && r.elements === N && r.alive;
  const memOk = r.settledPerAddress !== null && r.settledPerAddress <= 200;
  const bytes = (/** @type {number | null} */ b) => (b === null ? '?' : Math.round(b).toLocaleString('en-US'));
  const fmt = (/** @type {number | null} */ ms) => (ms === null ? 'never (gave up after 120 s)' : `${(ms / 1000).toFixed(2)} s`);
  const md = [
    '# mass-attack', '',
    `Run ${new Date().toISOString()} on ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? '?'}), Linux ${os.release()}, Node ${process.version}.`,
    `Command: \`node bench/mass-attack.mjs --addresses ${N} --seconds ${SECONDS}\` (see the header of the script for the method).`, '',
    '| addresses | lines | written over | all in the kernel after the last line | from the first line | "banned" log lines (the last received, after the last line) | elements in ban4 | daemon peak RSS | bytes per tracked address (RSS): at the end / settled | nft -i RSS at the end |',
    '|---|---|---|---|---|---|---|---|---|---|',
    `| ${N} | ${r.lines} | ${r.seconds.toFixed(1)} s | ${fmt(r.afterLastMs)} | ${fmt(r.fromFirstMs)} | ${r.banned} (${fmt(r.lastBannedAfterMs)}) | ${r.elements} | ${r.peakRss === null ? '?' : `${r.peakRss.toFixed(0)} MB`} | ${bytes(r.perAddress)} / ${bytes(r.settledPerAddress)} | ${r.nftRss === null ? 'none running' : `${r.nftRss.toFixed(1)} MB`} |`, '',
    `Load average (1 min) at the start and the end: ${loadAtStart} / ${os.loadavg()[0].toFixed(2)}.`,
    'require_seen is off here: no packets are sent, so the kernel never saw these addresses (with it on, every ban would be refused as log injection).',
    r.errors > 0 ? `The daemon logged ${r.errors} errors.` : 'The daemon logged no errors.', r.alive ? '' : '**The daemon died during the run.**', '',
    `Target: all in the kernel ≤ 2 s after the last line. **${pass ? 'MET' : 'NOT MET'}**`,
    `Target (issue 18): ≤ 200 bytes of daemon RSS per tracked address (settled). **${memOk ? 'MET' : 'NOT MET'}**`, '',
  ].join('\n');
  process.stdout.write(`${md}\n`);
  fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench/results/mass-attack.md'), md);
  return pass ? 0 : 1;
}
