/**
 * The Cluster panel and the origin of a ban another PBX decided, in a real browser
 * (Debian's chromium): the harness's daemon in cluster mode as `pbx-a` and a second
 * whole daemon `pbx-b` (test/e2e/cluster/nodes.ts) on one real redis-server on
 * loopback. pbx-b bans an attacker; pbx-a's Blocked table shows the ban with its origin;
 * the overview's panel shows this node, its group, Redis reachable and both nodes with
 * when they were last seen — then Redis killed, "not reachable".
 * Only 127.0.0.1; every wait is bounded; the redis-server is killed by its own pid.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseBanTarget, type BanTarget } from '../../../src/domain/index.js';
import { startNode, type TestNode } from '../cluster/nodes.js';
import { startRedis, type TestRedis } from '../cluster/redis.js';
import { CHROMIUM, launchChromium, logIn, SHOTS, startHarness, type Harness } from './harness.js';

const WAIT = 15_000;
const GROUP = 'web-test';

let redis: TestRedis;
let h: Harness;
let b: TestNode;
let browser: Browser;
let page: Page;

describe.skipIf(!existsSync(CHROMIUM) || !existsSync('/usr/bin/redis-server'))('the Cluster panel in chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    redis = await startRedis({ maxMs: 120_000 });
    h = await startHarness({
      tune: (c) => ({ ...c, cluster: { ...c.cluster, enabled: true, name: 'pbx-a', group: GROUP, redis: { ...c.cluster.redis, host: '127.0.0.1', port: redis.port } } }),
    });
    b = await startNode('pbx-b', { group: GROUP, redisUrl: redis.url });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(WAIT);
    await logIn(page, h.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await b?.stop();
    await h?.close();
    await redis?.close();
  });

  it('shows a ban another PBX decided with its origin', async () => {
    const t = Date.now() - 10_000;
    for (let i = 0; i < 5; i++) b.fail('198.51.100.200', '300', t + i * 1000);
    // pbx-a holds the ban first (its way over Redis is test/e2e/cluster's subject): the
    // page then shows it on its first load, not at its next 15 s refresh.
    await vi.waitFor(() => expect(h.store.getActiveBan(parseBanTarget('198.51.100.200') as BanTarget, Date.now())).not.toBeNull(), { timeout: WAIT, interval: 50 });
    await page.goto(`${h.url}/#/bans`);
    const row = page.locator('tbody.ban[data-ip="198.51.100.200"]');
    await row.waitFor({ timeout: WAIT });
    expect(await row.locator('td[data-label="Origin"]').textContent()).toBe('another PBX: pbx-b');
    await page.getByLabel('Filter by origin').selectOption('cluster');
    await expect.poll(() => page.locator('tbody.ban').count(), { timeout: WAIT }).toBe(1);
  });

  it('the overview\'s Cluster panel: this node, its group, Redis reachable, the nodes seen; then Redis down', async () => {
    await page.goto(`${h.url}/#/`);
    const panel = page.locator('section.cluster');
    await panel.waitFor();
    expect(await panel.textContent()).toContain(`This PBX: pbx-a in group ${GROUP}`);
    await expect.poll(() => page.getByTestId('cluster-redis').textContent(), { timeout: WAIT }).toMatch(/^Redis reachable since /);
    // Heartbeats every 5 s; the overview reads again every 10 s.
    await expect.poll(async () => {
      await page.reload();
      await panel.locator('.nodes-table').waitFor({ timeout: 3000 }).catch(() => undefined);
      return panel.locator('.nodes-table td[data-label="PBX"]').allTextContents();
    }, { timeout: 30_000, interval: 2000 }).toEqual(expect.arrayContaining(['pbx-a (this one)', 'pbx-b']));
    await page.screenshot({ path: join(SHOTS, 'overview-cluster.png'), fullPage: true });

    await redis.kill();
    await expect.poll(async () => {
      await page.reload();
      return page.getByTestId('cluster-redis').textContent({ timeout: 3000 }).catch(() => '');
    }, { timeout: 30_000, interval: 1000 }).toMatch(/^Redis (not reachable|connecting…)/);
  }, 90_000);
});
