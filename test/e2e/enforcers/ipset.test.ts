/**
 * The ipset + iptables backend against the real kernel, inside network namespaces
 * this file makes (root only; nothing is skipped). The timed-ban test waits 3 s for
 * the kernel to expire an element: the file takes about 30 s.
 *
 * Network bans: the attacker namespace also holds two addresses of 10.79.1.0/24 and
 * two of fd79:1::/64 (networks without the pbx's own address), so a network ban can be
 * seen to block an address of it that was never banned on its own.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseBanTarget, parseIp, type Cidr, type IpAddress } from '../../../src/domain/ip.js';
import { compileZones } from '../../../src/engine/zones.js';
import { IpsetEnforcer, type IpsetOptions } from '../../../src/enforcers/ipset.js';
import { addAttackerAddresses, createNsPair, exec, must, startUdpListener, udpArrives, type NsPair, type UdpListener } from '../../support/netns.js';

const ip = (s: string) => parseIp(s) as IpAddress;
const net = (s: string) => parseBanTarget(s) as Cidr;
const NET4 = '10.79.1.0/24';
const IN4 = ['10.79.1.2', '10.79.1.3'] as const;
const NET6 = 'fd79:1::/64';
const IN6 = ['fd79:1::2', 'fd79:1::3'] as const;
const warnings: string[] = [];
const log = { info: () => undefined, warn: (o: object) => void warnings.push(JSON.stringify(o)) };
const CANARY = 'table inet sw_canary {\n  set keep { type ipv4_addr; elements = { 192.0.2.7 } }\n  chain c { type filter hook input priority 0; policy accept; ip saddr @keep accept; }\n}\n';

let pair: NsPair;
let udp: UdpListener;
let canaryBefore: string;

beforeAll(async () => {
  pair = await createNsPair('ipset');
  await addAttackerAddresses(pair, [...IN4, ...IN6]);
  await must(pair.pbx, 'nft', ['-f', '-'], CANARY);
  canaryBefore = await must(pair.pbx, 'nft', ['list', 'table', 'inet', 'sw_canary']);
  udp = await startUdpListener(pair.pbx, [5060, 9999]);
}, 20_000);

afterAll(async () => {
  await udp?.close();
  await pair?.remove();
});

afterEach(async () => {
  await enforcer().close({ keepBans: false });
});

function enforcer(extra: Partial<IpsetOptions> = {}): IpsetEnforcer {
  const zoneOf = compileZones({ internal: [], trusted: [], hostAddresses: [ip(pair.pbx4), ip(pair.pbx6)] });
  return new IpsetEnforcer({ zoneOf, log, netns: pair.pbx, ...extra });
}

/** A ban set as the kernel reports it: address or network -> timeout left in seconds, or null if permanent. */
async function held(set: 'sipwarden4' | 'sipwarden6' | 'sipwarden-net4' | 'sipwarden-net6'): Promise<Map<string, number | null>> {
  const out = await must(pair.pbx, 'ipset', ['save', set]);
  const adds = out.split('\n').filter((l) => l.startsWith('add '));
  return new Map(adds.map((l) => {
    const [, , addr, , t] = l.split(' ');
    return [addr as string, Number(t) === 0 ? null : Number(t)];
  }));
}

describe('ipset + iptables enforcer (real kernel, network namespaces)', () => {
  it('a ban stops IPv4 and IPv6 datagrams; the unban lets them through again', async () => {
    const e = enforcer();
    const [a4] = pair.attacker4 as [string];
    const [a6] = pair.attacker6 as [string];
    await e.init();
    expect(await udpArrives(pair, udp, a4, pair.pbx4, 9999)).toBe(true);
    await e.apply([{ op: 'ban', ip: ip(a4), until: null }, { op: 'ban', ip: ip(a6), until: Date.now() + 3_600_000 }], Date.now());
    expect(await udpArrives(pair, udp, a4, pair.pbx4, 9999)).toBe(false);
    expect(await udpArrives(pair, udp, a6, pair.pbx6, 5060)).toBe(false);
    expect(await udpArrives(pair, udp, pair.attacker6[1] as string, pair.pbx6, 5060)).toBe(true);
    await e.apply([{ op: 'unban', ip: ip(a4) }, { op: 'unban', ip: ip(a6) }, { op: 'unban', ip: ip('203.0.113.9') }], Date.now());
    expect(await udpArrives(pair, udp, a4, pair.pbx4, 9999)).toBe(true);
    expect(await udpArrives(pair, udp, a6, pair.pbx6, 5060)).toBe(true);
  });

  it('permanent is timeout 0, timed has its remaining time, and re-banning replaces it', async () => {
    const e = enforcer();
    const [a, b] = pair.attacker4 as [string, string];
    const now = Date.now();
    await e.init();
    await e.apply([{ op: 'ban', ip: ip(a), until: null }, { op: 'ban', ip: ip(b), until: now + 3_600_000 }], now);
    const first = await held('sipwarden4');
    expect(first.get(a)).toBeNull();
    expect(first.get(b)).toBeGreaterThan(3590);
    await e.apply([{ op: 'ban', ip: ip(a), until: now + 60_000 }, { op: 'ban', ip: ip(b), until: null }], now);
    const second = await held('sipwarden4');
    expect(second.get(a)).toBeLessThanOrEqual(60);
    expect(second.get(b)).toBeNull();
  });

  it('a timed ban expires in the kernel by itself', async () => {
    const e = enforcer();
    const [a] = pair.attacker4 as [string];
    await e.init();
    await e.apply([{ op: 'ban', ip: ip(a), until: Date.now() + 2_000 }], Date.now());
    expect(await udpArrives(pair, udp, a, pair.pbx4, 9999)).toBe(false);
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await held('sipwarden4')).size).toBe(0);
    expect(await udpArrives(pair, udp, a, pair.pbx4, 9999)).toBe(true);
  });

  it('scope sip drops the SIP ports only', async () => {
    const e = enforcer({ scope: 'sip' });
    const [a] = pair.attacker4 as [string];
    const [a6] = pair.attacker6 as [string];
    await e.init();
    await e.apply([{ op: 'ban', ip: ip(a), until: null }, { op: 'ban', ip: ip(a6), until: null }], Date.now());
    expect(await udpArrives(pair, udp, a, pair.pbx4, 5060)).toBe(false);
    expect(await udpArrives(pair, udp, a, pair.pbx4, 9999)).toBe(true);
    expect(await udpArrives(pair, udp, a6, pair.pbx6, 5060)).toBe(false);
    expect(await udpArrives(pair, udp, a6, pair.pbx6, 9999)).toBe(true);
  });

  it('reconcile swaps in exactly the stored bans', async () => {
    const e = enforcer();
    const [a, b, c] = pair.attacker4 as [string, string, string];
    const now = Date.now();
    await e.init();
    await e.apply([{ op: 'ban', ip: ip(a), until: null }, { op: 'ban', ip: ip(b), until: null }, { op: 'ban', ip: ip(pair.attacker6[0] as string), until: null }], now);
    await must(pair.pbx, 'ipset', ['create', 'sipwarden4-new', 'hash:ip', 'timeout', '0']); // a crashed reconcile's leftover
    await e.reconcile([{ ip: ip(b), until: now + 600_000 }, { ip: ip(c), until: null }, { ip: ip('203.0.113.5'), until: now - 1 }, { ip: ip(pair.attacker6[1] as string), until: null }], now);
    expect([...(await held('sipwarden4')).keys()].sort()).toEqual([b, c]);
    expect([...(await held('sipwarden6')).keys()]).toEqual([pair.attacker6[1]]);
    expect(await must(pair.pbx, 'ipset', ['list', '-n'])).not.toMatch(/-new/);
    expect(await udpArrives(pair, udp, a, pair.pbx4, 9999)).toBe(true);
    expect(await udpArrives(pair, udp, c, pair.pbx4, 9999)).toBe(false);
  });

  it('init twice does not duplicate rules or the INPUT jump; close removes only its own objects', async () => {
    await enforcer().init();
    const once = await must(pair.pbx, 'iptables', ['-S']);
    expect(once).toContain('-A SIPWARDEN -m set --match-set sipwarden-net4 src -j DROP');
    expect(await must(pair.pbx, 'ip6tables', ['-S'])).toContain('-A SIPWARDEN -m set --match-set sipwarden-net6 src -j DROP');
    expect((await must(pair.pbx, 'ipset', ['list', '-n'])).split('\n').filter(Boolean).sort()).toEqual(['sipwarden-net4', 'sipwarden-net6', 'sipwarden-seen4', 'sipwarden-seen6', 'sipwarden4', 'sipwarden6']);
    const once6 = await must(pair.pbx, 'ip6tables', ['-S']);
    await enforcer().init();
    expect(await must(pair.pbx, 'iptables', ['-S'])).toBe(once);
    expect(await must(pair.pbx, 'ip6tables', ['-S'])).toBe(once6);
    expect(once.match(/-j SIPWARDEN/g)).toHaveLength(1);
    await enforcer().close({ keepBans: false });
    expect(await must(pair.pbx, 'iptables', ['-S'])).not.toMatch(/SIPWARDEN/);
    expect(await must(pair.pbx, 'ipset', ['list', '-n'])).toBe('');
    expect(await must(pair.pbx, 'nft', ['list', 'table', 'inet', 'sw_canary'])).toBe(canaryBefore);
  });

  it('guard: protected and non-canonical addresses never reach ipset', async () => {
    const e = enforcer();
    await e.init();
    warnings.length = 0;
    await e.apply([{ op: 'ban', ip: ip('127.0.0.1'), until: null }, { op: 'ban', ip: ip(pair.pbx6), until: null }], Date.now());
    expect(warnings.join()).toMatch(/127\.0\.0\.1.*fd77:5757::1/);
    await expect(e.apply([{ op: 'ban', ip: ip('203.0.113.1'), until: null }, { op: 'ban', ip: '203.0.113.2\nflush' as IpAddress, until: null }], Date.now())).rejects.toThrow(/non-canonical/);
    await expect(e.apply([{ op: 'ban', ip: '10.79.1.2/24' as Cidr, until: null }], Date.now())).rejects.toThrow(/non-canonical/);
    warnings.length = 0;
    await e.apply([{ op: 'ban', ip: net('10.77.0.0/24'), until: null }, { op: 'ban', ip: net('fd77:5757::/64'), until: null }], Date.now()); // both hold the pbx itself
    expect(warnings.join()).toMatch(/10\.77\.0\.0\/24.*fd77:5757::\/64/);
    for (const set of ['sipwarden4', 'sipwarden6', 'sipwarden-net4', 'sipwarden-net6'] as const) expect((await held(set)).size, set).toBe(0);
  });

  it('the seen sets record senders to the watched ports, banned or not', async () => {
    const e = enforcer({ seenPorts: [5060] });
    const [a, b, c] = pair.attacker4 as [string, string, string];
    await e.init();
    await e.apply([{ op: 'ban', ip: ip(c), until: null }], Date.now());
    await udpArrives(pair, udp, a, pair.pbx4, 5060);
    await udpArrives(pair, udp, b, pair.pbx4, 9999);
    await udpArrives(pair, udp, c, pair.pbx4, 5060);
    await udpArrives(pair, udp, pair.attacker6[0] as string, pair.pbx6, 5060);
    expect(await e.seen(ip(a))).toBe(true);
    expect(await e.seen(ip(b))).toBe(false);
    expect(await e.seen(ip(c))).toBe(true);
    expect(await e.seen(ip('10.77.0.99'))).toBe(false);
    expect(await e.seen(ip(pair.attacker6[0] as string))).toBe(true);
    expect(await e.seen(ip(pair.attacker6[2] as string))).toBe(false);
  });

  it('close with keepBans leaves the bans enforced', async () => {
    const e = enforcer();
    const [a] = pair.attacker4 as [string];
    await e.init();
    await e.apply([{ op: 'ban', ip: ip(a), until: null }], Date.now());
    await e.close({ keepBans: true });
    expect(await udpArrives(pair, udp, a, pair.pbx4, 9999)).toBe(false);
  });

  it('a /24 ban blocks an address of it that was never banned alone, and an IPv6 /64 likewise; the release restores them', async () => {
    const e = enforcer();
    await e.init();
    expect(await udpArrives(pair, udp, IN4[1], pair.pbx4, 9999)).toBe(true);
    await e.apply([{ op: 'ban', ip: net(NET4), until: null }, { op: 'ban', ip: net(NET6), until: Date.now() + 3_600_000 }], Date.now());
    expect(await held('sipwarden-net4')).toEqual(new Map([[NET4, null]]));
    expect((await held('sipwarden-net6')).get(NET6)).toBeGreaterThan(3590);
    expect(await held('sipwarden4')).toEqual(new Map());
    expect(await udpArrives(pair, udp, IN4[1], pair.pbx4, 9999)).toBe(false);
    expect(await udpArrives(pair, udp, IN6[1], pair.pbx6, 5060)).toBe(false);
    expect(await udpArrives(pair, udp, pair.attacker4[0] as string, pair.pbx4, 9999)).toBe(true);
    expect(await udpArrives(pair, udp, pair.attacker6[0] as string, pair.pbx6, 9999)).toBe(true);
    await e.apply([{ op: 'unban', ip: net(NET4) }, { op: 'unban', ip: net(NET6) }, { op: 'unban', ip: net('198.51.100.0/24') }], Date.now());
    expect(await udpArrives(pair, udp, IN4[1], pair.pbx4, 9999)).toBe(true);
    expect(await udpArrives(pair, udp, IN6[1], pair.pbx6, 5060)).toBe(true);
  });

  it('nested networks and an address inside them are separate elements: each release lifts only its own', async () => {
    const e = enforcer();
    const now = Date.now();
    await e.init();
    await e.apply([{ op: 'ban', ip: net('10.79.0.0/16'), until: null }, { op: 'ban', ip: net(NET4), until: now + 600_000 }, { op: 'ban', ip: ip(IN4[0]), until: null }], now);
    expect([...(await held('sipwarden-net4')).keys()].sort()).toEqual(['10.79.0.0/16', NET4]);
    await e.apply([{ op: 'unban', ip: net('10.79.0.0/16') }], now);
    expect(await udpArrives(pair, udp, IN4[1], pair.pbx4, 9999)).toBe(false); // the /24 still holds it
    await e.apply([{ op: 'unban', ip: net(NET4) }], now);
    expect(await udpArrives(pair, udp, IN4[1], pair.pbx4, 9999)).toBe(true);
    expect(await udpArrives(pair, udp, IN4[0], pair.pbx4, 9999)).toBe(false); // banned on its own
  });

  it('reconcile brings network bans back after a restart (sets gone, a crashed run\'s temporary left over)', async () => {
    const now = Date.now();
    const before = enforcer();
    await before.init();
    await before.apply([{ op: 'ban', ip: net(NET4), until: null }, { op: 'ban', ip: net('10.80.0.0/16'), until: null }], now);
    // The kernel forgets everything (a reboot), except a crashed reconcile's temporary.
    await before.close({ keepBans: false });
    await must(pair.pbx, 'ipset', ['create', 'sipwarden-net4-new', 'hash:net', 'timeout', '0']);
    expect(await udpArrives(pair, udp, IN4[1], pair.pbx4, 9999)).toBe(true);
    const after = enforcer();
    await after.init();
    await after.reconcile([{ ip: net(NET4), until: now + 600_000 }, { ip: net(NET6), until: null }, { ip: ip(IN4[0]), until: null }], now);
    expect([...(await held('sipwarden-net4')).keys()]).toEqual([NET4]);
    expect([...(await held('sipwarden-net6')).keys()]).toEqual([NET6]);
    expect([...(await held('sipwarden4')).keys()]).toEqual([IN4[0]]);
    expect(await must(pair.pbx, 'ipset', ['list', '-n'])).not.toMatch(/-new/);
    expect(await udpArrives(pair, udp, IN4[1], pair.pbx4, 9999)).toBe(false);
    expect(await udpArrives(pair, udp, IN6[1], pair.pbx6, 9999)).toBe(false);
    expect(await udpArrives(pair, udp, pair.attacker4[0] as string, pair.pbx4, 9999)).toBe(true);
    // A second reconcile (the store changed while running) swaps the network out again.
    await after.reconcile([{ ip: net('10.80.0.0/16'), until: null }], now);
    expect([...(await held('sipwarden-net4')).keys()]).toEqual(['10.80.0.0/16']);
    expect(await udpArrives(pair, udp, IN4[1], pair.pbx4, 9999)).toBe(true);
  });

  it('init upgrades an install of the previous version (no net sets), keeping its bans and its one INPUT jump', async () => {
    const old = ['create sipwarden4 hash:ip family inet timeout 0 maxelem 4194304', 'create sipwarden-seen4 hash:ip family inet timeout 600 maxelem 262144',
      'create sipwarden6 hash:ip family inet6 timeout 0 maxelem 4194304', 'create sipwarden-seen6 hash:ip family inet6 timeout 600 maxelem 262144', `add sipwarden4 ${IN4[0]} timeout 0`];
    await must(pair.pbx, 'ipset', ['-exist', 'restore'], old.join('\n') + '\n');
    for (const [tool, f] of [['iptables-restore', 4], ['ip6tables-restore', 6]] as const) {
      const chain = ['*filter', ':SIPWARDEN - [0:0]', `-A SIPWARDEN -p udp -m multiport --dports 4569,5060,5061 -j SET --add-set sipwarden-seen${f} src --exist --timeout 600`,
        `-A SIPWARDEN -m set --match-set sipwarden${f} src -j DROP`, '-I INPUT 1 -j SIPWARDEN', 'COMMIT'];
      await must(pair.pbx, tool, ['-w', '--noflush'], chain.join('\n') + '\n');
    }
    const e = enforcer();
    await e.init();
    const rules = await must(pair.pbx, 'iptables', ['-S']);
    expect(rules.match(/-j SIPWARDEN/g)).toHaveLength(1);
    expect(rules).toContain('-A SIPWARDEN -m set --match-set sipwarden-net4 src -j DROP');
    expect(await held('sipwarden4')).toEqual(new Map([[IN4[0], null]]));
    expect(await udpArrives(pair, udp, IN4[0], pair.pbx4, 9999)).toBe(false);
    await e.apply([{ op: 'ban', ip: net(NET4), until: null }], Date.now());
    expect(await udpArrives(pair, udp, IN4[1], pair.pbx4, 9999)).toBe(false);
  });

  it('fails with one line naming the fix', async () => {
    await expect(enforcer({ binDir: '/nonexistent' }).init()).rejects.toThrow(/^ipset not found at \/nonexistent\/ipset — install it: apt-get install ipset$/);
    await expect(IpsetEnforcer.probe({ binDir: '/nonexistent', netns: pair.pbx })).rejects.toThrow(/ipset not found/);
    await expect(enforcer({ netns: `${pair.pbx}-missing` }).init()).rejects.toThrow(/does not exist — create it/);
    const dir = (await must(null, 'mktemp', ['-d'])).trim();
    try {
      for (const tool of ['ipset', 'iptables', 'ip6tables', 'iptables-restore', 'ip6tables-restore']) {
        const body = `#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all ${tool} "$@"\n`;
        await must(null, 'sh', ['-c', `cat > ${dir}/${tool} && chmod 755 ${dir}/${tool}`], body);
      }
      await expect(enforcer({ binDir: dir }).init()).rejects.toThrow(/^ipset: permission denied .* — run sipwarden as root/);
      await expect(IpsetEnforcer.probe({ binDir: dir, netns: pair.pbx })).rejects.toThrow(/permission denied/);
    } finally {
      await exec(null, 'rm', ['-rf', dir]);
    }
  });
});
