import { describe, expect, it } from 'vitest';
import { parseBanTarget, parseIp, type Cidr, type IpAddress } from '../domain/ip.js';
import { IPSET_MAX_TIMEOUT, ipsetApplyScript, ipsetReconcileScript, ipsetSetupScript, iptablesScript, type IpsetLayout } from './ipset-script.js';

const ip = (s: string) => parseIp(s) as IpAddress;
const net = (s: string) => parseBanTarget(s) as Cidr;
const layout: IpsetLayout = { prefix: 'sipwarden', chain: 'SIPWARDEN', scope: 'all', ports: [4569, 5060, 5061], seenPorts: [5038, 5060], seenTimeoutSeconds: 600, seenSize: 1000, maxElements: 5000 };

describe('ipset + iptables command text', () => {
  it('iptables: seen rules first, one drop rule per family for scope all, the jump only when asked', () => {
    expect(iptablesScript(layout, 4, true).trim().split('\n')).toEqual([
      '*filter',
      ':SIPWARDEN - [0:0]',
      '-A SIPWARDEN -p udp -m multiport --dports 5038,5060 -j SET --add-set sipwarden-seen4 src --exist --timeout 600',
      '-A SIPWARDEN -p tcp -m multiport --dports 5038,5060 -j SET --add-set sipwarden-seen4 src --exist --timeout 600',
      '-A SIPWARDEN -m set --match-set sipwarden4 src -j DROP',
      '-A SIPWARDEN -m set --match-set sipwarden-net4 src -j DROP',
      '-I INPUT 1 -j SIPWARDEN',
      'COMMIT',
    ]);
    const sip = iptablesScript({ ...layout, scope: 'sip' }, 6, false);
    expect(sip).toContain('-A SIPWARDEN -p udp -m multiport --dports 4569,5060,5061 -m set --match-set sipwarden6 src -j DROP');
    expect(sip).toContain('-A SIPWARDEN -p tcp -m multiport --dports 4569,5060,5061 -m set --match-set sipwarden6 src -j DROP');
    expect(sip).toContain('-A SIPWARDEN -p udp -m multiport --dports 4569,5060,5061 -m set --match-set sipwarden-net6 src -j DROP');
    expect(sip).toContain('-A SIPWARDEN -p tcp -m multiport --dports 4569,5060,5061 -m set --match-set sipwarden-net6 src -j DROP');
    expect(sip).not.toContain('INPUT');
  });

  it("iptables with every port watched ('all'): one seen rule with no port match, and drops whatever the scope", () => {
    const every = iptablesScript({ ...layout, scope: 'sip', ports: 'all', seenPorts: 'all' }, 4, false);
    expect(every).toContain('-A SIPWARDEN -j SET --add-set sipwarden-seen4 src --exist --timeout 600\n');
    expect(every).toContain('-A SIPWARDEN -m set --match-set sipwarden4 src -j DROP\n');
    expect(every).not.toContain('multiport');
  });

  it('apply: in order, timeout 0 for permanent, remaining seconds capped at the ipset limit, del for unbans and bans already over', () => {
    const now = 10_000;
    expect(ipsetApplyScript(layout, [
      { op: 'ban', ip: ip('203.0.113.1'), until: null },
      { op: 'ban', ip: ip('2001:db8::1'), until: now + 1500 },
      { op: 'ban', ip: ip('203.0.113.2'), until: now + 1e12 },
      { op: 'ban', ip: ip('203.0.113.3'), until: now },
      { op: 'unban', ip: ip('2001:db8::2') },
    ], now).trim().split('\n')).toEqual([
      'add sipwarden4 203.0.113.1 timeout 0',
      'add sipwarden6 2001:db8::1 timeout 2',
      `add sipwarden4 203.0.113.2 timeout ${IPSET_MAX_TIMEOUT}`,
      'del sipwarden4 203.0.113.3',
      'del sipwarden6 2001:db8::2',
    ]);
  });

  it('setup creates hash:net sets for networks beside the hash:ip sets', () => {
    expect(ipsetSetupScript(layout).trim().split('\n')).toEqual([
      'create sipwarden4 hash:ip family inet timeout 0 maxelem 5000',
      'create sipwarden-net4 hash:net family inet timeout 0 maxelem 5000',
      'create sipwarden-seen4 hash:ip family inet timeout 600 maxelem 1000',
      'create sipwarden6 hash:ip family inet6 timeout 0 maxelem 5000',
      'create sipwarden-net6 hash:net family inet6 timeout 0 maxelem 5000',
      'create sipwarden-seen6 hash:ip family inet6 timeout 600 maxelem 1000',
    ]);
  });

  it('apply routes networks to the net sets, addresses inside them to the address sets', () => {
    expect(ipsetApplyScript(layout, [
      { op: 'ban', ip: net('203.0.113.0/24'), until: null },
      { op: 'ban', ip: ip('203.0.113.7'), until: 5000 },
      { op: 'ban', ip: net('203.0.0.0/16'), until: 61_000 }, // nested networks live side by side in hash:net
      { op: 'ban', ip: net('2001:db8::/64'), until: 4000 },
      { op: 'unban', ip: net('2001:db8:1::/48') },
    ], 1000).trim().split('\n')).toEqual([
      'add sipwarden-net4 203.0.113.0/24 timeout 0',
      'add sipwarden4 203.0.113.7 timeout 4',
      'add sipwarden-net4 203.0.0.0/16 timeout 60',
      'add sipwarden-net6 2001:db8::/64 timeout 3',
      'del sipwarden-net6 2001:db8:1::/48',
    ]);
  });

  it('reconcile with a mix: each of the four sets gets its own temporary, all swapped in', () => {
    const { script, ...counts } = ipsetReconcileScript(layout, [
      { ip: net('203.0.113.0/24'), until: null },
      { ip: ip('203.0.113.7'), until: null },
      { ip: net('203.0.113.0/24'), until: 9000 }, // duplicate: the longest (permanent) wins
      { ip: net('2001:db8::/64'), until: 5000 },
      { ip: net('198.51.100.0/24'), until: 1 }, // already over
    ], 1000);
    expect(counts).toEqual({ v4: 1, v6: 0, net4: 1, net6: 1 });
    const lines = script.trim().split('\n');
    expect(lines).toContain('create sipwarden-net4-new hash:net family inet timeout 0 maxelem 5000');
    expect(lines).toContain('create sipwarden-net6-new hash:net family inet6 timeout 0 maxelem 5000');
    expect(lines.filter((l) => l.startsWith('add '))).toEqual([
      'add sipwarden4-new 203.0.113.7 timeout 0',
      'add sipwarden-net4-new 203.0.113.0/24 timeout 0',
      'add sipwarden-net6-new 2001:db8::/64 timeout 4',
    ]);
    expect(lines.slice(-8)).toEqual([
      'swap sipwarden4-new sipwarden4', 'swap sipwarden-net4-new sipwarden-net4', 'swap sipwarden6-new sipwarden6', 'swap sipwarden-net6-new sipwarden-net6',
      'destroy sipwarden4-new', 'destroy sipwarden-net4-new', 'destroy sipwarden6-new', 'destroy sipwarden-net6-new',
    ]);
  });

  it('reconcile: fresh temporaries filled, then swapped with the live sets and destroyed', () => {
    const { script, v4, v6 } = ipsetReconcileScript(layout, [{ ip: ip('203.0.113.1'), until: null }, { ip: ip('2001:db8::1'), until: 5000 }, { ip: ip('203.0.113.9'), until: 1 }], 1000);
    expect([v4, v6]).toEqual([1, 1]);
    const lines = script.trim().split('\n');
    expect(lines.filter((l) => /^(swap|destroy) sipwarden[46]-new/.test(l))).toEqual(['swap sipwarden4-new sipwarden4', 'swap sipwarden6-new sipwarden6', 'destroy sipwarden4-new', 'destroy sipwarden6-new']);
    expect(lines).toContain('create sipwarden6-new hash:ip family inet6 timeout 0 maxelem 5000');
    expect(lines).toContain('add sipwarden4-new 203.0.113.1 timeout 0');
    expect(lines).toContain('add sipwarden6-new 2001:db8::1 timeout 4');
    expect(script).not.toContain('203.0.113.9');
  });
});
