/**
 * The alert settings through the API (inject, real store, the real SettingsControls):
 * read with the password hidden, changed with the config schema's words for a bad
 * value, the password kept when not sent, the audit trail without it; and the test
 * alert through a real SMTP server (STARTTLS, AUTH PLAIN) and a webhook on loopback,
 * with each channel's answer, a channel that fails included.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { login, startTestApi, type Client, type TestApi } from '../../test/support/kits/api.js';
import { SMTP_PASSWORD, SMTP_USER, startAlertKit, type AlertKit } from '../../test/e2e/alerts/kit.js';

let t: TestApi;
let c: Client;
let kit: AlertKit;
let dir: string;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-alerts-api-'));
  kit = await startAlertKit(dir);
  t = await startTestApi();
  c = await login(t.app);
});
afterEach(async () => {
  await t.close();
  await kit.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const body = (over: Record<string, unknown> = {}) => ({
  command: null, webhook: kit.webhook, kinds: ['permanent_ban', 'extension_compromised'], quiet: '10m', digest_after: 5, digest_window: '10m', stale_log: '1d',
  email: { host: '127.0.0.1', port: kit.smtpPort, security: 'starttls', user: SMTP_USER, password: SMTP_PASSWORD, password_file: null, from: 'pbx@example.net', to: ['admin@example.net'], ca: kit.caFile },
  ...over,
});

describe('/api/settings/alerts', () => {
  it('saves the channels through the settings controls and never sends the password back', async () => {
    const res = await c.req({ method: 'PUT', url: '/api/settings/alerts', payload: body() });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).not.toContain(SMTP_PASSWORD);
    expect(res.json()).toMatchObject({ webhook: kit.webhook, kinds: ['permanent_ban', 'extension_compromised'], email: { password_set: true, port: kit.smtpPort, security: 'starttls' } });
    expect(t.applied.at(-1)).toMatchObject({ changed: 'alerts', next: { alerts: { email: { password: SMTP_PASSWORD } } } });
    const audit = t.store.listAudit(5);
    expect(JSON.stringify(audit)).not.toContain(SMTP_PASSWORD);

    // Sent again without the password: the one in force is kept.
    const { password: _, ...noPassword } = body().email;
    const again = await c.req({ method: 'PUT', url: '/api/settings/alerts', payload: body({ email: noPassword, digest_after: 3 }) });
    expect(again.statusCode, again.body).toBe(200);
    expect(t.controls.alerts()).toMatchObject({ digestAfter: 3, email: { password: SMTP_PASSWORD } });
    const read = await c.req({ url: '/api/settings/alerts' });
    expect(read.json()).toMatchObject({ email: { password_set: true }, digest_after: 3 });
    expect(read.body).not.toContain(SMTP_PASSWORD);
  });

  it('refuses a bad value with the config file\'s words and changes nothing', async () => {
    const res = await c.req({ method: 'PUT', url: '/api/settings/alerts', payload: body({ kinds: ['permanent_ban', 'everything'], digest_window: 10, webhook: 'ftp://x' }) });
    expect(res.statusCode).toBe(400);
    const problems = (res.json() as { problems: Array<{ path: string; message: string }> }).problems;
    expect(problems.map((p) => p.path).sort()).toEqual(['digest_window', 'kinds', 'webhook']);
    expect(problems.find((p) => p.path === 'digest_window')?.message).toContain('a number needs a unit');
    expect(t.applied).toHaveLength(0);
  });

  it('the test alert goes through every channel in force and says how each fared', async () => {
    await c.req({ method: 'PUT', url: '/api/settings/alerts', payload: body({ command: path.join(dir, 'no-such-program') }) });
    const res = await c.req({ method: 'POST', url: '/api/settings/alerts/test' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      results: [
        { channel: 'command', target: path.join(dir, 'no-such-program'), ok: false, error: expect.stringContaining('cannot run') },
        { channel: 'webhook', target: kit.webhook, ok: true, error: null },
        { channel: 'email', target: `smtp://127.0.0.1:${kit.smtpPort}`, ok: true, error: null },
      ],
    });
    expect(kit.posts[0]).toMatchObject({ kind: 'test', host: os.hostname() });
    expect(kit.mails[0]).toMatchObject({ secure: true, user: SMTP_USER });
    expect(kit.mails[0]?.headers.subject).toBe(`[sipwarden ${os.hostname()}] Test alert`);
    expect(kit.mails[0]?.text).toMatch(/sent from the settings page by \S*admin/);
  });

  it('a wrong SMTP password is that channel\'s error, with no password in it', async () => {
    await c.req({ method: 'PUT', url: '/api/settings/alerts', payload: body({ webhook: null, email: { ...body().email, password: 'wrong-password-123' } }) });
    const res = await c.req({ method: 'POST', url: '/api/settings/alerts/test' });
    const [r] = (res.json() as { results: Array<{ ok: boolean; error: string }> }).results;
    expect(r?.ok).toBe(false);
    expect(r?.error).toMatch(/EAUTH|535/);
    expect(r?.error).not.toContain('wrong-password-123');
  });
});
