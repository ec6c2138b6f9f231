/**
 * "Calls stopped today" for the overview: the calls the toll-fraud guard hung up since
 * 00:00 UTC, summed from its `toll_fraud` audit records (`hangup`: the calls each
 * finding hung up; daemon/fraud.ts). Read incrementally on the read-only connection:
 * each call reads only the audit rows added since the previous one (a rowid range), so
 * its cost does not grow with the audit trail; the first call reads it once.
 *
 * Invariant: `#recent` holds the findings of the last two UTC days at most.
 */
import type Database from 'better-sqlite3';
import { DAY } from './days.js';

/** The audit action of a toll-fraud finding. */
export const TOLL_FRAUD = 'toll_fraud';

/** How many calls one `toll_fraud` record's detail says were hung up (0 when unreadable). */
export function hangupsOf(detail: string | null): number {
  try {
    const n = (JSON.parse(detail ?? '') as { hangup?: unknown }).hangup;
    return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : 0;
  } catch {
    return 0;
  }
}

/** Counts the guard's hang-ups per UTC day from the audit trail of `db`. */
export class StoppedCalls {
  #lastId = 0;
  #recent: Array<{ at: number; calls: number }> = [];
  readonly #next: Database.Statement<[number], { id: number; at: number; detail: string | null }>;

  constructor(db: Database.Database) {
    this.#next = db.prepare(`SELECT id, at, detail FROM audit WHERE id > ? AND action = '${TOLL_FRAUD}' ORDER BY id LIMIT 5000`);
  }

  /** Calls hung up from 00:00 UTC of `now`'s day to `now`. */
  today(now: number): number {
    const from = now - (now % DAY);
    for (;;) {
      const rows = this.#next.all(this.#lastId);
      for (const r of rows) {
        this.#lastId = r.id;
        const calls = hangupsOf(r.detail);
        if (calls > 0 && r.at >= from - DAY) this.#recent.push({ at: r.at, calls });
      }
      if (rows.length < 5000) break;
    }
    this.#recent = this.#recent.filter((r) => r.at >= from - DAY);
    return this.#recent.reduce((sum, r) => sum + (r.at >= from && r.at <= now ? r.calls : 0), 0);
  }
}
