import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseIp, type IpAddress } from '../domain/index.js';
import { Store } from './index.js';

const H = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);

function ip(text: string): IpAddress {
  const parsed = parseIp(text);
  if (parsed === null) throw new Error(`bad test address ${text}`);
  return parsed;
}

let dir: string;
let path: string;
let cli: Store;
let daemon: Store;
let raw: Database.Database;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipwarden-changes-'));
  path = join(dir, 'sipwarden.db');
  daemon = Store.open(path);
  cli = Store.open(path);
  raw = new Database(path);
});
afterEach(() => {
  raw.close();
  cli.close();
  daemon.close();
  rmSync(dir, { recursive: true, force: true });
});

const count = (table: string): number => raw.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;

describe('manual ban and release', () => {
  it('writes the ban, an audit row and a change row', () => {
    expect(daemon.latestChangeId()).toBe(0);
    const b = cli.manualBan({ ip: ip('203.0.113.9'), expiresAt: null, reason: 'seen in CDRs', actor: 'alice', at: T0 });
    expect(b).toMatchObject({ ip: '203.0.113.9', tier: 0, source: 'manual', createdBy: 'alice', expiresAt: null, failures: 0 });
    expect(raw.prepare('SELECT kind, ip, ban_id, at FROM changes').all()).toEqual([
      { kind: 'ban', ip: '203.0.113.9', ban_id: b.id, at: T0 },
    ]);
    expect(raw.prepare('SELECT actor, action, ip, detail, at FROM audit').all()).toEqual([
      { actor: 'alice', action: 'ban', ip: '203.0.113.9', at: T0,
        detail: JSON.stringify({ banId: b.id, expiresAt: null, reason: 'seen in CDRs' }) },
    ]);
    expect(cli.listAudit(10)).toMatchObject([{ actor: 'alice', action: 'ban', ip: '203.0.113.9' }]);

    const r = cli.manualRelease({ ip: ip('203.0.113.9'), actor: 'bob', at: T0 + 5 });
    expect(r).toMatchObject({ id: b.id, releasedAt: T0 + 5, releasedBy: 'bob' });
    expect(raw.prepare('SELECT kind, ban_id FROM changes ORDER BY id').all()).toEqual([
      { kind: 'ban', ban_id: b.id },
      { kind: 'release', ban_id: b.id },
    ]);
    expect(cli.listAudit(10).map((a) => [a.actor, a.action])).toEqual([['bob', 'release'], ['alice', 'ban']]);
  });

  it('writes nothing when there is no active ban to release', () => {
    expect(cli.manualRelease({ ip: ip('203.0.113.9'), actor: 'bob', at: T0 })).toBeNull();
    expect([count('bans'), count('audit'), count('changes')]).toEqual([0, 0, 0]);
  });

  it('merges a manual ban into an active policy ban (one active ban per address)', () => {
    const policy = daemon.addBan({
      ip: ip('203.0.113.9'), reason: '2 failures in 1h', tier: 1, source: 'policy', failures: 2,
      evidence: [], accounts: ['100'], createdAt: T0, expiresAt: T0 + H,
    });
    const manual = cli.manualBan({ ip: ip('203.0.113.9'), expiresAt: null, reason: 'by hand', actor: 'alice', at: T0 + 1 });
    expect(manual.id).toBe(policy.id);
    expect(manual).toMatchObject({ tier: 1, expiresAt: null, source: 'manual', accounts: ['100'] });
    expect(daemon.changesSince(0)).toMatchObject([{ kind: 'ban', banId: policy.id }]);
  });

  it('rolls back the ban and the audit row when the change row cannot be written', () => {
    raw.exec("CREATE TRIGGER no_changes BEFORE INSERT ON changes BEGIN SELECT RAISE(ABORT, 'refused'); END");
    expect(() => cli.manualBan({ ip: ip('203.0.113.9'), expiresAt: null, reason: 'x', actor: 'alice', at: T0 })).toThrow(/refused/);
    expect([count('bans'), count('ban_accounts'), count('audit'), count('changes')]).toEqual([0, 0, 0, 0]);

    raw.exec('DROP TRIGGER no_changes');
    cli.manualBan({ ip: ip('203.0.113.9'), expiresAt: null, reason: 'x', actor: 'alice', at: T0 });
    raw.exec("CREATE TRIGGER no_changes BEFORE INSERT ON changes BEGIN SELECT RAISE(ABORT, 'refused'); END");
    expect(() => cli.manualRelease({ ip: ip('203.0.113.9'), actor: 'bob', at: T0 + 1 })).toThrow(/refused/);
    expect(cli.getActiveBan(ip('203.0.113.9'), T0 + 2)).not.toBeNull();
    expect([count('audit'), count('changes')]).toEqual([1, 1]);
  });
});

describe('change queue between processes', () => {
  it('lets the daemon poll what the CLI wrote, in order, each change once', () => {
    let last = daemon.latestChangeId();
    const a = cli.manualBan({ ip: ip('203.0.113.1'), expiresAt: T0 + H, reason: 'r', actor: 'alice', at: T0 });
    const b = cli.manualBan({ ip: ip('2001:db8::2'), expiresAt: null, reason: 'r', actor: 'alice', at: T0 + 1 });
    const first = daemon.changesSince(last);
    expect(first.map((c) => [c.kind, c.ip, c.banId])).toEqual([['ban', '203.0.113.1', a.id], ['ban', '2001:db8::2', b.id]]);
    last = first.at(-1)?.id ?? last;
    expect(daemon.changesSince(last)).toEqual([]);
    expect(daemon.getActiveBan(ip('2001:db8::2'), T0 + 2)?.id).toBe(b.id);

    cli.manualRelease({ ip: ip('203.0.113.1'), actor: 'bob', at: T0 + 2 });
    const second = daemon.changesSince(last);
    expect(second).toEqual([{ id: last + 1, at: T0 + 2, kind: 'release', ip: '203.0.113.1', banId: a.id }]);
    expect(daemon.latestChangeId()).toBe(last + 1);
    expect(daemon.changesSince(0, 2).map((c) => c.id)).toEqual([first[0]?.id, first[1]?.id]);
  });

  it('keeps the last issued change id even if old changes are deleted', () => {
    cli.manualBan({ ip: ip('203.0.113.1'), expiresAt: null, reason: 'r', actor: 'alice', at: T0 });
    const id = cli.latestChangeId();
    raw.exec('DELETE FROM changes');
    expect(daemon.latestChangeId()).toBe(id);
    cli.manualRelease({ ip: ip('203.0.113.1'), actor: 'bob', at: T0 + 1 });
    expect(daemon.changesSince(id).map((c) => c.id)).toEqual([id + 1]);
  });
});
