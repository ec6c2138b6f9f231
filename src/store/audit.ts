/**
 * The admin audit trail: who did what to which address, and when.
 *
 * Invariant: append-only; entries are never changed or deleted.
 */
import type Database from 'better-sqlite3';
import { pageBounds } from './paging.js';
import type { AuditEntry, AuditRecord } from './types.js';

/** Audit operations over one connection; statements are prepared once. */
export interface AuditRepo {
  addAudit(e: AuditEntry): AuditRecord;
  listAudit(limit: number): AuditRecord[];
}

/** Builds the audit repository for `db` (which must be migrated). */
export function createAuditRepo(db: Database.Database): AuditRepo {
  const insert = db.prepare('INSERT INTO audit (at, actor, action, ip, detail) VALUES (?, ?, ?, ?, ?)');
  const latest = db.prepare<[number], AuditRecord>(
    'SELECT id, at, actor, action, ip, detail FROM audit ORDER BY id DESC LIMIT ?',
  );
  return {
    addAudit: (e) => {
      const ip = e.ip ?? null;
      const detail = e.detail ?? null;
      const id = Number(insert.run(e.at, e.actor, e.action, ip, detail).lastInsertRowid);
      return { id, at: e.at, actor: e.actor, action: e.action, ip, detail };
    },
    listAudit: (limit) => latest.all(pageBounds(limit, 0).limit),
  };
}
