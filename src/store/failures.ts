/**
 * The failure history: one row per failed authentication, for the dashboard, for
 * rebuilding the policy engine's sliding windows after a restart, and for pruning.
 *
 * Invariants: rows are append-only except for `pruneFailures`; a batch from
 * `addFailures` is committed whole or not at all.
 */
import type Database from 'better-sqlite3';
import { parseIp, type FailureReason, type IpAddress } from '../domain/index.js';
import { pageBounds } from './paging.js';
import type { FailureQuery, FailureRecord, FailureRow, Page } from './types.js';

/** Failure-history operations over one connection; statements are prepared once. */
export interface FailureRepo {
  addFailures(rows: readonly FailureRow[]): void;
  failuresSince(since: number): Array<{ ip: IpAddress; at: number; action: string }>;
  listFailures(q: FailureQuery): Page<FailureRecord>;
  pruneFailures(olderThan: number): number;
}

interface Row {
  id: number;
  at: number;
  ip: string;
  port: number | null;
  service: string;
  account: string;
  reason: string;
  zone: string;
  action: string;
  source: string | null;
  line: number | null;
  raw: string | null;
}

const toFailure = (r: Row): FailureRecord => ({
  id: r.id,
  at: r.at,
  // Only FailureRow.ip (an IpAddress) is ever written to this column.
  ip: r.ip as IpAddress,
  port: r.port,
  service: r.service,
  account: r.account,
  reason: r.reason as FailureReason,
  zone: r.zone,
  action: r.action,
  source: r.source,
  line: r.line,
  raw: r.raw,
});

/** Columns a `listFailures` filter may compare for equality (fixed names, never user text). */
const EQUAL_FILTERS = ['ip', 'account', 'service', 'reason'] as const;

/** The insert of one failure row, its values in FailureRow's order (also the writer thread's: writer-thread.ts). */
export const FAILURE_INSERT_SQL = `INSERT INTO failures (at, ip, port, service, account, reason, zone, action, source, line, raw)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Builds the failure repository for `db` (which must be migrated). */
export function createFailureRepo(db: Database.Database): FailureRepo {
  const insert = db.prepare(FAILURE_INSERT_SQL);
  const since = db.prepare<[number], { ip: IpAddress; at: number; action: string }>(
    // Scans (challenges never answered) have their own threshold, not the tiers': they never refill a tier's window.
    "SELECT ip, at, action FROM failures WHERE at >= ? AND reason <> 'scan' ORDER BY at, id",
  );
  const prune = db.prepare('DELETE FROM failures WHERE at < ?');
  const listStatements = new Map<string, { count: Database.Statement; page: Database.Statement }>();

  const addFailures = db.transaction((rows: readonly FailureRow[]): void => {
    for (const r of rows) {
      insert.run(r.at, r.ip, r.port, r.service, r.account, r.reason, r.zone, r.action, r.source, r.line, r.raw);
    }
  });

  const listFailures = (q: FailureQuery): Page<FailureRecord> => {
    const params: Record<string, string | number> = {};
    const where: string[] = [];
    for (const column of EQUAL_FILTERS) {
      const value = q[column];
      if (value === undefined) continue;
      where.push(`${column} = @${column}`);
      params[column] = value;
    }
    if (params.ip !== undefined) params.ip = parseIp(String(params.ip).trim()) ?? params.ip;
    if (q.from !== undefined) {
      where.push('at >= @from');
      params.from = q.from;
    }
    if (q.to !== undefined) {
      where.push('at < @to');
      params.to = q.to;
    }
    const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    let stmts = listStatements.get(whereSql);
    if (!stmts) {
      stmts = {
        count: db.prepare(`SELECT COUNT(*) FROM failures ${whereSql}`).pluck(),
        page: db.prepare(`SELECT * FROM failures ${whereSql} ORDER BY at DESC, id DESC LIMIT @limit OFFSET @offset`),
      };
      listStatements.set(whereSql, stmts);
    }
    const total = stmts.count.get(params) as number;
    const rows = (stmts.page.all({ ...params, ...pageBounds(q.limit, q.offset) }) as Row[]).map(toFailure);
    return { total, rows };
  };

  return {
    addFailures: (rows) => {
      if (rows.length > 0) addFailures.immediate(rows);
    },
    failuresSince: (t) => since.all(t),
    listFailures,
    pruneFailures: (olderThan) => prune.run(olderThan).changes,
  };
}
