/**
 * `/api/settings`: reading and editing protection, networks, policy tiers and subnet
 * escalation, with the
 * config file's validation and words; edits reach the daemon's controls and the audit
 * trail; a failing apply changes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsControls } from './controls.js';
import { login, defaultSettings, startTestApi, type Client, type TestApi } from '../../test/support/kits/api.js';

let t: TestApi;
let c: Client;
beforeEach(async () => {
  t = await startTestApi();
  c = await login(t.app);
});
afterEach(async () => {
  await t.close();
});

const put = (url: string, payload: object) => c.req({ method: 'PUT', url, payload });

describe('reading', () => {
  it('shows the settings as a person writes them', async () => {
    expect((await c.req({ url: '/api/settings' })).json()).toEqual({
      protection: 'on',
      networks: { internal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'], trusted: [] },
      policy: { tiers: [{ failures: 2, within: '1h', ban: '1h' }, { failures: 12, within: '1d', ban: 'permanent' }] },
      subnets: { enabled: true, addresses: 5, within: '1d', ban: '1d', ipv4_prefix: 24, ipv6_prefix: 64 },
    });
  });
});

describe('protection', () => {
  it('switches off and on through the controls, audited with who, when and what', async () => {
    expect((await put('/api/settings/protection', { protection: 'off' })).json()).toEqual({ protection: 'off' });
    expect(t.controls.protection()).toBe('off');
    expect(t.applied.map((a) => [a.changed, a.actor, a.next.protection])).toEqual([['protection', 'web:admin@127.0.0.1', 'off']]);
    const audit = t.store.listAudit(1)[0];
    expect(audit).toMatchObject({ action: 'protection', actor: 'web:admin@127.0.0.1', at: t.clock.now });
    expect(JSON.parse(audit?.detail ?? '')).toEqual({ from: 'on', to: 'off' });
    expect((await c.req({ url: '/api/settings/protection' })).json()).toEqual({ protection: 'off' });
    const bad = await put('/api/settings/protection', { protection: 'maybe' });
    expect(bad.json().message).toBe('protection: must be one of on, off');
  });
});

describe('policy', () => {
  it('replaces the tiers (sorted), audited', async () => {
    const res = await put('/api/settings/policy', { tiers: [{ failures: 20, within: '7d', ban: 'permanent' }, { failures: 3, within: '30m', ban: '2h' }] });
    expect(res.json()).toEqual({ tiers: [{ failures: 3, within: '30m', ban: '2h' }, { failures: 20, within: '1w', ban: 'permanent' }] });
    expect(t.controls.policy()).toEqual([{ failures: 3, within: 1_800_000, ban: 7_200_000 }, { failures: 20, within: 604_800_000, ban: null }]);
    expect(t.store.listAudit(1)[0]?.action).toBe('policy');
  });

  it('says what is wrong in the config file\'s words, per tier and field', async () => {
    const cases: Array<[unknown[], string]> = [
      [[{ failures: 2, within: '1 hour', ban: '1h' }], 'tiers[0].within: expected a duration like 30s, 1h, 24h, 7d, got "1 hour"'],
      [[{ failures: 2, within: '1h', ban: 'forever' }], 'tiers[0].ban: expected a duration like 30s, 1h, 24h, 7d, or permanent, got "forever"'],
      [[{ failures: 2, within: 3600, ban: '1h' }], 'tiers[0].within: expected a duration like 30s, 1h, 24h, 7d, got 3600 (a number needs a unit, e.g. 3600s)'],
      [[{ failures: 0, within: '1h', ban: '1h' }], 'tiers[0].failures: expected a whole number of failures, from 1 to 1000, got 0'],
      [[{ failures: 2.5, within: '1h', ban: '1h' }], 'tiers[0].failures: expected a whole number of failures, from 1 to 1000, got 2.5'],
      [[{ failures: 2, within: '1h', ban: '1h' }, { failures: 2, within: '1d', ban: 'permanent' }],
        'tiers[1].failures: tiers[0] and tiers[1] both have failures: 2; each tier needs a different number of failures'],
      [[], 'tiers: must have at least 1 entries'],
      [[{ failures: 2, within: '1h' }], 'tiers[0].ban: is required'],
    ];
    for (const [tiers, message] of cases) {
      const res = await put('/api/settings/policy', { tiers });
      expect(res.statusCode, JSON.stringify(tiers)).toBe(400);
      expect(res.json().message, JSON.stringify(tiers)).toBe(message);
    }
    const two = (await put('/api/settings/policy', { tiers: [{ failures: 'two', within: '1 hour', ban: '1h' }] })).json();
    expect(two.problems.map((p: { path: string }) => p.path)).toEqual(['tiers[0].failures', 'tiers[0].within']);
    expect(t.applied).toEqual([]);
    expect(t.store.listAudit(10).filter((a) => a.action === 'policy')).toEqual([]);
  });
});

describe('networks', () => {
  it('replaces internal networks and the trusted list (addresses, networks, host names), canonicalised', async () => {
    const res = await put('/api/settings/networks', { internal: ['192.168.1.7/24', ' 10.0.0.0/8 '], trusted: ['203.0.113.5', 'SIP.Example.com', '2001:DB8::/32'] });
    expect(res.json()).toEqual({ internal: ['192.168.1.0/24', '10.0.0.0/8'], trusted: ['203.0.113.5/32', '2001:db8::/32', 'sip.example.com'] });
    expect(t.controls.networks()).toEqual({ internal: ['192.168.1.0/24', '10.0.0.0/8'], trusted: ['203.0.113.5/32', '2001:db8::/32'], trustedNames: ['sip.example.com'] });
    // The new trusted list protects at once.
    const ban = await c.req({ method: 'POST', url: '/api/bans', payload: { ip: '203.0.113.5', duration: '1h' } });
    expect(ban.json().code).toBe('NEVER_BAN');
    expect(t.store.listAudit(5).map((a) => a.action)).toContain('networks');
  });

  it('refuses bad entries and ranges that would switch protection off in effect', async () => {
    const cases: Array<[object, string]> = [
      [{ internal: ['192.168.1.300/24'], trusted: [] }, 'internal[0]: expected an address or network like 192.168.0.0/16 or 203.0.113.7, got "192.168.1.300/24"'],
      [{ internal: [], trusted: ['not a host'] }, 'trusted[0]: expected an address, network or host name like 203.0.113.7, 198.51.100.0/24 or sip.example.com, got "not a host"'],
      [{ internal: [], trusted: ['::/0'] }, 'trusted[0]: "::/0" would trust every address; list only the addresses or networks you trust'],
      [{ internal: ['10.0.0.0/8', '0.0.0.0/0'], trusted: [] }, 'internal[1]: 0.0.0.0/0 would make every address internal, so nobody would ever be banned; list your office and VPN networks instead'],
      [{ internal: [] }, 'trusted: is required'],
      [{ internal: 'all', trusted: [] }, 'internal: must be a list'],
    ];
    for (const [payload, message] of cases) {
      const res = await put('/api/settings/networks', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().message, JSON.stringify(payload)).toBe(message);
    }
    expect(t.applied).toEqual([]);
  });
});

describe('subnets (blocking whole networks)', () => {
  const good = { enabled: true, addresses: 3, within: '12h', ban: 'permanent', ipv4_prefix: 22, ipv6_prefix: 56 };

  it('replaces the numbers through the controls, audited with who, when, before and after', async () => {
    const res = await put('/api/settings/subnets', good);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(good);
    expect(t.controls.subnets()).toEqual({ enabled: true, addresses: 3, within: 43_200_000, ban: null, ipv4Prefix: 22, ipv6Prefix: 56 });
    expect(t.applied.map((a) => [a.changed, a.actor, a.next.subnets.addresses])).toEqual([['subnets', 'web:admin@127.0.0.1', 3]]);
    const audit = t.store.listAudit(1)[0];
    expect(audit).toMatchObject({ action: 'subnets', actor: 'web:admin@127.0.0.1', at: t.clock.now });
    expect(JSON.parse(audit?.detail ?? '')).toEqual({ from: { enabled: true, addresses: 5, within: '1d', ban: '1d', ipv4_prefix: 24, ipv6_prefix: 64 }, to: good });
    expect((await c.req({ url: '/api/settings/subnets' })).json()).toEqual(good);
    expect((await c.req({ url: '/api/settings' })).json().subnets).toEqual(good);
  });

  it('switches off and keeps the numbers for when it is switched on again', async () => {
    const off = { ...good, enabled: false };
    expect((await put('/api/settings/subnets', off)).json()).toEqual(off);
    expect(t.controls.subnets()).toMatchObject({ enabled: false, addresses: 3, ipv4Prefix: 22 });
    expect(t.applied.map((a) => a.next.subnets.enabled)).toEqual([false]);
    expect(JSON.parse(t.store.listAudit(1)[0]?.detail ?? '')).toMatchObject({ from: { enabled: true }, to: { enabled: false, addresses: 3 } });
  });

  it('says what is wrong in the config file\'s words and changes nothing', async () => {
    const cases: Array<[object, string]> = [
      [{ ...good, addresses: 1 }, 'addresses: expected a whole number of banned addresses, from 2 to 65536, got 1'],
      [{ ...good, addresses: 70_000 }, 'addresses: expected a whole number of banned addresses, from 2 to 65536, got 70000'],
      [{ ...good, addresses: 'five' }, 'addresses: expected a whole number of banned addresses, from 2 to 65536, got "five"'],
      [{ ...good, within: 'a day' }, 'within: expected a duration like 30s, 1h, 24h, 7d, got "a day"'],
      [{ ...good, within: 3600 }, 'within: expected a duration like 30s, 1h, 24h, 7d, got 3600 (a number needs a unit, e.g. 3600s)'],
      [{ ...good, ban: 'forever' }, 'ban: expected a duration like 30s, 1h, 24h, 7d, or permanent, got "forever"'],
      [{ ...good, ipv4_prefix: 32 }, 'ipv4_prefix: expected an IPv4 prefix length, from 16 to 31, got 32'],
      [{ ...good, ipv4_prefix: 8 }, 'ipv4_prefix: expected an IPv4 prefix length, from 16 to 31, got 8'],
      [{ ...good, ipv6_prefix: 128 }, 'ipv6_prefix: expected an IPv6 prefix length, from 32 to 127, got 128'],
      [{ ...good, ipv6_prefix: 31 }, 'ipv6_prefix: expected an IPv6 prefix length, from 32 to 127, got 31'],
      [{ ...good, enabled: 'yes' }, 'enabled: must be true or false'],
      [{ enabled: true, addresses: 5, within: '1d', ban: '1d', ipv4_prefix: 24 }, 'ipv6_prefix: is required'],
      [{ ...good, prefix: 24 }, 'unknown field "prefix" in the body'],
    ];
    for (const [payload, message] of cases) {
      const res = await put('/api/settings/subnets', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().message, JSON.stringify(payload)).toBe(message);
    }
    // Off does not excuse bad numbers: they come back when it is switched on.
    const offBad = await put('/api/settings/subnets', { ...good, enabled: false, within: '0s' });
    expect(offBad.json().message).toBe('within: expected a duration longer than zero, like 30s, 1h, 24h, 7d, got "0s"');
    const two = (await put('/api/settings/subnets', { ...good, addresses: 1, ipv6_prefix: 200 })).json();
    expect(two.problems.map((p: { path: string }) => p.path)).toEqual(['addresses', 'ipv6_prefix']);
    expect(t.applied).toEqual([]);
    expect(t.controls.subnets()).toEqual({ enabled: true, addresses: 5, within: 86_400_000, ban: 86_400_000, ipv4Prefix: 24, ipv6Prefix: 64 });
    expect(t.store.listAudit(10).filter((a) => a.action === 'subnets')).toEqual([]);
  });
});

describe('when the daemon cannot apply a change', () => {
  it('keeps the old settings, writes no audit row and reports the error', async () => {
    await t.close();
    const failing = new SettingsControls(defaultSettings(), () => {
      throw new Error('EACCES: cannot write /etc/sipwarden/sipwarden.yaml');
    });
    t = await startTestApi({ controls: failing });
    const client = await login(t.app);
    const res = await client.req({ method: 'PUT', url: '/api/settings/protection', payload: { protection: 'off' } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ code: 'INTERNAL', message: 'internal error' });
    expect(failing.protection()).toBe('on');
    expect(t.store.listAudit(10).map((a) => a.action)).toEqual(['login']);
  });
});
