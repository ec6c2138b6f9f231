/**
 * The dashboard's ban list and account search, newest first, fast on a big store
 * (1,000,000 bans: p99 well under 50 ms; see bench/api-bans.mjs). Runs on a READ-ONLY
 * connection; the store's `listBans` stays the exact, general query (any sort, ip filter).
 *
 * "Newest first" is the order sipwarden recorded the bans (`id DESC`): the rowid and the
 * `ban_accounts (account, ban_id)` key deliver it from an index, so a page reads only
 * about `limit / density` rows instead of sorting every match. (`created_at` is the time
 * of the attack, which a replay of old logs can place before earlier rows.)
 *
 * An account's bans are those that named it (`ban_accounts`) AND the bans of addresses
 * that failed with it (the failure history): "extension 104 stopped working" must find
 * its phone's address even when that ban was made for other accounts' failures (an
 * address already banned, or in dry-run, goes on failing with more accounts, which the
 * ban does not list). The history part reads the account's latest
 * {@link RECENT_FAILURES} failures (index `failures_account`), so a much-tried account
 * costs a bounded read; beyond them the total is marked not exact. The two parts are
 * merged by id, so a page still reads only `offset + limit` rows of the first.
 *
 * Totals are exact where an index gives them cheaply (all bans, active bans) and capped
 * elsewhere: `exact: false` means "at least `total`". Sparse active sets (fewer than
 * {@link SPARSE_ACTIVE}) are read through the active-ban index instead of scanning history.
 * Every user value is a bound parameter; SQL is built from fixed fragments only.
 */
import type Database from 'better-sqlite3';
import { ACCOUNT_HISTORY } from '../store/ban-list.js';
import { toBan, type BanRow } from '../store/ban-row.js';
import type { BanRecord, BanState } from '../store/index.js';

/** A page of bans; when `exact` is false, `total` is a lower bound (a capped count). */
export interface BanPage {
  readonly total: number;
  readonly exact: boolean;
  readonly rows: BanRecord[];
}

export interface BanSearchQuery {
  readonly account?: string;
  readonly state: BanState | 'all';
  readonly limit: number;
  readonly offset: number;
}

/** `searchBans(q, now)`: newest-first page of bans, optionally of one account and one state. */
export type SearchBans = (q: BanSearchQuery, now: number) => BanPage;

/** How many of an account's latest failures are looked through for banned addresses (the store's listBans reads as many). */
export const RECENT_FAILURES = ACCOUNT_HISTORY;

/** Below this many active bans, the active list is read via the active-ban index and sorted. */
export const SPARSE_ACTIVE = 2000;

const STATE_SQL: Record<BanState | 'all', string> = {
  all: '1',
  active: 'b.released_at IS NULL AND (b.expires_at IS NULL OR b.expires_at > @now)',
  expired: 'b.released_at IS NULL AND b.expires_at IS NOT NULL AND b.expires_at <= @now',
  released: 'b.released_at IS NOT NULL',
};

// Counts: exact when an index answers directly, else capped.
const COUNT_SQL: Record<BanState | 'all', { sql: string; cap: number | null }> = {
  all: { sql: 'SELECT COUNT(*) FROM bans', cap: null },
  active: {
    sql: `SELECT (SELECT COUNT(*) FROM bans WHERE released_at IS NULL AND expires_at IS NULL)
      + (SELECT COUNT(*) FROM bans WHERE released_at IS NULL AND expires_at > @now)`,
    cap: null,
  },
  expired: { sql: 'SELECT COUNT(*) FROM (SELECT 1 FROM bans WHERE released_at IS NULL AND expires_at IS NOT NULL AND expires_at <= @now LIMIT @cap)', cap: 10_000 },
  released: { sql: 'SELECT COUNT(*) FROM (SELECT 1 FROM bans WHERE released_at IS NOT NULL LIMIT @cap)', cap: 1000 },
};

const ACCOUNT_COUNT_SQL = (state: BanState | 'all') => (state === 'all'
  ? { sql: 'SELECT COUNT(*) FROM (SELECT 1 FROM ban_accounts WHERE account = @account LIMIT @cap)', cap: 10_000 }
  : { sql: `SELECT COUNT(*) FROM (SELECT 1 FROM ban_accounts a JOIN bans b ON b.id = a.ban_id WHERE a.account = @account AND ${STATE_SQL[state]} LIMIT @cap)`, cap: 200 });

const SPARSE_ACTIVE_PAGE = `SELECT * FROM bans WHERE id IN (
    SELECT id FROM bans WHERE released_at IS NULL AND expires_at IS NULL
    UNION ALL SELECT id FROM bans WHERE released_at IS NULL AND expires_at > @now)
  ORDER BY id DESC LIMIT @limit OFFSET @offset`;

/** Builds `searchBans` over `db` (a migrated store; read-only is enough). Statements are prepared once per shape. */
export function createBanSearch(db: Database.Database): SearchBans {
  const cache = new Map<string, Database.Statement>();
  const stmt = (sql: string, pluck = false): Database.Statement => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare(sql);
      if (pluck) s.pluck();
      cache.set(sql, s);
    }
    return s;
  };

  return (q, now) => db.transaction((): BanPage => {
    const state = q.state;
    if (!Object.hasOwn(STATE_SQL, state)) throw new TypeError(`searchBans: bad state ${String(state)}`);
    const params = { now, account: q.account ?? null, limit: q.limit, offset: q.offset };
    const count = q.account === undefined ? COUNT_SQL[state] : ACCOUNT_COUNT_SQL(state);
    const n = stmt(count.sql, true).get({ ...params, cap: (count.cap ?? 0) + 1 }) as number;
    const exact = count.cap === null || n <= count.cap;
    const total = exact ? n : (count.cap as number);

    if (q.account !== undefined) return accountPage(stmt, state, params, { total, exact });

    let pageSql: string;
    if (state === 'active' && n < SPARSE_ACTIVE) {
      pageSql = SPARSE_ACTIVE_PAGE;
    } else {
      pageSql = `SELECT * FROM bans b WHERE ${STATE_SQL[state]} ORDER BY b.id DESC LIMIT @limit OFFSET @offset`;
    }
    const rows = (stmt(pageSql).all(params) as BanRow[]).map(toBan);
    return { total, exact, rows };
  })();
}

type Prepare = (sql: string, pluck?: boolean) => Database.Statement;
const byIdDesc = (a: number, b: number) => b - a;

/**
 * A page of an account's bans: the first `offset + limit` of those naming it merged with
 * those of the addresses in its recent failure history (both newest first), and the
 * total of both without the ones counted twice. `named` is the count of the first part.
 */
function accountPage(stmt: Prepare, state: BanState | 'all', params: { now: number; account: string | null; limit: number; offset: number },
  named: { total: number; exact: boolean }): BanPage {
  const where = STATE_SQL[state];
  const top = stmt(`SELECT a.ban_id FROM ban_accounts a JOIN bans b ON b.id = a.ban_id WHERE a.account = @account AND ${where}
    ORDER BY a.ban_id DESC LIMIT @n`, true).all({ ...params, n: params.offset + params.limit }) as number[];
  const history = stmt(`SELECT b.id FROM bans b WHERE b.ip IN (
      SELECT ip FROM failures WHERE account = @account ORDER BY at DESC LIMIT @recent)
    AND ${where} ORDER BY b.id DESC`, true).all({ ...params, recent: RECENT_FAILURES }) as number[];
  const more = stmt('SELECT COUNT(*) FROM (SELECT 1 FROM failures WHERE account = @account LIMIT @over)', true)
    .get({ ...params, over: RECENT_FAILURES + 1 }) as number;
  const twice = history.length === 0 ? 0 : stmt('SELECT COUNT(*) FROM ban_accounts WHERE account = @account AND ban_id IN (SELECT value FROM json_each(@ids))', true)
    .get({ ...params, ids: JSON.stringify(history) }) as number;
  const ids = [...new Set([...top, ...history])].sort(byIdDesc).slice(params.offset, params.offset + params.limit);
  const rows = ids.length === 0 ? [] : (stmt('SELECT * FROM bans WHERE id IN (SELECT value FROM json_each(@ids)) ORDER BY id DESC').all({ ids: JSON.stringify(ids) }) as BanRow[]).map(toBan);
  return { total: named.total + history.length - twice, exact: named.exact && more <= RECENT_FAILURES, rows };
}
