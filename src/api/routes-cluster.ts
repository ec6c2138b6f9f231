/**
 * `/api/cluster`: this PBX in its cluster group for the dashboard's Cluster panel — its
 * name and group, whether Redis is reachable, the nodes seen (from their heartbeats)
 * and when. Reads what the daemon's cluster part already tracks (cluster/index.ts
 * `health()`); `node: null` when cluster mode is off.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ClusterHealth } from '../cluster/index.js';
import type { ApiDeps } from './deps.js';
import { ROUTES, type ClusterView } from './schemas/index.js';

/** The dashboard's view of {@link ClusterHealth}. */
export function clusterView(h: ClusterHealth | null, now: number): ClusterView {
  if (!h) return { node: null, now };
  return {
    now,
    node: {
      name: h.name, group: h.group, count: h.count,
      redis: { state: h.link.state, since: h.link.since, lastError: h.link.lastError },
      nodes: Object.entries(h.nodes).map(([name, lastSeen]) => ({ name, lastSeen })).sort((a, b) => b.lastSeen - a.lastSeen || a.name.localeCompare(b.name)),
      received: h.inbox.received, applied: h.inbox.applied,
    },
  };
}

/** Registers the cluster route on the `/api` context. */
export function registerClusterRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get('/cluster', { schema: ROUTES['GET /api/cluster'] }, async () => clusterView(deps.cluster?.() ?? null, deps.now()));
}
