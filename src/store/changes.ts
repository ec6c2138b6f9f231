/**
 * The change queue from the CLI (another process) to the running daemon, and the
 * manual ban/release operations that feed it.
 *
 * Invariants:
 * - A manual ban or release, its audit entry and its change row are committed in one
 *   immediate transaction: the daemon sees all three or none.
 * - Change ids are strictly increasing in commit order (AUTOINCREMENT, assigned under
 *   the file's write lock), so a poller that remembers the last id it applied and asks
 *   `changesSince(lastId)` misses nothing and sees nothing twice.
 */
import type Database from 'better-sqlite3';
import type { BanTarget } from '../domain/index.js';
import type { AuditRepo } from './audit.js';
import type { BanRepo } from './bans.js';
import { LIST_LIMIT_MAX, type BanRecord, type Change, type ManualBan, type ManualRelease } from './types.js';

/** Change-queue operations over one connection; statements are prepared once. */
export interface ChangeRepo {
  manualBan(m: ManualBan): BanRecord;
  manualRelease(m: ManualRelease): BanRecord | null;
  changesSince(lastId: number, limit?: number): Change[];
  latestChangeId(): number;
}

interface Row {
  id: number;
  at: number;
  kind: 'ban' | 'release';
  ip: string;
  ban_id: number | null;
}

/** Builds the change queue over `db`, writing bans and audit entries through the given repos. */
export function createChangeRepo(db: Database.Database, bans: BanRepo, audit: AuditRepo): ChangeRepo {
  const insert = db.prepare('INSERT INTO changes (at, kind, ip, ban_id) VALUES (?, ?, ?, ?)');
  const since = db.prepare<[number, number], Row>('SELECT * FROM changes WHERE id > ? ORDER BY id LIMIT ?');
  // sqlite_sequence keeps the highest id ever issued, even if old rows were deleted.
  const latest = db
    .prepare<[], number>("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0)")
    .pluck();

  const manualBan = db.transaction((m: ManualBan): BanRecord => {
    const ban = bans.addBan({
      ip: m.ip,
      reason: m.reason,
      tier: 0,
      source: 'manual',
      failures: 0,
      evidence: [],
      accounts: [],
      createdAt: m.at,
      expiresAt: m.expiresAt,
      createdBy: m.actor,
    });
    const detail = JSON.stringify({ banId: ban.id, expiresAt: m.expiresAt, reason: m.reason });
    audit.addAudit({ at: m.at, actor: m.actor, action: 'ban', ip: m.ip, detail });
    insert.run(m.at, 'ban', m.ip, ban.id);
    return ban;
  });

  const manualRelease = db.transaction((m: ManualRelease): BanRecord | null => {
    const ban = bans.releaseBan(m.ip, m.at, m.actor);
    if (ban === null) return null;
    audit.addAudit({ at: m.at, actor: m.actor, action: 'release', ip: m.ip, detail: JSON.stringify({ banId: ban.id }) });
    insert.run(m.at, 'release', m.ip, ban.id);
    return ban;
  });

  return {
    manualBan: (m) => manualBan.immediate(m),
    manualRelease: (m) => manualRelease.immediate(m),
    changesSince: (lastId, limit = LIST_LIMIT_MAX) =>
      since.all(lastId, limit).map((r) => ({ id: r.id, at: r.at, kind: r.kind, ip: r.ip as BanTarget, banId: r.ban_id })),
    latestChangeId: () => latest.get() as number,
  };
}
