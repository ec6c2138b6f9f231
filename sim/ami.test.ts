/**
 * The simulated AMI: actions, MD5 challenge login, the Events filter, frame key order
 * against the captured frames, and every fault the server can be told to commit.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_DIR, frameValue, splitAmiFrames, type AmiFrame } from './fixture-shapes.js';
import { startPbx, type RunningPbx } from './index.js';
import { md5 } from './sip-digest.js';
import { AmiTestClient, UdpSipClient, authorization, challengeOf, sippRequest, svRegister } from './testkit.js';

const SECRET = 'W4rdenAMI-secret';
let dir: string;
let pbx: RunningPbx;
const open: AmiTestClient[] = [];

async function client(): Promise<AmiTestClient> {
  const c = await AmiTestClient.connect(pbx.amiPort as number);
  open.push(c);
  return c;
}

async function loggedIn(extra = ''): Promise<AmiTestClient> {
  const c = await client();
  c.write(`Action: Login\r\nUsername: sipwarden\r\nSecret: ${SECRET}\r\n${extra}\r\n`);
  await c.until((t) => t.includes('Authentication accepted'));
  return c;
}

const keys = (f: AmiFrame): string[] => f.map(([k]) => k);
const framesOf = (text: string, event: string, service?: string): AmiFrame[] => splitAmiFrames(text)
  .filter((f) => frameValue(f, 'Event') === event && (service === undefined || frameValue(f, 'Service') === service));
const fixtureFrames = splitAmiFrames(fs.readFileSync(new URL('ami-events.txt', FIXTURE_DIR), 'latin1'));

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-ami-'));
  pbx = await startPbx({
    sip: { host: '127.0.0.1' }, ami: { host: '127.0.0.1', users: [{ username: 'sipwarden', secret: SECRET }] },
    accounts: [{ name: '100', secret: 'Tr0ub4dor100' }], amiFailedLoginDelayMs: 20,
    logs: { messages: path.join(dir, 'messages'), security: path.join(dir, 'security'), full: path.join(dir, 'full') },
  });
});

afterAll(async () => {
  for (const c of open) c.close();
  await pbx?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('AMI', () => {
  it('sends security frames with the captured key order for every event type', async () => {
    const watcher = await loggedIn();
    const sip = await UdpSipClient.open();
    try {
      await sip.request(svRegister({ user: '90', callId: 'a-1', branch: 'z9hG4bK-a1', tag: 't', localPort: sip.port }), pbx.sipPort);
      const base = { user: '100', callId: 'a-2', localPort: sip.port, serverPort: pbx.sipPort };
      const ch = challengeOf(await sip.request(sippRequest(base), pbx.sipPort));
      const auth = (password: string): string => authorization({ username: '100', password, method: 'REGISTER', uri: 'sip:127.0.0.1', ...ch });
      await sip.request(sippRequest({ ...base, cseq: 2, authorization: auth('wrong') }), pbx.sipPort);
      await sip.request(sippRequest({ ...base, cseq: 3, authorization: auth('Tr0ub4dor100') }), pbx.sipPort);
    } finally {
      sip.close();
    }
    const bad = await client();
    bad.write('Action: Login\r\nUsername: sipwarden\r\nSecret: nope\r\n\r\n');
    await bad.until((t) => t.includes('Authentication failed'));
    const cases: Array<[string, string]> = [
      ['InvalidAccountID', 'PJSIP'], ['ChallengeSent', 'PJSIP'], ['ChallengeResponseFailed', 'PJSIP'],
      ['SuccessfulAuth', 'PJSIP'], ['SuccessfulAuth', 'AMI'], ['InvalidPassword', 'AMI'],
    ];
    await watcher.until((t) => cases.every(([e, s]) => framesOf(t, e, s).length > 0));
    for (const [event, service] of cases) {
      const ours = framesOf(watcher.received, event, service)[0] as AmiFrame;
      const captured = fixtureFrames.find((f) => frameValue(f, 'Event') === event && frameValue(f, 'Service') === service) as AmiFrame;
      expect(keys(ours), `${event}/${service}`).toEqual(keys(captured));
    }
    expect(watcher.received).toMatch(/\r\n\r\n$/);
  });

  it('answers Ping, Events and unknown actions; refuses actions before login', async () => {
    const c = await client();
    c.write('Action: Ping\r\nActionID: p0\r\n\r\n');
    await c.until((t) => t.includes('Permission denied'));
    expect(c.received).toContain('Response: Error\r\nActionID: p0\r\nMessage: Permission denied\r\n\r\n');
    c.write(`Action: Login\r\nUsername: sipwarden\r\nSecret: ${SECRET}\r\nEvents: off\r\n\r\nAction: Ping\r\nActionID: p1\r\n\r\n`);
    await c.until((t) => t.includes('Ping: Pong'));
    expect(c.received).toMatch(/Response: Success\r\nActionID: p1\r\nPing: Pong\r\nTimestamp: \d+\.\d{6}\r\n\r\n/);
    expect(c.received).not.toContain('FullyBooted');
    c.write('Action: Events\r\nEventMask: security\r\n\r\nAction: Frobnicate\r\n\r\n');
    await c.until((t) => t.includes('Invalid/unknown command'));
    expect(c.received).toContain('Response: Success\r\nEvents: On\r\n\r\n');
    expect(c.received).toContain('Message: Invalid/unknown command: Frobnicate. Use Action: ListCommands to show available commands.\r\n\r\n');
  });

  it('logs in with Action: Challenge and an MD5 key; a wrong key is a ChallengeResponseFailed', async () => {
    const c = await client();
    c.write('Action: Challenge\r\nAuthType: MD5\r\n\r\n');
    const challenge = /Challenge: (\d+)\r\n/.exec(await c.until((t) => /Challenge: \d+\r\n\r\n/.test(t)))?.[1] ?? '';
    c.write(`Action: Login\r\nAuthType: MD5\r\nUsername: sipwarden\r\nKey: ${md5(challenge + SECRET)}\r\n\r\n`);
    await c.until((t) => t.includes('Authentication accepted'));
    const w = await client();
    w.write('Action: Challenge\r\nAuthType: MD5\r\n\r\n');
    await w.until((t) => t.includes('Challenge: '));
    w.write(`Action: Login\r\nAuthType: MD5\r\nUsername: sipwarden\r\nKey: ${'0'.repeat(32)}\r\n\r\n`);
    await w.until((t) => t.includes('Authentication failed'));
    const sec = fs.readFileSync(path.join(dir, 'security'), 'latin1');
    expect(sec).toMatch(/SecurityEvent="ChallengeResponseFailed",.*Service="AMI",.*Response="0{32}",ExpectedResponse="[0-9a-f]{32}",SessionTV="1970-01-01T00:00:00\.000\+0000"/);
    expect(fs.readFileSync(path.join(dir, 'messages'), 'latin1')).toContain("manager.c: 127.0.0.1 failed to authenticate as 'sipwarden'");
  });

  it('misbehaves on request: refused logins, closing, malformed and 10 MB frames, silence', async () => {
    pbx.amiFaults.refuseLogins = true;
    const r = await client();
    r.write(`Action: Login\r\nUsername: sipwarden\r\nSecret: ${SECRET}\r\n\r\n`);
    await r.until((t) => t.includes('Authentication failed'));
    pbx.amiFaults.refuseLogins = false;

    const victim = await loggedIn();
    expect(pbx.amiInject({ kind: 'malformed' })).toBeGreaterThan(0);
    await victim.until((t) => t.includes('Privilege security,all\r\nthis is not a header'));
    pbx.amiInject({ kind: 'huge' });
    await victim.until((t) => t.length > 10 * 1024 * 1024, 10_000);
    pbx.amiInject({ kind: 'close' });
    await new Promise<void>((resolve) => (victim.socket.destroyed ? resolve() : victim.socket.once('close', () => resolve())));

    pbx.amiFaults.closeOnConnect = true;
    const shut = await client();
    await new Promise<void>((resolve) => (shut.socket.destroyed ? resolve() : shut.socket.once('close', () => resolve())));
    expect(shut.received).toBe('');
    pbx.amiFaults.closeOnConnect = false;

    pbx.amiFaults.silent = true;
    const quiet = await client();
    quiet.write(`Action: Login\r\nUsername: sipwarden\r\nSecret: ${SECRET}\r\n\r\n`);
    await new Promise((res) => setTimeout(res, 100));
    expect(quiet.received).toBe('');
    pbx.amiFaults.silent = false;
  });

  it('closes a client that sends an endless frame', async () => {
    const c = await client();
    c.write(`Action: Login\r\nX: ${'B'.repeat(100_000)}`);
    await new Promise<void>((resolve) => (c.socket.destroyed ? resolve() : c.socket.once('close', () => resolve())));
    expect(c.received).toBe('Asterisk Call Manager/9.0.0\r\n');
  });
});
