/**
 * The netlink messages byte by byte (no kernel: test/e2e/enforcers/netlink.test.ts sends
 * them): every attribute's length covers exactly its content, so the kernel never reads
 * bytes nobody wrote, and keys are the addresses' own bytes.
 */
import { describe, expect, it } from 'vitest';
import { parseIp, type IpAddress } from '../domain/ip.js';
import { encodeBatch, fillBatch, keyBytes } from './nft-netlink.js';

const ip = (s: string) => parseIp(s) as IpAddress;

interface Attr {
  type: number;
  nested: boolean;
  body: Buffer;
}

/** The attributes in `b`, checking that they tile it exactly (no gap, no overrun). */
function attrs(b: Buffer): Attr[] {
  const out: Attr[] = [];
  let o = 0;
  while (o < b.length) {
    const len = b.readUInt16LE(o);
    const type = b.readUInt16LE(o + 2);
    expect(len).toBeGreaterThanOrEqual(4);
    expect(o + len).toBeLessThanOrEqual(b.length);
    out.push({ type: type & 0x3fff, nested: (type & 0x8000) !== 0, body: b.subarray(o + 4, o + len) });
    o += (len + 3) & ~3;
  }
  expect(o).toBe(b.length);
  return out;
}

/** The messages of a batch: type, sequence number and attribute bytes. */
function messages(batch: Buffer): Array<{ type: number; seq: number; body: Buffer }> {
  const out = [];
  let o = 0;
  while (o < batch.length) {
    const len = batch.readUInt32LE(o);
    out.push({ type: batch.readUInt16LE(o + 4), seq: batch.readUInt32LE(o + 8), body: batch.subarray(o + 20, o + len) });
    o += len;
  }
  expect(o).toBe(batch.length);
  return out;
}

/** Each element of a NEWSETELEM message: its key bytes and timeout (ms), walking every nesting level. */
function elements(body: Buffer): Array<{ key: string; timeoutMs: number | null }> {
  const list = attrs(body).find((a) => a.type === 3);
  expect(list?.nested).toBe(true);
  return attrs(list?.body ?? Buffer.alloc(0)).map((elem) => {
    expect(elem).toMatchObject({ type: 1, nested: true });
    const parts = attrs(elem.body);
    const key = parts.find((p) => p.type === 1);
    const value = attrs(key?.body ?? Buffer.alloc(0));
    expect(value).toHaveLength(1);
    const timeout = parts.find((p) => p.type === 4);
    expect(parts.every((p) => p.type === 1 || p.type === 4)).toBe(true);
    return { key: value[0]?.body.toString('hex') ?? '', timeoutMs: timeout ? Number(timeout.body.readBigUInt64BE()) : null };
  });
}

describe('netlink messages', () => {
  it('keys: the 4 or 16 bytes of the address, for every IPv6 spelling', () => {
    expect(keyBytes(ip('203.0.113.7')).toString('hex')).toBe('cb007107');
    expect(keyBytes(ip('2001:db8::7')).toString('hex')).toBe('20010db8000000000000000000000007');
    expect(keyBytes(ip('::1')).toString('hex')).toBe('00000000000000000000000000000001');
    expect(keyBytes(ip('2001:db8:0:1::')).toString('hex')).toBe('20010db8000000010000000000000000');
    expect(keyBytes(ip('2001:db8:1:2:3:4:5:6')).toString('hex')).toBe('20010db8000100020003000400050006');
  });

  it('a fill: the flushes, then elements whose nests cover exactly the key and the timeout', () => {
    const v4 = ['198.51.100.1', '198.51.100.2', '198.51.100.3'].map(ip);
    const { batch, count } = fillBatch('sipwarden', [
      { set: 'ban4', ips: v4, timeoutsMs: [Number.NaN, 60_000, Number.NaN] },
      { set: 'ban6', ips: [ip('2001:db8::9')], timeoutsMs: [3_600_000] },
    ], 100);
    const m = messages(batch);
    expect(m.map((x) => x.seq)).toEqual([100, 101, 102, 103, 104, 105]);
    expect(count).toBe(4);
    expect(m.map((x) => x.type)).toEqual([0x10, (10 << 8) | 14, (10 << 8) | 14, (10 << 8) | 12, (10 << 8) | 12, 0x11]);
    expect(elements(m[3]?.body ?? Buffer.alloc(0))).toEqual([
      { key: 'c6336401', timeoutMs: null }, { key: 'c6336402', timeoutMs: 60_000 }, { key: 'c6336403', timeoutMs: null },
    ]);
    expect(elements(m[4]?.body ?? Buffer.alloc(0))).toEqual([{ key: '20010db8000000000000000000000009', timeoutMs: 3_600_000 }]);
  });

  it('a fill splits a set over messages of at most 1,024 elements, in order', () => {
    const v4 = Array.from({ length: 2500 }, (_, i) => ip(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`));
    const { batch } = fillBatch('sipwarden', [{ set: 'ban4', ips: v4, timeoutsMs: v4.map(() => Number.NaN) }], 1);
    const fills = messages(batch).filter((x) => x.type === ((10 << 8) | 12));
    expect(fills.map((x) => elements(x.body).length)).toEqual([1024, 1024, 452]);
    expect(elements(fills[2]?.body ?? Buffer.alloc(0)).at(-1)?.key).toBe(keyBytes(ip('10.0.9.195')).toString('hex'));
  });

  it('a fill from keys (the enforcer\'s compact record) is byte for byte the fill from the addresses\' text', () => {
    const v4 = ['198.51.100.1', '203.0.113.255', '10.0.0.0'].map(ip);
    const v6 = ['2001:db8::9', '::1', 'fe80::1:0:0:0'].map(ip);
    const t4 = [Number.NaN, 60_000, 1_000];
    const t6 = [3_600_000, Number.NaN, 2_000];
    const keys = (list: readonly IpAddress[]) => new Uint8Array(Buffer.concat(list.map((a) => keyBytes(a))));
    const fromText = fillBatch('sipwarden', [{ set: 'ban4', ips: v4, timeoutsMs: t4 }, { set: 'ban6', ips: v6, timeoutsMs: t6 }], 9);
    const fromKeys = fillBatch('sipwarden', [{ set: 'ban4', keys: keys(v4), keyLen: 4, timeoutsMs: t4 }, { set: 'ban6', keys: keys(v6), keyLen: 16, timeoutsMs: t6 }], 9);
    expect(fromKeys.count).toBe(fromText.count);
    expect(fromKeys.batch.equals(fromText.batch)).toBe(true);
    expect(() => fillBatch('t', [{ set: 'ban4', keys: keys(v4), keyLen: 4, timeoutsMs: [Number.NaN] }], 1)).toThrow(/1 timeouts/);
  });

  it('a fill refuses an address of the other family (it would be a wrong key length)', () => {
    expect(() => fillBatch('t', [{ set: 'ban4', ips: [ip('198.51.100.1'), ip('2001:db8::1')], timeoutsMs: [Number.NaN, Number.NaN] }], 1)).toThrow(/not of the family/);
  });

  it('element changes: a delete has no timeout, an add has its own', () => {
    const m = messages(encodeBatch('sipwarden', [
      { op: 'delete', set: 'seen4', ip: ip('192.0.2.1') },
      { op: 'add', set: 'ban4', ip: ip('192.0.2.1'), timeoutMs: 1_500 },
    ], 7));
    expect(elements(m[1]?.body ?? Buffer.alloc(0))).toEqual([{ key: 'c0000201', timeoutMs: null }]);
    expect(elements(m[2]?.body ?? Buffer.alloc(0))).toEqual([{ key: 'c0000201', timeoutMs: 1_500 }]);
  });
});
