/**
 * Dashboard statistics, computed with SQL on a READ-ONLY connection to the store file
 * (WAL: it never blocks the daemon's writer). Time buckets are UTC-aligned.
 *
 * Cost per call is bounded by what changed since the previous call, not by the size of
 * the history (better-sqlite3 is synchronous, and the API runs in the daemon's process):
 * - the hourly chart and the top lists come from {@link RecentFailures} (24 hourly
 *   buckets in memory, fed by the rows stored since the last call);
 * - the 30-day chart's completed days come from {@link DayCounts} (counted once on the
 *   `failures_at` index, index-only, then kept exact incrementally); today's count is
 *   the sum of today's hourly buckets;
 * - active bans are counted on the partial index `bans_open` (index-only); bans by tier
 *   read only the bans created in the last 24 h (`bans_created`).
 * The first build of the two caches can run in short background steps (`warmStep`),
 * see read-model.ts; `computeStats` finishes whatever is left synchronously.
 */
import type Database from 'better-sqlite3';
import { StoppedCalls } from './calls-stopped.js';
import { DAY, DayCounts } from './days.js';
import { HOUR, RecentFailures } from './recent.js';
import type { Where } from '../geo/index.js';
import { GeoCounts, placed } from './geo.js';
import type { Geo } from './schemas/index.js';

export { HOUR } from './recent.js';
export { DAY } from './days.js';
const TOP = 10;

/** What the overview shows. */
export interface Stats {
  readonly now: number;
  /** 24 hourly counts; bucket i covers [start + i h, start + (i+1) h); the last holds `now`. */
  readonly hourly: { readonly start: number; readonly counts: number[] };
  /** 30 daily counts (UTC days); the last is today. */
  readonly daily: { readonly start: number; readonly counts: number[] };
  /** Failures in the 24 hourly buckets (the last 23 to 24 hours). */
  readonly failures24h: number;
  /** Most failing addresses in the 24 hourly buckets. */
  readonly topAddresses: Array<{ ip: string; failures: number; lastAt: number; geo?: Geo }>;
  /** Most tried account names (attacker-controlled text) in the 24 hourly buckets, with how many addresses tried each. */
  readonly topAccounts: Array<{ account: string; failures: number; addresses: number }>;
  readonly activeBans: number;
  /** Bans created in the last 24 h per tier (0 = manual), and how many of them are still active. */
  readonly bansByTier: Array<{ tier: number; bans: number; active: number }>;
  /** Calls the toll-fraud guard hung up since 00:00 UTC (calls-stopped.ts). */
  readonly callsStoppedToday?: number;
  /** Failures in the 24 hourly buckets by country (`??`: unknown) and by network (AS), with geo on (geo.ts). */
  readonly byCountry?: Array<{ country: string; name: string; failures: number; addresses: number }>;
  readonly byNetwork?: Array<{ asn: number; network: string; failures: number; addresses: number }>;
}

/** What `computeStats` keeps between calls on one connection. */
export interface StatsState {
  readonly days: DayCounts;
  readonly recent: RecentFailures;
  readonly stopped: StoppedCalls;
  /** Where addresses are (geo/), and the failures by country and network; absent: geo off. */
  readonly geo?: { readonly where: (ip: string) => Where; readonly counts: GeoCounts };
}

/** Fresh state for {@link computeStats} on `db`. */
export function newStatsState(db: Database.Database, where?: (ip: string) => Where): StatsState {
  const geo = where ? { where, counts: new GeoCounts(where) } : undefined;
  return { days: new DayCounts(db), recent: new RecentFailures(db, geo?.counts), stopped: new StoppedCalls(db), ...(geo ? { geo } : {}) };
}

/** One bounded step (about 20 ms at most) of building `state` at `now`; true when built. */
export function warmStep(db: Database.Database, state: StatsState, now: number): boolean {
  return db.transaction(() => state.recent.step(now) && state.days.step(now))();
}

function statements(db: Database.Database) {
  return {
    active: db.prepare<{ now: number }, number>(`SELECT (SELECT COUNT(*) FROM bans WHERE released_at IS NULL AND expires_at IS NULL)
      + (SELECT COUNT(*) FROM bans WHERE released_at IS NULL AND expires_at > @now)`).pluck(),
    byTier: db.prepare<{ since: number; now: number }, { tier: number; bans: number; active: number }>(
      `SELECT COALESCE(tier, 0) AS tier, COUNT(*) AS bans,
         SUM(released_at IS NULL AND (expires_at IS NULL OR expires_at > @now)) AS active
       FROM bans WHERE created_at >= @since GROUP BY 1 ORDER BY 1`),
  };
}
type Statements = ReturnType<typeof statements>;
const prepared = new WeakMap<Database.Database, Statements>();

/**
 * Statistics at `now` from `db` (a connection to a migrated store; read-only is
 * enough). Pass the same `state` (from {@link newStatsState}) on every call so that each
 * call reads only what changed; without one, every call reads a month of failures.
 */
export function computeStats(db: Database.Database, now: number, state: StatsState = newStatsState(db)): Stats {
  let s = prepared.get(db);
  if (!s) {
    s = statements(db);
    prepared.set(db, s);
  }
  const st = s;
  return db.transaction((): Stats => {
    state.recent.update(now);
    const hourly = state.recent.hourly();
    state.days.refresh(now);
    const daily = state.days.counts(now);
    const today = daily.start + 29 * DAY;
    daily.counts[29] = hourly.counts.reduce((sum, n, i) => sum + (hourly.start + i * HOUR >= today ? n : 0), 0);
    return {
      now,
      hourly,
      daily,
      failures24h: hourly.counts.reduce((a, b) => a + b, 0),
      topAddresses: state.recent.topAddresses(TOP).map((a) => placed(a, state.geo?.where)),
      topAccounts: state.recent.topAccounts(TOP),
      activeBans: st.active.get({ now }) as number,
      bansByTier: st.byTier.all({ since: now - DAY, now }),
      callsStoppedToday: state.stopped.today(now),
      ...(state.geo ? { byCountry: state.geo.counts.byCountry(2 * TOP), byNetwork: state.geo.counts.byNetwork(TOP) } : {}),
    };
  })();
}
