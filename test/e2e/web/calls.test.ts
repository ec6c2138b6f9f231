/**
 * The Calls page in a real browser (Debian's chromium) against the daemon's own wiring
 * (harness.ts) with its live toll-fraud guard fed call events as the AMI source feeds
 * them: trunk calls up now per account, a high-risk call that suspends its account and
 * bans the address it logged in from, the alert with the rule in plain words and the
 * number dialled, the rules read-only; "Allow calls again" with its confirm lifts the
 * suspension in the guard, audited with the dashboard user, exactly once; the overview
 * counts the call stopped today; a hostile "number" is shown as text; the rules editor
 * saves a new limit into the config file (its comments kept), warns before 112/911 are
 * dropped, and the guard stops the call breaking the new limit. No AMI: the
 * hang-ups the guard asks for go nowhere (test doubles only for Asterisk).
 * Only 127.0.0.1; every wait is bounded.
 */
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IpAddress } from '../../../src/domain/index.js';
import { call, login } from '../../support/calls.js';
import { CHROMIUM, launchChromium, logIn, SHOTS, startHarness, type Harness } from './harness.js';

const HOSTILE = '<img src=x onerror=alert(1)>';
const WAIT = 10_000;
const AXE = createRequire(import.meta.url).resolve('axe-core');
const CONFIG = '# sipwarden on the office PBX\nfraud:\n  enabled: true # judge the calls\n';

let h: Harness;
let configDir: string;
let configFile: string;
let browser: Browser;
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

describe.skipIf(!existsSync(CHROMIUM))('the Calls page in chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    configDir = mkdtempSync(join(tmpdir(), 'sipwarden-calls-config-'));
    configFile = join(configDir, 'sipwarden.yaml');
    writeFileSync(configFile, CONFIG);
    h = await startHarness({ configFile });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
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
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  });

  it('shows trunk calls up now per account, a high-risk call stopped, its account suspended, the alert in plain words', async () => {
    const t = Date.now() - 60_000;
    const office = [call('101', '5551234567'), call('101', '5559876543')];
    const hostile = call('102', HOSTILE);
    const fraud = call('100', '0118823456789');
    h.calls([
      login('100', '203.0.113.5', t),
      office[0]?.begin(t + 1000), office[0]?.answer(t + 2000), office[1]?.begin(t + 3000), hostile.begin(t + 4000),
      fraud.begin(t + 5000),
    ].flatMap((e) => (e ? [e] : [])));
    // The finding's audit record is written once the frames being read are handled (daemon/fraud.ts).
    await until(() => h.store.listAudit(10).some((a) => a.action === 'toll_fraud'), 'the toll_fraud audit record');
    await until(() => h.enforcer.held.has('203.0.113.5' as IpAddress), 'the ban of the address 100 logged in from');

    await page.locator('header nav').getByRole('link', { name: 'Calls' }).click();
    const live = page.locator('.calls-table');
    await live.locator('tbody[data-account="101"] tr').nth(1).waitFor();
    expect(await live.locator('tbody[data-account="101"] tr').count()).toBe(2);
    expect(await live.locator('tbody[data-account="101"] td').first().textContent()).toBe('101 (2 calls)');
    // The stopped call is not up; the hostile "number" is text.
    expect(await live.locator('tbody[data-account="100"]').count()).toBe(0);
    expect(await live.locator('tbody[data-account="102"] td').nth(1).textContent()).toBe(HOSTILE);

    const suspended = page.locator('.suspended-table tr[data-account="100"]');
    expect(await suspended.textContent()).toContain('a call to a high-risk destination');
    const alert = page.locator('.alerts-table tbody tr').first();
    const text = await alert.textContent();
    for (const part of ['100', 'a call to a high-risk destination', 'high_risk', '0118823456789', '+8823456789', 'non-geographic', 'hang up, suspend the account, ban its address, alert', 'address 203.0.113.5']) {
      expect(text).toContain(part);
    }
    // The rules, read-only, in plain words.
    const rules = await page.locator('.rules li').allTextContents();
    expect(rules).toContain('A call to a high-risk destination high_riskthen: hang up the call, suspend the account, ban its address, send an alert');
    expect(rules.some((r) => r.startsWith('More than 8 calls within 1m calls/1m'))).toBe(true);
    expect(await page.locator('main img').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'calls.png'), fullPage: true });
  });

  it('"Allow calls again" with its confirm lifts the suspension in the guard, audited with the dashboard user, once', async () => {
    expect(h.fraud.health().suspended).toBe(1);
    await page.locator('.suspended-table tr[data-account="100"]').getByRole('button', { name: 'Allow calls again' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('Allow 100 to call out again?');
    await dialog.getByRole('button', { name: 'Allow calls again' }).click();
    await page.getByText('Account 100 may call out through trunks again.').waitFor();
    expect(h.fraud.health().suspended).toBe(0);
    const allows = h.store.listAudit(20).filter((a) => a.action === 'allow_calls');
    expect(allows.map((a) => [a.actor, JSON.parse(a.detail ?? '{}')])).toEqual([['web:admin@127.0.0.1', { account: '100', wasSuspended: true }]]);
    await page.getByText('No account is suspended.').waitFor();
    // The store's suspensions follow (read by the daemon at its next start).
    await until(() => !JSON.parse(h.store.getMeta('fraud.suspended') ?? '[]').some((s: { account: string }) => s.account === '100'), 'the stored suspension lifted');
    // The control loop's next looks do not apply the record a second time.
    await new Promise((r) => setTimeout(r, 600));
    expect(h.fraud.health().suspended).toBe(0);
  });

  it('refuses to allow a name that is no account, in plain words, and writes nothing', async () => {
    const r = await page.request.post(`${h.url}/api/calls/allow`, {
      data: { account: '100 && reboot' },
      headers: { 'x-csrf-token': await page.evaluate(async () => (await (await fetch('/api/session')).json()).csrfToken as string) },
    });
    expect(r.status()).toBe(400);
    expect((await r.json()).problems).toEqual([{ path: 'account', message: 'not an account name: "100 && reboot"' }]);
    expect(h.store.listAudit(20).filter((a) => a.action === 'allow_calls').length).toBe(1);
  });

  it('the overview counts the call stopped today, and links to the Calls page', async () => {
    await page.locator('header nav').getByRole('link', { name: 'Overview' }).click();
    await expect.poll(() => page.getByTestId('calls-stopped').textContent(), { timeout: WAIT }).toBe('1');
    await page.getByTestId('calls-stopped').click();
    await page.getByRole('heading', { name: 'Calls', level: 1 }).waitFor();
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('the rules editor saves a new limit into the config file, comments kept, and the guard stops the call breaking it', async () => {
    await page.locator('header nav').getByRole('link', { name: 'Calls' }).click();
    await page.getByRole('button', { name: 'Edit rules' }).click();
    // Every input of the editor has a label (axe-core's label rules, run on the editor).
    await page.evaluate(readFileSync(AXE, 'utf8'));
    const labels = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(ctx: string, o: object): Promise<{ violations: Array<{ id: string }>; passes: Array<{ id: string }> }> } }).axe;
      const r = await axe.run('.rules-editor', { runOnly: ['label', 'label-title-only'] });
      return { violations: r.violations.map((v) => v.id), passes: r.passes.map((v) => v.id) };
    });
    expect(labels.violations).toEqual([]);
    expect(labels.passes).toContain('label');
    await page.getByLabel('calls/1m: most allowed').fill('2');
    await page.getByLabel('calls/1m: window (like 1m, 1h, 24h)').fill('10m');
    // Dropping the emergency numbers is warned about, and refused without the tick.
    const never = page.getByLabel('Numbers never stopped (emergency services)');
    await never.fill('110');
    await page.getByText('Neither 112 nor 911 is in this list').waitFor();
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.getByText('keeps none of the emergency numbers 112 and 911').waitFor();
    expect(readFileSync(configFile, 'utf8')).toBe(CONFIG);
    await never.fill('112, 911');
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.getByText('Saved into the config file.').waitFor();

    const text = readFileSync(configFile, 'utf8');
    for (const kept of ['# sipwarden on the office PBX', 'enabled: true # judge the calls', 'max: 2', 'within: 10m']) expect(text).toContain(kept);
    const audit = h.store.listAudit(50).filter((a) => a.action === 'fraud_rules');
    expect(audit.map((a) => a.actor)).toEqual(['web:admin@127.0.0.1']);
    const rules = await page.locator('.rules li').allTextContents();
    expect(rules.some((r) => r.startsWith('More than 2 calls within 10m calls/10m'))).toBe(true);

    // Three calls from one account within seconds: the third breaks the new limit and is stopped.
    const t = Date.now();
    h.calls([0, 1, 2].map((i) => call('103', '5551234567').begin(t + i * 1000)));
    await until(() => h.store.listAudit(50).some((a) => a.action === 'toll_fraud' && JSON.parse(a.detail ?? '{}').rule === 'calls/10m'), 'the finding of the new rule');
    const finding = JSON.parse(h.store.listAudit(50).find((a) => a.action === 'toll_fraud' && a.detail?.includes('calls/10m'))?.detail ?? '{}');
    expect(finding).toMatchObject({ account: '103', rule: 'calls/10m', actions: expect.arrayContaining(['hangup']) });
    expect(pageErrors).toEqual([]);
  });
});
