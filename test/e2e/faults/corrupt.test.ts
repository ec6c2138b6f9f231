/**
 * A damaged store at start (its header overwritten while the daemon was down; dry-run
 * firewall, so the bans come back from the failed-auth log — the nftables case, where
 * the kernel's sets are read back too, is corrupt-nftables.test.ts). The daemon does not
 * crash-loop: it keeps the file aside, starts a fresh store, re-bans from the
 * failed-auth log, resumes the counts (an attacker one failure short is banned at its
 * next), reads the Asterisk log on from where it stopped, and says all that in one line,
 * in status and with an alert.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { chansipFailure, sipwarden, startDaemon } from '../../support/cli.js';
import { faillogCounts, faultBox, live, storeCounts, until } from './fault-box.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Daemon = ReturnType<typeof startDaemon>;
const running = (d: Daemon) => until(() => d.lines.some((l) => l.msg === 'sipwarden running'), 20_000);

describe('damaged store', () => {
  it('keeps the damaged file aside, starts fresh, re-bans and resumes counting from the failed-auth log, and says so in one line', async () => {
    const box = faultBox(null, 'corrupt', 'policy:\n  subnets:\n    enabled: false');
    cleanups.push(() => box.cleanup());
    let d = startDaemon(box.config);
    cleanups.push(() => d.stop('SIGKILL'));
    expect(await running(d)).toBe(true);

    const banned = ['198.51.100.11', '198.51.100.12', '198.51.100.13'];
    const once = '198.51.100.20'; // one failure: one short of a ban
    fs.appendFileSync(box.messages, [...banned.flatMap((ip) => [chansipFailure(ip), chansipFailure(ip)]), chansipFailure(once)].join(''));
    expect(await until(() => storeCounts(box.storePath).rows === 7, 10_000)).toBe(true);
    expect(storeCounts(box.storePath).bans).toBe(3);
    expect(await d.stop('SIGTERM')).toBe(0);

    // Damage: the header is overwritten. Lines keep arriving while the daemon is down.
    const fd = fs.openSync(box.storePath, 'r+');
    fs.writeSync(fd, Buffer.alloc(100, 0x5a), 0, 100, 0);
    fs.closeSync(fd);
    const whileDown = '198.51.100.30';
    fs.appendFileSync(box.messages, chansipFailure(whileDown));

    d = startDaemon(box.config);
    expect(await running(d)).toBe(true);
    const said = d.lines.filter((l) => /^the store was damaged/.test(String(l.msg)));
    expect(said).toHaveLength(1);
    const line = String(said[0]?.msg);
    console.log(`damaged store, one line: ${line}`);
    expect(line).toMatch(/kept it aside as .*sipwarden\.db\.corrupt-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ and started a fresh one/);
    expect(line).toMatch(/3 bans and 7 failures back from the failed-auth log/);
    expect(line).toMatch(/read on from the last line the failed-auth log names \(1\)/);
    const aside = box.dir && fs.readdirSync(box.dir).find((n) => /^sipwarden\.db\.corrupt-/.test(n) && !/-(wal|shm)$/.test(n));
    expect(aside).toBeDefined();
    expect(fs.readFileSync(`${box.dir}/${aside}`).subarray(0, 100)).toEqual(Buffer.alloc(100, 0x5a));

    // Re-banned from the log, into the firewall: the reconcile holds the three.
    expect(d.lines.find((l) => l.msg === 'would hold these bans')).toMatchObject({ bans: 3 });
    const bans = JSON.parse(sipwarden(['bans', '--json', '--config', box.config]).stdout) as { rows: Array<{ ip: string; reason: string }> };
    expect(bans.rows.map((b) => b.ip).sort()).toEqual(banned);
    expect(bans.rows[0]?.reason).toMatch(/^restored-from-log/);
    // The line written while it was down was read (from the last line the log names): one failure of 198.51.100.30.
    expect(await until(() => faillogCounts(box.faillogPath).byIp.get(whileDown) === 1, 5000)).toBe(true);
    // Counting resumed: the attacker that was one failure short is banned at its next.
    fs.appendFileSync(box.messages, chansipFailure(once));
    expect(await until(() => d.lines.some((l) => l.msg === 'would block' && l.ip === once), 5000)).toBe(true);
    expect(await until(() => storeCounts(box.storePath).rows === 7 + 2, 5000)).toBe(true);
    const log = faillogCounts(box.faillogPath);
    expect(log.failed).toBe(9); // 7 before, the one while down, the new one: none twice
    expect(log.distinct).toBe(9);

    const status = sipwarden(['status', '--config', box.config]);
    expect(status.stdout).toMatch(/at start: the store was damaged: kept it aside/);
    expect((await live(box))?.store?.reset?.aside).toMatch(/\.corrupt-/);
    expect(await until(() => box.alerts().some((a) => a.kind === 'store_fault' && a.fault === 'corrupt'), 5000)).toBe(true);
    expect(await d.stop('SIGTERM')).toBe(0);
  }, 60_000);
});
