/** `/api/stats`, `/api/health` and `/api/audit`: read-only views for the overview and the audit trail. */
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from './deps.js';

const NO_QUERY = { type: 'object', additionalProperties: false } as const;

const AUDIT_QUERY = {
  type: 'object', additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } },
} as const;

/** Registers the status routes on the `/api` context. */
export function registerStatusRoutes(api: FastifyInstance, deps: ApiDeps): void {
  api.get('/stats', { schema: { querystring: NO_QUERY } }, async () => deps.stats(deps.now()));
  api.get('/health', { schema: { querystring: NO_QUERY } }, async () => ({
    ...deps.health(),
    protection: deps.controls.protection(),
    now: deps.now(),
  }));
  api.get<{ Querystring: { limit?: number } }>('/audit', { schema: { querystring: AUDIT_QUERY } }, async (req) => ({
    rows: deps.store.listAudit(req.query.limit ?? 100),
  }));
}
