/**
 * kill -9 during a flood (200,000 failure lines, each its own line in the failed-auth
 * log; dry-run firewall): the failed-auth log is what the owner asked for, so after the
 * crash and restart it holds every failure the store holds — all 200,000 — and none
 * twice. (It used to lose the lines buffered in memory at the kill: 21,000 of 200,000.)
 *
 * To make the crash land where the log is ahead of the store (lines written, their
 * batch not committed), the store is held locked by another process (the sqlite3 tool)
 * for the second part of the flood; the kill comes while the lock is held.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon } from '../../support/cli.js';
import { failureLines, faillogCounts, faultBox, live, storeCounts, until } from './fault-box.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Daemon = ReturnType<typeof startDaemon>;
const running = (d: Daemon) => until(() => d.lines.some((l) => l.msg === 'sipwarden running'), 20_000);

describe('kill -9 during a flood', () => {
  it('leaves the failed-auth log holding every failure the store holds, none twice, after the restart', async () => {
    const box = faultBox(null, 'flood', 'policy:\n  subnets:\n    enabled: false');
    cleanups.push(() => box.cleanup());
    let d = startDaemon(box.config);
    cleanups.push(() => d.stop('SIGKILL'));
    expect(await running(d)).toBe(true);

    const N = 200_000;
    const { text, attackers } = failureLines(N, { everyNth: 1000 });
    const pieces = text.split(/(?<=\n)/);
    const offer = async (from: number, to: number) => {
      for (let i = from; i < to; i += 10_000) {
        fs.appendFileSync(box.messages, pieces.slice(i, Math.min(i + 10_000, to)).join(''));
        await new Promise((r) => setTimeout(r, 100)); // about 100,000 lines/s
      }
    };
    await offer(0, 100_000);
    expect(await until(() => storeCounts(box.storePath).rows >= 60_000, 30_000)).toBe(true);

    // Another process holds the store's write lock: the daemon goes on, the log runs ahead of the store.
    const holder = spawn('sqlite3', [box.storePath], { stdio: ['pipe', 'ignore', 'ignore'] });
    cleanups.push(() => holder.kill('SIGKILL'));
    holder.stdin.end('BEGIN IMMEDIATE;\nDELETE FROM meta WHERE key = \'none\';\n.shell sleep 60\nCOMMIT;\n');
    await new Promise((r) => setTimeout(r, 300));
    await offer(100_000, 150_000);
    expect(await until(async () => (await live(box))?.attempts === 150_000, 30_000)).toBe(true);
    expect(await until(() => (live(box).then((l) => l?.store?.pending.logLines === 0)), 5000)).toBe(true);
    await d.stop('SIGKILL');
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    const atKill = { stored: storeCounts(box.storePath).rows, logged: faillogCounts(box.faillogPath).failed };
    expect(atKill.logged).toBe(150_000); // every line written before the store took them
    expect(atKill.stored).toBeLessThan(atKill.logged);

    await offer(150_000, N); // lines keep coming while it is down
    d = startDaemon(box.config);
    expect(await running(d)).toBe(true);
    const cut = d.lines.find((l) => /^failed-auth log: cut the lines written after the last store commit/.test(String(l.msg)));
    expect(Number(cut?.cut)).toBe(atKill.logged - atKill.stored);
    expect(await until(() => storeCounts(box.storePath).rows >= N, 90_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 1000)); // a late duplicate would show by now
    const stored = storeCounts(box.storePath);
    const log = faillogCounts(box.faillogPath);
    console.log(`kill -9 mid-flood: ${N} lines in; at the kill the store had ${atKill.stored} rows and the failed-auth log ${atKill.logged} lines; the restart cut the ${Number(cut?.cut)} uncommitted log lines and read their Asterisk lines again; after: ${stored.rows} rows (${stored.lines} distinct lines), ${stored.bans} bans, ${log.failed} failed-auth lines (${log.distinct} distinct)`);
    expect(stored).toEqual({ rows: N, lines: N, bans: attackers.length });
    expect(log.failed).toBe(N);
    expect(log.distinct).toBe(N);
    expect(log.byIp.size).toBe(N - attackers.length);
    expect(await d.stop('SIGTERM')).toBe(0);
  }, 180_000);
});
