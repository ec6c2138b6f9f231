/**
 * What the fault tests share: a temp directory with a config whose store and
 * failed-auth log live where the test says (a small tmpfs, a directory it will make
 * read-only), an alert command that appends each alert to a file, the daemon's live
 * word (`/api/live`), the store read by a second connection, and failure lines.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { chansipFailure } from '../../support/cli.js';

export interface FaultBox {
  readonly dir: string;
  readonly config: string;
  readonly messages: string;
  readonly storePath: string;
  readonly faillogPath: string;
  readonly port: number;
  /** Alerts sent so far (each one JSON object). */
  alerts(): Array<Record<string, unknown>>;
  cleanup(): void;
}

/** A config over `dataDir` (store and failed-auth log), everything else in a fresh temp directory. */
export function faultBox(dataDir: string | null, purpose: string, extra = ''): FaultBox {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sipwarden-${purpose}-`));
  const data = dataDir ?? dir;
  const f = (n: string) => path.join(dir, n);
  const port = 20_000 + Math.floor(Math.random() * 40_000);
  fs.writeFileSync(f('messages'), '');
  // The alert command: a program (never a shell line) writing each alert to a file of its own (two may run at once).
  fs.mkdirSync(f('alerts'));
  fs.writeFileSync(f('alert'), '#!/bin/sh\ncat > "$1/$(date +%s%N)-$$.json"\n', { mode: 0o755 });
  fs.writeFileSync(f('sipwarden.yaml'), [
    'asterisk:', `  logs: [${f('messages')}]`,
    'firewall:', '  backend: dry-run',
    'store:', `  path: ${path.join(data, 'sipwarden.db')}`,
    'failed_auth_log:', `  path: ${path.join(data, 'failed-auth.log')}`,
    'web:', `  listen: 127.0.0.1:${port}`,
    'accounts:', '  discover: false',
    'alerts:', `  command: ${f('alert')} ${f('alerts')}`,
    extra,
  ].join('\n'));
  return {
    dir, config: f('sipwarden.yaml'), messages: f('messages'), port,
    storePath: path.join(data, 'sipwarden.db'), faillogPath: path.join(data, 'failed-auth.log'),
    alerts: () => fs.readdirSync(f('alerts')).sort().flatMap((name) => {
      const text = fs.readFileSync(path.join(f('alerts'), name), 'utf8');
      return text ? [JSON.parse(text) as Record<string, unknown>] : []; // an alert still being written shows up at the next look
    }),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** What `/api/live` says, or null if the daemon does not answer. */
export interface Live {
  pid: number;
  attempts: number | null;
  store: {
    state: 'ok' | 'degraded';
    faults: Array<{ part: string; kind: string; code: string; advice: string; failures: number; since: number }>;
    pending: { failures: number; bans: number; logLines: number };
    dropped: { failures: number; bans: number; logLines: number };
    reset: { aside: string; message: string } | null;
  } | null;
}

export async function live(box: FaultBox): Promise<Live | null> {
  try {
    const r = await fetch(`http://127.0.0.1:${box.port}/api/live`, { signal: AbortSignal.timeout(2000) });
    return r.ok ? ((await r.json()) as Live) : null;
  } catch {
    return null;
  }
}

/** Polls `cond` (async) every 100 ms until it holds or `ms` pass. */
export async function until(cond: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cond();
}

/** The store as a second, read-only connection sees it: failure rows, distinct lines, active bans. */
export function storeCounts(file: string): { rows: number; lines: number; bans: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT count(*) AS n, count(DISTINCT line) AS l FROM failures').get() as { n: number; l: number };
    const bans = db.prepare('SELECT count(*) AS n FROM bans WHERE released_at IS NULL AND (expires_at IS NULL OR expires_at > ?)').get(Date.now()) as { n: number };
    return { rows: rows.n, lines: rows.l, bans: bans.n };
  } finally {
    db.close();
  }
}

/** The FAILED lines of the failed-auth log: how many, how many distinct `source:line`, and per address. */
export function faillogCounts(file: string): { failed: number; distinct: number; byIp: Map<string, number> } {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const failed = text.split('\n').filter((l) => / FAILED /.test(l));
  const byIp = new Map<string, number>();
  for (const l of failed) {
    const ip = / ip=(\S+) /.exec(l)?.[1] ?? '?';
    byIp.set(ip, (byIp.get(ip) ?? 0) + 1);
  }
  return { failed: failed.length, distinct: new Set(failed.map((l) => / source=(".*":\d+)$/.exec(l)?.[1])).size, byIp };
}

/** `n` chan_sip failure lines: addresses `base`.. fail once, except every `everyNth` one, which fails twice in a row (banned at its second). */
export function failureLines(n: number, opts: { first?: number; everyNth?: number; when?: Date } = {}): { text: string; attackers: string[] } {
  const out: string[] = [];
  const attackers: string[] = [];
  const when = opts.when ?? new Date();
  for (let i = opts.first ?? 0; out.length < n; i++) {
    const ip = `${11 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.9`; // distinct for every i below 2^24, none internal
    out.push(chansipFailure(ip, 5060, when));
    if (opts.everyNth && i % opts.everyNth === 0 && out.length < n) {
      out.push(chansipFailure(ip, 5061, when));
      attackers.push(ip);
    }
  }
  return { text: out.join(''), attackers };
}

/** Appends `text` to `file` in pieces of about `lines` lines, pausing `pauseMs` between them. */
export async function appendInPieces(file: string, text: string, lines: number, pauseMs: number): Promise<void> {
  const all = text.split(/(?<=\n)/);
  for (let i = 0; i < all.length; i += lines) {
    fs.appendFileSync(file, all.slice(i, i + lines).join(''));
    if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
  }
}
