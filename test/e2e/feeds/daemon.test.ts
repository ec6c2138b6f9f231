/**
 * Feeds through the real daemon (createDaemon, dry-run firewall, its own store and
 * dashboard on loopback): an APIBAN feed and a plain list served by a real HTTP server on
 * 127.0.0.1 are imported as bans of their own origin, never an internal or trusted
 * address; the export routes give exactly the active bans to a machine with the token;
 * after a restart the bans are in force again from the store and the feed's position and
 * schedule are kept.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/index.js';
import { createDaemon, type Daemon } from '../../../src/daemon/create.js';
import type { Sources } from '../../../src/daemon/sources.js';
import type { DryRunEnforcer } from '../../../src/enforcers/dry-run.js';
import { Store } from '../../../src/store/index.js';
import { startFeedServer, type FeedServer } from '../../support/kits/feed-server.js';

const TOKEN = 'feeds-e2e-token-0123456789abcdef';

let dir: string;
let srv: FeedServer;
let logs: Array<Record<string, unknown>>;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sipwarden-feeds-e2e-'));
  srv = await startFeedServer();
  logs = [];
  writeFileSync(join(dir, 'apiban.key'), `${srv.key}\n`, { mode: 0o600 });
  srv.pages.set('100', { ips: ['203.0.113.10', '203.0.113.11', '10.0.0.5', '192.0.2.7'], next: '103' });
  srv.lists.set('drop.txt', { status: 200, body: '# drop list\n198.51.100.0/28 ; SBL1\n192.0.2.200\n<h1>hi</h1>\n' });
});
afterEach(async () => {
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

function daemon(): Daemon {
  const config = parseConfigText([
    'networks: { internal: [10.0.0.0/8], trusted: [192.0.2.7] }',
    'firewall: { backend: dry-run }',
    `store: { path: ${join(dir, 'sipwarden.db')} }`,
    `failed_auth_log: { path: ${join(dir, 'failed-auth.log')} }`,
    'asterisk: { logs: [] }',
    'accounts: { discover: false }',
    'feeds:',
    `  - { name: apiban, type: apiban, url: "${srv.url}/api/", key_file: ${join(dir, 'apiban.key')}, every: 1h, ban: 7d }`,
    `  - { name: drop, type: list, url: "${srv.url}/lists/drop.txt", every: 6h, ban: permanent }`,
    `feeds_export: { token: ${TOKEN} }`,
  ].join('\n'), 'test.yaml', { fileExists: () => false });
  const sources = (): Sources => ({
    start: () => undefined, drain: async () => undefined, close: () => undefined,
    cursors: () => [], followers: () => [], ami: () => null, health: () => ({ sources: [], ami: null }),
  });
  return createDaemon({
    config, now: () => Date.now(), store: Store.open(config.store.path), hostAddresses: [], sources,
    log: pino({ level: 'info' }, { write: (s: string) => void logs.push(JSON.parse(s) as Record<string, unknown>) }),
    pbx: { accounts: () => undefined, ports: () => ({ ok: true, ports: [], notes: [] }) },
    web: { listen: { host: '127.0.0.1', port: 0 }, ignoreLoginFailures: true },
  });
}

/** Waits (bounded: 20 s) until `ok()` holds. */
async function until(ok: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 20_000;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(logs.filter((l) => Number(l.level) >= 40).slice(-8))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const pull = async (d: Daemon, path: string) => {
  const res = await fetch(new URL(path, d.url ?? ''), { headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: res.status, text: await res.text() };
};

describe('feeds in the daemon', () => {
  it('imports both feeds as their own bans, never a zone, exports exactly the active bans, and keeps it all across a restart', async () => {
    const first = daemon();
    await first.start();
    try {
      const expected = ['192.0.2.200', '198.51.100.0/28', '203.0.113.10', '203.0.113.11'];
      const held = () => [...(first.enforcer as DryRunEnforcer).held.keys()].sort();
      await until(() => held().length === expected.length && first.store.getMeta('feed:drop:state') !== null && first.store.getMeta('feed:apiban:state') !== null, 'both feeds');
      expect(held()).toEqual(expected);
      const bans = first.store.activeBans(Date.now());
      expect(bans.map((b) => [b.ip, b.createdBy]).sort()).toEqual([
        ['192.0.2.200', 'feed:drop'], ['198.51.100.0/28', 'feed:drop'], ['203.0.113.10', 'feed:apiban'], ['203.0.113.11', 'feed:apiban'],
      ]);
      expect(bans.find((b) => b.ip === '192.0.2.200')?.expiresAt).toBeNull();
      expect(first.store.getMeta('feed:apiban:last_id')).toBe('103');
      expect([...srv.requests].sort()).toEqual([`/api/${srv.key}/banned/100`, '/lists/drop.txt'].sort());

      const all = await pull(first, '/api/export/bans.txt?origin=all');
      expect(all.status).toBe(200);
      expect(all.text.split('\n').filter(Boolean).sort()).toEqual(expected);
      expect((await pull(first, '/api/export/bans.txt')).text).toBe(''); // nothing this PBX decided itself
      const json = JSON.parse((await pull(first, '/api/export/bans.json?origin=all')).text) as { total: number; bans: Array<{ ip: string; origin: string }> };
      expect(json.total).toBe(4);
      expect((await fetch(new URL('/api/export/bans.txt', first.url ?? ''))).status).toBe(401);
      expect(JSON.stringify(logs)).not.toContain(srv.key);
      expect(logs.filter((l) => String(l.msg).includes('no address or network'))).toHaveLength(1);
    } finally {
      await first.stop();
    }

    srv.requests.length = 0;
    const second = daemon();
    await second.start();
    try {
      expect([...(second.enforcer as DryRunEnforcer).held.keys()].sort()).toEqual(['192.0.2.200', '198.51.100.0/28', '203.0.113.10', '203.0.113.11']);
      expect(second.store.getMeta('feed:apiban:last_id')).toBe('103');
      // Two heartbeats: the feeds' timer (the same second's schedule) has ticked; neither feed is due again yet.
      const beats = new Set<string | null>([second.store.getMeta('heartbeat')]);
      await until(() => beats.add(second.store.getMeta('heartbeat')).size >= 3, 'two heartbeats');
      expect(srv.requests).toEqual([]);
    } finally {
      await second.stop();
    }
  });
});
