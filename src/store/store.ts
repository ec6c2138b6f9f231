/**
 * The store: one SQLite connection and the repositories over it. Several processes
 * (daemon, CLI, API) may each hold a Store on the same file; each sees the others'
 * commits on its next call. All methods are synchronous.
 *
 * Invariant: what the firewall holds is derivable from `activeBans(now)` alone.
 */
import type Database from 'better-sqlite3';
import { isNetwork, networkHolds, type BanTarget, type IpAddress } from '../domain/index.js';
import { createAuditRepo, type AuditRepo } from './audit.js';
import { createBanLister, type ListBans } from './ban-list.js';
import { createBanRepo, type BanRepo } from './bans.js';
import { createChangeRepo, type ChangeRepo } from './changes.js';
import { openDatabase } from './db.js';
import { createFailureRepo, type FailureRepo } from './failures.js';
import { createMetaRepo, type MetaRepo } from './meta.js';
import type {
  AuditEntry, AuditRecord, BanQuery, BanRecord, Change, Cursor, FailureQuery, FailureRecord, FailureRow,
  ManualBan, ManualRelease, NewBan, Page,
} from './types.js';

/** The sipwarden database. Open with {@link Store.open}; close when done. */
export class Store {
  readonly #db: Database.Database;
  readonly #bans: BanRepo;
  readonly #listBans: ListBans;
  readonly #failures: FailureRepo;
  readonly #audit: AuditRepo;
  readonly #changes: ChangeRepo;
  readonly #meta: MetaRepo;

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#bans = createBanRepo(db);
    this.#listBans = createBanLister(db);
    this.#failures = createFailureRepo(db);
    this.#audit = createAuditRepo(db);
    this.#changes = createChangeRepo(db, this.#bans, this.#audit);
    this.#meta = createMetaRepo(db);
  }

  /**
   * Opens (creating file and parent directories if needed) and migrates the database.
   * Throws SipwardenError STORE_UNAVAILABLE "cannot open database <path>: <reason>".
   */
  static open(path: string): Store {
    return new Store(openDatabase(path));
  }

  /** Closes the connection (idempotent); any later call on this Store throws. */
  close(): void {
    if (this.#db.open) this.#db.close();
  }

  /**
   * Records a ban. If `b.ip` already has a ban active at `b.createdAt`, that row is
   * updated instead and returned: expiry becomes the later of the two (null wins),
   * tier and failures the higher, evidence the 20 most recent distinct items, accounts
   * the union capped at 50; reason, source and createdBy are taken from `b` only if it
   * extends the expiry. So an address never has two active bans.
   */
  addBan(b: NewBan): BanRecord {
    return this.#bans.addBan(b);
  }

  /** Marks the ban of `ip` active at `at` as released by `by`; null if there is none. */
  releaseBan(ip: BanTarget, at: number, by: string): BanRecord | null {
    return this.#bans.releaseBan(ip, at, by);
  }

  /** Bans in force at `now` (not released, not expired), oldest first. */
  activeBans(now: number): BanRecord[] {
    return this.#bans.activeBans(now);
  }

  /** The ban of `ip` in force at `now`, or null. */
  getActiveBan(ip: BanTarget, now: number): BanRecord | null {
    return this.#bans.getActiveBan(ip, now);
  }

  /** One page of bans matching `q` (state judged at `now`), and how many match in all. */
  listBans(q: BanQuery, now: number): Page<BanRecord> {
    return this.#listBans(q, now);
  }

  /** When a ban of `ip` was last released, or null if none ever was. */
  lastReleaseAt(ip: BanTarget): number | null {
    return this.#bans.lastReleaseAt(ip);
  }

  /** Network bans in force at `now` (subnet escalation, or a person's), oldest first. */
  activeNetworkBans(now: number): BanRecord[] {
    return this.#bans.activeNetworkBans(now);
  }

  /** The network ban in force at `now` that holds `ip`, if any (releasing `ip` alone leaves it blocked). */
  coveringNetworkBan(ip: IpAddress, now: number): BanRecord | null {
    return this.#bans.activeNetworkBans(now).find((b) => isNetwork(b.ip) && networkHolds(b.ip, ip)) ?? null;
  }

  /** Policy bans (not released) made at or after `since`, oldest first: subnet escalation's counts after a restart. */
  policyBansSince(since: number): Array<{ ip: BanTarget; createdAt: number }> {
    return this.#bans.policyBansSince(since);
  }

  /** Appends failures in one transaction: all rows are committed or none. */
  addFailures(rows: readonly FailureRow[]): void {
    this.#failures.addFailures(rows);
  }

  /**
   * Appends failures and moves source cursors in ONE transaction, so after a crash a
   * source resumes exactly after the last line whose failures were stored: no line is
   * lost and none is counted twice.
   */
  commitProgress(rows: readonly FailureRow[], cursors: readonly Cursor[], bans: readonly NewBan[] = []): void {
    this.#db.transaction(() => {
      for (const b of bans) this.#bans.addBan(b);
      if (rows.length) this.#failures.addFailures(rows);
      for (const c of cursors) this.#meta.setCursor(c);
    }).immediate();
  }

  /** Address and time of every failure at or after `since`, in time order (to rebuild windows). */
  failuresSince(since: number): Array<{ ip: IpAddress; at: number; action: string }> {
    return this.#failures.failuresSince(since);
  }

  /** One page of failures matching `q`, newest first, and how many match in all. */
  listFailures(q: FailureQuery): Page<FailureRecord> {
    return this.#failures.listFailures(q);
  }

  /** Deletes failures before `olderThan`; returns how many were deleted. */
  pruneFailures(olderThan: number): number {
    return this.#failures.pruneFailures(olderThan);
  }

  /** Appends an audit entry and returns it with its id. */
  addAudit(e: AuditEntry): AuditRecord {
    return this.#audit.addAudit(e);
  }

  /** The latest `limit` audit entries (clamped to 1..1000), newest first. */
  listAudit(limit: number): AuditRecord[] {
    return this.#audit.listAudit(limit);
  }

  /** Bans `ip` by hand (tier 0, merging as {@link addBan}), with audit and change rows, in one transaction. */
  manualBan(m: ManualBan): BanRecord {
    return this.#changes.manualBan(m);
  }

  /** Releases the active ban of `ip` with audit and change rows, in one transaction; null (nothing written) if none. */
  manualRelease(m: ManualRelease): BanRecord | null {
    return this.#changes.manualRelease(m);
  }

  /** Changes with id > `lastId`, in id order, at most `limit` (default 1000). */
  changesSince(lastId: number, limit?: number): Change[] {
    return this.#changes.changesSince(lastId, limit);
  }

  /** The highest change id ever issued (0 if none): where a starting daemon begins polling. */
  latestChangeId(): number {
    return this.#changes.latestChangeId();
  }

  /** Sets `key` to `value`, replacing any previous value. */
  setMeta(key: string, value: string): void {
    this.#meta.setMeta(key, value);
  }

  /** The value of `key`, or null if never set. */
  getMeta(key: string): string | null {
    return this.#meta.getMeta(key);
  }

  /** The saved read position of `source`, or null if none. */
  getCursor(source: string): Cursor | null {
    return this.#meta.getCursor(source);
  }

  /** Saves the read position of `c.source`, replacing any previous one. */
  setCursor(c: Cursor): void {
    this.#meta.setCursor(c);
  }
}
