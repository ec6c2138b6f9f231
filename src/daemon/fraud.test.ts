/**
 * The toll-fraud guard, live: createDaemon with its real AMI client against the AMI test
 * kit replaying the captured Asterisk 20 toll-fraud run (asterisk-20-calls), answering
 * the actions the daemon sends. Extension 100's burst is hung up call by call (cause 21),
 * 100 is suspended in AstDB (DBPut), the address it logged in from is banned, the finding
 * is audited; the suspension survives a restart and an AMI that refuses DBPut for a
 * while; `allow-calls` (its audit record) lifts it (DBDel); an unclear address is asked
 * of Asterisk (Getvar) and that one is banned.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../config/index.js';
import type { Enforcer, EnforcerOp } from '../enforcers/index.js';
import { Store } from '../store/index.js';
import { TestAmiServer, waitFor } from '../../test/support/kits/ami.js';
import { createDaemon, type Daemon } from './create.js';
import { ALLOW_CALLS, META_SUSPENDED, SUSPENDED_FAMILY } from './fraud.js';

const USER = 'sipwarden';
const SECRET = 'lab-secret';
const CAPTURE = new URL('../../test/fixtures/asterisk-20-calls/ami-events.txt', import.meta.url);
/**
 * The capture's event frames (banner, login response and Goodbye left out), without the
 * security events' EventTV: replayed now, they take the time they are received, like the
 * call events (a login of 2026-11-24 would be too old to name the caller's address).
 */
const FRAMES = readFileSync(CAPTURE, 'utf8').split('\r\n\r\n').filter((f) => f.startsWith('Event: ')).map((f) => f.replace(/\r\nEventTV: [^\r]*/, ''));
/** The burst's 15 caller channels, PJSIP/100-0000000e … PJSIP/100-0000002a. */
const BURST = Array.from({ length: 15 }, (_, i) => `PJSIP/100-${(0x0e + 2 * i).toString(16).padStart(8, '0')}`);

let dir: string;
/** The test's own connection to the daemon's store (as the CLI has). */
let store: Store;
let ops: EnforcerOp[];
let srv: TestAmiServer;
let port: number;
let actions: Array<Map<string, string>>;
const daemons: Daemon[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sipwarden-fraud-'));
  store = Store.open(join(dir, 'sipwarden.db'));
  ops = [];
  actions = [];
  srv = new TestAmiServer({ username: USER, secret: SECRET });
  srv.answer = (a, id) => {
    actions.push(new Map(a));
    const name = a.get('action');
    if (name === 'Hangup') return `Response: Success\r\nActionID: ${id}\r\nMessage: Channel Hungup\r\n\r\n`;
    if (name === 'DBPut' || name === 'DBDel') return `Response: Success\r\nActionID: ${id}\r\nMessage: Updated database successfully\r\n\r\n`;
    return null;
  };
  port = await srv.listen();
});
afterEach(async () => {
  await Promise.all(daemons.splice(0).map((d) => d.stop()));
  await srv.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function config(): Config {
  const d = defaultConfig({ fileExists: () => false });
  return {
    ...d,
    store: { ...d.store, path: join(dir, 'sipwarden.db') },
    failedAuthLog: { ...d.failedAuthLog, path: join(dir, 'failed-auth.log') },
    asterisk: { ...d.asterisk, logs: [], ami: { host: '127.0.0.1', port, username: USER, secret: SECRET, tls: false } },
  };
}

const firewall: Enforcer = {
  name: 'fake', init: async () => undefined, apply: async (o) => void ops.push(...o), reconcile: async () => undefined, close: async () => undefined,
};

async function start(): Promise<Daemon> {
  const d = createDaemon({
    config: config(), log: pino({ level: 'silent' }), now: () => Date.now(), hostAddresses: [], web: false,
    pbx: { accounts: () => undefined, ports: () => ({ ok: true, ports: [], notes: [] }) }, enforcer: () => firewall,
  });
  daemons.push(d);
  await d.start();
  await waitFor(() => srv.loggedIn === 1, 'the daemon logged in to the AMI');
  return d;
}

const named = (name: string) => actions.filter((a) => a.get('action') === name);
const faillog = () => readFileSync(join(dir, 'failed-auth.log'), 'utf8');

describe('the toll-fraud guard, live over the AMI', () => {
  it('hangs up the burst call by call, suspends 100 in AstDB, bans the address it logged in from, audits — and leaves 101 and 200 alone', async () => {
    // Extension 100 logs in from an external address (the capture's rig was loopback, which is never banned).
    const frames = FRAMES.map((f) => (f.includes('\r\nAccountID: 100\r\n') ? f.replace(/RemoteAddress: IPV4\/UDP\/127\.0\.0\.1\//, 'RemoteAddress: IPV4/UDP/203.0.113.50/') : f));
    const d = await start();
    expect(srv.logins[0]?.events).toBe('security,system,call,cdr');
    srv.send(frames.map((f) => `${f}\r\n\r\n`).join(''));
    await waitFor(() => named('Hangup').length >= 15 && named('DBPut').length === 1, 'the hang-ups and the suspension');
    expect(named('Hangup').map((a) => [a.get('channel'), a.get('cause')])).toEqual(BURST.map((c) => [c, '21']));
    const put = named('DBPut')[0] as Map<string, string>;
    expect([put.get('family'), put.get('key')]).toEqual([SUSPENDED_FAMILY, '100']);
    expect(put.get('val')).toMatch(/^high_risk \d{4}-\d\d-\d\dT/);
    await waitFor(() => ops.some((o) => o.op === 'ban' && o.ip === '203.0.113.50'), 'the ban in the firewall');
    expect(ops.filter((o) => o.op === 'ban').map((o) => o.ip)).toEqual(['203.0.113.50']);
    await waitFor(() => d.fraud.health().astdbWaiting === 0, 'the DBPut answered');
    expect(d.fraud.health()).toMatchObject({ hangupsSent: 15, hangupsFailed: 0, suspended: 1 });
    expect(faillog()).toMatch(/FRAUD account="100" rule=high_risk destination=\+8823456789 country=001 .*action=hangup,suspend,ban,alert ip=203\.0\.113\.50 zone=external banned=yes/);
    expect(faillog().match(/ FRAUD account="(\d+)"/g)?.every((m) => m.includes('"100"'))).toBe(true);
    expect(store.listAudit(50).filter((a) => a.action === 'toll_fraud')).toHaveLength(15);
    expect(JSON.parse(store.getMeta(META_SUSPENDED) ?? '[]')).toMatchObject([{ account: '100', rule: 'high_risk' }]);
  });

  it('keeps the suspension across a restart and while Asterisk refuses DBPut; allow-calls lifts it with DBDel', async () => {
    let refuse = true;
    const answer = srv.answer;
    srv.answer = (a, id) => {
      if (a.get('action') === 'DBPut' && refuse) {
        actions.push(new Map(a));
        return `Response: Error\r\nActionID: ${id}\r\nMessage: Permission denied\r\n\r\n`;
      }
      return answer?.(a, id) ?? null;
    };
    const first = await start();
    srv.send(FRAMES.slice(0, FRAMES.findIndex((f) => f.includes('DestChannel: PJSIP/itsp-0000000f')) + 1).map((f) => `${f}\r\n\r\n`).join(''));
    await waitFor(() => named('DBPut').length >= 1, 'the refused DBPut');
    expect(first.fraud.health().astdbWaiting).toBe(1);
    await first.stop();
    // A new daemon on the same store: 100 is still suspended, and the key is sent again until Asterisk takes it.
    const second = await start();
    expect(second.fraud.health()).toMatchObject({ suspended: 1 });
    refuse = false;
    await waitFor(() => second.fraud.health().astdbWaiting === 0, 'the DBPut taken', 4000);
    // What `sipwarden allow-calls 100` writes; the control loop lifts it.
    store.addAudit({ at: Date.now(), actor: 'cli:tester', action: ALLOW_CALLS, ip: null, detail: JSON.stringify({ account: '100' }) });
    await waitFor(() => named('DBDel').length === 1, 'the DBDel');
    expect([named('DBDel')[0]?.get('family'), named('DBDel')[0]?.get('key')]).toEqual([SUSPENDED_FAMILY, '100']);
    expect(second.fraud.health().suspended).toBe(0);
    expect(JSON.parse(store.getMeta(META_SUSPENDED) ?? '[]')).toEqual([]);
    expect(faillog()).toMatch(/FRAUD account="100" action=allowed by="cli:tester"/);
  });

  it('asks Asterisk for the caller\'s address when no login told it (Getvar CHANNEL(pjsip,remote_addr)), and bans that one', async () => {
    const answer = srv.answer;
    srv.answer = (a, id) => {
      if (a.get('action') === 'Getvar') {
        actions.push(new Map(a));
        return `Response: Success\r\nActionID: ${id}\r\nVariable: ${a.get('variable')}\r\nValue: 198.51.100.7:5062\r\n\r\n`;
      }
      return answer?.(a, id) ?? null;
    };
    await start();
    const noLogins = FRAMES.filter((f) => !f.startsWith('Event: SuccessfulAuth'));
    srv.send(noLogins.map((f) => `${f}\r\n\r\n`).join(''));
    await waitFor(() => ops.some((o) => o.op === 'ban'), 'the ban');
    const getvar = named('Getvar')[0] as Map<string, string>;
    expect([getvar.get('channel'), getvar.get('variable')]).toEqual([BURST[0], 'CHANNEL(pjsip,remote_addr)']);
    // The Getvar left before the Hangup, so it read the channel while it was still there.
    const order = actions.map((a) => a.get('action'));
    expect(order.indexOf('Getvar')).toBeLessThan(order.indexOf('Hangup'));
    expect(ops.filter((o) => o.op === 'ban').map((o) => o.ip)).toEqual(['198.51.100.7']);
    expect(faillog()).toMatch(/FRAUD account="100" rule=high_risk action=ban ip=198\.51\.100\.7 zone=external banned=yes from="CHANNEL\(pjsip,remote_addr\)"/);
  });
});
