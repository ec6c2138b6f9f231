/** Runs the built CLI (dist/) as a real process; the test script builds it first. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CLI = path.join(ROOT, 'dist/cli/main.js');
export const FIXTURES = path.resolve(ROOT, 'test/fixtures/asterisk-20');

/** Runs `sipwarden <args>` to completion. */
export function sipwarden(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', ...env }, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A temp directory with a config that keeps every file inside it. */
export function sandbox(extra = ''): { dir: string; config: string; file: (name: string) => string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-test-'));
  const file = (name: string) => path.join(dir, name);
  fs.writeFileSync(file('messages'), '');
  fs.writeFileSync(file('security'), '');
  fs.writeFileSync(file('sipwarden.yaml'), [
    'asterisk:',
    `  logs: [${file('messages')}, ${file('security')}]`,
    'firewall:',
    '  backend: dry-run',
    'store:',
    `  path: ${file('sipwarden.db')}`,
    'failed_auth_log:',
    `  path: ${file('failed-auth.log')}`,
    'web:',
    `  listen: 127.0.0.1:${20_000 + Math.floor(Math.random() * 40_000)}`,
    extra,
  ].join('\n'));
  return { dir, config: file('sipwarden.yaml'), file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Starts the daemon; its JSON log lines are collected in `lines`. */
export function startDaemon(config: string): { proc: ChildProcess; lines: Array<Record<string, unknown>>; stop: (signal?: NodeJS.Signals) => Promise<number | null> } {
  const proc = spawn(process.execPath, [CLI, 'run', '--config', config], { env: { ...process.env, TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ msg: line });
      }
    }
  });
  proc.stderr!.on('data', (d: Buffer) => lines.push({ msg: `stderr: ${d.toString('utf8')}` }));
  const stop = (signal: NodeJS.Signals = 'SIGTERM') =>
    new Promise<number | null>((resolve) => {
      if (proc.exitCode !== null) return resolve(proc.exitCode);
      proc.once('exit', (code) => resolve(code));
      proc.kill(signal);
    });
  return { proc, lines, stop };
}

/** Polls `cond` every 50 ms until it holds or `ms` pass; returns whether it held. Bounded. */
export async function waitFor(cond: () => boolean, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

/** A chan_sip failure line for `ip`, dated now in Asterisk's default format (UTC in tests). */
export function chansipFailure(ip: string, port = 5094, when = new Date()): string {
  const mon = when.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const day = String(when.getUTCDate()).padStart(2, ' ');
  const t = when.toISOString().slice(11, 19);
  return `[${mon} ${day} ${t}] NOTICE[16641] chan_sip.c: Registration from '"200" <sip:200@10.0.0.1>' failed for '${ip}:${port}' - Wrong password\n`;
}
