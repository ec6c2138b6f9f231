/**
 * The owner is never locked out of the dashboard, in a real browser (Debian's chromium
 * via playwright-core) against the daemon's own wiring (harness.ts):
 * - wrong passwords from the same address as the owner (every SSH tunnel is
 *   127.0.0.1) never refuse the owner's right one — before, the sixth login within a
 *   minute was answered "too many attempts" whatever the password;
 * - the settings page refuses internal networks that together hold every address
 *   (0.0.0.0/1 + 128.0.0.0/1), in the config file's words — before, they were saved and
 *   nobody could be banned any more.
 * Screenshots go to test-artifacts/screenshots/. Only 127.0.0.1; every wait is bounded.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startHarness, type Harness } from './harness.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-artifacts', 'screenshots');
const WAIT = 10_000;

let h: Harness;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

describe.skipIf(!existsSync(CHROMIUM))('the owner in chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = await startHarness();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      timeout: 30_000,
    });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(WAIT);
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('logs the owner in with the right password after a local user\'s wrong ones from the same address', async () => {
    await page.goto(h.url);
    // Another local user (or a script) tries passwords through the same tunnel address.
    for (let i = 0; i < 6; i++) {
      const r = await page.request.post(`${h.url}/api/login`, { data: { username: 'admin', password: `guess ${i}` } });
      expect(r.status()).toBe(i < 5 ? 401 : 429);
    }
    // The owner mistypes once: told to wait, and that the right password still logs in.
    await page.getByLabel('Password').fill('typo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: WAIT }).toContain('the right password still logs in');
    await page.screenshot({ path: join(SHOTS, 'login-after-guessing.png'), fullPage: true });
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Protection is ON').waitFor();
    expect(dialogs).toEqual([]);
  });

  it('the settings page refuses internal networks that together hold every address, and saves nothing', async () => {
    await page.goto(`${h.url}/#/settings`);
    const internal = page.getByLabel('Internal networks');
    await internal.waitFor();
    const before = h.controls.networks();
    await internal.fill('0.0.0.0/1\n128.0.0.0/1');
    await page.getByRole('button', { name: 'Save networks' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent(), { timeout: WAIT })
      .toContain('0.0.0.0/1 and 128.0.0.0/1 together make every IPv4 address internal, so nobody would ever be banned; list your office and VPN networks instead');
    await page.screenshot({ path: join(SHOTS, 'settings-every-address.png'), fullPage: true });
    expect(h.controls.networks()).toEqual(before);
    await internal.fill('10.0.0.0/8\n192.168.0.0/16');
    await page.getByRole('button', { name: 'Save networks' }).click();
    await page.getByText('Saved.').first().waitFor();
    expect(h.controls.networks().internal).toEqual(['10.0.0.0/8', '192.168.0.0/16']);
  });
});
