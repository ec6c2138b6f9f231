/**
 * Alerts end to end: a real daemon (createDaemon: real store, the dry-run firewall, the
 * log follower on a security log written here) bans addresses from Asterisk's own
 * security-log lines, and its alerts reach a real SMTP server on loopback (STARTTLS
 * with a self-signed certificate the test makes, AUTH PLAIN, the password read from a
 * file), a webhook listener and an alert command. A hostile account name arrives as
 * escaped text; a burst of 200 bans sends digest_after mails and one digest with the count.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/index.js';
import { createDaemon, type Daemon } from '../../../src/daemon/create.js';
import { SMTP_USER, startAlertKit, waitFor, type AlertKit } from './kit.js';

let dir: string;
let kit: AlertKit;
let daemon: Daemon | null;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-alerts-'));
  kit = await startAlertKit(dir);
  daemon = null;
});
afterEach(async () => {
  await daemon?.stop();
  await kit.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** One Asterisk 20 InvalidPassword line (the captured shape) for `ip` and `account`. */
function failure(ip: string, account: string, i: number): string {
  const at = new Date(Date.now() - 60_000 + i).toISOString().replace('Z', '+0000');
  return `[Dec  7 12:00:00] SECURITY[16648] res_security_log.c: SecurityEvent="InvalidPassword",EventTV="${at}",Severity="Error",Service="SIP",EventVersion="2",AccountID="${account}",SessionID="0x7fa69c039d${i.toString(16).padStart(2, '0')}",LocalAddress="IPV4/UDP/127.0.0.1/5060",RemoteAddress="IPV4/UDP/${ip}/5094",Challenge="5c9f0e35",ReceivedChallenge="5c9f0e35",ReceivedHash="08f5df6f1a04675dcba97ed93bfa7b8c"\n`;
}

/** Starts a daemon following `lines` whose first failure bans until released, alerting through the kit's three channels. */
async function start(lines: string, digest: { after: number; window: string }, policy = 'policy: { tiers: [{ failures: 1, within: 1h, ban: permanent }], subnets: { enabled: false } }'): Promise<Daemon> {
  const log = path.join(dir, 'security.log');
  fs.writeFileSync(log, lines);
  const config = parseConfigText([
    'asterisk:', `  logs: [${log}]`, '  start_at: beginning',
    'firewall: { backend: dry-run, require_seen: false }',
    `store: { path: ${path.join(dir, 'sipwarden.db')} }`,
    `failed_auth_log: { path: ${path.join(dir, 'failed-auth.log')} }`,
    `accounts: { discover: false, asterisk_config: ${dir} }`,
    policy,
    'web: { public_url: "https://pbx.example.net:8472" }',
    'alerts:',
    `  command: ${kit.command}`,
    `  webhook: ${kit.webhook}`,
    `  email: { host: 127.0.0.1, port: ${kit.smtpPort}, security: starttls, user: ${SMTP_USER}, password_file: ${kit.passwordFile},`,
    `           ca: ${kit.caFile}, from: sipwarden@pbx.example.net, to: [admin@example.net, second@example.net] }`,
    `  digest_after: ${digest.after}`, `  digest_window: ${digest.window}`,
  ].join('\n'), 'test.yaml');
  const d = createDaemon({ config, log: pino({ level: 'silent' }), now: () => Date.now(), web: false, hostAddresses: [] });
  daemon = d;
  await d.start();
  return d;
}

describe('alerts reach a person', () => {
  it('a ban until released: one mail (STARTTLS, AUTH PLAIN) with host, link and the hostile account as text, one POST, one command run', async () => {
    const hostile = '<script>alert(1)</script>';
    await start(failure('203.0.113.7', hostile, 1), { after: 5, window: '10m' });
    expect(await waitFor(() => kit.mails.length >= 1 && kit.posts.length >= 1 && kit.commandRuns().length >= 1)).toBe(true);

    const m = kit.mails[0];
    expect(m?.secure).toBe(true);
    expect(m?.user).toBe(SMTP_USER);
    expect(m?.headers.subject).toBe(`[sipwarden ${os.hostname()}] Address banned until released: 203.0.113.7`);
    expect(m?.headers.from).toBe('sipwarden@pbx.example.net');
    expect(m?.headers.to).toBe('admin@example.net, second@example.net');
    expect(m?.headers['content-type']).toMatch(/^text\/plain/);
    expect(m?.headers['x-sipwarden-kind']).toBe('permanent_ban');
    expect(m?.text).toContain(`Host: ${os.hostname()}`);
    expect(m?.text).toContain('Dashboard: https://pbx.example.net:8472/#/bans?q=203.0.113.7&state=all');
    expect(m?.text).toContain(`Account: ${hostile}`);
    expect(m?.text).toMatch(/^Time: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/m);

    for (const json of [kit.posts[0], kit.commandRuns()[0]]) {
      expect(json).toMatchObject({ kind: 'permanent_ban', ip: '203.0.113.7', account: hostile, host: os.hostname(), link: 'https://pbx.example.net:8472/#/bans?q=203.0.113.7&state=all' });
      expect(typeof json?.at).toBe('string');
    }
  });

  it('a network banned (subnet escalation): one subnet_ban alert linking to the network, and no permanent_ban for 1-hour bans', async () => {
    const lines = ['203.0.113.10', '203.0.113.20'].map((ip, i) => failure(ip, '100', i)).join('');
    await start(lines, { after: 5, window: '10m' }, 'policy: { tiers: [{ failures: 1, within: 1h, ban: 1h }], subnets: { enabled: true, addresses: 2, within: 1h, ban: 1d } }');
    expect(await waitFor(() => kit.posts.some((p) => p.kind === 'subnet_ban'))).toBe(true);
    expect(kit.posts.filter((p) => p.kind === 'subnet_ban')).toEqual([expect.objectContaining({
      ip: '203.0.113.0/24', title: 'Network banned: 203.0.113.0/24', link: 'https://pbx.example.net:8472/#/bans?q=203.0.113.0%2F24&state=all',
    })]);
    expect(kit.posts.map((p) => p.kind)).not.toContain('permanent_ban');
  });

  it('a burst of 200 bans sends digest_after mails and then one digest with the count', async () => {
    // 200 addresses, each in its own /24 (no subnet ban): 200 permanent_ban alerts.
    const lines = Array.from({ length: 200 }, (_, i) => failure(`198.18.${i}.1`, `${1000 + i}`, i)).join('');
    await start(lines, { after: 5, window: '3s' });
    expect(await waitFor(() => kit.mails.some((m) => m.headers['x-sipwarden-kind'] === 'digest'), 30_000)).toBe(true);
    await waitFor(() => kit.posts.length >= 6 && kit.commandRuns().length >= 6);

    const kinds = kit.mails.map((m) => m.headers['x-sipwarden-kind']);
    expect(kinds).toEqual(['permanent_ban', 'permanent_ban', 'permanent_ban', 'permanent_ban', 'permanent_ban', 'digest']);
    const digest = kit.mails[5];
    expect(digest?.headers.subject).toBe(`[sipwarden ${os.hostname()}] Digest: 195 more alerts`);
    expect(digest?.text).toContain('195 × Address banned until released');
    expect(kit.posts.at(-1)).toMatchObject({ kind: 'digest', count: 195 });
    expect(kit.commandRuns().at(-1)).toMatchObject({ kind: 'digest', count: 195 });
  });
});
