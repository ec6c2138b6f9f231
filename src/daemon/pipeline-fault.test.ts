/**
 * The pipeline over a real store that another connection holds locked: bans still go
 * to the firewall, rows wait (bounded: beyond `maxPending` the oldest are dropped and
 * counted), retries wait for the backoff, and once the lock is gone one flush writes
 * what waited — with the failed-auth log complete first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { chansipFailure } from '../../test/support/cli.js';
import { defaultConfig } from '../config/index.js';
import type { EnforcerOp, Enforcer } from '../enforcers/index.js';
import { Engine } from '../engine/index.js';
import { FailedAuthLog } from '../faillog/index.js';
import { parseLine } from '../parsers/index.js';
import { FaultTracker, Store } from '../store/index.js';
import { policyInput, ruleInput, zoneInput } from './inputs.js';
import { Pipeline } from './pipeline.js';

let dir = '';
const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('Pipeline with a locked store', () => {
  it('enforces bans, keeps rows waiting within its bound, and writes them once the store works', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-pipeline-'));
    const config = defaultConfig();
    const when = new Date();
    let clock = when.getTime();
    const store = Store.open(path.join(dir, 'sipwarden.db'), { busyTimeoutMs: 20 });
    closers.push(() => store.close());
    const faillog = new FailedAuthLog(path.join(dir, 'failed-auth.log'), { now: () => clock });
    closers.push(() => faillog.close());
    const ops: EnforcerOp[] = [];
    const enforcer = { name: 'collect', apply: async (o: readonly EnforcerOp[]) => void ops.push(...o) } as unknown as Enforcer;
    const engine = new Engine(policyInput(config), zoneInput(config), ruleInput(config));
    const errors: string[] = [];
    const episodes: string[] = [];
    const storeFaults = new FaultTracker({ part: 'store', file: store.path, onStart: (e) => episodes.push(`start ${e.kind}`), onEnd: () => episodes.push('end') });
    const pipeline = new Pipeline({
      engine, store, enforcer, faillog, log: { info() {}, warn() {}, error: (_o, m) => void errors.push(m) },
      now: () => clock, cursors: () => [], storeFaults, maxPending: 50,
    });

    const other = new Database(path.join(dir, 'sipwarden.db'));
    closers.push(() => other.close());
    other.exec('BEGIN IMMEDIATE');
    const feed = (ip: string, n: number) => {
      const ev = parseLine(chansipFailure(ip, 5060, when).trimEnd(), { source: 'messages', line: n, refTime: clock, interest: 'auth' });
      if (ev) pipeline.handle(ev);
    };
    for (let i = 0; i < 100; i++) feed(`203.0.113.${i}`, i + 1);
    feed('198.51.100.9', 101);
    feed('198.51.100.9', 102); // the second failure: a ban
    pipeline.flush();
    await new Promise((r) => setImmediate(r));
    expect(ops).toEqual([{ op: 'ban', ip: '198.51.100.9', until: expect.any(Number) }]); // the firewall did not wait for the store
    expect(storeFaults.current()).toMatchObject({ kind: 'locked' });
    const b = pipeline.backlog();
    expect(b.rows + b.droppedRows).toBe(102);
    expect(b.rows).toBeLessThanOrEqual(51);
    expect(b.droppedRows).toBeGreaterThan(0);
    expect(b.bans).toBe(1);
    expect(errors.some((m) => /dropped the \d+ oldest waiting failure rows/.test(m))).toBe(true);

    // Before the backoff has passed, nothing is tried (the lock is gone already).
    other.exec('ROLLBACK');
    const tries = storeFaults.current()!.failures;
    pipeline.flush();
    expect(storeFaults.current()?.failures).toBe(tries);
    expect(store.failuresSince(0)).toHaveLength(0);
    clock += 10_000;
    pipeline.flush();
    expect(storeFaults.current()).toBeNull();
    expect(episodes).toEqual(['start locked', 'end']);
    expect(store.failuresSince(0)).toHaveLength(b.rows);
    expect(store.activeBans(clock).map((x) => x.ip)).toEqual(['198.51.100.9']);
    expect(pipeline.backlog()).toMatchObject({ rows: 0, bans: 0 });
    // The failed-auth log has every line (the drop is of store rows only), and its position was stored with them.
    expect(fs.readFileSync(path.join(dir, 'failed-auth.log'), 'utf8').split('\n').filter((l) => l.includes(' FAILED '))).toHaveLength(102);
    expect(JSON.parse(store.getMeta('failed_auth_log_position') ?? '{}')).toMatchObject({ size: fs.statSync(path.join(dir, 'failed-auth.log')).size });
  });
});
