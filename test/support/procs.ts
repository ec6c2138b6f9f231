/**
 * Long-running processes for the namespace tests: started inside a network namespace
 * (`ip netns exec NS program …`, which execs the program, so the pid we hold is the
 * program's own), their stdout collected line by line, and all of them killed by one
 * call in afterAll/afterEach.
 *
 * Invariants:
 * - Every process started through a `Procs` is in its set until it has exited;
 *   `killAll()` sends SIGKILL to each (by its own pid, never by name) and waits for
 *   the exits, at most 5 s.
 * - Every process has a hard lifetime (`maxMs`, default 120 s) after which it is
 *   killed, so a test that forgets one cannot leave it running.
 * - Waits are bounded: `waitLine` gives up after its timeout and returns null.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Proc {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Every stdout line so far (stderr lines are prefixed with `stderr: `). */
  readonly lines: string[];
  /** Resolves with the exit code (or null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** The first line from `from` on that satisfies `match`, or null after `timeoutMs`. */
  waitLine(match: (line: string) => boolean, timeoutMs: number, from?: number): Promise<string | null>;
  /** Sends `signal` (default SIGTERM) and waits for the exit, SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

export interface StartOptions {
  /** Hard lifetime in ms. Default 120,000. */
  readonly maxMs?: number;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Write this to stdin and keep stdin open (for processes that take commands). */
  readonly stdin?: 'pipe' | 'ignore';
}

/** A set of processes owned by one test file. */
export class Procs {
  private readonly live = new Set<Proc>();

  /** Starts `cmd args` inside `ns` (null: here). */
  start(ns: string | null, cmd: string, args: readonly string[], opts: StartOptions = {}): Proc {
    const [program, argv] = ns === null ? [cmd, [...args]] : ['ip', ['netns', 'exec', ns, cmd, ...args]];
    const child = spawn(program, argv, {
      stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'], cwd: opts.cwd, env: { ...process.env, TZ: 'UTC', ...opts.env },
    });
    const lines: string[] = [];
    const waiters = new Set<() => void>();
    const wake = () => { for (const w of [...waiters]) w(); };
    const collect = (prefix: string) => {
      let buf = '';
      return (b: Buffer) => {
        buf += b.toString('latin1');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          lines.push(prefix + buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
        wake();
      };
    };
    child.stdout!.on('data', collect(''));
    child.stderr!.on('data', collect('stderr: '));
    child.stdin?.on('error', () => undefined);
    const killer = setTimeout(() => child.kill('SIGKILL'), opts.maxMs ?? 120_000);
    const exited = new Promise<number | null>((resolve) => {
      child.on('error', (e) => { lines.push(`spawn error: ${e.message}`); clearTimeout(killer); this.live.delete(proc); resolve(null); wake(); });
      child.on('exit', (code) => { clearTimeout(killer); this.live.delete(proc); resolve(code); wake(); });
    });
    const proc: Proc = {
      child, pid: child.pid ?? -1, lines, exited,
      waitLine: (match, timeoutMs, from = 0) => new Promise((resolve) => {
        let done = false;
        const check = () => {
          if (done) return;
          const hit = lines.slice(from).find(match);
          if (hit !== undefined || child.exitCode !== null || child.signalCode !== null) finish(hit ?? null);
        };
        const finish = (v: string | null) => { done = true; clearTimeout(timer); waiters.delete(check); resolve(v); };
        const timer = setTimeout(() => finish(lines.slice(from).find(match) ?? null), timeoutMs);
        waiters.add(check);
        check();
      }),
      stop: async (signal = 'SIGTERM', graceMs = 3_000) => {
        if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
        child.kill(signal);
        const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const code = await exited;
        clearTimeout(t);
        return code;
      },
    };
    this.live.add(proc);
    return proc;
  }

  /** SIGKILLs every process still running and waits (at most 5 s) for them to exit. */
  async killAll(): Promise<void> {
    const all = [...this.live];
    for (const p of all) p.child.kill('SIGKILL');
    await Promise.race([Promise.all(all.map((p) => p.exited)), new Promise((r) => setTimeout(r, 5_000))]);
  }
}

/** Parses a JSON log line, or null. */
export function json(line: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(line) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
