/**
 * Fail safe, with the real daemon: a log path that becomes a FIFO or a directory never
 * stops it, line numbers go on across restarts, a line padded past the 128 KiB limit still counts
 * (and a cut line never counts for a forged address), a ban length no date can hold is
 * refused and never stalls the control loop, and attacker text reaches the terminal
 * escaped.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/index.js';
import { parseBanTarget, type BanTarget } from '../../src/domain/ip.js';
import { chansipFailure, sandbox, sipwarden, startDaemon, waitFor } from '../support/cli.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Box = ReturnType<typeof sandbox>;
type Daemon = ReturnType<typeof startDaemon>;

async function start(box: Box): Promise<Daemon> {
  const d = startDaemon(box.config);
  // (stop() of a daemon already killed by a signal would wait for an exit that has passed)
  cleanups.push(() => (d.proc.exitCode === null && d.proc.signalCode === null ? d.stop('SIGKILL') : undefined));
  expect(await waitFor(() => d.lines.some((l) => l.msg === 'sipwarden running'))).toBe(true);
  return d;
}

const logLines = (box: Box, kind: string) => {
  const text = fs.existsSync(box.file('failed-auth.log')) ? fs.readFileSync(box.file('failed-auth.log'), 'utf8') : '';
  return text.split('\n').filter((l) => l.includes(` ${kind} `));
};
const failedFor = (box: Box, ip: string) => logLines(box, 'FAILED').filter((l) => l.includes(` ip=${ip} `));
const said = (d: Daemon, part: string) => d.lines.filter((l) => String(l.msg).includes(part));

/** Asterisk's default date for now (UTC in tests). */
function stamp(when = new Date()): string {
  const mon = when.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `${mon} ${String(when.getUTCDate()).padStart(2, ' ')} ${when.toISOString().slice(11, 19)}`;
}

const pjsip = (from: string, ip: string, callid: string) =>
  `[${stamp()}] NOTICE[16613] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '${from}' failed for '${ip}:5091' (callid: ${callid}) - Failed to authenticate\n`;

describe('a log path that is not a regular file', () => {
  it('a FIFO, then a directory, at the path: the daemon goes on with its other log, says so once, and reads the file put back at once', async () => {
    const box = sandbox();
    cleanups.push(box.cleanup);
    const d = await start(box);
    const messages = box.file('messages');

    fs.renameSync(messages, `${messages}.1`);
    execFileSync('mkfifo', [messages]);
    // Not blocked: the other log is still read and the CLI sees a live daemon.
    fs.appendFileSync(box.file('security'), chansipFailure('198.51.100.21'));
    expect(await waitFor(() => failedFor(box, '198.51.100.21').length === 1)).toBe(true);
    expect(await waitFor(() => said(d, 'is a FIFO (named pipe), not a regular file; waiting for it').length === 1)).toBe(true);
    expect(JSON.parse(sipwarden(['status', '--json', '--config', box.config]).stdout).running).toBe(true);

    fs.unlinkSync(messages);
    fs.writeFileSync(messages, chansipFailure('198.51.100.22'));
    expect(await waitFor(() => failedFor(box, '198.51.100.22').some((l) => l.endsWith(`source="${messages}":1`)))).toBe(true);

    fs.unlinkSync(messages);
    fs.mkdirSync(messages);
    expect(await waitFor(() => said(d, 'is a directory, not a regular file; waiting for it').length === 1)).toBe(true);
    fs.appendFileSync(box.file('security'), chansipFailure('198.51.100.23'));
    expect(await waitFor(() => failedFor(box, '198.51.100.23').length === 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 1500)); // three polls of the path: once said is enough
    fs.rmdirSync(messages);
    fs.writeFileSync(messages, chansipFailure('198.51.100.24'));
    expect(await waitFor(() => failedFor(box, '198.51.100.24').some((l) => l.endsWith(`source="${messages}":1`)))).toBe(true);

    expect(said(d, 'is a directory')).toHaveLength(1);
    expect(said(d, 'is a FIFO')).toHaveLength(1);
    expect(said(d, 'error while following a log file')).toEqual([]);
  });
});

describe('evidence line numbers', () => {
  it('go on across restarts (SIGTERM and kill -9), count lines there before the first start, and start at 1 in a rotated-in file', async () => {
    const box = sandbox();
    cleanups.push(box.cleanup);
    const messages = box.file('messages');
    fs.writeFileSync(messages, Array.from({ length: 20 }, (_, i) => `[${stamp()}] VERBOSE[1] pbx.c: line ${i + 1}\n`).join(''));
    let d = await start(box); // starts at the end of the file: 20 lines there
    fs.appendFileSync(messages, chansipFailure('198.51.100.31'));
    expect(await waitFor(() => failedFor(box, '198.51.100.31').length === 1)).toBe(true);
    expect(failedFor(box, '198.51.100.31')[0]).toMatch(/:21$/);
    await new Promise((r) => setTimeout(r, 500)); // the cursor reaches the store with the next commit
    expect(await d.stop('SIGTERM')).toBe(0);

    fs.appendFileSync(messages, chansipFailure('198.51.100.32')); // while stopped
    d = await start(box);
    expect(await waitFor(() => failedFor(box, '198.51.100.32').length > 0)).toBe(true);
    expect(failedFor(box, '198.51.100.32').at(-1)).toMatch(/:22$/);
    fs.appendFileSync(messages, chansipFailure('198.51.100.33'));
    expect(await waitFor(() => failedFor(box, '198.51.100.33').length > 0)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    await d.stop('SIGKILL');

    fs.appendFileSync(messages, chansipFailure('198.51.100.34'));
    d = await start(box);
    expect(await waitFor(() => failedFor(box, '198.51.100.34').length > 0)).toBe(true);
    expect(failedFor(box, '198.51.100.34').at(-1)).toMatch(/:24$/);

    fs.renameSync(messages, `${messages}.1`);
    fs.writeFileSync(messages, chansipFailure('198.51.100.35'));
    expect(await waitFor(() => failedFor(box, '198.51.100.35').length > 0)).toBe(true);
    expect(failedFor(box, '198.51.100.35').at(-1)).toMatch(new RegExp(`source="${messages}":1$`));
    // Every attacker's line carries the number it has in its file.
    for (const [ip, n] of [['198.51.100.31', 21], ['198.51.100.32', 22], ['198.51.100.33', 23], ['198.51.100.34', 24]] as const) {
      expect(failedFor(box, ip).every((l) => l.endsWith(`:${n}`))).toBe(true);
    }
  });
});

describe('a line padded past the 128 KiB limit', () => {
  it('is counted for its real address (and banned at the 2nd), a cut that could name a forged address counts for nobody, and OVERSIZE lines are limited', async () => {
    const box = sandbox();
    cleanups.push(box.cleanup);
    const d = await start(box);
    const messages = box.file('messages');
    const REAL = '198.51.100.41';
    const VICTIM = '198.51.100.42';
    fs.appendFileSync(messages, pjsip('"100" <sip:100@192.0.2.2>', REAL, `${'A'.repeat(140_000)}-1`));
    fs.appendFileSync(messages, pjsip('"100" <sip:100@192.0.2.2>', REAL, `${'A'.repeat(140_000)}-2`));
    // Forged slot in a padded From; the real one is cut away with the padded Call-ID.
    fs.appendFileSync(messages, pjsip(`"x" <sip:x@y>' failed for '${VICTIM}:5060' (callid: z${'B'.repeat(70_000)}`, '198.51.100.43', 'C'.repeat(70_000)));
    fs.appendFileSync(messages, chansipFailure('198.51.100.44'));
    expect(await waitFor(() => failedFor(box, '198.51.100.44').length === 1)).toBe(true);

    expect(failedFor(box, REAL)).toHaveLength(2);
    expect(failedFor(box, REAL)[0]).toMatch(/ action=counted .*:1$/);
    expect(failedFor(box, REAL)[1]).toMatch(/ action=banned tier=1 .*:2$/);
    expect(await waitFor(() => d.lines.some((l) => l.msg === 'would block' && l.ip === REAL))).toBe(true);
    expect(failedFor(box, VICTIM)).toEqual([]);
    expect(failedFor(box, '198.51.100.43')).toEqual([]);
    expect(failedFor(box, '198.51.100.44')[0]).toMatch(/:4$/);
    const oversize = logLines(box, 'OVERSIZE');
    expect(oversize.map((l) => l.replace(/^\S+ /, ''))).toEqual([
      `OVERSIZE source="${messages}":1 bytes=${Buffer.byteLength(pjsip('"100" <sip:100@192.0.2.2>', REAL, `${'A'.repeat(140_000)}-1`)) - 1} action=counted ip=${REAL}`,
      `OVERSIZE source="${messages}":2 bytes=${Buffer.byteLength(pjsip('"100" <sip:100@192.0.2.2>', REAL, `${'A'.repeat(140_000)}-2`)) - 1} action=counted ip=${REAL}`,
      expect.stringMatching(new RegExp(`^OVERSIZE source="${messages}":3 bytes=\\d+ action=not_counted$`)),
    ]);

    // A flood of over-long lines: every one is handled, at most 10 a minute are written.
    for (let i = 0; i < 15; i++) fs.appendFileSync(messages, `[${stamp()}] VERBOSE[1] pbx.c: ${'x'.repeat(140_000)}\n`);
    fs.appendFileSync(messages, chansipFailure('198.51.100.45'));
    expect(await waitFor(() => failedFor(box, '198.51.100.45').length === 1)).toBe(true);
    expect(failedFor(box, '198.51.100.45')[0]).toMatch(/:20$/);
    expect(logLines(box, 'OVERSIZE')).toHaveLength(10);
    // The most one SIP message can carry (PJSIP takes 65,535 bytes): read whole, no OVERSIZE needed.
    fs.appendFileSync(messages, pjsip('"100" <sip:100@192.0.2.2>', '198.51.100.46', 'D'.repeat(65_400)));
    expect(await waitFor(() => failedFor(box, '198.51.100.46').length === 1)).toBe(true);
    expect(failedFor(box, '198.51.100.46')[0]).toMatch(/:21$/);
    const status = JSON.parse(sipwarden(['status', '--json', '--config', box.config]).stdout);
    expect(await waitFor(() => JSON.parse(sipwarden(['status', '--json', '--config', box.config]).stdout).sources.some((s: { oversized: number }) => s.oversized === 18), 3000)).toBe(true);
    expect(status.running).toBe(true);
  });
});

describe('ban lengths no date can hold', () => {
  it('are refused with one line by the CLI and in the config file', () => {
    const box = sandbox();
    cleanups.push(box.cleanup);
    const r = sipwarden(['ban', '203.0.113.50', '--for', '99999999d', '--config', box.config]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('sipwarden: --for expects a duration of at most 3650d (10 years) (longer: --permanent), got "99999999d"');
    expect(sipwarden(['ban', '203.0.113.50', '--for', '3650d', '--config', box.config]).code).toBe(0);

    const bad = sandbox('policy:\n  tiers:\n    - { failures: 2, within: 1h, ban: 99999999d }\n');
    cleanups.push(bad.cleanup);
    const c = sipwarden(['status', '--config', bad.config]);
    expect(c.code).toBe(2);
    expect(c.stderr.trim()).toBe(`sipwarden: config error in ${bad.config} at policy.tiers[0].ban: expected a duration of at most 3650d (10 years), or permanent, got "99999999d"`);
  });

  it('a stored one (from an older version) is enforced as permanent and the CLI bans after it still reach the firewall', async () => {
    const box = sandbox();
    cleanups.push(box.cleanup);
    const d = await start(box);
    const store = Store.open(box.file('sipwarden.db'));
    const now = Date.now();
    store.manualBan({ ip: parseBanTarget('198.51.100.51') as BanTarget, expiresAt: now + 99_999_999 * 86_400_000, reason: 'old --for 99999999d', actor: 'cli:old', at: now });
    store.close();
    expect(sipwarden(['ban', '198.51.100.52', '--for', '1h', '--config', box.config]).code).toBe(0);
    expect(sipwarden(['release', '198.51.100.52', '--config', box.config]).code).toBe(0);
    expect(await waitFor(() => d.lines.some((l) => l.msg === 'would unblock' && l.ip === '198.51.100.52'))).toBe(true);
    expect(d.lines.some((l) => l.msg === 'would block' && l.ip === '198.51.100.52')).toBe(true);
    expect(said(d, 'ban ends beyond any date sipwarden accepts; enforced as permanent')).toHaveLength(1);
    expect(d.lines.some((l) => l.msg === 'would block' && l.ip === '198.51.100.51')).toBe(true);
    expect(said(d, 'control loop error')).toEqual([]);
    // And the attacks go on being banned.
    fs.appendFileSync(box.file('messages'), chansipFailure('198.51.100.53') + chansipFailure('198.51.100.53'));
    expect(await waitFor(() => d.lines.some((l) => l.msg === 'would block' && l.ip === '198.51.100.53'))).toBe(true);
  });
});

describe('attacker text on the terminal', () => {
  it('C1 controls and bidi overrides in an account name are escaped by sipwarden bans (text and --json), the failed-auth log and the daemon\'s own log', async () => {
    // Every account an extension: an attempt from outside raises an alert naming the account.
    const box = sandbox('accounts:\n  discover: false\n  extensions_internal_only: true\n  extensions: ["*"]\n');
    cleanups.push(box.cleanup);
    const d = await start(box);
    let stdout = '';
    d.proc.stdout!.on('data', (b: Buffer) => {
      stdout += b.toString('utf8');
    });
    const hostile = '\u009b2J\u202e001';
    const line = chansipFailure('198.51.100.61').replace(/<sip:200@/, `<sip:${hostile}@`);
    expect(line).toContain(hostile);
    fs.appendFileSync(box.file('messages'), line + line);
    expect(await waitFor(() => d.lines.some((l) => l.msg === 'would block' && l.ip === '198.51.100.61'))).toBe(true);
    const raw = /[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/;
    expect(await waitFor(() => sipwarden(['bans', '--config', box.config]).stdout.includes('198.51.100.61'))).toBe(true);
    const text = sipwarden(['bans', '--config', box.config]).stdout;
    expect(text).toContain('accounts "\\u009b2J\\u202e001"');
    expect(text).not.toMatch(raw);
    const json = sipwarden(['bans', '--json', '--config', box.config]).stdout;
    expect(json).not.toMatch(raw);
    expect(JSON.parse(json).rows[0].accounts).toEqual([hostile]);
    const log = fs.readFileSync(box.file('failed-auth.log'), 'utf8');
    expect(log).toContain('account="\\x9b2J\\u202e001"');
    expect(log).not.toMatch(raw);
    const alerts = d.lines.filter((l) => l.alert === 'extension_from_external');
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts[0]!.account).toBe(hostile);
    expect(stdout).toContain('"account":"\\u009b2J\\u202e001"');
    expect(stdout).not.toMatch(raw);
  });
});
