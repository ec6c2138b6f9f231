/**
 * Small key/value state (daemon heartbeat, pid) and the log follower's source cursors.
 *
 * Invariant: one row per key and per source; a write replaces the previous value.
 */
import type Database from 'better-sqlite3';
import type { Cursor } from './types.js';

/** Meta and cursor operations over one connection; statements are prepared once. */
export interface MetaRepo {
  setMeta(key: string, value: string): void;
  getMeta(key: string): string | null;
  getCursor(source: string): Cursor | null;
  setCursor(c: Cursor): void;
}

interface CursorRow {
  source: string;
  dev: string;
  ino: string;
  offset: number;
  fingerprint: string;
  line: number | null;
  updated_at: number;
}

/** Sets one meta value (key, value). */
export const META_PUT_SQL = 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value';

/** Sets one source's cursor (named parameters: source, dev, ino, offset, fingerprint, line, updatedAt). */
export const CURSOR_PUT_SQL = `INSERT INTO cursors (source, dev, ino, "offset", fingerprint, line, updated_at)
     VALUES (@source, @dev, @ino, @offset, @fingerprint, @line, @updatedAt)
     ON CONFLICT (source) DO UPDATE SET dev = excluded.dev, ino = excluded.ino, "offset" = excluded."offset",
       fingerprint = excluded.fingerprint, line = excluded.line, updated_at = excluded.updated_at`;

/** Builds the meta/cursor repository for `db` (which must be migrated). */
export function createMetaRepo(db: Database.Database): MetaRepo {
  const put = db.prepare(META_PUT_SQL);
  const get = db.prepare<[string], string>('SELECT value FROM meta WHERE key = ?').pluck();
  const putCursor = db.prepare(CURSOR_PUT_SQL);
  const getCursor = db.prepare<[string], CursorRow>('SELECT * FROM cursors WHERE source = ?');
  return {
    setMeta: (key, value) => {
      put.run(key, value);
    },
    getMeta: (key) => get.get(key) ?? null,
    getCursor: (source) => {
      const r = getCursor.get(source);
      if (r === undefined) return null;
      const c = { source: r.source, dev: r.dev, ino: r.ino, offset: r.offset, fingerprint: r.fingerprint, updatedAt: r.updated_at };
      return r.line === null ? c : { ...c, line: r.line };
    },
    setCursor: (c) => {
      const { source, dev, ino, offset, fingerprint, updatedAt } = c;
      putCursor.run({ source, dev, ino, offset, fingerprint, line: c.line ?? null, updatedAt });
    },
  };
}
