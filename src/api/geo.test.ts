/**
 * Where addresses are, through the API: `geo` on bans, failures (history and live
 * stream) and top addresses, and the overview's failures by country and by network —
 * from the shipped country database and a network (AS) database written for the test.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseIp, type IpAddress } from '../domain/index.js';
import { openLocator, shippedCountryDatabase, type Locator } from '../geo/index.js';
import type { FailureRow, NewBan } from '../store/index.js';
import { login, startTestApi, type Client, type TestApi } from '../../test/support/kits/api.js';
import { writeMmdb } from '../../test/support/mmdb.js';
import type { Ban, Failure, Stats } from './schemas/index.js';

let dir: string;
let geo: Locator;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-api-geo-'));
  const asn = path.join(dir, 'asn.mmdb');
  fs.writeFileSync(asn, writeMmdb('GeoLite2-ASN', [
    ['8.8.8.0/24', { autonomous_system_number: 15169, autonomous_system_organization: 'GOOGLE' }],
    ['129.187.0.0/16', { autonomous_system_number: 12816, autonomous_system_organization: 'Leibniz-Rechenzentrum' }],
  ]));
  geo = await openLocator({ country: shippedCountryDatabase(), asn });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let t: TestApi;
let c: Client;
beforeEach(async () => {
  t = await startTestApi({ where: (ip) => geo.where(ip) });
  c = await login(t.app);
});
afterEach(async () => {
  await t.close();
});

const row = (ip: string, account: string, at: number): FailureRow => ({
  at, ip: parseIp(ip) as IpAddress, port: 5060, service: 'PJSIP', account, reason: 'wrong_password', zone: 'external', action: 'counted',
  source: '/var/log/asterisk/security', line: 1, raw: '',
});
const ban = (ip: string, createdAt: number): NewBan => ({
  ip: parseIp(ip) as IpAddress, reason: 'tier 1', tier: 1, source: 'policy', failures: 2, evidence: [], accounts: ['100'], createdAt, expiresAt: createdAt + 3_600_000,
});

describe('geo through the API', () => {
  it('fills geo on bans, failures and top addresses, and counts failures by country and network', async () => {
    const now = t.clock.now;
    t.store.addFailures([
      row('8.8.8.8', '100', now - 5000), row('8.8.8.8', '101', now - 4000), row('8.8.4.4', '100', now - 3500),
      row('129.187.254.49', '100', now - 3000), row('130.54.1.1', 'admin', now - 2000), row('192.168.1.20', '100', now - 1000),
    ]);
    t.store.addBan(ban('129.187.254.49', now - 2500));
    t.store.addBan(ban('192.168.1.20', now - 500));

    const bans = (await c.req({ url: '/api/bans' })).json() as { rows: Ban[] };
    expect(bans.rows.map((b) => [b.ip, b.geo])).toEqual([
      ['192.168.1.20', undefined],
      ['129.187.254.49', { country: 'DE', name: 'Germany', asn: 12816, network: 'Leibniz-Rechenzentrum' }],
    ]);
    const failures = (await c.req({ url: '/api/failures' })).json() as { rows: Failure[] };
    expect(failures.rows.map((f) => f.geo?.country ?? null)).toEqual([null, 'JP', 'DE', 'US', 'US', 'US']);
    expect(failures.rows[1]?.geo).toEqual({ country: 'JP', name: 'Japan' });

    const stats = (await c.req({ url: '/api/stats' })).json() as Stats;
    expect(stats.topAddresses.find((a) => a.ip === '8.8.8.8')?.geo).toEqual({ country: 'US', name: 'United States', asn: 15169, network: 'GOOGLE' });
    expect(stats.byCountry).toEqual([
      { country: 'US', name: 'United States', failures: 3, addresses: 2 },
      { country: '??', name: 'Unknown', failures: 1, addresses: 1 },
      { country: 'DE', name: 'Germany', failures: 1, addresses: 1 },
      { country: 'JP', name: 'Japan', failures: 1, addresses: 1 },
    ]);
    expect(stats.byNetwork).toEqual([
      { asn: 15169, network: 'GOOGLE', failures: 2, addresses: 1 },
      { asn: 12816, network: 'Leibniz-Rechenzentrum', failures: 1, addresses: 1 },
    ]);

    // Rows stored later are counted on the next call, and an hour sliding out of the window leaves the counts.
    t.store.addFailures([row('129.187.1.1', '100', now + 1000)]);
    const later = (await c.req({ url: '/api/stats' })).json() as Stats;
    expect(later.byCountry?.find((x) => x.country === 'DE')).toEqual({ country: 'DE', name: 'Germany', failures: 2, addresses: 2 });
    t.clock.now = now + 25 * 3_600_000;
    c = await login(t.app); // the session ended meanwhile
    const dayAfter = (await c.req({ url: '/api/stats' })).json() as Stats;
    expect(dayAfter.byCountry).toEqual([]);
    expect(dayAfter.byNetwork).toEqual([]);
  });

  it('puts geo on the live failure stream', async () => {
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (t.app.server.address() as AddressInfo).port;
    expect(address).toContain('127.0.0.1');
    const got = await new Promise<string>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/api/failures/stream', headers: { cookie: c.cookie } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
          if (body.includes('event: failure')) {
            if (body.endsWith('\n\n')) {
              req.destroy();
              resolve(body);
            }
          } else if (body.includes(': connected')) t.bus.publish([row('8.8.8.8', '100', t.clock.now)]);
        });
      });
      req.on('error', reject);
    });
    const data = JSON.parse(got.split('data: ')[1]?.split('\n')[0] ?? '{}') as Failure;
    expect(data.geo).toEqual({ country: 'US', name: 'United States', asn: 15169, network: 'GOOGLE' });
  });
});
