/**
 * The nftables backend against the real kernel, inside network namespaces this file
 * makes (root only; nothing is skipped). A ban must make a real datagram from the
 * attacker namespace stop arriving, and nothing outside `table inet sipwarden` may
 * change. The timed-ban tests wait 3 s and 2 s for the kernel to expire elements: the
 * file takes about 20 s.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseIp, type IpAddress } from '../../../src/domain/ip.js';
import { compileZones } from '../../../src/engine/zones.js';
import { NftablesEnforcer, type NftablesOptions } from '../../../src/enforcers/nftables.js';
import { createNsPair, exec, must, startUdpListener, udpArrives, type NsPair, type UdpListener } from '../../support/netns.js';

const ip = (s: string) => parseIp(s) as IpAddress;
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

interface JsonElem {
  elem?: { val: string; timeout?: number };
}
/** The ban set as the kernel reports it: address -> timeout in seconds, or null if permanent. */
async function held(set: 'ban4' | 'ban6'): Promise<Map<string, number | null>> {
  const out = JSON.parse(await must(pair.pbx, 'nft', ['-j', 'list', 'set', 'inet', 'sipwarden', set])) as { nftables: Array<{ set?: { elem?: Array<string | JsonElem> } }> };
  const elems = out.nftables.find((x) => x.set)?.set?.elem ?? [];
  return new Map(elems.map((e) => (typeof e === 'string' ? [e, null] : [e.elem?.val ?? '?', e.elem?.timeout ?? null])));
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
    expect(once.match(/drop|update/g)).toHaveLength(4);
    expect(() => enforcer({ table: 'x; flush ruleset' })).toThrow(/not a valid name/);
  });

  it('guard: protected and non-canonical addresses never reach nft', async () => {
    const e = enforcer();
    await e.init();
    warnings.length = 0;
    await e.apply([{ op: 'ban', ip: ip('127.0.0.1'), until: null }, { op: 'ban', ip: ip(pair.pbx4), until: null }, { op: 'ban', ip: ip('::1'), until: null }], Date.now());
    expect(warnings.join()).toMatch(/127\.0\.0\.1.*10\.77\.0\.1.*::1/);
    const sneaky = [{ op: 'ban' as const, ip: ip('203.0.113.1'), until: null }, { op: 'ban' as const, ip: '203.0.113.2 }; flush ruleset; #' as IpAddress, until: null }];
    await expect(e.apply(sneaky, Date.now())).rejects.toThrow(/non-canonical/);
    await expect(e.reconcile([{ ip: '2001:DB8::1' as IpAddress, until: null }], Date.now())).rejects.toThrow(/non-canonical/);
    expect((await held('ban4')).size).toBe(0);
    expect((await held('ban6')).size).toBe(0);
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
