/**
 * The nftables backend against the real kernel, inside network namespaces this file
 * makes (root only; nothing is skipped). A ban must make a real datagram from the
 * attacker namespace stop arriving, and nothing outside `table inet sipwarden` may
 * change. The timed-ban tests wait 3 s and 2 s for the kernel to expire elements: the
 * file takes about 35 s.
 *
 * Network bans: the attacker namespace also holds two addresses of 10.79.1.0/24 and
 * two of fd79:1::/64 (networks without the pbx's own address), so a network ban can be
 * seen to block an address of it that was never banned on its own.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseBanTarget, parseIp, type Cidr, type IpAddress } from '../../../src/domain/ip.js';
import { compileZones } from '../../../src/engine/zones.js';
import { NftablesEnforcer, type NftablesOptions } from '../../../src/enforcers/nftables.js';
import { addAttackerAddresses, createNsPair, exec, must, startUdpListener, udpArrives, type NsPair, type UdpListener } from '../../support/netns.js';

const ip = (s: string) => parseIp(s) as IpAddress;
const net = (s: string) => parseBanTarget(s) as Cidr;
const NET4 = '10.79.1.0/24';
const IN4 = ['10.79.1.2', '10.79.1.3'] as const;
const NET6 = 'fd79:1::/64';
const IN6 = ['fd79:1::2', 'fd79:1::3'] as const;
const warnings: string[] = [];
const log = { info: () => undefined, warn: (o: object) => void warnings.push(JSON.stringify(o)) };
const CANARY = `table inet sw_canary {
  set keep { type ipv4_addr; elements = { 192.0.2.7 } }
  chain c { type filter hook input priority 0; policy accept; ip saddr @keep accept; }
}
`;

let pair: NsPair;
let udp: UdpListener;
let canaryBefore: string;
const tmpDirs: string[] = [];

beforeAll(async () => {
  pair = await createNsPair('nft');
  await addAttackerAddresses(pair, [...IN4, ...IN6]);
  await must(pair.pbx, 'nft', ['-f', '-'], CANARY);
  canaryBefore = await must(pair.pbx, 'nft', ['list', 'table', 'inet', 'sw_canary']);
  udp = await startUdpListener(pair.pbx, [5060, 9999]);
}, 20_000);

afterAll(async () => {
  await udp?.close();
  await pair?.remove();
  for (const d of tmpDirs) await exec(null, 'rm', ['-rf', d]);
});

afterEach(async () => {
  await exec(pair.pbx, 'nft', ['delete', 'table', 'inet', 'sipwarden']);
});

function enforcer(extra: Partial<NftablesOptions> = {}): NftablesEnforcer {
  const zoneOf = compileZones({ internal: [], trusted: [], hostAddresses: [ip(pair.pbx4), ip(pair.pbx6)] });
  return new NftablesEnforcer({ zoneOf, log, netns: pair.pbx, ...extra });
}

type JsonVal = string | { prefix: { addr: string; len: number } };
type JsonElem = JsonVal | { elem: { val: JsonVal; timeout?: number } };
/** A ban set as the kernel reports it: address or network -> timeout in seconds, or null if permanent. */
async function held(set: 'ban4' | 'ban6' | 'net4' | 'net6'): Promise<Map<string, number | null>> {
  const out = JSON.parse(await must(pair.pbx, 'nft', ['-j', 'list', 'set', 'inet', 'sipwarden', set])) as { nftables: Array<{ set?: { elem?: JsonElem[] } }> };
  const elems = out.nftables.find((x) => x.set)?.set?.elem ?? [];
  const text = (v: JsonVal) => (typeof v === 'string' ? v : `${v.prefix.addr}/${v.prefix.len}`);
  return new Map(elems.map((e) => (typeof e === 'object' && 'elem' in e ? [text(e.elem.val), e.elem.timeout ?? null] : [text(e), null])));
}

describe('nftables enforcer (real kernel, network namespaces)', () => {
  it('a ban stops the attacker\'s IPv4 datagrams; the unban lets them through again', async () => {
    const e = enforcer();
    const [a] = pair.attacker4 as [string];
    await e.init();
    expect(await udpArrives(pair, udp, a, pair.pbx4, 9999)).toBe(true);
    await e.apply([{ op: 'ban', ip: ip(a), until: null }], Date.now());
    expect(await udpArrives(pair, udp, a, pair.pbx4, 9999)).toBe(false);
    await e.apply([{ op: 'unban', ip: ip(a) }], Date.now());
    expect(await udpArrives(pair, udp, a, pair.pbx4, 9999)).toBe(true);
  });

  it('the same over IPv6', async () => {
    const e = enforcer();
    const [a] = pair.attacker6 as [string];
    await e.init();
    expect(await udpArrives(pair, udp, a, pair.pbx6, 5060)).toBe(true);
    await e.apply([{ op: 'ban', ip: ip(a), until: Date.now() + 3_600_000 }], Date.now());
    expect(await udpArrives(pair, udp, a, pair.pbx6, 5060)).toBe(false);
    expect(await udpArrives(pair, udp, pair.attacker6[1] as string, pair.pbx6, 5060)).toBe(true);
    await e.apply([{ op: 'unban', ip: ip(a) }], Date.now());
    expect(await udpArrives(pair, udp, a, pair.pbx6, 5060)).toBe(true);
  });

  it('a permanent ban has no timeout; a timed one has its remaining time; re-banning replaces it', async () => {
    const e = enforcer();
    const [a, b] = pair.attacker4 as [string, string];
    const now = Date.now();
    await e.init();
    await e.apply([{ op: 'ban', ip: ip(a), until: null }, { op: 'ban', ip: ip(b), until: now + 3_600_000 }], now);
    expect(await held('ban4')).toEqual(new Map([[a, null], [b, 3600]]));
    // permanent -> timed and timed -> permanent, plus an unban of an absent address, in one batch
    await e.apply([{ op: 'ban', ip: ip(a), until: now + 60_000 }, { op: 'ban', ip: ip(b), until: null }, { op: 'unban', ip: ip('203.0.113.9') }], now);
    expect(await held('ban4')).toEqual(new Map([[a, 60], [b, null]]));
  });

  it('a timed ban expires in the kernel by itself', async () => {
    const e = enforcer();
    const [a] = pair.attacker4 as [string];
    await e.init();
    await e.apply([{ op: 'ban', ip: ip(a), until: Date.now() + 2_000 }], Date.now());
    expect(await udpArrives(pair, udp, a, pair.pbx4, 9999)).toBe(false);
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await held('ban4')).size).toBe(0);
    expect(await udpArrives(pair, udp, a, pair.pbx4, 9999)).toBe(true);
  });

  it('scope sip drops the SIP ports only', async () => {
    const e = enforcer({ scope: 'sip' });
    const [a] = pair.attacker4 as [string];
    await e.init();
    await e.apply([{ op: 'ban', ip: ip(a), until: null }, { op: 'ban', ip: ip(pair.attacker6[0] as string), until: null }], Date.now());
    expect(await udpArrives(pair, udp, a, pair.pbx4, 5060)).toBe(false);
    expect(await udpArrives(pair, udp, a, pair.pbx4, 9999)).toBe(true);
    expect(await udpArrives(pair, udp, pair.attacker6[0] as string, pair.pbx6, 5060)).toBe(false);
    expect(await udpArrives(pair, udp, pair.attacker6[0] as string, pair.pbx6, 9999)).toBe(true);
    await e.apply([{ op: 'ban', ip: net(NET6), until: null }], Date.now());
    expect(await udpArrives(pair, udp, IN6[1], pair.pbx6, 5060)).toBe(false);
    expect(await udpArrives(pair, udp, IN6[1], pair.pbx6, 9999)).toBe(true);
  });

  it('reconcile makes the sets hold exactly the stored bans, in one nft run', async () => {
    const calls = await countingNft();
    const e = enforcer({ nftPath: calls.path });
    const [a, b, c] = pair.attacker4 as [string, string, string];
    const now = Date.now();
    await e.init();
    await e.apply([{ op: 'ban', ip: ip(a), until: null }, { op: 'ban', ip: ip(b), until: null }, { op: 'ban', ip: ip(pair.attacker6[0] as string), until: null }], now);
    const before = await calls.count();
    await e.reconcile([{ ip: ip(b), until: now + 600_000 }, { ip: ip(c), until: null }, { ip: ip('203.0.113.5'), until: now - 1 }, { ip: ip(pair.attacker6[1] as string), until: null }], now);
    expect(await calls.count()).toBe(before + 1);
    expect(await held('ban4')).toEqual(new Map([[b, 600], [c, null]]));
    expect(await held('ban6')).toEqual(new Map([[pair.attacker6[1] as string, null]]));
    expect(await udpArrives(pair, udp, a, pair.pbx4, 9999)).toBe(true);
    expect(await udpArrives(pair, udp, c, pair.pbx4, 9999)).toBe(false);
  });

  it('a reconcile that meets a bad address half-way applies nothing (streamed, then aborted)', async () => {
    const e = enforcer();
    const [a] = pair.attacker4 as [string];
    await e.init();
    await e.apply([{ op: 'ban', ip: ip(a), until: null }], Date.now());
    const many = Array.from({ length: 25_000 }, (_, i) => ({ ip: ip(`198.18.${i >> 8}.${i & 255}`), until: null }));
    many.splice(20_000, 0, { ip: '198.19.0.1 }\nflush ruleset' as IpAddress, until: null }); // after two full chunks were handed to nft
    await expect(e.reconcile(many, Date.now())).rejects.toThrow(/non-canonical/);
    expect(await held('ban4')).toEqual(new Map([[a, null]]));
    expect(await udpArrives(pair, udp, a, pair.pbx4, 9999)).toBe(false);
    expect(await must(pair.pbx, 'nft', ['list', 'table', 'inet', 'sw_canary'])).toBe(canaryBefore);
  });

  it('after a reconcile: new addresses get a plain add, held ones are still replaced, expired ones re-banned', async () => {
    const e = enforcer();
    const [a, b, c] = pair.attacker4 as [string, string, string];
    let now = Date.now();
    await e.init();
    await e.reconcile([{ ip: ip(a), until: now + 3_600_000 }, { ip: ip(c), until: now + 1_000 }], now);
    await e.apply([{ op: 'ban', ip: ip(a), until: null }, { op: 'ban', ip: ip(b), until: now + 600_000 }], now);
    expect((await held('ban4')).get(a)).toBeNull();
    expect((await held('ban4')).get(b)).toBe(600);
    await new Promise((r) => setTimeout(r, 2_000)); // c's ban ends in the kernel
    now = Date.now();
    expect((await held('ban4')).has(c)).toBe(false);
    await e.apply([{ op: 'ban', ip: ip(c), until: now + 60_000 }, { op: 'ban', ip: ip(b), until: now + 120_000 }], now);
    expect(await held('ban4')).toEqual(new Map([[a, null], [b, 120], [c, 60]]));
    expect(await udpArrives(pair, udp, c, pair.pbx4, 9999)).toBe(false);
  });

  it('init twice does not duplicate rules, and an unknown table name is refused', async () => {
    const e = enforcer();
    await e.init();
    const once = await must(pair.pbx, 'nft', ['list', 'chain', 'inet', 'sipwarden', 'input']);
    await e.init();
    await enforcer().init();
    expect(await must(pair.pbx, 'nft', ['list', 'chain', 'inet', 'sipwarden', 'input'])).toBe(once);
    expect(once.match(/drop|update/g)).toHaveLength(6);
    expect(() => enforcer({ table: 'x; flush ruleset' })).toThrow(/not a valid name/);
  });

  it('guard: protected and non-canonical addresses never reach nft', async () => {
    const e = enforcer();
    await e.init();
    warnings.length = 0;
    await e.apply([{ op: 'ban', ip: ip('127.0.0.1'), until: null }, { op: 'ban', ip: ip(pair.pbx4), until: null }, { op: 'ban', ip: ip('::1'), until: null }], Date.now());
    expect(warnings.join()).toMatch(/127\.0\.0\.1.*10\.77\.0\.1.*::1/);
    warnings.length = 0;
    await e.apply([{ op: 'ban', ip: net('10.77.0.0/24'), until: null }, { op: 'ban', ip: net('fd77:5757::/64'), until: null }], Date.now()); // both hold the pbx itself
    expect(warnings.join()).toMatch(/10\.77\.0\.0\/24.*fd77:5757::\/64/);
    expect(await udpArrives(pair, udp, pair.attacker4[0] as string, pair.pbx4, 9999)).toBe(true);
    await expect(e.apply([{ op: 'ban', ip: '10.79.1.2/24' as Cidr, until: null }], Date.now())).rejects.toThrow(/non-canonical/);
    const sneaky = [{ op: 'ban' as const, ip: ip('203.0.113.1'), until: null }, { op: 'ban' as const, ip: '203.0.113.2 }; flush ruleset; #' as IpAddress, until: null }];
    await expect(e.apply(sneaky, Date.now())).rejects.toThrow(/non-canonical/);
    await expect(e.reconcile([{ ip: '2001:DB8::1' as IpAddress, until: null }], Date.now())).rejects.toThrow(/non-canonical/);
    for (const set of ['ban4', 'ban6', 'net4', 'net6'] as const) expect((await held(set)).size, set).toBe(0);
    await expect(e.seen('10.77.0.2 }' as IpAddress)).rejects.toThrow(/non-canonical/);
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
    expect(await e.seen(ip(b))).toBe(false); // sent, but not to a watched port
    expect(await e.seen(ip(c))).toBe(true); // dropped, still recorded
    expect(await e.seen(ip('10.77.0.99'))).toBe(false);
    expect(await e.seen(ip(pair.attacker6[0] as string))).toBe(true);
    expect(await e.seen(ip(pair.attacker6[2] as string))).toBe(false);
  });

  it('bans only a seen sender in the one transaction that checks it; requests that wait go together, an unseen one is answered apart', async () => {
    const e = enforcer({ seenPorts: [5060] });
    const [a, b, c] = pair.attacker4 as [string, string, string];
    await e.init();
    await e.reconcile([], Date.now());
    await udpArrives(pair, udp, a, pair.pbx4, 5060);
    await udpArrives(pair, udp, c, pair.pbx4, 5060);
    const now = Date.now();
    // Three at once share one transaction, which fails at b's check (b never sent to 5060,
    // nothing is applied) and is run again for a and c.
    const answers = await Promise.all([e.banIfSeen(ip(a), now + 3_600_000, now), e.banIfSeen(ip(b), now + 3_600_000, now), e.banIfSeen(ip(c), null, now)]);
    expect(answers).toEqual([true, false, true]);
    const ban4 = await held('ban4');
    expect([...ban4.keys()].sort()).toEqual([a, c].sort());
    expect(await udpArrives(pair, udp, a, pair.pbx4, 9999)).toBe(false);
    expect(await udpArrives(pair, udp, b, pair.pbx4, 9999)).toBe(true);
    expect(await e.seen(ip(a))).toBe(true); // still recorded as a sender after the check
    // Banned again with a longer end (already in the set): the check and the new timeout in one go.
    expect(await e.banIfSeen(ip(a), null, Date.now())).toBe(true);
    expect((await held('ban4')).get(a)).toBeNull();
    await expect(e.banIfSeen('10.77.0.2 }' as IpAddress, null, Date.now())).rejects.toThrow(/non-canonical/);
  });

  it('close keeps the bans in the kernel, or removes only its own table', async () => {
    const e = enforcer();
    const [a] = pair.attacker4 as [string];
    await e.init();
    await e.apply([{ op: 'ban', ip: ip(a), until: null }], Date.now());
    await e.reconcile([{ ip: ip(a), until: null }], Date.now());
    await e.close({ keepBans: true });
    expect(await udpArrives(pair, udp, a, pair.pbx4, 9999)).toBe(false);
    await enforcer().close({ keepBans: false });
    expect(await udpArrives(pair, udp, a, pair.pbx4, 9999)).toBe(true);
    expect(await must(pair.pbx, 'nft', ['list', 'tables'])).toBe('table inet sw_canary\n');
    expect(await must(pair.pbx, 'nft', ['list', 'table', 'inet', 'sw_canary'])).toBe(canaryBefore);
    await enforcer().close({ keepBans: false }); // absent table: still fine
  });

  it('fails with one line naming the fix: no nft, not root, no namespace', async () => {
    await expect(enforcer({ nftPath: '/nonexistent/nft' }).init()).rejects.toThrow(/^nft not found at \/nonexistent\/nft — install it: apt-get install nftables$/);
    const nobody = await wrapper('exec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all nft "$@"');
    await expect(enforcer({ nftPath: nobody }).init()).rejects.toThrow(/^nft: permission denied .* — run sipwarden as root/);
    await expect(NftablesEnforcer.probe({ nftPath: nobody, netns: pair.pbx })).rejects.toThrow(/permission denied/);
    await expect(enforcer({ netns: `${pair.pbx}-missing` }).init()).rejects.toThrow(/does not exist — create it/);
  });
});

describe('nftables enforcer: network bans (real kernel, network namespaces)', () => {
  it('a /24 ban blocks an address of it that was never banned alone; an address outside passes; the release restores it', async () => {
    const e = enforcer();
    await e.init();
    expect(await udpArrives(pair, udp, IN4[1], pair.pbx4, 9999)).toBe(true);
    await e.apply([{ op: 'ban', ip: net(NET4), until: null }], Date.now());
    expect(await held('net4')).toEqual(new Map([[NET4, null]]));
    expect(await held('ban4')).toEqual(new Map());
    expect(await udpArrives(pair, udp, IN4[1], pair.pbx4, 9999)).toBe(false);
    expect(await udpArrives(pair, udp, IN4[0], pair.pbx4, 5060)).toBe(false);
    expect(await udpArrives(pair, udp, pair.attacker4[0] as string, pair.pbx4, 9999)).toBe(true);
    await e.apply([{ op: 'unban', ip: net(NET4) }, { op: 'unban', ip: net('198.51.100.0/24') }], Date.now()); // the second one is absent: fine
    expect(await held('net4')).toEqual(new Map());
    expect(await udpArrives(pair, udp, IN4[1], pair.pbx4, 9999)).toBe(true);
  });

  it('the same for an IPv6 /64, timed', async () => {
    const e = enforcer();
    await e.init();
    expect(await udpArrives(pair, udp, IN6[1], pair.pbx6, 9999)).toBe(true);
    await e.apply([{ op: 'ban', ip: net(NET6), until: Date.now() + 3_600_000 }], Date.now());
    expect(await held('net6')).toEqual(new Map([[NET6, 3600]]));
    expect(await udpArrives(pair, udp, IN6[1], pair.pbx6, 9999)).toBe(false);
    expect(await udpArrives(pair, udp, pair.attacker6[0] as string, pair.pbx6, 9999)).toBe(true);
    await e.apply([{ op: 'unban', ip: net(NET6) }], Date.now());
    expect(await udpArrives(pair, udp, IN6[1], pair.pbx6, 9999)).toBe(true);
  });

  it('an address banned inside a banned network stays banned when the network is released', async () => {
    const e = enforcer();
    const now = Date.now();
    await e.init();
    await e.reconcile([], now);
    await e.apply([{ op: 'ban', ip: net(NET4), until: now + 600_000 }, { op: 'ban', ip: ip(IN4[0]), until: null }], now);
    // re-banning a held network replaces its timeout (add, delete, add in one transaction)
    await e.apply([{ op: 'ban', ip: net(NET4), until: now + 60_000 }], now);
    expect(await held('net4')).toEqual(new Map([[NET4, 60]]));
    await e.apply([{ op: 'unban', ip: net(NET4) }], Date.now());
    expect(await udpArrives(pair, udp, IN4[0], pair.pbx4, 9999)).toBe(false);
    expect(await udpArrives(pair, udp, IN4[1], pair.pbx4, 9999)).toBe(true);
  });

  it('overlapping networks: the set holds disjoint pieces, each blocked as long as its longest ban, and releasing one keeps the other', async () => {
    const e = enforcer();
    const now = Date.now();
    await e.init();
    await e.reconcile([], now);
    await e.apply([{ op: 'ban', ip: net('10.79.0.0/16'), until: now + 60_000 }], now);
    await e.apply([{ op: 'ban', ip: net(NET4), until: null }], now); // inside the /16, ends later: carved out
    const pieces = await held('net4');
    expect(pieces.get(NET4)).toBeNull();
    expect(pieces.get('10.79.0.0/24')).toBe(60);
    expect(pieces.get('10.79.128.0/17')).toBe(60);
    expect(pieces.size).toBe(9);
    expect(await udpArrives(pair, udp, IN4[1], pair.pbx4, 9999)).toBe(false);
    // The /16 permanent now: it absorbs the /24 ...
    await e.apply([{ op: 'ban', ip: net('10.79.0.0/16'), until: null }], now);
    expect(await held('net4')).toEqual(new Map([['10.79.0.0/16', null]]));
    // ... and releasing it leaves the /24, still banned on its own.
    await e.apply([{ op: 'unban', ip: net('10.79.0.0/16') }], now);
    expect(await held('net4')).toEqual(new Map([[NET4, null]]));
    expect(await udpArrives(pair, udp, IN4[1], pair.pbx4, 9999)).toBe(false);
    // An absent network overlapping a held one can be released too.
    await e.apply([{ op: 'unban', ip: net('10.79.1.128/25') }, { op: 'unban', ip: net(NET4) }], now);
    expect(await held('net4')).toEqual(new Map());
    expect(await udpArrives(pair, udp, IN4[1], pair.pbx4, 9999)).toBe(true);
  });

  it('reconcile brings network bans back after a restart: a new process, an emptied kernel, overlapping stored bans', async () => {
    const now = Date.now();
    const before = enforcer();
    await before.init();
    await before.reconcile([], now);
    await before.apply([{ op: 'ban', ip: net(NET4), until: null }, { op: 'ban', ip: net('10.80.0.0/16'), until: null }], now);
    await before.close({ keepBans: true });
    // The restarted daemon's store: the /24 inside a shorter /16, a /64, an address inside the /24; not 10.80.0.0/16 (released meanwhile).
    const stored = [
      { ip: net('10.79.0.0/16'), until: now + 120_000 },
      { ip: net(NET4), until: now + 600_000 },
      { ip: net(NET6), until: null },
      { ip: ip(IN4[0]), until: null },
    ];
    const after = enforcer();
    await after.init();
    await after.reconcile(stored, now);
    expect((await held('net4')).get(NET4)).toBe(600);
    expect((await held('net4')).has('10.80.0.0/16')).toBe(false);
    expect(await held('net6')).toEqual(new Map([[NET6, null]]));
    expect(await held('ban4')).toEqual(new Map([[IN4[0], null]]));
    // Simulated reboot: the kernel forgot everything.
    await exec(pair.pbx, 'nft', ['delete', 'table', 'inet', 'sipwarden']);
    expect(await udpArrives(pair, udp, IN4[1], pair.pbx4, 9999)).toBe(true);
    const rebooted = enforcer();
    await rebooted.init();
    await rebooted.reconcile(stored, now);
    expect(await udpArrives(pair, udp, IN4[1], pair.pbx4, 9999)).toBe(false);
    expect(await udpArrives(pair, udp, IN6[1], pair.pbx6, 9999)).toBe(false);
    expect(await udpArrives(pair, udp, pair.attacker4[0] as string, pair.pbx4, 9999)).toBe(true);
    // After the reconcile the enforcer knows what it holds: releasing the /16 keeps the /24 and the /64.
    await rebooted.apply([{ op: 'unban', ip: net('10.79.0.0/16') }], Date.now());
    const left = await held('net4');
    expect([...left.keys()]).toEqual([NET4]);
    expect(left.get(NET4)).toBeGreaterThan(590); // rewritten with the time it really has left
    expect(left.get(NET4)).toBeLessThanOrEqual(600);
  });

  it('init upgrades a table made by the previous version (no net sets), keeping its bans', async () => {
    const t = 'inet sipwarden';
    const old = [
      `add table ${t}`,
      `add set ${t} ban4 { type ipv4_addr; flags timeout; }`,
      `add set ${t} ban6 { type ipv6_addr; flags timeout; }`,
      `add chain ${t} input { type filter hook input priority -10; policy accept; }`,
      `add set ${t} seen4 { type ipv4_addr; flags dynamic,timeout; timeout 600s; size 262144; }`,
      `add set ${t} seen6 { type ipv6_addr; flags dynamic,timeout; timeout 600s; size 262144; }`,
      `add rule ${t} input meta l4proto { tcp, udp } th dport { 4569, 5060, 5061 } update @seen4 { ip saddr }`,
      `add rule ${t} input meta l4proto { tcp, udp } th dport { 4569, 5060, 5061 } update @seen6 { ip6 saddr }`,
      `add rule ${t} input ip saddr @ban4 drop`,
      `add rule ${t} input ip6 saddr @ban6 drop`,
      `add element ${t} ban4 { ${IN4[0]} }`,
    ].join('\n');
    await must(pair.pbx, 'nft', ['-f', '-'], old + '\n');
    const e = enforcer();
    await e.init();
    const chain = await must(pair.pbx, 'nft', ['list', 'chain', 'inet', 'sipwarden', 'input']);
    expect(chain.match(/drop|update/g)).toHaveLength(6);
    expect(chain).toMatch(/ip saddr @net4 drop/);
    expect(await held('ban4')).toEqual(new Map([[IN4[0], null]]));
    expect(await udpArrives(pair, udp, IN4[0], pair.pbx4, 9999)).toBe(false);
    await e.apply([{ op: 'ban', ip: net(NET4), until: null }], Date.now());
    expect(await udpArrives(pair, udp, IN4[1], pair.pbx4, 9999)).toBe(false);
  });
});

/** An nft wrapper that counts its invocations (to prove one transaction per reconcile). */
async function countingNft(): Promise<{ path: string; count(): Promise<number> }> {
  const dir = (await must(null, 'mktemp', ['-d'])).trim();
  tmpDirs.push(dir);
  const logFile = `${dir}/calls`;
  const path = await wrapper(`echo x >> ${logFile}; exec nft "$@"`);
  return { path, count: async () => (await exec(null, 'cat', [logFile])).stdout.split('\n').filter(Boolean).length };
}

async function wrapper(body: string): Promise<string> {
  const dir = (await must(null, 'mktemp', ['-d'])).trim();
  tmpDirs.push(dir);
  const path = `${dir}/nft`;
  await must(null, 'sh', ['-c', `cat > ${path} && chmod 755 ${path}`], `#!/bin/sh\n${body}\n`);
  return path;
}
