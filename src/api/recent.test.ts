/**
 * The incremental 24-hour window (and the day cache) agree with plain SQL over the
 * whole table, call after call, with late rows, rows outside the window and time
 * moving across hours and midnight.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { parseIp, type IpAddress } from '../domain/index.js';
import { Store, type FailureRow } from '../store/index.js';
import { openReadModel } from './read-model.js';
import { CHUNK } from './recent.js';
import { computeStats, DAY, HOUR, newStatsState, warmStep } from './stats.js';

it('matches SQL over the whole table at every step', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sipwarden-recent-'));
  const store = Store.open(join(dir, 'db'));
  const db = new Database(join(dir, 'db'), { readonly: true });
  try {
    const state = newStatsState(db);
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const t0 = Date.UTC(2026, 10, 20, 5, 17);
    for (let step = 0; step < 16; step++) {
      const now = t0 + step * 3 * HOUR + Math.floor(rand() * HOUR);
      const rows: FailureRow[] = Array.from({ length: 150 }, () => {
        const at = now - Math.floor(rand() * 30 * HOUR); // some outside the window, many late
        return {
          at, ip: parseIp(`198.51.100.${Math.floor(rand() * 12)}`) as IpAddress, port: null, service: 'PJSIP',
          account: String(100 + Math.floor(rand() * 8)), reason: 'wrong_password', zone: 'external', action: 'counted', source: null, line: null, raw: null,
        };
      });
      store.addFailures(rows);
      const s = computeStats(db, now, state);
      const start = Math.floor(now / HOUR) * HOUR - 23 * HOUR;
      const hourly = Array.from({ length: 24 }, (_, i) =>
        db.prepare('SELECT COUNT(*) FROM failures WHERE at >= ? AND at < ?').pluck().get(start + i * HOUR, start + (i + 1) * HOUR) as number);
      expect(s.hourly).toEqual({ start, counts: hourly });
      expect(s.topAddresses).toEqual(db.prepare(`SELECT ip, COUNT(*) AS failures, MAX(at) AS lastAt FROM failures WHERE at >= ? AND at <= ?
        GROUP BY ip ORDER BY failures DESC, ip LIMIT 10`).all(start, now));
      expect(s.topAccounts).toEqual(db.prepare(`SELECT account, COUNT(*) AS failures, COUNT(DISTINCT ip) AS addresses FROM failures WHERE at >= ? AND at <= ?
        GROUP BY account ORDER BY failures DESC, account LIMIT 10`).all(start, now));
      const today = Math.floor(now / DAY) * DAY;
      const daily = Array.from({ length: 30 }, (_, i) =>
        db.prepare('SELECT COUNT(*) FROM failures WHERE at >= ? AND at < ?').pluck().get(today - (29 - i) * DAY, Math.min(today - (28 - i) * DAY, now + 1)) as number);
      expect(s.daily.counts).toEqual(daily);
    }
  } finally {
    db.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

it('builds in bounded background steps, and the result equals a one-go build', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sipwarden-warm-'));
  const store = Store.open(join(dir, 'db'));
  try {
    const now = Date.UTC(2026, 10, 24, 19, 30);
    const rows: FailureRow[] = Array.from({ length: 3 * CHUNK + 17 }, (_, i) => ({
      at: now - (i % 40) * HOUR - i, ip: parseIp(`203.0.113.${i % 200}`) as IpAddress, port: null, service: 'SIP', account: `${i % 30}`,
      reason: 'wrong_password', zone: 'external', action: 'counted', source: null, line: null, raw: null,
    }));
    store.addFailures(rows);
    const db = new Database(join(dir, 'db'), { readonly: true });
    const state = newStatsState(db);
    let steps = 1;
    while (!warmStep(db, state, now)) steps++;
    // 24 h of rows in chunks of CHUNK, then 29 days in 6-hour slices.
    expect(steps).toBeGreaterThanOrEqual(1 + 29 * 4);
    expect(computeStats(db, now, state)).toEqual(computeStats(db, now));
    db.close();
    const read = openReadModel(join(dir, 'db'));
    const [a, b] = await Promise.all([read.stats(now), read.stats(now)]);
    expect(a).toEqual(b);
    expect(a.failures24h).toBe(rows.filter((r) => r.at >= Math.floor(now / HOUR) * HOUR - 23 * HOUR).length);
    read.close();
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
