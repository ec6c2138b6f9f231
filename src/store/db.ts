/**
 * Opening the SQLite file: connection settings and migrations.
 *
 * Settings: WAL journal (readers never block the one writer, so the CLI and the API
 * read while the daemon writes), `synchronous=NORMAL` (a crash may lose the last
 * commits but never corrupts the file), a 5 s busy timeout (another process's write
 * transaction is waited for, not failed on), and foreign keys on.
 */
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SipwardenError } from '../domain/index.js';
import { migrate } from './migrations.js';

/** How long a connection waits for another's write lock before failing, ms. */
export const BUSY_TIMEOUT_MS = 5000;

/** The settings of every connection to the store's file (see the top), as PRAGMA statements. */
export function connectionPragmas(busyTimeoutMs = BUSY_TIMEOUT_MS): string[] {
  return [`busy_timeout = ${busyTimeoutMs}`, 'journal_mode = WAL', 'synchronous = NORMAL', 'foreign_keys = ON'];
}

/**
 * Opens (creating it and its parent directories if needed) and migrates the database
 * at `path`. Throws SipwardenError STORE_UNAVAILABLE, naming the path and the reason
 * (the original error as its `cause`), if the file cannot be created, opened, read as a
 * database or migrated. `busyTimeoutMs` defaults to {@link BUSY_TIMEOUT_MS}.
 */
export function openDatabase(path: string, opts: { busyTimeoutMs?: number } = {}): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    // The store holds attacker-written text and admin names: readable by root and the sipwarden group only.
    if (path !== ':memory:') restrictMode(path);
    for (const p of connectionPragmas(opts.busyTimeoutMs)) db.pragma(p);
    migrate(db);
    return db;
  } catch (err) {
    db?.close();
    const reason = err instanceof Error ? err.message : String(err);
    const error = new SipwardenError('STORE_UNAVAILABLE', `cannot open database ${path}: ${reason}`);
    error.cause = err; // SQLite's or the system's code (SQLITE_NOTADB, ENOSPC) tells what kind of fault it is
    throw error;
  }
}

/**
 * A read-only copy in memory of the database at `path`, for a daemon that cannot open
 * the file itself (a full disk cannot hold its -shm file): enough to start from, while
 * every write fails and waits. The file must be a complete database (its WAL empty:
 * what a clean stop leaves); WAL mode is marked off in the copy, which SQLite requires
 * of a database in memory.
 */
export function openSnapshot(path: string): Database.Database {
  const bytes = readFileSync(path);
  if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) bytes[18] = bytes[19] = 1;
  return new Database(bytes, { readonly: true });
}

/** Mode 0640 on the file; a file or filesystem that refuses (read-only) is opened anyway, and its writes fail as store faults. */
function restrictMode(path: string): void {
  try {
    if ((statSync(path).mode & 0o777) !== 0o640) chmodSync(path, 0o640);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EROFS' && code !== 'EPERM') throw e;
  }
}
