/**
 * The notifier over a real webhook listener on loopback, with a fake clock and timers:
 * opt-in per kind, de-duplication, the digest of a flood, a failing channel said once
 * per episode, and messages that keep attacker text as data.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALERT_KINDS } from './kinds.js';
import { mailOf, messageOf, type OwnAlert } from './message.js';
import { Notifier, type NotifierSettings } from './notifier.js';

let server: http.Server;
let url: string;
let received: Array<Record<string, unknown>>;
let status: number;

beforeEach(async () => {
  received = [];
  status = 204;
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      received.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterEach(async () => {
  await new Promise((r) => server.close(r));
});

/** A clock and timers the test moves by hand. */
function fakeTime(start = Date.UTC(2026, 11, 7, 12)) {
  let now = start;
  const timers: Array<{ at: number; fn: () => void }> = [];
  return {
    now: () => now,
    timers: {
      setTimeout: (fn: () => void, ms: number) => { const t = { at: now + ms, fn }; timers.push(t); return t; },
      clearTimeout: (t: unknown) => { timers.splice(timers.indexOf(t as never), 1); },
    },
    advance(ms: number) {
      now += ms;
      for (const t of [...timers].filter((x) => x.at <= now)) {
        timers.splice(timers.indexOf(t), 1);
        t.fn();
      }
    },
  };
}

const ban = (i: number, at: number): OwnAlert => ({
  kind: 'permanent_ban', at, ip: `203.0.113.${i % 250}`, account: `${100 + i}`, service: 'sipwarden', message: `203.0.113.${i % 250} is banned until a person releases it`,
});

function settings(over: Partial<NotifierSettings> = {}): NotifierSettings {
  return { command: null, webhook: url, email: null, kinds: [...ALERT_KINDS], quiet: 600_000, digestAfter: 5, digestWindow: 600_000, ...over };
}

const quietLog = () => {
  const lines: Array<{ level: string; msg: string; fields: object }> = [];
  return { lines, warn: (fields: object, msg: string) => lines.push({ level: 'warn', msg, fields }), error: (fields: object, msg: string) => lines.push({ level: 'error', msg, fields }) };
};

describe('Notifier', () => {
  it('a flood of 200 bans sends digest_after alerts and then one digest with the count', async () => {
    const t = fakeTime();
    const n = new Notifier({ settings: settings(), log: quietLog(), host: 'pbx1', dashboard: 'https://pbx1.example.net:8472/', now: t.now, timers: t.timers });
    for (let i = 0; i < 200; i++) n.send(ban(i, t.now()), t.now(), `permanent_ban|${i}`);
    await n.idle();
    expect(received).toHaveLength(5);
    t.advance(600_000);
    await n.idle();
    expect(received).toHaveLength(6);
    expect(received[5]).toMatchObject({ kind: 'digest', host: 'pbx1', count: 195, byKind: { permanent_ban: 195 } });
    expect(String(received[5]?.text)).toContain('195 more alerts');
    expect(n.health()).toMatchObject({ held: 195, digests: 1, sent: 6 });
  });

  it('sends only the kinds opted in, and the same kind and address once per quiet time', async () => {
    const t = fakeTime();
    const n = new Notifier({ settings: settings({ kinds: ['extension_compromised'] }), log: quietLog(), host: 'pbx1', now: t.now, timers: t.timers });
    expect(n.send(ban(1, t.now()), t.now())).toBe(false);
    const a: OwnAlert = { kind: 'extension_compromised', at: t.now(), ip: '198.51.100.7', account: '100', service: 'PJSIP', message: 'extension "100" AUTHENTICATED from external address 198.51.100.7' };
    expect(n.send(a, t.now())).toBe(true);
    expect(n.send(a, t.now() + 1000)).toBe(false);
    t.advance(600_000);
    expect(n.send(a, t.now())).toBe(true);
    await n.idle();
    expect(received.map((r) => r.kind)).toEqual(['extension_compromised', 'extension_compromised']);
    expect(received[0]).toMatchObject({ ip: '198.51.100.7', account: '100', host: 'pbx1', link: null, title: 'Extension compromised: 198.51.100.7' });
  });

  it('a failing channel is said once per episode, never thrown, and once when it works again', async () => {
    const t = fakeTime();
    const log = quietLog();
    const n = new Notifier({ settings: settings({ webhook: `${url.replace('/hook', '')}/x?token=secret`.replace('http://', 'http://user:pw@') }), log, host: 'pbx1', now: t.now, timers: t.timers });
    status = 500;
    for (let i = 0; i < 3; i++) expect(n.send(ban(i, t.now()), t.now())).toBe(true);
    await n.idle();
    status = 204;
    n.send(ban(9, t.now()), t.now());
    await n.idle();
    expect(received).toHaveLength(4);
    expect(log.lines.map((l) => l.level)).toEqual(['error', 'warn']);
    expect(log.lines[0]?.msg).toContain('failed');
    expect(JSON.stringify(log.lines)).not.toMatch(/pw|secret/);
    expect(n.health()).toMatchObject({ failed: 3, sent: 1 });
  });

  it('the test alert goes through every channel and says how each fared', async () => {
    const n = new Notifier({ settings: settings(), log: quietLog(), host: 'pbx1' });
    const results = await n.test({ command: '/nonexistent/notify-admin', webhook: url, email: null }, 'admin');
    expect(results).toEqual([
      { channel: 'command', target: '/nonexistent/notify-admin', ok: false, error: expect.stringContaining('cannot run') },
      { channel: 'webhook', target: url, ok: true, error: null },
    ]);
    expect(received[0]).toMatchObject({ kind: 'test', host: 'pbx1' });
  });
});

describe('an alert as a person reads it', () => {
  it('keeps a hostile account name as data: escaped controls, bounded, never in the subject', () => {
    const hostile = `<script>alert(1)</script>\r\nBcc: victim@example.net\u202e${'x'.repeat(500)}`;
    const m = messageOf({ kind: 'internal_failures', at: Date.UTC(2026, 11, 7), ip: '192.168.1.20', account: hostile, service: 'PJSIP', message: `internal address 192.168.1.20 keeps failing (${JSON.stringify(hostile)})` }, 'pbx1', 'http://pbx1:8472');
    const mail = mailOf(m);
    expect(mail.subject).toBe('[sipwarden pbx1] Internal phone keeps failing: 192.168.1.20');
    expect(mail.text).not.toMatch(/[\r\u202e]/);
    expect(mail.text).toContain('Account: <script>alert(1)</script>\\u000d\\u000aBcc: victim@example.net\\u202e');
    expect(mail.text.split('\n').some((l) => l.startsWith('Bcc:'))).toBe(false);
    expect(String(m.fields.account).length).toBeLessThan(260);
    expect(m.link).toBe('http://pbx1:8472/#/bans?q=192.168.1.20&state=all');
    expect(mail.text).toContain('Host: pbx1\nTime: 2026-12-07T00:00:00.000Z\nDashboard: http://pbx1:8472/#/bans?q=192.168.1.20&state=all');
  });
});
