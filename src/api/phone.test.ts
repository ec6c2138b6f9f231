/**
 * Remote phones over the API (issue 13, part 1): the roaming list and the
 * extensions-only switch read and edited with the config file's words; "This is my
 * phone" on an extension-from-external or extension-compromised ban makes the account
 * roaming and/or trusts the address, releases the ban and audits it, refusing any other
 * ban, an account the ban does not name, a wildcard, and releasing nothing when the
 * settings cannot be saved.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SipwardenError, type IpAddress } from '../domain/index.js';
import { login, defaultSettings, startTestApi, type Client, type TestApi } from '../../test/support/kits/api.js';
import { SettingsControls } from './controls.js';

const H = 3_600_000;
const PHONE = '192.0.2.44' as IpAddress;

let t: TestApi;
let c: Client;
async function open(controls?: SettingsControls): Promise<void> {
  t = await startTestApi(controls ? { controls } : {});
  c = await login(t.app);
}
afterEach(async () => {
  await t.close();
});

const banned = (reason: string, accounts = ['201']) => t.store.addBan({
  ip: PHONE, reason, tier: 0, source: 'policy', failures: 1, evidence: [], accounts, createdAt: t.clock.now - H, expiresAt: reason === 'extension-from-external' ? t.clock.now + 23 * H : null,
});
const myPhone = (body: object) => c.req({ method: 'POST', url: '/api/bans/my-phone', payload: { ip: PHONE, account: '201', roaming: true, trust: false, ...body } });

describe('roaming accounts in the settings', () => {
  beforeEach(() => open());

  it('reads and replaces the roaming list and the extensions-only switch, audited', async () => {
    expect((await c.req({ url: '/api/settings/accounts' })).json()).toEqual({ roaming: [], extensions_internal_only: false });
    const res = await c.req({ method: 'PUT', url: '/api/settings/accounts', payload: { roaming: [' 201 ', '3??', ''], extensions_internal_only: true } });
    expect(res.json()).toEqual({ roaming: ['201', '3??'], extensions_internal_only: true });
    expect(t.applied.map((a) => [a.changed, a.next.accounts])).toEqual([['accounts', { roaming: ['201', '3??'], extensionsInternalOnly: true }]]);
    expect(JSON.parse(t.store.listAudit(1)[0]?.detail ?? '')).toEqual({ from: { roaming: [], extensions_internal_only: false }, to: { roaming: ['201', '3??'], extensions_internal_only: true } });
  });

  it('says what is wrong with a pattern in the config file\'s words, and changes nothing', async () => {
    const res = await c.req({ method: 'PUT', url: '/api/settings/accounts', payload: { roaming: ['20 1'], extensions_internal_only: true } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/^roaming\[0\]: /);
    expect(t.applied).toEqual([]);
  });
});

describe('This is my phone', () => {
  beforeEach(() => open());

  it('makes the extension roaming, releases the ban, and audits it', async () => {
    banned('extension-from-external');
    const res = await myPhone({});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      ip: PHONE, account: '201', roaming: true, trusted: false, released: true,
      message: 'extension "201" may register from anywhere (accounts.roaming); the ban is released. A stolen secret would now work from there too: keep the extension\'s password strong.',
    });
    expect(t.controls.accounts().roaming).toEqual(['201']);
    expect(t.store.getActiveBan(PHONE, t.clock.now)).toBeNull();
    const audit = t.store.listAudit(5).find((a) => a.action === 'my_phone');
    expect(audit).toMatchObject({ ip: PHONE, actor: 'web:admin@127.0.0.1' });
    expect(JSON.parse(audit?.detail ?? '')).toEqual({ account: '201', roaming: true, trust: false, ban: 'extension-from-external', released: true });
  });

  it('trusts the address instead, for a compromise ban made right after a release', async () => {
    banned('extension-compromised-after-release');
    const res = await myPhone({ roaming: false, trust: true });
    expect(res.json()).toMatchObject({ roaming: false, trusted: true, released: true });
    expect(t.controls.networks().trusted).toEqual(['192.0.2.44/32']);
    expect(t.controls.accounts().roaming).toEqual([]);
    expect(t.controls.zoneOf(PHONE)).toBe('trusted');
  });

  it('refuses another kind of ban, an account the ban does not name, a wildcard, and saying nothing', async () => {
    banned('tier 1');
    expect((await myPhone({})).json().message).toBe('ip: this ban was made by "tier 1", not because an extension was used from outside; release it instead');
    await open();
    banned('extension-compromised', ['201', '2*']);
    expect((await myPhone({ account: '999' })).json().message).toBe('account: the ban of 192.0.2.44 names no account "999"');
    expect((await myPhone({ account: '2*' })).json().message).toBe('account: an account name with * or ? would be a pattern for other accounts too; add it to the roaming list by hand');
    expect((await myPhone({ roaming: false })).json().message).toBe('roaming: say how to recognise the phone: make the extension roaming, trust the address, or both');
    expect(t.store.getActiveBan(PHONE, t.clock.now)).not.toBeNull();
    expect(t.applied).toEqual([]);
    const notBanned = await c.req({ method: 'POST', url: '/api/bans/my-phone', payload: { ip: '198.51.100.7', account: '201', roaming: true, trust: false } });
    expect(notBanned.statusCode).toBe(404);
  });
});

describe('This is my phone when the config file cannot be written', () => {
  it('says so and releases nothing', async () => {
    const failing = new SettingsControls(defaultSettings(), () => {
      throw new SipwardenError('CONFIG_UNWRITABLE', 'cannot write the config file /etc/sipwarden/sipwarden.yaml: the file system is read-only; nothing was changed (edit the file by hand, or make it writable by the sipwarden daemon)');
    });
    await open(failing);
    banned('extension-from-external');
    const res = await myPhone({});
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ code: 'CONFIG_UNWRITABLE', message: 'cannot write the config file /etc/sipwarden/sipwarden.yaml: the file system is read-only; nothing was changed (edit the file by hand, or make it writable by the sipwarden daemon)' });
    expect(t.store.getActiveBan(PHONE, t.clock.now)).not.toBeNull();
    expect(failing.accounts().roaming).toEqual([]);
  });
});
