/**
 * The store's WAL made read-only under the running daemon (`chattr +i` on
 * sipwarden.db-wal; root, on a filesystem with immutable files: the temp directory's
 * ext4): writes fail, the daemon goes on from memory and says what to check; a restart
 * with the WAL still immutable opens the store read-only and goes on the same way; when
 * the WAL is writable again the daemon reopens the store and writes everything once.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
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
const chattr = (flag: '+i' | '-i', file: string) => {
  const r = spawnSync('chattr', [flag, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`chattr ${flag} ${file}: ${r.stderr}`);
};

describe('WAL made read-only', () => {
  it('goes on from memory while the WAL is immutable, across a restart, and writes everything once it is writable again', async () => {
    const box = faultBox(null, 'readonly', 'policy:\n  subnets:\n    enabled: false');
    cleanups.push(() => box.cleanup());
    const wal = `${box.storePath}-wal`;
    cleanups.push(() => void spawnSync('chattr', ['-i', wal])); // before the directory is removed
    let d = startDaemon(box.config);
    cleanups.push(() => d.stop('SIGKILL'));
    expect(await running(d)).toBe(true);
    expect(await until(() => fs.existsSync(wal), 5000)).toBe(true);

    chattr('+i', wal);
    const first = failureLines(1500, { everyNth: 50 });
    await appendInPieces(box.messages, first.text, 500, 50);
    expect(await until(async () => (await live(box))?.attempts === 1500, 10_000)).toBe(true);
    expect(await until(() => blocked(d).size === first.attackers.length, 5000)).toBe(true);
    const during = (await live(box))!;
    expect(during.store?.state).toBe('degraded');
    const fault = during.store!.faults[0]!;
    expect(fault.part).toBe('store');
    expect(['io_error', 'read_only']).toContain(fault.kind);
    expect(fault.advice).toMatch(/lsattr/);
    expect(sipwarden(['status', '--config', box.config]).stdout).toMatch(/FAULT store: (io_error|read_only)/);

    // Restart with the WAL still immutable: the store opens read-only, the daemon runs.
    expect(await d.stop('SIGTERM')).toBe(0);
    d = startDaemon(box.config);
    expect(await running(d)).toBe(true);
    const second = failureLines(1500, { first: 5000, everyNth: 50 });
    await appendInPieces(box.messages, second.text, 500, 50);
    const lines = 3000;
    expect(await until(async () => (await live(box))?.store?.faults[0]?.kind === 'read_only', 10_000)).toBe(true);
    const attackers = [...first.attackers, ...second.attackers];
    expect(await until(() => blocked(d).size === attackers.length, 10_000)).toBe(true);
    const before = storeCounts(box.storePath);

    chattr('-i', wal);
    expect(await until(async () => (await live(box))?.store?.state === 'ok', 15_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    const stored = storeCounts(box.storePath);
    const log = faillogCounts(box.faillogPath);
    console.log(`read-only WAL: ${lines} lines in, ${attackers.length} bans reached the firewall while it was immutable (store had ${before.rows} rows then); after: ${stored.rows} rows, ${stored.bans} bans, ${log.failed} failed-auth lines (${log.distinct} distinct)`);
    expect(stored).toEqual({ rows: lines, lines, bans: attackers.length });
    expect(log).toMatchObject({ failed: lines, distinct: lines });
    expect(await until(() => box.alerts().some((a) => a.kind === 'store_recovered'), 5000)).toBe(true);
    expect(await d.stop('SIGTERM')).toBe(0);
  }, 90_000);
});
