/**
 * The overview's "Attacks by country" chart in a real browser (Debian's chromium via
 * playwright-core) against the daemon's own wiring: failed logins replayed from
 * addresses of three countries and a private one, counted per country of the shipped
 * database, the most first; no script runs from the chart. Only 127.0.0.1; bounded waits.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium, logIn, securityLine, SHOTS, startHarness, type Harness } from './harness.js';

let h: Harness;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

describe.skipIf(!existsSync(CHROMIUM))('attacks by country on the overview', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = await startHarness();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('shows failures per country, most first, with flags and names', async () => {
    const t = Date.now() - 60_000;
    let s = 5000;
    const lines = [
      ...[0, 1, 2].map((i) => securityLine(t + i * 100, '8.8.8.8', `20${i}`, 'InvalidAccountID', s++)),
      securityLine(t + 400, '8.8.4.4', '300', 'InvalidAccountID', s++),
      ...[0, 1].map((i) => securityLine(t + 500 + i * 100, '129.187.254.49', `40${i}`, 'InvalidAccountID', s++)),
      securityLine(t + 800, '130.54.1.1', '500', 'InvalidAccountID', s++),
      securityLine(t + 900, '192.168.1.20', '105', 'InvalidAccountID', s++),
    ];
    h.replay(lines, '/var/log/asterisk/security');
    await logIn(page, h.url);
    const chart = page.getByTestId('country-chart');
    await chart.waitFor({ timeout: 10_000 });
    // The overview polls every 10 s: reload until the stored rows are counted (bounded).
    for (let i = 0; i < 20 && !((await chart.textContent()) ?? '').includes('JP'); i++) {
      await page.waitForTimeout(250);
      await page.reload();
      await chart.waitFor({ timeout: 10_000 });
    }
    const rows = await chart.locator('tr').allInnerTexts();
    expect(rows.map((r) => r.replace(/\s+/g, ' ').trim())).toEqual([
      '\u{1f1fa}\u{1f1f8} US United States 4 2 addresses',
      '\u{1f1e9}\u{1f1ea} DE Germany 2 1 address',
      '?? Unknown 1 1 address',
      '\u{1f1ef}\u{1f1f5} JP Japan 1 1 address',
    ]);
    // The top addresses carry their country too; a private address none.
    const top = (await page.locator('ol.toplist').first().locator('li').allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
    expect(top[0]).toBe('8.8.8.8 \u{1f1fa}\u{1f1f8} US United States 3');
    expect(top.find((r) => r.startsWith('192.168.1.20'))).toBe('192.168.1.20 1');
    expect(dialogs).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'overview-countries.png'), fullPage: true });
  }, 60_000);

  it('shows the country of each failed attempt, none for a private address', async () => {
    await page.goto(`${h.url}/#/failures`);
    const table = page.locator('table.failures');
    await table.locator('tbody tr').first().waitFor({ timeout: 10_000 });
    const countryOf = async (ip: string) => (await table.locator('tbody tr', { hasText: ip }).first().locator('td[data-label="Country"]').textContent() ?? '').replace(/\s+/g, ' ').trim();
    expect(await countryOf('130.54.1.1')).toBe('\u{1f1ef}\u{1f1f5} JP Japan');
    expect(await countryOf('129.187.254.49')).toBe('\u{1f1e9}\u{1f1ea} DE Germany');
    expect(await countryOf('192.168.1.20')).toBe('');
    await page.screenshot({ path: join(SHOTS, 'failures-countries.png'), fullPage: true });
  }, 60_000);
});
