/** Stream entries: what this node writes reads back the same; another node's entry is checked as if an attacker wrote it. */
import { describe, expect, it } from 'vitest';
import { parseBanTarget, parseIp, type BanTarget, type IpAddress } from '../domain/ip.js';
import type { ClusterMessage } from './types.js';
import { decode, encode } from './wire.js';

const ip = (s: string) => parseIp(s) as IpAddress;
const net = (s: string) => parseBanTarget(s) as BanTarget;
const AT = Date.UTC(2026, 0, 5, 10, 0, 0);

/** Fields as a map, changed by `patch` (a value of null drops the field). */
function tampered(fields: string[], patch: Record<string, string | null>): string[] {
  const m = new Map<string, string>();
  for (let i = 0; i < fields.length; i += 2) m.set(fields[i] as string, fields[i + 1] as string);
  for (const [k, v] of Object.entries(patch)) (v === null ? m.delete(k) : m.set(k, v));
  return [...m].flat();
}

describe('encode / decode', () => {
  const messages: ClusterMessage[] = [
    { type: 'failure', ip: ip('203.0.113.7'), at: AT, reason: 'wrong_password', service: 'PJSIP', account: '100' },
    { type: 'ban', target: ip('2001:db8::7'), at: AT, until: AT + 3_600_000, tier: 1, reason: 'tier 1: 2 failures within 1h', source: 'policy' },
    { type: 'ban', target: net('198.51.100.0/24'), at: AT, until: null, tier: 0, reason: 'by hand', source: 'manual' },
    { type: 'release', target: ip('203.0.113.7'), at: AT, by: 'web:admin@192.0.2.1' },
  ];
  it.each(messages)('reads back a $type the same, with its origin and identity', (m) => {
    expect(decode(encode(m, 'pbx-a', 'k3x9.1z'))).toEqual({ message: { ...m, origin: 'pbx-a', eid: 'k3x9.1z' } });
  });
});

describe('another node\'s entry is data', () => {
  const good = encode({ type: 'failure', ip: ip('203.0.113.7'), at: AT, reason: 'wrong_password', service: 'PJSIP', account: '100' }, 'pbx-a', 'e.1');
  const ban = encode({ type: 'ban', target: ip('203.0.113.7'), at: AT, until: AT + 1, tier: 1, reason: 'r', source: 'policy' }, 'pbx-a', 'e.2');

  it('re-parses every address: text that is no address, a port, a list or a command is dropped', () => {
    for (const bad of ['203.0.113.7 ', '203.0.113.7:5060', '203.0.113.7,198.51.100.1', '*', 'DEL sipwarden:bans', '', '999.1.1.1', '0/0x']) {
      expect(decode(tampered(good, { ip: bad }))).toHaveProperty('problem');
    }
    // Another spelling of an address goes on in its canonical form only.
    expect(decode(tampered(good, { ip: '2001:DB8:0:0::7' }))).toMatchObject({ message: { ip: '2001:db8::7' } });
    expect(decode(tampered(good, { ip: '::ffff:203.0.113.9' }))).toMatchObject({ message: { ip: '203.0.113.9' } });
    expect(decode(tampered(ban, { ip: '198.51.100.0/24' }))).toMatchObject({ message: { target: '198.51.100.0/24' } });
    expect(decode(tampered(ban, { ip: '198.51.100.7/24' }))).toMatchObject({ message: { target: '198.51.100.0/24' } });
    expect(decode(tampered(ban, { ip: '198.51.100.0/33' }))).toHaveProperty('problem');
  });

  it('refuses names, identities, times, tiers and reasons this version never writes', () => {
    expect(decode(tampered(good, { o: 'pbx a' }))).toEqual({ problem: 'no node name' });
    expect(decode(tampered(good, { o: '../x' }))).toEqual({ problem: 'no node name' });
    expect(decode(tampered(good, { e: '' }))).toEqual({ problem: 'no event identity' });
    expect(decode(tampered(good, { at: '-1' }))).toEqual({ problem: 'no time' });
    expect(decode(tampered(good, { at: '1e12' }))).toEqual({ problem: 'no time' });
    expect(decode(tampered(good, { r: 'scan' }))).toEqual({ problem: 'no failure reason' });
    expect(decode(tampered(good, { v: '2' }))).toEqual({ problem: 'another format version' });
    expect(decode(tampered(good, { k: 'x' }))).toEqual({ problem: 'unknown kind' });
    expect(decode(tampered(ban, { t: '1.5' }))).toEqual({ problem: 'no tier' });
    expect(decode(tampered(ban, { t: '99999' }))).toEqual({ problem: 'no tier' });
    expect(decode(tampered(ban, { u: 'soon' }))).toEqual({ problem: 'no ban end' });
    expect(decode(['v', '1', 'o'])).toEqual({ problem: 'not an entry of this format' });
    expect(decode(Array.from({ length: 42 }, () => 'x'))).toEqual({ problem: 'not an entry of this format' });
  });

  it('carries a hostile account name as text: bounded, control and direction characters replaced, nothing else touched', () => {
    const hostile = `x" ip=198.51.100.1 \n2026-01-05 FAILED ip=192.0.2.1\u202e${'A'.repeat(400)}`;
    const d = decode(tampered(good, { a: hostile }));
    expect(d).toMatchObject({ message: { ip: '203.0.113.7' } });
    const account = (d as { message: { account: string } }).message.account;
    expect(account).toHaveLength(256);
    expect(account.startsWith('x" ip=198.51.100.1 \uFFFD2026-01-05 FAILED ip=192.0.2.1\uFFFDAAA')).toBe(true);
    // An unknown service becomes `other`; a ban's source is policy unless it says manual.
    expect(decode(tampered(good, { s: 'PJSIP\r\nX' }))).toMatchObject({ message: { service: 'other' } });
    expect(decode(tampered(ban, { src: 'root' }))).toMatchObject({ message: { source: 'policy' } });
  });
});
