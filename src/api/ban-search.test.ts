/**
 * The fast newest-first ban search agrees with the store's exact `listBans` (on data
 * recorded in time order, where both orders coincide), for every state, with and
 * without an account, across pages; and caps its counts where it says so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIp, type IpAddress } from '../domain/index.js';
import { Store, type BanState } from '../store/index.js';
import { createBanSearch, SPARSE_ACTIVE, type SearchBans } from './ban-search.js';

const NOW = Date.UTC(2026, 10, 24, 19, 30);
let dir: string;
let store: Store;
let db: Database.Database;
let search: SearchBans;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipwarden-search-'));
  store = Store.open(join(dir, 'db'));
  // 1,500 bans in time order: every 7th permanent, every 11th released, accounts from a small pool.
  for (let i = 0; i < 1500; i++) {
    const at = NOW - (1500 - i) * 60_000;
    const ip = parseIp(`203.0.${Math.floor(i / 250)}.${i % 250}`) as IpAddress;
    store.addBan({ ip, reason: 'r', tier: i % 7 === 0 ? 2 : 1, source: 'policy', failures: 2, evidence: [], accounts: [`${100 + (i % 5)}`, i % 3 === 0 ? 'admin' : 'x', 'every'], createdAt: at, expiresAt: i % 7 === 0 ? null : at + 3_600_000 });
    if (i % 11 === 0) store.releaseBan(ip, at + 1000, 'test');
  }
  db = new Database(join(dir, 'db'), { readonly: true });
  search = createBanSearch(db);
});
afterAll(() => {
  db.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('searchBans', () => {
  const states: Array<BanState | 'all'> = ['all', 'active', 'expired', 'released'];
  for (const state of states) {
    for (const account of [undefined, '101', 'admin', 'every', 'nobody']) {
      it(`matches listBans for state=${state} account=${account ?? '-'}`, () => {
        for (const [limit, offset] of [[50, 0], [50, 50], [7, 300], [1000, 0]] as const) {
          const want = store.listBans({ state, account, limit, offset, sort: 'created_at', order: 'desc' }, NOW);
          const got = search({ state, account, limit, offset }, NOW);
          expect(got.rows.map((b) => b.id)).toEqual(want.rows.map((b) => b.id));
          if (got.exact) expect(got.total).toBe(want.total);
          else expect(got.total).toBeLessThan(want.total);
        }
      });
    }
  }

  it('counts exactly where an index answers, caps elsewhere', () => {
    expect(search({ state: 'all', limit: 1, offset: 0 }, NOW)).toMatchObject({ total: 1500, exact: true });
    expect(search({ state: 'active', limit: 1, offset: 0 }, NOW).exact).toBe(true);
    expect(search({ state: 'expired', limit: 1, offset: 0 }, NOW).exact).toBe(true); // under the 10,000 cap
    expect(search({ state: 'all', account: 'admin', limit: 1, offset: 0 }, NOW)).toMatchObject({ total: 500, exact: true });
    const capped = search({ state: 'expired', account: 'every', limit: 1, offset: 0 }, NOW);
    expect(capped).toMatchObject({ total: 200, exact: false });
  });

  it('reads a sparse active set through the active-ban index (and agrees)', () => {
    const active = search({ state: 'active', limit: 1, offset: 0 }, NOW).total;
    expect(active).toBeLessThan(SPARSE_ACTIVE);
    const later = NOW + 2 * 3_600_000; // only the permanent ones remain
    const want = store.listBans({ state: 'active', limit: 1000, sort: 'created_at', order: 'desc' }, later);
    expect(search({ state: 'active', limit: 1000, offset: 0 }, later).rows.map((b) => b.id)).toEqual(want.rows.map((b) => b.id));
  });
});

describe('searchBans by account, through the failure history', () => {
  // "Extension 104 stopped working": its phone at 4 addresses failed 8 times, all banned; the
  // bans were made for other accounts' failures (or in dry-run the addresses kept failing), so
  // no ban names 104 — the search must still find all four.
  const T = Date.UTC(2026, 11, 7, 9, 0);
  let hdir: string;
  let hstore: Store;
  let hdb: Database.Database;
  let hsearch: SearchBans;
  const phone = ['198.51.100.11', '198.51.100.12', '198.51.100.13', '198.51.100.14'];
  const failure = (ip: string, account: string, at: number) => ({
    at, ip: parseIp(ip) as IpAddress, port: 5060, service: 'PJSIP' as const, account, reason: 'wrong_password' as const,
    zone: 'external', action: 'counted', source: '/var/log/asterisk/security', line: 1, raw: null,
  });

  beforeAll(() => {
    hdir = mkdtempSync(join(tmpdir(), 'sipwarden-search-history-'));
    hstore = Store.open(join(hdir, 'db'));
    phone.forEach((ip, i) => {
      hstore.addFailures([failure(ip, 'admin', T + i), failure(ip, 'admin', T + i + 1)]);
      hstore.addBan({ ip: parseIp(ip) as IpAddress, reason: 'r', tier: 1, source: 'policy', failures: 2, evidence: [], accounts: ['admin'], createdAt: T + i + 1, expiresAt: T + 3_600_000 });
      hstore.addFailures([failure(ip, '104', T + 10 + i), failure(ip, '104', T + 20 + i)]);
    });
    // One ban that names 104 itself (also in the history: counted once), one of another account, one released.
    hstore.addBan({ ip: parseIp('203.0.113.9') as IpAddress, reason: 'r', tier: 1, source: 'policy', failures: 2, evidence: [], accounts: ['104'], createdAt: T + 30, expiresAt: T + 3_600_000 });
    hstore.addFailures([failure('203.0.113.9', '104', T + 29)]);
    hstore.addBan({ ip: parseIp('203.0.113.10') as IpAddress, reason: 'r', tier: 1, source: 'policy', failures: 2, evidence: [], accounts: ['105'], createdAt: T + 31, expiresAt: T + 3_600_000 });
    hstore.addFailures([failure('203.0.113.10', '105', T + 31)]);
    hstore.releaseBan(parseIp(phone[0] as string) as IpAddress, T + 40, 'test');
    hdb = new Database(join(hdir, 'db'), { readonly: true });
    hsearch = createBanSearch(hdb);
  });
  afterAll(() => {
    hdb.close();
    hstore.close();
    rmSync(hdir, { recursive: true, force: true });
  });

  it('finds the bans of addresses that failed with the account, and those naming it, once each, newest first', () => {
    const all = hsearch({ state: 'all', account: '104', limit: 50, offset: 0 }, T + 60);
    expect(all.rows.map((b) => b.ip)).toEqual(['203.0.113.9', ...[...phone].reverse()]);
    expect(all).toMatchObject({ total: 5, exact: true });
    const active = hsearch({ state: 'active', account: '104', limit: 50, offset: 0 }, T + 60);
    expect(active.rows.map((b) => b.ip)).toEqual(['203.0.113.9', '198.51.100.14', '198.51.100.13', '198.51.100.12']);
    expect(active.total).toBe(4);
    expect(hsearch({ state: 'released', account: '104', limit: 50, offset: 0 }, T + 60).rows.map((b) => b.ip)).toEqual(['198.51.100.11']);
  });

  it('agrees with the store\'s listBans (the dashboard\'s other sorts), for every state', () => {
    for (const state of ['all', 'active', 'expired', 'released'] as const) {
      const want = hstore.listBans({ state, account: '104', limit: 50, sort: 'created_at', order: 'desc' }, T + 60);
      const got = hsearch({ state, account: '104', limit: 50, offset: 0 }, T + 60);
      expect(got.rows.map((b) => b.id), state).toEqual(want.rows.map((b) => b.id));
      expect(got.total, state).toBe(want.total);
    }
    expect(hstore.listBans({ account: '104', limit: 50, sort: 'ip', order: 'asc' }, T + 60).rows.map((b) => b.ip)).toEqual([...phone, '203.0.113.9']);
  });

  it('pages the merged list without losing or repeating a ban', () => {
    const pages = [0, 2, 4].flatMap((offset) => hsearch({ state: 'all', account: '104', limit: 2, offset }, T + 60).rows.map((b) => b.id));
    expect(pages).toEqual(hsearch({ state: 'all', account: '104', limit: 50, offset: 0 }, T + 60).rows.map((b) => b.id));
  });

  it('keeps to the account asked for: another account, an unknown one, and SQL-looking text find only their own', () => {
    expect(hsearch({ state: 'all', account: '105', limit: 50, offset: 0 }, T + 60).rows.map((b) => b.ip)).toEqual(['203.0.113.10']);
    expect(hsearch({ state: 'all', account: "104' OR '1'='1", limit: 50, offset: 0 }, T + 60)).toMatchObject({ total: 0, rows: [] });
    expect(hsearch({ state: 'all', account: 'nobody', limit: 50, offset: 0 }, T + 60).total).toBe(0);
  });
});
