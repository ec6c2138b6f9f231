/**
 * The dashboard in a real browser (Debian's chromium via playwright-core) against a
 * real server: log in, replay an attack and see it appear (live log and bans), find a
 * phone's ban by its extension, release it with the confirm and see the firewall
 * called, toggle protection, plain-words validation, blocking whole networks (changed
 * on the settings page, in force at the next attack), and a hostile account name shown
 * as text with no dialog raised. Screenshots go to test-artifacts/screenshots/.
 * Only 127.0.0.1; every wait is bounded.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIp, type IpAddress } from '../../../src/domain/index.js';
import { PASSWORD, securityLine, startHarness, type Harness } from './harness.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-artifacts', 'screenshots');
const HOSTILE = '<img src=x onerror=alert(1)>';
const WAIT = 10_000;

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

const shot = (name: string, p: Page = page) => p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

/** The attack: a phone with a stale password (extension 104), a password guesser, and a hostile user name. */
function attackLines(): string[] {
  const t = Date.now() - 5 * 60_000;
  const lines: string[] = [];
  let s = 1000;
  for (let i = 0; i < 2; i++) lines.push(securityLine(t + i * 1000, '203.0.113.7', '104', 'InvalidPassword', s++));
  for (let i = 0; i < 12; i++) lines.push(securityLine(t + 10_000 + i * 500, '198.51.100.23', String(200 + i), 'InvalidAccountID', s++));
  for (let i = 0; i < 2; i++) lines.push(securityLine(t + 20_000 + i * 1000, '192.0.2.66', HOSTILE, 'InvalidAccountID', s++));
  lines.push(securityLine(t + 30_000, '192.168.1.20', '105', 'InvalidPassword', s++)); // internal: logged, never banned
  return lines;
}

describe.skipIf(!existsSync(CHROMIUM))('dashboard in chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = await startHarness();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      timeout: 30_000,
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('refuses a wrong password, then logs in', async () => {
    await page.goto(h.url);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: WAIT }).toContain('wrong user name or password');
    await shot('login');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Protection is ON').waitFor();
    // The statistics arrive apart from the health that says "Protection is ON".
    await expect.poll(() => page.getByTestId('active-bans').textContent(), { timeout: WAIT }).toBe('0');
  });

  it('shows an attack as it happens in the live log, then its bans', async () => {
    await page.goto(`${h.url}/#/failures`);
    await page.locator('.dot.on').waitFor();
    h.replay(attackLines(), '/var/log/asterisk/security');
    await page.locator('tr.new').nth(16).waitFor();
    expect(await page.locator('tr.new').count()).toBe(17);
    await shot('failures');
    expect([...h.enforcer.held.keys()].sort()).toEqual(['192.0.2.66', '198.51.100.23', '203.0.113.7']);

    await page.locator('header nav').getByRole('link', { name: 'Overview' }).click();
    await expect.poll(() => page.getByTestId('active-bans').textContent(), { timeout: WAIT }).toBe('3');
    expect(await page.getByTestId('failures-24h').textContent()).toBe('17');
    await page.getByText('198.51.100.23').first().waitFor();
    // Which ports the kernel watches, and where each came from.
    const ports = page.locator('.health .ports li');
    expect(await ports.allTextContents()).toEqual([
      '5060/udp PJSIP — /etc/asterisk/pjsip.transports.conf:4 bind = 0.0.0.0:5060',
      '5160/udp SIP — /etc/asterisk/sip_general_additional.conf:2 bindport = 5160',
      '8472/tcp HTTP — web.listen (the dashboard)',
    ]);
    // Asterisk's logger said it dropped lines: the owner is told what it means and what to do.
    expect(await page.getByTestId('asterisk-loss').textContent()).toMatch(/^Asterisk dropped 4711 log lines \(last .*\): its logger queue overflowed, and failed\s+logins in that gap were never written\. Keep the AMI source on/);
    await shot('overview');
  });

  it('"extension 104 stopped working": type 104, find its phone\'s ban, see why, release it with the confirm', async () => {
    await page.locator('header nav').getByRole('link', { name: 'Blocked' }).click();
    await page.getByLabel('Search by address or account').fill('104');
    await expect.poll(() => page.getByTestId('ban-count').textContent(), { timeout: WAIT }).toContain('1 ban matching “104”');
    const card = page.locator('tbody.ban[data-ip="203.0.113.7"]');
    await card.waitFor();
    await card.getByRole('button', { name: 'Why?' }).click();
    // The triggering line, and every failed attempt of the address before the ban.
    await card.locator('.attempts .evidence pre').nth(1).waitFor();
    expect(await card.locator('.attempts .evidence pre').count()).toBe(2);
    for (const text of await card.locator('.evidence pre').allTextContents()) expect(text).toMatch(/InvalidPassword.*AccountID="104".*RemoteAddress="IPV4\/UDP\/203\.0\.113\.7\/5060"/);
    expect(await card.locator('.ban-why').textContent()).toContain('Tier 1: 2 failures within 1h');
    await shot('bans');

    const batches = h.enforcer.batches.length;
    await card.getByRole('button', { name: 'Release' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Release 203.0.113.7?');
    await shot('bans-release-confirm');
    await dialog.getByRole('button', { name: 'Release' }).click();
    await page.getByText('Released 203.0.113.7').waitFor();
    // The change row the daemon polls, and the firewall call it makes within 250 ms.
    expect(h.store.changesSince(0).map((c) => [c.kind, c.ip])).toContainEqual(['release', '203.0.113.7']);
    await until(() => h.enforcer.batches.slice(batches).some((b) => b.some((op) => op.op === 'unban' && op.ip === '203.0.113.7')), 'the firewall unban');
    expect(h.enforcer.held.has('203.0.113.7' as IpAddress)).toBe(false);
    expect(h.store.getActiveBan(parseIp('203.0.113.7') as IpAddress, Date.now())).toBeNull();
    expect(h.store.listAudit(5).find((a) => a.action === 'release')).toMatchObject({ ip: '203.0.113.7', actor: 'web:admin@127.0.0.1' });
  });

  it('blocks a whole network by hand; releasing an address inside it says the network still blocks it', async () => {
    await page.locator('header nav').getByRole('link', { name: 'Blocked' }).click();
    // The ban is submitted right after the search is cleared, before the search takes effect:
    // the list must still end up showing every ban (the form's reload loads the latest search).
    await page.getByLabel('Search by address or account').fill('');
    await page.getByText('Block an address by hand').click();
    await page.getByLabel('Address or network').fill('198.51.100.77/24');
    await page.getByLabel('For').fill('24h');
    await page.getByRole('button', { name: 'Block' }).click();
    await page.getByText('Blocked 198.51.100.0/24').waitFor();
    await until(() => h.enforcer.held.has('198.51.100.0/24' as IpAddress), 'the firewall network ban');
    const net = page.locator('tbody.ban[data-ip="198.51.100.0/24"]');
    await net.waitFor();
    expect(await net.locator('.ban-why').textContent()).toContain('Blocked by hand');

    await page.locator('tbody.ban[data-ip="198.51.100.23"]').getByRole('button', { name: 'Release' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Release' }).click();
    await page.getByText('Released 198.51.100.23, but it is still blocked: its whole network 198.51.100.0/24 is banned.').waitFor();
    await shot('bans-network');

    await net.getByRole('button', { name: 'Release' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('Every address of this network is unblocked');
    await dialog.getByRole('button', { name: 'Release' }).click();
    await page.getByText('Released 198.51.100.0/24. It is unblocked within a second.').waitFor();
    await until(() => !h.enforcer.held.has('198.51.100.0/24' as IpAddress), 'the firewall network unban');
  });

  it('shows a hostile account name as text, and no dialog is ever raised', async () => {
    await page.getByLabel('Search by address or account').fill(HOSTILE);
    const card = page.locator('tbody.ban[data-ip="192.0.2.66"]');
    await card.waitFor();
    expect(await card.locator('.chip').first().textContent()).toBe(HOSTILE);
    await card.getByRole('button', { name: 'Why?' }).click();
    expect(await card.locator('.evidence pre').first().textContent()).toContain(`AccountID="${HOSTILE}"`);
    expect(await page.locator('main img').count()).toBe(0);
    await shot('bans-hostile');
    await page.goto(`${h.url}/#/`);
    await page.getByText(HOSTILE).first().waitFor();
    expect(await page.locator('main img').count()).toBe(0);
    await page.goto(`${h.url}/#/failures?account=${encodeURIComponent(HOSTILE)}`);
    await page.locator('td.account').first().waitFor();
    expect(await page.locator('td.account').first().textContent()).toBe(HOSTILE);
    expect(await page.locator('main img').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('toggles protection off (with a confirm) and on again; the daemon\'s controls follow, audited', async () => {
    await page.goto(`${h.url}/#/`);
    const sw = page.getByRole('switch', { name: 'Protection' });
    await page.getByText('Protection is ON').waitFor();
    await sw.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Turn off' }).click();
    await page.getByText('Protection is OFF').waitFor();
    expect(h.controls.protection()).toBe('off');
    expect(h.engine.policy.protectionOn).toBe(false);
    await shot('overview-protection-off');
    await sw.click();
    await page.getByText('Protection is ON').waitFor();
    expect(h.controls.protection()).toBe('on');
    expect(h.store.listAudit(10).filter((a) => a.action === 'protection').map((a) => JSON.parse(a.detail ?? '{}').to)).toEqual(['on', 'off']);
  });

  it('settings: refuses a bad duration in plain words, saves a good one', async () => {
    await page.locator('header nav').getByRole('link', { name: 'Settings' }).click();
    const within = page.getByLabel('Rule 1 within');
    await within.waitFor();
    await within.fill('1 hour');
    await page.getByRole('button', { name: 'Save rules' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: WAIT }).toContain('Rule 1 within: expected a duration like 30s, 1h, 24h, 7d, got "1 hour"');
    await shot('settings');
    await within.fill('2h');
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.getByText('Saved. The new rules apply').waitFor();
    expect(h.controls.policy()[0]).toEqual({ failures: 2, within: 7_200_000, ban: 3_600_000 });
  });

  it('settings: blocks whole networks with new numbers at the next attack, refuses a bad value in plain words, switches off', async () => {
    await page.goto(`${h.url}/#/settings`);
    const card = page.locator('section', { has: page.getByRole('heading', { name: 'Block whole networks' }) });
    const addresses = card.getByLabel('Addresses', { exact: true });
    const save = card.getByRole('button', { name: 'Save network blocking' });
    await expect.poll(() => addresses.inputValue(), { timeout: WAIT }).toBe('5');
    expect(await card.getByLabel('Within', { exact: true }).inputValue()).toBe('1d');
    expect(await card.getByRole('switch', { name: 'Block whole networks' }).isChecked()).toBe(true);

    await addresses.fill('1');
    await save.click();
    await expect.poll(() => card.getByRole('alert').textContent(), { timeout: WAIT }).toBe('Addresses: expected a whole number of banned addresses, from 2 to 65536, got 1');
    expect(h.controls.subnets().addresses).toBe(5);
    expect(h.store.listAudit(20).filter((a) => a.action === 'subnets')).toEqual([]);

    await addresses.fill('3');
    await card.getByLabel('IPv4 network size').fill('/22');
    await card.getByLabel('Within', { exact: true }).fill('12h');
    await card.getByLabel('Block the network for').fill('7d');
    await save.click();
    await card.getByText('Saved. Whole networks are blocked from the next blocked address.').waitFor();
    expect(await card.getByRole('alert').count()).toBe(0);
    expect(h.controls.subnets()).toEqual({ enabled: true, addresses: 3, within: 43_200_000, ban: 604_800_000, ipv4Prefix: 22, ipv6Prefix: 64 });
    const audit = h.store.listAudit(20).find((a) => a.action === 'subnets');
    expect(audit).toMatchObject({ actor: 'web:admin@127.0.0.1' });
    expect(JSON.parse(audit?.detail ?? '{}').to).toEqual({ enabled: true, addresses: 3, within: '12h', ban: '1w', ipv4_prefix: 22, ipv6_prefix: 64 });
    await shot('settings-subnets');

    // In force at once: three addresses of one /22 banned make the engine block the network.
    const t = Date.now() - 60_000;
    const lines = ['198.51.101.1', '198.51.102.2', '198.51.103.3'].flatMap((a, i) => [0, 1].map((k) => securityLine(t + i * 2000 + k * 500, a, String(300 + i), 'InvalidPassword', 5000 + i * 2 + k)));
    h.replay(lines, '/var/log/asterisk/security');
    await until(() => h.enforcer.held.has('198.51.100.0/22' as IpAddress), 'the firewall network ban of 198.51.100.0/22');

    // Saved: a fresh page shows the new numbers.
    await page.reload();
    await expect.poll(() => addresses.inputValue(), { timeout: WAIT }).toBe('3');
    expect(await card.getByLabel('IPv4 network size').inputValue()).toBe('22');
    expect(await card.getByLabel('Block the network for').inputValue()).toBe('1w');

    await card.getByRole('switch', { name: 'Block whole networks' }).click();
    await save.click();
    await card.getByText('Saved. Only single addresses are blocked now.').waitFor();
    expect(h.controls.subnets()).toMatchObject({ enabled: false, addresses: 3 });
    expect(h.engine.subnets.enabled).toBe(false);
  });

  it('is usable on a phone screen', async () => {
    const phone = await context.newPage();
    phone.setDefaultTimeout(WAIT);
    phone.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${h.url}/#/bans?q=198.51.100.23&state=all`);
    await phone.locator('tbody.ban[data-ip="198.51.100.23"]').waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('bans-phone', phone);
    await phone.goto(`${h.url}/#/`);
    await phone.getByText('Protection is ON').waitFor();
    await shot('overview-phone', phone);
    await phone.close();
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
