/**
 * Statistics (SQL on a read-only connection, incremental day cache), health, audit,
 * `/healthz` and Prometheus `/metrics`.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseIp, type IpAddress } from '../domain/index.js';
import type { FailureRow } from '../store/index.js';
import { computeStats, DAY, HOUR, newStatsState, type Stats } from './stats.js';
import { login, startTestApi, type Client, type TestApi } from '../../test/support/kits/api.js';

let t: TestApi;
let c: Client;
beforeEach(async () => {
  t = await startTestApi({
    health: {
      sources: [
        { path: '/var/log/asterisk/security', exists: true, offset: 9000, lines: 120, lagMs: 1500 },
        { path: '/var/log/asterisk/"odd"\nname', exists: false, offset: 0, lines: 0, lagMs: null },
      ],
      ami: { host: '127.0.0.1', port: 5038, connected: false, since: 1, lastError: 'ECONNREFUSED' },
      firewall: { backend: 'dry-run' },
    },
  });
  c = await login(t.app);
});
afterEach(async () => {
  await t.close();
});

const fail = (ip: string, account: string, at: number): FailureRow => ({
  at, ip: parseIp(ip) as IpAddress, port: 5060, service: 'PJSIP', account, reason: 'wrong_password', zone: 'external', action: 'counted', source: null, line: null, raw: null,
});

describe('stats', () => {
  it('counts per hour (24 h) and per UTC day (30 d), tops of the last 24 h, active bans by tier', async () => {
    const now = t.clock.now; // 2026-11-24T19:30Z
    const rows: FailureRow[] = [];
    for (let i = 0; i < 5; i++) rows.push(fail('203.0.113.7', '104', now - i * 60_000)); // this hour
    for (let i = 0; i < 3; i++) rows.push(fail('198.51.100.2', '200', now - 2 * HOUR));
    rows.push(fail('198.51.100.2', '104', now - 23 * HOUR - 1)); // yesterday 20:29:59.999: the chart's first hour
    rows.push(fail('192.0.2.1', '300', now - 3 * DAY));
    rows.push(fail('192.0.2.1', '300', now - 40 * DAY)); // outside everything
    t.store.addFailures(rows);
    t.store.addBan({ ip: parseIp('203.0.113.7') as IpAddress, reason: 'r', tier: 1, source: 'policy', failures: 2, evidence: [], accounts: ['104'], createdAt: now - 1000, expiresAt: now + HOUR });
    t.store.addBan({ ip: parseIp('198.51.100.2') as IpAddress, reason: 'r', tier: 2, source: 'policy', failures: 12, evidence: [], accounts: ['200'], createdAt: now - 1000, expiresAt: null });
    t.store.addBan({ ip: parseIp('192.0.2.1') as IpAddress, reason: 'r', tier: 1, source: 'policy', failures: 2, evidence: [], accounts: [], createdAt: now - 3 * DAY, expiresAt: now - 2 * DAY });

    const s = (await c.req({ url: '/api/stats' })).json() as Stats;
    expect(s.hourly.start).toBe(Date.UTC(2026, 10, 23, 20));
    expect(s.hourly.counts).toHaveLength(24);
    expect(s.hourly.counts[23]).toBe(5);
    expect(s.hourly.counts[21]).toBe(3);
    expect(s.hourly.counts[0]).toBe(1); // 2026-11-23T20:29:59.999Z
    expect(s.hourly.counts.reduce((a, b) => a + b)).toBe(9);
    expect(s.daily.start).toBe(Date.UTC(2026, 9, 26));
    expect(s.daily.counts).toHaveLength(30);
    expect(s.daily.counts[29]).toBe(8); // today (UTC)
    expect(s.daily.counts[28]).toBe(1);
    expect(s.daily.counts[26]).toBe(1);
    expect(s.failures24h).toBe(9);
    expect(s.topAddresses).toEqual([
      { ip: '203.0.113.7', failures: 5, lastAt: now },
      { ip: '198.51.100.2', failures: 4, lastAt: now - 2 * HOUR },
    ]);
    expect(s.topAccounts).toEqual([{ account: '104', failures: 6, addresses: 2 }, { account: '200', failures: 3, addresses: 1 }]);
    expect(s.activeBans).toBe(2);
    expect(s.bansByTier).toEqual([{ tier: 1, bans: 1, active: 1 }, { tier: 2, bans: 1, active: 1 }]);
  });

  it('keeps completed days exact when rows for past days are stored late, and across midnight', () => {
    const db = new Database(t.dbPath, { readonly: true });
    try {
      const cache = newStatsState(db);
      const today = Math.floor(t.clock.now / DAY) * DAY;
      t.store.addFailures([fail('203.0.113.1', 'a', today - DAY + 5), fail('203.0.113.1', 'a', today + 5)]);
      let s = computeStats(db, t.clock.now, cache);
      expect(s.daily.counts.slice(27)).toEqual([0, 1, 1]);
      // Late rows (log lag, a replay): two for yesterday, one for today.
      t.store.addFailures([fail('203.0.113.2', 'b', today - DAY + 10), fail('203.0.113.2', 'b', today - 2 * DAY), fail('203.0.113.2', 'b', today + 10)]);
      s = computeStats(db, t.clock.now + 1000, cache);
      expect(s.daily.counts.slice(27)).toEqual([1, 2, 2]);
      // Past midnight: today becomes a completed day, cached once, then a late row for it.
      const tomorrow = today + DAY + 60_000;
      s = computeStats(db, tomorrow, cache);
      expect(s.daily.counts.slice(26)).toEqual([1, 2, 2, 0]);
      t.store.addFailures([fail('203.0.113.3', 'c', today + 20)]);
      s = computeStats(db, tomorrow + 1000, cache);
      expect(s.daily.counts.slice(26)).toEqual([1, 2, 3, 0]);
      expect(computeStats(db, tomorrow + 1000).daily.counts.slice(26)).toEqual([1, 2, 3, 0]);
    } finally {
      db.close();
    }
  });
});

describe('health, audit, healthz, metrics', () => {
  it('health has sources, AMI, firewall and protection', async () => {
    const h = (await c.req({ url: '/api/health' })).json();
    expect(h).toMatchObject({ protection: 'on', firewall: { backend: 'dry-run' }, ami: { connected: false, lastError: 'ECONNREFUSED' } });
    expect(h.sources).toHaveLength(2);
  });

  it('audit lists the newest entries first', async () => {
    await c.req({ method: 'PUT', url: '/api/settings/protection', payload: { protection: 'off' } });
    const rows = (await c.req({ url: '/api/audit?limit=2' })).json().rows as Array<{ action: string }>;
    expect(rows.map((r) => r.action)).toEqual(['protection', 'login']);
  });

  it('/metrics speaks the Prometheus text format without a session', async () => {
    t.store.addBan({ ip: parseIp('203.0.113.7') as IpAddress, reason: 'r', tier: 1, source: 'policy', failures: 2, evidence: [], accounts: [], createdAt: t.clock.now, expiresAt: null });
    const res = await t.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const lines = res.body.split('\n');
    expect(lines).toContain('# TYPE sipwarden_events_parsed_total counter');
    expect(lines).toContain('sipwarden_events_parsed_total 7');
    expect(lines).toContain('sipwarden_enforcer_latency_seconds 0.004');
    expect(lines).toContain('sipwarden_bans_active 1');
    expect(lines).toContain('sipwarden_protection_on 1');
    expect(lines).toContain('sipwarden_source_lag_seconds{source="/var/log/asterisk/security"} 1.5');
    expect(lines).toContain('sipwarden_source_up{source="/var/log/asterisk/\\"odd\\"\\nname"} 0');
    expect(lines).toContain('sipwarden_ami_connected{host="127.0.0.1",port="5038"} 0');
    for (const l of lines.filter((x) => x && !x.startsWith('#'))) expect(l).toMatch(/^sipwarden_[a-z_]+(\{.*\})? [-+\d.eInfNa]+$/);
  });
});
