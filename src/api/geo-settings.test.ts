/**
 * The country policy through the API (inject, real store, the shipped country database,
 * a real Engine and a real config file written back): codes checked in the config
 * file's words, the lists saved into the file with its comments kept, the engine banning
 * by the new lists at once, the change audited with the dashboard user, an unwritable
 * file refused with nothing changed, and an allow list for `dashboard` that leaves out
 * the requesting client's own country refused unless the client is internal.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { login, startTestApi, type Client, type TestApi } from '../../test/support/kits/api.js';
import { loadConfig, renderDefaultConfig, type Config } from '../config/index.js';
import { GeoSettingsControl, geoPolicyInput } from '../daemon/geo-settings.js';
import { parseIp, type IpAddress } from '../domain/ip.js';
import type { AuthFailed } from '../domain/events.js';
import { policyInput, ruleInput, zoneInput } from '../daemon/inputs.js';
import { Engine } from '../engine/index.js';
import { openLocator, shippedCountryDatabase, type Locator } from '../geo/index.js';

const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
const GERMANY = '193.99.144.80';
const CHINA = '1.2.4.8';
const NORTH_KOREA = '175.45.176.1';

let dir: string;
let file: string;
let config: Config;
let engine: Engine;
let locator: Locator;
let t: TestApi;
let c: Client;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-geo-settings-'));
  file = path.join(dir, 'sipwarden.yaml');
  fs.writeFileSync(file, renderDefaultConfig());
  config = loadConfig(file).config;
  locator = await openLocator({ country: shippedCountryDatabase() });
  engine = new Engine(policyInput(config), zoneInput(config, [], undefined), { ...ruleInput(config), accounts: { extensions: ['1??'], trunks: ['itsp*'], roaming: [] } });
  engine.locate(locator.country);
  const geoSettings = new GeoSettingsControl(config.geo, {
    file, database: locator.databases.country, log: { warn: () => undefined }, apply: (g) => engine.setGeo(geoPolicyInput(g)),
  });
  t = await startTestApi({ geoSettings, where: locator.where });
  c = await login(t.app);
});
afterEach(async () => {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

let n = 0;
const fail = (ip: string, account: string): AuthFailed => ({
  kind: 'auth_failed', at: T0 + ++n, service: 'PJSIP', ip: parseIp(ip) as IpAddress, port: 5060, account, session: `s${n}`,
  signature: 'security-log', decoys: [], reason: 'wrong_password', detail: '', evidence: { source: 'security', line: n, text: '' },
});
const put = (payload: Record<string, unknown>, remoteAddress?: string) => c.req({ method: 'PUT', url: '/api/settings/geo', payload, ...(remoteAddress ? { remoteAddress } : {}) });

describe('/api/settings/geo', () => {
  it('shows the policy in force, the country database and where the client is', async () => {
    const res = await c.req({ url: '/api/settings/geo' });
    expect(res.statusCode, res.body).toBe(200);
    const v = res.json();
    expect(v).toMatchObject({ enabled: true, deny: [], allow: {}, database: { file: 'geo-whois-asn-country.mmdb' }, client: { ip: '127.0.0.1', country: null, internal: true } });
    expect(v.database.name).toMatch(/country/);
    expect(v.database.built_at).toBe(locator.databases.country?.builtAt);
  });

  it('saves the lists into the config file with its comments kept, puts them into force at once and audits the user', async () => {
    expect(engine.handle(fail(NORTH_KOREA, '101')).ruleBan).toBeNull();
    const res = await put({ deny: ['KP'], allow: { extension: ['DE', 'AT'] } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ deny: ['KP'], allow: { extension: ['DE', 'AT'] } });

    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('# Countries whose every failed login bans at once');
    expect(text).toContain('# Per kind of account, the only countries it may log in from');
    const saved = loadConfig(file).config.geo;
    expect(saved.deny).toEqual(['KP']);
    expect(saved.allow).toEqual({ extension: ['DE', 'AT'] });

    expect(engine.handle(fail(NORTH_KOREA, 'itsp-main')).ruleBan).toMatchObject({ ip: NORTH_KOREA, reason: 'country-denied' });
    expect(engine.handle(fail(CHINA, '101')).ruleBan).toMatchObject({ ip: CHINA, reason: 'country-not-allowed' });
    expect(engine.handle(fail(GERMANY, '101')).ruleBan).toBeNull();

    const audit = t.store.listAudit(5).find((a) => a.action === 'geo');
    expect(audit?.actor).toBe('web:admin@127.0.0.1');
    expect(JSON.parse(audit?.detail ?? '{}')).toEqual({ from: { deny: [], allow: {} }, to: { deny: ['KP'], allow: { extension: ['DE', 'AT'] } } });

    // Read back: what the page shows next.
    expect((await c.req({ url: '/api/settings/geo' })).json()).toMatchObject({ deny: ['KP'], allow: { extension: ['DE', 'AT'] } });
  });

  it('refuses unknown codes with the config file\'s words and changes nothing', async () => {
    const before = fs.readFileSync(file, 'utf8');
    const res = await put({ deny: ['XX', 'kp'], allow: { trunk: ['UK'], ami: [] } });
    expect(res.statusCode).toBe(400);
    const problems = (res.json() as { problems: Array<{ path: string; message: string }> }).problems;
    expect(problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: 'deny[0]', message: expect.stringContaining('two-letter country code') }),
      expect.objectContaining({ path: 'deny[1]', message: expect.stringContaining("did you mean 'KP'?") }),
      expect.objectContaining({ path: 'allow.trunk[0]', message: expect.stringContaining('the code of the United Kingdom is GB') }),
      expect.objectContaining({ path: 'allow.ami', message: expect.stringContaining('an empty list would refuse AMI logins from every country') }),
    ]));
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(t.store.listAudit(5).some((a) => a.action === 'geo')).toBe(false);
    expect(engine.handle(fail(NORTH_KOREA, '101')).ruleBan).toBeNull();
  });

  it('refuses a dashboard allow list that leaves out the country the admin connects from, unless the admin is internal', async () => {
    const before = fs.readFileSync(file, 'utf8');
    const shown = await c.req({ url: '/api/settings/geo', remoteAddress: GERMANY });
    expect(shown.json()).toMatchObject({ client: { ip: GERMANY, country: 'DE', internal: false } });

    const locked = await put({ deny: [], allow: { dashboard: ['AT', 'CH'] } }, GERMANY);
    expect(locked.statusCode).toBe(400);
    expect(locked.json()).toMatchObject({ problems: [{ path: 'allow.dashboard', message: expect.stringContaining('you are connecting from DE') }] });
    expect(fs.readFileSync(file, 'utf8')).toBe(before);

    // With the admin's own country in it: saved.
    expect((await put({ deny: [], allow: { dashboard: ['AT', 'DE'] } }, GERMANY)).statusCode).toBe(200);
    // From loopback (internal: the policy never judges it) a list without DE is taken.
    const inside = await put({ deny: [], allow: { dashboard: ['AT'] } });
    expect(inside.statusCode, inside.body).toBe(200);
    expect(loadConfig(file).config.geo.allow).toEqual({ dashboard: ['AT'] });
  });

  it('says so and changes nothing when the config file cannot be written', async () => {
    // A directory where the file should be: no one, root included, can write it.
    fs.rmSync(file);
    fs.mkdirSync(file);
    const res = await put({ deny: ['KP'], allow: {} });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'CONFIG_UNWRITABLE', message: expect.stringContaining('nothing was changed') });
    expect(fs.readdirSync(file)).toEqual([]);
    expect(engine.handle(fail(NORTH_KOREA, '101')).ruleBan).toBeNull();
    expect((await c.req({ url: '/api/settings/geo' })).json()).toMatchObject({ deny: [] });
    expect(t.store.listAudit(5).some((a) => a.action === 'geo')).toBe(false);
  });
});
