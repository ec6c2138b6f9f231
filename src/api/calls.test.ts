/**
 * The Calls page's API over a real store: the guard's findings from its `toll_fraud`
 * audit records in plain words (attacker text kept as data), allowing an account
 * written as the CLI's `allow_calls` record with the dashboard user, a bad account name
 * refused with nothing written, "calls stopped today" counted from 00:00 UTC, and the
 * cluster panel's view (off, and a node's health); the rules editor saving into a real
 * config file (comments kept) and putting the rules into force in a real guard, refusing
 * bad rules, a silent drop of 112/911 and an unwritable file with nothing changed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, T0 } from '../../test/support/calls.js';
import { login, startTestApi, type Client, type TestApi } from '../../test/support/kits/api.js';
import { parseConfigText } from '../config/index.js';
import { fraudControls } from '../daemon/fraud-controls.js';
import { policyInput, ruleInput, zoneInput } from '../daemon/inputs.js';
import { Engine } from '../engine/index.js';
import { FraudDecider } from '../fraud/decide.js';
import { clusterView } from './routes-cluster.js';
import { createApiServer } from './server.js';

const HOSTILE = '<img src=x onerror=alert(1)>';

let t: TestApi;
let c: Client;
beforeEach(async () => {
  t = await startTestApi();
  c = await login(t.app);
});
afterEach(async () => {
  await t.close();
});

function finding(at: number, account: string, rule: string, hangup: number, dialled = '0118823456789'): void {
  t.store.addAudit({
    at, actor: 'sipwarden', action: 'toll_fraud', ip: '203.0.113.5',
    detail: JSON.stringify({ account, rule, destination: '+8823456789', country: '001', dialled, actions: ['hangup', 'suspend', 'ban', 'alert'], calls: 1, channel: 'PJSIP/100-0000000e', hangup }),
  });
}

describe('GET /api/calls', () => {
  it('lists the guard\'s findings newest first, the rule in plain words, attacker text as data', async () => {
    finding(t.clock.now - 60_000, '100', 'high_risk', 1);
    finding(t.clock.now - 30_000, HOSTILE, 'suspended', 2, `${HOSTILE}\n`);
    t.store.addAudit({ at: t.clock.now, actor: 'sipwarden', action: 'toll_fraud', ip: null, detail: 'not json' });
    const res = await c.req({ url: '/api/calls' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.enabled).toBe(false);
    expect(body.alerts.map((a: { account: string; rule: string; words: string; dialled: string; hangups: number }) => [a.account, a.rule, a.words, a.dialled, a.hangups])).toEqual([
      [HOSTILE, 'suspended', 'a call from an account already suspended', `${HOSTILE}\n`, 2],
      ['100', 'high_risk', 'a call to a high-risk destination', '0118823456789', 1],
    ]);
    expect(res.headers['content-type']).toContain('application/json');
  });
});

describe('POST /api/calls/allow', () => {
  it('writes the allow_calls record with the dashboard user, as sipwarden allow-calls does', async () => {
    t.store.setMeta('fraud.suspended', JSON.stringify([{ account: '100', at: t.clock.now - 1000, rule: 'high_risk' }]));
    const res = await c.req({ method: 'POST', url: '/api/calls/allow', payload: { account: '100' } });
    expect(res.json()).toEqual({ account: '100', wasSuspended: true });
    const audit = t.store.listAudit(5).find((a) => a.action === 'allow_calls');
    expect(audit).toMatchObject({ actor: 'web:admin@127.0.0.1' });
    expect(JSON.parse(audit?.detail ?? '{}')).toEqual({ account: '100', wasSuspended: true });
  });

  it('refuses a name that is no account, in plain words, and writes nothing', async () => {
    const res = await c.req({ method: 'POST', url: '/api/calls/allow', payload: { account: '100; rm -rf /' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().problems).toEqual([{ path: 'account', message: 'not an account name: "100; rm -rf /"' }]);
    expect(t.store.listAudit(5).filter((a) => a.action === 'allow_calls')).toEqual([]);
  });
});

describe('calls stopped today', () => {
  it('sums the calls hung up since 00:00 UTC, read again as findings arrive', async () => {
    const midnight = t.clock.now - (t.clock.now % 86_400_000);
    finding(midnight - 60_000, '100', 'high_risk', 5); // yesterday
    finding(midnight + 60_000, '100', 'high_risk', 1);
    finding(midnight + 120_000, '101', 'calls/1m', 3);
    finding(midnight + 180_000, '102', 'new_country', 0);
    expect((await c.req({ url: '/api/stats' })).json().callsStoppedToday).toBe(4);
    finding(t.clock.now - 1000, '103', 'high_risk', 2);
    t.clock.now += 1;
    expect((await c.req({ url: '/api/stats' })).json().callsStoppedToday).toBe(6);
  });
});

describe('GET /api/cluster', () => {
  it('says cluster mode is off without a cluster part', async () => {
    expect((await c.req({ url: '/api/cluster' })).json()).toEqual({ node: null, now: t.clock.now });
  });

  it('shows a node\'s name, group, Redis state and the nodes seen, newest first', () => {
    const v = clusterView({
      name: 'pbx-a', group: 'office', count: 'shared', link: { state: 'down', since: 5, lastError: 'connect ECONNREFUSED' },
      outbox: { published: 0, dropped: 0, waiting: 0 }, inbox: { received: 7, applied: 6, own: 0, duplicates: 1, malformed: 0 },
      nodes: { 'pbx-a': 100, 'pbx-b': 200 },
    }, 300);
    expect(v).toEqual({
      now: 300,
      node: {
        name: 'pbx-a', group: 'office', count: 'shared', redis: { state: 'down', since: 5, lastError: 'connect ECONNREFUSED' },
        nodes: [{ name: 'pbx-b', lastSeen: 200 }, { name: 'pbx-a', lastSeen: 100 }], received: 7, applied: 6,
      },
    });
  });
});

describe('PUT /api/calls/rules', () => {
  const CONFIG = [
    '# the PBX in the office',
    'fraud:',
    '  # emergency numbers first',
    '  never_stop: ["112", "911"]',
    '  rules:',
    '    - { rule: calls, max: 8, within: 1m, action: [hangup, alert] }',
    '    - { rule: high_risk, action: [hangup, suspend, ban, alert] }',
    '',
  ].join('\n');

  /** An API over the test's store with a real guard (FraudDecider over an Engine) whose rules are saved into `file`. */
  async function withGuard(file: string | undefined) {
    const config = parseConfigText(CONFIG, 'test.yaml', { fileExists: () => false });
    const decider = new FraudDecider(new Engine(policyInput(config), zoneInput(config), ruleInput(config)), config.fraud);
    const fraud = fraudControls(config.fraud, decider.guard, { pollAllows: () => undefined }, { file, decider, log: { warn: () => undefined } });
    const app = createApiServer({ ...t.deps, fraud }, { listen: { host: '127.0.0.1', port: 0 } });
    await app.ready();
    return { app, decider, client: await login(app) };
  }
  const body = (max: number, neverStop = ['112', '911']) => ({
    rules: [{ rule: 'calls', max, within: '10m', action: ['hangup', 'alert'] }],
    never_stop: neverStop, home_country: 'DE',
  });
  const feedCalls = (decider: FraudDecider, n: number) =>
    Array.from({ length: n }, (_, i) => decider.decide(call('100', '5551234567').begin(T0 + i * 1000), T0 + i * 1000)).flat()
      .filter((e) => e.kind === 'hangup').length;

  it('saves the rules into the config file with its comments, puts them into force in the guard and audits the user', async () => {
    const file = join(t.dir, 'sipwarden.yaml');
    writeFileSync(file, CONFIG);
    const g = await withGuard(file);
    try {
      const res = await g.client.req({ method: 'PUT', url: '/api/calls/rules', payload: body(2) });
      expect(res.statusCode).toBe(200);
      expect(res.json().rules).toEqual([{ name: 'calls/10m', words: 'more than 2 calls within 10m', actions: ['hangup', 'alert'], file: { rule: 'calls', max: 2, within: '10m', action: ['hangup', 'alert'] } }]);
      expect(res.json().settings.homeCountry).toBe('DE');
      const text = readFileSync(file, 'utf8');
      for (const kept of ['# the PBX in the office', '# emergency numbers first', 'never_stop: [ "112", "911" ]', 'home_country: DE', 'max: 2', 'within: 10m']) expect(text).toContain(kept);
      expect(text).not.toContain('high_risk');
      expect(readFileSync(`${file}.bak`, 'utf8')).toBe(CONFIG);
      // The guard judges by the new rule: the third call within 10 minutes is hung up.
      expect(feedCalls(g.decider, 3)).toBe(1);
      const audit = t.store.listAudit(5).find((a) => a.action === 'fraud_rules');
      expect(audit?.actor).toBe('web:admin@127.0.0.1');
      expect(JSON.parse(audit?.detail ?? '{}').to).toEqual({ home_country: 'DE', never_stop: ['112', '911'], rules: [{ rule: 'calls', max: 2, within: '10m', action: ['hangup', 'alert'] }] });
    } finally {
      await g.app.close();
    }
  });

  it('refuses bad rules in the config schema\'s words, and dropping 112 and 911 unless confirmed; nothing changes', async () => {
    const file = join(t.dir, 'sipwarden.yaml');
    writeFileSync(file, CONFIG);
    const g = await withGuard(file);
    try {
      const bad = await g.client.req({ method: 'PUT', url: '/api/calls/rules', payload: { ...body(2), rules: [{ rule: 'calls', max: 0, within: 'soon', action: [] }] } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().problems.map((p: { path: string }) => p.path)).toEqual(['rules[0].max', 'rules[0].within', 'rules[0].action']);
      const noEmergency = await g.client.req({ method: 'PUT', url: '/api/calls/rules', payload: body(2, ['110']) });
      expect(noEmergency.statusCode).toBe(400);
      expect(noEmergency.json().problems).toEqual([{ path: 'never_stop', message: expect.stringContaining('keeps none of the emergency numbers 112 and 911') }]);
      expect(readFileSync(file, 'utf8')).toBe(CONFIG);
      expect(t.store.listAudit(5).filter((a) => a.action === 'fraud_rules')).toEqual([]);
      expect(feedCalls(g.decider, 3)).toBe(0); // still 8 a minute
      const confirmed = await g.client.req({ method: 'PUT', url: '/api/calls/rules', payload: { ...body(2, ['110']), drop_emergency: true } });
      expect(confirmed.json().settings.neverStop).toEqual(['110']);
    } finally {
      await g.app.close();
    }
  });

  it('a config file that cannot be written: CONFIG_UNWRITABLE, the guard keeps its rules', async () => {
    const g = await withGuard(join(t.dir, 'no-such-dir', 'sipwarden.yaml'));
    try {
      const res = await g.client.req({ method: 'PUT', url: '/api/calls/rules', payload: body(2) });
      expect(res.json()).toMatchObject({ code: 'CONFIG_UNWRITABLE', message: expect.stringContaining('nothing was changed') });
      expect((await g.client.req({ url: '/api/calls' })).json().rules.map((r: { name: string }) => r.name)).toEqual(['calls/1m', 'high_risk']);
      expect(feedCalls(g.decider, 3)).toBe(0);
    } finally {
      await g.app.close();
    }
  });
});
