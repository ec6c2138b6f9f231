import { describe, expect, it } from 'vitest';
import { parseBanTarget, parseIp, type BanTarget, type Cidr, type IpAddress } from '../domain/ip.js';
import { applyScript, CHUNK, dropScript, nftTimeout, reconcileScript, seenGuard, setFor, setupScript, unseenIndex, type NftLayout } from './nft-script.js';

const ip = (s: string) => parseIp(s) as IpAddress;
const net = (s: string) => parseBanTarget(s) as Cidr;
const layout: NftLayout = { table: 'sipwarden', scope: 'all', ports: [5060, 5061, 4569], seenPorts: [5038, 5060], seenTimeoutSeconds: 600, seenSize: 1000 };

describe('nftables transaction text', () => {
  it('setup names only its own table, records senders before dropping, and scope sip limits the drop to the ports', () => {
    const all = setupScript(layout);
    for (const line of all.trim().split('\n')) expect(line).toMatch(/ inet sipwarden( |$)/);
    expect(all).not.toMatch(/ruleset/);
    const rules = all.split('\n').filter((l) => l.startsWith('add rule'));
    expect(rules).toEqual([
      'add rule inet sipwarden input meta l4proto { tcp, udp } th dport { 5038, 5060 } update @seen4 { ip saddr }',
      'add rule inet sipwarden input meta l4proto { tcp, udp } th dport { 5038, 5060 } update @seen6 { ip6 saddr }',
      'add rule inet sipwarden input ip saddr @ban4 drop',
      'add rule inet sipwarden input ip6 saddr @ban6 drop',
      'add rule inet sipwarden input ip saddr @net4 drop',
      'add rule inet sipwarden input ip6 saddr @net6 drop',
    ]);
    expect(all).toContain('add set inet sipwarden net4 { type ipv4_addr; flags interval, timeout; }\n');
    expect(all).toContain('add set inet sipwarden net6 { type ipv6_addr; flags interval, timeout; }\n');
    expect(all.indexOf('flush chain')).toBeLessThan(all.indexOf('add rule'));
    const sip = setupScript({ ...layout, scope: 'sip' });
    expect(sip).toContain('add rule inet sipwarden input meta l4proto { tcp, udp } th dport { 5060, 5061, 4569 } ip saddr @ban4 drop');
    expect(sip).toContain('add rule inet sipwarden input meta l4proto { tcp, udp } th dport { 5060, 5061, 4569 } ip6 saddr @net6 drop');
  });

  it("setup with every port watched ('all'): any packet marks its sender seen; scope sip then drops everything from a banned address", () => {
    const every = setupScript({ ...layout, scope: 'sip', ports: 'all', seenPorts: 'all' });
    expect(every).toContain('add rule inet sipwarden input update @seen4 { ip saddr }\n');
    expect(every).toContain('add rule inet sipwarden input update @seen6 { ip6 saddr }\n');
    expect(every).toContain('add rule inet sipwarden input ip saddr @ban4 drop\n');
    expect(every).not.toContain('dport');
  });

  it('apply: add, delete, re-add each touched address, so it is idempotent without `destroy`', () => {
    const now = 1_000_000;
    const text = applyScript('sipwarden', [
      { op: 'ban', ip: ip('203.0.113.1'), until: null },
      { op: 'ban', ip: ip('2001:db8::1'), until: now + 90_500 },
      { op: 'unban', ip: ip('203.0.113.2') },
      { op: 'ban', ip: ip('203.0.113.3'), until: now - 1 }, // already over: an unban
      { op: 'ban', ip: ip('203.0.113.2'), until: now + 1000 }, // later op on the same address wins
    ], now);
    expect(text.trim().split('\n')).toEqual([
      'add element inet sipwarden ban4 { 203.0.113.1, 203.0.113.3, 203.0.113.2 }',
      'delete element inet sipwarden ban4 { 203.0.113.1, 203.0.113.3, 203.0.113.2 }',
      'add element inet sipwarden ban4 { 203.0.113.1, 203.0.113.2 timeout 0d1s }',
      'add element inet sipwarden ban6 { 2001:db8::1 }',
      'delete element inet sipwarden ban6 { 2001:db8::1 }',
      'add element inet sipwarden ban6 { 2001:db8::1 timeout 0d91s }',
    ]);
    expect(applyScript('sipwarden', [], now)).toBe('');
    // Addresses known to be absent get a plain add; unbans are always add + delete.
    const known = new Set(['203.0.113.7']);
    expect(applyScript('sipwarden', [
      { op: 'ban', ip: ip('203.0.113.5'), until: null },
      { op: 'ban', ip: ip('203.0.113.7'), until: null },
      { op: 'unban', ip: ip('203.0.113.6') },
    ], now, (a) => known.has(a)).trim().split('\n')).toEqual([
      'add element inet sipwarden ban4 { 203.0.113.7, 203.0.113.6 }',
      'delete element inet sipwarden ban4 { 203.0.113.7, 203.0.113.6 }',
      'add element inet sipwarden ban4 { 203.0.113.5, 203.0.113.7 }',
    ]);
  });

  it('reconcile: setup, flush both sets, then the active bans in chunks; the longest duplicate wins', () => {
    const now = 0;
    const bans = Array.from({ length: CHUNK + 5 }, (_, i) => ({ ip: ip(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`), until: i % 2 ? 7_200_000 : null }));
    bans.push({ ip: ip('198.51.100.1'), until: 1000 }, { ip: ip('198.51.100.1'), until: 5000 }, { ip: ip('198.51.100.2'), until: -5 });
    const { script, v4, v6 } = reconcileScript(layout, bans, now);
    expect([v4, v6]).toEqual([CHUNK + 6, 0]);
    const lines = script.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('flush set'))).toEqual(['ban4', 'ban6', 'net4', 'net6'].map((s) => `flush set inet sipwarden ${s}`));
    const adds = lines.filter((l) => l.startsWith('add element'));
    expect(adds).toHaveLength(3);
    expect(adds[0]).toContain('10.0.0.1 timeout 0d7200s');
    expect(adds[1]).toContain('198.51.100.1 timeout 0d1s'); // first seen: written as it came
    // ... then the duplicate's longer ban replaces it at the end of the same transaction
    expect(lines.slice(-2)).toEqual(['delete element inet sipwarden ban4 { 198.51.100.1 }', 'add element inet sipwarden ban4 { 198.51.100.1 timeout 0d5s }']);
    expect(script).not.toContain('198.51.100.2');
    expect(lines.indexOf('flush set inet sipwarden ban4')).toBeLessThan(lines.indexOf(adds[0] as string));
  });

  it('each target goes to its own set: addresses to ban4/ban6, networks to net4/net6', () => {
    const cases: Array<[string, string]> = [['203.0.113.7', 'ban4'], ['2001:db8::1', 'ban6'], ['203.0.113.0/24', 'net4'], ['2001:db8::/64', 'net6'], ['10.0.0.0/8', 'net4']];
    for (const [t, set] of cases) expect(setFor(parseBanTarget(t) as BanTarget), t).toBe(set);
    const now = 0;
    const text = applyScript('sipwarden', [
      { op: 'ban', ip: net('203.0.113.0/24'), until: 3_600_000 },
      { op: 'ban', ip: ip('203.0.113.7'), until: null }, // an address inside the banned network: its own element
      { op: 'ban', ip: net('2001:db8:1::/64'), until: null },
      { op: 'unban', ip: net('198.51.100.0/24') },
    ], now, (t) => t === '203.0.113.0/24');
    expect(text.trim().split('\n')).toEqual([
      'add element inet sipwarden ban4 { 203.0.113.7 }',
      'add element inet sipwarden net4 { 203.0.113.0/24, 198.51.100.0/24 }',
      'delete element inet sipwarden net4 { 203.0.113.0/24, 198.51.100.0/24 }',
      'add element inet sipwarden net4 { 203.0.113.0/24 timeout 0d3600s }',
      'add element inet sipwarden net6 { 2001:db8:1::/64 }',
    ]);
  });

  it('apply with a rewrite: the family\'s net set is flushed and refilled, its network ops are not written again', () => {
    const now = 1000;
    const text = applyScript('sipwarden', [
      { op: 'ban', ip: net('10.1.0.0/16'), until: null },
      { op: 'unban', ip: net('10.2.0.0/24') },
      { op: 'ban', ip: net('2001:db8::/64'), until: null },
      { op: 'ban', ip: ip('10.1.2.3'), until: null },
    ], now, () => false, { net4: [{ net: net('10.1.0.0/16'), until: null }, { net: net('10.3.0.0/24'), until: now + 60_000 }] });
    expect(text.trim().split('\n')).toEqual([
      'add element inet sipwarden ban4 { 10.1.2.3 }',
      'flush set inet sipwarden net4',
      'add element inet sipwarden net4 { 10.1.0.0/16, 10.3.0.0/24 timeout 0d60s }',
      'add element inet sipwarden net6 { 2001:db8::/64 }',
    ]);
    // A rewrite to nothing still empties the set.
    expect(applyScript('sipwarden', [{ op: 'unban', ip: net('10.1.0.0/16') }], now, () => true, { net4: [] })).toBe('flush set inet sipwarden net4\n');
  });

  it('reconcile with a mix: addresses in ban4/ban6, networks as disjoint pieces in net4/net6 after all the addresses', () => {
    const now = 0;
    const { script, v4, v6, net4, net6 } = reconcileScript(layout, [
      { ip: ip('203.0.113.7'), until: null },
      { ip: net('203.0.113.0/24'), until: 3_600_000 },
      { ip: net('203.0.0.0/16'), until: 60_000 }, // holds the /24, which ends later: carved out
      { ip: net('203.0.113.0/24'), until: 1_000 }, // duplicate: the longest wins
      { ip: net('2001:db8::/64'), until: null },
      { ip: ip('2001:db8::5'), until: 7_200_000 },
      { ip: net('198.51.100.0/24'), until: -1 }, // already over
    ], now);
    expect({ v4, v6, net4, net6 }).toEqual({ v4: 1, v6: 1, net4: 2, net6: 1 });
    const lines = script.trim().split('\n');
    const adds = lines.filter((l) => l.startsWith('add element'));
    expect(adds[0]).toBe('add element inet sipwarden ban4 { 203.0.113.7 }');
    expect(adds[1]).toBe('add element inet sipwarden ban6 { 2001:db8::5 timeout 0d7200s }');
    const pieces = (adds[2] as string).replace(/^add element inet sipwarden net4 \{ (.*) \}$/, '$1').split(', ');
    expect(pieces).toContain('203.0.113.0/24 timeout 0d3600s');
    expect(pieces).toContain('203.0.0.0/18 timeout 0d60s');
    expect(pieces).toContain('203.0.112.0/24 timeout 0d60s');
    expect(pieces).toContain('203.0.114.0/23 timeout 0d60s');
    expect(pieces).toHaveLength(9); // the /16 around the /24: one piece per prefix bit from /17 to /24
    expect(adds[3]).toBe('add element inet sipwarden net6 { 2001:db8::/64 }');
    expect(adds).toHaveLength(4);
    expect(script).not.toContain('198.51.100.0');
  });

  it('timeouts are days + seconds, at least 1 s, at most 100 years', () => {
    expect(nftTimeout(3600)).toBe('0d3600s');
    expect(nftTimeout(86_400 * 400 + 5)).toBe('400d5s');
    expect(nftTimeout(0.2)).toBe('0d1s');
    expect(nftTimeout(1e15)).toBe('36500d0s');
    expect(dropScript('sipwarden')).toBe('add table inet sipwarden\ndelete table inet sipwarden\n');
  });
});

describe('seen-guarded bans', () => {
  it('checks each address with a delete that fails when it is absent, and puts it back', () => {
    expect(seenGuard('sipwarden', [ip('203.0.113.9'), ip('2001:db8::9')])).toBe([
      'delete element inet sipwarden seen4 { 203.0.113.9 }',
      'add element inet sipwarden seen4 { 203.0.113.9 }',
      'delete element inet sipwarden seen6 { 2001:db8::9 }',
      'add element inet sipwarden seen6 { 2001:db8::9 }',
      '',
    ].join('\n'));
  });

  it('tells which address was not seen from nft\'s error line, and nothing else', () => {
    const err = (line: number) => `/dev/stdin:${line}:31-41: Error: Could not process rule: No such file or directory\ndelete element inet sipwarden seen4 { 10.99.200.7 }\n                              ^^^^^^^^^^^\n`;
    expect(unseenIndex(err(1), 3)).toBe(0);
    expect(unseenIndex(err(5), 3)).toBe(2);
    expect(unseenIndex(err(2), 3)).toBeNull(); // a put-back line: not a missing sender
    expect(unseenIndex(err(7), 3)).toBeNull(); // after the checks: the ban lines
    expect(unseenIndex('/dev/stdin:1:1-6: Error: Could not process rule: Operation not permitted\n', 3)).toBeNull();
  });
});
