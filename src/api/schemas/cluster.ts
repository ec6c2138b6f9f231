/** `/api/cluster`: this PBX in its cluster group (README "Many PBXs"), or that cluster mode is off. */
import Type, { type Static } from 'typebox';
import { Closed, Nullable } from './common.js';

/** `GET /api/cluster`; `node` is null when cluster mode is off. */
export const ClusterView = Closed({
  node: Nullable(Closed({
    name: Type.String(),
    group: Type.String(),
    count: Type.Enum(['shared', 'local'], { type: 'string' }),
    /** The Redis connection: its state, since when (ms), and the last error. */
    redis: Closed({ state: Type.Enum(['connecting', 'up', 'down'], { type: 'string' }), since: Type.Integer(), lastError: Nullable(Type.String()) }),
    /** The group's nodes from their heartbeats, newest first. */
    nodes: Type.Array(Closed({ name: Type.String(), lastSeen: Type.Integer() })),
    /** Bans and failures received from other nodes, and applied. */
    received: Type.Integer(),
    applied: Type.Integer(),
  })),
  now: Type.Integer(),
});
export type ClusterView = Static<typeof ClusterView>;
