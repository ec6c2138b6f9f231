/**
 * Cluster mode (README "Many PBXs"): the PBXs of one group share counting and bans
 * through Redis Streams — `<group>:bans` (bans and releases) and `<group>:failures`
 * (counted failures, read only with `count: shared`), each trimmed with MAXLEN ~.
 *
 * One part of the daemon, started and stopped by createDaemon:
 *   outbox  this node's messages (the runner's `cluster` effects, a person's changes) → XADD
 *   link    blocking XREAD of both streams → inbox → the runner (`remote`), as one more input
 * Redis never holds the daemon up: `start` returns at once, a node cut off protects
 * itself with its own engine, says so once, and catches up when Redis is back.
 *
 * Where a restarted node starts reading: bans from the position stored in the store's
 * meta (`cluster_bans`, saved every second and at stop), so it catches up on what it
 * missed; failures from the start of the longest tier window, since the shared counts
 * live in memory only (its own failures come back from its store, as ever).
 */
import { hostname } from 'node:os';
import type { ClusterConfig } from '../config/cluster.js';
import type { Pipeline } from '../daemon/pipeline.js';
import type { Log } from '../domain/log.js';
import type { Engine } from '../engine/index.js';
import type { Store } from '../store/index.js';
import { ChangePublisher } from './changes.js';
import { Inbox, type InboxStats } from './inbox.js';
import { keysOf, RedisLink, type LinkHealth } from './link.js';
import { Outbox, type OutboxStats } from './outbox.js';
import type { ClusterMessage } from './types.js';

export type { ClusterMessage, RemoteMessage } from './types.js';
export { keysOf } from './link.js';

/** The meta key of the bans stream's position. */
export const POSITION_KEY = 'cluster_bans';

export interface ClusterDeps {
  readonly config: ClusterConfig;
  /** How far back shared failures count (the longest tier window, ms). */
  readonly windowMs: number;
  readonly store: Store;
  readonly engine: Pick<Engine, 'release'>;
  readonly log: Pick<Log, 'info' | 'warn'>;
  readonly now: () => number;
  /** Runs a store access, or undefined while the store cannot be used (the daemon's Persistence.guard). */
  readonly guard?: <T>(fn: () => T) => T | undefined;
}

/** What `sipwarden status` and the dashboard show of the cluster. */
export interface ClusterHealth {
  readonly name: string;
  readonly group: string;
  readonly count: 'shared' | 'local';
  readonly link: LinkHealth;
  readonly outbox: OutboxStats;
  readonly inbox: InboxStats;
  /** Nodes of the group and when each was last seen (ms), from their heartbeats. */
  readonly nodes: Readonly<Record<string, number>>;
}

/** The cluster part; see the module comment. */
export interface Cluster {
  readonly name: string;
  /** Where the runner's `cluster` effects go (never waits). */
  publish(m: ClusterMessage): void;
  /** Connects and starts reading; returns at once. */
  start(runner: Pick<Pipeline, 'remote' | 'enforce'>): void;
  /** The daemon's timer: a person's changes published, the position saved (1 s), a heartbeat (5 s). */
  tick(): void;
  health(): ClusterHealth;
  /** Sends what waits (up to 1 s), saves the position, disconnects. */
  stop(): Promise<void>;
}

/** This PBX's name in the cluster: the configured one, else the host name made a plain word. */
export function nodeName(config: ClusterConfig, host: string = hostname()): string {
  return config.name ?? (host.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 63) || 'pbx');
}

/** Builds the cluster part for an enabled `config.cluster`; nothing connects before `start`. */
export function createCluster(deps: ClusterDeps): Cluster {
  const { config, store, log, now } = deps;
  const guard = deps.guard ?? (<T>(fn: () => T) => fn());
  const name = nodeName(config);
  const keys = keysOf(config.group);
  let inbox: Inbox | null = null;
  let savedPosition = guard(() => store.getMeta(POSITION_KEY)) ?? null;
  let lastSave = 0;
  let lastBeat = 0;
  let nodes: Record<string, number> = {};
  const link = new RedisLink({
    endpoint: config.redis, keys, keep: config.keep, log, now,
    onEntries: (_stream, entries) => inbox?.entries(entries),
    onState: (up) => outbox.setUp(up),
  });
  const outbox = new Outbox(name, link.send, log);
  const changes = guard(() => new ChangePublisher(store, (m) => outbox.publish(m))) ?? null;
  // This node's latest failure time per address (two bounded generations), for inbox.ts's "who publishes a shared ban".
  let ownNew = new Map<string, number>();
  let ownOld = new Map<string, number>();
  const publish = (m: ClusterMessage) => {
    if (m.type === 'failure') {
      if (ownNew.size >= 50_000) [ownOld, ownNew] = [ownNew, new Map()];
      ownNew.set(m.ip, Math.max(m.at, ownNew.get(m.ip) ?? ownOld.get(m.ip) ?? 0));
    }
    outbox.publish(m);
  };
  const savePosition = () => {
    const p = link.positions().bans;
    if (p === savedPosition) return;
    if (guard(() => store.setMeta(POSITION_KEY, p)) !== undefined || deps.guard === undefined) savedPosition = p;
  };
  return {
    name,
    publish,
    start(runner) {
      inbox = new Inbox({ name, engine: deps.engine, store, runner, log, now, guard, ownLatest: (ip) => ownNew.get(ip) ?? ownOld.get(ip) });
      const bans = savedPosition && /^\d{1,15}-\d{1,15}$/.test(savedPosition) ? savedPosition : '0-0';
      const failures = config.count === 'shared' ? `${Math.max(0, now() - deps.windowMs)}-0` : null;
      link.start({ bans, failures });
      log.info({ name, group: config.group, count: config.count, from: bans }, 'cluster: joining the group');
    },
    tick() {
      const t = now();
      if (changes) guard(() => changes.poll(t));
      if (t - lastSave >= 1000) {
        lastSave = t;
        savePosition();
      }
      if (t - lastBeat >= 5000) {
        lastBeat = t;
        link.beat(name, t).then((m) => {
          if (m.size) nodes = Object.fromEntries(m);
        }, () => undefined);
      }
    },
    health: () => ({
      name, group: config.group, count: config.count, link: link.health(), outbox: outbox.stats,
      inbox: inbox ? { ...inbox.stats } : { received: 0, applied: 0, own: 0, duplicates: 0, malformed: 0 }, nodes,
    }),
    async stop() {
      if (changes) guard(() => changes.poll(now()));
      await outbox.drain(1000);
      await link.stop();
      savePosition();
    },
  };
}
