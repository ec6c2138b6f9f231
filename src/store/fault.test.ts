/**
 * Fault classification on real errors (a garbage file, a second connection holding
 * the write lock, a full tmpfs) and the episode/backoff contract of FaultTracker.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { mountTmpfs, type Tmpfs } from '../../test/support/tmpfs.js';
import { classifyFault, FaultTracker, Store, type FaultEpisode } from './index.js';

let dir = '';
let fsys: Tmpfs | null = null;
const closers: Array<() => void> = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
  fsys?.close();
  fsys = null;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = '';
});

const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
};

describe('classifyFault', () => {
  it('tells a damaged file, a lock and a full disk apart, from the errors SQLite and the system really give', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-fault-'));
    fs.writeFileSync(path.join(dir, 'garbage.db'), 'this is not a database, not at all'.repeat(200));
    expect(classifyFault(thrown(() => Store.open(path.join(dir, 'garbage.db'))))).toMatchObject({ kind: 'corrupt', code: 'SQLITE_NOTADB' });

    const store = Store.open(path.join(dir, 'db'), { busyTimeoutMs: 50 });
    closers.push(() => store.close());
    const other = new Database(path.join(dir, 'db'));
    closers.push(() => other.close());
    other.exec('BEGIN IMMEDIATE');
    expect(classifyFault(thrown(() => store.setMeta('k', 'v')))).toMatchObject({ kind: 'locked', code: 'SQLITE_BUSY' });
    other.exec('ROLLBACK');

    fsys = mountTmpfs('256k', 'fault');
    const full = Store.open(fsys.file('db'));
    closers.unshift(() => full.close());
    fsys.fill();
    const big = 'x'.repeat(100_000);
    expect(classifyFault(thrown(() => full.setMeta('big', big)))).toMatchObject({ kind: 'disk_full', code: 'SQLITE_FULL' });
    expect(classifyFault(thrown(() => fs.writeFileSync(fsys!.file('more'), big)))).toMatchObject({ kind: 'disk_full', code: 'ENOSPC' });
  });
});

describe('FaultTracker', () => {
  it('announces one episode once, backs off 250 ms doubling to 5 s, and announces its end once', () => {
    const seen: string[] = [];
    const t = new FaultTracker({
      part: 'store', file: '/var/lib/sipwarden/sipwarden.db',
      onStart: (e: FaultEpisode) => seen.push(`start ${e.kind}`), onChange: (e) => seen.push(`change ${e.kind}`), onEnd: (e, now) => seen.push(`end ${e.kind} after ${now - e.since}`),
    });
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    expect(t.due(0)).toBe(true);
    const delays: number[] = [];
    let now = 1000;
    for (let i = 0; i < 8; i++) {
      const e = t.fail(i < 6 ? full : busy, now);
      delays.push(e.retryAt - now);
      expect(t.due(e.retryAt - 1)).toBe(false);
      expect(t.due(e.retryAt)).toBe(true);
      now = e.retryAt;
    }
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
    expect(t.current()).toMatchObject({ kind: 'locked', failures: 8, since: 1000 });
    expect(t.current()?.advice).toContain('fuser');
    t.ok(now);
    t.ok(now + 1);
    expect(t.current()).toBeNull();
    expect(seen).toEqual(['start disk_full', 'change locked', `end locked after ${now - 1000}`]);
  });
});
