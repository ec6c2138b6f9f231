/** `sipwarden feeds`: each configured feed with what the daemon stored of it, its bans in force, the key never shown, hostile text escaped. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BanTarget } from '../domain/ip.js';
import { Store } from '../store/index.js';
import { feedsCommand, feedViews } from './feeds.js';

let dir: string;
let configPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipwarden-cli-feeds-'));
  configPath = join(dir, 'sipwarden.yaml');
  writeFileSync(configPath, [
    `store: { path: ${join(dir, 'sipwarden.db')} }`,
    'feeds:',
    '  - { name: apiban, type: apiban, key: secret-apiban-key-123, every: 1h, ban: 7d }',
    '  - { name: drop, type: list, url: "https://lists.example.net/drop.txt", every: 6h, ban: permanent }',
  ].join('\n'));
  const store = Store.open(join(dir, 'sipwarden.db'));
  const now = Date.now();
  store.setMeta('feed:apiban:state', JSON.stringify({ state: 'ok', lastOkAt: now - 1000, lastAttemptAt: now - 1000, nextAt: now + 3_599_000, listed: 2, bad: 1, badFirst: ['"\\u001b[31mx"'], skipped: { protected: 1, internal: 0, too_wide: 0 } }));
  store.setMeta('feed:apiban:last_id', '310');
  store.setMeta('feed:drop:state', JSON.stringify({ state: 'failing', error: 'cannot reach it: ECONNREFUSED\u001b[2J', lastOkAt: null, nextAt: now + 60_000 }));
  for (const ip of ['203.0.113.1', '203.0.113.2']) {
    store.addBan({ ip: ip as BanTarget, reason: 'feed:apiban: listed', tier: 0, source: 'policy', failures: 0, evidence: [], accounts: [], createdAt: now, expiresAt: now + 60_000, createdBy: 'feed:apiban' });
  }
  store.close();
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('sipwarden feeds', () => {
  it('lists each feed with its stored state, its ID and its bans in force', () => {
    const [apiban, drop] = feedViews(configPath, Date.now());
    expect(apiban).toMatchObject({ name: 'apiban', type: 'apiban', source: 'https://apiban.org/api/', state: 'ok', lastId: '310', bans: 2, listed: 2, bad: 1 });
    expect(drop).toMatchObject({ name: 'drop', state: 'failing', bans: 0, ban: null, lastId: null });
  });

  it('prints them without the key, control characters escaped', () => {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      out += String(s);
      return true;
    });
    feedsCommand({ config: configPath });
    feedsCommand({ config: configPath, json: true });
    expect(out).toContain('apiban (apiban) https://apiban.org/api/: ok');
    expect(out).toContain('2 in force');
    expect(out).toContain('drop (list) https://lists.example.net/drop.txt: FAILING: cannot reach it: ECONNREFUSED\\u001b[2J (its bans stay in force)');
    expect(out).not.toContain('secret-apiban-key-123');
    expect(out).not.toContain('\u001b');
  });
});
