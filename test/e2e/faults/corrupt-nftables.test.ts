/**
 * A damaged store against the real kernel firewall (root; network namespaces, see
 * test/support/pbx-lab.ts): the daemon is killed with -9 holding two policy bans and a
 * manual one (which no log line records), its store's header is overwritten and its WAL
 * lost, and it is started again. The kernel's bans are never wiped: they are read back from the nftables
 * sets into the fresh store (the manual one too), the attackers still cannot reach the
 * PBX, and a new attacker is banned as before. About 20 s.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../support/pbx-lab.js';

let lab: Lab;

beforeAll(async () => {
  lab = await Lab.start({ purpose: 'corrupt' });
}, 30_000);

afterAll(async () => {
  await lab?.close();
}, 20_000);

async function guess(from: string): Promise<void> {
  await lab.sipUdp(['guess', '--from', from, '--to', lab.pair.pbx4, '--count', '3', '--rate', '50', '--timeout-ms', '1500']);
}

describe('damaged store with nftables', () => {
  it('keeps every ban the kernel holds and reads them back into the fresh store', async () => {
    const [a, b, c] = lab.pair.attacker4 as [string, string, string];
    const manual = '203.0.113.50';
    for (const ip of [a, b]) {
      await guess(ip);
      expect(await lab.waitBanned(ip, 3_000), `${ip} banned`).not.toBeNull();
    }
    expect((await lab.sipwarden(['ban', manual, '--for', '2h'])).code).toBe(0);
    expect(await lab.waitBanned(manual, 3_000)).not.toBeNull();
    const before = await lab.banSet('ban4');
    expect(before.map((e) => e.ip).sort()).toEqual([a, b, manual].sort());

    await lab.daemon!.stop('SIGKILL');
    const db = path.join(lab.dir, 'sipwarden.db');
    // Damage that SQLite cannot repair: the header overwritten and the WAL (which holds a newer page 1 after a crash) lost.
    const fd = fs.openSync(db, 'r+');
    fs.writeSync(fd, Buffer.alloc(100, 0x5a), 0, 100, 0);
    fs.closeSync(fd);
    fs.rmSync(`${db}-wal`, { force: true });
    fs.rmSync(`${db}-shm`, { force: true });

    await lab.startDaemon();
    const said = lab.daemonSaid(/^the store was damaged/);
    expect(said).toHaveLength(1);
    console.log(`nftables, damaged store: ${String(said[0]?.msg)}`);
    expect(String(said[0]?.msg)).toMatch(/re-banned 3 from the firewall's sets/);

    // Nothing was wiped: the same three, with their time left.
    const after = await lab.banSet('ban4');
    expect(after.map((e) => e.ip).sort()).toEqual([a, b, manual].sort());
    const left = (ip: string) => after.find((e) => e.ip === ip)?.timeout ?? 0;
    expect(left(manual)).toBeGreaterThan(7000);
    expect(left(a)).toBeGreaterThan(3500);
    expect(await lab.probe(a)).toBe(false);
    const bans = JSON.parse((await lab.sipwarden(['bans', '--json'])).stdout) as { rows: Array<{ ip: string; reason: string }> };
    expect(bans.rows.map((r) => r.ip).sort()).toEqual([a, b, manual].sort());
    expect(bans.rows.find((r) => r.ip === manual)?.reason).toMatch(/^restored-from-firewall/);

    // The fresh store works: a new attacker is banned, and a release reaches the kernel.
    await guess(c);
    expect(await lab.waitBanned(c, 3_000)).not.toBeNull();
    expect((await lab.sipwarden(['release', manual])).code).toBe(0);
    const end = Date.now() + 3000;
    while ((await lab.banSet('ban4')).some((e) => e.ip === manual) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect((await lab.banSet('ban4')).map((e) => e.ip).sort()).toEqual([a, b, c].sort());
  }, 60_000);
});
