/**
 * The country policy on the settings page (issue 17 part 2) in a real browser (Debian's
 * chromium via playwright-core) against the daemon's own wiring (harness.ts) with a real
 * config file in a temp dir and the shipped country database: the page shows the
 * database and names each code; an unknown code is said at once and cannot be saved;
 * the deny list saved is written into the file with its comments kept and is in force
 * at once (a failure from a denied country bans, country-denied), audited with the
 * dashboard user. Only 127.0.0.1 and addresses fed as log lines; every wait is bounded.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import type { IpAddress } from '../../../src/domain/index.js';
import { launchChromium, logIn, securityLine, SHOTS, startHarness, type Harness } from './harness.js';

const WAIT = 10_000;
const NORTH_KOREA = '175.45.176.1';
const GERMANY = '193.99.144.80';
const FILE = [
  '# sipwarden at the office (edited by hand)',
  'protection: on # the big switch',
  'geo:',
  '  # nobody calls us from abroad but Austria',
  '  deny: [] # filled in from the dashboard',
  '  allow: {}',
  '',
].join('\n');

let dir: string;
let file: string;
let h: Harness;
let browser: Browser;
let page: Page;

describe('the country policy on the settings page, in chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'sipwarden-geo-web-'));
    file = join(dir, 'sipwarden.yaml');
    writeFileSync(file, FILE);
    h = await startHarness({ configFile: file });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(WAIT);
    await logIn(page, h.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('edits the deny list with names shown, refuses an unknown code, saves into the file with its comments and bans at once', async () => {
    await page.goto(`${h.url}/#/settings`);
    const section = page.getByRole('region', { name: 'Countries' });
    await section.getByText('geo-whois-asn-country.mmdb').waitFor();
    await section.getByText('You are connecting from an internal network').waitFor();

    const deny = section.getByLabel('Denied countries');
    await deny.fill('kp xx');
    await section.getByText('XX: not a country code').waitFor();
    await section.getByText('Not country codes: XX').waitFor();
    expect(await section.getByRole('button', { name: 'Save countries' }).isDisabled()).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(FILE);

    await deny.fill('KP CU');
    await section.getByText('KP North Korea').waitFor();
    await section.getByText('CU Cuba').waitFor();
    await section.getByRole('button', { name: 'Save countries' }).click();
    await section.getByText('Saved into the config file').waitFor();
    await page.screenshot({ path: join(SHOTS, 'settings-countries.png'), fullPage: true });

    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# sipwarden at the office (edited by hand)');
    expect(text).toContain('# nobody calls us from abroad but Austria');
    expect(text).toContain('protection: on # the big switch');
    expect(loadConfig(file).config.geo).toMatchObject({ deny: ['KP', 'CU'], allow: {} });

    // In force at once: a failure from North Korea bans on the spot; one from Germany only counts.
    h.replay([securityLine(Date.now(), NORTH_KOREA, '9999', 'InvalidAccountID', 1)], '/var/log/asterisk/security');
    h.replay([securityLine(Date.now(), GERMANY, '9999', 'InvalidAccountID', 2)], '/var/log/asterisk/security');
    expect(h.store.getActiveBan(NORTH_KOREA as IpAddress, Date.now())).toMatchObject({ reason: 'country-denied' });
    expect(h.store.getActiveBan(GERMANY as IpAddress, Date.now())).toBeNull();

    const audit = h.store.listAudit(10).find((a) => a.action === 'geo');
    expect(audit?.actor).toMatch(/^web:admin@/);

    // After a reload the page shows what the file holds.
    await page.reload();
    expect(await page.getByRole('region', { name: 'Countries' }).getByLabel('Denied countries').inputValue()).toBe('KP CU');
  });
});
