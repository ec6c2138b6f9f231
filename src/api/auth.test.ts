/**
 * Authentication, sessions, CSRF and the login limit, through `inject` against a real
 * store.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setAdminPassword } from './password.js';
import { login, startTestApi, TEST_PASSWORD, type TestApi } from '../../test/support/kits/api.js';

let t: TestApi;
afterEach(async () => {
  await t?.close();
});

const loginAs = (username: string, password: string, ip = '127.0.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/login', payload: { username, password }, remoteAddress: ip });

describe('login and logout', () => {
  it('refuses every /api route without a session, but not /healthz', async () => {
    t = await startTestApi();
    for (const url of ['/api/bans', '/api/failures', '/api/stats', '/api/settings', '/api/health', '/api/audit', '/api/nope']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(401);
      expect(res.json()).toEqual({ code: 'AUTH_REQUIRED', message: 'log in first' });
    }
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ ok: true });
  });

  it('logs in with the right password: HttpOnly, SameSite=Strict cookie, a CSRF token, an audit row', async () => {
    t = await startTestApi();
    const res = await loginAs('admin', TEST_PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies[0] as { name: string; httpOnly?: boolean; sameSite?: string; secure?: boolean; path?: string };
    expect(cookie).toMatchObject({ name: 'sipwarden_session', httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie.secure).toBeFalsy();
    const body = res.json() as { user: string; csrfToken: string };
    expect(body.user).toBe('admin');
    expect(body.csrfToken).toMatch(/^[\w-]{40,}$/);
    expect(t.store.listAudit(10).map((a) => [a.action, a.actor])).toEqual([['login', 'web:admin@127.0.0.1']]);
    expect(t.loginFailures).toEqual([]);
  });

  it('reports each failed login to the daemon with address and (attacker-chosen) user name', async () => {
    t = await startTestApi();
    const hostile = '<img src=x onerror=alert(1)>';
    expect((await loginAs('admin', 'wrong password', '203.0.113.9')).json()).toEqual({ code: 'LOGIN_FAILED', message: 'wrong user name or password' });
    expect((await loginAs(hostile, TEST_PASSWORD, '203.0.113.9')).statusCode).toBe(401);
    expect(t.loginFailures).toEqual([
      { ip: '203.0.113.9', username: 'admin', at: t.clock.now },
      { ip: '203.0.113.9', username: hostile, at: t.clock.now },
    ]);
  });

  it('session probe, then logout ends the session and clears the cookie', async () => {
    t = await startTestApi();
    const c = await login(t.app);
    expect((await c.req({ url: '/api/session' })).json()).toMatchObject({ user: 'admin', csrfToken: c.csrf });
    const out = await c.req({ method: 'POST', url: '/api/logout' });
    expect(out.statusCode).toBe(204);
    expect(out.cookies[0]).toMatchObject({ name: 'sipwarden_session', value: '' });
    expect((await c.req({ url: '/api/session' })).statusCode).toBe(401);
    expect((await c.req({ url: '/api/bans' })).statusCode).toBe(401);
    expect(t.store.listAudit(10).map((a) => a.action)).toEqual(['logout', 'login']);
  });

  it('a changed password (sipwarden passwd) logs out open sessions', async () => {
    t = await startTestApi();
    const c = await login(t.app);
    await setAdminPassword(t.store, 'a brand new password');
    expect((await c.req({ url: '/api/bans' })).statusCode).toBe(401);
    await expect(login(t.app)).rejects.toThrow(/401/);
    await login(t.app, 'a brand new password');
  });

  it('sessions expire after the idle time', async () => {
    t = await startTestApi({ sessions: { idleMs: 60_000 } });
    const c = await login(t.app);
    t.clock.now += 59_000;
    expect((await c.req({ url: '/api/bans' })).statusCode).toBe(200);
    t.clock.now += 61_000;
    expect((await c.req({ url: '/api/bans' })).statusCode).toBe(401);
  });

  it('with no password set, nobody can log in', async () => {
    t = await startTestApi();
    t.store.setMeta('admin_password', 'not-a-hash');
    expect((await loginAs('admin', TEST_PASSWORD)).statusCode).toBe(401);
  });

  it('rejects a login that is not JSON (no cross-site form or text/plain post)', async () => {
    t = await startTestApi();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/login', headers: { 'content-type': type }, payload: `username=admin&password=${TEST_PASSWORD}` });
      expect(res.statusCode, type).toBe(415);
    }
  });
});

describe('CSRF', () => {
  it('refuses every state change without the session token, with a wrong one, or with another session\'s', async () => {
    t = await startTestApi();
    const c = await login(t.app);
    const other = await login(t.app);
    const changes = [
      { method: 'POST', url: '/api/bans', payload: { ip: '203.0.113.7', duration: '1h' } },
      { method: 'POST', url: '/api/bans/release', payload: { ip: '203.0.113.7' } },
      { method: 'PUT', url: '/api/settings/protection', payload: { protection: 'off' } },
      { method: 'PUT', url: '/api/settings/policy', payload: { tiers: [{ failures: 3, within: '1h', ban: '1h' }] } },
      { method: 'PUT', url: '/api/settings/networks', payload: { internal: [], trusted: [] } },
      { method: 'POST', url: '/api/logout' },
    ] as const;
    for (const r of changes) {
      for (const token of [undefined, 'x'.repeat(c.csrf.length), other.csrf]) {
        const headers: Record<string, string> = { cookie: c.cookie };
        if (token !== undefined) headers['x-csrf-token'] = token;
        const res = await t.app.inject({ ...r, headers });
        expect(res.statusCode, `${r.method} ${r.url} ${token ?? 'none'}`).toBe(403);
        expect(res.json().code).toBe('CSRF_REJECTED');
      }
    }
    expect(t.store.changesSince(0)).toEqual([]);
    expect(t.applied).toEqual([]);
    expect(t.controls.protection()).toBe('on');
    expect((await c.req({ method: 'PUT', url: '/api/settings/protection', payload: { protection: 'off' } })).statusCode).toBe(200);
  });
});

describe('login limit: nobody can lock the owner out', () => {
  it('a local user\'s wrong passwords never refuse the owner\'s right one from the same address (every SSH tunnel is 127.0.0.1)', async () => {
    t = await startTestApi();
    // Before: the sixth login within a minute was answered 429 without checking the password, the right one too.
    for (let i = 0; i < 5; i++) expect((await loginAs('admin', `guess ${i}`, '127.0.0.1')).statusCode).toBe(401);
    const owner = await loginAs('admin', TEST_PASSWORD, '127.0.0.1');
    expect(owner.statusCode).toBe(200);
    expect(owner.json()).toMatchObject({ user: 'admin' });
    // A flood does not change that, and each wrong password beyond the limit is told to wait.
    for (let i = 0; i < 10; i++) {
      const wrong = await loginAs('admin', `flood ${i}`, '127.0.0.1');
      expect(wrong.statusCode).toBe(429);
      expect(wrong.headers['retry-after']).toBe('60');
      expect(wrong.json()).toEqual({ code: 'RATE_LIMITED', message: 'too many wrong passwords from this address; wait 60 s (the right password still logs in)' });
    }
    expect((await loginAs('admin', TEST_PASSWORD, '127.0.0.1')).statusCode).toBe(200);
  });

  it('every wrong password still reaches the daemon, so guessing from outside is banned there (service HTTP)', async () => {
    t = await startTestApi();
    for (let i = 0; i < 8; i++) await loginAs('admin', `guess ${i}`, '198.51.100.4');
    expect(t.loginFailures).toHaveLength(8);
    expect(t.loginFailures.every((f) => f.ip === '198.51.100.4' && f.username === 'admin')).toBe(true);
  });

  it('the limit is per address and per window', async () => {
    t = await startTestApi();
    for (let i = 0; i < 5; i++) await loginAs('admin', `guess ${i}`, '198.51.100.4');
    expect((await loginAs('admin', 'one more', '198.51.100.4')).statusCode).toBe(429);
    expect((await loginAs('admin', 'elsewhere', '198.51.100.5')).statusCode).toBe(401);
    t.clock.now += 61_000;
    expect((await loginAs('admin', 'later', '198.51.100.4')).statusCode).toBe(401);
  });
});

describe('TLS', () => {
  it('under TLS the session cookie is Secure and __Host- prefixed', async () => {
    const dir = join(process.env.TMPDIR ?? '/tmp', `sipwarden-tls-${process.pid}`);
    execFileSync('mkdir', ['-p', dir]);
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    if (!existsSync(cert)) {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    }
    t = await startTestApi({ tls: { cert, key } });
    const res = await loginAs('admin', TEST_PASSWORD);
    expect(res.cookies[0]).toMatchObject({ name: '__Host-sipwarden', secure: true, httpOnly: true, sameSite: 'Strict', path: '/' });
    execFileSync('rm', ['-rf', dir]);
  });
});
