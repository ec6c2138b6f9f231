/**
 * The daemon's way of opening its store, on real broken files: a damaged file is kept
 * aside (header or a page in the middle, found by the start's reads), a file locked by
 * another process is waited for, a full disk that cannot hold the -shm file gives a
 * read-only copy in memory that becomes the real file again once there is room; and
 * what can be saved from a damaged file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { mountTmpfs, type Tmpfs } from '../../test/support/tmpfs.js';
import { parseIp, type IpAddress } from '../domain/index.js';
import { classifyFault, openStoreResilient, salvageInto, Store, type FailureRow } from './index.js';

const T0 = Date.UTC(2026, 10, 24, 10);
let dir = '';
let fsys: Tmpfs | null = null;
const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  fsys?.close();
  fsys = null;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = '';
});

const ip = (t: string) => parseIp(t) as IpAddress;
const row = (i: number): FailureRow => ({
  at: T0 + i, ip: ip(`203.0.${(i >> 8) & 255}.${i & 255}`), port: 5060, service: 'SIP', account: '200', reason: 'wrong_password',
  zone: 'external', action: 'counted', source: '/var/log/asterisk/messages', line: i, raw: 'x'.repeat(200),
});
const logLines: string[] = [];
const log = { info: (_o: object, m: string) => logLines.push(m), error: (_o: object, m: string) => logLines.push(m) };
const opts = (now = T0) => ({ now: () => now, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 50))), log, maxDelayMs: 200 });
const keep = (s: Store) => {
  stores.push(s);
  return s;
};

/** A store with 2 bans in force, one cursor, settings, and `n` failures; closed. */
function filled(file: string, n: number): void {
  const s = Store.open(file);
  s.commitProgress(Array.from({ length: n }, (_, i) => row(i)), [{ source: '/var/log/asterisk/messages', dev: '1', ino: '2', offset: 300, fingerprint: 'f', updatedAt: T0, line: 3 }], [
    { ip: ip('198.51.100.7'), reason: 'tier 1', tier: 1, source: 'policy', failures: 2, evidence: [], accounts: ['100'], createdAt: T0, expiresAt: T0 + 3_600_000 },
    { ip: ip('198.51.100.8'), reason: 'tier 2', tier: 2, source: 'policy', failures: 12, evidence: [], accounts: [], createdAt: T0, expiresAt: null },
  ], [['settings', '{"protection":"on"}'], ['heartbeat', '123']]);
  s.close();
}

describe('openStoreResilient', () => {
  it('keeps a file with a damaged header aside and opens a fresh store', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-open-'));
    const file = path.join(dir, 'sipwarden.db');
    filled(file, 10);
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from('this is no longer sqlite'), 0, 24, 0);
    fs.closeSync(fd);
    const opened = await openStoreResilient(file, opts());
    keep(opened!.store);
    expect(opened!.setAside).toBe(`${file}.corrupt-2026-11-24T10-00-00Z`);
    expect(fs.readFileSync(opened!.setAside!).subarray(0, 24).toString()).toBe('this is no longer sqlite');
    expect(opened!.store.activeBans(T0)).toEqual([]);
    opened!.store.setMeta('works', 'yes');
  });

  it('finds a damaged page in the middle with the start\'s reads (probe), and keeps that file aside too', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-open-'));
    const file = path.join(dir, 'sipwarden.db');
    filled(file, 20_000);
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(64 * 1024, 0xa5), 0, 64 * 1024, Math.floor(size / 2));
    fs.closeSync(fd);
    const plain = keep(Store.open(file)); // the header is fine: opening alone does not notice
    expect(classifyFault((() => { try { plain.probe(0); } catch (e) { return e; } })())).toMatchObject({ kind: 'corrupt' });
    plain.close();
    const opened = await openStoreResilient(file, { ...opts(), probe: (s) => s.probe(0) });
    keep(opened!.store);
    expect(opened!.setAside).toMatch(/\.corrupt-/);
    const saved = salvageInto(opened!.store, opened!.setAside!, T0, 'failed_auth_log_position');
    expect(saved).toMatchObject({ bans: 2, cursors: 1 });
    expect(opened!.store.activeBans(T0).map((b) => [b.ip, b.expiresAt]).sort()).toEqual([['198.51.100.7', T0 + 3_600_000], ['198.51.100.8', null]]);
    expect(opened!.store.getCursor('/var/log/asterisk/messages')).toMatchObject({ offset: 300 });
    expect(opened!.store.getMeta('settings')).toBe('{"protection":"on"}');
    expect(opened!.store.getMeta('heartbeat')).toBeNull(); // a run's own values are not carried over
  });

  it('waits while another process holds the file exclusively, and opens it when it lets go', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-open-'));
    const file = path.join(dir, 'sipwarden.db');
    filled(file, 1);
    // A real second process: the sqlite3 tool holding an exclusive lock for 1.5 s.
    const holder = spawn('sqlite3', [file], { stdio: ['pipe', 'ignore', 'ignore'] });
    holder.stdin.end('PRAGMA locking_mode=EXCLUSIVE;\nBEGIN EXCLUSIVE;\nSELECT count(*) FROM meta;\n.shell sleep 1.5\nCOMMIT;\n');
    await new Promise((r) => setTimeout(r, 300));
    logLines.length = 0;
    const started = Date.now();
    const opened = await openStoreResilient(file, { ...opts(), now: () => Date.now(), busyTimeoutMs: 50, probe: (s) => s.probe(0) });
    keep(opened!.store);
    await new Promise((r) => holder.once('exit', r));
    expect(opened!.setAside).toBeNull();
    expect(Date.now() - started).toBeGreaterThan(700);
    expect(logLines.some((m) => /cannot open the store; retrying/.test(m))).toBe(true);
    expect(opened!.store.activeBans(T0)).toHaveLength(2);
  });

  it('on a disk too full for the -shm file: a read-only copy in memory, then the file itself once there is room', async () => {
    fsys = mountTmpfs('1m', 'open');
    const file = fsys.file('sipwarden.db');
    filled(file, 200);
    expect(fs.existsSync(`${file}-shm`)).toBe(false); // a clean close removed it
    const filler = fsys.fill();
    const opened = await openStoreResilient(file, { ...opts(), probe: (s) => s.probe(0) });
    const store = keep(opened!.store);
    expect(store.isSnapshot).toBe(true);
    expect(store.activeBans(T0)).toHaveLength(2);
    expect(store.failuresSince(0)).toHaveLength(200);
    let err: unknown;
    try {
      store.commitProgress([row(500)], []);
    } catch (e) {
      err = e;
    }
    expect(classifyFault(err)).toMatchObject({ kind: 'disk_full' });
    expect(() => store.reopen()).toThrow(); // still full: the copy stays
    expect(store.isSnapshot).toBe(true);
    fs.rmSync(filler);
    store.reopen();
    expect(store.isSnapshot).toBe(false);
    store.commitProgress([row(500)], []);
    expect(store.failuresSince(0)).toHaveLength(201);
  });
});

describe('Store.commitProgress', () => {
  it('sets meta entries in the same transaction, and nothing at all when it throws', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-open-'));
    const s = keep(Store.open(path.join(dir, 'db'), { busyTimeoutMs: 50 }));
    s.commitProgress([row(1)], [], [], [['failed_auth_log_position', '{"size":10}']]);
    expect(s.getMeta('failed_auth_log_position')).toBe('{"size":10}');
    const other = new Database(path.join(dir, 'db'));
    other.exec('BEGIN IMMEDIATE');
    expect(() => s.commitProgress([row(2)], [], [], [['failed_auth_log_position', '{"size":20}']])).toThrow(/locked/);
    other.exec('ROLLBACK');
    other.close();
    expect(s.getMeta('failed_auth_log_position')).toBe('{"size":10}');
    expect(s.failuresSince(0)).toHaveLength(1);
  });
});
