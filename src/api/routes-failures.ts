/**
 * `/api/failures`: the failure history (filters, time range, paging, newest first) and
 * `/api/failures/stream`, the live log as server-sent events.
 *
 * Stream contract: `event: failure` with one JSON `Failure` (schemas/failures.ts) per `data:` line
 * (JSON escapes CR/LF, so attacker text cannot end a field or forge an event), a
 * comment every 15 s to keep proxies from timing out, at most `maxStreams` open at
 * once, and a client that stops reading (over 1 MiB buffered) is disconnected.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { FailureQuery, FailureRow } from '../store/index.js';
import type { ApiDeps } from './deps.js';
import { ApiError, invalid, type Problem } from './errors.js';
import { placed } from './geo.js';
import { SECURITY_HEADERS } from './headers.js';
import { ROUTES, type Failure } from './schemas/index.js';

const TIME_HINT = 'expected a time like 2026-11-24T19:00:00Z or milliseconds since 1970';

/** Milliseconds since the epoch from `1732474800000` or an ISO 8601 time; a problem otherwise. */
export function parseTime(text: string, path: string): number | Problem {
  const s = text.trim();
  const ms = /^\d{1,15}$/.test(s) ? Number(s) : /^\d{4}-\d\d-\d\d/.test(s) ? Date.parse(s) : Number.NaN;
  return Number.isFinite(ms) ? ms : { path, message: `${TIME_HINT}, got ${JSON.stringify(s.slice(0, 40))}` };
}

const BACKLOG_LIMIT = 1024 * 1024;

/** Registers the failure routes on the `/api` context. */
export function registerFailureRoutes(app: FastifyInstance, deps: ApiDeps, opts: { maxStreams: number }): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get('/failures', { schema: ROUTES['GET /api/failures'] }, async (req) => {
    const { from, to, limit, ...rest } = req.query;
    const q: { -readonly [K in keyof FailureQuery]: FailureQuery[K] } = { ...rest, limit: limit ?? 100 };
    const problems: Problem[] = [];
    for (const [key, text] of [['from', from], ['to', to]] as const) {
      if (text === undefined) continue;
      const t = parseTime(text, key);
      if (typeof t === 'number') q[key] = t;
      else problems.push(t);
    }
    if (problems.length) throw invalid(problems);
    const page = deps.store.listFailures(q);
    return deps.where ? { ...page, rows: page.rows.map((r) => placed(r, deps.where)) } : page;
  });

  const open = new Set<() => void>();
  api.addHook('onClose', async () => {
    for (const end of [...open]) end();
  });

  api.get('/failures/stream', { schema: ROUTES['GET /api/failures/stream'] }, async (req, reply) => {
    if (open.size >= opts.maxStreams) throw new ApiError('BUSY');
    const f = req.query;
    const wanted = (r: FailureRow) => (f.ip === undefined || r.ip === f.ip) && (f.account === undefined || r.account === f.account)
      && (f.service === undefined || r.service === f.service) && (f.reason === undefined || r.reason === f.reason);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n: connected\n\n');
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      unsubscribe();
      clearInterval(ping);
      open.delete(end);
      res.end();
    };
    const send = (chunk: string) => {
      if (ended) return;
      if (res.writableLength > BACKLOG_LIMIT) {
        res.destroy();
        end();
        return;
      }
      res.write(chunk);
    };
    const unsubscribe = deps.onFailure((row) => {
      if (wanted(row)) send(`event: failure\ndata: ${JSON.stringify(placed(row, deps.where) satisfies Failure)}\n\n`);
    });
    const ping = setInterval(() => send(': ping\n\n'), 15_000);
    ping.unref();
    open.add(end);
    req.raw.once('close', end);
    res.once('close', end);
  });
}
