/**
 * Listing bans for the dashboard, API and CLI: filters, paging, ordering and a total.
 * SQL is assembled only from fixed fragments chosen by the query's enum fields; every
 * user value is a bound parameter. An account's bans are those that name it and those of
 * the addresses among its latest {@link ACCOUNT_HISTORY} failures (as api/ban-search.ts).
 */
import type Database from 'better-sqlite3';
import { parseIp } from '../domain/index.js';
import { toBan, type BanRow } from './ban-row.js';
import { pageBounds } from './paging.js';
import type { BanQuery, BanRecord, Page } from './types.js';

/** How many of an account's latest failures are looked through for the addresses whose bans are the account's too. */
export const ACCOUNT_HISTORY = 1000;

const STATE_SQL = {
  all: null,
  // Two searches of index bans_open, as in bans.ts, so history is not scanned.
  active: `id IN (SELECT id FROM bans WHERE released_at IS NULL AND expires_at IS NULL
    UNION ALL SELECT id FROM bans WHERE released_at IS NULL AND expires_at > @now)`,
  expired: 'released_at IS NULL AND expires_at IS NOT NULL AND expires_at <= @now',
  released: 'released_at IS NOT NULL',
} as const;

// Permanent bans (NULL) end after every timed one.
const ORDER_SQL = {
  created_at: { asc: 'created_at ASC, id ASC', desc: 'created_at DESC, id DESC' },
  expires_at: { asc: 'expires_at ASC NULLS LAST, id ASC', desc: 'expires_at DESC NULLS FIRST, id DESC' },
  ip: { asc: 'ip ASC, id ASC', desc: 'ip DESC, id DESC' },
} as const;

/** `listBans(q, now)`: one page of the bans matching `q`, in its order, and their total. */
export type ListBans = (q: BanQuery, now: number) => Page<BanRecord>;

/** Builds `listBans` over `db`; statements are prepared once per query shape. */
export function createBanLister(db: Database.Database): ListBans {
  const statements = new Map<string, { count: Database.Statement; page: Database.Statement }>();

  const statementsFor = (q: BanQuery): { count: Database.Statement; page: Database.Statement } => {
    const state = q.state ?? 'all';
    const sort = q.sort ?? 'created_at';
    const order = q.order ?? 'desc';
    if (!Object.hasOwn(STATE_SQL, state) || !Object.hasOwn(ORDER_SQL, sort) || (order !== 'asc' && order !== 'desc')) {
      throw new TypeError(`listBans: bad state/sort/order ${String(state)}/${String(sort)}/${String(order)}`);
    }
    const key = [state, sort, order, q.ip !== undefined, q.account !== undefined].join('|');
    const cached = statements.get(key);
    if (cached) return cached;
    const where: string[] = [];
    if (q.ip !== undefined) where.push('ip = @ip');
    if (q.account !== undefined) {
      where.push(`(id IN (SELECT ban_id FROM ban_accounts WHERE account = @account)
        OR ip IN (SELECT ip FROM failures WHERE account = @account ORDER BY at DESC LIMIT ${ACCOUNT_HISTORY}))`);
    }
    const stateSql = STATE_SQL[state];
    if (stateSql !== null) where.push(stateSql);
    const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const made = {
      count: db.prepare(`SELECT COUNT(*) AS n FROM bans ${whereSql}`).pluck(),
      page: db.prepare(`SELECT * FROM bans ${whereSql} ORDER BY ${ORDER_SQL[sort][order]} LIMIT @limit OFFSET @offset`),
    };
    statements.set(key, made);
    return made;
  };

  return (q, now) => {
    const { count, page } = statementsFor(q);
    const { limit, offset } = pageBounds(q.limit, q.offset);
    // Unused named parameters are ignored; missing ones are an error, so give them all.
    const ip = q.ip === undefined ? null : (parseIp(q.ip.trim()) ?? q.ip);
    const params = { ip, account: q.account ?? null, now };
    const total = count.get(params) as number;
    const rows = (page.all({ ...params, limit, offset }) as BanRow[]).map(toBan);
    return { total, rows };
  };
}
