import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseIp, SipwardenError, type IpAddress } from '../domain/index.js';
import { SCHEMA_VERSION, Store, type FailureRow } from './index.js';

const H = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);

function ip(text: string): IpAddress {
  const parsed = parseIp(text);
  if (parsed === null) throw new Error(`bad test address ${text}`);
  return parsed;
}

function failure(at: number, address: string): FailureRow {
  return {
    at, ip: ip(address), port: 5060, service: 'PJSIP', account: '100', reason: 'wrong_password',
    zone: 'external', action: 'counted', source: null, line: null, raw: null,
  };
}

let dir: string;
const opened: Store[] = [];
const open = (path: string): Store => {
  const s = Store.open(path);
  opened.push(s);
  return s;
};
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipwarden-store-'));
});
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

function openError(path: string): SipwardenError {
  try {
    Store.open(path);
  } catch (err) {
    if (err instanceof SipwardenError) return err;
    throw err;
  }
  throw new Error('Store.open did not throw');
}

describe('Store.open', () => {
  it('creates parent directories and a WAL database at the current schema version', () => {
    const path = join(dir, 'var', 'lib', 'sipwarden', 'sipwarden.db');
    open(path).close();
    expect(existsSync(path)).toBe(true);
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    } finally {
      raw.close();
    }
  });

  it('throws STORE_UNAVAILABLE for a path under a regular file', () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'not a directory');
    const err = openError(join(file, 'sub', 'sipwarden.db'));
    expect(err.code).toBe('STORE_UNAVAILABLE');
    expect(err.message).toMatch(new RegExp(`^cannot open database ${file}/sub/sipwarden.db: `));
  });

  it('throws STORE_UNAVAILABLE for a file that is not a database', () => {
    const path = join(dir, 'garbage.db');
    writeFileSync(path, 'x'.repeat(4096));
    const err = openError(path);
    expect(err.code).toBe('STORE_UNAVAILABLE');
    expect(err.message).toContain(path);
  });

  it('refuses a database written by a newer schema', () => {
    const path = join(dir, 'sipwarden.db');
    open(path).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const err = openError(path);
    expect(err.code).toBe('STORE_UNAVAILABLE');
    expect(err.message).toMatch(/newer than this sipwarden supports/);
  });

  it('closes idempotently', () => {
    const s = open(join(dir, 'sipwarden.db'));
    s.close();
    expect(() => s.close()).not.toThrow();
  });
});

describe('persistence', () => {
  it('keeps bans, failures, meta and cursors across a restart', () => {
    const path = join(dir, 'sipwarden.db');
    const before = open(path);
    before.addBan({
      ip: ip('203.0.113.5'), reason: '2 failures in 1h', tier: 1, source: 'policy', failures: 2,
      evidence: [{ source: '/var/log/asterisk/full', line: 7, text: 'NOTICE ...' }], accounts: ['100'],
      createdAt: T0, expiresAt: T0 + H,
    });
    before.manualBan({ ip: ip('2001:db8::9'), expiresAt: null, reason: 'by hand', actor: 'alice', at: T0 + 1 });
    before.addBan({
      ip: ip('198.51.100.3'), reason: 'old', tier: 1, source: 'policy', failures: 2, evidence: [], accounts: [],
      createdAt: T0 - 2 * H, expiresAt: T0 - H,
    });
    before.addFailures([failure(T0 - 10, '203.0.113.5'), failure(T0 - 5, '203.0.113.5'), failure(T0 + 3, '192.0.2.1')]);
    before.setMeta('pid', '4242');
    before.setCursor({ source: '/var/log/asterisk/full', dev: '2049', ino: '18446744073709551615', offset: 12_345, fingerprint: 'ab12', updatedAt: T0 });
    const now = T0 + 10;
    const bans = before.activeBans(now);
    const since = before.failuresSince(T0 - H);
    const changeId = before.latestChangeId();
    before.close();

    const after = open(path);
    expect(after.activeBans(now)).toEqual(bans);
    expect(bans.map((b) => b.ip)).toEqual(['203.0.113.5', '2001:db8::9']);
    expect(after.failuresSince(T0 - H)).toEqual(since);
    expect(since).toHaveLength(3);
    expect(after.getMeta('pid')).toBe('4242');
    expect(after.getCursor('/var/log/asterisk/full')).toEqual({
      source: '/var/log/asterisk/full', dev: '2049', ino: '18446744073709551615', offset: 12_345, fingerprint: 'ab12', updatedAt: T0,
    });
    expect(after.latestChangeId()).toBe(changeId);
    expect(after.listBans({ state: 'expired' }, now).rows.map((b) => b.ip)).toEqual(['198.51.100.3']);
  });
});

describe('two Store instances on one file (CLI and daemon)', () => {
  it('see each other\'s commits', () => {
    const path = join(dir, 'sipwarden.db');
    const daemon = open(path);
    const cli = open(path);
    daemon.addFailures([failure(T0, '203.0.113.5')]);
    expect(cli.failuresSince(0)).toHaveLength(1);
    daemon.setMeta('heartbeat', String(T0));
    expect(cli.getMeta('heartbeat')).toBe(String(T0));
    daemon.setMeta('heartbeat', String(T0 + 1000));
    expect(cli.getMeta('heartbeat')).toBe(String(T0 + 1000));
    const b = cli.manualBan({ ip: ip('203.0.113.5'), expiresAt: null, reason: 'r', actor: 'alice', at: T0 });
    expect(daemon.getActiveBan(ip('203.0.113.5'), T0 + 1)?.id).toBe(b.id);
    // the daemon's policy ban merges into the CLI's ban rather than adding a second one
    const merged = daemon.addBan({
      ip: ip('203.0.113.5'), reason: 'tier 1', tier: 1, source: 'policy', failures: 2, evidence: [], accounts: ['100'],
      createdAt: T0 + 2, expiresAt: T0 + H,
    });
    expect(merged.id).toBe(b.id);
    expect(cli.activeBans(T0 + 3)).toHaveLength(1);
    daemon.releaseBan(ip('203.0.113.5'), T0 + 4, 'web:alice');
    expect(cli.getActiveBan(ip('203.0.113.5'), T0 + 5)).toBeNull();
  });
});

describe('meta and cursors', () => {
  it('replaces values and returns null for unknown keys', () => {
    const s = open(join(dir, 'sipwarden.db'));
    expect(s.getMeta('heartbeat')).toBeNull();
    s.setMeta('heartbeat', '1');
    s.setMeta('heartbeat', '2');
    expect(s.getMeta('heartbeat')).toBe('2');
    expect(s.getCursor('/nope')).toBeNull();
    const c = { source: 'ami:127.0.0.1:5038', dev: '1', ino: '2', offset: 3, fingerprint: 'f', updatedAt: 4 };
    s.setCursor(c);
    s.setCursor({ ...c, offset: 99, updatedAt: 5 });
    expect(s.getCursor(c.source)).toEqual({ ...c, offset: 99, updatedAt: 5 });
  });
});

describe('audit', () => {
  it('lists the latest entries first, up to the limit', () => {
    const s = open(join(dir, 'sipwarden.db'));
    const first = s.addAudit({ at: T0, actor: 'alice', action: 'login' });
    expect(first).toMatchObject({ ip: null, detail: null });
    s.addAudit({ at: T0 + 1, actor: 'alice', action: 'config', detail: '{"protection":"on"}' });
    s.addAudit({ at: T0 + 2, actor: 'bob', action: 'release', ip: '203.0.113.5' });
    expect(s.listAudit(2).map((a) => a.action)).toEqual(['release', 'config']);
    expect(s.listAudit(100)).toHaveLength(3);
    expect(s.listAudit(100)[2]).toEqual(first);
  });
});
