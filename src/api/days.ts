/**
 * Failures per UTC day for the 30-day chart, for the days before today (today comes
 * from the hourly window). Counted once by range searches of the `failures_at` index
 * (index-only), in 6-hour slices so the first count can run in the background in short
 * steps, then kept exact incrementally.
 *
 * Invariants:
 * - Once built, `days` holds for each day in [upTo - 29 d, upTo) the count of rows with
 *   id <= `watermark` in that day; rows stored later with a time before `upTo` (log lag,
 *   replays) are found by rowid and added to their day at the next refresh.
 * - Rows are deleted only by pruning, which removes the oldest times: days before the
 *   oldest stored time are zero, and the day holding it is recounted when it changes.
 * - If rowids restart (the table was emptied), everything is recounted.
 */
import type Database from 'better-sqlite3';

export const DAY = 86_400_000;
const SLICE = DAY / 4;

const floorTo = (t: number, size: number) => Math.floor(t / size) * size;

/** Per-day failure counts of the 29 completed days before today. */
export class DayCounts {
  readonly #days = new Map<number, number>();
  #watermark = 0;
  #upTo = Number.NEGATIVE_INFINITY;
  #oldest: number | null = null;
  /** The count in progress: slices of [next, to) with ids <= maxId. */
  #building: { next: number; to: number; maxId: number } | null = null;
  readonly #count: Database.Statement;
  readonly #maxId: Database.Statement;
  readonly #minAt: Database.Statement;
  readonly #newer: Database.Statement;

  constructor(db: Database.Database) {
    this.#count = db.prepare('SELECT COUNT(*) FROM failures INDEXED BY failures_at WHERE at >= ? AND at < ? AND id <= ?').pluck();
    this.#maxId = db.prepare('SELECT COALESCE(MAX(id), 0) FROM failures').pluck();
    this.#minAt = db.prepare('SELECT MIN(at) FROM failures').pluck();
    // `+at`: walk the rowid range, not the time index.
    this.#newer = db.prepare('SELECT at FROM failures WHERE id > ? AND +at < ?').pluck();
  }

  /** One bounded step toward counts up to date at `now`; true when they are. Call inside a read transaction. */
  step(now: number): boolean {
    const today = floorTo(now, DAY);
    const from = today - 29 * DAY;
    if (this.#building === null) {
      const maxId = this.#maxId.get() as number;
      if (maxId < this.#watermark) this.reset();
      if (this.#upTo >= today) return true;
      // Count the days not counted yet: all 29 at first, then each day that ends.
      const start = this.#upTo === Number.NEGATIVE_INFINITY ? from : Math.max(this.#upTo, from);
      this.catchUp();
      this.#building = { next: start, to: today, maxId };
      this.#watermark = maxId;
      for (let d = start; d < today; d += DAY) this.#days.set(d, 0);
    }
    const b = this.#building;
    if (b.next < b.to) {
      const n = this.#count.get(b.next, b.next + SLICE, b.maxId) as number;
      const d = floorTo(b.next, DAY);
      this.#days.set(d, (this.#days.get(d) ?? 0) + n);
      b.next += SLICE;
      return false;
    }
    this.#building = null;
    this.#upTo = b.to;
    for (const d of this.#days.keys()) if (d < from) this.#days.delete(d);
    return true;
  }

  /** Brings the counts up to date at `now`, synchronously (the remaining steps, then late rows and pruning). */
  refresh(now: number): void {
    while (!this.step(now)) {
      // bounded: at most 4 slices per uncounted day
    }
    this.catchUp();
    this.prunedCheck();
  }

  /** The counts of the 30 days ending today (today's count is 0 here: it comes from the hourly window). */
  counts(now: number): { start: number; counts: number[] } {
    const start = floorTo(now, DAY) - 29 * DAY;
    return { start, counts: Array.from({ length: 30 }, (_, i) => (i === 29 ? 0 : this.#days.get(start + i * DAY) ?? 0)) };
  }

  /** Adds rows stored since the watermark whose time falls before `upTo`. */
  private catchUp(): void {
    if (this.#upTo === Number.NEGATIVE_INFINITY) return;
    const maxId = this.#maxId.get() as number;
    if (maxId <= this.#watermark) return;
    for (const at of this.#newer.iterate(this.#watermark, this.#upTo) as IterableIterator<number>) {
      const d = floorTo(at, DAY);
      if (this.#days.has(d)) this.#days.set(d, (this.#days.get(d) ?? 0) + 1);
    }
    this.#watermark = maxId;
  }

  /** After pruning: days before the oldest row are empty; the day holding it is recounted. */
  private prunedCheck(): void {
    const oldest = this.#minAt.get() as number | null;
    if (oldest === this.#oldest) return;
    this.#oldest = oldest;
    if (oldest === null) return;
    const first = floorTo(oldest, DAY);
    for (const d of this.#days.keys()) {
      if (d < first) this.#days.set(d, 0);
      else if (d === first) this.#days.set(d, this.#count.get(d, d + DAY, this.#watermark) as number);
    }
  }

  private reset(): void {
    this.#days.clear();
    this.#watermark = 0;
    this.#upTo = Number.NEGATIVE_INFINITY;
    this.#oldest = null;
  }
}
