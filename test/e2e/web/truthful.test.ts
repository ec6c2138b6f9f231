/**
 * The dashboard says what is true, in a real browser (Debian's chromium via
 * playwright-core) against the daemon's own wiring (harness.ts, whose firewall is dry-run):
 * - the overview's protection banner says "Detecting only — dry-run: nothing is blocked",
 *   never "Attackers are blocked in the firewall" — before, it said both side by side;
 * - "extension 104 stopped working": 104 failed 8 times from 4 addresses, all banned, whose
 *   bans list other accounts (a ban keeps the first 50 it saw); the overview lists 104,
 *   and its link finds the four bans — before, it opened "No ban matches 104" (the search
 *   read only the accounts stored on each ban, not the failure history).
 * Screenshots go to test-artifacts/screenshots/. Only 127.0.0.1; every wait is bounded.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, securityLine, startHarness, type Harness } from './harness.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-artifacts', 'screenshots');
const WAIT = 10_000;
/** The phone of extension 104, behind four addresses (one /24: fewer than subnet escalation's 5). */
const PHONE = ['198.51.100.11', '198.51.100.12', '198.51.100.13', '198.51.100.14'];

let h: Harness;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

describe('truthful screens in chromium', () => {
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
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(h.url);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Protection is ON').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('the overview says a dry-run firewall only detects, and never that attackers are blocked', async () => {
    await expect.poll(() => page.getByTestId('protection-says').textContent(), { timeout: WAIT }).toContain('Detecting only — dry-run: nothing is blocked');
    await page.screenshot({ path: join(SHOTS, 'truthful-dry-run.png'), fullPage: true });
    expect(await page.locator('.protection').textContent()).not.toContain('Attackers are blocked in the firewall');
    expect(pageErrors).toEqual([]);
  });

  it("extension 104's link on the overview finds the bans of the addresses it failed from", async () => {
    // The office's phones sit behind four NAT addresses; after a secret change all 60 of them fail
    // (100…159, 104 last), so each address is banned and its ban lists the first 50 accounts
    // it tried (ACCOUNTS_KEEP) — not 104, whose phone fails twice from each.
    const t0 = Date.now() - 120_000;
    let session = 1;
    const lines = PHONE.flatMap((ip, i) => [
      ...Array.from({ length: 60 }, (_, k) => 100 + k).filter((ext) => ext !== 104).map((ext) => securityLine(t0 + i * 10_000 + ext, ip, String(ext), 'InvalidPassword', session++)),
      ...[0, 1].map((k) => securityLine(t0 + i * 10_000 + 500 + k, ip, '104', 'InvalidPassword', session++)),
    ]);
    h.replay(lines, '/var/log/asterisk/security');
    expect(h.store.listBans({ state: 'active', limit: 10 }, Date.now()).rows.map((b) => [b.ip, b.accounts.includes('104')]).sort())
      .toEqual(PHONE.map((ip) => [ip, false]));

    await page.reload();
    const link = page.locator('a.account', { hasText: /^104$/ });
    await link.waitFor();
    expect(await link.locator('xpath=..').textContent()).toContain('8 from 4 addresses');
    await link.click();
    await expect.poll(() => page.getByTestId('ban-count').textContent(), { timeout: WAIT }).toBe('4 bans matching “104”');
    for (const ip of PHONE) await page.getByText(ip).first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'truthful-account-104.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
