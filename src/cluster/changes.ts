/**
 * A person's bans and releases on this PBX (CLI or dashboard: the store's change queue)
 * go to the cluster too, so a release on any node releases everywhere.
 *
 * Invariant: every change row is published at most once, in id order: the last one
 * published is kept in the store's meta (`cluster_changes`), so a restart goes on after
 * it; a node that joins the cluster starts after the newest row (what came before it
 * joined stays its own). Releases that came from the cluster are written without a
 * change row (inbox.ts), so they are never published back.
 */
import type { Store } from '../store/index.js';
import type { ClusterMessage } from './types.js';

/** The meta key of the last change row published. */
export const CHANGES_KEY = 'cluster_changes';

export class ChangePublisher {
  #last: number;

  constructor(
    private readonly store: Pick<Store, 'changesSince' | 'latestChangeId' | 'getActiveBan' | 'listBans' | 'getMeta' | 'setMeta'>,
    private readonly publish: (m: ClusterMessage) => void,
  ) {
    const stored = Number(store.getMeta(CHANGES_KEY));
    this.#last = store.getMeta(CHANGES_KEY) !== null && Number.isSafeInteger(stored) ? stored : store.latestChangeId();
  }

  /** Publishes the change rows written since the last call. Throws if the store cannot be read (the caller guards). */
  poll(now: number): void {
    const before = this.#last;
    for (const c of this.store.changesSince(this.#last)) {
      this.#last = c.id;
      if (c.kind === 'ban') {
        const b = this.store.getActiveBan(c.ip, now);
        // The ban in force after the person's (merged with one already active, if any).
        if (b) this.publish({ type: 'ban', target: b.ip, at: c.at, until: b.expiresAt, tier: b.tier, reason: b.reason, source: b.source });
      } else {
        const b = this.store.listBans({ ip: c.ip, state: 'released', limit: 1, sort: 'created_at', order: 'desc' }, now).rows[0];
        this.publish({ type: 'release', target: c.ip, at: c.at, by: b?.releasedBy ?? 'a person' });
      }
    }
    if (this.#last !== before) this.store.setMeta(CHANGES_KEY, String(this.#last));
  }
}
