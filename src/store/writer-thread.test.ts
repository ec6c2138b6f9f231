/**
 * The store writer thread over real SQLite files: batches land in order with their
 * cursors and meta, one at a time; a batch handed over again (its answer lost, or the
 * thread killed mid-commit) is written exactly once; on a real full disk (a tmpfs; root
 * only) the commit fails as `disk_full` and the same batch goes in once space returns.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { IpAddress } from '../domain/index.js';
import { mountTmpfs, type Tmpfs } from '../../test/support/tmpfs.js';
import { classifyFault } from './fault.js';
import { Store } from './store.js';
import type { Cursor, FailureRow } from './types.js';
import { StoreWriter, WRITER_BATCH_KEY } from './writer-thread.js';

const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-writer-'));
  closers.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function open(file: string): { store: Store; writer: StoreWriter } {
  const store = Store.open(file);
  const writer = new StoreWriter(file);
  closers.push(() => store.close(), () => writer.close());
  return { store, writer };
}

/** Rows for lines `from`..`from + n - 1` of source `messages`, each from its own address. */
function rows(from: number, n: number): FailureRow[] {
  return Array.from({ length: n }, (_, i) => ({
    at: 1_765_000_000_000 + from + i, ip: `198.18.${(from + i) >> 8 & 255}.${(from + i) & 255}` as IpAddress, port: 5060, service: 'SIP',
    account: `acc"\n${from + i}`, reason: 'wrong_password', zone: 'external', action: 'counted', source: 'messages', line: from + i, raw: `raw line ${from + i}`,
  }));
}

const cursor = (offset: number, line: number): Cursor => ({ source: 'messages', dev: '1', ino: '2', offset, fingerprint: '64:ab', line, updatedAt: 5 });

/** The stored line numbers, in insertion (id) order. */
function storedLines(store: Store): number[] {
  const page = store.listFailures({ limit: 1000 });
  return page.rows.map((r) => r.line ?? -1).reverse();
}

describe('StoreWriter', () => {
  it('commits batches in order, with their cursors and meta, one at a time', async () => {
    const { store, writer } = open(path.join(tempDir(), 'sipwarden.db'));
    await writer.commitAsync({ rows: rows(1, 100), cursors: [cursor(1000, 100)], meta: [['faillog_position', 'a']] });
    const second = writer.commitAsync({ rows: rows(101, 50), cursors: [cursor(1500, 150)], meta: [['faillog_position', 'b']] });
    expect(writer.busy).toBe(true);
    expect(() => writer.commit({ rows: rows(151, 1), cursors: [], meta: [] }, () => undefined)).toThrow(/one batch at a time/);
    await second;
    await writer.commitAsync({ rows: rows(151, 10), cursors: [cursor(1600, 160)], meta: [] });
    expect(storedLines(store)).toEqual(Array.from({ length: 160 }, (_, i) => i + 1));
    expect(store.getCursor('messages')).toMatchObject({ offset: 1600, line: 160 });
    expect(store.getMeta('faillog_position')).toBe('b');
    const first = store.listFailures({ limit: 1, offset: 159 }).rows[0];
    expect(first).toMatchObject({ ip: '198.18.0.1', account: 'acc"\n1', raw: 'raw line 1', port: 5060, zone: 'external' });
  });

  it('lets its caller wait, blocking, until the batch in flight is answered', () => {
    const { store, writer } = open(path.join(tempDir(), 'sipwarden.db'));
    const outcomes: Array<Error | null> = [];
    writer.commit({ rows: rows(1, 3_000), cursors: [cursor(30, 3_000)], meta: [] }, (err) => outcomes.push(err));
    expect(writer.waitIdle(30_000)).toBe(true); // no await: the answer was taken synchronously
    expect(outcomes).toEqual([null]);
    expect(store.listFailures({ limit: 1 }).total).toBe(3_000);
    expect(writer.waitIdle(0)).toBe(true);
  });

  it('writes a batch handed over again exactly once: after a lost answer, and after the thread was killed mid-commit', async () => {
    const { store, writer } = open(path.join(tempDir(), 'sipwarden.db'));
    const b = { rows: rows(1, 10), cursors: [cursor(100, 10)], meta: [] };
    await writer.commitAsync(b);
    await writer.commitAsync(b); // as if the thread died between COMMIT and its answer: the same batch again
    expect(storedLines(store)).toHaveLength(10);
    expect(writer.landed(b, (k) => store.getMeta(k))).toBe(true);
    expect(writer.landed({ rows: [], cursors: [], meta: [] }, (k) => store.getMeta(k))).toBe(false);
    const big = { rows: rows(11, 20_000), cursors: [cursor(999, 20_010)], meta: [] };
    const inFlight = writer.commitAsync(big);
    await writer.kill();
    await expect(inFlight).rejects.toThrow(/thread ended/);
    expect(writer.busy).toBe(false);
    await writer.commitAsync(big); // a fresh thread; committed once whether or not the killed one got to COMMIT
    expect(store.listFailures({ limit: 1 }).total).toBe(20_010);
    expect(store.getCursor('messages')).toMatchObject({ offset: 999, line: 20_010 });
    expect(store.getMeta(WRITER_BATCH_KEY)).toMatch(/:2$/);
  });

  describe('on a real full disk (root only)', () => {
    let fsys: Tmpfs | null = null;
    afterEach(() => {
      fsys?.close();
      fsys = null;
    });

    it('fails as disk_full, keeps the thread usable, and writes the same batch once when space returns', async () => {
      fsys = mountTmpfs('1m', 'writer');
      const file = fsys.file('sipwarden.db');
      const { store, writer } = open(file);
      await writer.commitAsync({ rows: rows(1, 10), cursors: [], meta: [] });
      const filler = fsys.fill();
      const b = { rows: rows(11, 5_000), cursors: [cursor(50, 5_010)], meta: [] };
      const err = await writer.commitAsync(b).then(() => null, (e: unknown) => e);
      expect(classifyFault(err)).toMatchObject({ kind: 'disk_full' });
      expect(store.listFailures({ limit: 1 }).total).toBe(10); // all of the batch or nothing
      fs.rmSync(filler);
      fsys.resize('64m');
      await writer.commitAsync(b);
      expect(store.listFailures({ limit: 1 }).total).toBe(5_010);
      expect(store.getCursor('messages')).toMatchObject({ offset: 50 });
    });
  });
});
