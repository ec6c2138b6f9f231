/**
 * Entries read from the cluster's streams, on their way into this node: checked
 * (wire.ts), this node's own skipped, copies dropped, then handed to the runner as one
 * more input — or, for a release by a person, applied like a release here.
 *
 * Invariants:
 * - An entry whose origin is this node's name is never applied (this node already did).
 * - An event (origin, eid) is applied at most once while it is remembered: two
 *   generations of 50,000 identities, so a batch the origin sent again after a broken
 *   connection is dropped, and memory stays bounded.
 * - Order between nodes: a ban decided before this node's latest release of the same
 *   target is not applied (the release came later), and a release does not lift a ban
 *   this node made after that release. Expired bans are never applied (decisions.ts).
 * - A malformed entry is dropped and said once per kind of problem.
 */
import type { Pipeline } from '../daemon/pipeline.js';
import type { Engine } from '../engine/index.js';
import type { Log } from '../domain/log.js';
import type { Store } from '../store/index.js';
import type { StreamEntry } from './link.js';
import type { RemoteMessage } from './types.js';
import { decode } from './wire.js';

export interface InboxDeps {
  readonly name: string;
  readonly engine: Pick<Engine, 'release'>;
  readonly store: Pick<Store, 'lastReleaseAt' | 'getActiveBan' | 'releaseBan'>;
  /** The runner's doors: a remote failure or ban as one more input; firewall changes. */
  readonly runner: Pick<Pipeline, 'remote' | 'enforce'>;
  readonly log: Pick<Log, 'info' | 'warn'>;
  readonly now: () => number;
  /** The time of this node's own latest published failure of `ip`, if it is remembered. */
  readonly ownLatest: (ip: string) => number | undefined;
  /** Runs a store access; undefined when the store cannot be used now (the daemon's guard). */
  readonly guard: <T>(fn: () => T) => T | undefined;
}

/** What the inbox did. */
export interface InboxStats {
  received: number;
  applied: number;
  own: number;
  duplicates: number;
  malformed: number;
}

const GENERATION = 50_000;

export class Inbox {
  readonly stats: InboxStats = { received: 0, applied: 0, own: 0, duplicates: 0, malformed: 0 };
  /** Each other node's latest message time (ms, its clock). */
  readonly lastSeen = new Map<string, number>();
  #seen = new Set<string>();
  #older = new Set<string>();
  readonly #said = new Set<string>();

  constructor(private readonly deps: InboxDeps) {}

  /** Entries of one stream, in order (RedisLink's `onEntries`). */
  entries(entries: readonly StreamEntry[]): void {
    for (const [, fields] of entries) {
      this.stats.received++;
      const d = decode(fields);
      if ('problem' in d) {
        this.malformed(d.problem);
        continue;
      }
      const m = d.message;
      if (m.origin === this.deps.name) {
        this.stats.own++;
        continue;
      }
      if (!this.first(`${m.origin}\u0000${m.eid}`)) {
        this.stats.duplicates++;
        continue;
      }
      if (this.lastSeen.size < 10_000 || this.lastSeen.has(m.origin)) this.lastSeen.set(m.origin, Math.max(this.lastSeen.get(m.origin) ?? 0, m.at));
      this.stats.applied++;
      this.apply(m);
    }
  }

  private apply(m: RemoteMessage): void {
    if (m.type === 'failure') {
      // Of the nodes a shared count bans at once, the one whose own failure is the latest publishes the ban.
      const own = this.deps.ownLatest(m.ip);
      this.deps.runner.remote(m, own !== undefined && (own > m.at || (own === m.at && this.deps.name < m.origin)));
      return;
    }
    if (m.type === 'ban') {
      const released = this.deps.guard(() => this.deps.store.lastReleaseAt(m.target)) ?? null;
      if (released === null || released < m.at) this.deps.runner.remote(m); // else: released here after that ban was decided
      return;
    }
    const now = this.deps.now();
    const active = this.deps.guard(() => this.deps.store.getActiveBan(m.target, now)) ?? null;
    if (active && active.createdAt > m.at) return; // banned here again after that release
    const by = `${m.by} on ${m.origin}`;
    const wasBanned = this.deps.engine.release(m.target, now);
    const stored = active ? this.deps.guard(() => this.deps.store.releaseBan(m.target, now, by)) : null;
    if (!wasBanned && !stored) return;
    this.deps.runner.enforce([{ op: 'unban', ip: m.target }]);
    this.deps.log.info({ ip: m.target, by, origin: m.origin }, 'released on the word of another PBX of the cluster');
  }

  private first(key: string): boolean {
    if (this.#seen.has(key) || this.#older.has(key)) return false;
    if (this.#seen.size >= GENERATION) {
      this.#older = this.#seen;
      this.#seen = new Set();
    }
    this.#seen.add(key);
    return true;
  }

  private malformed(problem: string): void {
    this.stats.malformed++;
    if (this.#said.has(problem) || this.#said.size > 20) return;
    this.#said.add(problem);
    this.deps.log.warn({ problem }, 'cluster: dropped a stream entry that is not a valid message (said once per kind of problem)');
  }
}
