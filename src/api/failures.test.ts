/**
 * `/api/failures` (history with filters, range and paging) and `/api/failures/stream`
 * (server-sent events over a real socket on 127.0.0.1).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseIp, type IpAddress } from '../domain/index.js';
import type { FailureRow } from '../store/index.js';
import { login, startTestApi, type Client, type TestApi } from '../../test/support/kits/api.js';

const HOSTILE = '<img src=x onerror=alert(1)>\n\nevent: failure\ndata: {"ip":"6.6.6.6"}';

let t: TestApi;
let c: Client;
beforeEach(async () => {
  t = await startTestApi();
  c = await login(t.app);
});
afterEach(async () => {
  await t.close();
});

function row(ip: string, account: string, at: number, over: Partial<FailureRow> = {}): FailureRow {
  return {
    at, ip: parseIp(ip) as IpAddress, port: 5060, service: 'PJSIP', account, reason: 'wrong_password', zone: 'external', action: 'counted',
    source: '/var/log/asterisk/security', line: 1, raw: `AccountID="${account}"`, ...over,
  };
}

describe('history', () => {
  beforeEach(() => {
    const now = t.clock.now;
    t.store.addFailures([
      row('203.0.113.7', '104', now - 3_000),
      row('203.0.113.7', '105', now - 2_000, { reason: 'unknown_account' }),
      row('198.51.100.2', '104', now - 1_000, { service: 'SIP' }),
      row('198.51.100.2', HOSTILE, now - 90_000_000),
    ]);
  });

  it('lists newest first with filters by address, account, service, reason and time', async () => {
    const ips = async (q: string) => ((await c.req({ url: `/api/failures${q}` })).json() as { rows: FailureRow[] }).rows.map((r) => `${r.ip} ${r.account.slice(0, 5)}`);
    expect(await ips('')).toEqual(['198.51.100.2 104', '203.0.113.7 105', '203.0.113.7 104', '198.51.100.2 <img ']);
    expect(await ips('?account=104')).toEqual(['198.51.100.2 104', '203.0.113.7 104']);
    expect(await ips('?ip=203.0.113.7&reason=unknown_account')).toEqual(['203.0.113.7 105']);
    expect(await ips('?service=SIP')).toEqual(['198.51.100.2 104']);
    expect(await ips(`?from=${t.clock.now - 86_400_000}`)).toHaveLength(3);
    expect(await ips(`?from=${new Date(t.clock.now - 2_500).toISOString()}&to=${t.clock.now}`)).toEqual(['198.51.100.2 104', '203.0.113.7 105']);
    const page = (await c.req({ url: '/api/failures?limit=1&offset=1' })).json() as { total: number; rows: FailureRow[] };
    expect([page.total, page.rows.length]).toEqual([4, 1]);
  });

  it('returns attacker text exactly', async () => {
    const res = (await c.req({ url: `/api/failures?account=${encodeURIComponent(HOSTILE)}` })).json() as { rows: FailureRow[] };
    expect(res.rows.map((r) => [r.account, r.raw])).toEqual([[HOSTILE, `AccountID="${HOSTILE}"`]]);
  });

  it('validation errors in plain words', async () => {
    const cases: Array<[string, string]> = [
      ['?from=yesterday', 'from: expected a time like 2026-11-24T19:00:00Z or milliseconds since 1970, got "yesterday"'],
      ['?to=2026-13-45T00:00:00Z', 'to: expected a time like 2026-11-24T19:00:00Z or milliseconds since 1970, got "2026-13-45T00:00:00Z"'],
      ['?limit=0', 'limit: must be at least 1'],
      ['?offset=100001', 'offset: must be at most 100000'],
      ['?zone=external', 'unknown field "zone" in the query'],
    ];
    for (const [q, message] of cases) {
      const res = await c.req({ url: `/api/failures${q}` });
      expect(res.statusCode, q).toBe(400);
      expect(res.json().message, q).toBe(message);
    }
  });
});

/** Opens the SSE stream on a real socket; resolves with a reader of parsed events. */
async function openStream(query = ''): Promise<{ events: () => Array<{ event: string; data: string }>; status: number; headers: http.IncomingHttpHeaders; close: () => void }> {
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = t.app.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: `/api/failures/stream${query}`, headers: { cookie: c.cookie }, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      const events = () => text.split('\n\n').filter((b) => b.startsWith('event:')).map((b) => {
        const lines = b.split('\n');
        return { event: (lines[0] ?? '').slice(7), data: lines.slice(1).filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n') };
      });
      resolve({ events, status: res.statusCode ?? 0, headers: res.headers, close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('live stream', () => {
  it('sends each new failure as one event; hostile text cannot forge events', async () => {
    const s = await openStream();
    expect(s.status).toBe(200);
    expect(s.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(s.headers['content-security-policy']).toContain("default-src 'none'");
    await until(() => t.bus.size === 1);
    t.bus.publish([row('203.0.113.7', '104', t.clock.now), row('203.0.113.8', HOSTILE, t.clock.now)]);
    await until(() => s.events().length === 2);
    const got = s.events().map((e) => ({ event: e.event, row: JSON.parse(e.data) as FailureRow }));
    expect(got.map((g) => [g.event, g.row.ip, g.row.account])).toEqual([['failure', '203.0.113.7', '104'], ['failure', '203.0.113.8', HOSTILE]]);
    s.close();
    await until(() => t.bus.size === 0);
  });

  it('filters by account', async () => {
    const s = await openStream('?account=105');
    await until(() => t.bus.size === 1);
    t.bus.publish([row('203.0.113.7', '104', t.clock.now), row('203.0.113.7', '105', t.clock.now)]);
    await until(() => s.events().length >= 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.events().map((e) => (JSON.parse(e.data) as FailureRow).account)).toEqual(['105']);
    s.close();
  });

  it('closing the server ends open streams at once', async () => {
    const s = await openStream();
    await until(() => t.bus.size === 1);
    const started = Date.now();
    await t.app.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(t.bus.size).toBe(0);
    s.close();
  });

  it('needs a session', async () => {
    expect((await t.app.inject({ url: '/api/failures/stream' })).statusCode).toBe(401);
  });
});
