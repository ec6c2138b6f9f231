/**
 * Dashboard statistics, computed with SQL on a READ-ONLY connection to the store file
 * (WAL: it never blocks the daemon's writer). Time buckets are UTC-aligned.
 *
 * Index use: every failure count is a range search of `failures_at` (index-only);
 * top lists read the last 24 h of rows only; bans by tier read active bans only
 * (two searches of `bans_open`). The per-day counts of the 30-day chart would scan a
 * month of rows, so completed days are cached in {@link DayCache} and kept exact
 * incrementally: rows stored later (log lag, replays) are found by rowid (above the
 * cache's watermark) and added to their day; the cache is rebuilt hourly, which
 * also forgets pruned rows.
 */
import Database from 'better-sqlite3';

export const HOUR = 3_600_000;
export const DAY = 86_400_000;
const TOP = 10;

/** What the overview shows. */
export interface Stats {
  readonly now: number;
  /** 24 hourly counts; bucket i covers [start + i h, start + (i+1) h); the last holds `now`. */
  readonly hourly: { readonly start: number; readonly counts: number[] };
  /** 30 daily counts (UTC days); the last is today. */
  readonly daily: { readonly start: number; readonly counts: number[] };
  /** Failures in the 24 h before `now`. */
  readonly failures24h: number;
  /** Most failing addresses in the last 24 h. */
  readonly topAddresses: Array<{ ip: string; failures: number; lastAt: number }>;
  /** Most tried account names in the last 24 h (attacker-controlled text), with how many addresses tried each. */
  readonly topAccounts: Array<{ account: string; failures: number; addresses: number }>;
  readonly activeBans: number;
  /** Active bans per tier (0 = manual). */
  readonly bansByTier: Array<{ tier: number; active: number }>;
}

/** Completed-day counts of rows with id <= `watermark`, for days before `upTo`. */
export interface DayCache {
  watermark: number;
  upTo: number;
  builtAt: number;
  readonly days: Map<number, number>;
}

/** A fresh, empty day cache. */
export const newDayCache = (): DayCache => ({ watermark: 0, upTo: Number.NEGATIVE_INFINITY, builtAt: 0, days: new Map() });

const floorTo = (t: number, size: number) => Math.floor(t / size) * size;

function statements(db: Database.Database) {
  return {
    buckets: db.prepare<{ start: number; end: number; size: number; maxId: number }, { b: number; n: number }>(
      'SELECT CAST((at - @start) / @size AS INTEGER) AS b, COUNT(*) AS n FROM failures WHERE at >= @start AND at < @end AND id <= @maxId GROUP BY b'),
    count: db.prepare<{ since: number }, number>('SELECT COUNT(*) FROM failures WHERE at >= @since').pluck(),
    maxId: db.prepare<[], number>('SELECT COALESCE(MAX(id), 0) FROM failures').pluck(),
    newer: db.prepare<{ after: number; upTo: number }, number>('SELECT at FROM failures WHERE id > @after AND at < @upTo').pluck(),
    topIps: db.prepare<{ since: number; top: number }, { ip: string; failures: number; lastAt: number }>(
      'SELECT ip, COUNT(*) AS failures, MAX(at) AS lastAt FROM failures WHERE at >= @since GROUP BY ip ORDER BY failures DESC, ip LIMIT @top'),
    topAccounts: db.prepare<{ since: number; top: number }, { account: string; failures: number; addresses: number }>(
      `SELECT account, COUNT(*) AS failures, COUNT(DISTINCT ip) AS addresses FROM failures WHERE at >= @since
       GROUP BY account ORDER BY failures DESC, account LIMIT @top`),
    byTier: db.prepare<{ now: number }, { tier: number; active: number }>(
      `SELECT COALESCE(tier, 0) AS tier, COUNT(*) AS active FROM bans WHERE id IN (
         SELECT id FROM bans WHERE released_at IS NULL AND expires_at IS NULL
         UNION ALL SELECT id FROM bans WHERE released_at IS NULL AND expires_at > @now)
       GROUP BY 1 ORDER BY 1`),
  };
}
type Statements = ReturnType<typeof statements>;
const prepared = new WeakMap<Database.Database, Statements>();

/** Brings `cache` up to date for days before `today` (see the module comment). */
function refreshDays(s: Statements, cache: DayCache, today: number, now: number): void {
  const maxId = s.maxId.get() as number;
  if (now - cache.builtAt > HOUR || maxId < cache.watermark) Object.assign(cache, newDayCache());
  if (cache.builtAt === 0) cache.builtAt = now;
  const from = today - 29 * DAY;
  if (cache.upTo !== Number.NEGATIVE_INFINITY) {
    for (const at of s.newer.all({ after: cache.watermark, upTo: cache.upTo })) {
      const d = floorTo(at, DAY);
      cache.days.set(d, (cache.days.get(d) ?? 0) + 1);
    }
  }
  const start = cache.upTo === Number.NEGATIVE_INFINITY ? from : Math.max(cache.upTo, from);
  if (start < today) {
    for (const { b, n } of s.buckets.all({ start, end: today, size: DAY, maxId })) cache.days.set(start + b * DAY, n);
  }
  cache.watermark = maxId;
  cache.upTo = today;
  for (const d of cache.days.keys()) if (d < from) cache.days.delete(d);
}

/**
 * Statistics at `now` from `db` (a connection to a migrated store; read-only is
 * enough). Pass the same `cache` on every call to make the 30-day chart incremental;
 * without one every call scans a month of failures.
 */
export function computeStats(db: Database.Database, now: number, cache: DayCache = newDayCache()): Stats {
  let s = prepared.get(db);
  if (!s) {
    s = statements(db);
    prepared.set(db, s);
  }
  const st = s;
  return db.transaction((): Stats => {
    const hourStart = floorTo(now, HOUR) - 23 * HOUR;
    const hourly = new Array<number>(24).fill(0);
    const maxId = Number.MAX_SAFE_INTEGER;
    for (const { b, n } of st.buckets.all({ start: hourStart, end: hourStart + 24 * HOUR, size: HOUR, maxId })) hourly[b] = n;

    const today = floorTo(now, DAY);
    refreshDays(st, cache, today, now);
    const dayStart = today - 29 * DAY;
    const daily = Array.from({ length: 30 }, (_, i) => cache.days.get(dayStart + i * DAY) ?? 0);
    for (const { n } of st.buckets.all({ start: today, end: today + DAY, size: DAY, maxId })) daily[29] = n;

    const since = now - DAY;
    const bansByTier = st.byTier.all({ now });
    return {
      now,
      hourly: { start: hourStart, counts: hourly },
      daily: { start: dayStart, counts: daily },
      failures24h: st.count.get({ since }) as number,
      topAddresses: st.topIps.all({ since, top: TOP }),
      topAccounts: st.topAccounts.all({ since, top: TOP }),
      activeBans: bansByTier.reduce((sum, t) => sum + t.active, 0),
      bansByTier,
    };
  })();
}

/** A stats source over the store file at `path`: its own read-only connection, day cache, and 2-second memo. */
export interface StatsReader {
  stats(now: number): Stats;
  close(): void;
}

/** Opens `path` read-only for {@link computeStats}. The file must exist (the daemon's store creates it). */
export function openStats(path: string, memoMs = 2000): StatsReader {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const cache = newDayCache();
  let memo: Stats | null = null;
  return {
    stats(now) {
      if (memo && now - memo.now >= 0 && now - memo.now < memoMs) return memo;
      memo = computeStats(db, now, cache);
      return memo;
    },
    close() {
      if (db.open) db.close();
    },
  };
}
