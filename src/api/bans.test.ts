/**
 * `/api/bans` against a real store: search by address or account, paging and sorting,
 * manual ban and release writing the change rows the daemon polls and the audit rows,
 * validation in plain words, and attacker text returned as data.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCidr, parseIp, type Cidr, type IpAddress } from '../domain/index.js';
import type { NewBan } from '../store/index.js';
import { login, startTestApi, type Client, type TestApi } from '../../test/support/kits/api.js';

const HOSTILE = '<img src=x onerror=alert(1)>';
const ip = (s: string) => parseIp(s) as IpAddress;

let t: TestApi;
let c: Client;
beforeEach(async () => {
  t = await startTestApi();
  c = await login(t.app);
});
afterEach(async () => {
  await t.close();
});

function policyBan(addr: string, accounts: string[], createdAt: number, expiresAt: number | null, tier = 1): NewBan {
  return {
    ip: ip(addr), reason: `${tier === 1 ? 2 : 12} failures within ${tier === 1 ? '1h' : '24h'}`, tier, source: 'policy', failures: tier === 1 ? 2 : 12,
    evidence: accounts.map((a, i) => ({ source: '/var/log/asterisk/security', line: 10 + i, text: `SecurityEvent="InvalidPassword",AccountID="${a}",RemoteAddress="IPV4/UDP/${addr}/5060"` })),
    accounts, createdAt, expiresAt,
  };
}

describe('listing and searching', () => {
  beforeEach(() => {
    const now = t.clock.now;
    t.store.addBan(policyBan('203.0.113.7', ['104', '105'], now - 600_000, now + 3_000_000));
    t.store.addBan(policyBan('198.51.100.23', ['200'], now - 500_000, null, 2));
    t.store.addBan(policyBan('2001:db8::5', [HOSTILE], now - 400_000, now + 3_200_000));
    t.store.addBan(policyBan('192.0.2.44', ['104'], now - 7_200_000, now - 3_600_000)); // expired
  });

  it('lists newest recorded first with a total, an exact flag and each ban\'s state; sort=created_at orders by attack time', async () => {
    const body = (await c.req({ url: '/api/bans' })).json() as { total: number; exact: boolean; rows: Array<{ ip: string; state: string }> };
    expect([body.total, body.exact]).toEqual([4, true]);
    expect(body.rows.map((r) => [r.ip, r.state])).toEqual([
      ['192.0.2.44', 'expired'], ['2001:db8::5', 'active'], ['198.51.100.23', 'active'], ['203.0.113.7', 'active'],
    ]);
    const byTime = (await c.req({ url: '/api/bans?sort=created_at' })).json() as { rows: Array<{ ip: string }> };
    expect(byTime.rows.map((r) => r.ip)).toEqual(['2001:db8::5', '198.51.100.23', '203.0.113.7', '192.0.2.44']);
  });

  it('one search box: an account name finds the bans it was tried in ("extension 104 stopped working")', async () => {
    const body = (await c.req({ url: '/api/bans?q=104&state=active' })).json() as { total: number; rows: Array<{ ip: string; accounts: string[]; evidence: unknown[] }> };
    expect(body.total).toBe(1);
    expect(body.rows[0]).toMatchObject({ ip: '203.0.113.7', accounts: ['104', '105'] });
    expect(body.rows[0]?.evidence).toHaveLength(2);
    expect((await c.req({ url: '/api/bans?q=104&state=all' })).json().total).toBe(2);
    expect((await c.req({ url: '/api/bans?account=104' })).json().total).toBe(2);
  });

  it('an address in any spelling finds its ban', async () => {
    for (const q of ['203.0.113.7', ' 203.0.113.7 ']) expect((await c.req({ url: `/api/bans?q=${encodeURIComponent(q)}` })).json().total).toBe(1);
    for (const q of ['2001:DB8:0::5', '[2001:db8::5]']) {
      expect((await c.req({ url: `/api/bans?q=${encodeURIComponent(q)}` })).json().rows[0].ip).toBe('2001:db8::5');
    }
    expect((await c.req({ url: '/api/bans?ip=2001:db8:0:0::5' })).json().total).toBe(1);
  });

  it('filters by state, pages and sorts', async () => {
    expect((await c.req({ url: '/api/bans?state=expired' })).json().rows.map((r: { ip: string }) => r.ip)).toEqual(['192.0.2.44']);
    const page = (await c.req({ url: '/api/bans?sort=ip&order=asc&limit=2&offset=1' })).json() as { total: number; rows: Array<{ ip: string }> };
    expect(page.total).toBe(4);
    expect(page.rows.map((r) => r.ip)).toEqual(['198.51.100.23', '2001:db8::5']);
    const byExpiry = (await c.req({ url: '/api/bans?sort=expires_at&order=desc&state=active' })).json().rows.map((r: { ip: string }) => r.ip);
    expect(byExpiry).toEqual(['198.51.100.23', '2001:db8::5', '203.0.113.7']);
  });

  it('returns a hostile account name and evidence exactly, as JSON data', async () => {
    const res = await c.req({ url: `/api/bans?q=${encodeURIComponent(HOSTILE)}` });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const row = res.json().rows[0] as { ip: string; accounts: string[]; evidence: Array<{ text: string }> };
    expect(row.ip).toBe('2001:db8::5');
    expect(row.accounts).toEqual([HOSTILE]);
    expect(row.evidence[0]?.text).toContain(`AccountID="${HOSTILE}"`);
  });

  it('validation errors name the parameter in plain words', async () => {
    const cases: Array<[string, string]> = [
      ['/api/bans?limit=0', 'limit: must be at least 1'],
      ['/api/bans?limit=5000', 'limit: must be at most 1000'],
      ['/api/bans?limit=ten', 'limit: must be a whole number'],
      ['/api/bans?offset=-1', 'offset: must be at least 0'],
      ['/api/bans?state=banned', 'state: must be one of active, expired, released, all'],
      ['/api/bans?sort=age', 'sort: must be one of newest, created_at, expires_at, ip'],
      ['/api/bans?order=up', 'order: must be one of asc, desc'],
      ['/api/bans?colour=red', 'unknown field "colour" in the query'],
      [`/api/bans?q=${'x'.repeat(201)}`, 'q: must be at most 200 characters'],
    ];
    for (const [url, message] of cases) {
      const res = await c.req({ url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ code: 'INVALID_REQUEST', message });
    }
  });
});

describe('manual ban and release', () => {
  it('a manual ban writes the ban, a change row for the daemon and an audit row, in one go', async () => {
    const res = await c.req({ method: 'POST', url: '/api/bans', payload: { ip: '203.0.113.50', duration: '1h', reason: 'scanner seen on the firewall' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ ip: '203.0.113.50', tier: 0, source: 'manual', state: 'active', expiresAt: t.clock.now + 3_600_000, reason: 'scanner seen on the firewall', createdBy: 'web:admin@127.0.0.1' });
    const changes = t.store.changesSince(0);
    expect(changes.map((ch) => [ch.kind, ch.ip])).toEqual([['ban', '203.0.113.50']]);
    const audit = t.store.listAudit(10).filter((a) => a.action === 'ban');
    expect(audit).toEqual([expect.objectContaining({ actor: 'web:admin@127.0.0.1', ip: '203.0.113.50', at: t.clock.now })]);
  });

  it('permanent bans have no end', async () => {
    const res = await c.req({ method: 'POST', url: '/api/bans', payload: { ip: '[2001:db8::99]', duration: 'permanent' } });
    expect(res.json()).toMatchObject({ ip: '2001:db8::99', expiresAt: null, reason: 'manual ban' });
  });

  it('release ends the ban and writes a release change row and an audit row', async () => {
    t.store.addBan(policyBan('203.0.113.7', ['104'], t.clock.now - 1000, t.clock.now + 3_000_000));
    const last = t.store.latestChangeId();
    const res = await c.req({ method: 'POST', url: '/api/bans/release', payload: { ip: '203.0.113.7' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ip: '203.0.113.7', state: 'released', releasedBy: 'web:admin@127.0.0.1', releasedAt: t.clock.now });
    expect(t.store.changesSince(last).map((ch) => [ch.kind, ch.ip])).toEqual([['release', '203.0.113.7']]);
    expect(t.store.listAudit(1)[0]).toMatchObject({ action: 'release', ip: '203.0.113.7', actor: 'web:admin@127.0.0.1' });
    expect(t.store.getActiveBan(ip('203.0.113.7'), t.clock.now)).toBeNull();
    const again = await c.req({ method: 'POST', url: '/api/bans/release', payload: { ip: '203.0.113.7' } });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toEqual({ code: 'NOT_BANNED', message: '203.0.113.7 is not banned' });
  });

  it('refuses protected addresses and says why', async () => {
    await t.controls.setNetworks({ internal: [], trusted: [parseCidr('198.51.100.0/24') as Cidr], trustedNames: [] }, 'test');
    const loop = await c.req({ method: 'POST', url: '/api/bans', payload: { ip: '127.0.0.1', duration: '1h' } });
    expect(loop.statusCode).toBe(409);
    expect(loop.json()).toEqual({ code: 'NEVER_BAN', message: 'refusing to ban 127.0.0.1: it is loopback or one of this host\'s own addresses' });
    const trusted = await c.req({ method: 'POST', url: '/api/bans', payload: { ip: '198.51.100.8', duration: '1h' } });
    expect(trusted.json()).toEqual({ code: 'NEVER_BAN', message: 'refusing to ban 198.51.100.8: it is on the trusted list (networks.trusted)' });
    expect(t.store.changesSince(0)).toEqual([]);
  });

  it('bans and releases a whole network, refuses one overlapping protected space, and says when a released address stays blocked by its network', async () => {
    const res = await c.req({ method: 'POST', url: '/api/bans', payload: { ip: '203.0.113.77/24', duration: '1h' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ ip: '203.0.113.0/24', state: 'active', source: 'manual' });
    t.store.addBan(policyBan('203.0.113.7', ['104'], t.clock.now - 1000, t.clock.now + 3_000_000));
    const inside = await c.req({ method: 'POST', url: '/api/bans/release', payload: { ip: '203.0.113.7' } });
    expect(inside.json()).toMatchObject({ ip: '203.0.113.7', state: 'released', stillBlockedBy: '203.0.113.0/24' });
    const found = await c.req({ url: '/api/bans?q=203.0.113.0/24&state=active' });
    expect(found.json().rows.map((b: { ip: string }) => b.ip)).toEqual(['203.0.113.0/24']);
    const net = await c.req({ method: 'POST', url: '/api/bans/release', payload: { ip: '203.0.113.0/24' } });
    expect(net.json()).toMatchObject({ ip: '203.0.113.0/24', state: 'released' });
    expect(net.json().stillBlockedBy).toBeUndefined();
    expect(t.store.changesSince(0).map((ch) => [ch.kind, ch.ip])).toEqual([['ban', '203.0.113.0/24'], ['release', '203.0.113.7'], ['release', '203.0.113.0/24']]);
    await t.controls.setNetworks({ internal: [], trusted: [parseCidr('198.51.100.9') as Cidr], trustedNames: [] }, 'test');
    const trusted = await c.req({ method: 'POST', url: '/api/bans', payload: { ip: '198.51.100.0/24', duration: '1h' } });
    expect(trusted.json()).toEqual({ code: 'NEVER_BAN', message: 'refusing to ban 198.51.100.0/24: it overlaps the trusted list (networks.trusted)' });
    const loop = await c.req({ method: 'POST', url: '/api/bans', payload: { ip: '126.0.0.0/7', duration: '1h' } });
    expect(loop.json().message).toBe('refusing to ban 126.0.0.0/7: it holds loopback, multicast or one of this host\'s own addresses');
    const bad = await c.req({ method: 'POST', url: '/api/bans', payload: { ip: '203.0.113.0/33', duration: '1h' } });
    expect(bad.json().message).toBe('not an IP address or network: "203.0.113.0/33"');
  });

  it('validation errors in plain words, nothing written', async () => {
    const cases: Array<[object, number, string]> = [
      [{ ip: 'not-an-address', duration: '1h' }, 400, 'not an IP address or network: "not-an-address"'],
      [{ ip: '203.0.113.9', duration: '1 hour' }, 400, 'duration: expected a duration like 30s, 1h, 24h, 7d, or permanent, got "1 hour"'],
      [{ ip: '203.0.113.9', duration: 60 }, 400, 'duration: expected a duration like 30s, 1h, 24h, 7d, or permanent, got 60 (a number needs a unit, e.g. 60s)'],
      [{ ip: '203.0.113.9' }, 400, 'duration: is required'],
      [{ ip: '203.0.113.9', duration: '1h', by: 'me' }, 400, 'unknown field "by" in the body'],
      [{ ip: '203.0.113.9', duration: '1h', reason: 'x'.repeat(501) }, 400, 'reason: must be at most 500 characters'],
    ];
    for (const [payload, status, message] of cases) {
      const res = await c.req({ method: 'POST', url: '/api/bans', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.json().message, JSON.stringify(payload)).toBe(message);
    }
    const bad = await c.req({ method: 'POST', url: '/api/bans', headers: { 'content-type': 'application/json' }, payload: '{"ip":' });
    expect(bad.json()).toEqual({ code: 'INVALID_REQUEST', message: 'the body is not valid JSON' });
    const release = await c.req({ method: 'POST', url: '/api/bans/release', payload: { address: '1.2.3.4' } });
    expect(release.json().message).toBe('ip: is required (and 1 more)');
    expect(t.store.changesSince(0)).toEqual([]);
  });
});
