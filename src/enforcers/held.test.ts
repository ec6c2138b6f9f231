import { describe, expect, it } from 'vitest';
import { parseIp, type IpAddress } from '../domain/ip.js';
import { EXPIRY_MARGIN_MS, HeldAddresses, mayBeThere } from './held.js';
import { keyBytes } from './nft-netlink.js';
import { mulberry32 as prng } from '../../test/support/prng.js';

const ip = (s: string) => s as IpAddress;


describe('HeldAddresses', () => {
  it('adds, reads, replaces and deletes IPv4 and IPv6 addresses, permanent (null) apart from timed', () => {
    const h = new HeldAddresses();
    expect(h.get(ip('203.0.113.5'))).toBeUndefined();
    h.set(ip('203.0.113.5'), 1234.5).set(ip('2001:db8::1'), null).set(ip('0.0.0.0'), 0).set(ip('255.255.255.255'), -7);
    expect(h.size).toBe(4);
    expect(h.counts()).toEqual({ v4: 3, v6: 1 });
    expect(h.get(ip('203.0.113.5'))).toBe(1234.5);
    expect(h.get(ip('2001:db8::1'))).toBeNull();
    expect(h.get(ip('0.0.0.0'))).toBe(0);
    expect(h.get(ip('255.255.255.255'))).toBe(-7);
    h.set(ip('203.0.113.5'), null);
    h.set(ip('2001:db8::1'), 99);
    expect(h.get(ip('203.0.113.5'))).toBeNull();
    expect(h.get(ip('2001:db8::1'))).toBe(99);
    expect(h.delete(ip('203.0.113.5'))).toBe(true);
    expect(h.delete(ip('203.0.113.5'))).toBe(false);
    expect(h.delete(ip('2001:db8::2'))).toBe(false);
    expect(h.get(ip('203.0.113.5'))).toBeUndefined();
    expect(h.get(ip('2001:db8::1'))).not.toBeUndefined();
    expect(new Map(h.entries())).toEqual(new Map<string, number | null>([['2001:db8::1', 99], ['0.0.0.0', 0], ['255.255.255.255', -7]]));
  });

  it('takes every spelling of an address as one entry and hands back parseIp\'s canonical text', () => {
    const h = new HeldAddresses();
    h.set(ip('2001:DB8:0:0:0:0:0:1'), 10);
    expect(h.get(ip('2001:db8::1'))).toBe(10);
    expect(h.get(ip('2001:0db8:0000::0001'))).toBe(10);
    h.set(ip('::ffff:198.51.100.7'), 20); // IPv4-mapped: the IPv4 host, as parseIp folds it
    expect(h.get(ip('198.51.100.7'))).toBe(20);
    h.set(ip('::FFFF:C633:6408'), 30);
    expect(h.get(ip('198.51.100.8'))).toBe(30);
    h.set(ip('fe80:0:0:1:0:0:0:0'), null); // two zero runs: the longer one is compressed
    h.set(ip('1:0:0:2:0:0:3:4'), null); // equal runs: the first
    h.set(ip('1:0:2:3:4:5:6:7'), null); // a single zero group stays
    h.set(ip('::'), null);
    h.set(ip('::1.2.3.4'), null); // IPv4-compatible (deprecated): plain hex
    expect(h.get(ip('0:0:0:0:0:0:102:304'))).toBeNull();
    expect(h.get(ip('FE80::1:0:0:0:0'))).toBeNull();
    expect(h.get(ip('1::2:0:0:3:4'))).toBeNull();
    expect(h.get(ip('0::0'))).toBeNull();
    const texts = h.entries().map(([t]) => t);
    expect(texts.sort()).toEqual(['198.51.100.7', '198.51.100.8', '1:0:2:3:4:5:6:7', '1::2:0:0:3:4', '2001:db8::1', '::', '::102:304', 'fe80:0:0:1::'].sort());
    for (const t of texts) expect(parseIp(t)).toBe(t);
    expect(h.counts()).toEqual({ v4: 2, v6: 6 });
  });

  it('gives back exactly parseIp\'s text for random IPv6 addresses with zero runs, and random IPv4', () => {
    const rnd = prng(18);
    const h = new HeldAddresses(8);
    const want = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      let text: string;
      if (i % 3 === 0) text = [0, 0, 0, 0].map(() => Math.floor(rnd() * 256)).join('.');
      else {
        // Groups mostly zero or small, so runs of zeros of every length and place occur.
        const groups = Array.from({ length: 8 }, () => (rnd() < 0.5 ? 0 : Math.floor(rnd() * 0x10000)));
        text = groups.map((g) => g.toString(16).toUpperCase().padStart(rnd() < 0.5 ? 4 : 1, '0')).join(':');
      }
      const canonical = parseIp(text);
      expect(canonical, text).not.toBeNull();
      h.set(ip(text), i);
      want.set(canonical as string, i);
    }
    expect(new Map(h.entries())).toEqual(want);
    for (const [canonical, i] of want) expect(h.get(ip(canonical)), canonical).toBe(i);
    expect(h.size).toBe(want.size);
  });

  it('grows past its initial size and keeps every entry; claim adds once and keeps the first end', () => {
    const h = new HeldAddresses(8);
    for (let i = 0; i < 5000; i++) {
      expect(h.claim(ip(`10.${i >> 8}.${i & 255}.1`), i % 7 === 0 ? null : i)).toBeUndefined();
      expect(h.claim(ip(`2001:db8::${i.toString(16)}`), i)).toBeUndefined();
    }
    expect(h.size).toBe(10_000);
    expect(h.claim(ip('10.0.3.1'), 42)).toBe(3);
    expect(h.claim(ip('10.0.7.1'), 42)).toBeNull();
    expect(h.get(ip('10.0.3.1'))).toBe(3);
    for (let i = 0; i < 5000; i++) {
      expect(h.get(ip(`10.${i >> 8}.${i & 255}.1`))).toBe(i % 7 === 0 ? null : i);
      expect(h.get(ip(`2001:db8::${i.toString(16)}`))).toBe(i);
    }
    expect(h.size).toBe(10_000);
  });

  it('gives each family as netlink keys (network order) with the timeouts beside them, in one order', () => {
    const h = new HeldAddresses(8);
    const v4 = Array.from({ length: 300 }, (_, i) => ip(`${(i * 37) % 256}.${i % 7}.255.${i % 256}`));
    const v6 = Array.from({ length: 300 }, (_, i) => ip(`2001:db8:${i.toString(16)}::${(0xffff - i).toString(16)}`));
    v4.forEach((a, i) => {
      h.set(a, i % 3 === 0 ? null : i);
    });
    v6.forEach((a, i) => {
      h.set(a, i % 3 === 0 ? null : 1000 + i);
    });
    h.delete(v4[5] as IpAddress);
    h.delete(v6[7] as IpAddress);
    for (const [family, list, keyLen] of [[false, v4, 4], [true, v6, 16]] as const) {
      const { keys, timeoutsMs } = h.keys(family, (end) => (end === null ? Number.NaN : end * 2));
      expect(timeoutsMs.length).toBe(299);
      expect(keys.length).toBe(299 * keyLen);
      const got = new Map<string, number>();
      for (let k = 0; k < timeoutsMs.length; k++) got.set(Buffer.from(keys.subarray(k * keyLen, (k + 1) * keyLen)).toString('hex'), timeoutsMs[k] as number);
      const want = new Map<string, number>();
      for (const a of list) {
        const end = h.get(a);
        if (end !== undefined) want.set(keyBytes(a).toString('hex'), end === null ? Number.NaN : end * 2);
      }
      expect(got).toEqual(want);
    }
  });

  it('shifts timed ends to another clock and leaves permanent ones', () => {
    const h = new HeldAddresses();
    h.set(ip('192.0.2.1'), 1000).set(ip('192.0.2.2'), null).set(ip('2001:db8::5'), 2000);
    h.shift(-400);
    expect(new Map(h.entries())).toEqual(new Map<string, number | null>([['192.0.2.1', 600], ['192.0.2.2', null], ['2001:db8::5', 1600]]));
  });

  it('sweeps out what the kernel can no longer hold (5 s after its end), keeps the rest, and gives the memory back', () => {
    const h = new HeldAddresses(8);
    const mono = 1_000_000;
    for (let i = 0; i < 4000; i++) h.set(ip(`198.51.${i >> 8}.${i & 255}`), mono - EXPIRY_MARGIN_MS - 1); // over, grace over
    h.set(ip('203.0.113.1'), mono - EXPIRY_MARGIN_MS + 1); // over, still in the grace
    h.set(ip('203.0.113.2'), mono - EXPIRY_MARGIN_MS); // grace just over
    h.set(ip('203.0.113.3'), null);
    h.set(ip('2001:db8::7'), mono + 60_000);
    h.set(ip('2001:db8::8'), mono - 10_000);
    expect(mayBeThere(h.get(ip('203.0.113.1')), mono)).toBe(true);
    expect(mayBeThere(h.get(ip('203.0.113.2')), mono)).toBe(false);
    expect(mayBeThere(h.get(ip('203.0.113.9')), mono)).toBe(false);
    expect(mayBeThere(h.get(ip('203.0.113.3')), mono)).toBe(true);
    expect(h.sweep((end) => mayBeThere(end, mono))).toBe(4002);
    expect(new Map(h.entries())).toEqual(new Map<string, number | null>([['203.0.113.1', mono - EXPIRY_MARGIN_MS + 1], ['203.0.113.3', null], ['2001:db8::7', mono + 60_000]]));
    // Still a working table after the compaction: deletes, re-adds and growth again.
    expect(h.delete(ip('203.0.113.1'))).toBe(true);
    for (let i = 0; i < 100; i++) h.set(ip(`198.51.100.${i}`), i);
    expect(h.get(ip('198.51.100.99'))).toBe(99);
    expect(h.get(ip('203.0.113.3'))).toBeNull();
    expect(h.get(ip('198.51.0.5'))).toBeUndefined();
    expect(h.size).toBe(102);
  });

  it('deletes while others stay reachable (no lost entries after removals in a probe run)', () => {
    const h = new HeldAddresses(8);
    const all = Array.from({ length: 2000 }, (_, i) => ip(`2001:db8:${((i * 7919) % 65536).toString(16)}::${i.toString(16)}`));
    for (const [i, a] of all.entries()) h.set(a, i);
    for (let i = 0; i < all.length; i += 2) expect(h.delete(all[i] as IpAddress)).toBe(true);
    for (let i = 0; i < all.length; i++) expect(h.get(all[i] as IpAddress)).toBe(i % 2 === 0 ? undefined : i);
    expect(h.size).toBe(1000);
  });
});
