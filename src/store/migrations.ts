/**
 * Versioned schema. `PRAGMA user_version` holds how many entries of {@link MIGRATIONS}
 * the file has had applied.
 *
 * Invariants: an entry is never edited once released — a change to the schema is a new
 * entry at the end. Each entry runs in the same immediate transaction as the bump of
 * `user_version`, so a file is always at exactly one version, and two processes
 * opening the same file at once cannot both apply an entry.
 */
import type Database from 'better-sqlite3';

/** Schema steps, in order; entry i takes a file from version i to version i + 1. */
export const MIGRATIONS: readonly string[] = [
  // 1: bans, failures, audit, change queue, meta, cursors.
  `
  CREATE TABLE bans (
    id INTEGER PRIMARY KEY,
    ip TEXT NOT NULL,
    reason TEXT NOT NULL,
    tier INTEGER,
    source TEXT NOT NULL CHECK (source IN ('policy', 'manual')),
    failures INTEGER NOT NULL DEFAULT 0,
    evidence TEXT,
    accounts TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    released_at INTEGER,
    released_by TEXT,
    created_by TEXT
  );
  -- The active ban of an ip (released_at IS NULL), lastReleaseAt, and the ip filter.
  CREATE INDEX bans_ip ON bans (ip, released_at, expires_at);
  -- Active bans: unreleased rows by expiry.
  CREATE INDEX bans_open ON bans (expires_at) WHERE released_at IS NULL;
  CREATE INDEX bans_created ON bans (created_at);

  CREATE TABLE ban_accounts (
    account TEXT NOT NULL,
    ban_id INTEGER NOT NULL REFERENCES bans (id),
    PRIMARY KEY (account, ban_id)
  ) WITHOUT ROWID;

  CREATE TABLE failures (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    ip TEXT NOT NULL,
    port INTEGER,
    service TEXT NOT NULL,
    account TEXT NOT NULL,
    reason TEXT NOT NULL,
    zone TEXT NOT NULL,
    action TEXT NOT NULL,
    source TEXT,
    line INTEGER,
    raw TEXT
  );
  CREATE INDEX failures_at ON failures (at);
  CREATE INDEX failures_ip ON failures (ip, at);
  CREATE INDEX failures_account ON failures (account, at);

  CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    ip TEXT,
    detail TEXT
  );

  CREATE TABLE changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('ban', 'release')),
    ip TEXT NOT NULL,
    ban_id INTEGER
  );

  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE cursors (
    source TEXT PRIMARY KEY,
    dev TEXT NOT NULL,
    ino TEXT NOT NULL,
    "offset" INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );
  `,
  // 2: the line number at a cursor's offset, so evidence line numbers go on after a restart.
  `ALTER TABLE cursors ADD COLUMN line INTEGER;`,
];

/** The schema version this build writes and understands. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the file up to {@link SCHEMA_VERSION}. Throws if the file is newer than this
 * build (it was written by a later sipwarden; refusing beats corrupting it).
 */
export function migrate(db: Database.Database): void {
  if (db.pragma('user_version', { simple: true }) === SCHEMA_VERSION) return; // common case: no write lock
  const step = db.transaction((): boolean => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`schema version ${version} is newer than this sipwarden supports (${SCHEMA_VERSION})`);
    }
    const sql = MIGRATIONS[version];
    if (sql === undefined) return false;
    db.exec(sql);
    db.pragma(`user_version = ${version + 1}`);
    return true;
  });
  while (step.immediate()) {
    // one entry per transaction, re-reading the version each time
  }
}
