/**
 * What was seen (issue 13): an extension at home failed once from outside and was
 * banned for 24 h; a person released it; the phone then logged in with the RIGHT
 * password and got a permanent ban with "change it now". The compromise rule still bans
 * (a stolen secret looks the same), but right after a release its reason and alert say
 * so and how to mark the phone; once the extension is roaming, its login is no offence.
 */
import { describe, expect, it } from 'vitest';
import type { AuthFailed, AuthSucceeded } from '../domain/events.js';
import { parseCidr, parseIp, type Cidr, type IpAddress } from '../domain/ip.js';
import { Engine, type PolicyInput, type RuleInput } from './index.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 7, 9, 0, 0);
const HOME = '192.0.2.44';
const POLICY: PolicyInput = { tiers: [{ failures: 2, within: H, ban: H }], countReasons: ['wrong_password'], banInternal: false, protection: 'on' };
const RULES: RuleInput = { accounts: { extensions: ['2??'], trunks: [], roaming: [] }, extensionsInternalOnly: true, externalExtensionBan: 24 * H, compromisedBan: null };
const engine = (rules: RuleInput = RULES) => new Engine(POLICY, { internal: [parseCidr('10.0.0.0/8') as Cidr], trusted: [] }, rules);

let n = 0;
const base = (account: string, at: number) => ({
  at, service: 'PJSIP' as const, ip: parseIp(HOME) as IpAddress, port: 5060, account, session: `s${++n}`, signature: 'security-log' as const, decoys: [],
  evidence: { source: 'security', line: n, text: '' },
});
const fail = (at: number): AuthFailed => ({ ...base('201', at), kind: 'auth_failed', reason: 'wrong_password', detail: '' });
const ok = (at: number): AuthSucceeded => ({ ...base('201', at), kind: 'auth_succeeded' });

describe('a release followed by the right password', () => {
  it('bans again, saying it came right after the release and how to mark the phone as the owner\'s', () => {
    const e = engine();
    expect(e.handle(fail(T0)).ruleBan?.reason).toBe('extension-from-external');
    expect(e.release(parseIp(HOME) as IpAddress, T0 + H)).toBe(true);
    const out = e.handle(ok(T0 + H + 60_000));
    expect(out.ruleBan).toMatchObject({ reason: 'extension-compromised-after-release', until: null });
    expect(out.alerts.map((a) => a.message)).toEqual([
      'extension "201" AUTHENTICATED from external address 192.0.2.44 right after a person released that address (2026-12-07T10:00:00.000Z), so it is banned again: if this is your own phone, use "This is my phone" on its ban in the dashboard (or list the extension in accounts.roaming); if it is not, its secret is known to an attacker — change it now',
    ]);
  });

  it('says "change it now" alone when no person released the address in the last day', () => {
    const e = engine();
    e.handle(fail(T0));
    e.release(parseIp(HOME) as IpAddress, T0 + H);
    const out = e.handle(ok(T0 + 26 * H));
    expect(out.ruleBan?.reason).toBe('extension-compromised');
    expect(out.alerts[0]?.message).toBe('extension "201" AUTHENTICATED from external address 192.0.2.44: its secret is known to an attacker — change it now');
  });

  it('does not ban at all once the extension is roaming ("This is my phone")', () => {
    const e = engine();
    e.handle(fail(T0));
    e.setRules({ ...RULES, accounts: { extensions: ['2??'], trunks: [], roaming: ['201'] } });
    e.release(parseIp(HOME) as IpAddress, T0 + H);
    const out = e.handle(ok(T0 + H + 60_000));
    expect(out.ruleBan).toBeNull();
    expect(out.alerts).toEqual([]);
    expect(e.activeBan(parseIp(HOME) as IpAddress, T0 + H + 60_000)).toBeNull();
  });
});
