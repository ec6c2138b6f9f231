/**
 * `sipwarden status` asks the running daemon itself how its store is, over its own API
 * on this host (`GET /api/live`, loopback only): when the store is what fails, the
 * heartbeat and statistics the daemon keeps in it go stale, but the daemon still knows.
 */
import http from 'node:http';
import https from 'node:https';
import type { StoreHealth } from '../api/index.js';
import type { Live as LiveReply } from '../api/schemas/index.js';
import type { Config } from '../config/index.js';

/** What the daemon says about itself. */
export interface Live {
  readonly pid: number;
  readonly store: StoreHealth | null;
  /** Protection as the daemon enforces it now; null from a daemon too old to say. */
  readonly protection: 'on' | 'off' | null;
  /** This PBX in its cluster group; null: cluster mode off; undefined: a daemon too old to say. */
  readonly cluster?: LiveReply['cluster'];
}

/** Asks the daemon at `config.web.listen`; null if nothing answers within `timeoutMs`. */
export function readLive(config: Config, timeoutMs = 1500): Promise<Live | null> {
  const { host, port } = config.web.listen;
  const to = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  // Its own certificate may name another host: this only reads a status shown to the caller.
  const get = config.web.tls ? (o: https.RequestOptions, cb: (r: http.IncomingMessage) => void) => https.get({ ...o, rejectUnauthorized: false }, cb) : http.get;
  return new Promise((resolve) => {
    const req = get({ host: to, port, path: '/api/live', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < 1_000_000) body += c;
      });
      res.on('end', () => {
        try {
          const v = JSON.parse(body) as Partial<Live>;
          resolve(res.statusCode === 200 && typeof v.pid === 'number'
            ? { pid: v.pid, store: v.store ?? null, protection: v.protection === 'on' || v.protection === 'off' ? v.protection : null, cluster: v.cluster }
            : null);
        } catch {
          resolve(null);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

/** The store's lines of `status`: one when all is well, else each fault with what to do, and what waits. */
export function storeLines(h: StoreHealth | null, path: string): string[] {
  if (h === null) return [`store:            ${path}`];
  const lines = [`store:            ${path} — ${h.state === 'ok' ? 'ok' : 'DEGRADED'}`];
  for (const f of h.faults) {
    lines.push(`  FAULT ${f.part}: ${f.kind} (${f.code}) since ${new Date(f.since).toISOString()}, ${f.failures} failed tries; retrying`);
    lines.push(`    fix: ${f.advice}`);
  }
  const p = h.pending;
  if (p.failures || p.bans || p.logLines) lines.push(`  waiting in memory: ${p.failures} failures, ${p.bans} bans, ${p.logLines} failed-auth log lines (written when it works again)`);
  const d = h.dropped;
  if (d.failures || d.bans || d.logLines) lines.push(`  DROPPED (too much waited): ${d.failures} failures, ${d.bans} bans, ${d.logLines} failed-auth log lines`);
  if (h.reset) lines.push(`  at start: ${h.reset.message}`);
  return lines;
}

/** `status` when the store cannot even be opened here, but the daemon answered: what it says, and why the rest is missing. */
export function liveOnly(live: Live, path: string, err: string, json: boolean): string {
  if (json) return `${JSON.stringify({ running: true, pid: live.pid, storeHealth: live.store, storeError: err })}\n`;
  return [
    `sipwarden is running (pid ${live.pid})`,
    ...storeLines(live.store, path),
    `(bans and failures not shown: the store cannot be opened here: ${err})`,
  ].join('\n') + '\n';
}

/**
 * The protection line of `status`: what the running daemon does now, never only what the
 * file says; the file's value too when they differ (edited since the start), or when no
 * daemon answered.
 */
export function protectionLine(live: Live | null, file: 'on' | 'off'): string {
  if (live?.protection == null) return `${file} in the config file (${live ? 'the daemon did not say what it enforces' : 'no daemon answered'})`;
  if (live.protection === file) return live.protection;
  return `${live.protection} (in force in the daemon; the config file now says ${file}: restart sipwarden to use it)`;
}

/**
 * The cluster's lines of `status` (README "Many PBXs"): this node, its group, Redis, and
 * each node of the group with when it was last heard of. Node names come from other
 * PBXs through Redis: passed through `text` (terminal-safe) by the caller.
 */
export function clusterLines(c: Live['cluster'], configured: boolean, now: number, text: (s: string) => string): string[] {
  if (!configured) return [];
  if (c === undefined) return ['cluster:          configured; state unknown (is the daemon running?)'];
  if (c === null) return ['cluster:          configured, but the running daemon has it off (restart sipwarden to use the file)'];
  const ago = (t: number) => `${Math.max(0, Math.round((now - t) / 1000))} s ago`;
  const redis = c.redis.state === 'up' ? 'reachable' : `${c.redis.state === 'down' ? 'UNREACHABLE' : 'connecting'} since ${new Date(c.redis.since).toISOString()}${c.redis.lastError ? ` (${text(c.redis.lastError)})` : ''}`;
  return [
    `cluster:          node ${text(c.name)} in group ${text(c.group)}, counting ${c.count}; Redis ${redis}`,
    ...c.nodes.map((n) => `  ${text(n.name).padEnd(20)} last seen ${ago(n.lastSeen)}`),
    `  received from other nodes: ${c.received}, applied here: ${c.applied}`,
  ];
}
