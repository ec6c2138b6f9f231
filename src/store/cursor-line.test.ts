/**
 * A cursor keeps the line number at its offset (schema version 2), so evidence line
 * numbers go on after a restart; a file written by version 1 is migrated in place and
 * its cursors come back without a line (the follower then counts it from the file).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations.js';
import { Store } from './index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipwarden-cursor-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const cursor = { source: '/var/log/asterisk/security', dev: '2049', ino: '131', offset: 4_200_000, fingerprint: '128:ab', updatedAt: 5 };

describe('cursor line numbers', () => {
  it('are kept with the cursor and come back after reopening', () => {
    const path = join(dir, 'sipwarden.db');
    const a = Store.open(path);
    a.commitProgress([], [{ ...cursor, line: 21_000 }]);
    a.close();
    const b = Store.open(path);
    expect(b.getCursor(cursor.source)).toEqual({ ...cursor, line: 21_000 });
    b.setCursor({ ...cursor, offset: 10, line: 1 });
    expect(b.getCursor(cursor.source)).toEqual({ ...cursor, offset: 10, line: 1 });
    b.close();
  });

  it('a version 1 file is migrated; its cursor has no line until the next write', () => {
    const path = join(dir, 'old.db');
    const raw = new Database(path);
    raw.exec(MIGRATIONS[0] as string);
    raw.pragma('user_version = 1');
    raw.prepare('INSERT INTO cursors (source, dev, ino, "offset", fingerprint, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(cursor.source, cursor.dev, cursor.ino, cursor.offset, cursor.fingerprint, cursor.updatedAt);
    raw.close();
    const s = Store.open(path);
    expect(s.getCursor(cursor.source)).toEqual(cursor);
    s.setCursor({ ...cursor, line: 7 });
    expect(s.getCursor(cursor.source)?.line).toBe(7);
    s.close();
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    check.close();
  });
});
