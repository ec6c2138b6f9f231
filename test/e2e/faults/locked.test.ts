/**
 * The store locked for 16 s by another process (the sqlite3 tool holding a write
 * transaction; root not needed): the daemon keeps banning from memory, retries with
 * backoff (a handful of tries, not one per batch), says what to do, restarts degraded
 * while the lock is held, and writes everything once the lock is gone.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { sipwarden, startDaemon } from '../../support/cli.js';
import { appendInPieces, failureLines, faillogCounts, faultBox, live, storeCounts, until } from './fault-box.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Daemon = ReturnType<typeof startDaemon>;
const running = (d: Daemon) => until(() => d.lines.some((l) => l.msg === 'sipwarden running'), 20_000);
const blocked = (d: Daemon) => new Set(d.lines.filter((l) => l.msg === 'would block').map((l) => l.ip));

describe('store locked by another process', () => {
  it('bans from memory through a 16 s lock, restarts degraded under it, and writes everything once it is released', async () => {
    const box = faultBox(null, 'locked', 'policy:\n  subnets:\n    enabled: false');
    cleanups.push(() => box.cleanup());
    let d = startDaemon(box.config);
    cleanups.push(() => d.stop('SIGKILL'));
    expect(await running(d)).toBe(true);

    // Another process takes the write lock and keeps it 16 s.
    const holder = spawn('sqlite3', [box.storePath], { stdio: ['pipe', 'ignore', 'pipe'] });
    cleanups.push(() => holder.kill('SIGKILL'));
    holder.stdin.end("BEGIN IMMEDIATE;\nINSERT INTO meta (key, value) VALUES ('lock-test', 'held') ON CONFLICT (key) DO UPDATE SET value = excluded.value;\n.shell sleep 16\nCOMMIT;\n");
    const released = new Promise<number | null>((r) => holder.once('exit', r));
    const lockedAt = Date.now();
    await new Promise((r) => setTimeout(r, 500));

    const first = failureLines(1000, { everyNth: 50 });
    await appendInPieces(box.messages, first.text, 250, 50);
    expect(await until(async () => (await live(box))?.attempts === 1000, 10_000)).toBe(true);
    expect(await until(() => blocked(d).size === first.attackers.length, 5000)).toBe(true);
    const during = (await live(box))!;
    expect(during.store?.faults).toMatchObject([{ part: 'store', kind: 'locked', code: 'SQLITE_BUSY' }]);
    expect(during.store?.faults[0]?.advice).toMatch(/another process holds a lock on .*fuser/);
    expect(during.store?.pending.failures).toBe(1000);
    const status = sipwarden(['status', '--config', box.config]);
    expect(status.stdout).toMatch(/FAULT store: locked \(SQLITE_BUSY\)/);
    expect(status.stdout).toMatch(/waiting in memory: 1000 failures, \d+ bans/);

    // A restart under the lock: it starts (reading works), degraded, and reads the lines again.
    expect(await d.stop('SIGTERM')).toBe(0);
    d = startDaemon(box.config);
    expect(await running(d)).toBe(true);
    const second = failureLines(1000, { first: 5000, everyNth: 50 });
    await appendInPieces(box.messages, second.text, 250, 50);
    expect(await until(async () => (await live(box))?.attempts === 2000, 10_000)).toBe(true);
    const attackers = [...first.attackers, ...second.attackers];
    expect(await until(() => blocked(d).size === attackers.length, 5000)).toBe(true);
    const underLock = (await live(box))!;
    expect(Date.now() - lockedAt).toBeLessThan(15_500); // all of this happened while the lock was held
    expect(underLock.store?.state).toBe('degraded');
    expect(storeCounts(box.storePath).rows).toBe(0);

    expect(await released).toBe(0);
    const heldMs = Date.now() - lockedAt;
    expect(await until(async () => (await live(box))?.store?.state === 'ok', 10_000)).toBe(true);
    const tries = underLock.store?.faults[0]?.failures ?? 0;
    // Backoff: 250 ms doubling to 5 s, not a try per 250 ms tick (that would be ~40 in 10 s).
    expect(tries).toBeGreaterThan(1);
    expect(tries).toBeLessThan(10);
    await new Promise((r) => setTimeout(r, 300));
    const stored = storeCounts(box.storePath);
    const log = faillogCounts(box.faillogPath);
    console.log(`locked ${Math.round(heldMs / 1000)} s: 2000 lines in, ${attackers.length} bans reached the firewall under the lock (${tries} tries in the second run's episode); after: ${stored.rows} rows, ${stored.bans} bans, ${log.failed} failed-auth lines (${log.distinct} distinct)`);
    expect(stored).toEqual({ rows: 2000, lines: 2000, bans: attackers.length });
    expect(log).toMatchObject({ failed: 2000, distinct: 2000 });
    const parts = (kind: string) => box.alerts().filter((a) => a.kind === kind).map((a) => a.fault);
    expect(await until(() => parts('store_recovered').length === 1, 5000)).toBe(true);
    expect(parts('store_fault')).toEqual(['locked', 'locked']); // one per daemon run
    expect(await d.stop('SIGTERM')).toBe(0);
  }, 90_000);
});
