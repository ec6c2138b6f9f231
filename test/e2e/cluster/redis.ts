/**
 * A real redis-server (Debian's package; scripts/setup --for-tests installs it) owned by
 * one test file: on a free loopback port, no persistence, its files in a temp dir.
 * Killed by its own pid (Procs), never by name; every wait bounded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Procs, type Proc } from '../../support/procs.js';

export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** Kills the server (SIGKILL: like a crash), data lost. */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  restart(): Promise<void>;
  /** Stops it and removes its files. */
  close(): Promise<void>;
}

/** A free TCP port on loopback (released before redis-server takes it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on `port`, or rejects after `timeoutMs`. */
async function accepting(port: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (let i = 0; i < 200 && Date.now() < end; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => { c.destroy(); resolve(true); });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/** Starts a redis-server for this test file. `maxMs`: its hard lifetime. */
export async function startRedis(opts: { maxMs?: number } = {}): Promise<TestRedis> {
  const procs = new Procs();
  const dir = mkdtempSync(join(tmpdir(), 'sipwarden-redis-'));
  const port = await freePort();
  let proc: Proc | null = null;
  const start = async () => {
    proc = procs.start(null, 'redis-server', [
      '--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir,
      '--protected-mode', 'yes', '--daemonize', 'no', '--loglevel', 'warning',
    ], { maxMs: opts.maxMs ?? 300_000 });
    await accepting(port, 5000);
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    async kill() {
      await proc?.stop('SIGKILL', 1000);
      proc = null;
    },
    restart: start,
    async close() {
      await procs.killAll();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
