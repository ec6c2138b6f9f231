/**
 * The pipeline with its store writer thread over a real store: failure rows land in
 * the order they were handled, each once, with the failed-auth log complete before each
 * commit; a thread killed mid-commit loses and doubles nothing (the rows are retried on
 * this thread, or found committed); a batch with a ban is committed on this thread.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chansipFailure } from '../../test/support/cli.js';
import { defaultConfig } from '../config/index.js';
import type { Enforcer, EnforcerOp } from '../enforcers/index.js';
import { Engine } from '../engine/index.js';
import { FAILLOG_POSITION_KEY, FailedAuthLog } from '../faillog/index.js';
import { parseLine } from '../parsers/index.js';
import { FaultTracker, Store, StoreWriter, type FailureRow } from '../store/index.js';
import { policyInput, ruleInput, zoneInput } from './inputs.js';
import { Pipeline } from './pipeline.js';

const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

function setUp(maxPending = 100_000) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-pipeline-writer-'));
  closers.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const config = defaultConfig();
  const when = new Date();
  const clock = when.getTime();
  const file = path.join(dir, 'sipwarden.db');
  const store = Store.open(file);
  const writer = new StoreWriter(file);
  const logFile = path.join(dir, 'failed-auth.log');
  const faillog = new FailedAuthLog(logFile, { now: () => clock });
  closers.push(() => store.close(), () => writer.close(), () => faillog.close());
  const ops: EnforcerOp[] = [];
  const enforcer = { name: 'collect', apply: async (o: readonly EnforcerOp[]) => void ops.push(...o) } as unknown as Enforcer;
  const engine = new Engine(policyInput(config), zoneInput(config), ruleInput(config));
  const stored: FailureRow[][] = [];
  /** At each commit the writer thread makes: the failed-auth log's size on disk then, and the position the batch stores. */
  const atCommit: Array<{ logSize: number; position: string | null }> = [];
  const watching: typeof writer = Object.create(writer);
  watching.commit = (b, done) => {
    atCommit.push({ logSize: fs.statSync(logFile).size, position: b.meta.find(([k]) => k === FAILLOG_POSITION_KEY)?.[1] ?? null });
    writer.commit(b, done);
  };
  watching.landed = (b, read) => writer.landed(b, read);
  watching.waitIdle = (ms) => writer.waitIdle(ms);
  const storeFaults = new FaultTracker({ part: 'store', file });
  let line = 0;
  const pipeline = new Pipeline({
    engine, store, enforcer, faillog, log: { info() {}, warn() {}, error() {} }, now: () => clock, storeFaults,
    cursors: () => [{ source: 'messages', dev: '1', ino: '2', offset: line * 100, fingerprint: '64:ab', line, updatedAt: clock }],
    onStored: (rows) => void stored.push([...rows]), writer: watching, maxPending,
  });
  const feed = (ip: string) => {
    line++;
    const ev = parseLine(chansipFailure(ip, 5060, when).trimEnd(), { source: 'messages', line, refTime: clock, interest: 'auth' });
    if (ev) pipeline.handle(ev);
  };
  return { store, writer, pipeline, feed, ops, stored, atCommit, storeFaults, logFile };
}

const ipOf = (i: number) => `198.18.${i >> 8}.${i & 255}`;
/** Every stored row's line number, oldest first (pages of 1,000, newest first). */
function lines(store: Store): Array<number | null> {
  const out: Array<number | null> = [];
  for (let offset = 0; ; offset += 1000) {
    const page = store.listFailures({ limit: 1000, offset });
    out.push(...page.rows.map((r) => r.line));
    if (out.length >= page.total || page.rows.length === 0) return out.reverse();
  }
}

describe('Pipeline with a store writer thread', () => {
  it('commits rows on the thread in the order handled, each once, after the failed-auth log holds them', async () => {
    const { store, pipeline, feed, stored, atCommit, logFile } = setUp();
    for (let i = 1; i <= 2500; i++) feed(ipOf(i)); // every 1,000 rows a flush: the first goes to the thread, the rest wait for it
    expect(pipeline.backlog().rows).toBe(2500);
    await pipeline.settle();
    pipeline.flush();
    await pipeline.settle();
    expect(pipeline.backlog()).toMatchObject({ rows: 0, droppedRows: 0 });
    expect(lines(store)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    expect(stored.flat().map((r) => r.line)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    expect(atCommit.length).toBeGreaterThanOrEqual(2);
    for (const c of atCommit) expect(JSON.parse(c.position ?? '{}').size).toBe(c.logSize); // the log was complete at each commit
    expect(fs.readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes(' FAILED '))).toHaveLength(2500);
    expect(store.getCursor('messages')).toMatchObject({ line: 2500 });
  });

  it('makes this thread wait for the writer thread once too many rows wait for it (back-pressure, nothing dropped)', async () => {
    const { store, pipeline, feed } = setUp(30_000); // without waiting, 59,000 would pile up and the oldest be dropped
    for (let i = 1; i <= 60_000; i++) feed(`${11 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.1`); // more than 10,000 pile up behind a commit
    await pipeline.settle();
    pipeline.flush();
    await pipeline.settle();
    expect(pipeline.backlog()).toMatchObject({ rows: 0, droppedRows: 0 });
    expect(store.listFailures({ limit: 1 }).total).toBe(60_000);
  });

  it('loses and doubles nothing when the thread is killed mid-commit: the rows are retried on this thread', async () => {
    const { store, writer, pipeline, feed, storeFaults } = setUp();
    for (let i = 1; i <= 1000; i++) feed(ipOf(i)); // handed to the thread
    await writer.kill();
    await pipeline.settle();
    for (let i = 1001; i <= 1200; i++) feed(ipOf(i));
    pipeline.flush(true); // the retry (a fault episode began unless the thread had committed): on this thread
    await pipeline.settle();
    pipeline.flush(true);
    expect(lines(store)).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
    expect(pipeline.backlog()).toMatchObject({ rows: 0, droppedRows: 0 });
    expect(storeFaults.current()).toBeNull();
  });

  it('commits a batch with a ban on this thread, the ban in the firewall', async () => {
    const { store, pipeline, feed, ops, atCommit } = setUp();
    feed('203.0.113.7');
    feed('203.0.113.7'); // the second failure: a ban (tier 1)
    await new Promise((r) => setImmediate(r));
    await pipeline.settle();
    expect(atCommit).toHaveLength(0);
    expect(store.activeBans(Date.now()).map((b) => [b.ip, b.tier])).toEqual([['203.0.113.7', 1]]);
    expect(lines(store)).toEqual([1, 2]);
    expect(ops).toEqual([expect.objectContaining({ op: 'ban', ip: '203.0.113.7' })]);
  });
});
