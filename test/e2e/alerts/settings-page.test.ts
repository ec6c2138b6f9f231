/**
 * The settings page's Alerts section in a real browser (Debian's chromium via
 * playwright-core) against the daemon's own wiring (the web tests' harness) with a real
 * config file in a temp dir: a person sets a webhook and e-mail (a real SMTP server on
 * loopback: STARTTLS, AUTH PLAIN), saves — the settings land in the config file and the
 * password is never shown again — and "Send a test alert" reaches both, each channel's
 * answer on the page. Only 127.0.0.1; every wait is bounded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn, startHarness, type Harness } from '../web/harness.js';
import { SMTP_PASSWORD, SMTP_USER, startAlertKit, waitFor, type AlertKit } from './kit.js';

let dir: string;
let file: string;
let kit: AlertKit;
let h: Harness;
let browser: Browser;
let page: Page;

describe('alerts on the settings page, in chromium', () => {
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-alerts-page-'));
    file = path.join(dir, 'sipwarden.yaml');
    fs.writeFileSync(file, '# sipwarden (edited by hand)\nprotection: on\n');
    kit = await startAlertKit(dir);
    h = await startHarness({ configFile: file });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(10_000);
    await logIn(page, h.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await kit?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('configures a webhook and e-mail, keeps the password out of the page, and sends a test alert through both', async () => {
    await page.goto(`${h.url}/#/settings`);
    const section = page.locator('section[aria-labelledby="alerts-title"]');
    await section.getByLabel('Webhook URL (the alert is POSTed as JSON)', { exact: true }).fill(kit.webhook);
    await section.getByLabel('E-mail through an SMTP server', { exact: true }).check();
    await section.getByLabel('SMTP server', { exact: true }).fill('127.0.0.1');
    await section.getByLabel('Port', { exact: true }).fill(String(kit.smtpPort));
    await section.getByLabel('Login name', { exact: true }).fill(SMTP_USER);
    await section.getByLabel('Password', { exact: true }).fill(SMTP_PASSWORD);
    await section.getByLabel('From address', { exact: true }).fill('pbx@example.net');
    await section.getByLabel('To', { exact: true }).fill('admin@example.net');
    await section.getByLabel('CA certificate file (for a private CA)', { exact: true }).fill(kit.caFile);
    await section.getByLabel('Watched log stale', { exact: true }).uncheck();
    await section.getByRole('button', { name: 'Save alerts' }).click();
    await section.getByText('Saved. Alerts go out this way from now on.').waitFor();

    // In the config file, and in force; the page shows only that a password is set.
    const yaml = fs.readFileSync(file, 'utf8');
    expect(yaml).toContain('# sipwarden (edited by hand)');
    expect(yaml).toContain(kit.webhook);
    expect(yaml).toContain(`port: ${kit.smtpPort}`);
    expect(h.controls.alerts().kinds).not.toContain('log_stale');
    await section.getByLabel('Password (set; empty keeps it)', { exact: true }).waitFor();
    expect(await section.getByLabel('Password (set; empty keeps it)', { exact: true }).inputValue()).toBe('');
    expect(await page.content()).not.toContain(SMTP_PASSWORD);

    await section.getByRole('button', { name: 'Send a test alert' }).click();
    const results = section.getByRole('list', { name: 'Test alert results' });
    await results.getByText(/^webhook .*: sent$/).waitFor();
    await results.getByText(/^email \(smtp:\/\/127\.0\.0\.1:\d+\): sent$/).waitFor();
    expect(await waitFor(() => kit.mails.length === 1 && kit.posts.length === 1)).toBe(true);
    expect(kit.mails[0]).toMatchObject({ secure: true, user: SMTP_USER });
    expect(kit.mails[0]?.headers.subject).toBe(`[sipwarden ${os.hostname()}] Test alert`);
    expect(kit.posts[0]).toMatchObject({ kind: 'test', host: os.hostname() });
  });
});
