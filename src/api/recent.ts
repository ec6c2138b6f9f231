/**
 * The last 24 hours of failures, kept in memory per hour and updated incrementally, so
 * the overview's hourly chart and top lists cost a read of the rows stored since the
 * previous call (a rowid range) instead of a scan of the day's rows.
 *
 * Invariants:
 * - `hours` holds, for each of the 24 hourly buckets ending with the current hour, the
 *   rows with id <= `watermark` whose time falls in that bucket (a time after `now` is
 *   counted in the current hour); `ips`, `accounts` and `accountTotals` are the sums over those buckets.
 * - A row is read once: at the first build (by time range, in chunks of {@link CHUNK}
 *   rows so it can run in the background in short steps) or later by rowid.
 * - Buckets that leave the window are subtracted from the sums and dropped.
 * - If rows disappear (rowids restart) the window is rebuilt from the store.
 */
import type Database from 'better-sqlite3';
import type { GeoCounts } from './geo.js';

export const HOUR = 3_600_000;
/** Rows read per build step (about 20 ms on a 10,000,000-failure store). */
export const CHUNK = 2000;

interface Bucket {
  n: number;
  readonly ips: Map<string, number>;
  readonly accounts: Map<string, Map<string, number>>;
}

interface Row {
  id: number;
  at: number;
  ip: string;
  account: string;
}

const bump = (m: Map<string, number>, k: string, by: number) => {
  const v = (m.get(k) ?? 0) + by;
  if (v === 0) m.delete(k);
  else m.set(k, v);
};

/** Hourly counts and top lists of the last 24 hourly buckets. */
export class RecentFailures {
  #watermark = -1;
  #start = 0;
  /** The first build in progress: rows with id <= maxId after (at, id), in time order. */
  #building: { maxId: number; at: number; id: number } | null = null;
  readonly #hours = new Map<number, Bucket>();
  readonly #ips = new Map<string, number>();
  readonly #lastAt = new Map<string, number>();
  readonly #accounts = new Map<string, Map<string, number>>();
  readonly #accountTotals = new Map<string, number>();
  readonly #since: Database.Statement;
  readonly #range: Database.Statement;
  readonly #maxId: Database.Statement;

  /** `geo`: failures by country and network, kept with the window (geo.ts). */
  constructor(db: Database.Database, private readonly geo: GeoCounts | null = null) {
    this.#since = db.prepare('SELECT id, at, ip, account FROM failures WHERE id > ? ORDER BY id');
    this.#range = db.prepare(`SELECT id, at, ip, account FROM failures INDEXED BY failures_at
      WHERE at >= @start AND (at > @at OR (at = @at AND id > @id)) AND id <= @maxId ORDER BY at, id LIMIT ${CHUNK}`);
    this.#maxId = db.prepare('SELECT COALESCE(MAX(id), 0) FROM failures').pluck();
  }

  /** One bounded step of the first build (at most {@link CHUNK} rows); true when built. Call inside a read transaction. */
  step(now: number): boolean {
    const maxId = this.#maxId.get() as number;
    if (this.#building === null) {
      if (this.#watermark >= 0 && maxId >= this.#watermark) return true;
      const start = Math.floor(now / HOUR) * HOUR - 23 * HOUR;
      this.reset(start);
      this.#building = { maxId, at: start - 1, id: 0 };
    }
    const b = this.#building;
    const rows = this.#range.all({ start: this.#start, at: b.at, id: b.id, maxId: b.maxId }) as Row[];
    for (const r of rows) this.add(r, now);
    const last = rows[rows.length - 1];
    if (last) [b.at, b.id] = [last.at, last.id];
    if (rows.length === CHUNK) return false;
    this.#building = null;
    this.#watermark = b.maxId;
    return true;
  }

  /** Brings the window to `now`: finishes the build if needed, then reads the rows stored since (call inside a read transaction). */
  update(now: number): void {
    while (!this.step(now)) {
      // bounded: the rows of the last 24 hours, CHUNK at a time
    }
    this.slide(Math.floor(now / HOUR) * HOUR - 23 * HOUR);
    const maxId = this.#maxId.get() as number;
    if (maxId > this.#watermark) for (const r of this.#since.iterate(this.#watermark) as IterableIterator<Row>) this.add(r, now);
    this.#watermark = maxId;
  }

  /** Counts of the 24 hourly buckets, oldest first, and the first bucket's start. */
  hourly(): { start: number; counts: number[] } {
    return { start: this.#start, counts: Array.from({ length: 24 }, (_, i) => this.#hours.get(this.#start + i * HOUR)?.n ?? 0) };
  }

  /** The `top` addresses with the most failures in the window. */
  topAddresses(top: number): Array<{ ip: string; failures: number; lastAt: number }> {
    return best(this.#ips, top).map(([ip, failures]) => ({ ip, failures, lastAt: this.#lastAt.get(ip) ?? 0 }));
  }

  /** The `top` account names tried most in the window, with how many addresses tried each. */
  topAccounts(top: number): Array<{ account: string; failures: number; addresses: number }> {
    return best(this.#accountTotals, top).map(([account, failures]) => ({ account, failures, addresses: this.#accounts.get(account)?.size ?? 0 }));
  }

  private add(r: Row, now: number): void {
    const t = Math.min(r.at, now);
    if (t < this.#start) return;
    const key = Math.floor(t / HOUR) * HOUR;
    let b = this.#hours.get(key);
    if (!b) {
      b = { n: 0, ips: new Map(), accounts: new Map() };
      this.#hours.set(key, b);
    }
    b.n++;
    bump(b.ips, r.ip, 1);
    this.geo?.add(r.ip, 1, !this.#ips.has(r.ip));
    bump(this.#ips, r.ip, 1);
    if ((this.#lastAt.get(r.ip) ?? 0) < r.at) this.#lastAt.set(r.ip, r.at);
    bump(this.#accountTotals, r.account, 1);
    for (const m of [b.accounts, this.#accounts]) {
      let ips = m.get(r.account);
      if (!ips) m.set(r.account, (ips = new Map()));
      bump(ips, r.ip, 1);
    }
  }

  private slide(start: number): void {
    this.#start = start;
    for (const [key, b] of this.#hours) {
      if (key >= start) continue;
      for (const [ip, n] of b.ips) {
        bump(this.#ips, ip, -n);
        this.geo?.remove(ip, n, !this.#ips.has(ip));
        if (!this.#ips.has(ip)) this.#lastAt.delete(ip);
      }
      for (const [a, ips] of b.accounts) {
        const total = this.#accounts.get(a);
        if (!total) continue;
        for (const [ip, n] of ips) {
          bump(total, ip, -n);
          bump(this.#accountTotals, a, -n);
        }
        if (total.size === 0) this.#accounts.delete(a);
      }
      this.#hours.delete(key);
    }
  }

  private reset(start: number): void {
    this.#start = start;
    this.#hours.clear();
    this.#ips.clear();
    this.geo?.clear();
    this.#lastAt.clear();
    this.#accounts.clear();
    this.#accountTotals.clear();
  }
}

/** The `top` entries with the highest values; ties by key, ascending. */
function best(m: Map<string, number>, top: number): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const e of m) {
    if (out.length === top && (e[1] < out[top - 1]![1] || (e[1] === out[top - 1]![1] && e[0] > out[top - 1]![0]))) continue;
    out.push(e);
    out.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    if (out.length > top) out.pop();
  }
  return out;
}
