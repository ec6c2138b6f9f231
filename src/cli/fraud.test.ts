/**
 * `sipwarden allow-calls`: audited; with the daemon stopped, the store's suspension is
 * lifted and the AstDB key queued for deletion at the next start; a bad name refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ALLOW_CALLS, META_ASTDB, META_SUSPENDED } from '../daemon/fraud.js';
import { Store } from '../store/index.js';
import { allowCallsCommand } from './fraud.js';

let dir: string;
let cfg: string;
let out: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipwarden-allow-'));
  cfg = join(dir, 'sipwarden.yaml');
  writeFileSync(cfg, `store:\n  path: ${join(dir, 'sw.db')}\n`);
  out = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => void out.push(String(s)) as unknown as boolean);
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('sipwarden allow-calls', () => {
  it('with the daemon stopped: audited, the suspension lifted in the store, the AstDB key deleted at the next start', () => {
    const s = Store.open(join(dir, 'sw.db'));
    s.setMeta(META_SUSPENDED, JSON.stringify([{ account: '100', at: Date.UTC(2026, 10, 24, 18, 58, 25), rule: 'high_risk' }, { account: '104', at: 1, rule: 'calls/1m' }]));
    s.close();
    allowCallsCommand('100', { config: cfg });
    expect(out.join('')).toMatch(/^allowed account 100 to call out through trunks again \(suspended since 2026-11-24T18:58:25\.000Z, rule high_risk\)\n/);
    expect(out.join('')).toContain("asterisk -rx 'database del sipwarden/suspended 100'");
    const after = Store.open(join(dir, 'sw.db'));
    try {
      expect(JSON.parse(after.getMeta(META_SUSPENDED) ?? '')).toEqual([{ account: '104', at: 1, rule: 'calls/1m' }]);
      expect(JSON.parse(after.getMeta(META_ASTDB) ?? '')).toEqual({ 100: { op: 'del' } });
      expect(after.listAudit(5)).toMatchObject([{ action: ALLOW_CALLS, detail: JSON.stringify({ account: '100', wasSuspended: true }) }]);
    } finally {
      after.close();
    }
  });

  it('refuses a name that is no account (a path, a line break)', () => {
    expect(() => allowCallsCommand('100/../x', { config: cfg })).toThrow('not an account name');
    expect(() => allowCallsCommand('100\nAction: Originate', { config: cfg })).toThrow('not an account name');
  });
});
