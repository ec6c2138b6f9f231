/**
 * Manual bans and releases in the running daemon, through two doors:
 * - the dashboard calls `ban` / `release` in the daemon's own process: the ban (or its
 *   end), its audit entry and a change row are written in one store transaction, then
 *   the change is put into force at once — engine, then firewall through the pipeline;
 * - the CLI, another process, writes the same rows; the control loop calls `poll()`
 *   (every 250 ms) to apply what it queued.
 *
 * Invariant: every change row is applied exactly once, in id order. `#last` is the id of
 * the last row applied. An in-process call writes its row and applies the rows up to and
 * including it in the same synchronous turn (no timer, no request runs in between), so
 * the loop's next poll starts after it: the dashboard's change is never applied twice. A
 * CLI row committed just before it is applied in its place, not skipped.
 */
import { storeBans, type StoreBans } from '../api/controls.js';
import type { BanActions, Released } from '../api/deps.js';
import type { Engine } from '../engine/index.js';
import type { BanRecord, ManualBan, ManualRelease, Store } from '../store/index.js';
import type { Pipeline, PipelineLog } from './pipeline.js';
import { applyChanges } from './restore.js';

export interface ManualDeps {
  readonly store: Store;
  readonly engine: Engine;
  readonly pipeline: Pick<Pipeline, 'enforce'>;
  readonly log: PipelineLog;
  readonly now: () => number;
}

/** The daemon's {@link BanActions} and its change-queue poller; see the module comment. */
export class ManualChanges implements BanActions {
  #last: number;
  readonly #written: StoreBans;

  /**
   * Applies the change rows after `lastId` (default: the newest now). The daemon reads
   * it before it restores its bans from the store: what was written earlier is in force
   * through the reconcile, what came after is applied by the first poll.
   */
  constructor(private readonly deps: ManualDeps, lastId: number = deps.store.latestChangeId()) {
    this.#last = lastId;
    this.#written = storeBans(deps.store);
  }

  /** The id of the last change row applied. */
  get last(): number {
    return this.#last;
  }

  /** Applies every change row queued since the last one applied (the control loop). Throws if the store cannot be read. */
  poll(): void {
    for (let before = -1; before !== this.#last;) {
      before = this.#last;
      this.#last = applyChanges(this.deps.store, this.deps.engine, this.deps.pipeline, this.#last, this.deps.now(), this.deps.log);
    }
  }

  /** Bans by hand: stored and audited, then in force in the engine and the firewall before this returns. */
  ban(m: ManualBan): BanRecord {
    const ban = this.#written.ban(m);
    this.#applyNow();
    return ban;
  }

  /** Releases by hand: stored and audited, then lifted from the engine and the firewall before this returns. */
  release(m: ManualRelease): Released | null {
    const released = this.#written.release(m);
    if (released) this.#applyNow();
    return released;
  }

  /** The row just written is committed: apply it (and any queued before it) now; if reading it back fails, the loop retries. */
  #applyNow(): void {
    try {
      this.poll();
    } catch (e) {
      this.deps.log.error({ err: (e as Error).message }, 'stored a ban or release from the dashboard but cannot read the change queue; the control loop applies it at its next turn');
    }
  }
}
