/**
 * The ban export against a real store: exactly the active bans, one a line or as JSON;
 * `origin=local` leaves feeds' and other PBXs' copies out; the dashboard's session or the
 * machines' bearer token (a wrong one is reported like a wrong password), nothing else.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BanTarget } from '../domain/index.js';
import type { NewBan } from '../store/index.js';
import { login, startTestApi, type Client, type TestApi } from '../../test/support/kits/api.js';

const TOKEN = 'export-token-0123456789abcdef';
const H = 3_600_000;

let t: TestApi;
let c: Client;
beforeEach(async () => {
  t = await startTestApi({ exportToken: TOKEN });
  c = await login(t.app);
  const now = t.clock.now;
  const ban = (ip: string, expiresAt: number | null, createdBy?: string, createdAt = now - 60_000): NewBan => ({
    ip: ip as BanTarget, reason: createdBy ? `${createdBy}: listed` : '2 failures within 1h', tier: createdBy ? 0 : 1, source: 'policy', failures: 2,
    evidence: [], accounts: ['<img src=x onerror=alert(1)>'], createdAt, expiresAt, ...(createdBy ? { createdBy } : {}),
  });
  t.store.addBan(ban('203.0.113.7', now + H));
  t.store.addBan(ban('2001:db8::5', null));
  t.store.addBan(ban('198.51.100.0/24', now + H, 'feed:drop'));
  t.store.addBan(ban('192.0.2.9', now + H, 'cluster:pbx-2'));
  t.store.addBan(ban('192.0.2.44', now - H, undefined, now - 2 * H)); // expired
  t.store.addBan(ban('192.0.2.45', now + H));
  t.store.releaseBan('192.0.2.45' as BanTarget, now, 'cli:root');
  t.store.manualBan({ ip: '203.0.113.99' as BanTarget, expiresAt: null, reason: 'private note', actor: 'web:admin@10.0.0.2', at: now });
});
afterEach(async () => {
  await t.close();
});

describe('the ban export', () => {
  it('bans.txt: this PBX\'s own active bans, one a line; origin=all adds the copies', async () => {
    const res = await c.req({ url: '/api/export/bans.txt' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).toBe('203.0.113.7\n2001:db8::5\n203.0.113.99\n');
    const all = await c.req({ url: '/api/export/bans.txt?origin=all' });
    expect(all.body.split('\n').filter(Boolean).sort()).toEqual(['192.0.2.9', '198.51.100.0/24', '2001:db8::5', '203.0.113.7', '203.0.113.99']);
  });

  it('bans.json: targets, origins and times only — no reasons, accounts or names', async () => {
    const res = await c.req({ url: '/api/export/bans.json?origin=all' });
    const body = res.json() as { origin: string; total: number; generatedAt: number; bans: Array<Record<string, unknown>> };
    expect([body.origin, body.total, body.generatedAt]).toEqual(['all', 5, t.clock.now]);
    expect(body.bans.find((b) => b.ip === '198.51.100.0/24')).toEqual({ ip: '198.51.100.0/24', origin: 'feed:drop', createdAt: t.clock.now - 60_000, expiresAt: t.clock.now + H });
    expect(body.bans.find((b) => b.ip === '203.0.113.99')).toMatchObject({ origin: 'local', expiresAt: null });
    expect(res.body).not.toMatch(/img|private note|admin|listed/);
  });

  it('a machine pulls it with the bearer token; without it, or with a wrong one, nothing (and the wrong one counts as a failed login)', async () => {
    const ok = await t.app.inject({ url: '/api/export/bans.txt', headers: { authorization: `Bearer ${TOKEN}` } });
    expect([ok.statusCode, ok.body]).toEqual([200, '203.0.113.7\n2001:db8::5\n203.0.113.99\n']);
    expect((await t.app.inject({ url: '/api/export/bans.json' })).statusCode).toBe(401);
    const wrong = await t.app.inject({ url: '/api/export/bans.json', headers: { authorization: `Bearer ${TOKEN}x` }, remoteAddress: '198.51.100.77' });
    expect(wrong.statusCode).toBe(401);
    expect(t.loginFailures).toEqual([{ ip: '198.51.100.77', username: 'export-token', at: t.clock.now }]);
    expect((await t.app.inject({ url: '/api/export/bans.txt?origin=everything', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(400);
  });

  it('without a configured token, a bearer header opens nothing', async () => {
    const other = await startTestApi();
    try {
      expect((await other.app.inject({ url: '/api/export/bans.txt', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(401);
      expect(other.loginFailures).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
