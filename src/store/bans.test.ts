import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseBanTarget, parseIp, type Cidr, type Evidence, type IpAddress } from '../domain/index.js';
import { ACTIVE_BANS_SQL, ACTIVE_OF_SQL } from './bans.js';
import { Store, type NewBan } from './index.js';

const H = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);

function ip(text: string): IpAddress {
  const parsed = parseIp(text);
  if (parsed === null) throw new Error(`bad test address ${text}`);
  return parsed;
}

function ev(line: number, text = `line ${line}`): Evidence {
  return { source: '/var/log/asterisk/full', line, text };
}

function ban(over: Partial<NewBan> = {}): NewBan {
  return {
    ip: ip('203.0.113.5'),
    reason: '2 failures in 1h',
    tier: 1,
    source: 'policy',
    failures: 2,
    evidence: [ev(1), ev(2)],
    accounts: ['100'],
    createdAt: T0,
    expiresAt: T0 + H,
    ...over,
  };
}

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipwarden-bans-'));
  store = Store.open(join(dir, 'sipwarden.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ban lifecycle', () => {
  it('adds a ban that is active until it expires', () => {
    const b = store.addBan(ban({ createdBy: 'engine' }));
    expect(b).toMatchObject({
      ip: '203.0.113.5', tier: 1, source: 'policy', failures: 2, accounts: ['100'],
      createdAt: T0, expiresAt: T0 + H, releasedAt: null, releasedBy: null, createdBy: 'engine',
    });
    expect(b.evidence).toEqual([ev(1), ev(2)]);
    expect(store.getActiveBan(b.ip, T0 + H - 1)?.id).toBe(b.id);
    expect(store.activeBans(T0 + H - 1).map((x) => x.id)).toEqual([b.id]);
    // expiry by time: at expires_at the ban is over
    expect(store.getActiveBan(b.ip, T0 + H)).toBeNull();
    expect(store.activeBans(T0 + H)).toEqual([]);
  });

  it('merges a second ban of an active address into the same row', () => {
    const first = store.addBan(ban());
    const second = store.addBan(ban({
      createdAt: T0 + 10, expiresAt: null, tier: 2, failures: 12, reason: '12 failures in 24h',
      evidence: [ev(2), ev(3)], accounts: ['101', '100'],
    }));
    expect(second.id).toBe(first.id);
    expect(second).toMatchObject({ tier: 2, failures: 12, expiresAt: null, reason: '12 failures in 24h', createdAt: T0 });
    expect(second.evidence).toEqual([ev(1), ev(2), ev(3)]);
    expect(second.accounts).toEqual(['100', '101']);
    expect(store.activeBans(T0 + 100 * H)).toHaveLength(1);
    expect(store.listBans({ state: 'all' }, T0).total).toBe(1);
  });

  it('keeps the later expiry, the higher tier and the reason that set the expiry', () => {
    store.addBan(ban({ tier: 2, expiresAt: T0 + 5 * H, reason: 'long' }));
    const merged = store.addBan(ban({ tier: 1, expiresAt: T0 + H, reason: 'short', createdAt: T0 + 1 }));
    expect(merged).toMatchObject({ tier: 2, expiresAt: T0 + 5 * H, reason: 'long' });
    const permanent = store.addBan(ban({ tier: 0, source: 'manual', expiresAt: null, reason: 'by hand', createdBy: 'alice' }));
    expect(permanent).toMatchObject({ tier: 2, expiresAt: null, source: 'manual', reason: 'by hand', createdBy: 'alice' });
    const after = store.addBan(ban({ tier: 3, expiresAt: T0 + 9 * H, reason: 'later' }));
    expect(after).toMatchObject({ tier: 3, expiresAt: null, reason: 'by hand' });
  });

  it('caps evidence to the 20 most recent items and accounts to 50 names', () => {
    store.addBan(ban({ evidence: Array.from({ length: 15 }, (_, i) => ev(i)), accounts: [] }));
    const merged = store.addBan(ban({
      evidence: Array.from({ length: 15 }, (_, i) => ev(100 + i)),
      accounts: Array.from({ length: 80 }, (_, i) => `ext${i}`),
    }));
    expect(merged.evidence).toHaveLength(20);
    expect(merged.evidence[0]).toEqual(ev(10));
    expect(merged.evidence[19]).toEqual(ev(114));
    expect(merged.accounts).toHaveLength(50);
    expect(merged.accounts[49]).toBe('ext49');
    expect(store.listBans({ account: 'ext49' }, T0).total).toBe(1);
    expect(store.listBans({ account: 'ext50' }, T0).total).toBe(0);
  });

  it('starts a new ban after the previous one expired or was released', () => {
    const a = store.addBan(ban());
    const b = store.addBan(ban({ createdAt: T0 + H, expiresAt: T0 + 2 * H }));
    expect(b.id).not.toBe(a.id);
    expect(store.releaseBan(b.ip, T0 + H + 1, 'alice')?.id).toBe(b.id);
    const c = store.addBan(ban({ createdAt: T0 + H + 2, expiresAt: T0 + 3 * H }));
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
  });

  it('releases the active ban and remembers when', () => {
    const b = store.addBan(ban({ expiresAt: null }));
    expect(store.lastReleaseAt(b.ip)).toBeNull();
    const released = store.releaseBan(b.ip, T0 + 60_000, 'alice');
    expect(released).toMatchObject({ id: b.id, releasedAt: T0 + 60_000, releasedBy: 'alice', expiresAt: null });
    expect(store.getActiveBan(b.ip, T0 + 60_001)).toBeNull();
    expect(store.activeBans(T0 + 60_001)).toEqual([]);
    expect(store.releaseBan(b.ip, T0 + 70_000, 'alice')).toBeNull();
    expect(store.lastReleaseAt(b.ip)).toBe(T0 + 60_000);
    store.addBan(ban({ createdAt: T0 + 2 * H, expiresAt: T0 + 3 * H }));
    store.releaseBan(b.ip, T0 + 2 * H + 5, 'bob');
    expect(store.lastReleaseAt(b.ip)).toBe(T0 + 2 * H + 5);
    expect(store.lastReleaseAt(ip('198.51.100.1'))).toBeNull();
  });

  it('does not release an expired ban', () => {
    const b = store.addBan(ban());
    expect(store.releaseBan(b.ip, T0 + H, 'alice')).toBeNull();
  });

  it('keeps accounts and evidence text exactly as given (attacker-controlled)', () => {
    const nasty = `100" RemoteAddress="IPV4/UDP/10.0.0.1/5060'); DROP TABLE bans; --\n\u0000`;
    const b = store.addBan(ban({ accounts: [nasty], evidence: [ev(1, nasty)] }));
    expect(store.getActiveBan(b.ip, T0)?.accounts).toEqual([nasty]);
    expect(store.getActiveBan(b.ip, T0)?.evidence[0]?.text).toBe(nasty);
    expect(store.listBans({ account: nasty }, T0).rows.map((r) => r.id)).toEqual([b.id]);
  });
});

describe('listBans', () => {
  // four addresses: active timed, active permanent, expired, released
  function seed(): void {
    store.addBan(ban({ ip: ip('203.0.113.1'), createdAt: T0, expiresAt: T0 + 10 * H, accounts: ['100', '101'] }));
    store.addBan(ban({ ip: ip('2001:db8::1'), createdAt: T0 + 1, expiresAt: null, accounts: ['101'] }));
    store.addBan(ban({ ip: ip('198.51.100.7'), createdAt: T0 + 2, expiresAt: T0 + H, accounts: ['trunk'] }));
    store.addBan(ban({ ip: ip('192.0.2.9'), createdAt: T0 + 3, expiresAt: T0 + 10 * H, accounts: ['100'] }));
    store.releaseBan(ip('192.0.2.9'), T0 + 4, 'alice');
  }
  const now = T0 + 2 * H;
  const ips = (q: Parameters<Store['listBans']>[0]): string[] => store.listBans(q, now).rows.map((r) => r.ip);

  it('filters by state', () => {
    seed();
    expect(ips({ state: 'active', sort: 'created_at', order: 'asc' })).toEqual(['203.0.113.1', '2001:db8::1']);
    expect(ips({ state: 'expired' })).toEqual(['198.51.100.7']);
    expect(ips({ state: 'released' })).toEqual(['192.0.2.9']);
    expect(store.listBans({}, now).total).toBe(4);
    expect(store.listBans({ state: 'all' }, now).total).toBe(4);
  });

  it('filters by ip (canonicalised) and by exact account', () => {
    seed();
    expect(ips({ ip: '2001:DB8:0::1' })).toEqual(['2001:db8::1']);
    expect(ips({ ip: '::ffff:203.0.113.1' })).toEqual(['203.0.113.1']);
    expect(ips({ ip: 'not-an-ip' })).toEqual([]);
    expect(ips({ account: '101', order: 'asc' })).toEqual(['203.0.113.1', '2001:db8::1']);
    expect(ips({ account: '10' })).toEqual([]);
    expect(ips({ account: '100', state: 'active' })).toEqual(['203.0.113.1']);
  });

  it('sorts, pages and counts', () => {
    seed();
    expect(ips({})).toEqual(['192.0.2.9', '198.51.100.7', '2001:db8::1', '203.0.113.1']);
    expect(ips({ sort: 'ip', order: 'asc' })).toEqual(['192.0.2.9', '198.51.100.7', '2001:db8::1', '203.0.113.1']);
    expect(ips({ sort: 'expires_at', order: 'asc' })).toEqual(['198.51.100.7', '203.0.113.1', '192.0.2.9', '2001:db8::1']);
    expect(ips({ sort: 'expires_at', order: 'desc' })).toEqual(['2001:db8::1', '192.0.2.9', '203.0.113.1', '198.51.100.7']);
    const page = store.listBans({ sort: 'created_at', order: 'asc', limit: 2, offset: 1 }, now);
    expect(page.total).toBe(4);
    expect(page.rows.map((r) => r.ip)).toEqual(['2001:db8::1', '198.51.100.7']);
    expect(store.listBans({ limit: 2, offset: 10 }, now)).toEqual({ total: 4, rows: [] });
    expect(store.listBans({ limit: -5, offset: -1 }, now).rows).toHaveLength(1);
  });

  it('rejects an unknown sort instead of building SQL from it', () => {
    expect(() => store.listBans({ sort: 'ip; DROP TABLE bans' as 'ip' }, now)).toThrow(TypeError);
  });
});

describe('indexes', () => {
  it('finds the active ban of an ip and the active bans by index search, not a scan', () => {
    const raw = new Database(join(dir, 'sipwarden.db'), { readonly: true });
    try {
      const plan = (sql: string, ...args: unknown[]): string =>
        raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args).map((r) => (r as { detail: string }).detail).join('\n');
      expect(plan(ACTIVE_OF_SQL, '203.0.113.5', T0)).toMatch(/SEARCH bans USING (COVERING )?INDEX bans_ip/);
      const active = plan(ACTIVE_BANS_SQL, T0);
      expect(active).not.toMatch(/SCAN/);
      expect(active.match(/SEARCH bans USING (COVERING )?INDEX bans_open/g)).toHaveLength(2);
      expect(plan('SELECT ban_id FROM ban_accounts WHERE account = ?', '100')).toMatch(/SEARCH ban_accounts/);
    } finally {
      raw.close();
    }
  });
});

describe('network bans', () => {
  const net = parseBanTarget('203.0.113.0/24') as Cidr;

  it('stores a network like an address, finds the one holding an address, and lists only networks', () => {
    store.addBan(ban({ ip: net, reason: 'subnet-escalation: 5 addresses', tier: 0, expiresAt: T0 + 24 * H }));
    store.addBan(ban({ ip: ip('203.0.113.5') }));
    expect(store.getActiveBan(net, T0 + H)).toMatchObject({ ip: '203.0.113.0/24', expiresAt: T0 + 24 * H });
    expect(store.activeNetworkBans(T0 + H).map((b) => b.ip)).toEqual(['203.0.113.0/24']);
    expect(store.coveringNetworkBan(ip('203.0.113.200'), T0 + H)?.ip).toBe('203.0.113.0/24');
    expect(store.coveringNetworkBan(ip('203.0.114.1'), T0 + H)).toBeNull();
    expect(store.coveringNetworkBan(ip('203.0.113.200'), T0 + 25 * H)).toBeNull(); // over
    store.releaseBan(net, T0 + 2 * H, 'cli:root');
    expect(store.coveringNetworkBan(ip('203.0.113.200'), T0 + 2 * H)).toBeNull();
  });

  it('gives the policy bans made since a time, not released ones nor manual ones (subnet counts after a restart)', () => {
    store.addBan(ban({ ip: ip('198.51.100.1'), createdAt: T0 }));
    store.addBan(ban({ ip: ip('198.51.100.2'), createdAt: T0 + 2 * H, expiresAt: T0 + 3 * H }));
    store.addBan(ban({ ip: ip('198.51.100.3'), createdAt: T0 + 3 * H, expiresAt: T0 + 4 * H }));
    store.addBan(ban({ ip: ip('198.51.100.4'), createdAt: T0 + 3 * H, expiresAt: T0 + 4 * H, source: 'manual', tier: 0 }));
    expect(store.releaseBan(ip('198.51.100.3'), T0 + 3 * H + 1, 'web:admin')).not.toBeNull();
    expect(store.policyBansSince(T0 + H)).toEqual([{ ip: '198.51.100.2', createdAt: T0 + 2 * H }]);
  });
});
