/**
 * The daemon with geo (createDaemon, a real store in a temp dir, fake firewall and
 * sources): the failed-auth log says where each address is, and the countries each
 * account logged in from survive a restart, so a login from a new country after it is
 * still alerted (and an old one is not).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../config/index.js';
import type { AuthFailed, AuthSucceeded } from '../domain/events.js';
import { parseIp, type IpAddress } from '../domain/ip.js';
import { Store } from '../store/index.js';
import { createDaemon, type Daemon } from './create.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipwarden-geo-daemon-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function config(): Config {
  const d = defaultConfig({ fileExists: () => false });
  return { ...d, store: { ...d.store, path: join(dir, 'sipwarden.db') }, failedAuthLog: { ...d.failedAuthLog, path: join(dir, 'failed-auth.log') }, asterisk: { ...d.asterisk, logs: [], ami: null } };
}

function daemon(): Daemon {
  return createDaemon({
    config: config(), log: pino({ level: 'silent' }), now: () => Date.now(), store: Store.open(join(dir, 'sipwarden.db')), hostAddresses: [], web: false,
    pbx: { accounts: () => undefined, ports: () => ({ ok: true, ports: [], notes: [] }) },
    enforcer: () => ({ name: 'fake', init: async () => undefined, apply: async () => undefined, reconcile: async () => undefined, close: async () => undefined }),
    sources: () => ({ start: () => undefined, drain: async () => undefined, close: () => undefined, cursors: () => [], followers: () => [], ami: () => null, health: () => ({ sources: [], ami: null }) }),
  });
}

let n = 0;
const base = (ip: string, account: string) => ({
  at: Date.now(), service: 'PJSIP' as const, ip: parseIp(ip) as IpAddress, port: 5060, account, session: `s${++n}`, signature: 'security-log' as const, decoys: [],
  evidence: { source: 'security', line: n, text: '' },
});
const ok = (ip: string, account: string): AuthSucceeded => ({ ...base(ip, account), kind: 'auth_succeeded' });
const fail = (ip: string, account: string): AuthFailed => ({ ...base(ip, account), kind: 'auth_failed', reason: 'wrong_password', detail: '' });
const log = () => readFileSync(join(dir, 'failed-auth.log'), 'utf8');

describe('the daemon with geo', () => {
  it('writes country=XX on failed-auth lines and remembers each account\'s countries across a restart', async () => {
    const first = daemon();
    await first.start();
    first.handle(fail('129.187.254.49', 'admin'));
    first.handle(ok('129.187.254.49', '100')); // DE, learned
    first.handle(ok('8.8.8.8', '100')); // US: new
    await first.stop();
    expect(log()).toMatch(/ FAILED ip=129\.187\.254\.49 .* zone=external country=DE asn=- /);
    expect(log().match(/ ALERT kind=new_country /g)).toHaveLength(1);

    const second = daemon();
    await second.start();
    second.handle(ok('129.187.1.1', '100')); // DE again: no alert
    second.handle(ok('130.54.1.1', '100')); // JP: new, with DE and US as its usual countries
    await second.stop();
    const alerts = log().split('\n').filter((l) => l.includes(' ALERT kind=new_country '));
    expect(alerts).toHaveLength(2);
    expect(alerts[1]).toContain('ip=130.54.1.1 country=JP asn=- ');
    expect(alerts[1]).toContain('a country it never used (usually DE, US)');
  });
});
