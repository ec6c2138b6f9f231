/**
 * `/api/stats`, `/api/health` and `/api/audit`: read-only views for the overview and the
 * audit trail; `/api/live`: the daemon's own word on its store for `sipwarden status`
 * on the same host (no session: the store that holds sessions may be what fails).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from './deps.js';
import { ApiError } from './errors.js';
import { clusterView } from './routes-cluster.js';
import { ROUTES } from './schemas/index.js';

/** Registers the status routes on the `/api` context. */
export function registerStatusRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get('/stats', { schema: ROUTES['GET /api/stats'] }, async () => deps.stats(deps.now()));
  api.get('/health', { schema: ROUTES['GET /api/health'] }, async () => ({
    ...deps.health(),
    protection: deps.controls.protection(),
    now: deps.now(),
  }));
  // Loopback callers only, and only what `status` prints: the pid, the attempts counted since start, the store's health.
  api.get('/live', { schema: ROUTES['GET /api/live'], config: { public: true } }, async (req) => {
    if (!isLoopback(req.socket.remoteAddress)) throw new ApiError('AUTH_REQUIRED');
    return { pid: process.pid, now: deps.now(), attempts: deps.metrics().attempts_total ?? null, store: deps.health().store ?? null, protection: deps.controls.protection(), cluster: clusterView(deps.cluster?.() ?? null, deps.now()).node };
  });
  api.get('/audit', { schema: ROUTES['GET /api/audit'] }, async (req) => ({
    rows: deps.store.listAudit(req.query.limit ?? 100),
  }));
}

function isLoopback(addr: string | undefined): boolean {
  return addr !== undefined && (addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.'));
}
