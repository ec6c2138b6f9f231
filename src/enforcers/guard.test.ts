import { describe, expect, it } from 'vitest';
import { parseBanTarget, parseCidr, parseIp, type BanTarget, type Cidr, type IpAddress } from '../domain/ip.js';
import { compileZones, type ZoneOf } from '../engine/zones.js';
import { DryRunEnforcer } from './dry-run.js';
import { checkAddress, checkTarget, guardBans, guardOps } from './guard.js';

const zones = compileZones({ internal: [parseCidr('10.0.0.0/8') as Cidr], trusted: [parseCidr('198.51.100.0/24') as Cidr], hostAddresses: [parseIp('192.0.2.10') as IpAddress] });
const quiet = { info: () => undefined, warn: () => undefined };
const ip = (s: string) => parseIp(s) as IpAddress;
const net = (s: string) => parseBanTarget(s) as Cidr;

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

  it('a target must be a canonical address or network: no host bits, no /32, no spaces or newlines', () => {
    for (const good of ['203.0.113.0/24', '2001:db8::/64', '10.0.0.0/8', '203.0.113.7', '2001:db8::1']) expect(checkTarget(good)).toBe(good);
    const bad = [
      '203.0.113.7/24', '10.0.0.0/33', '2001:db8::/129', '203.0.113.7/32', '2001:db8::1/128', '203.0.113.0/024', '2001:DB8::/64',
      ' 203.0.113.0/24', '203.0.113.0/24 ', '203.0.113.0/24\n', '203.0.113.0 /24', '203.0.113.0/ 24', '203.0.113.0/24\nflush ruleset',
      '[2001:db8::1]', '203.0.113.0/', '/24', '203.0.113.0/24/24', '', '::ffff:1.2.3.0/120',
    ];
    for (const b of bad) expect(() => checkTarget(b), JSON.stringify(b)).toThrow(/non-canonical/);
    // The seen probe stays for addresses only.
    expect(() => checkAddress('203.0.113.0/24')).toThrow(/non-canonical/);
    // Non-canonical networks never reach a backend, as bans or as unbans.
    expect(() => guardOps([{ op: 'unban', ip: '203.0.113.7/24' as BanTarget }], zones, () => undefined)).toThrow(/non-canonical/);
  });

  it('a network takes the most protected zone inside it: never, trusted or everyone is refused; unbans pass', () => {
    const refused: string[] = [];
    const ops = [
      '127.0.0.0/8', '0.0.0.0/0', '::/0', '192.0.2.0/24', // loopback, everything, the host's own address inside
      '198.51.0.0/16', '198.51.100.128/25', // holds / lies in a trusted network
      '203.0.113.0/24', '10.1.0.0/16', '2001:db8::/64', // external, internal (the policy's call), IPv6
    ].map((t) => ({ op: 'ban' as const, ip: net(t), until: null }));
    const safe = guardOps([...ops, { op: 'unban', ip: net('198.51.100.0/24') }], zones, (t) => refused.push(t));
    expect(refused).toEqual(['127.0.0.0/8', '0.0.0.0/0', '::/0', '192.0.2.0/24', '198.51.0.0/16', '198.51.100.128/25']);
    expect(safe.map((o) => `${o.op} ${o.ip}`)).toEqual(['ban 203.0.113.0/24', 'ban 10.1.0.0/16', 'ban 2001:db8::/64', 'unban 198.51.100.0/24']);
  });

  it('a classifier that cannot vouch for networks (no zoneOf.network) lets no network ban through', () => {
    const addressesOnly: ZoneOf = () => 'external';
    const refused: string[] = [];
    const safe = guardBans(
      [{ ip: net('203.0.113.0/24'), until: null }, { ip: ip('203.0.113.7'), until: null }, { ip: net('2001:db8::/64'), until: 5 }],
      addressesOnly,
      (t) => refused.push(t),
    );
    expect(refused).toEqual(['203.0.113.0/24', '2001:db8::/64']);
    expect(safe).toEqual([{ ip: '203.0.113.7', until: null }]);
    expect(guardOps([{ op: 'unban', ip: net('203.0.113.0/24') }], addressesOnly, () => undefined)).toHaveLength(1);
  });

  it('dry-run logs and holds network bans like address bans', async () => {
    const lines: Array<[string, string]> = [];
    const e = new DryRunEnforcer(zones, { info: (o: object, msg: string) => lines.push([msg, String((o as { ip?: string }).ip)]), warn: () => undefined });
    await e.apply([{ op: 'ban', ip: net('203.0.113.0/24'), until: 5000 }, { op: 'ban', ip: ip('203.0.113.9'), until: null }], 0);
    expect([...e.held.entries()]).toEqual([['203.0.113.0/24', 5000], ['203.0.113.9', null]]);
    await e.apply([{ op: 'unban', ip: net('203.0.113.0/24') }], 0);
    expect([...e.held.keys()]).toEqual(['203.0.113.9']);
    expect(lines).toEqual([['would block', '203.0.113.0/24'], ['would block', '203.0.113.9'], ['would unblock', '203.0.113.0/24']]);
    await e.reconcile([{ ip: net('2001:db8::/64'), until: null }, { ip: net('192.0.2.0/24'), until: null }], 0);
    expect([...e.held.keys()]).toEqual(['2001:db8::/64']);
  });

  it('dry-run reconcile holds exactly the stored set, minus expired and protected entries', async () => {
    const e = new DryRunEnforcer(zones, quiet);
    await e.apply([{ op: 'ban', ip: ip('203.0.113.1'), until: null }], 0);
    await e.reconcile([{ ip: ip('203.0.113.2'), until: 5000 }, { ip: ip('203.0.113.3'), until: 500 }, { ip: ip('127.0.0.1'), until: null }], 1000);
    expect([...e.held.entries()]).toEqual([['203.0.113.2', 5000]]);
  });
});
