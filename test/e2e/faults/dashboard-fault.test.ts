/**
 * The overview shows a store fault (Debian's chromium via playwright-core, against a
 * real daemon whose store another process holds locked): a login still works, the
 * banner says what fails since when, what to do and what waits in memory, and goes
 * away once the lock is released. Screenshot: test-artifacts/screenshots/overview-store-fault.png.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon } from '../../support/cli.js';
import { failureLines, faultBox, live, until } from './fault-box.js';
import fs from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-artifacts', 'screenshots');
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.skipIf(!existsSync(CHROMIUM))('store fault on the overview', () => {
  it('shows what fails, what to do and what waits, and clears when the store works again', async () => {
    const box = faultBox(null, 'dashfault');
    cleanups.push(() => box.cleanup());
    const d = startDaemon(box.config);
    cleanups.push(() => d.stop('SIGKILL'));
    expect(await until(() => d.lines.some((l) => l.msg === 'sipwarden running'), 20_000)).toBe(true);
    const password = d.lines.find((l) => String(l.msg).startsWith('dashboard password generated'))?.password as string;

    const holder = spawn('sqlite3', [box.storePath], { stdio: ['pipe', 'ignore', 'ignore'] });
    cleanups.push(() => holder.kill('SIGKILL'));
    holder.stdin.end("BEGIN IMMEDIATE;\nDELETE FROM meta WHERE key = 'none';\n.shell sleep 60\nCOMMIT;\n");
    await new Promise((r) => setTimeout(r, 300));
    fs.appendFileSync(box.messages, failureLines(300, { everyNth: 30 }).text);
    expect(await until(async () => (await live(box))?.store?.state === 'degraded', 10_000)).toBe(true);

    const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run'], timeout: 30_000 });
    cleanups.push(() => browser.close());
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`http://127.0.0.1:${box.port}/`);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const banner = page.getByTestId('store-fault');
    await banner.waitFor();
    const text = (await banner.textContent()) ?? '';
    expect(text).toContain('Protection goes on from memory');
    expect(text).toMatch(/The store cannot be written since .* \(locked, SQLITE_BUSY\)\. What to do: another process holds a lock on .*sipwarden\.db/);
    expect(text).toMatch(/Waiting in memory: 300 failures, 10 bans/);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'overview-store-fault.png'), fullPage: true });

    holder.kill('SIGKILL');
    expect(await until(async () => (await live(box))?.store?.state === 'ok', 10_000)).toBe(true);
    await page.reload();
    await page.getByText('Protection is ON').waitFor();
    expect(await banner.count()).toBe(0);
  }, 90_000);
});
