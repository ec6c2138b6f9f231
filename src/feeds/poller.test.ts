/**
 * The feed poller against a real HTTP server on loopback playing APIBAN and a plain list,
 * a real SQLite store and the dry-run firewall: APIBAN paged over three pages with the
 * gap between requests, "no new bans" as up to date, a 429 then success, the last ID
 * kept across a restart; a list that changes between polls and carries hostile lines;
 * zones always win; another origin's ban is never touched; a failing feed keeps its bans
 * and is said once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText, type Config } from '../config/index.js';
import { policyInput, ruleInput, zoneInput } from '../daemon/inputs.js';
import type { BanTarget, IpAddress } from '../domain/ip.js';
import { DryRunEnforcer } from '../enforcers/dry-run.js';
import { Engine } from '../engine/index.js';
import { Store } from '../store/index.js';
import { addresses, startFeedServer, type FeedServer } from '../../test/support/kits/feed-server.js';
import { FeedBans, FeedPoller, lastIdKey, type FeedPollerDeps } from './index.js';

const NOW = Date.UTC(2026, 11, 7, 12, 0);
const H = 3_600_000;

let dir: string;
let srv: FeedServer;
let store: Store;
let clock: { now: number };
let lines: Array<{ level: string; fields: object; msg: string }>;
let sleeps: number[];
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sipwarden-feeds-'));
  srv = await startFeedServer();
  store = Store.open(join(dir, 'sipwarden.db'));
  clock = { now: NOW };
  lines = [];
  sleeps = [];
});
afterEach(async () => {
  store.close();
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

function configOf(feeds: string): Config {
  return parseConfigText(`networks: { internal: [10.0.0.0/8], trusted: [192.0.2.7] }\nfeeds:\n${feeds}`, 'test.yaml', { fileExists: () => false });
}

/** A poller over the shared store, with its engine and dry-run firewall. */
function poller(config: Config, extra: Partial<FeedPollerDeps> = {}) {
  const engine = new Engine(policyInput(config), zoneInput(config, ['192.0.2.1' as IpAddress]), ruleInput(config));
  const log = {
    info: (fields: object, msg: string) => lines.push({ level: 'info', fields, msg }),
    warn: (fields: object, msg: string) => lines.push({ level: 'warn', fields, msg }),
  };
  const firewall = new DryRunEnforcer(engine.zoneOf, { info: () => undefined, warn: () => undefined });
  const now = () => clock.now;
  const guard = <T>(fn: () => T) => fn();
  const bans = new FeedBans({ store, engine, enforce: (ops) => firewall.apply(ops, now()).then(() => true), guard, now });
  const p = new FeedPoller({
    feeds: config.feeds, bans, zoneOf: engine.zoneOf, widest: { ipv4: config.limits.widestIpv4Ban, ipv6: config.limits.widestIpv6Ban },
    store, guard, log, now, env: { APIBAN_TEST_KEY: srv.key }, sleep: async (ms) => void sleeps.push(ms), ...extra,
  });
  return { p, engine, firewall };
}

const active = (origin?: string) => store.activeBans(clock.now).filter((b) => origin === undefined || b.createdBy === origin).map((b) => b.ip).sort();

describe('APIBAN', () => {
  const feed = () => `  - { name: apiban, type: apiban, url: "${srv.url}/api/", key_env: APIBAN_TEST_KEY, every: 1h, ban: 7d }`;
  beforeEach(() => {
    srv.pages.set('100', { ips: addresses(0, 250), next: '200' });
    srv.pages.set('200', { ips: addresses(250, 250), next: '300' });
    srv.pages.set('300', { ips: [...addresses(500, 8), '10.1.2.3', '127.0.0.1', '192.0.2.7', '<script>alert(1)</script>', 'x'.repeat(5000)], next: '310' });
  });

  it('follows the ID over three pages, a few seconds apart, bans what it may for the feed\'s length and keeps the last ID', async () => {
    const { p, firewall } = poller(configOf(feed()));
    const h = await p.pollNow('apiban');
    expect(h.error).toBeNull();
    expect(srv.requests).toEqual([`/api/${srv.key}/banned/100`, `/api/${srv.key}/banned/200`, `/api/${srv.key}/banned/300`]);
    expect(sleeps).toEqual([3000, 3000]);
    const banned = active('feed:apiban');
    // 508 listed public addresses; 192.0.2.1 is this host's, 192.0.2.7 trusted, 10.1.2.3 internal, 127.0.0.1 loopback.
    expect(banned).toHaveLength(506);
    expect(banned).not.toContain('192.0.2.1');
    expect(banned).not.toContain('192.0.2.7');
    expect(store.getActiveBan('203.0.113.9' as BanTarget, clock.now)).toMatchObject({ createdBy: 'feed:apiban', source: 'policy', tier: 0, expiresAt: NOW + 7 * 24 * H });
    expect(firewall.held.size).toBe(506);
    expect(h).toMatchObject({ state: 'ok', lastId: '310', listed: 510, bad: 2, banned: 506, skipped: { protected: 3, internal: 1, too_wide: 0 } });
    expect(h.badFirst).toEqual(['"<script>alert(1)</script>"', `"${'x'.repeat(57)}..."`]);
    expect(store.getMeta(lastIdKey('apiban'))).toBe('310');
    expect(store.policyBansSince(0)).toEqual([]); // others' findings never feed this PBX's subnet escalation, even after a restart
    expect(JSON.stringify(lines)).not.toContain(srv.key);
  });

  it('"no new bans" (a 400 with ID none) is up to date, and a restart asks from the stored ID', async () => {
    await poller(configOf(feed())).p.pollNow('apiban');
    srv.requests.length = 0;
    clock.now += 2 * H;
    const restarted = poller(configOf(feed()));
    expect(restarted.p.health()[0]).toMatchObject({ lastId: '310', state: 'ok' });
    const h = await restarted.p.pollNow('apiban');
    expect(srv.requests).toEqual([`/api/${srv.key}/banned/310`]);
    expect(h).toMatchObject({ state: 'ok', error: null, lastId: '310', listed: 0, banned: 506 });
  });

  it('waits what a 429 asks (Retry-After), changes no ban, says it once, then goes on', async () => {
    srv.rateLimit = { count: 2, retryAfter: '600' };
    const { p } = poller(configOf(feed()));
    const first = await p.pollNow('apiban');
    expect(first).toMatchObject({ state: 'failing', nextAt: NOW + 600_000, lastId: null, banned: 0 });
    expect(first.error).toMatch(/rate limit/);
    clock.now += 600_000;
    const second = await p.pollNow('apiban');
    expect(second.state).toBe('failing');
    expect(lines.filter((l) => l.level === 'warn' && /cannot be read/.test(l.msg))).toHaveLength(1);
    clock.now += 600_000;
    expect(await p.pollNow('apiban')).toMatchObject({ state: 'ok', lastId: '310', banned: 506, nextAt: clock.now + H });
    expect(lines.some((l) => l.msg === 'feed readable again')).toBe(true);
  });

  it('a refused key is said without the key; nothing is banned', async () => {
    const { p } = poller(configOf(feed()), { env: { APIBAN_TEST_KEY: 'wrong-key-0123456789' } });
    const h = await p.pollNow('apiban');
    expect(h.error).toMatch(/refused the key/);
    expect(active()).toEqual([]);
    expect(JSON.stringify([lines, h, store.getMeta('feed:apiban:state')])).not.toContain('wrong-key-0123456789');
  });
});

describe('a plain list', () => {
  const feed = (ban = '1d') => `  - { name: drop, type: list, url: "${srv.url}/lists/drop.txt", every: 1h, ban: ${ban} }`;
  const HOSTILE = [
    '# Spamhaus-like list', '', '203.0.113.0/24 ; SBL1', '198.51.100.5', '198.51.100.5', ' 2001:DB8:0::9 ', '<html><body>oops</body></html>',
    '0.0.0.0/0', '10.20.0.0/16', '192.0.2.7', '127.0.0.1', '8.0.0.0/7', '10.1.2.3/8', 'garbage here', 'a'.repeat(10_000), '\u001b[31m1.2.3.4',
  ].join('\r\n');

  it('bans what it clearly lists, skips the rest once with the first few bad lines escaped, and never a zone', async () => {
    srv.lists.set('drop.txt', { status: 200, body: HOSTILE });
    const { p, firewall } = poller(configOf(feed()));
    const h = await p.pollNow('drop');
    expect(active('feed:drop')).toEqual(['198.51.100.5', '2001:db8::9', '203.0.113.0/24']);
    expect([...firewall.held.keys()].sort()).toEqual(['198.51.100.5', '2001:db8::9', '203.0.113.0/24']);
    expect(h).toMatchObject({ listed: 8, bad: 5, skipped: { protected: 2, internal: 1, too_wide: 2 } });
    expect(h.badFirst).toEqual(['"<html><body>oops</body></html>"', '"10.1.2.3/8"', '"garbage here"']);
    await p.pollNow('drop');
    expect(lines.filter((l) => /no address or network/.test(l.msg))).toHaveLength(1);
  });

  it('a list that shrinks releases only its own bans; another origin\'s ban of a listed address is left alone', async () => {
    store.manualBan({ ip: '198.51.100.6' as BanTarget, expiresAt: null, reason: 'by hand', actor: 'cli:root', at: NOW });
    srv.lists.set('drop.txt', { status: 200, body: '198.51.100.5\n198.51.100.6\n203.0.113.8\n' });
    const { p, engine } = poller(configOf(feed()));
    expect(await p.pollNow('drop')).toMatchObject({ banned: 2 });
    srv.lists.set('drop.txt', { status: 200, body: '203.0.113.8\n' });
    clock.now += H;
    expect(await p.pollNow('drop')).toMatchObject({ banned: 1 });
    expect(active('feed:drop')).toEqual(['203.0.113.8']);
    expect(store.getActiveBan('198.51.100.6' as BanTarget, clock.now)).toMatchObject({ createdBy: 'cli:root', expiresAt: null });
    expect(engine.activeBan('198.51.100.5' as BanTarget, clock.now)).toBeNull();
    srv.lists.set('drop.txt', { status: 200, body: '' });
    clock.now += H;
    expect(await p.pollNow('drop')).toMatchObject({ state: 'failing', error: 'its answer is empty', banned: 1 });
    expect(active('feed:drop')).toEqual(['203.0.113.8']);
  });

  it('a person\'s release sticks: the feed never bans that address again, and says so', async () => {
    srv.lists.set('drop.txt', { status: 200, body: '203.0.113.8\n203.0.113.9\n' });
    const { p } = poller(configOf(feed()));
    await p.pollNow('drop');
    store.manualRelease({ ip: '203.0.113.8' as BanTarget, actor: 'web:admin@192.168.1.5', at: clock.now });
    clock.now += H;
    const h = await p.pollNow('drop');
    expect(active('feed:drop')).toEqual(['203.0.113.9']);
    expect(h).toMatchObject({ banned: 1, skipped: { released: 1 } });
    expect(lines.some((l) => /released by a person/.test(l.msg))).toBe(true);
  });

  it('an unreachable or broken list keeps its bans; an error page is no empty list', async () => {
    srv.lists.set('drop.txt', { status: 200, body: '203.0.113.8\n' });
    const { p } = poller(configOf(feed()));
    await p.pollNow('drop');
    for (const answer of [{ status: 503, body: 'busy' }, { status: 200, body: '<html><body>Maintenance</body></html>' }]) {
      srv.lists.set('drop.txt', answer);
      clock.now += H;
      const h = await p.pollNow('drop');
      expect(h.state).toBe('failing');
      expect(active('feed:drop')).toEqual(['203.0.113.8']);
    }
    expect(lines.filter((l) => /cannot be read/.test(l.msg))).toHaveLength(1);
    clock.now += H;
    await poller(configOf(feed())).p.pollNow('drop'); // a restart while it still fails: said once more, in the new run's log
    expect(lines.filter((l) => /cannot be read/.test(l.msg))).toHaveLength(2);
    expect(active('feed:drop')).toEqual(['203.0.113.8']);
  });

  it('renews a listed ban only once less than half its length is left', async () => {
    srv.lists.set('drop.txt', { status: 200, body: '203.0.113.8\n' });
    const { p } = poller(configOf(feed('4h')));
    await p.pollNow('drop');
    clock.now += H;
    await p.pollNow('drop');
    expect(store.getActiveBan('203.0.113.8' as BanTarget, clock.now)?.expiresAt).toBe(NOW + 4 * H);
    clock.now += 2 * H;
    await p.pollNow('drop');
    expect(store.getActiveBan('203.0.113.8' as BanTarget, clock.now)?.expiresAt).toBe(clock.now + 4 * H);
    clock.now += H;
    await poller(configOf(feed('permanent'))).p.pollNow('drop'); // the owner made the feed's bans permanent
    expect(store.getActiveBan('203.0.113.8' as BanTarget, clock.now)).toMatchObject({ expiresAt: null, createdBy: 'feed:drop' });
  });
});

describe('a list in a file, and an APIBAN key file', () => {
  it('reads the file; a missing file or key file is said in one line, naming the file but never the key', async () => {
    const list = join(dir, 'block.txt');
    writeFileSync(list, '203.0.113.44\n');
    const keyFile = join(dir, 'missing.key');
    const { p } = poller(configOf([
      `  - { name: mine, type: list, file: ${list} }`,
      `  - { name: gone, type: list, file: ${join(dir, 'nope.txt')} }`,
      `  - { name: apiban, type: apiban, url: "${srv.url}/api/", key_file: ${keyFile} }`,
    ].join('\n')));
    expect(await p.pollNow('mine')).toMatchObject({ state: 'ok', banned: 1 });
    expect((await p.pollNow('gone')).error).toBe(`cannot read its file ${JSON.stringify(join(dir, 'nope.txt'))}: ENOENT`);
    expect((await p.pollNow('apiban')).error).toBe(`cannot read its key file ${JSON.stringify(keyFile)}: ENOENT`);
    expect(srv.requests).toEqual([]);
  });
});

describe('a large list', () => {
  it('20,000 entries go in as batches of 200 (one store transaction and one firewall change each), all of them', async () => {
    srv.lists.set('big.txt', { status: 200, body: addresses(1000, 20_000).join('\n') });
    const { p, firewall } = poller(configOf(`  - { name: big, type: list, url: "${srv.url}/lists/big.txt" }`));
    expect(await p.pollNow('big')).toMatchObject({ state: 'ok', listed: 20_000, banned: 20_000 });
    expect(firewall.batches.map((b) => b.length)).toEqual(Array(100).fill(200));
    expect(active('feed:big')).toHaveLength(20_000);
  });
});

describe('feeds removed or disabled', () => {
  it('their bans end at the first tick; a configured feed\'s and a person\'s stay', async () => {
    srv.lists.set('drop.txt', { status: 200, body: '203.0.113.8\n' });
    const seed = (ip: string, createdBy: string) => store.addBan({
      ip: ip as BanTarget, reason: `${createdBy}: listed`, tier: 0, source: 'policy', failures: 0, evidence: [], accounts: [], createdAt: NOW, expiresAt: null, createdBy,
    });
    seed('203.0.113.8', 'feed:drop');
    seed('198.51.100.1', 'feed:gone');
    seed('198.51.100.2', 'feed:off');
    store.manualBan({ ip: '198.51.100.3' as BanTarget, expiresAt: null, reason: 'by hand', actor: 'cli:root', at: NOW });
    const { p } = poller(configOf([
      `  - { name: drop, type: list, url: "${srv.url}/lists/drop.txt" }`,
      `  - { name: off, type: list, url: "${srv.url}/lists/off.txt", enabled: false }`,
    ].join('\n')));
    p.tick();
    await p.pollNow('drop');
    await p.stop();
    expect(active()).toEqual(['198.51.100.3', '203.0.113.8']);
    expect(store.listBans({ ip: '198.51.100.1', state: 'released' }, clock.now).rows[0]?.releasedBy).toBe('feed:gone');
    expect(srv.requests).toEqual(['/lists/drop.txt']);
  });
});

describe('scheduling', () => {
  it('a feed is due at start, then every `every`; the schedule survives a restart', async () => {
    srv.lists.set('drop.txt', { status: 200, body: '203.0.113.8\n' });
    const config = configOf(`  - { name: drop, type: list, url: "${srv.url}/lists/drop.txt", every: 2h }`);
    const { p } = poller(config);
    expect(p.health()[0]?.nextAt).toBe(NOW);
    p.tick();
    await p.pollNow('drop'); // joins the poll the tick started
    await p.stop();
    expect(srv.requests).toEqual(['/lists/drop.txt']);
    clock.now += H;
    const again = poller(config).p;
    expect(again.health()[0]).toMatchObject({ state: 'ok', nextAt: NOW + 2 * H });
    again.tick();
    await again.stop();
    expect(srv.requests).toHaveLength(1);
  });
});
