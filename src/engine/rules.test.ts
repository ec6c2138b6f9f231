import { describe, expect, it } from 'vitest';
import type { AuthFailed, AuthSucceeded, Signature } from '../domain/events.js';
import { parseCidr, parseIp, type Cidr, type IpAddress } from '../domain/ip.js';
import { compileAccounts, Engine, type PolicyInput, type RuleInput } from './index.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const POLICY: PolicyInput = {
  tiers: [{ failures: 2, within: H, ban: H }, { failures: 12, within: 24 * H, ban: null }],
  countReasons: ['wrong_password', 'unknown_account', 'acl_denied', 'not_allowed', 'bad_request', 'other'],
  banInternal: false,
  protection: 'on',
  knownTiers: [{ failures: 10, within: H, ban: H }],
};
const RULES: RuleInput = {
  accounts: { extensions: ['1??', '2*'], trunks: ['itsp*'], roaming: ['150'] },
  extensionsInternalOnly: true,
  externalExtensionBan: 24 * H,
  compromisedBan: null,
  learnFor: 7 * 24 * H,
};
const engine = (rules: RuleInput = RULES) =>
  new Engine(POLICY, { internal: ['192.168.0.0/16', '10.0.0.0/8'].map((c) => parseCidr(c) as Cidr), trusted: [] }, rules);

let n = 0;
const base = (ip: string, account: string, at: number, signature: Signature = 'security-log') => ({
  at, service: 'PJSIP', ip: parseIp(ip) as IpAddress, port: 5060, account, session: `s${++n}`, signature, decoys: [],
  evidence: { source: 'security', line: n, text: '' },
});
const fail = (ip: string, account: string, at = T0): AuthFailed => ({ ...base(ip, account, at), kind: 'auth_failed', reason: 'wrong_password', detail: '' });
const ok = (ip: string, account: string, at = T0, signature: Signature = 'security-log'): AuthSucceeded => ({ ...base(ip, account, at, signature), kind: 'auth_succeeded' });

describe('who may register from where', () => {
  it('classifies accounts by config patterns, then by what was discovered, and says why', () => {
    const classify = compileAccounts({ ...RULES.accounts!, discovered: new Map([['300', { cls: 'extension', why: 'pjsip.conf endpoint with an aor and no outbound registration' }]]) });
    expect(classify('101').cls).toBe('extension');
    expect(classify('2001').cls).toBe('extension');
    expect(classify('150').cls).toBe('roaming');
    expect(classify('itsp-main').cls).toBe('trunk');
    expect(classify('sip:104@pbx.example').cls).toBe('extension'); // chan_sip writes the whole URI
    expect(classify('300')).toEqual({ cls: 'extension', why: 'pjsip.conf endpoint with an aor and no outbound registration' });
    expect(classify('1000').cls).toBe('unknown');
    expect(classify('101').why).toContain('"1??"');
  });

  it('blocks a failed attempt on an extension from outside at once, whatever the counts, and alerts', () => {
    const e = engine();
    const out = e.handle(fail('203.0.113.5', '104'));
    expect(out.verdict?.action).toBe('banned');
    expect(out.verdict?.ban).toEqual({ tier: null, by: 'extension-from-external', until: T0 + 24 * H });
    expect(out.verdict?.decision).toBeNull(); // the rule's ban is the one to enforce
    expect(out.ruleBan).toMatchObject({ ip: '203.0.113.5', reason: 'extension-from-external', until: T0 + 24 * H });
    expect(out.alerts.map((a) => a.kind)).toEqual(['extension_from_external']);
  });

  it('the next failure while that ban holds names it: already_banned by extension-from-external, not "tier 1"', () => {
    const e = engine();
    e.handle(fail('203.0.113.5', '104'));
    // A trunk account from the same address breaks no rule; its count reaches tier 1 (1 h), inside the 24 h ban.
    const next = e.handle(fail('203.0.113.5', 'itsp-main', T0 + 1000));
    expect(next.verdict?.action).toBe('already_banned');
    expect(next.verdict?.tier).toBe(1); // the tier its count reached...
    expect(next.verdict?.ban).toEqual({ tier: null, by: 'extension-from-external', until: T0 + 24 * H }); // ...is not the ban in force
    expect(next.ruleBan).toBeNull();
    // Another extension attempt renews the rule's ban: banned again, by the rule, to a full length after it.
    const ext = e.handle(fail('203.0.113.5', '105', T0 + 2000));
    expect(ext.verdict).toMatchObject({ action: 'banned', ban: { tier: null, by: 'extension-from-external', until: T0 + 2000 + 24 * H } });
  });

  it('a tier whose ban outlasts the rule\'s takes over, and says so', () => {
    const e = engine();
    let out = e.handle(fail('203.0.113.5', '104'));
    for (let i = 1; i < 12; i++) out = e.handle(fail('203.0.113.5', 'itsp-main', T0 + i * 1000));
    expect(out.verdict).toMatchObject({ action: 'banned', tier: 2, ban: { tier: 2, by: null, until: null } });
    expect(out.verdict?.decision).toMatchObject({ tier: 2, until: null });
  });

  it('a person\'s ban restored at start is named as such', () => {
    const e = engine();
    const ip = parseIp('203.0.113.77') as IpAddress;
    e.applyBan(ip, T0 + H, 0);
    expect(e.handle(fail('203.0.113.77', 'itsp-main', T0 + 1000)).verdict?.ban).toEqual({ tier: null, by: 'manual', until: T0 + H });
    e.applyBan(ip, T0 + 2 * H, 0, 'scan');
    expect(e.handle(fail('203.0.113.77', 'itsp-main', T0 + 2000)).verdict?.ban).toEqual({ tier: null, by: 'scan', until: T0 + 2 * H });
  });

  it('lets the same extension fail from inside without a rule ban, and lets trunks and roaming users in from outside', () => {
    const e = engine();
    expect(e.handle(fail('192.168.1.20', '104')).ruleBan).toBeNull();
    expect(e.handle(fail('203.0.113.6', 'itsp-main')).ruleBan).toBeNull();
    expect(e.handle(fail('203.0.113.7', '150')).ruleBan).toBeNull();
    expect(e.handle(ok('203.0.113.8', 'itsp-main')).ruleBan).toBeNull();
  });

  it("never counts a trunk's calls to numbers the dial plan lacks (a provider, not a scanner); anyone else's count", () => {
    const e = new Engine({ ...POLICY, countReasons: [...POLICY.countReasons, 'no_extension'] }, { internal: [], trusted: [] }, RULES);
    const probe = (ip: string, account: string, at: number): AuthFailed => ({ ...fail(ip, account, at), reason: 'no_extension', detail: 'extension not found' });
    for (let i = 0; i < 30; i++) expect(e.handle(probe('198.51.100.9', 'itsp-main', T0 + i)).verdict).toMatchObject({ action: 'not_counted', decision: null });
    expect(e.handle(probe('203.0.113.30', 'anonymous', T0)).verdict?.action).toBe('counted');
    expect(e.handle(probe('203.0.113.30', 'anonymous', T0 + 1)).verdict).toMatchObject({ action: 'banned', tier: 1 });
  });

  it("a roaming phone misdialling (PJSIP names the endpoint it identified) is not counted; chan_sip's caller text is, unless a trunk", () => {
    const e = new Engine({ ...POLICY, countReasons: [...POLICY.countReasons, 'no_extension'] }, { internal: [], trusted: [] }, RULES);
    const probe = (ip: string, account: string, at: number, signature: 'pjsip-call-rejected' | 'chansip-call-rejected'): AuthFailed =>
      ({ ...fail(ip, account, at), signature, reason: 'no_extension', detail: 'extension not found' });
    for (let i = 0; i < 5; i++) expect(e.handle(probe('198.51.100.20', '150', T0 + i, 'pjsip-call-rejected')).verdict?.action).toBe('not_counted');
    expect(e.handle(probe('198.51.100.21', '150', T0, 'chansip-call-rejected')).verdict?.action).toBe('counted');
    expect(e.handle(probe('198.51.100.22', 'itsp-b', T0, 'chansip-call-rejected')).verdict?.action).toBe('not_counted');
  });

  it('treats a SUCCESSFUL extension login from outside as a compromised secret: banned until released, alarm', () => {
    const e = engine();
    const out = e.handle(ok('203.0.113.9', '101'));
    expect(out.ruleBan).toMatchObject({ ip: '203.0.113.9', reason: 'extension-compromised', until: null });
    expect(out.alerts[0]?.kind).toBe('extension_compromised');
    expect(out.alerts[0]?.message).toMatch(/secret is known/);
    expect(e.policy.activeBan(parseIp('203.0.113.9') as IpAddress, T0 + 1000 * H)).toEqual({ until: null, tier: 0 });
  });

  it('one successful login reported by the security log and by AMI raises ONE alarm', () => {
    const e = engine();
    const viaLog = ok('203.0.113.9', '101');
    const viaAmi: AuthSucceeded = { ...viaLog, signature: 'ami-event', evidence: { source: 'ami:127.0.0.1:5038', line: 7, text: '' } };
    const first = e.handle(viaLog);
    const second = e.handle(viaAmi);
    expect(first.alerts.map((a) => a.kind)).toEqual(['extension_compromised']);
    expect(second.duplicate).toBe(true);
    expect(second.alerts).toEqual([]);
    expect(second.ruleBan).toBeNull();
    // A later login (another registration, its own Call-ID) is news again.
    const again = e.handle({ ...ok('203.0.113.9', '101', T0 + 60_000) });
    expect(again.alerts.map((a) => a.kind)).toEqual(['extension_compromised']);
  });

  it('does nothing of the kind when extensions_internal_only is off', () => {
    const e = engine({ ...RULES, extensionsInternalOnly: false });
    expect(e.handle(fail('203.0.113.5', '104')).ruleBan).toBeNull();
    expect(e.handle(ok('203.0.113.9', '101')).ruleBan).toBeNull();
  });

  it('never trusts the address of chan_sip\'s "Registered SIP" line (it is the Contact the client chose)', () => {
    const e = engine();
    expect(e.handle(ok('203.0.113.9', '101', T0, 'chansip-registered')).ruleBan).toBeNull();
    e.handle(ok('203.0.113.10', 'itsp', T0, 'chansip-registered'));
    expect(e.policy.isKnown(parseIp('203.0.113.10') as IpAddress, T0 + 1)).toBe(false);
  });
});

describe('learned trust', () => {
  it('a known address needs the higher known-address tier, and alerts when it reaches it', () => {
    const e = engine();
    const office = '198.51.100.20';
    e.handle(ok(office, 'itsp-main'));
    let out = e.handle(fail(office, 'itsp-main', T0 + 1000));
    out = e.handle(fail(office, 'itsp-main', T0 + 2000));
    expect(out.verdict?.action).toBe('counted'); // 2 failures: not banned, unlike a stranger
    for (let i = 3; i <= 10; i++) out = e.handle(fail(office, 'itsp-main', T0 + i * 1000));
    expect(out.verdict?.action).toBe('banned');
    expect(out.alerts.map((a) => a.kind)).toContain('known_address_failures');
  });

  it('forgets after learnFor, and a stranger still gets the normal tiers', () => {
    const e = engine();
    e.handle(ok('198.51.100.21', 'itsp-main'));
    const later = T0 + 8 * 24 * H;
    e.handle(fail('198.51.100.21', 'itsp-main', later));
    expect(e.handle(fail('198.51.100.21', 'itsp-main', later + 1000)).verdict?.action).toBe('banned');
    e.handle(fail('203.0.113.30', 'itsp-main'));
    expect(e.handle(fail('203.0.113.30', 'itsp-main', T0 + 1000)).verdict?.action).toBe('banned');
  });

  it('does not learn from a violating login', () => {
    const e = engine();
    e.handle(ok('203.0.113.40', '101'));
    expect(e.policy.isKnown(parseIp('203.0.113.40') as IpAddress, T0 + 1)).toBe(false);
  });
});
