/**
 * The long-lived `nft -i` channel against the real kernel, inside network namespaces
 * this file makes (root only; nothing is skipped): replies matched to their requests,
 * a failed transaction reported with nft's own error, the process replaced when it has
 * read enough, and an nft killed while a ban waits for its reply — the ban still lands
 * (run again in an nft of its own) and the next transaction starts a new channel.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseIp, type IpAddress } from '../../../src/domain/ip.js';
import { compileZones } from '../../../src/engine/zones.js';
import { resolveTool } from '../../../src/enforcers/exec.js';
import { failedCommand, NftSession } from '../../../src/enforcers/nft-session.js';
import { NftablesEnforcer } from '../../../src/enforcers/nftables.js';
import { createNsPair, exec, must, type NsPair } from '../../support/netns.js';

const ip = (s: string) => parseIp(s) as IpAddress;
const warnings: string[] = [];
const log = { info: () => undefined, warn: (o: object, msg?: string) => void warnings.push(`${msg ?? ''} ${JSON.stringify(o)}`) };
const SETUP = 'add table inet swt\nadd set inet swt ban4 { type ipv4_addr; flags timeout; }\n';

let pair: NsPair;
const sessions: NftSession[] = [];

beforeAll(async () => {
  pair = await createNsPair('nftsess');
}, 20_000);

afterAll(async () => {
  for (const s of sessions) await s.close();
  await pair?.remove();
});

afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
  await exec(pair.pbx, 'nft', ['delete', 'table', 'inet', 'swt']);
  await exec(pair.pbx, 'nft', ['delete', 'table', 'inet', 'sipwarden']);
});

function session(recycleBytes?: number): NftSession {
  const s = new NftSession(resolveTool('nft', undefined, pair.pbx), recycleBytes);
  sessions.push(s);
  return s;
}

/** The addresses a set of the namespace holds. */
async function elements(table: string, set: string): Promise<string[]> {
  const out = JSON.parse(await must(pair.pbx, 'nft', ['-j', 'list', 'set', 'inet', table, set])) as { nftables: Array<{ set?: { elem?: Array<string | { elem: { val: string } }> } }> };
  const elems = out.nftables.find((x) => x.set)?.set?.elem ?? [];
  return elems.map((e) => (typeof e === 'string' ? e : e.elem.val)).sort();
}

/** The pids of the `nft -i` processes running in the pbx namespace. */
async function channelPids(): Promise<number[]> {
  const pids = (await must(null, 'ip', ['netns', 'pids', pair.pbx])).split('\n').filter((l) => l.length > 0).map(Number);
  const out: number[] = [];
  for (const pid of pids) {
    const argv = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (argv.split('\0').includes('-i') && argv.includes('nft')) out.push(pid);
  }
  return out;
}

describe('the nft -i channel (real kernel, network namespaces)', () => {
  it('answers requests sent together each with its own reply, in order; a failed one carries nft\'s error and applies nothing', async () => {
    await must(pair.pbx, 'nft', ['-f', '-'], SETUP);
    const s = session();
    const second = ['add element inet swt ban4 { 10.77.0.4 }', 'delete element inet swt ban4 { 192.0.2.9 }'];
    const replies = await Promise.all([
      s.request(['add element inet swt ban4 { 10.77.0.2 }']),
      s.request(second),
      s.request(['add element inet swt ban4 { 10.77.0.3 timeout 1h }']),
    ]);
    expect(replies.map((r) => r.ok)).toEqual([true, false, true]);
    expect(replies[1]?.stderr).toMatch(/^Error: Could not process rule: No such file or directory$/m);
    expect(failedCommand(replies[1]?.stderr ?? '', second)).toBe(1);
    expect(replies[0]?.stderr).toBe('');
    expect(await elements('swt', 'ban4')).toEqual(['10.77.0.2', '10.77.0.3']); // 10.77.0.4 went with the failed transaction
    expect(s.starts).toBe(1);
    expect((await channelPids()).length).toBe(1);
  });

  it('replaces the process once it has read enough, without losing or mixing up a request', async () => {
    await must(pair.pbx, 'nft', ['-f', '-'], SETUP);
    const s = session(600);
    const sent: string[] = [];
    for (let i = 0; i < 40; i++) {
      const batch = [0, 1].map((j) => `198.51.100.${i * 2 + j + 1}`);
      sent.push(...batch);
      const replies = await Promise.all(batch.map((a) => s.request([`add element inet swt ban4 { ${a} }`])));
      expect(replies.every((r) => r.ok)).toBe(true);
    }
    expect(s.starts).toBeGreaterThan(3);
    expect(await elements('swt', 'ban4')).toEqual([...sent].sort());
  });

  it('refuses a request holding a line break before writing anything', async () => {
    const s = session();
    await expect(s.request(['add table inet swt\nflush ruleset'])).rejects.toThrow(/one line/);
    expect(s.starts).toBe(0);
  });
});

describe('the nftables enforcer over the channel', () => {
  function enforcer(): NftablesEnforcer {
    const zoneOf = compileZones({ internal: [], trusted: [], hostAddresses: [ip(pair.pbx4), ip(pair.pbx6)] });
    return new NftablesEnforcer({ zoneOf, log, netns: pair.pbx, netlink: false });
  }

  it('a transaction nft refuses is reported with nft\'s error; the channel keeps answering the next ones', async () => {
    const e = enforcer();
    await e.init();
    await e.apply([{ op: 'ban', ip: ip('10.77.0.2'), until: null }], Date.now());
    const [pid] = await channelPids();
    await must(pair.pbx, 'nft', ['delete', 'table', 'inet', 'sipwarden']);
    await expect(e.apply([{ op: 'ban', ip: ip('fd77:5757::2'), until: null }], Date.now())).rejects.toThrow(/nft failed to apply bans: Error: /);
    await e.init(); // puts the table back
    await e.apply([{ op: 'ban', ip: ip('fd77:5757::2'), until: null }, { op: 'ban', ip: ip('10.77.0.3'), until: null }], Date.now());
    expect(await elements('sipwarden', 'ban4')).toEqual(['10.77.0.3']);
    expect(await elements('sipwarden', 'ban6')).toEqual(['fd77:5757::2']);
    expect(await channelPids()).toEqual([pid]);
    await e.close({ keepBans: false });
  });

  it('nft killed while bans wait for their reply: each is applied by an nft of its own, the unseen one still refused, and the next ban starts a new channel', async () => {
    warnings.length = 0;
    const e = enforcer();
    await e.init();
    await e.apply([{ op: 'ban', ip: ip('10.77.0.2'), until: null }], Date.now());
    const [pid] = await channelPids();
    expect(pid).toBeDefined();
    await must(pair.pbx, 'nft', ['add', 'element', 'inet', 'sipwarden', 'seen4', '{ 10.77.0.3 }']);
    await must(null, 'kill', ['-STOP', String(pid)]); // it can no longer answer
    const now = Date.now();
    const applied = e.apply([{ op: 'ban', ip: ip('10.77.0.4'), until: now + 3_600_000 }], now);
    const seen = e.banIfSeen(ip('10.77.0.3'), null, now);
    const unseen = e.banIfSeen(ip('198.51.100.7'), null, now);
    await must(null, 'kill', ['-KILL', String(pid)]);
    await applied;
    expect(await seen).toBe(true);
    expect(await unseen).toBe(false);
    expect(await elements('sipwarden', 'ban4')).toEqual(['10.77.0.2', '10.77.0.3', '10.77.0.4']);
    expect(warnings.some((w) => w.includes('lost a reply')), warnings.join('\n')).toBe(true);
    await e.apply([{ op: 'ban', ip: ip('10.77.0.5'), until: null }], Date.now());
    const after = await channelPids();
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(pid);
    expect(await elements('sipwarden', 'ban4')).toContain('10.77.0.5');
    await e.close({ keepBans: false });
    expect(await channelPids()).toEqual([]);
  });

  it('an nft whose channel never works (it dies at once): every ban still lands, and after 3 losses in a row the channel is given up, said once', async () => {
    warnings.length = 0;
    const dir = await mkdtemp(join(tmpdir(), 'sw-nft-'));
    try {
      const real = (await must(null, 'sh', ['-c', 'command -v nft || echo /usr/sbin/nft'])).trim();
      const nft = join(dir, 'nft');
      await writeFile(nft, `#!/bin/sh\n[ "$1" = "-i" ] && exit 1\nexec ${real} "$@"\n`);
      await chmod(nft, 0o755);
      const zoneOf = compileZones({ internal: [], trusted: [], hostAddresses: [ip(pair.pbx4), ip(pair.pbx6)] });
      const e = new NftablesEnforcer({ zoneOf, log, netns: pair.pbx, nftPath: nft, netlink: false });
      await e.init();
      const sent = ['10.77.0.2', '10.77.0.3', '10.77.0.4', '198.51.100.1', '198.51.100.2'];
      for (const a of sent) await e.apply([{ op: 'ban', ip: ip(a), until: null }], Date.now());
      expect(await elements('sipwarden', 'ban4')).toEqual([...sent].sort());
      expect(warnings.filter((w) => w.includes('lost a reply'))).toHaveLength(2);
      expect(warnings.filter((w) => w.includes('given up') || w.includes('too often'))).toHaveLength(1);
      await e.close({ keepBans: false });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
