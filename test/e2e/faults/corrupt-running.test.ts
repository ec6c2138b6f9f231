/**
 * The store damaged under the running daemon (every page but the first overwritten
 * after a checkpoint; dry-run firewall): its next commit fails with SQLITE_CORRUPT, and
 * without a restart the daemon keeps the file aside, fills a fresh store from the
 * failed-auth log (failures and running bans), says so in one line and with an alert,
 * and goes on — every failure stored once, none lost.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { sipwarden, startDaemon } from '../../support/cli.js';
import { appendInPieces, failureLines, faillogCounts, faultBox, live, storeCounts, until } from './fault-box.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('store damaged while running', () => {
  it('keeps it aside without a restart, refills a fresh one from the failed-auth log, and loses nothing', async () => {
    const box = faultBox(null, 'corruptrun', 'policy:\n  subnets:\n    enabled: false');
    cleanups.push(() => box.cleanup());
    const d = startDaemon(box.config);
    cleanups.push(() => d.stop('SIGKILL'));
    expect(await until(() => d.lines.some((l) => l.msg === 'sipwarden running'), 20_000)).toBe(true);

    const first = failureLines(20_000, { everyNth: 40 });
    await appendInPieces(box.messages, first.text, 5000, 50);
    expect(await until(() => storeCounts(box.storePath).rows === 20_000, 30_000)).toBe(true);

    // Damage: everything moved into the file itself, then every page but the first overwritten.
    const other = new Database(box.storePath);
    other.pragma('wal_checkpoint(TRUNCATE)');
    other.close();
    const size = fs.statSync(box.storePath).size;
    const fd = fs.openSync(box.storePath, 'r+');
    fs.writeSync(fd, Buffer.alloc(size - 4096, 0xa5), 0, size - 4096, 4096);
    fs.closeSync(fd);

    const second = failureLines(2000, { first: 100_000, everyNth: 40 });
    await appendInPieces(box.messages, second.text, 1000, 50);
    expect(await until(() => d.lines.some((l) => /^the store was damaged/.test(String(l.msg))), 15_000)).toBe(true);
    const said = d.lines.filter((l) => /^the store was damaged/.test(String(l.msg)));
    expect(said).toHaveLength(1);
    console.log(`store damaged while running, one line: ${String(said[0]?.msg)}`);
    expect(String(said[0]?.msg)).toMatch(/kept it aside as .*sipwarden\.db\.corrupt-.* and started a fresh one/);

    const N = 22_000;
    const attackers = first.attackers.length + second.attackers.length;
    expect(await until(async () => (await live(box))?.store?.state === 'ok' && storeCounts(box.storePath).rows === N, 20_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    const stored = storeCounts(box.storePath);
    const log = faillogCounts(box.faillogPath);
    console.log(`after: ${stored.rows} rows (${stored.lines} distinct lines), ${stored.bans} bans; failed-auth log ${log.failed} lines (${log.distinct} distinct)`);
    expect(stored).toEqual({ rows: N, lines: N, bans: attackers });
    expect(log).toMatchObject({ failed: N, distinct: N });
    expect(d.proc.exitCode).toBeNull();
    expect(fs.readdirSync(box.dir).some((n) => /^sipwarden\.db\.corrupt-/.test(n))).toBe(true);
    expect(sipwarden(['status', '--config', box.config]).stdout).toMatch(/the store was damaged: kept it aside/);
    expect(await until(() => box.alerts().some((a) => a.kind === 'store_fault' && a.fault === 'corrupt'), 5000)).toBe(true);
    expect(await d.stop('SIGTERM')).toBe(0);
  }, 90_000);
});
