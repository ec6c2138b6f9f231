/**
 * The netlink channel to nf_tables against the real kernel, inside a network namespace
 * this file makes (root only; nothing is skipped): elements added with and without a
 * timeout, deleted, an absent element's delete aborting the whole batch with ENOENT at
 * the right message, and a batch on a set that does not exist. The addon is built by
 * scripts/build-native (scripts/setup runs it); its absence fails here, not silently.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseIp, type IpAddress } from '../../../src/domain/ip.js';
import { compileZones } from '../../../src/engine/zones.js';
import { encodeBatch, NetlinkChannel, openNetlink } from '../../../src/enforcers/nft-netlink.js';
import { NftablesEnforcer } from '../../../src/enforcers/nftables.js';
import { createNsPair, exec, must, type NsPair } from '../../support/netns.js';

const ip = (s: string) => parseIp(s) as IpAddress;
const SETUP = [
  'add table inet swn',
  'add set inet swn ban4 { type ipv4_addr; flags timeout; }',
  'add set inet swn ban6 { type ipv6_addr; flags timeout; }',
  'add set inet swn seen4 { type ipv4_addr; flags dynamic,timeout; timeout 600s; size 1024; }',
].join('\n');

let pair: NsPair;
let channel: NetlinkChannel;

beforeAll(async () => {
  pair = await createNsPair('nfnl');
  const c = openNetlink(pair.pbx);
  if (!(c instanceof NetlinkChannel)) throw new Error(c.unavailable);
  channel = c;
}, 20_000);

afterAll(async () => {
  channel?.close();
  await pair?.remove();
});

afterEach(async () => {
  await exec(pair.pbx, 'nft', ['delete', 'table', 'inet', 'swn']);
  await exec(pair.pbx, 'nft', ['delete', 'table', 'inet', 'sipwarden']);
});

/** The set's elements as `ip` or `ip timeout Ns` (nft's own listing). */
async function listing(set: string, table = 'swn'): Promise<string[]> {
  const out = JSON.parse(await must(pair.pbx, 'nft', ['-j', 'list', 'set', 'inet', table, set])) as { nftables: Array<{ set?: { elem?: Array<string | { elem: { val: string; timeout?: number } }> } }> };
  const elems = out.nftables.find((x) => x.set)?.set?.elem ?? [];
  return elems.map((e) => (typeof e === 'string' ? e : `${e.elem.val}${e.elem.timeout === undefined ? '' : ` timeout ${e.elem.timeout}s`}`)).sort();
}

describe('netlink channel', () => {
  it('adds elements with and without a timeout, in IPv4 and IPv6, and deletes them', async () => {
    await must(pair.pbx, 'nft', ['-f', '-'], SETUP);
    expect(channel.transact('swn', [
      { op: 'add', set: 'ban4', ip: ip('203.0.113.7'), timeoutMs: 3_600_000 },
      { op: 'add', set: 'ban4', ip: ip('203.0.113.8') },
      { op: 'add', set: 'ban6', ip: ip('2001:db8::1'), timeoutMs: 90_000 },
    ])).toBeNull();
    expect(await listing('ban4')).toEqual(['203.0.113.7 timeout 3600s', '203.0.113.8']);
    expect(await listing('ban6')).toEqual(['2001:db8::1 timeout 90s']);
    expect(channel.transact('swn', [{ op: 'delete', set: 'ban4', ip: ip('203.0.113.8') }])).toBeNull();
    expect(await listing('ban4')).toEqual(['203.0.113.7 timeout 3600s']);
  });

  it('an absent element makes its delete fail with ENOENT and nothing in the batch is applied', async () => {
    await must(pair.pbx, 'nft', ['-f', '-'], `${SETUP}\nadd element inet swn seen4 { 198.51.100.1 }`);
    const r = channel.transact('swn', [
      { op: 'delete', set: 'seen4', ip: ip('198.51.100.1') },
      { op: 'add', set: 'seen4', ip: ip('198.51.100.1') },
      { op: 'delete', set: 'seen4', ip: ip('198.51.100.2') },
      { op: 'add', set: 'seen4', ip: ip('198.51.100.2') },
      { op: 'add', set: 'ban4', ip: ip('198.51.100.1'), timeoutMs: 60_000 },
      { op: 'add', set: 'ban4', ip: ip('198.51.100.2'), timeoutMs: 60_000 },
    ]);
    expect(r).not.toBeNull();
    expect(r?.errnos[2]).toBe(2); // ENOENT: 198.51.100.2 never sent a packet
    expect(r?.errnos.filter((e) => e !== 0)).toEqual([2]);
    expect(await listing('ban4')).toEqual([]);
    // The seen element that was there is still there (the batch was rolled back whole), with the set's timeout.
    expect((await listing('seen4')).map((e) => e.split(' ')[0])).toEqual(['198.51.100.1']);
    // And the same batch without the unseen address commits.
    expect(channel.transact('swn', [
      { op: 'delete', set: 'seen4', ip: ip('198.51.100.1') },
      { op: 'add', set: 'seen4', ip: ip('198.51.100.1') },
      { op: 'add', set: 'ban4', ip: ip('198.51.100.1'), timeoutMs: 60_000 },
    ])).toBeNull();
    expect(await listing('ban4')).toEqual(['198.51.100.1 timeout 60s']);
  });

  it('a set that does not exist is an error of its message, with nothing applied', async () => {
    await must(pair.pbx, 'nft', ['-f', '-'], SETUP);
    const r = channel.transact('swn', [
      { op: 'add', set: 'ban4', ip: ip('192.0.2.1') },
      { op: 'add', set: 'nosuchset', ip: ip('192.0.2.2') },
    ]);
    expect(r?.errnos).toEqual([0, 2]);
    expect(await listing('ban4')).toEqual([]);
  });

  it('fill: each set flushed and refilled in one transaction, thousands of elements over several messages', async () => {
    await must(pair.pbx, 'nft', ['-f', '-'], `${SETUP}\nadd element inet swn ban4 { 192.0.2.99 }`);
    const v4 = Array.from({ length: 3000 }, (_, i) => ip(`10.9.${i >> 8}.${i & 255}`));
    const t4 = v4.map((_, i) => (i % 2 ? 120_000 : Number.NaN));
    const v6 = ['2001:db8::7', 'fe80::1:2', '2001:db8:0:1::', '::1', '2001:db8:1:2:3:4:5:6'].map(ip);
    expect(channel.fill('swn', [{ set: 'ban4', ips: v4, timeoutsMs: t4 }, { set: 'ban6', ips: v6, timeoutsMs: v6.map(() => Number.NaN) }], 10_000)).toBeNull();
    const held = await listing('ban4');
    expect(held).toHaveLength(3000);
    expect(held).not.toContain('192.0.2.99'); // flushed
    expect(held).toContain('10.9.0.1 timeout 120s');
    expect(held).toContain('10.9.11.183 timeout 120s'); // the last: 2,999 = 11 * 256 + 183, odd: timed
    expect(held).toContain('10.9.11.182'); // even: permanent
    expect(held.filter((e) => e.includes('timeout'))).toHaveLength(1500);
    // Every IPv6 form (compressed at the start, middle or end, or not at all) reaches the kernel as itself.
    expect(await listing('ban6')).toEqual([...v6].sort());
  });

  it('the enforcer restores bans over netlink: addresses (longest ban of a duplicate wins) beside networks written by nft', async () => {
    const infos: string[] = [];
    const log = { info: (o: object, msg?: string) => void infos.push(`${msg ?? ''} ${JSON.stringify(o)}`), warn: () => undefined };
    const zoneOf = compileZones({ internal: [], trusted: [] });
    const e = new NftablesEnforcer({ zoneOf, log, netns: pair.pbx });
    await e.init();
    expect(infos.join('\n')).toMatch(/nftables firewall ready .*"fastPath":"netlink"/);
    const now = Date.now();
    await e.apply([{ op: 'ban', ip: ip('198.51.100.200'), until: null }], now); // to be dropped by the restore
    await e.reconcile([
      { ip: ip('198.51.100.1'), until: now + 60_000 },
      { ip: ip('198.51.100.1'), until: null },
      { ip: ip('198.51.100.2'), until: now + 3_600_000 },
      { ip: ip('198.51.100.3'), until: now - 1000 }, // over already
      { ip: ip('2001:db8::5'), until: now + 90_000 },
      { ip: '203.0.113.0/24' as never, until: null },
    ], now);
    expect(await listing('ban4', 'sipwarden')).toEqual(['198.51.100.1', '198.51.100.2 timeout 3600s']);
    expect(await listing('ban6', 'sipwarden')).toEqual(['2001:db8::5 timeout 90s']);
    expect(await must(pair.pbx, 'nft', ['list', 'set', 'inet', 'sipwarden', 'net4'])).toContain('203.0.113.0/24');
    // And the fast path bans on top of what was restored.
    await e.apply([{ op: 'ban', ip: ip('198.51.100.2'), until: null }], now);
    expect(await listing('ban4', 'sipwarden')).toEqual(['198.51.100.1', '198.51.100.2']);
    await e.close({ keepBans: false });
  });

  it('a burst: thousands of seen-and-ban requests at once go as big netlink batches; the one unseen address is refused alone', async () => {
    const zoneOf = compileZones({ internal: [], trusted: [] });
    const e = new NftablesEnforcer({ zoneOf, log: { info: () => undefined, warn: () => undefined }, netns: pair.pbx });
    await e.init();
    expect(e.fastPath).toBe('netlink');
    const seen = Array.from({ length: 2000 }, (_, i) => ip(`10.60.${i >> 8}.${i & 255}`));
    await must(pair.pbx, 'nft', ['-f', '-'], `add element inet sipwarden seen4 { ${seen.join(', ')} }`);
    const now = Date.now();
    const unseen = ip('10.61.0.1');
    const answers = await Promise.all([...seen.slice(0, 1000), unseen, ...seen.slice(1000)].map((a) => e.banIfSeen(a, now + 600_000, now)));
    expect(answers.filter((a) => a === false)).toHaveLength(1);
    expect(answers[1000]).toBe(false);
    const held = await listing('ban4', 'sipwarden');
    expect(held).toHaveLength(2000);
    expect(held.every((x) => x.endsWith('timeout 600s'))).toBe(true);
    expect(held.some((x) => x.startsWith('10.61.'))).toBe(false);
    // And one apply() of 3,000 bans is one batch too.
    await e.apply(Array.from({ length: 3000 }, (_, i) => ({ op: 'ban' as const, ip: ip(`10.62.${i >> 8}.${i & 255}`), until: null })), now);
    expect(await listing('ban4', 'sipwarden')).toHaveLength(5000);
    // None of it went through nft: no `nft -i` channel was started in the namespace.
    const pids = (await must(null, 'ip', ['netns', 'pids', pair.pbx])).split('\n').filter((l) => l.length > 0);
    const argvs = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')));
    expect(argvs.filter((a) => a.split('\0').slice(-2).join(' ') === 'nft -i' || a.includes('nft\0-i'))).toEqual([]);
    await e.close({ keepBans: false });
  });

  it('numbers the messages of a batch from BEGIN to END', () => {
    const b = encodeBatch('swn', [{ op: 'add', set: 'ban4', ip: ip('192.0.2.1'), timeoutMs: 1000 }], 40);
    const seqs: number[] = [];
    const types: number[] = [];
    for (let at = 0; at < b.length; at += b.readUInt32LE(at)) {
      types.push(b.readUInt16LE(at + 4));
      seqs.push(b.readUInt32LE(at + 8));
    }
    expect(types).toEqual([0x10, (10 << 8) | 12, 0x11]);
    expect(seqs).toEqual([40, 41, 42]);
  });
});
