// @ts-check
/**
 * Network namespaces and processes for the firewall benchmarks (root only): a `pbx`
 * namespace and, if asked, an `attacker` namespace joined by a veth pair, with many
 * attacker addresses; processes started inside them with their output collected.
 *
 * Invariants:
 * - Names are unique per run (`swb-<tag>-<role>-<pid>`); close() kills every process
 *   this module started (by pid, SIGKILL) and deletes exactly the namespaces it made.
 *   It runs on normal exit, on an error and on SIGINT/SIGTERM (see `withLab`).
 * - Nothing touches the root namespace's addresses, routes or ruleset.
 * - Every process has a hard lifetime; every wait has a timeout.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** @typedef {ReturnType<typeof createLab>} Lab */

/**
 * Runs `cmd args` (inside `ns` if not null) to completion; throws on failure.
 * @param {string | null} ns
 * @param {string} cmd
 * @param {string[]} args
 * @param {string} [input] stdin
 * @returns {string} stdout
 */
export function run(ns, cmd, args, input) {
  const [program, argv] = ns === null ? [cmd, args] : ['ip', ['netns', 'exec', ns, cmd, ...args]];
  const r = spawnSync(program, argv, { input: input ?? '', encoding: 'utf8', timeout: 60_000, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${(r.stderr ?? '').trim().slice(0, 500)}`);
  return r.stdout;
}

/**
 * @typedef {object} ProcOptions
 * @property {number} [maxMs] hard lifetime (SIGKILL after it)
 * @property {(line: string, arrivalMs: number) => void} [onLine] sees each stdout line instead of collecting it
 * @property {'ignore' | 'pipe'} [stdin]
 * @property {NodeJS.ProcessEnv} [env] added to the environment (TZ=UTC is always set)
 * @typedef {object} Proc a started process
 * @property {import('node:child_process').ChildProcess} child
 * @property {number | undefined} pid
 * @property {string[]} lines stdout lines collected (none when `onLine` was given)
 * @property {Promise<number | null>} exited the exit code
 * @property {() => string} stderr the last 4000 characters of stderr
 * @property {(match: (line: string) => boolean, ms: number) => Promise<string | null>} waitLine
 *   the first collected line matching `match`, or null after `ms` or at exit
 * @property {() => Promise<number | null>} kill SIGKILL, then its exit
 */

/**
 * A process with its stdout lines; `onLine` sees each line as it arrives.
 * @param {Set<Proc>} live
 * @param {string | null} ns
 * @param {string} cmd
 * @param {string[]} args
 * @param {ProcOptions} [opts]
 */
function startProc(live, ns, cmd, args, { maxMs = 600_000, onLine, stdin = 'ignore', env } = {}) {
  const [program, argv] = ns === null ? [cmd, args] : ['ip', ['netns', 'exec', ns, cmd, ...args]];
  const child = spawn(program, argv, { stdio: [stdin, 'pipe', 'pipe'], env: { ...process.env, TZ: 'UTC', ...env } });
  /** @type {string[]} */
  const lines = [];
  /** @type {Set<() => void>} */
  const waiters = new Set();
  let buf = '';
  // stdio is [stdin, 'pipe', 'pipe'], so stdout and stderr exist.
  /** @type {import('node:stream').Readable} */ (child.stdout).on('data', (/** @type {Buffer} */ b) => {
    buf += b.toString('latin1');
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (onLine) onLine(line, Date.now());
      else lines.push(line);
      for (const w of [...waiters]) w();
    }
  });
  let err = '';
  /** @type {import('node:stream').Readable} */ (child.stderr).on('data', (/** @type {Buffer} */ b) => { err = (err + b.toString()).slice(-4000); });
  const killer = setTimeout(() => child.kill('SIGKILL'), maxMs);
  /** @type {Promise<number | null>} */
  const exited = new Promise((resolve) => child.on('exit', (code) => { clearTimeout(killer); live.delete(proc); resolve(code); for (const w of [...waiters]) w(); }));
  /** @type {Proc} */
  const proc = {
    child, pid: child.pid, lines, exited, stderr: () => err,
    /** The first collected line matching `match`, or null after `ms` or at exit. */
    waitLine(match, ms) {
      return new Promise((resolve) => {
        const check = () => {
          const hit = lines.find(match);
          if (hit !== undefined || child.exitCode !== null) done(hit ?? null);
        };
        const done = (/** @type {string | null} */ v) => { clearTimeout(t); waiters.delete(check); resolve(v); };
        const t = setTimeout(() => done(lines.find(match) ?? null), ms);
        waiters.add(check);
        check();
      });
    },
    kill() { child.kill('SIGKILL'); return exited; },
  };
  live.add(proc);
  return proc;
}

/**
 * Makes the namespaces: pbx at `${net}.0.1/16`, and with
 * `attackers > 0` an attacker namespace holding that many addresses from `${net}.1.1` on.
 * @param {string} tag
 * @param {{ net?: string, attackers?: number }} [opts]
 */
export function createLab(tag, { net = '10.78', attackers = 0 } = {}) {
  /** @type {Set<Proc>} */
  const live = new Set();
  /** @type {string[]} */
  const made = [];
  const name = (/** @type {string} */ role) => `swb-${tag}-${role}-${process.pid}`;
  const lab = {
    pbx: name('pbx'), attacker: attackers > 0 ? name('att') : null, pbx4: `${net}.0.1`, attackers: /** @type {string[]} */ ([]),
    /** @param {string | null} ns  @param {string} cmd  @param {string[]} args  @param {ProcOptions} [opts] */
    start: (ns, cmd, args, opts) => startProc(live, ns, cmd, args, opts),
    async close() {
      await Promise.race([Promise.all([...live].map((p) => p.kill())), new Promise((r) => setTimeout(r, 5_000))]);
      for (let ns = made.pop(); ns !== undefined; ns = made.pop()) spawnSync('ip', ['netns', 'del', ns]);
    },
  };
  try {
    for (const ns of [lab.pbx, lab.attacker]) {
      if (ns === null) continue;
      run(null, 'ip', ['netns', 'add', ns]);
      made.push(ns);
      run(ns, 'ip', ['link', 'set', 'lo', 'up']);
    }
    if (lab.attacker) {
      run(lab.pbx, 'ip', ['link', 'add', 'swp0', 'type', 'veth', 'peer', 'name', 'swa0', 'netns', lab.attacker]);
      run(lab.pbx, 'ip', ['addr', 'add', `${lab.pbx4}/16`, 'dev', 'swp0']);
      /** @type {string[]} */
      const batch = [];
      for (let i = 0; i < attackers; i++) lab.attackers.push(`${net}.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`);
      for (const ip of lab.attackers) batch.push(`addr add ${ip}/16 dev swa0`);
      run(lab.attacker, 'ip', ['-batch', '-'], `${batch.join('\n')}\n`);
      run(lab.pbx, 'ip', ['link', 'set', 'swp0', 'up']);
      run(lab.attacker, 'ip', ['link', 'set', 'swa0', 'up']);
    }
    return lab;
  } catch (e) {
    for (let ns = made.pop(); ns !== undefined; ns = made.pop()) spawnSync('ip', ['netns', 'del', ns]);
    throw e;
  }
}

/**
 * Runs `body(dir, lab)` with a fresh temp directory (named after `tag`) and always
 * cleans up both, also on SIGINT/SIGTERM.
 * @template T
 * @param {Lab} lab
 * @param {string} tag
 * @param {(dir: string, lab: Lab) => Promise<T>} body
 * @returns {Promise<T>}
 */
export async function withLab(lab, tag, body) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sipwarden-${tag}-`));
  const onSignal = (/** @type {NodeJS.Signals} */ sig) => { void lab.close().then(() => { fs.rmSync(dir, { recursive: true, force: true }); process.exit(sig === 'SIGINT' ? 130 : 143); }); };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await body(dir, lab);
  } finally {
    await lab.close();
    fs.rmSync(dir, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Peak resident set size (VmHWM) of a process, in MB, or null.  @param {number | undefined} pid */
export function peakRssMb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : null;
  } catch {
    return null;
  }
}

/** The p-th percentile (0..100) of numbers, nearest-rank.  @param {readonly number[]} xs  @param {number} p */
export function percentile(xs, p) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
