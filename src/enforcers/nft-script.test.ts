import { describe, expect, it } from 'vitest';
import { parseIp, type IpAddress } from '../domain/ip.js';
import { applyScript, CHUNK, dropScript, nftTimeout, reconcileScript, setupScript, type NftLayout } from './nft-script.js';

const ip = (s: string) => parseIp(s) as IpAddress;
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
    ]);
    expect(all.indexOf('flush chain')).toBeLessThan(all.indexOf('add rule'));
    const sip = setupScript({ ...layout, scope: 'sip' });
    expect(sip).toContain('add rule inet sipwarden input meta l4proto { tcp, udp } th dport { 5060, 5061, 4569 } ip saddr @ban4 drop');
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
    expect(lines.filter((l) => l.startsWith('flush set'))).toEqual(['flush set inet sipwarden ban4', 'flush set inet sipwarden ban6']);
    const adds = lines.filter((l) => l.startsWith('add element'));
    expect(adds).toHaveLength(3);
    expect(adds[0]).toContain('10.0.0.1 timeout 0d7200s');
    expect(adds[1]).toContain('198.51.100.1 timeout 0d1s'); // first seen: written as it came
    // ... then the duplicate's longer ban replaces it at the end of the same transaction
    expect(lines.slice(-2)).toEqual(['delete element inet sipwarden ban4 { 198.51.100.1 }', 'add element inet sipwarden ban4 { 198.51.100.1 timeout 0d5s }']);
    expect(script).not.toContain('198.51.100.2');
    expect(lines.indexOf('flush set inet sipwarden ban4')).toBeLessThan(lines.indexOf(adds[0] as string));
  });

  it('timeouts are days + seconds, at least 1 s, at most 100 years', () => {
    expect(nftTimeout(3600)).toBe('0d3600s');
    expect(nftTimeout(86_400 * 400 + 5)).toBe('400d5s');
    expect(nftTimeout(0.2)).toBe('0d1s');
    expect(nftTimeout(1e15)).toBe('36500d0s');
    expect(dropScript('sipwarden')).toBe('add table inet sipwarden\ndelete table inet sipwarden\n');
  });
});
