import { describe, expect, it } from 'vitest';
import { parseCidr, parseIp, type Cidr, type IpAddress } from '../domain/ip.js';
import { compileZones } from '../engine/zones.js';
import { TrustedNames } from './trusted-names.js';

const quiet = { warn: () => undefined, info: () => undefined };
const ip = (s: string) => parseIp(s) as IpAddress;

describe('trusted host names (dynamic DNS)', () => {
  it('trusts what a name resolves to (IPv4 and IPv6), follows changes, and keeps the last answers through a DNS outage for the grace period only', async () => {
    let t = 0;
    let answer: string[] | Error = ['203.0.113.10', '2001:db8::10'];
    const warnings: string[] = [];
    const names = new TrustedNames(['office.dyn.example'], {
      graceMs: 1000, now: () => t, log: { warn: (_o, m) => warnings.push(m), info: () => undefined },
      resolve: async () => {
        if (answer instanceof Error) throw answer;
        return answer;
      },
    });
    const zoneOf = compileZones({ internal: [parseCidr('10.0.0.0/8') as Cidr], trusted: [], dynamicTrusted: names });
    await names.refresh();
    expect(zoneOf(ip('203.0.113.10'))).toBe('trusted');
    expect(zoneOf(ip('2001:db8::10'))).toBe('trusted');

    answer = ['203.0.113.11']; // the office got a new address
    t = 100;
    await names.refresh();
    expect(zoneOf(ip('203.0.113.10'))).toBe('external');
    expect(zoneOf(ip('203.0.113.11'))).toBe('trusted');

    answer = new Error('SERVFAIL');
    t = 600; // within the grace period: keep the last answer, say so once
    await names.refresh();
    await names.refresh();
    expect(zoneOf(ip('203.0.113.11'))).toBe('trusted');
    expect(warnings.filter((w) => w.includes('keeping its last addresses'))).toHaveLength(1);

    t = 2000; // grace period over
    await names.refresh();
    expect(zoneOf(ip('203.0.113.11'))).toBe('external');
    expect(warnings.some((w) => w.includes('no longer trusted'))).toBe(true);
  });

  it('never makes loopback or the host itself anything but never-ban, whatever DNS says', async () => {
    const names = new TrustedNames(['evil.example'], { graceMs: 0, now: () => 0, log: quiet, resolve: async () => ['127.0.0.1'] });
    await names.refresh();
    expect(compileZones({ internal: [], trusted: [], dynamicTrusted: names })(ip('127.0.0.1'))).toBe('never');
  });
});
