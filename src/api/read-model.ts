/**
 * The API's read-only view of the store file: its own better-sqlite3 connection opened
 * READ-ONLY (WAL: it never blocks the daemon's writer and sees each commit on its next
 * query) for the dashboard's statistics and its fast ban search.
 *
 * better-sqlite3 is synchronous and the API runs in the daemon's process, so nothing
 * here may hold the event loop for long: the statistics' first build (a month of
 * failures on a big store: seconds) runs as a background warm-up in steps of about
 * 20 ms, yielding to I/O between steps; `stats()` waits for it and then costs only what
 * changed since the previous call.
 */
import Database from 'better-sqlite3';
import { BUSY_TIMEOUT_MS } from '../store/index.js';
import { createBanSearch, type SearchBans } from './ban-search.js';
import { computeStats, newStatsState, warmStep, type Stats } from './stats.js';
import type { Where } from '../geo/index.js';

/** Statistics and ban search over one read-only connection. */
export interface ReadModel {
  /** {@link computeStats} at `now`, after the warm-up, memoised for `memoMs`. */
  stats(now: number): Promise<Stats>;
  /** Starts (once) and resolves at the end of the background warm-up; `clock` gives the time of each step. */
  warmUp(clock: () => number): Promise<void>;
  readonly searchBans: SearchBans;
  close(): void;
}

const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Opens the store file at `path` read-only. The file must exist (the daemon's Store creates it). */
export function openReadModel(path: string, opts: { memoMs?: number; where?: (ip: string) => Where } = {}): ReadModel {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  const memoMs = opts.memoMs ?? 2000;
  const state = newStatsState(db, opts.where);
  let memo: Stats | null = null;
  let warming: Promise<void> | null = null;

  const warmUp = (clock: () => number): Promise<void> => {
    warming ??= (async () => {
      while (db.open && !warmStep(db, state, clock())) await yieldToIo();
    })();
    return warming;
  };

  return {
    async stats(now) {
      await warmUp(() => now);
      if (memo && now - memo.now >= 0 && now - memo.now < memoMs) return memo;
      memo = computeStats(db, now, state);
      return memo;
    },
    warmUp,
    searchBans: createBanSearch(db),
    close() {
      if (db.open) db.close();
    },
  };
}
