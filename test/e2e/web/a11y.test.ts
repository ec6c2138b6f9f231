/**
 * The dashboard's accessibility, checked by axe-core in a real browser (Debian's
 * chromium) on every page — login, overview, blocked, failed attempts, calls,
 * settings — in light and dark (prefers-color-scheme), each with data on it (an
 * attack's bans, a toll-fraud finding, a ban from another PBX). Any `serious` or
 * `critical` violation fails. Screenshots of each page, light and dark, desktop
 * (1280×800) and phone (390×844), go to test-artifacts/screenshots/.
 * Only 127.0.0.1; every wait is bounded.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIp, type IpAddress } from '../../../src/domain/index.js';
import { call, login } from '../../support/calls.js';
import { CHROMIUM, launchChromium, logIn, securityLine, SHOTS, startHarness, type Harness } from './harness.js';

const AXE = createRequire(import.meta.url).resolve('axe-core');
const WAIT = 10_000;
const SCHEMES = ['light', 'dark'] as const;
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
/** Each page and what shows it is loaded. */
const PAGES: ReadonlyArray<{ name: string; hash: string; ready: (p: Page) => Promise<unknown> }> = [
  { name: 'overview', hash: '#/', ready: (p) => expect.poll(() => p.getByTestId('calls-stopped').textContent(), { timeout: WAIT }).toBe('1') },
  { name: 'blocked', hash: '#/bans?state=all', ready: (p) => p.locator('tbody.ban').nth(3).waitFor() },
  { name: 'failures', hash: '#/failures', ready: (p) => p.locator('td.account').first().waitFor() },
  { name: 'calls', hash: '#/calls', ready: (p) => p.locator('.alerts-table tbody tr').first().waitFor() },
  { name: 'settings', hash: '#/settings', ready: (p) => p.getByLabel('Rule 1 within').waitFor() },
];

interface Violation { id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }

let h: Harness;
let browser: Browser;

/** axe-core's serious and critical violations on the page as it is now. */
async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: Violation[]; passes: unknown[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return { violations: r.violations, passes: r.passes.length };
  });
  // axe really looked: it checked rules that passed (color contrast, labels, roles…).
  expect(found.passes).toBeGreaterThan(10);
  return found.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

describe.skipIf(!existsSync(CHROMIUM))('accessibility (axe-core) in chromium, light and dark', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = await startHarness();
    // Something on every page: an attack's bans, a ban another PBX decided, a toll-fraud finding.
    const t = Date.now() - 5 * 60_000;
    h.replay([0, 1, 2].flatMap((i) => [0, 1].map((k) => securityLine(t + i * 2000 + k * 500, `203.0.113.${10 + i}`, String(200 + i), 'InvalidPassword', 100 + i * 2 + k))), '/var/log/asterisk/security');
    h.store.addBan({
      ip: parseIp('198.51.100.40') as IpAddress, reason: '5 failures within 1h', tier: 1, source: 'policy', failures: 5, evidence: [], accounts: ['300'],
      createdAt: t, expiresAt: t + 3_600_000, createdBy: 'cluster:pbx-b',
    });
    h.calls([login('100', '192.0.2.50', t), call('100', '0118823456789').begin(t + 1000), call('101', '5551234567').begin(t + 2000)]);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  for (const scheme of SCHEMES) {
    it(`has no serious or critical violation on any page, ${scheme}`, async () => {
      const context = await browser.newContext({ viewport: SIZES.desktop, colorScheme: scheme, bypassCSP: true }); // axe is injected as a script tag
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT);
      const found: Record<string, string[]> = {};
      try {
        await page.goto(h.url);
        await page.getByLabel('Password').waitFor();
        found.login = await violations(page);
        await page.screenshot({ path: join(SHOTS, `a11y-login-${scheme}-desktop.png`), fullPage: true });
        await page.setViewportSize(SIZES.phone);
        await page.screenshot({ path: join(SHOTS, `a11y-login-${scheme}-phone.png`), fullPage: true });
        await page.setViewportSize(SIZES.desktop);
        await logIn(page, h.url);
        // The scheme really applies: the page's background follows it.
        const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
        expect(bg).toBe(scheme === 'dark' ? 'rgb(18, 22, 20)' : 'rgb(245, 246, 244)');
        for (const p of PAGES) {
          await page.goto(`${h.url}/${p.hash}`);
          await p.ready(page);
          found[p.name] = await violations(page);
          for (const [size, viewport] of Object.entries(SIZES)) {
            await page.setViewportSize(viewport);
            await page.screenshot({ path: join(SHOTS, `a11y-${p.name}-${scheme}-${size}.png`), fullPage: true });
          }
          await page.setViewportSize(SIZES.desktop);
        }
      } finally {
        await context.close();
      }
      expect(Object.keys(found).sort()).toEqual(['blocked', 'calls', 'failures', 'login', 'overview', 'settings']);
      expect(found).toEqual({ login: [], overview: [], blocked: [], failures: [], calls: [], settings: [] });
    }, 120_000);
  }
});
