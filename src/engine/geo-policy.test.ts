import { describe, expect, it } from 'vitest';
import type { AuthFailed, AuthSucceeded, Service } from '../domain/events.js';
import { parseCidr, parseIp, type Cidr, type IpAddress } from '../domain/ip.js';
import { Decider, Engine, type GeoPolicyInput, type PolicyInput, type RuleInput } from './index.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
const POLICY: PolicyInput = {
  tiers: [{ failures: 5, within: H, ban: H }],
  countReasons: ['wrong_password', 'unknown_account'],
  banInternal: false,
  protection: 'on',
};
// A fake database: documentation addresses (never placed by the real one) stand for countries.
const COUNTRY: Record<string, string> = {
  '203.0.113.1': 'DE', '203.0.113.2': 'AT', '203.0.113.3': 'CN', '203.0.113.4': 'KP', '192.168.1.9': 'DE', '198.51.100.9': 'CN', '10.0.0.9': 'KP',
};
const GEO: GeoPolicyInput = {
  deny: ['KP'],
  allow: { extension: ['DE', 'AT'], ami: ['DE'] },
  ban: 24 * H,
  newCountryAlert: true,
};
const RULES: RuleInput = { accounts: { extensions: ['1??'], trunks: ['itsp*'], roaming: [] }, compromisedBan: null, geo: GEO };
function engine(rules: RuleInput = RULES, protection: 'on' | 'off' = 'on'): Engine {
  const e = new Engine({ ...POLICY, protection }, {
    internal: [parseCidr('192.168.0.0/16') as Cidr, parseCidr('10.0.0.0/8') as Cidr], trusted: [parseCidr('198.51.100.9') as Cidr],
  }, rules);
  e.locate((ip) => COUNTRY[ip] ?? null);
  return e;
}

let n = 0;
const base = (ip: string, account: string, at: number, service: Service) => ({
  at, service, ip: parseIp(ip) as IpAddress, port: 5060, account, session: `s${++n}`, signature: 'security-log' as const, decoys: [],
  evidence: { source: 'security', line: n, text: '' },
});
const fail = (ip: string, account: string, at = T0, service: Service = 'PJSIP'): AuthFailed => ({ ...base(ip, account, at, service), kind: 'auth_failed', reason: 'wrong_password', detail: '' });
const ok = (ip: string, account: string, at = T0, service: Service = 'PJSIP'): AuthSucceeded => ({ ...base(ip, account, at, service), kind: 'auth_succeeded' });

describe('the country policy', () => {
  it('bans at once every failure from a denied country, whatever the account, as country-denied', () => {
    const out = engine().handle(fail('203.0.113.4', 'itsp-main'));
    expect(out.ruleBan).toMatchObject({ ip: '203.0.113.4', reason: 'country-denied', until: T0 + 24 * H, tier: 0 });
    expect(out.verdict).toMatchObject({ action: 'banned', decision: null, ban: { tier: null, by: 'country-denied', until: T0 + 24 * H } });
    expect(out.alerts).toEqual([]);
  });

  it('bans an extension attempt from a country not allowed for extensions, and not a trunk\'s from there', () => {
    const e = engine();
    expect(e.handle(fail('203.0.113.3', '101')).ruleBan).toMatchObject({ reason: 'country-not-allowed' });
    const trunk = engine().handle(fail('203.0.113.3', 'itsp-main'));
    expect(trunk.ruleBan).toBeNull();
    expect(trunk.verdict?.action).toBe('counted');
    // Allowed countries count as usual.
    expect(engine().handle(fail('203.0.113.2', '101')).verdict?.action).toBe('counted');
  });

  it('judges AMI and dashboard logins by their own lists', () => {
    expect(engine().handle(fail('203.0.113.2', 'admin', T0, 'AMI')).ruleBan).toMatchObject({ reason: 'country-not-allowed' });
    expect(engine().handle(fail('203.0.113.1', 'admin', T0, 'AMI')).ruleBan).toBeNull();
    // No dashboard list: any country may try.
    expect(engine().handle(fail('203.0.113.3', 'admin', T0, 'HTTP')).ruleBan).toBeNull();
  });

  it('never bans by country an unknown country, an internal or trusted address, or with protection off', () => {
    expect(engine().handle(fail('203.0.113.200', '101')).ruleBan).toBeNull();
    const internal = engine().handle(fail('10.0.0.9', '101'));
    expect(internal.ruleBan).toBeNull();
    expect(internal.verdict?.action).toBe('counted');
    expect(engine().handle(fail('198.51.100.9', '101')).ruleBan).toBeNull();
    expect(engine(RULES, 'off').handle(fail('203.0.113.4', '101')).ruleBan).toBeNull();
    expect(engine(RULES, 'off').handle(fail('203.0.113.4', '101')).verdict?.action).toBe('counted');
  });

  it('a successful login from a country not allowed is a compromise: banned and alarmed, once for two reports', () => {
    const e = engine();
    const login = ok('203.0.113.3', '101');
    const out = e.handle(login);
    expect(out.ruleBan).toMatchObject({ reason: 'country-not-allowed', until: null });
    expect(out.alerts).toHaveLength(1);
    expect(out.alerts[0]).toMatchObject({ kind: 'extension_compromised', ip: '203.0.113.3', account: '101', country: 'CN' });
    expect(out.alerts[0]?.message).toContain('AUTHENTICATED from 203.0.113.3 in CN');
    // The same login reported again (AMI after the security log) raises no second alarm.
    expect(e.handle({ ...login, signature: 'ami-event', evidence: { source: 'ami', line: 1, text: '' } }).duplicate).toBe(true);
  });

  it('alerts the first time an account logs in from a country it never used, with its usual countries', () => {
    const e = engine();
    expect(e.handle(ok('203.0.113.1', '101')).alerts).toEqual([]); // the first country is learned
    expect(e.handle(ok('203.0.113.1', '101', T0 + 1000)).alerts).toEqual([]);
    const out = e.handle(ok('203.0.113.2', '101', T0 + 2000));
    expect(out.ruleBan).toBeNull();
    expect(out.alerts).toHaveLength(1);
    expect(out.alerts[0]).toMatchObject({ kind: 'new_country', account: '101', ip: '203.0.113.2', country: 'AT', usual: ['DE'] });
    expect(out.alerts[0]?.message).toBe('"101" authenticated from 203.0.113.2 in AT, a country it never used (usually DE)');
    expect(e.handle(ok('203.0.113.2', '101', T0 + 3000)).alerts).toEqual([]);
    // Another account has its own countries; a trunk too.
    expect(e.handle(ok('203.0.113.2', '102', T0 + 4000)).alerts).toEqual([]);
    e.handle(ok('203.0.113.1', 'itsp-main', T0 + 5000));
    expect(e.handle(ok('203.0.113.3', 'itsp-main', T0 + 6000)).alerts[0]).toMatchObject({ kind: 'new_country', country: 'CN', usual: ['DE'] });
  });

  it('no new-country alert for internal or trusted addresses, unknown countries, or when switched off', () => {
    const e = engine();
    e.handle(ok('203.0.113.1', '101'));
    expect(e.handle(ok('192.168.1.9', '101', T0 + 1)).alerts).toEqual([]);
    expect(e.handle(ok('203.0.113.250', '101', T0 + 2)).alerts).toEqual([]);
    const off = engine({ ...RULES, geo: { ...GEO, newCountryAlert: false } });
    off.handle(ok('203.0.113.1', '101'));
    expect(off.handle(ok('203.0.113.2', '101', T0 + 3)).alerts).toEqual([]);
  });

  it('keeps what each account used across a reload of the rules', () => {
    const e = engine();
    e.handle(ok('203.0.113.1', '101'));
    e.setRules({ ...RULES, geo: { ...GEO, deny: [] } });
    expect(e.handle(ok('203.0.113.2', '101', T0 + 1)).alerts.map((a) => a.kind)).toEqual(['new_country']);
    expect(e.handle(fail('203.0.113.4', 'itsp-main', T0 + 2)).ruleBan).toBeNull();
  });

  it('the decider writes the ban and the failed-auth line naming the rule', () => {
    const d = new Decider(engine());
    const effects = d.decide(fail('203.0.113.4', 'itsp-main'), T0);
    expect(effects.find((x) => x.kind === 'ban')).toMatchObject({ ban: { ip: '203.0.113.4', reason: 'country-denied', expiresAt: T0 + 24 * H } });
    const line = effects.find((x) => x.kind === 'log');
    expect(line && 'line' in line ? line.line : '').toContain('action=banned ban=country-denied');
  });

  it('keeps what each account used across a restart (snapshot for the store), skipping damaged entries', () => {
    const e = engine();
    e.handle(ok('203.0.113.1', 'itsp-main'));
    e.handle(ok('203.0.113.2', 'itsp-main', T0 + 1));
    const saved = JSON.parse(JSON.stringify(e.accountCountries()));
    expect(saved).toEqual([['PJSIP\u0000itsp-main', ['DE', 'AT']]]);
    const after = engine();
    expect(after.restoreAccountCountries([...saved, ['x', ['<b>', 7]], 'junk', ['y']])).toBe(1);
    expect(after.handle(ok('203.0.113.2', 'itsp-main', T0 + 2)).alerts).toEqual([]);
    expect(after.handle(ok('203.0.113.3', 'itsp-main', T0 + 3)).alerts[0]).toMatchObject({ kind: 'new_country', country: 'CN', usual: ['DE', 'AT'] });
    expect(after.restoreAccountCountries(null)).toBe(0);
    expect(new Engine(POLICY, { internal: [], trusted: [] }, RULES).accountCountries()).toEqual([]); // no locator: no policy
  });
});
