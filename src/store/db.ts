/**
 * Opening the SQLite file: connection settings and migrations.
 *
 * Settings: WAL journal (readers never block the one writer, so the CLI and the API
 * read while the daemon writes), `synchronous=NORMAL` (a crash may lose the last
 * commits but never corrupts the file), a 5 s busy timeout (another process's write
 * transaction is waited for, not failed on), and foreign keys on.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SipwardenError } from '../domain/index.js';
import { migrate } from './migrations.js';

/** How long a connection waits for another's write lock before failing, ms. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating it and its parent directories if needed) and migrates the database
 * at `path`. Throws SipwardenError STORE_UNAVAILABLE, naming the path and the reason,
 * if the file cannot be created, opened, read as a database or migrated.
 */
export function openDatabase(path: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    // The store holds attacker-written text and admin names: readable by root and the sipwarden group only.
    if (path !== ':memory:') chmodSync(path, 0o640);
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (err) {
    db?.close();
    const reason = err instanceof Error ? err.message : String(err);
    throw new SipwardenError('STORE_UNAVAILABLE', `cannot open database ${path}: ${reason}`);
  }
}
