/**
 * What PBXs of one cluster tell each other (README "Many PBXs"): a failure this node
 * counted, a ban that holds here, a release by a person. The engine's decisions produce
 * them as `cluster` effects (engine/decide.ts); the cluster part publishes them to Redis
 * Streams and reads the other nodes' back (wire.ts checks every field of those again).
 */
import type { BanTarget, FailureReason, IpAddress } from '../domain/index.js';
import type { BanSource } from '../store/types.js';

/** A counted failed attempt on this PBX (scans are not shared: each node judges its own challenges). */
export interface FailureMessage {
  readonly type: 'failure';
  readonly ip: IpAddress;
  readonly at: number;
  readonly reason: FailureReason;
  readonly service: string;
  /** The account tried: attacker text, carried as data only (stored with a ban, escaped wherever written). */
  readonly account: string;
}

/** A ban in force on this PBX (decided by its policy, or by a person here). */
export interface BanMessage {
  readonly type: 'ban';
  readonly target: BanTarget;
  /** When it was decided. */
  readonly at: number;
  /** Null: until released. */
  readonly until: number | null;
  readonly tier: number;
  readonly reason: string;
  readonly source: BanSource;
}

/** A release by a person on this PBX. */
export interface ReleaseMessage {
  readonly type: 'release';
  readonly target: BanTarget;
  readonly at: number;
  /** Who released it (`web:admin@…`, `cli:root`). */
  readonly by: string;
}

/** What this node publishes. */
export type ClusterMessage = FailureMessage | BanMessage | ReleaseMessage;

/** A message read from the cluster: checked, with the node that published it and its identity there. */
export type RemoteMessage = ClusterMessage & {
  /** The publishing node's name (config `cluster.name`). */
  readonly origin: string;
  /** Unique per message of its origin, kept when a send is retried: duplicates are dropped by it. */
  readonly eid: string;
};
