// @ts-check
/**
 * Shared plumbing of `bench/compare`: timed child processes (/usr/bin/time), a registry
 * of everything the benchmark starts (processes by PID, network namespaces, temp dirs)
 * so that all of it is stopped and removed at the end, statistics and formatting.
 *
 * Invariants:
 * - Every child process is started through `run`/`timed`/`startProc`, is bounded by a
 *   timeout, and is killed by PID (its own process group, which this module created)
 *   in `cleanup()`; nothing is killed by name.
 * - Every namespace made by `makeNetns` is deleted by `cleanup()` (after the processes
 *   inside it are stopped: deleting a namespace does not stop its processes).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = path.resolve(BENCH, '..');
export const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
export const TIME = '/usr/bin/time';

/**
 * @typedef {import('node:child_process').ChildProcess & {
 *   exited: Promise<number | string | null>, isDone: () => boolean, stop: (graceMs?: number) => Promise<number | string | null>
 * }} Proc a started process: `exited` resolves to its exit code, signal name or 'error'
 * @typedef {{ code: number | string | null, stdout: string, stderr: string, timedOut: boolean }} RunResult
 */

/** @type {Set<Proc>} */
const procs = new Set();
/** @type {Set<string>} */
const namespaces = new Set();
/** @type {Set<string>} */
const tmpDirs = new Set();

export const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
export const nowMs = () => performance.now();

/** @param {string} msg */
export function log(msg) {
  process.stderr.write(`[compare ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

/** A temp dir removed at cleanup.  @param {string} prefix */
export function tmpDir(prefix) {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.add(d);
  return d;
}

/**
 * Synchronous command; throws with stderr on a non-zero exit. Bounded by timeoutMs.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ input?: string, timeoutMs?: number, env?: NodeJS.ProcessEnv, allowFail?: boolean }} [opts]
 */
export function sh(cmd, args, { input, timeoutMs = 60_000, env, allowFail = false } = {}) {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1 << 30, env });
  if (!allowFail && (r.status !== 0 || r.error)) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.error?.message}): ${(r.stderr || '').trim().slice(0, 2000)}`);
  }
  return r;
}

/**
 * Starts a long-running process in its own process group; registered for cleanup.
 * Returns the ChildProcess with `.exited` (a promise of the exit code) and `.stop()`.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, stdio?: import('node:child_process').StdioOptions, maxMs?: number }} [opts]
 * @returns {Proc}
 */
export function startProc(cmd, args, { env, stdio = ['ignore', 'pipe', 'pipe'], maxMs = 20 * 60_000 } = {}) {
  const child = /** @type {Proc} */ (spawn(cmd, args, { env, stdio, detached: true }));
  procs.add(child);
  let done = false;
  child.exited = new Promise((resolve) => {
    child.on('exit', (code, sig) => { done = true; procs.delete(child); clearTimeout(killer); resolve(code ?? sig); });
    child.on('error', () => { done = true; procs.delete(child); clearTimeout(killer); resolve('error'); });
  });
  const killer = setTimeout(() => killGroup(child, 'SIGKILL'), maxMs);
  killer.unref();
  child.isDone = () => done;
  child.stop = async (graceMs = 5_000) => {
    if (done) return child.exited;
    killGroup(child, 'SIGTERM');
    const t = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
    const r = await child.exited;
    clearTimeout(t);
    return r;
  };
  return child;
}

/** @param {import('node:child_process').ChildProcess} child  @param {NodeJS.Signals} sig */
function killGroup(child, sig) {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, sig); // the group this module created (detached: true)
  } catch {
    try { process.kill(child.pid, sig); } catch { /* gone */ }
  }
}

/**
 * @typedef {{ env?: NodeJS.ProcessEnv, timeoutMs?: number, stdoutFile?: string, input?: string }} RunOptions
 */

/**
 * Runs a command to completion, bounded; captures stdout (string) unless `stdoutFile`.
 * @param {string} cmd
 * @param {string[]} args
 * @param {RunOptions} [opts]
 * @returns {Promise<RunResult>}
 */
export function run(cmd, args, { env, timeoutMs = 10 * 60_000, stdoutFile, input } = {}) {
  return new Promise((resolve) => {
    const out = stdoutFile ? fs.openSync(stdoutFile, 'w') : 'pipe';
    const child = startProc(cmd, args, { env, stdio: [input === undefined ? 'ignore' : 'pipe', out, 'pipe'], maxMs: timeoutMs + 10_000 });
    if (typeof out === 'number') fs.closeSync(out);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (/** @type {string} */ s) => { stdout += s; });
    // stderr is always a pipe here, and stdin one when there is input.
    const err = /** @type {import('node:stream').Readable} */ (child.stderr);
    err.setEncoding('utf8');
    err.on('data', (/** @type {string} */ s) => { if (stderr.length < 1 << 20) stderr += s; });
    if (input !== undefined) child.stdin?.end(input);
    let timedOut = false;
    const t = setTimeout(() => { timedOut = true; killGroup(child, 'SIGKILL'); }, timeoutMs);
    child.exited.then((code) => { clearTimeout(t); resolve({ code, stdout, stderr, timedOut }); });
  });
}

/**
 * Runs `cmd args` under /usr/bin/time -f '%e %U %S %M': wall s, user s, sys s, peak RSS KiB
 * (the peak of the largest process of the tree /usr/bin/time waits for: the command itself).
 * @param {string} cmd
 * @param {string[]} args
 * @param {RunOptions} [opts]
 */
export async function timed(cmd, args, opts = {}) {
  const tf = path.join(os.tmpdir(), `swcmp-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const t0 = nowMs();
  const r = await run(TIME, ['-f', '%e %U %S %M', '-o', tf, cmd, ...args], opts);
  const wallHr = (nowMs() - t0) / 1000;
  let wall = wallHr, user = NaN, sys = NaN, rssKb = NaN;
  try {
    const last = (fs.readFileSync(tf, 'utf8').trim().split('\n').pop() ?? '').trim().split(/\s+/).map(Number);
    if (last.length === 4 && last.every(Number.isFinite)) [wall, user, sys, rssKb] = last;
  } catch { /* no time output: killed */ }
  fs.rmSync(tf, { force: true });
  return { ...r, wall: wallHr, wallTime: wall, user, sys, cpu: user + sys, rssKb, rssMb: rssKb / 1024 };
}

// ------------------------------------------------------------------ network namespaces

/** Creates a namespace with lo up; deleted at cleanup.  @param {string} name */
export function makeNetns(name) {
  sh('ip', ['netns', 'add', name]);
  namespaces.add(name);
  sh('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  return name;
}

/** @param {string} name */
export function removeNetns(name) {
  if (!namespaces.has(name)) return;
  sh('ip', ['netns', 'del', name], { allowFail: true });
  namespaces.delete(name);
}

/** Stops every process still running (by PID), deletes namespaces and temp dirs. Idempotent. */
export async function cleanup() {
  await Promise.all([...procs].map((p) => p.stop(3_000)));
  for (const ns of [...namespaces]) removeNetns(ns);
  for (const d of [...tmpDirs]) {
    fs.rmSync(d, { recursive: true, force: true });
    tmpDirs.delete(d);
  }
}

export function cleanupSync() {
  for (const p of procs) killGroup(p, 'SIGKILL');
  for (const ns of [...namespaces]) removeNetns(ns);
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
}

// ------------------------------------------------------------------ statistics and formatting

/** Nearest-rank percentile of a numeric array (NaN for an empty one).  @param {readonly number[]} xs  @param {number} p */
export function pct(xs, p) {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))];
}

export const fmt = (/** @type {number | null | undefined} */ x, d = 2) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : 'n/a');
export const int = (/** @type {number | null | undefined} */ x) => (typeof x === 'number' && Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');
export const ratio = (/** @type {number | null | undefined} */ a, /** @type {number | null | undefined} */ b) =>
  (typeof a === 'number' && typeof b === 'number' && Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN);
export const fmtRatio = (/** @type {number} */ x) => (Number.isFinite(x) ? (x >= 100 ? `${Math.round(x)}×` : x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`) : 'n/a');

/** Date, machine and versions, for the report's header. */
export function machine() {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  const out = (/** @type {string} */ cmd, /** @type {string[]} */ args) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
    return r.status === 0 ? (r.stdout || r.stderr).trim().split('\n')[0] : 'n/a';
  };
  return {
    date: new Date().toISOString(),
    nproc: Number(out('nproc', [])) || os.cpus().length,
    cpu: model,
    kernel: os.release(),
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    fail2ban: out('fail2ban-server', ['-V']),
    crowdsec: debVersion('crowdsec'),
    crowdsecBouncer: debVersion('crowdsec-firewall-bouncer'),
    nft: out('nft', ['--version']),
    commit: out('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']),
    loadavg: os.loadavg().map((x) => x.toFixed(2)).join(' '),
  };
}

/** A Debian package's installed version (`dpkg-query -W` prints `name<TAB>version`), or 'n/a'.  @param {string} pkg */
export function debVersion(pkg) {
  const r = spawnSync('dpkg-query', ['-W', pkg], { encoding: 'utf8', timeout: 10_000 });
  return (r.status === 0 && r.stdout.trim().split('\t')[1]) || 'n/a';
}
