/**
 * The Blocked page as a table in a real browser (Debian's chromium) against the
 * daemon's own wiring (harness.ts): 62 bans paged 50 at a time, sorted by the server by
 * a column with the order kept in the URL (a reload keeps it), the origin of every ban
 * (this PBX, another PBX, a feed, a person), filters (origin, reason, tier) kept in the
 * URL, several bans released with one confirm (the store, the audit and the firewall
 * follow), where an address is (flag, code, name) from the shipped country database, and on a phone the rows become stacked cells with nothing wider than the screen.
 * Screenshots go to test-artifacts/screenshots/. Only 127.0.0.1; every wait is bounded.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIp, type IpAddress } from '../../../src/domain/index.js';
import { CHROMIUM, launchChromium, logIn, SHOTS, startHarness, type Harness } from './harness.js';

const WAIT = 10_000;
const ip = (s: string) => parseIp(s) as IpAddress;

let h: Harness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const dialogs: string[] = [];
const pageErrors: string[] = [];

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const rowIps = (p: Page = page) => p.locator('tbody.ban').evaluateAll((els) => els.map((e) => e.getAttribute('data-ip')));
const hash = () => page.evaluate(() => window.location.hash);

describe.skipIf(!existsSync(CHROMIUM))('the Blocked table in chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = await startHarness();
    const t = Date.now() - 3_600_000;
    // 58 of this PBX's policy bans, one from another PBX, one from a feed, two by people.
    for (let i = 0; i < 58; i++) {
      h.store.addBan({
        ip: ip(`203.0.113.${i + 1}`), reason: '2 failures within 1h', tier: i % 3 === 0 ? 2 : 1, source: 'policy', failures: 2, evidence: [],
        accounts: [String(200 + i)], createdAt: t + i * 1000, expiresAt: t + 7_200_000 + (58 - i) * 60_000,
      });
    }
    const other = { tier: 1, failures: 5, evidence: [], accounts: [], expiresAt: null };
    h.store.addBan({ ...other, ip: ip('198.51.100.10'), reason: '5 failures within 1h', source: 'policy', createdAt: t + 100_000, createdBy: 'cluster:pbx-b' });
    h.store.addBan({ ...other, ip: ip('198.51.100.11'), reason: 'listed by spamhaus-drop', source: 'policy', createdAt: t + 101_000, createdBy: 'feed:spamhaus-drop' });
    h.store.addBan({ ...other, tier: 0, ip: ip('198.51.100.12'), reason: 'scanner', source: 'manual', createdAt: t + 102_000, createdBy: 'web:admin@127.0.0.1' });
    h.store.addBan({ ...other, tier: 0, ip: ip('198.51.100.13'), reason: 'scanner', source: 'manual', createdAt: t + 103_000, createdBy: 'cli:root' });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await logIn(page, h.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('pages 50 at a time, newest first, each row with its origin', async () => {
    await page.goto(`${h.url}/#/bans`);
    await expect.poll(() => page.getByTestId('ban-count').textContent(), { timeout: WAIT }).toBe('62 bans');
    expect((await rowIps()).length).toBe(50);
    expect((await rowIps()).slice(0, 2)).toEqual(['198.51.100.13', '198.51.100.12']);
    const origin = (addr: string) => page.locator(`tbody.ban[data-ip="${addr}"] td[data-label="Origin"]`).textContent();
    expect(await origin('198.51.100.13')).toBe('root (command line)');
    expect(await origin('198.51.100.12')).toBe('admin (dashboard)');
    expect(await origin('198.51.100.11')).toBe('feed: spamhaus-drop');
    expect(await origin('198.51.100.10')).toBe('another PBX: pbx-b');
    expect(await origin('203.0.113.58')).toBe('this PBX');
    await page.screenshot({ path: join(SHOTS, 'bans-table.png'), fullPage: true });
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(async () => (await rowIps()).length, { timeout: WAIT }).toBe(12);
    expect(await page.locator('.pager').textContent()).toContain('51–62 of 62');
    expect(await hash()).toContain('offset=50');
  });

  it('sorts by a column on the server, the order kept in the URL and across a reload', async () => {
    await page.goto(`${h.url}/#/bans`);
    await page.locator('tbody.ban').first().waitFor();
    const address = page.locator('th', { has: page.getByRole('button', { name: /^Address/ }) });
    await address.getByRole('button').click();
    await expect.poll(() => address.getAttribute('aria-sort'), { timeout: WAIT }).toBe('ascending');
    const expected = h.store.listBans({ state: 'active', sort: 'ip', order: 'asc', limit: 50, offset: 0 }, Date.now()).rows.map((b) => b.ip);
    await expect.poll(rowIps, { timeout: WAIT }).toEqual(expected);
    expect(await hash()).toMatch(/sort=ip.*order=asc/);
    await address.getByRole('button').click();
    await expect.poll(() => address.getAttribute('aria-sort'), { timeout: WAIT }).toBe('descending');
    const descending = h.store.listBans({ state: 'active', sort: 'ip', order: 'desc', limit: 50, offset: 0 }, Date.now()).rows.map((b) => b.ip);
    await expect.poll(rowIps, { timeout: WAIT }).toEqual(descending);
    await page.reload();
    await expect.poll(rowIps, { timeout: WAIT }).toEqual(descending);
    expect(await address.getAttribute('aria-sort')).toBe('descending');

    const until = page.locator('th', { has: page.getByRole('button', { name: /^Until/ }) });
    await until.getByRole('button').click();
    await expect.poll(() => until.getAttribute('aria-sort'), { timeout: WAIT }).toBe('descending');
    const byEnd = h.store.listBans({ state: 'active', sort: 'expires_at', order: 'desc', limit: 50, offset: 0 }, Date.now()).rows.map((b) => b.ip);
    await expect.poll(rowIps, { timeout: WAIT }).toEqual(byEnd);
  });

  it('filters by origin, reason and tier, kept in the URL', async () => {
    await page.goto(`${h.url}/#/bans`);
    await page.locator('tbody.ban').first().waitFor();
    await page.getByLabel('Filter by origin').selectOption('cluster');
    await expect.poll(rowIps, { timeout: WAIT }).toEqual(['198.51.100.10']);
    expect(await page.getByTestId('ban-count').textContent()).toBe('1 ban with these filters');
    expect(await hash()).toContain('origin=cluster');
    await page.getByLabel('Filter by origin').selectOption('person');
    await expect.poll(rowIps, { timeout: WAIT }).toEqual(['198.51.100.13', '198.51.100.12']);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Filter by reason').selectOption('manual');
    await expect.poll(rowIps, { timeout: WAIT }).toEqual(['198.51.100.13', '198.51.100.12']);
    await page.getByLabel('Filter by reason').selectOption('');
    await page.getByLabel('Filter by tier').selectOption('2');
    await expect.poll(async () => (await rowIps()).length, { timeout: WAIT }).toBe(20);
    await page.reload();
    await expect.poll(async () => (await rowIps()).length, { timeout: WAIT }).toBe(20);
    expect(await page.getByLabel('Filter by tier').inputValue()).toBe('2');
  });

  it('releases several bans with one confirm; the store, the audit and the firewall follow', async () => {
    await page.goto(`${h.url}/#/bans`);
    await page.locator('tbody.ban').first().waitFor();
    const picked = ['198.51.100.10', '198.51.100.11', '203.0.113.58'];
    for (const a of picked) await page.getByRole('checkbox', { name: `Select ${a}` }).check();
    const batches = h.enforcer.batches.length;
    await page.getByRole('button', { name: 'Release selected (3)' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('Release 3 addresses?');
    // In the table's order, newest first.
    expect(await dialog.textContent()).toContain('198.51.100.11, 198.51.100.10, 203.0.113.58');
    await page.screenshot({ path: join(SHOTS, 'bans-bulk-release.png'), fullPage: true });
    await dialog.getByRole('button', { name: 'Release' }).click();
    await page.getByText('Released 3 addresses: 198.51.100.11, 198.51.100.10, 203.0.113.58.').waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    for (const a of picked) expect(h.store.getActiveBan(ip(a), Date.now()), a).toBeNull();
    expect(h.store.listAudit(10).filter((a) => a.action === 'release').map((a) => [a.ip, a.actor]).sort()).toEqual(picked.map((a) => [a, 'web:admin@127.0.0.1']));
    await until(() => picked.every((a) => h.enforcer.batches.slice(batches).some((b) => b.some((op) => op.op === 'unban' && op.ip === a))), 'the firewall unbans');
    await expect.poll(() => page.getByTestId('ban-count').textContent(), { timeout: WAIT }).toBe('59 bans');
  });

  it('shows where an address is (flag, code, name; its network) from the shipped database, and filters by country', async () => {
    h.store.addBan({
      ip: ip('8.8.8.8'), reason: '2 failures within 1h', tier: 1, source: 'policy', failures: 2, evidence: [], accounts: ['400'],
      createdAt: Date.now(), expiresAt: Date.now() + 3_600_000,
    });
    const res = await page.request.get(`${h.url}/api/bans?ip=8.8.8.8`);
    const geo = (await res.json()).rows[0]?.geo as { country: string; name: string; network?: string } | undefined;
    expect(geo?.country).toMatch(/^[A-Z]{2}$/);
    const code = geo?.country ?? '';
    const flag = String.fromCodePoint(...[...code].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65));
    await page.goto(`${h.url}/#/bans`);
    await page.reload(); // the same address as now: load the list again at once
    const row = page.locator('tbody.ban[data-ip="8.8.8.8"]');
    await row.waitFor();
    expect(await row.locator('td[data-label="Country"]').textContent()).toBe(`${flag} ${code} ${geo?.name}`);
    expect(await row.locator('td[data-label="Network"]').textContent()).toContain(geo?.network ?? '');
    // A documentation address is nowhere: its cells are empty.
    expect(await page.locator('tbody.ban[data-ip="198.51.100.13"] td[data-label="Country"]').textContent()).toBe('');
    await page.getByLabel('Filter by country').selectOption(code);
    await expect.poll(rowIps, { timeout: WAIT }).toEqual(['8.8.8.8']);
    await page.getByLabel('Filter by country').selectOption('-');
    await expect.poll(async () => (await rowIps()).includes('8.8.8.8'), { timeout: WAIT }).toBe(false);
    expect((await rowIps()).length).toBe(50);
  });

  it('on a phone the rows become stacked cells, nothing wider than the screen', async () => {
    const phone = await context.newPage();
    phone.setDefaultTimeout(WAIT);
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${h.url}/#/bans`);
    const row = phone.locator('tbody.ban[data-ip="198.51.100.13"]');
    await row.waitFor();
    expect(await phone.locator('.bans-table thead').isVisible()).toBe(false);
    expect(await row.locator('td[data-label="Origin"]').evaluate((td) => getComputedStyle(td).display)).toBe('block');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await row.getByRole('button', { name: 'Why?' }).click();
    await row.locator('.details').waitFor();
    await phone.screenshot({ path: join(SHOTS, 'bans-table-phone.png'), fullPage: true });
    await phone.close();
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
