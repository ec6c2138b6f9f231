import { describe, expect, it } from 'vitest';
import { parseCidr, parseIp, type Cidr, type IpAddress } from '../domain/ip.js';
import { PolicyEngine, type PolicyInput } from './policy.js';
import { compileZones } from './zones.js';

const H = 3_600_000;
const M = 60_000;
const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const ip = (s: string): IpAddress => parseIp(s) as IpAddress;
const cidrs = (...s: string[]): Cidr[] => s.map((x) => parseCidr(x) as Cidr);

const OWNER: PolicyInput = {
  tiers: [
    { failures: 2, within: H, ban: H },
    { failures: 12, within: 24 * H, ban: null },
  ],
  countReasons: ['wrong_password', 'unknown_account', 'acl_denied', 'not_allowed', 'bad_request', 'other'],
  banInternal: false,
  protection: 'on',
};
const ZONES = compileZones({ internal: cidrs('10.0.0.0/8', '192.168.0.0/16', 'fc00::/7'), trusted: cidrs('198.51.100.0/24') });
const engine = (p: Partial<PolicyInput> = {}) => new PolicyEngine({ ...OWNER, ...p }, ZONES);
const ATTACKER = ip('203.0.113.9');

describe('the owner\'s policy: 2 in 1 h → 1 h, 12 in 24 h → until released', () => {
  it('bans for 1 h after 2 failures 59 minutes apart', () => {
    const e = engine();
    expect(e.failure(ATTACKER, T0, 'wrong_password').action).toBe('counted');
    const v = e.failure(ATTACKER, T0 + 59 * M, 'wrong_password');
    expect(v.action).toBe('banned');
    expect(v.decision).toMatchObject({ kind: 'ban', ip: ATTACKER, tier: 1, until: T0 + 59 * M + H, failures: 2 });
    expect(e.activeBan(ATTACKER, T0 + 60 * M)).toEqual({ until: T0 + 119 * M, tier: 1 });
    expect(e.activeBan(ATTACKER, T0 + 120 * M)).toBeNull();
  });

  it('does not ban 2 failures 61 minutes apart', () => {
    const e = engine();
    e.failure(ATTACKER, T0, 'wrong_password');
    const v = e.failure(ATTACKER, T0 + 61 * M, 'unknown_account');
    expect(v.action).toBe('counted');
    expect(v.counts).toEqual([1, 2]);
    expect(e.activeBan(ATTACKER, T0 + 62 * M)).toBeNull();
  });

  it('an attacker returning after each 1 h ban reaches the permanent tier at the 12th failure inside 24 h', () => {
    const e = engine();
    const decisions = [];
    // Two failures every 2 hours: each pair earns a 1-hour ban that expires before the next pair.
    for (let i = 0; i < 12; i++) {
      const at = T0 + Math.floor(i / 2) * 2 * H + (i % 2) * M;
      const v = e.failure(ATTACKER, at, 'wrong_password');
      if (i < 11) expect(v.decision?.until).not.toBeNull();
      decisions.push(v);
    }
    const last = decisions[11]!;
    expect(last.action).toBe('banned');
    expect(last.tier).toBe(2);
    expect(last.decision).toMatchObject({ tier: 2, until: null, failures: 12 });
    expect(e.activeBan(ATTACKER, T0 + 365 * 24 * H)).toEqual({ until: null, tier: 2 });
  });

  it('counts failures that arrive while banned (log lag, other services)', () => {
    const e = engine();
    e.failure(ATTACKER, T0, 'wrong_password');
    expect(e.failure(ATTACKER, T0 + M, 'wrong_password').action).toBe('banned');
    let v = e.failure(ATTACKER, T0 + M + 1000, 'wrong_password');
    expect(v.counts).toEqual([3, 3]);
    // Still inside the ban: extending by one second would be churn only if the end did not move.
    expect(['banned', 'already_banned']).toContain(v.action);
    for (let i = 0; i < 9; i++) v = e.failure(ATTACKER, T0 + 2 * M + i * 1000, 'wrong_password');
    expect(v.counts[1]).toBe(12);
    expect(v.decision).toMatchObject({ tier: 2, until: null });
  });

  it('never bans internal, trusted, loopback addresses, but still counts and reports them', () => {
    const e = engine();
    for (const who of ['10.1.2.3', '192.168.1.50', 'fd00::5', '198.51.100.20', '127.0.0.1', '::1']) {
      let v = e.failure(ip(who), T0, 'wrong_password');
      for (let i = 1; i < 30; i++) v = e.failure(ip(who), T0 + i * 1000, 'wrong_password');
      expect(v.action, who).toBe('exempt');
      expect(v.decision).toBeNull();
      expect(v.counts[1]).toBe(12);
      expect(e.activeBan(ip(who), T0 + 60_000)).toBeNull();
    }
    expect(e.failure(ip('10.1.2.3'), T0, 'x' as never).zone).toBe('internal');
    expect(e.failure(ip('198.51.100.20'), T0, 'x' as never).zone).toBe('trusted');
    expect(e.failure(ip('::1'), T0, 'x' as never).zone).toBe('never');
  });

  it('bans internal addresses only when the config asks for it', () => {
    const e = engine({ banInternal: true });
    e.failure(ip('10.1.2.3'), T0, 'wrong_password');
    expect(e.failure(ip('10.1.2.3'), T0 + 1000, 'wrong_password').action).toBe('banned');
  });

  it('release clears the counters: the next failure starts from zero', () => {
    const e = engine();
    e.failure(ATTACKER, T0, 'wrong_password');
    e.failure(ATTACKER, T0 + M, 'wrong_password');
    expect(e.release(ATTACKER, T0 + 2 * M)).toBe(true);
    expect(e.activeBan(ATTACKER, T0 + 2 * M)).toBeNull();
    const v = e.failure(ATTACKER, T0 + 3 * M, 'wrong_password');
    expect(v.counts).toEqual([1, 1]);
    expect(v.action).toBe('counted');
  });

  it('protection off detects and reports but never bans', () => {
    const e = engine({ protection: 'off' });
    e.failure(ATTACKER, T0, 'wrong_password');
    const v = e.failure(ATTACKER, T0 + M, 'wrong_password');
    expect(v.action).toBe('detect_only');
    expect(v.tier).toBe(1);
    expect(e.activeBan(ATTACKER, T0 + 2 * M)).toBeNull();
  });

  it('does not count reasons the policy excludes (PBX resource limits)', () => {
    const e = engine();
    for (let i = 0; i < 5; i++) expect(e.failure(ATTACKER, T0 + i, 'limit').action).toBe('not_counted');
    expect(e.activeBan(ATTACKER, T0 + 10)).toBeNull();
  });

  it('keeps at most the largest tier count of timestamps per address, however long the attack', () => {
    const e = engine();
    for (let i = 0; i < 10_000; i++) e.failure(ATTACKER, T0 + i * 1000, 'wrong_password');
    const v = e.failure(ATTACKER, T0 + 10_000_000, 'wrong_password');
    expect(v.counts).toEqual([12, 12]);
    expect(e.size).toBe(1);
  });

  it('prunes idle addresses but keeps banned ones', () => {
    const e = engine();
    e.failure(ip('203.0.113.1'), T0, 'wrong_password');
    e.failure(ATTACKER, T0, 'wrong_password');
    e.failure(ATTACKER, T0 + 1, 'wrong_password');
    for (let i = 0; i < 10; i++) e.failure(ATTACKER, T0 + 2 + i, 'wrong_password');
    expect(e.prune(T0 + 25 * H)).toBe(1);
    expect(e.activeBan(ATTACKER, T0 + 25 * H)).toEqual({ until: null, tier: 2 });
  });

  it('applies a new policy without losing windows', () => {
    const e = engine();
    e.failure(ATTACKER, T0, 'wrong_password');
    e.setPolicy({ ...OWNER, tiers: [{ failures: 3, within: H, ban: 2 * H }] });
    expect(e.failure(ATTACKER, T0 + M, 'wrong_password').action).toBe('counted');
    expect(e.failure(ATTACKER, T0 + 2 * M, 'wrong_password').decision).toMatchObject({ tier: 1, until: T0 + 2 * M + 2 * H });
  });

  it('is deterministic: the same events give the same decisions', () => {
    const run = () => {
      const e = engine();
      const out: unknown[] = [];
      for (let i = 0; i < 200; i++) out.push(e.failure(ip(`203.0.113.${i % 7}`), T0 + i * 37 * M, 'wrong_password'));
      return out;
    };
    expect(run()).toEqual(run());
  });
});

describe('IPv6: counted per /64, banned per address', () => {
  it('an attacker rotating through its /64 gets no fresh allowance per address', () => {
    const e = engine();
    expect(e.failure(ip('2001:db8:7:1::a'), T0, 'wrong_password').action).toBe('counted');
    const v = e.failure(ip('2001:db8:7:1::b'), T0 + M, 'wrong_password');
    expect(v.action).toBe('banned'); // its first failure, but the /64's second
    expect(v.decision?.ip).toBe('2001:db8:7:1::b');
    expect(e.activeBan(ip('2001:db8:7:1::a'), T0 + 2 * M)).toBeNull(); // bans stay per address
    const third = e.failure(ip('2001:db8:7:1:ffff::1'), T0 + 2 * M, 'wrong_password');
    expect(third.action).toBe('banned');
    expect(third.counts).toEqual([3, 3]);
  });

  it('another /64 has its own count, and per-address counting is one setting away', () => {
    const e = engine();
    e.failure(ip('2001:db8:7:1::a'), T0, 'wrong_password');
    expect(e.failure(ip('2001:db8:7:2::a'), T0 + M, 'wrong_password').action).toBe('counted');
    const perAddress = engine({ ipv6Prefix: 128 });
    perAddress.failure(ip('2001:db8:7:1::a'), T0, 'wrong_password');
    expect(perAddress.failure(ip('2001:db8:7:1::b'), T0 + M, 'wrong_password').action).toBe('counted');
  });

  it('a release clears the prefix\'s counters', () => {
    const e = engine();
    e.failure(ip('2001:db8:7:1::a'), T0, 'wrong_password');
    e.failure(ip('2001:db8:7:1::b'), T0 + M, 'wrong_password');
    e.release(ip('2001:db8:7:1::b'), T0 + 2 * M);
    expect(e.failure(ip('2001:db8:7:1::c'), T0 + 3 * M, 'wrong_password').counts).toEqual([1, 1]);
  });
});

describe('addresses with a ban but no failure of their own', () => {
  it('a person\'s ban, released, then failures count from one; windows of different addresses never mix', () => {
    const e = engine();
    e.applyBan(ATTACKER, T0 + H, 0);
    expect(e.release(ATTACKER, T0 + M)).toBe(true);
    expect(e.failure(ATTACKER, T0 + 2 * M, 'wrong_password').counts).toEqual([1, 1]);
    e.applyBan(ip('203.0.113.10'), null, 0);
    expect(e.failure(ip('203.0.113.11'), T0 + 3 * M, 'wrong_password').counts).toEqual([1, 1]);
    expect(e.failure(ip('203.0.113.10'), T0 + 3 * M, 'wrong_password').counts).toEqual([1, 1]);
    expect(e.failure(ATTACKER, T0 + 4 * M, 'wrong_password')).toMatchObject({ action: 'banned', counts: [2, 2] });
  });
});

describe('scans: unanswered challenges against their own threshold (20 within 1 min → 1 h)', () => {
  const SCAN = { challenges: 20, within: M, ban: H, grace: 5000 };

  it('bans at the 20th within a minute, not at 19, and says why', () => {
    const e = engine({ scan: SCAN });
    let v = e.scan(ATTACKER, T0);
    for (let i = 1; i < 19; i++) v = e.scan(ATTACKER, T0 + i * 3000);
    expect(v).toMatchObject({ action: 'counted', counts: [19], windows: [M], decision: null });
    v = e.scan(ATTACKER, T0 + 19 * 3000);
    expect(v.action).toBe('banned');
    expect(v.decision).toMatchObject({ tier: 0, until: T0 + 57_000 + H, failures: 20, reason: 'scan: 20 unanswered challenges within 1m' });
    expect(v.ban).toEqual({ tier: null, by: 'scan', until: T0 + 57_000 + H });
  });

  it('a slow trickle (one every 4 s: 15 a minute) never reaches it', () => {
    const e = engine({ scan: SCAN });
    for (let i = 0; i < 500; i++) expect(e.scan(ATTACKER, T0 + i * 4000).action).toBe('counted');
  });

  it('scans never fill the tiers\' windows, and failures never fill the scan window', () => {
    const e = engine({ scan: SCAN });
    for (let i = 0; i < 10; i++) e.scan(ATTACKER, T0 + i);
    expect(e.failure(ATTACKER, T0 + 100, 'wrong_password')).toMatchObject({ action: 'counted', counts: [1, 1] });
    expect(e.scan(ATTACKER, T0 + 200).counts).toEqual([11]);
  });

  it('inside a longer tier ban it says already_banned with that tier; internal addresses are exempt', () => {
    const e = engine({ scan: SCAN });
    for (let i = 0; i < 12; i++) e.failure(ATTACKER, T0 + i, 'wrong_password');
    let v = e.scan(ATTACKER, T0 + 100);
    expect(v).toMatchObject({ action: 'already_banned', ban: { tier: 2, by: null, until: null } });
    for (let i = 1; i < 20; i++) v = e.scan(ATTACKER, T0 + 100 + i);
    expect(v).toMatchObject({ action: 'already_banned', counts: [20], ban: { tier: 2 } });
    const office = ip('192.168.1.20');
    for (let i = 0; i < 30; i++) v = e.scan(office, T0 + i);
    expect(v.action).toBe('exempt');
  });

  it('counts a report read late (catching up) in the window ending at it, not with later ones', () => {
    const e = engine({ scan: SCAN });
    for (let i = 0; i < 10; i++) e.scan(ATTACKER, T0 + 30_000 + i);
    expect(e.scan(ATTACKER, T0 + 40_000).counts).toEqual([11]);
    expect(e.scan(ATTACKER, T0).counts).toEqual([1]); // the ten after it are not "within a minute before" it
    expect(e.scan(ATTACKER, T0 + 50_000).counts).toEqual([13]);
  });

  it('tiers too: a failure read late is judged by the failures before it', () => {
    const e = engine();
    expect(e.failure(ATTACKER, T0 + 2 * H, 'wrong_password').action).toBe('counted');
    expect(e.failure(ATTACKER, T0, 'wrong_password')).toMatchObject({ action: 'counted', counts: [1, 1] });
    expect(e.failure(ATTACKER, T0 + 2 * H + 1000, 'wrong_password')).toMatchObject({ action: 'banned', counts: [2, 3] });
  });
});
