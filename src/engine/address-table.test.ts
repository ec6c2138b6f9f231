import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { parseIp, type Cidr, type IpAddress } from '../domain/ip.js';
import { AddressTable, keyOfIp, maskV6 } from './address-table.js';
import { AddressStates } from './address-state.js';
import { Windows } from './windows.js';

const ip = (s: string) => parseIp(s) as IpAddress;
const key = (...words: number[]) => Uint32Array.from(words);

describe('AddressTable: addresses as integers, open addressing', () => {
  it('finds what was added, under keys that collide in their home slot, and nothing else', () => {
    // A table of 8 records (16 slots): 200 keys collide over and over, and force growth and rehashing.
    let grownTo = 0;
    const t = new AddressTable(1, (cap) => { grownTo = cap; }, 8);
    const ids = new Map<number, number>();
    for (let k = 0; k < 200; k++) ids.set(k * 16, t.add(key(k * 16)));
    expect(t.size).toBe(200);
    expect(grownTo).toBeGreaterThanOrEqual(200);
    expect(new Set(ids.values()).size).toBe(200);
    for (const [k, id] of ids) expect(t.find(key(k))).toBe(id);
    expect(t.find(key(8))).toBe(-1);
    expect(t.add(key(32))).toBe(ids.get(32));
    expect(t.added).toBe(false);
  });

  it('deletes without tombstones: every other key is still found, ids are reused, the size follows', () => {
    const t = new AddressTable(1, () => {}, 8);
    const ids = Array.from({ length: 100 }, (_, k) => t.add(key(k * 7919)));
    for (let k = 0; k < 100; k += 2) t.remove(ids[k] as number);
    expect(t.size).toBe(50);
    for (let k = 0; k < 100; k++) expect(t.find(key(k * 7919))).toBe(k % 2 ? ids[k] : -1);
    const again = t.add(key(123456789));
    expect(t.added).toBe(true);
    expect(ids.filter((_, k) => k % 2 === 0)).toContain(again);
    expect(t.bound).toBe(100);
    for (let k = 1; k < 100; k += 2) t.remove(ids[k] as number);
    expect(t.size).toBe(1);
    expect(t.find(key(123456789))).toBe(again);
  });

  it('compacts after a flood is removed: the rest renumbered (their data moved with them), the memory given back', () => {
    const t = new AddressTable(1, () => {}, 8);
    for (let k = 0; k < 10_000; k++) t.add(key(k * 3));
    const big = t.capacity;
    for (let id = 0; id < 10_000; id++) if (id % 100 !== 7) t.remove(id);
    const moves = new Map<number, number>();
    expect(t.compact((from, to) => moves.set(from, to))).toBe(true);
    expect(t.capacity).toBeLessThan(big / 16);
    expect(t.size).toBe(100);
    for (let k = 7; k < 10_000; k += 100) expect(t.find(key(k * 3))).toBe(moves.get(k) ?? k);
    expect(t.find(key(0))).toBe(-1);
    expect(t.compact(() => {})).toBe(false);
    expect(t.add(key(1))).toBe(100);
  });

  it('keys of four and five words: IPv6 addresses and their networks', () => {
    const t = new AddressTable(4);
    const k = new Uint32Array(5);
    keyOfIp('2001:db8::1', k);
    const a = t.add(k);
    keyOfIp('2001:db8::2', k);
    const b = t.add(k);
    expect(a).not.toBe(b);
    keyOfIp('2001:db8::1', k);
    expect(t.find(k)).toBe(a);
    expect(Array.from(k.subarray(0, 4))).toEqual([0x20010db8, 0, 0, 1]);
    keyOfIp('2001:db8:aa:bb:1:2:3:4', k);
    maskV6(k, 64);
    expect(Array.from(k)).toEqual([0x20010db8, 0x00aa00bb, 0, 0, 64]);
    keyOfIp('2001:db8:aa:bb:1:2:3:4', k);
    maskV6(k, 56);
    expect(Array.from(k)).toEqual([0x20010db8, 0x00aa0000, 0, 0, 56]);
    expect(keyOfIp('203.0.113.7', k)).toBe(1);
    expect(k[0]).toBe(0xcb007107);
    expect(keyOfIp('255.255.255.255', k)).toBe(1);
    expect(k[0]).toBe(0xffffffff);
  });

  it('IPv6 keys are the address\'s 128 bits, in hex groups alone (one pass) or with a dotted tail', () => {
    const words = (text: string) => {
      const b = ipaddr.parse(text).toByteArray();
      return [0, 1, 2, 3].map((w) => (((b[4 * w] as number) << 24) | ((b[4 * w + 1] as number) << 16) | ((b[4 * w + 2] as number) << 8) | (b[4 * w + 3] as number)) >>> 0);
    };
    const k = new Uint32Array(4);
    const spellings = ['::', '::1', '1::', '2001:db8::', 'fe80::1:2', '2001:db8:0:0:1:0:0:1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '::ffff:192.0.2.1', '64:ff9b::192.0.2.33', '2001:db8::ffff:10.0.0.1'];
    for (let i = 0; i < 500; i++) {
      const g = Array.from({ length: 8 }, (_, j) => (i * 7919 * (j + 1)) % (j % 3 === 0 ? 1 : 65536));
      spellings.push(parseIp(g.map((x) => x.toString(16)).join(':')) as string);
    }
    for (const text of spellings) {
      expect(keyOfIp(text, k)).toBe(4);
      expect([...k], text).toEqual(words(text));
    }
  });

  it('a million IPv4 addresses: each found again with its own id', () => {
    const t = new AddressTable(1);
    const k = new Uint32Array(1);
    let unexpected = 0;
    for (let i = 0; i < 1_000_000; i++) {
      k[0] = 0x0b000000 + i;
      if (t.add(k) !== i) unexpected++;
    }
    expect(unexpected).toBe(0);
    expect(t.size).toBe(1_000_000);
    let wrong = 0;
    for (let i = 0; i < 1_000_000; i++) {
      k[0] = 0x0b000000 + i;
      if (t.find(k) !== i) wrong++;
    }
    expect(wrong).toBe(0);
  });
});

describe('Windows: two times inline, longer windows apart', () => {
  it('keeps times sorted and the newest `max`, inline or not, and counts like the policy', () => {
    const w = new Windows(4);
    w.push(1, 5000, 3);
    w.push(1, 3000, 3);
    expect(w.times(1)).toEqual([3000, 5000]);
    w.push(1, 4000, 3);
    w.push(1, 9000, 3);
    expect(w.times(1)).toEqual([4000, 5000, 9000]);
    expect(w.newest(1)).toBe(9000);
    // within 5 s of 9000: 4000 (at the edge), 5000, 9000; a time up to a second after `at` counts too.
    expect(w.count(1, 9000, 5000)).toBe(3);
    expect(w.count(1, 4500, 1000)).toBe(2);
    expect(w.count(1, 3999, 0)).toBe(1);
    w.clear(1);
    expect(w.times(1)).toEqual([]);
    expect(w.newest(1)).toBe(Number.NEGATIVE_INFINITY);
    w.push(1, 7, 1);
    w.push(1, 8, 1);
    expect(w.times(1)).toEqual([8]);
  });

  it('holds any date exactly: before 1970, beyond 2106, fractions of a millisecond', () => {
    const w = new Windows(1);
    const times = [-86_400_000.5, 0, 4_294_967_296_000 * 2, 8.64e15];
    for (const t of times) w.push(0, t, 12);
    expect(w.times(0)).toEqual(times);
    const v = new Windows(1);
    v.push(0, 8.64e15, 12);
    v.push(0, -8.64e15, 12);
    expect(v.times(0)).toEqual([-8.64e15, 8.64e15]);
  });

  it('grows and keeps what it held', () => {
    const w = new Windows(1);
    w.push(0, 1, 12);
    w.push(0, 2, 12);
    w.push(0, 3, 12);
    w.grow(64);
    w.push(63, 10, 12);
    expect(w.times(0)).toEqual([1, 2, 3]);
    expect(w.times(63)).toEqual([10]);
  });
});

describe('AddressStates: the policy state of an address', () => {
  it('a released IPv6 address empties its /64 window; a pruned window is made afresh, never shared with the old one', () => {
    const s = new AddressStates();
    const a = s.open(ip('2001:db8:1:2::a'));
    const b = s.open(ip('2001:db8:1:2::b'));
    s.push(a, 1000, 12);
    s.push(b, 2000, 12);
    expect(s.times(ip('2001:db8:1:2::a'))).toEqual([1000, 2000]);
    s.release(ip('2001:db8:1:2::a'));
    expect(s.times(ip('2001:db8:1:2::b'))).toEqual([]);
    s.push(b, 3000, 12);
    s.setBan(b, 10_000_000, 1, null);
    expect(s.prune(5_000_000, 4_000_000, 4_000_000)).toBe(0);
    expect(s.times(ip('2001:db8:1:2::b'))).toEqual([]);
    expect(s.banUntil(s.find(ip('2001:db8:1:2::b')))).toBe(10_000_000);
  });

  it('per-address IPv6 windows (prefix 128) are the address\'s own', () => {
    const s = new AddressStates();
    s.v6Prefix = 128;
    s.push(s.open(ip('2001:db8::1')), 1, 12);
    s.push(s.open(ip('2001:db8::2')), 2, 12);
    expect(s.times(ip('2001:db8::1'))).toEqual([1]);
    expect(s.times(ip('2001:db8::2'))).toEqual([2]);
  });

  it('ban makers\' names come back as given, and a cleared ban names nobody', () => {
    const s = new AddressStates();
    const h = s.open(ip('198.51.100.1'));
    s.setBan(h, Infinity, 0, 'feed:apiban');
    expect(s.banBy(h)).toBe('feed:apiban');
    expect(s.banUntil(h)).toBe(Infinity);
    s.setBan(h, Number.NaN, 0, null);
    expect(s.banBy(h)).toBeNull();
    expect(s.size).toBe(1);
    // Beyond 65,534 distinct names they are kept per address: still each its own.
    for (let i = 0; i < 70_000; i++) {
      const n = 0x0b000000 + i;
      const addr = ip(`${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`);
      s.setBan(s.open(addr), 1, 0, `rule-${i}`);
    }
    let wrong = 0;
    for (let i = 0; i < 70_000; i++) {
      const n = 0x0b000000 + i;
      if (s.banBy(s.find(ip(`${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`))) !== `rule-${i}`) wrong++;
    }
    expect(wrong).toBe(0);
    s.release(ip('198.51.100.1'));
    expect(s.size).toBe(70_000);
    expect(s.find(ip('198.51.100.1'))).toBe(-1);
  });

  it('prune drops what nothing needs: an old window without ban or trust; it keeps bans, trust and recent windows; scans apart', () => {
    const s = new AddressStates();
    const old = s.open(ip('203.0.113.1'));
    s.push(old, 1000, 12);
    const banned = s.open(ip('203.0.113.2'));
    s.push(banned, 1000, 12);
    s.setBan(banned, 90_000, 1, null);
    const known = s.open(ip('203.0.113.3'));
    s.setKnown(known, ip('203.0.113.3'), 90_000);
    const recent = s.open(ip('203.0.113.4'));
    s.push(recent, 70_000, 12);
    expect(s.pushScan(ip('203.0.113.5'), 1000, 20, 60_000)).toBe(1);
    expect(s.pushScan(ip('203.0.113.6'), 75_000, 20, 60_000)).toBe(1);
    expect(s.prune(80_000, 50_000, 20_000)).toBe(1);
    expect(s.find(ip('203.0.113.1'))).toBe(-1);
    expect(s.size).toBe(3);
    expect(s.knownInside('203.0.113.0/24' as Cidr, 80_000)).toBe('203.0.113.3');
    expect(s.knownInside('203.0.113.0/24' as Cidr, 90_000)).toBeNull();
    // The old scan window is gone (a new scan counts one), the recent one holds.
    expect(s.pushScan(ip('203.0.113.5'), 80_000, 20, 60_000)).toBe(1);
    expect(s.pushScan(ip('203.0.113.6'), 80_000, 20, 60_000)).toBe(2);
    // Once the ban and the trust are over, they go too.
    expect(s.prune(100_000, 80_000, 20_000)).toBe(3);
    expect(s.size).toBe(0);
  });

  it('a prefix length changed at run time: addresses seen before keep theirs, new ones get the new one', () => {
    const s = new AddressStates();
    const a = s.open(ip('2001:db8:1:2::a'));
    s.v6Prefix = 48;
    const b = s.open(ip('2001:db8:1:3::b'));
    const c = s.open(ip('2001:db8:1:4::c'));
    s.push(a, 1, 12);
    s.push(b, 2, 12);
    s.push(c, 3, 12);
    expect(s.times(ip('2001:db8:1:2::a'))).toEqual([1]);
    expect(s.times(ip('2001:db8:1:3::b'))).toEqual([2, 3]);
    expect(s.count(c, 3, 10)).toBe(2);
  });

  it('a flood pruned away (its tables compacted): what stays keeps its windows, bans, makers and trust', () => {
    const s = new AddressStates();
    const addr = (i: number) => ip(`11.0.${i >> 8}.${i & 255}`);
    for (let i = 0; i < 20_000; i++) s.push(s.open(addr(i)), 1000, 12);
    for (let i = 19_000; i < 20_000; i += 10) {
      const h = s.open(addr(i));
      for (let k = 1; k <= 4; k++) s.push(h, 100_000 + k, 12);
      s.setBan(h, 500_000, i % 20 === 0 ? 0 : 2, i % 20 === 0 ? `rule-${i}` : null);
      s.setKnown(h, addr(i), 400_000);
    }
    expect(s.prune(200_000, 50_000, 0)).toBe(19_900);
    expect(s.size).toBe(100);
    for (let i = 19_000; i < 20_000; i += 10) {
      const h = s.find(addr(i));
      expect(s.times(addr(i))).toEqual([1000, 100_001, 100_002, 100_003, 100_004]);
      expect(s.banUntil(h)).toBe(500_000);
      expect(s.banBy(h)).toBe(i % 20 === 0 ? `rule-${i}` : null);
      expect(s.banTier(h)).toBe(i % 20 === 0 ? 0 : 2);
      expect(s.knownUntil(h)).toBe(400_000);
    }
    expect(s.find(addr(18_999))).toBe(-1);
    expect(s.knownInside('11.0.74.0/24' as Cidr, 300_000)).toBe('11.0.74.56');
  });
});

