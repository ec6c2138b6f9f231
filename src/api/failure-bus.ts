/**
 * Fan-out of newly stored failures to live listeners (the dashboard's SSE streams).
 * The daemon calls `publish(rows)` after each batch is committed; `subscribe` is what
 * `ApiDeps.onFailure` needs. A listener that throws is dropped, never the publisher.
 */
import type { FailureRow } from '../store/index.js';

/** Publish/subscribe for stored failure rows. */
export class FailureBus {
  readonly #listeners = new Set<(row: FailureRow) => void>();

  /** Adds `listener`; returns the function that removes it. */
  subscribe = (listener: (row: FailureRow) => void): (() => void) => {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  };

  /** Delivers each row, in order, to every listener. */
  publish(rows: readonly FailureRow[]): void {
    if (this.#listeners.size === 0) return;
    for (const listener of [...this.#listeners]) {
      try {
        for (const r of rows) listener(r);
      } catch {
        this.#listeners.delete(listener);
      }
    }
  }

  /** How many listeners are subscribed. */
  get size(): number {
    return this.#listeners.size;
  }
}
