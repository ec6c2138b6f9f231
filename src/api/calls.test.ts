/**
 * The Calls page's API over a real store: the guard's findings from its `toll_fraud`
 * audit records in plain words (attacker text kept as data), allowing an account
 * written as the CLI's `allow_calls` record with the dashboard user, a bad account name
 * refused with nothing written, "calls stopped today" counted from 00:00 UTC, and the
 * cluster panel's view (off, and a node's health).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { login, startTestApi, type Client, type TestApi } from '../../test/support/kits/api.js';
import { clusterView } from './routes-cluster.js';

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
