/**
 * The schema table against the real server: it mounts exactly the table's routes, each
 * with the table's schema object, and every JSON reply (of data seeded to reach each
 * optional shape) and a live-stream row match their schema, with no field left out of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Check, Errors } from 'typebox/value';
import type { TSchema } from 'typebox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Health as DaemonHealth } from '../deps.js';
import { createApiServer } from '../server.js';
import { defaultConfig } from '../../config/index.js';
import { fraudControls } from '../../daemon/fraud-controls.js';
import { policyInput, ruleInput, zoneInput } from '../../daemon/inputs.js';
import { parseIp, type IpAddress } from '../../domain/index.js';
import { Engine } from '../../engine/index.js';
import { FraudDecider } from '../../fraud/decide.js';
import type { FailureRow } from '../../store/index.js';
import { login, startTestApi, TEST_PASSWORD, type Client, type TestApi } from '../../../test/support/kits/api.js';
import { ErrorBody, Failure, ROUTES, type RouteKey } from './index.js';

const ip = (s: string) => parseIp(s) as IpAddress;

/** Every optional part of the overview's health present, as a live daemon with faults reports it. */
const HEALTH: DaemonHealth = {
  sources: [
    { path: '/var/log/asterisk/security', exists: true, offset: 1234, lines: 10, lagMs: 0 },
    { path: '/var/log/asterisk/messages', exists: false, offset: 0, lines: 0, lagMs: null, error: 'missing' },
  ],
  ami: { host: '127.0.0.1', port: 5038, connected: false, since: 1_764_000_000_000, lastError: 'connection refused' },
  firewall: {
    backend: 'dry-run', lastError: null,
    watch: { mode: 'ports', ports: [{ port: 5060, proto: 'udp', service: 'PJSIP', from: 'pjsip.conf' }, { port: 4569, proto: null, service: null, from: 'default' }], notes: ['a note'] },
  },
  store: {
    state: 'degraded',
    faults: [{ part: 'store', kind: 'full', code: 'SQLITE_FULL', message: 'database or disk is full', advice: 'free space', since: 1, failures: 2, retryAt: 3 }],
    pending: { failures: 4, bans: 1, logLines: 2 },
    dropped: { failures: 0, bans: 0, logLines: 0 },
    reset: { at: 5, aside: 'sipwarden.db.damaged', message: 'the damaged store was kept aside' },
  },
  asteriskLoss: { dropped: 12, episodes: 1, lastAt: 6, source: '/var/log/asterisk/messages' },
};

function failure(addr: string, account: string, at: number): FailureRow {
  return {
    at, ip: ip(addr), port: 5060, service: 'PJSIP', account, reason: 'wrong_password', zone: 'external', action: 'counted',
    source: '/var/log/asterisk/security', line: 1, raw: `AccountID="${account}"`,
  };
}

/** A request of each route that succeeds over the seeded store (`anon`: without the session, which logging in again would end). */
const REQUESTS: Partial<Record<RouteKey, { query?: string; body?: object; anon?: boolean }>> = {
  'POST /api/login': { body: { username: 'admin', password: TEST_PASSWORD }, anon: true },
  'GET /api/bans': { query: '?state=all' },
  'POST /api/bans': { body: { ip: '203.0.113.50', duration: '1h', reason: 'scanner' } },
  'POST /api/bans/release': { body: { ip: '203.0.113.9' } },
  'POST /api/bans/my-phone': { body: { ip: '192.0.2.44', account: '201', roaming: true, trust: true } },
  'GET /api/failures': {},
  'PUT /api/settings/protection': { body: { protection: 'off' } },
  'PUT /api/settings/networks': { body: { internal: ['192.168.0.0/16'], trusted: ['198.51.100.8', 'sip.example.net'] } },
  'PUT /api/settings/policy': { body: { tiers: [{ failures: 3, within: '1h', ban: '1h' }, { failures: 10, within: '1d', ban: 'permanent' }] } },
  'PUT /api/settings/subnets': { body: { enabled: false, addresses: 5, within: '1d', ban: '1d', ipv4_prefix: 24, ipv6_prefix: 64 } },
  'PUT /api/settings/accounts': { body: { roaming: ['201'], extensions_internal_only: true } },
  'GET /api/audit': { query: '?limit=5' },
  'PUT /api/settings/alerts': { body: { command: null, webhook: null, email: null, kinds: ['permanent_ban'], quiet: '10m', digest_after: 5, digest_window: '10m', stale_log: null } },
  'POST /api/calls/allow': { body: { account: '100' } },
  'PUT /api/settings/geo': { body: { deny: ['KP'], allow: { extension: ['DE', 'AT'] } } },
  'PUT /api/calls/rules': { body: { rules: [{ rule: 'calls', max: 3, within: '10m', action: ['hangup', 'alert'] }, { rule: 'hours', from: '08:00', to: '18:00', days: ['mon'], action: ['alert'] }], never_stop: ['112'], home_country: 'DE' } },
};

const errorsOf = (schema: TSchema, value: unknown) => Errors(schema, value).map((e) => `${e.instancePath} ${e.message}`);

let t: TestApi;
let c: Client;
let configDir: string;
beforeEach(async () => {
  // A real toll-fraud guard whose rules the Calls page's editor saves into a config file of the test's own.
  configDir = mkdtempSync(join(tmpdir(), 'sipwarden-schemas-'));
  const config = defaultConfig({ fileExists: () => false });
  const decider = new FraudDecider(new Engine(policyInput(config), zoneInput(config), ruleInput(config)), config.fraud);
  const fraud = fraudControls(config.fraud, decider.guard, { pollAllows: () => undefined }, { file: join(configDir, 'sipwarden.yaml'), decider, log: { warn: () => undefined } });
  t = await startTestApi({ health: HEALTH, fraud });
  c = await login(t.app);
});
afterEach(async () => {
  await t.close();
  rmSync(configDir, { recursive: true, force: true });
});

describe('the route table', () => {
  it('is what the server mounts: every route, with the table entry as its schema', async () => {
    const app = createApiServer(t.deps, { listen: { host: '127.0.0.1', port: 0 } });
    const mounted = new Map<string, unknown>();
    app.addHook('onRoute', (r) => {
      for (const m of [r.method].flat()) if (m !== 'HEAD') mounted.set(`${m} ${r.url}`, r.schema);
    });
    await app.ready();
    // /healthz and /metrics are mounted before a hook can be added: their presence is checked here, their schemas by reading server.ts.
    for (const url of ['/healthz', '/metrics']) {
      expect(app.hasRoute({ method: 'GET', url }), url).toBe(true);
      mounted.set(`GET ${url}`, ROUTES[`GET ${url}` as RouteKey]);
    }
    await app.close();
    expect([...mounted.keys()].sort()).toEqual(Object.keys(ROUTES).sort());
    for (const [key, entry] of Object.entries(ROUTES)) {
      if (Object.keys(entry).length === 0) expect(mounted.get(key), key).toBeUndefined();
      else expect(mounted.get(key), key).toBe(entry);
    }
  });
});

describe('replies match their schemas', () => {
  beforeEach(() => {
    const now = t.clock.now;
    t.store.addBan({
      ip: ip('203.0.113.9'), reason: '2 failures within 1h', tier: 1, source: 'policy', failures: 2,
      evidence: [{ source: '/var/log/asterisk/security', line: 10, text: 'SecurityEvent="InvalidPassword"' }], accounts: ['104'],
      createdAt: now - 60_000, expiresAt: now + 3_600_000,
    });
    t.store.addFailures([failure('203.0.113.9', '104', now - 2_000), failure('198.51.100.2', '<img src=x>', now - 1_000)]);
    t.store.addBan({
      ip: ip('192.0.2.44'), reason: 'extension-from-external', tier: 0, source: 'policy', failures: 1, evidence: [], accounts: ['201'],
      createdAt: now - 60_000, expiresAt: now + 86_400_000,
    });
  });

  it('every JSON route, with the optional parts present', async () => {
    for (const [key, schema] of Object.entries(ROUTES)) {
      const response = (schema as { response?: Record<number, TSchema> }).response;
      if (!response) continue;
      const [method = 'GET', url = ''] = key.split(' ');
      const r = REQUESTS[key as RouteKey] ?? {};
      const send = r.anon ? t.app.inject.bind(t.app) : c.req;
      const res = await send({ method: method as 'GET', url: `${url}${r.query ?? ''}`, ...(r.body ? { payload: r.body } : {}) });
      const status = Number(Object.keys(response)[0]);
      expect(res.statusCode, `${key}: ${res.body}`).toBe(status);
      const body: unknown = res.json();
      expect(errorsOf(response[status] as TSchema, body), key).toEqual([]);
      expect(Check(response[status] as TSchema, body), key).toBe(true);
    }
  });

  it('a release still held by a network ban says which network', async () => {
    await c.req({ method: 'POST', url: '/api/bans', payload: { ip: '203.0.113.0/24', duration: '1h' } });
    const res = await c.req({ method: 'POST', url: '/api/bans/release', payload: { ip: '203.0.113.9' } });
    expect(res.json()).toMatchObject({ stillBlockedBy: '203.0.113.0/24' });
    expect(errorsOf(ROUTES['POST /api/bans/release'].response[200], res.json())).toEqual([]);
  });

  it('a refusal is an ErrorBody; a stored failure row is what the live stream sends', async () => {
    const res = await c.req({ url: '/api/bans?limit=0&colour=red' });
    expect(res.statusCode).toBe(400);
    expect(errorsOf(ErrorBody, res.json())).toEqual([]);
    expect(errorsOf(Failure, failure('203.0.113.7', '105', t.clock.now))).toEqual([]);
  });
});
