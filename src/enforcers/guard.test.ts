import { describe, expect, it } from 'vitest';
import { parseCidr, parseIp, type Cidr, type IpAddress } from '../domain/ip.js';
import { compileZones } from '../engine/zones.js';
import { DryRunEnforcer } from './dry-run.js';
import { checkAddress } from './guard.js';

const zones = compileZones({ internal: [parseCidr('10.0.0.0/8') as Cidr], trusted: [parseCidr('198.51.100.0/24') as Cidr], hostAddresses: [parseIp('192.0.2.10') as IpAddress] });
const quiet = { info: () => undefined, warn: () => undefined };
const ip = (s: string) => parseIp(s) as IpAddress;

describe('enforcer guard (second line of defence)', () => {
  it('refuses strings that are not canonical addresses before anything runs', () => {
    for (const bad of ['1.2.3.4; rm -rf /', '1.2.3.4 }', '01.2.3.4', '2001:DB8::1', '::ffff:1.2.3.4', '', 'flush ruleset']) {
      expect(() => checkAddress(bad), bad).toThrow(/non-canonical/);
    }
    expect(checkAddress('2001:db8::1')).toBe('2001:db8::1');
  });

  it('refuses to ban loopback, the host itself and trusted addresses, even if asked', async () => {
    const refused: string[] = [];
    const e = new DryRunEnforcer(zones, { info: () => undefined, warn: (o: object) => refused.push((o as { ip: string }).ip) });
    await e.apply(
      [
        { op: 'ban', ip: ip('127.0.0.1'), until: null },
        { op: 'ban', ip: ip('::1'), until: null },
        { op: 'ban', ip: ip('192.0.2.10'), until: null },
        { op: 'ban', ip: ip('198.51.100.4'), until: null },
        { op: 'ban', ip: ip('203.0.113.5'), until: null },
      ],
      0,
    );
    expect([...e.held.keys()]).toEqual(['203.0.113.5']);
    expect(refused).toEqual(['127.0.0.1', '::1', '192.0.2.10', '198.51.100.4']);
  });

  it('dry-run reconcile holds exactly the stored set, minus expired and protected entries', async () => {
    const e = new DryRunEnforcer(zones, quiet);
    await e.apply([{ op: 'ban', ip: ip('203.0.113.1'), until: null }], 0);
    await e.reconcile([{ ip: ip('203.0.113.2'), until: 5000 }, { ip: ip('203.0.113.3'), until: 500 }, { ip: ip('127.0.0.1'), until: null }], 1000);
    expect([...e.held.entries()]).toEqual([['203.0.113.2', 5000]]);
  });
});
