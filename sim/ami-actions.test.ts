/**
 * The simulator's manager actions beyond login: PJSIPShowContacts lists a registration
 * with the address it came from, a DBDel of its `registrar/contact` key removes it, and
 * a user's manager.conf `write` classes decide which actions it may use (manager.c: any
 * one of an action's classes will do).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPbx, type RunningPbx } from './index.js';
import { AmiTestClient, authorization, challengeOf, sippRequest, UdpSipClient } from './testkit.js';

let dir: string;
let pbx: RunningPbx;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-actions-'));
  pbx = await startPbx({
    sip: { host: '127.0.0.1', tcp: false },
    ami: { host: '127.0.0.1', users: [{ username: 'all', secret: 's1' }, { username: 'narrow', secret: 's2', read: 'security,system', write: 'security' }] },
    accounts: [{ name: '100', secret: 'pw100' }],
    logs: { messages: path.join(dir, 'messages'), security: path.join(dir, 'security') },
  });
});

afterAll(async () => {
  await pbx?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function login(user: string, secret: string): Promise<AmiTestClient> {
  const c = await AmiTestClient.connect(pbx.amiPort as number);
  c.write(`Action: Login\r\nActionID: l\r\nUsername: ${user}\r\nSecret: ${secret}\r\n\r\n`);
  await c.until((t) => t.includes('Authentication accepted'));
  return c;
}

describe('simulated manager actions', () => {
  it('PJSIPShowContacts lists a registration with its address; DBDel of its registrar/contact key removes it', async () => {
    const sip = await UdpSipClient.open();
    const base = { user: '100', callId: 'reg-1@127.0.0.1', localPort: sip.port, serverPort: pbx.sipPort };
    const ch = challengeOf(await sip.request(sippRequest(base), pbx.sipPort));
    const auth = authorization({ username: '100', password: 'pw100', method: 'REGISTER', uri: `sip:127.0.0.1:${pbx.sipPort}`, ...ch });
    expect(await sip.request(sippRequest({ ...base, cseq: 2, authorization: auth }), pbx.sipPort)).toMatch(/^SIP\/2\.0 200 OK/);
    sip.close();
    expect(pbx.stats.registrations.has('100')).toBe(true);
    const ami = await login('all', 's1');
    ami.write('Action: PJSIPShowContacts\r\nActionID: c\r\n\r\n');
    const text = await ami.until((t) => t.includes('Event: ContactListComplete'));
    const id = /ObjectName: (100;@[0-9a-f]{32})\r\n/.exec(text)?.[1] as string;
    expect(text).toContain(`ViaAddr: 127.0.0.1\r\nViaPort: ${sip.port}\r\n`);
    expect(text).toContain(`Endpoint: 100\r\nAuthenticateQualify: false\r\nUri: sip:100@127.0.0.1:${sip.port}\r\n`);
    expect(text).toContain('EventList: Complete\r\nListItems: 1\r\n');
    ami.write(`Action: DBDel\r\nActionID: d\r\nFamily: registrar/contact\r\nKey: ${id}\r\n\r\n`);
    await ami.until((t) => t.includes('ActionID: d'));
    expect(ami.received).toContain('Response: Success\r\nActionID: d\r\nMessage: Key deleted successfully\r\n');
    expect(pbx.stats.registrations.has('100')).toBe(false);
    ami.close();
  });

  it('a user without write = system or call may neither hang up nor suspend', async () => {
    const ami = await login('narrow', 's2');
    ami.write('Action: Hangup\r\nActionID: h\r\nChannel: PJSIP/100-00000000\r\n\r\nAction: DBPut\r\nActionID: p\r\nFamily: sipwarden/suspended\r\nKey: 100\r\nVal: x\r\n\r\n');
    await ami.until((t) => t.includes('ActionID: p'));
    expect(ami.received).toContain('Response: Error\r\nActionID: h\r\nMessage: Permission denied\r\n');
    expect(ami.received).toContain('Response: Error\r\nActionID: p\r\nMessage: Permission denied\r\n');
    expect(pbx.db.exists('sipwarden/suspended', '100')).toBe(false);
    ami.close();
  });
});
