import { describe, expect, it } from 'vitest';
import type { AuthFailed, AuthSucceeded } from '../domain/events.js';
import { parseCidr, parseIp, type Cidr, type IpAddress } from '../domain/ip.js';
import { Engine, type BanDecision, type PolicyInput, type RuleInput, type SubnetInput } from './index.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const POLICY: PolicyInput = {
  tiers: [{ failures: 2, within: H, ban: H }, { failures: 12, within: 24 * H, ban: null }],
  countReasons: ['wrong_password'],
  banInternal: false,
  protection: 'on',
  knownTiers: [{ failures: 10, within: H, ban: H }],
};
const SUBNETS: SubnetInput = { addresses: 5, within: 24 * H, ban: 24 * H, ipv4Prefix: 24, ipv6Prefix: 64 };
const cidrs = (...xs: string[]) => xs.map((c) => parseCidr(c) as Cidr);
const ip = (s: string) => parseIp(s) as IpAddress;

function engine(opts: { subnets?: SubnetInput; internal?: string[]; trusted?: string[]; learnFor?: number; protection?: 'on' | 'off'; dynamic?: string[] } = {}) {
  const rules: RuleInput = { subnets: 'subnets' in opts ? opts.subnets : SUBNETS, learnFor: opts.learnFor };
  const dyn = new Set((opts.dynamic ?? []).map(ip));
  return new Engine({ ...POLICY, protection: opts.protection ?? 'on' }, {
    internal: cidrs(...(opts.internal ?? ['192.168.0.0/16'])),
    trusted: cidrs(...(opts.trusted ?? [])),
    dynamicTrusted: { has: (a) => dyn.has(a), addresses: () => dyn },
  }, rules);
}

let n = 0;
const fail = (addr: string, at: number): AuthFailed => ({
  kind: 'auth_failed', reason: 'wrong_password', detail: '', at, service: 'PJSIP', ip: ip(addr), port: 5060, account: '100',
  session: `s${++n}`, signature: 'security-log', decoys: [], evidence: { source: 'security', line: n, text: '' },
});
const ok = (addr: string, at: number): AuthSucceeded => ({ ...fail(addr, at), kind: 'auth_succeeded' }) as unknown as AuthSucceeded;

/** Attacks from `addr` until the tiers ban it, then reports the ban as enforced (what the pipeline does). */
function banViaPolicy(e: Engine, addr: string, at: number): { decision: BanDecision | null; spared: { net: Cidr; why: string } | null } {
  e.handle(fail(addr, at));
  const d = e.handle(fail(addr, at + 1000)).verdict?.decision;
  expect(d, `${addr} is banned by the tiers`).toBeTruthy();
  return e.escalate(ip(addr), at + 1000);
}

describe('subnet escalation', () => {
  it('bans the /24 when its fifth address is banned, not before, and says why', () => {
    const e = engine();
    for (let i = 1; i <= 4; i++) expect(banViaPolicy(e, `203.0.113.${i}`, T0 + i * 60_000).decision).toBeNull();
    const { decision } = banViaPolicy(e, '203.0.113.200', T0 + 10 * 60_000);
    expect(decision).toMatchObject({ ip: '203.0.113.0/24', tier: 0, failures: 5, until: T0 + 10 * 60_000 + 1000 + 24 * H });
    expect(decision?.reason).toBe('subnet-escalation: 5 addresses of 203.0.113.0/24 banned within 1d');
    expect(e.activeBan(parseCidr('203.0.113.0/24') as Cidr, T0 + 2 * H)).toEqual({ until: decision?.until, tier: 0 });
    expect(e.coveringBan(ip('203.0.113.77'), T0 + 2 * H)).toBe('203.0.113.0/24');
    expect(e.coveringBan(ip('203.0.114.77'), T0 + 2 * H)).toBeNull();
  });

  it('counts only bans inside the window, and each address once', () => {
    const e = engine();
    banViaPolicy(e, '198.51.100.1', T0);
    for (let i = 2; i <= 4; i++) banViaPolicy(e, `198.51.100.${i}`, T0 + 25 * H);
    // The same address banned again (its ban ended, it came back) is still one address.
    expect(banViaPolicy(e, '198.51.100.4', T0 + 27 * H).decision).toBeNull();
    expect(banViaPolicy(e, '198.51.100.5', T0 + 28 * H).decision).toBeNull(); // .1 fell out of the 24 h window: 4 in it
    expect(banViaPolicy(e, '198.51.100.6', T0 + 29 * H).decision?.ip).toBe('198.51.100.0/24');
  });

  it('extends the network ban with every later ban of one of its addresses, and honours a permanent length', () => {
    const e = engine();
    for (let i = 1; i <= 5; i++) banViaPolicy(e, `203.0.113.${i}`, T0);
    const later = banViaPolicy(e, '203.0.113.6', T0 + 5 * H).decision;
    expect(later).toMatchObject({ ip: '203.0.113.0/24', until: T0 + 5 * H + 1000 + 24 * H, failures: 6 });
    const forever = engine({ subnets: { ...SUBNETS, ban: null } });
    for (let i = 1; i <= 4; i++) banViaPolicy(forever, `203.0.113.${i}`, T0);
    expect(banViaPolicy(forever, '203.0.113.5', T0).decision?.until).toBeNull();
    expect(banViaPolicy(forever, '203.0.113.6', T0 + H).decision).toBeNull(); // already banned for good
  });

  it('never bans a network that overlaps internal, trusted or never-ban space, and says so once', () => {
    const cases: Array<[ReturnType<typeof engine>, string, RegExp]> = [
      [engine({ internal: ['203.0.113.128/25'] }), '203.0.113', /overlaps internal networks/],
      [engine({ trusted: ['203.0.113.250'] }), '203.0.113', /overlaps trusted networks/],
      [engine({ dynamic: ['203.0.113.251'] }), '203.0.113', /overlaps trusted networks/],
    ];
    for (const [e, prefix, why] of cases) {
      for (let i = 1; i <= 4; i++) banViaPolicy(e, `${prefix}.${i}`, T0);
      const fifth = banViaPolicy(e, `${prefix}.5`, T0);
      expect(fifth.decision).toBeNull();
      expect(fifth.spared?.why).toMatch(why);
      expect(banViaPolicy(e, `${prefix}.6`, T0).spared).toBeNull(); // said once
    }
  });

  it('never bans a network holding an address that logged in successfully (learned trust)', () => {
    const e = engine({ learnFor: 7 * 24 * H });
    e.handle(ok('203.0.113.99', T0 - H)); // the office's phone, behind the same provider's /24
    for (let i = 1; i <= 4; i++) banViaPolicy(e, `203.0.113.${i}`, T0);
    const fifth = banViaPolicy(e, '203.0.113.5', T0);
    expect(fifth.decision).toBeNull();
    expect(fifth.spared?.why).toContain('203.0.113.99');
  });

  it('bans an IPv6 /64 whose rotating addresses share one failure window', () => {
    const e = engine();
    const at = T0;
    // Two failures from the /64 fill its shared window: from then on each new address is banned at its first failure.
    e.handle(fail('2001:db8:7:7::1', at));
    const decisions: Array<BanDecision | null> = [];
    for (let i = 2; i <= 6; i++) {
      const v = e.handle(fail(`2001:db8:7:7::${i.toString(16)}`, at + i * 1000)).verdict;
      expect(v?.action).toBe('banned');
      decisions.push(e.escalate(v!.decision!.ip as IpAddress, at + i * 1000).decision);
    }
    expect(decisions.slice(0, 4)).toEqual([null, null, null, null]);
    expect(decisions[4]?.ip).toBe('2001:db8:7:7::/64');
  });

  it('starts afresh after a person releases the network; a released address no longer counts', () => {
    const e = engine();
    for (let i = 1; i <= 5; i++) banViaPolicy(e, `203.0.113.${i}`, T0);
    expect(e.release(parseCidr('203.0.113.0/24') as Cidr, T0 + H)).toBe(true);
    expect(e.coveringBan(ip('203.0.113.1'), T0 + H)).toBeNull();
    for (let i = 11; i <= 14; i++) banViaPolicy(e, `203.0.113.${i}`, T0 + 2 * H);
    e.release(ip('203.0.113.14'), T0 + 2 * H); // a false positive, released by a person
    expect(banViaPolicy(e, '203.0.113.15', T0 + 3 * H).decision).toBeNull();
    expect(banViaPolicy(e, '203.0.113.16', T0 + 3 * H).decision?.ip).toBe('203.0.113.0/24');
  });

  it('drops its counts when the network size changes (they name other networks), keeps them when only the numbers change', () => {
    const e = engine();
    for (let i = 1; i <= 4; i++) banViaPolicy(e, `203.0.113.${i}`, T0);
    e.subnets.setInput({ ...SUBNETS, ban: H }); // same networks: the four still count
    expect(banViaPolicy(e, '203.0.113.5', T0).decision).toMatchObject({ ip: '203.0.113.0/24', until: T0 + 1000 + H });
    const f = engine();
    for (let i = 1; i <= 4; i++) banViaPolicy(f, `203.0.113.${i}`, T0);
    f.subnets.setInput({ ...SUBNETS, ipv4Prefix: 22 });
    expect(banViaPolicy(f, '203.0.113.5', T0).decision).toBeNull();
    expect(f.subnets.networkOf(ip('203.0.113.5'))).toBe('203.0.112.0/22');
  });

  it('does nothing when escalation is off or protection is off', () => {
    for (const e of [engine({ subnets: undefined }), engine({ protection: 'off' })]) {
      for (let i = 1; i <= 8; i++) {
        e.handle(fail(`203.0.113.${i}`, T0));
        e.handle(fail(`203.0.113.${i}`, T0 + 1000));
        expect(e.escalate(ip(`203.0.113.${i}`), T0 + 1000)).toEqual({ decision: null, spared: null });
      }
    }
  });

  it('restores its counts after a restart and forgets them once outside the window', () => {
    const e = engine();
    for (let i = 1; i <= 4; i++) e.subnets.restoreMember(ip(`203.0.113.${i}`), T0);
    expect(banViaPolicy(e, '203.0.113.5', T0 + H).decision?.ip).toBe('203.0.113.0/24');
    const f = engine();
    for (let i = 1; i <= 4; i++) f.subnets.restoreMember(ip(`203.0.113.${i}`), T0);
    f.prune(T0 + 25 * H);
    expect(banViaPolicy(f, '203.0.113.5', T0 + 25 * H).decision).toBeNull();
    f.applyBan(parseCidr('198.51.100.0/24') as Cidr, T0 + 30 * H, 0);
    expect(f.coveringBan(ip('198.51.100.3'), T0 + 26 * H)).toBe('198.51.100.0/24');
    f.cancelBan(parseCidr('198.51.100.0/24') as Cidr);
    expect(f.coveringBan(ip('198.51.100.3'), T0 + 26 * H)).toBeNull();
  });
});
