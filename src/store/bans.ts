/**
 * Bans: who is blocked, why, since when, until when, and who released them.
 *
 * Invariants:
 * - At most one active ban per address at any time: `addBan` merges into the address's
 *   active ban instead of adding a second, inside an immediate (write-locked)
 *   transaction, so this holds across processes sharing the file.
 * - A ban is active at time t iff released_at IS NULL and (expires_at IS NULL or
 *   expires_at > t). Rows are never deleted: expired and released bans are history.
 * - `ban_accounts` holds exactly the names in each ban's `accounts` JSON column.
 */
import type Database from 'better-sqlite3';
import type { BanTarget } from '../domain/index.js';
import { ACTIVE_SQL, laterExpiry, mergeAccounts, mergeEvidence, toBan, type BanRow } from './ban-row.js';
import type { BanRecord, NewBan } from './types.js';

/** The ban of one ip (`?` = ip, now) active now: a search of index bans_ip. */
export const ACTIVE_OF_SQL = `SELECT * FROM bans WHERE ip = ? AND ${ACTIVE_SQL} ORDER BY id DESC LIMIT 1`;

/**
 * Bans active at `?` in id order. Written as two index searches of bans_open rather
 * than one OR, so that expired-but-unreleased history is never scanned.
 */
export const ACTIVE_BANS_SQL = `SELECT * FROM bans WHERE id IN (
    SELECT id FROM bans WHERE released_at IS NULL AND expires_at IS NULL
    UNION ALL
    SELECT id FROM bans WHERE released_at IS NULL AND expires_at > ?
  ) ORDER BY id`;

/** Ban operations over one connection; statements are prepared once. */
export interface BanRepo {
  addBan(b: NewBan): BanRecord;
  releaseBan(ip: BanTarget, at: number, by: string): BanRecord | null;
  activeBans(now: number): BanRecord[];
  getActiveBan(ip: BanTarget, now: number): BanRecord | null;
  lastReleaseAt(ip: BanTarget): number | null;
  policyBansSince(since: number): Array<{ ip: BanTarget; createdAt: number }>;
  activeNetworkBans(now: number): BanRecord[];
  activeOrigins(now: number): ActiveOrigin[];
  releasedByPerson(ip: BanTarget): boolean;
}

/** An active ban in brief: its target, who made it and when it ends (no JSON columns parsed). */
export interface ActiveOrigin {
  readonly ip: BanTarget;
  readonly createdBy: string | null;
  readonly expiresAt: number | null;
}

/** Builds the ban repository for `db` (which must be migrated). */
export function createBanRepo(db: Database.Database): BanRepo {
  const byId = db.prepare<[number], BanRow>('SELECT * FROM bans WHERE id = ?');
  const activeOf = db.prepare<[string, number], BanRow>(ACTIVE_OF_SQL);
  const allActive = db.prepare<[number], BanRow>(ACTIVE_BANS_SQL);
  const insert = db.prepare(
    `INSERT INTO bans (ip, reason, tier, source, failures, evidence, accounts, created_at, expires_at, created_by)
     VALUES (@ip, @reason, @tier, @source, @failures, @evidence, @accounts, @createdAt, @expiresAt, @createdBy)`,
  );
  const update = db.prepare(
    `UPDATE bans SET reason = @reason, tier = @tier, source = @source, failures = @failures,
       evidence = @evidence, accounts = @accounts, expires_at = @expiresAt, created_by = @createdBy
     WHERE id = @id`,
  );
  const addAccount = db.prepare('INSERT OR IGNORE INTO ban_accounts (account, ban_id) VALUES (?, ?)');
  const release = db.prepare('UPDATE bans SET released_at = ?, released_by = ? WHERE id = ?');
  const lastRelease = db.prepare<[string], { at: number | null }>(
    'SELECT MAX(released_at) AS at FROM bans WHERE ip = ? AND released_at IS NOT NULL',
  );

  const activeNets = db.prepare<[number], BanRow>(`SELECT * FROM (${ACTIVE_BANS_SQL}) WHERE instr(ip, '/') > 0`);
  const policySince = db.prepare<[number], { ip: string; createdAt: number }>(
    // A feed's bans (created_by feed:<name>) are others' findings: they never count towards this PBX's subnet escalation.
    "SELECT ip, created_at AS createdAt FROM bans WHERE created_at >= ? AND source = 'policy' AND released_at IS NULL AND (created_by IS NULL OR created_by NOT LIKE 'feed:%') ORDER BY created_at",
  );

  // The same two index searches as ACTIVE_BANS_SQL, without the JSON columns: a feed compares 100,000 of them per poll.
  const origins = db.prepare<[number], ActiveOrigin>(`SELECT ip, created_by AS createdBy, expires_at AS expiresAt FROM bans WHERE id IN (
    SELECT id FROM bans WHERE released_at IS NULL AND expires_at IS NULL
    UNION ALL
    SELECT id FROM bans WHERE released_at IS NULL AND expires_at > ?
  ) ORDER BY id`);

  // Every release but a feed's own (a person's, or a person's on another PBX of the cluster); a search of index bans_ip.
  const personRelease = db.prepare<[string], number>("SELECT 1 FROM bans WHERE ip = ? AND released_at IS NOT NULL AND released_by NOT LIKE 'feed:%' LIMIT 1").pluck();

  const get = (id: number): BanRecord => toBan(byId.get(id) as BanRow);

  const addBan = db.transaction((b: NewBan): BanRecord => {
    const row = activeOf.get(b.ip, b.createdAt);
    if (row === undefined) {
      const accounts = mergeAccounts([], b.accounts);
      const info = insert.run({
        ip: b.ip,
        reason: b.reason,
        tier: b.tier,
        source: b.source,
        failures: b.failures,
        evidence: JSON.stringify(mergeEvidence([], b.evidence)),
        accounts: JSON.stringify(accounts),
        createdAt: b.createdAt,
        expiresAt: b.expiresAt,
        createdBy: b.createdBy ?? null,
      });
      const id = Number(info.lastInsertRowid);
      for (const a of accounts) addAccount.run(a, id);
      return get(id);
    }
    const old = toBan(row);
    // Reason, source and author follow the request that sets how long the ban lasts.
    const extendsExpiry = old.expiresAt !== null && (b.expiresAt === null || b.expiresAt > old.expiresAt);
    const accounts = mergeAccounts(old.accounts, b.accounts);
    update.run({
      id: old.id,
      reason: extendsExpiry ? b.reason : old.reason,
      tier: Math.max(old.tier, b.tier),
      source: extendsExpiry ? b.source : old.source,
      failures: Math.max(old.failures, b.failures),
      evidence: JSON.stringify(mergeEvidence(old.evidence, b.evidence)),
      accounts: JSON.stringify(accounts),
      expiresAt: laterExpiry(old.expiresAt, b.expiresAt),
      createdBy: extendsExpiry ? (b.createdBy ?? null) : old.createdBy,
    });
    for (const a of accounts) addAccount.run(a, old.id);
    return get(old.id);
  });

  const releaseBan = db.transaction((ip: BanTarget, at: number, by: string): BanRecord | null => {
    const row = activeOf.get(ip, at);
    if (row === undefined) return null;
    release.run(at, by, row.id);
    return get(row.id);
  });

  return {
    addBan: (b) => addBan.immediate(b),
    releaseBan: (ip, at, by) => releaseBan.immediate(ip, at, by),
    activeBans: (now) => allActive.all(now).map(toBan),
    getActiveBan: (ip, now) => {
      const row = activeOf.get(ip, now);
      return row === undefined ? null : toBan(row);
    },
    lastReleaseAt: (ip) => lastRelease.get(ip)?.at ?? null,
    // Only NewBan.ip (a canonical address or network) is ever written to the column.
    activeNetworkBans: (now) => activeNets.all(now).map(toBan),
    activeOrigins: (now) => origins.all(now),
    releasedByPerson: (ip) => personRelease.get(ip) !== undefined,
    policyBansSince: (since) => policySince.all(since) as Array<{ ip: BanTarget; createdAt: number }>,
  };
}
