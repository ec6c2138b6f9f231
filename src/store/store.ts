/**
 * The store: one SQLite connection and the repositories over it. Several processes
 * (daemon, CLI, API) may each hold a Store on the same file; each sees the others'
 * commits on its next call. All methods are synchronous.
 *
 * Invariant: what the firewall holds is derivable from `activeBans(now)` alone.
 */
import { renameSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { isNetwork, networkHolds, type BanTarget, type IpAddress } from '../domain/index.js';
import { createAuditRepo, type AuditRepo } from './audit.js';
import { createBanLister, type ListBans } from './ban-list.js';
import { createBanRepo, type ActiveOrigin, type BanRepo } from './bans.js';
import { createChangeRepo, type ChangeRepo } from './changes.js';
import { openDatabase, openSnapshot } from './db.js';
import { createFailureRepo, type FailureRepo } from './failures.js';
import { createMetaRepo, type MetaRepo } from './meta.js';
import type {
  AuditEntry, AuditRecord, BanQuery, BanRecord, Change, Cursor, FailureQuery, FailureRecord, FailureRow,
  ManualBan, ManualRelease, NewBan, Page,
} from './types.js';

/** How a Store opens its file. */
export interface StoreOptions {
  /** How long a write waits for another process's lock, ms; default BUSY_TIMEOUT_MS, 5 s (the daemon waits less and retries). */
  readonly busyTimeoutMs?: number;
}

/** The sipwarden database. Open with {@link Store.open}; close when done. */
export class Store {
  #db: Database.Database;
  /** Set while this Store reads a copy in memory (see {@link Store.openSnapshot}): why the file itself could not be opened. */
  #snapshotOf: Error | null = null;
  #bans!: BanRepo;
  #listBans!: ListBans;
  #failures!: FailureRepo;
  #audit!: AuditRepo;
  #changes!: ChangeRepo;
  #meta!: MetaRepo;

  private constructor(readonly path: string, private readonly opts: StoreOptions, db?: Database.Database) {
    this.#db = db ?? openDatabase(path, opts);
    this.#wire();
  }

  #wire(): void {
    const db = this.#db;
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
  static open(path: string, opts: StoreOptions = {}): Store {
    return new Store(path, opts);
  }

  /**
   * A Store reading a read-only copy in memory of the file at `path`, because the file
   * itself could not be opened (`why`: a full disk cannot hold the -shm file). Reads
   * work; the daemon's writes throw `why` until {@link reopen} opens the file itself.
   */
  static openSnapshot(path: string, why: Error, opts: StoreOptions = {}): Store {
    const store = new Store(path, opts, openSnapshot(path));
    store.#snapshotOf = why;
    return store;
  }

  /** True while this Store reads a copy in memory (see {@link openSnapshot}). */
  get isSnapshot(): boolean {
    return this.#snapshotOf !== null;
  }

  /** Closes the connection (idempotent); any later call on this Store throws. */
  close(): void {
    if (this.#db.open) this.#db.close();
  }

  /**
   * Opens the file again and then closes the old connection (a connection that found
   * its -wal file read-only stays read-only; a copy in memory is not the file). Throws
   * as {@link open}, and then the old connection stays.
   */
  reopen(): void {
    const next = openDatabase(this.path, this.opts);
    this.close();
    this.#db = next;
    this.#snapshotOf = null;
    this.#wire();
  }

  /**
   * Keeps a damaged database aside and starts a fresh one at the same path: closes the
   * connection, renames the file (and its -wal and -shm files) to
   * `<path>.corrupt-<stamp>`, and opens an empty, migrated store. Returns the aside
   * path. Every holder of this Store object goes on with the fresh file.
   */
  setAside(stamp: string): string {
    this.close();
    const aside = setAsideFiles(this.path, stamp);
    this.#db = openDatabase(this.path, this.opts);
    this.#snapshotOf = null;
    this.#wire();
    return aside;
  }

  /**
   * Reads every page a starting daemon reads — bans not released, failures at or after
   * `since`, meta, cursors, the change queue's end — and throws SQLite's error
   * (SQLITE_CORRUPT) if any of it is damaged, before anything was restored from it.
   */
  probe(since: number): void {
    const reads: Array<[string, unknown[]]> = [
      ['SELECT * FROM bans WHERE released_at IS NULL', []],
      ['SELECT ip, released_at, source FROM bans WHERE created_at >= ?', [since]],
      ['SELECT ip, at, action FROM failures WHERE at >= ?', [since]],
      ['SELECT * FROM meta', []],
      ['SELECT * FROM cursors', []],
      ['SELECT max(id) FROM changes', []],
    ];
    for (const [sql, args] of reads) {
      for (const row of this.#db.prepare(sql).raw().iterate(...args)) void row;
    }
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

  /** Bans in force at `now` in brief — target, who made it, when it ends — oldest first (no JSON columns read: cheap for 100,000). */
  activeOrigins(now: number): ActiveOrigin[] {
    return this.#bans.activeOrigins(now);
  }

  /** Whether a person (here, or on another PBX of the cluster) ever released a ban of `ip`: a feed never bans it again. */
  releasedByPerson(ip: BanTarget): boolean {
    return this.#bans.releasedByPerson(ip);
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

  /** Policy bans (not released; a feed's left out) made at or after `since`, oldest first: subnet escalation's counts after a restart. */
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
   * lost and none is counted twice. `meta` entries (e.g. how far the failed-auth log
   * was written) are set in the same transaction. All or nothing: on a throw nothing
   * was written.
   */
  commitProgress(rows: readonly FailureRow[], cursors: readonly Cursor[], bans: readonly NewBan[] = [], meta: ReadonlyArray<readonly [string, string]> = []): void {
    if (this.#snapshotOf) throw this.#snapshotOf;
    this.#db.transaction(() => {
      for (const b of bans) this.#bans.addBan(b);
      if (rows.length) this.#failures.addFailures(rows);
      for (const c of cursors) this.#meta.setCursor(c);
      for (const [key, value] of meta) this.#meta.setMeta(key, value);
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
    if (this.#snapshotOf) throw this.#snapshotOf;
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

/**
 * Renames the database at `path` and its -wal and -shm files to
 * `<path>.corrupt-<stamp>` (each that exists); returns that path. The file must not be
 * open in this process.
 */
export function setAsideFiles(path: string, stamp: string): string {
  const aside = `${path}.corrupt-${stamp}`;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      renameSync(path + suffix, aside + suffix);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return aside;
}
