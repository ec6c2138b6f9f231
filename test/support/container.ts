/**
 * A clean Debian 12 system with a real systemd as PID 1, for the package test: a
 * debootstrap tree (cached between runs on one machine) copied afresh for each test
 * and booted with systemd-nspawn in a network namespace of its own.
 *
 * Invariants:
 * - The cached tree is never booted or changed: each container boots a copy, which
 *   `stop()` removes. A cache directory holds a tree only once debootstrap finished
 *   (built under a temporary name, then renamed), so an interrupted run leaves no
 *   half tree behind to be reused.
 * - The cache key is the suite, variant, mirror and package list: another list is
 *   another tree. Only debootstrap reaches the network (Debian's mirror); the
 *   container has `--private-network` (loopback only), so nothing it does (its
 *   nftables included) touches the host's network.
 * - The host has no systemd as PID 1, hence `--register=no --keep-unit`; commands
 *   reach the container with `nsenter -t <its PID 1> -a`.
 * - Every wait is bounded; `stop()` powers the container off, kills what is left by
 *   the PIDs this module started (never by name), and always removes the copy.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where debootstrap trees are kept between runs (override: SIPWARDEN_TEST_CACHE). */
export const CACHE_DIR = process.env.SIPWARDEN_TEST_CACHE ?? '/var/cache/sipwarden-test';
/** Debian's mirror debootstrap fetches from (override: SIPWARDEN_TEST_MIRROR). */
export const MIRROR = process.env.SIPWARDEN_TEST_MIRROR ?? 'http://deb.debian.org/debian';

const BASE_PACKAGES = ['systemd', 'systemd-sysv', 'dbus'];
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** What a command in the container printed and how it ended. */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * The cached debootstrap tree of Debian 12 (minbase, with systemd and `packages`), built
 * if missing. Returns its directory and whether it was built now, and how long that took.
 */
export function debianTree(packages: readonly string[], log: (s: string) => void = () => undefined): { dir: string; built: boolean; ms: number } {
  const list = [...new Set([...BASE_PACKAGES, ...packages])].sort();
  const key = createHash('sha256').update(JSON.stringify({ suite: 'bookworm', variant: 'minbase', mirror: MIRROR, list })).digest('hex').slice(0, 16);
  const dir = join(CACHE_DIR, `bookworm-${key}`);
  if (existsSync(join(dir, 'root/usr/lib/systemd/systemd'))) return { dir: join(dir, 'root'), built: false, ms: 0 };
  mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  log(`debootstrap bookworm (${list.join(',')}) into ${dir}`);
  const t0 = Date.now();
  const r = spawnSync('debootstrap', ['--variant=minbase', `--include=${list.join(',')}`, 'bookworm', join(tmp, 'root'), MIRROR], { encoding: 'utf8', timeout: 15 * 60_000 });
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`debootstrap failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout).slice(-2000)}`);
  }
  // No apt lists or downloaded archives in the cache: every container starts alike.
  rmSync(join(tmp, 'root/var/cache/apt/archives'), { recursive: true, force: true });
  mkdirSync(join(tmp, 'root/var/cache/apt/archives/partial'), { recursive: true });
  writeFileSync(join(tmp, 'packages'), `${list.join('\n')}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return { dir: join(dir, 'root'), built: true, ms: Date.now() - t0 };
}

/** A booted container. */
export interface Container {
  /** The container's root directory on the host (files may be copied in and read here). */
  readonly root: string;
  /** The container's PID 1 (systemd) as the host sees it. */
  readonly pid: number;
  /** Runs `argv` inside the container (all its namespaces), as root, with a plain environment. */
  run(argv: readonly string[], opts?: { input?: string; timeoutMs?: number }): RunResult;
  /** Like run, but throws with the output unless the command succeeds. */
  must(argv: readonly string[], opts?: { input?: string; timeoutMs?: number }): string;
  /** Runs a shell script inside the container. */
  sh(script: string, timeoutMs?: number): RunResult;
  /** Copies a host file into the container at `path`. */
  copyIn(hostFile: string, path: string): void;
  /** Powers off, kills what is left, removes the copy. Never throws. */
  stop(): Promise<void>;
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Boots a copy of `tree` under `workDir` (which must not exist) with systemd-nspawn and
 * waits until systemd inside reports the boot finished. The console goes to
 * `<workDir>/console.log`.
 */
export async function bootContainer(tree: string, workDir: string, name: string): Promise<Container> {
  const root = join(workDir, 'root');
  mkdirSync(workDir, { recursive: true });
  const cp = spawnSync('cp', ['-a', '--reflink=auto', tree, root], { encoding: 'utf8', timeout: 5 * 60_000 });
  if (cp.status !== 0) throw new Error(`copying the tree failed: ${cp.stderr}`);
  writeFileSync(join(root, 'etc/hostname'), `${name}\n`);
  const consoleLog = openSync(join(workDir, 'console.log'), 'w');
  let nspawn: ChildProcess;
  try {
    nspawn = spawn('systemd-nspawn', ['-D', root, '--boot', '--register=no', '--keep-unit', '--private-network', '--console=pipe', `--machine=${name}`],
      { stdio: ['ignore', consoleLog, consoleLog], detached: true });
  } finally {
    closeSync(consoleLog);
  }
  const nspawnPid = nspawn.pid;
  if (nspawnPid === undefined) throw new Error('systemd-nspawn did not start');
  let exited = false;
  nspawn.on('exit', () => { exited = true; });

  // nspawn's child is the container's PID 1 once it has exec'd systemd (before that it is nspawn setting up).
  let pid = 0;
  for (let i = 0; i < 300 && pid === 0 && !exited; i++) {
    await sleep(100);
    pid = childrenOf(nspawnPid).find((p) => commOf(p) === 'systemd') ?? 0;
  }
  const run = (argv: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): RunResult => {
    const r = spawnSync('nsenter', ['-t', String(pid), '-a', 'env', '-i', `PATH=${PATH}`, 'LANG=C.UTF-8', 'TERM=dumb', 'DEBIAN_FRONTEND=noninteractive', ...argv],
      { encoding: 'utf8', input: opts.input, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 });
    return { code: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? `\n${r.error.message}` : '') };
  };
  const stop = async () => {
    try {
      if (pid && alive(pid)) run(['systemctl', 'poweroff', '--no-block'], { timeoutMs: 10_000 });
      for (let i = 0; i < 150 && !exited; i++) await sleep(100);
      if (!exited && pid && alive(pid)) process.kill(pid, 'SIGKILL'); // the container's PID 1: its whole PID namespace goes
      for (let i = 0; i < 50 && !exited; i++) await sleep(100);
      if (!exited) process.kill(nspawnPid, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(workDir, { recursive: true, force: true });
  };
  const c: Container = {
    root, pid, run, stop,
    must: (argv, opts) => {
      const r = run(argv, opts);
      if (r.code !== 0) throw new Error(`${argv.join(' ')} -> ${r.code}\n${r.stdout}\n${r.stderr}`);
      return r.stdout;
    },
    sh: (script, timeoutMs) => run(['sh', '-c', script], { timeoutMs }),
    copyIn: (hostFile, path) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      cpSync(hostFile, join(root, path));
    },
  };
  if (pid === 0) {
    const said = readFileSync(join(workDir, 'console.log'), 'utf8').slice(-2000);
    await stop();
    throw new Error(`systemd-nspawn exited before the container started: ${said}`);
  }
  // systemctl answers once systemd's own socket is up; --wait then waits for the boot to finish.
  let booted = run(['systemctl', 'is-system-running', '--wait'], { timeoutMs: 90_000 });
  for (let i = 0; i < 120 && /^(offline|unknown)?$/.test(booted.stdout.trim()); i++) {
    await sleep(250);
    booted = run(['systemctl', 'is-system-running', '--wait'], { timeoutMs: 90_000 });
  }
  if (!['running', 'degraded'].includes(booted.stdout.trim())) {
    const why = run(['systemctl', '--failed', '--no-pager']).stdout;
    await stop();
    throw new Error(`the container did not boot: ${booted.stdout} ${booted.stderr}\n${why}`);
  }
  return c;
}
