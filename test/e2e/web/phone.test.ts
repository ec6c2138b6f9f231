/**
 * Issue 13 in a real browser (Debian's chromium via playwright-core) against the
 * daemon's own wiring (harness.ts) with a real config file in a temp dir:
 * - what was seen: extension 201 at home (192.0.2.44) fails once → banned 24 h;
 *   released from the dashboard; the phone then logs in with the RIGHT password → a
 *   permanent ban saying "change it now" and nothing else. Now the release dialog points
 *   at "This is my phone", the new ban and its alert say it came right after a release,
 *   and "This is my phone" makes 201 roaming, releases the ban and audits it — the
 *   phone's next login is no offence;
 * - what was seen: a dashboard change lived only in the store, over the file, forever.
 *   Now protection switched off and the roaming list edited on the settings page are
 *   written into the config file, its comments kept.
 * Screenshots go to test-artifacts/screenshots/. Only 127.0.0.1; every wait is bounded.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IpAddress } from '../../../src/domain/index.js';
import { PASSWORD, securityLine, startHarness, type Harness } from './harness.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-artifacts', 'screenshots');
const WAIT = 10_000;
const HOME = '192.0.2.44';
const SECURITY = '/var/log/asterisk/security';

const FILE = [
  '# sipwarden at the office (edited by hand)',
  'protection: on # the big switch',
  'accounts:',
  '  # our phones',
  '  extensions: ["2??"]',
  '  roaming: []',
  '  extensions_internal_only: true # phones only from the office',
  '',
].join('\n');

let dir: string;
let file: string;
let h: Harness;
let browser: Browser;
let page: Page;
let session = 900;

/** One Asterisk 20 security-log line of a successful PJSIP login of `account` from `ip` (the fixture's format). */
function successLine(at: number, ip: string, account: string): string {
  const d = new Date(at);
  const stamp = securityLine(at, ip, account, 'InvalidAccountID', 0).slice(0, 17);
  return `${stamp} SECURITY[16648] res_security_log.c: SecurityEvent="SuccessfulAuth",EventTV="${d.toISOString().slice(0, 23)}+0000",Severity="Informational",Service="PJSIP",EventVersion="1",AccountID="${account}",SessionID="${++session}",LocalAddress="IPV4/UDP/10.0.0.2/5060",RemoteAddress="IPV4/UDP/${ip}/5060",UsingPassword="1"`;
}
const failed = () => h.replay([securityLine(Date.now(), HOME, '201', 'InvalidPassword', ++session)], SECURITY);
const loggedIn = () => h.replay([successLine(Date.now(), HOME, '201')], SECURITY);
const activeBan = () => h.store.getActiveBan(HOME as IpAddress, Date.now());
const alerts = () => readFileSync(join(dir, 'failed-auth.log'), 'utf8').split('\n').filter((l) => l.includes('ALERT'));

describe.skipIf(!existsSync(CHROMIUM))('remote phones and one truth for settings, in chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'sipwarden-phone-'));
    file = join(dir, 'sipwarden.yaml');
    writeFileSync(file, FILE);
    h = await startHarness({
      configFile: file,
      tune: (c) => ({
        ...c,
        failedAuthLog: { path: join(dir, 'failed-auth.log') },
        accounts: { ...c.accounts, extensions: ['2??'], roaming: [], extensionsInternalOnly: true },
      }),
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      timeout: 30_000,
    });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(WAIT);
    await page.goto(h.url);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('header nav').getByRole('link', { name: 'Blocked' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a release followed by the right password says why it bans again, and "This is my phone" makes the phone welcome', async () => {
    failed();
    expect(activeBan()?.reason).toBe('extension-from-external');

    // The person releases it the plain way: the dialog points at "This is my phone".
    await page.locator('header nav').getByRole('link', { name: 'Blocked' }).click();
    const row = page.locator(`tbody[data-ip="${HOME}"]`);
    await row.getByRole('button', { name: 'This is my phone' }).waitFor();
    await row.getByRole('button', { name: 'Release' }).click();
    const release = page.getByRole('dialog');
    await expect.poll(() => release.textContent(), { timeout: WAIT }).toContain('Your own phone outside the office? Use "This is my phone" on its row instead');
    await page.screenshot({ path: join(SHOTS, 'phone-release-dialog.png'), fullPage: true });
    await release.getByRole('button', { name: 'Release' }).click();
    await page.getByText(`Released ${HOME}.`).waitFor();
    expect(activeBan()).toBeNull();

    // The phone logs in with the right password: banned again, and the alert says it came right after the release.
    loggedIn();
    expect(activeBan()).toMatchObject({ reason: 'extension-compromised-after-release', expiresAt: null });
    expect(alerts().at(-1)).toContain('right after a person released that address');
    expect(alerts().at(-1)).toContain('use \\"This is my phone\\" on its ban in the dashboard');

    // "This is my phone" on the new ban: 201 roaming, released, audited.
    await page.reload();
    await row.getByRole('button', { name: 'This is my phone' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.textContent(), { timeout: WAIT }).toContain('If it is not your phone, its password is known to someone else: change it instead.');
    await page.screenshot({ path: join(SHOTS, 'phone-my-phone-dialog.png'), fullPage: true });
    await dialog.getByRole('button', { name: 'Release as my phone' }).click();
    await expect.poll(() => dialog.getByRole('status').textContent(), { timeout: WAIT })
      .toBe('extension "201" may register from anywhere (accounts.roaming); the ban is released. A stolen secret would now work from there too: keep the extension\'s password strong.');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await row.waitFor({ state: 'detached' });
    expect(activeBan()).toBeNull();
    expect(h.controls.accounts().roaming).toEqual(['201']);
    expect(readFileSync(file, 'utf8')).toContain('  roaming: [ "201" ]');
    expect(h.store.listAudit(10).find((a) => a.action === 'my_phone')).toMatchObject({ ip: HOME });

    // The phone's next login, and a failure after it, are no offence any more.
    const before = alerts().length;
    loggedIn();
    failed();
    expect(activeBan()).toBeNull();
    expect(alerts()).toHaveLength(before);
  }, 60_000);

  it('writes protection and the phones settings into the config file, comments kept', async () => {
    await page.locator('header nav').getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('switch', { name: 'Protection' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Turn off' }).click();
    await page.getByText('Protection is OFF').waitFor();
    await expect.poll(() => readFileSync(file, 'utf8'), { timeout: WAIT }).toContain('protection: off # the big switch');

    const roaming = page.getByRole('textbox', { name: 'Roaming extensions' });
    await expect.poll(() => roaming.inputValue(), { timeout: WAIT }).toBe('201');
    await roaming.fill('201\n3??');
    await page.getByRole('button', { name: 'Save phones' }).click();
    await expect.poll(() => readFileSync(file, 'utf8'), { timeout: WAIT }).toContain('  roaming: [ "201", 3?? ]');
    await roaming.fill('20 1');
    await page.getByRole('button', { name: 'Save phones' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent(), { timeout: WAIT }).toContain('Roaming extensions, line 1');
    await page.screenshot({ path: join(SHOTS, 'phone-settings.png'), fullPage: true });

    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# sipwarden at the office (edited by hand)');
    expect(text).toContain('  # our phones');
    expect(text).toContain('extensions_internal_only: true # phones only from the office');
    expect(h.controls.accounts().roaming).toEqual(['201', '3??']);
  }, 60_000);
});
