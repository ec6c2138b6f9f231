/**
 * Fidelity: the simulator, driven with the requests of the captured run's steps (same
 * users, Call-IDs, tags and clock), writes the same lines and AMI frames as the real
 * Asterisk 20 did — compared by shape (fixture-shapes.ts), line by line, in order.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureLines, frameValue, shape, splitAmiFrames, stepAmiFrames, stepLines } from './fixture-shapes.js';
import { startPbx, type RunningPbx } from './index.js';
import { AmiTestClient, UdpSipClient, authorization, challengeOf, parseResponse, sippRequest, svRegister } from './testkit.js';

const ACCOUNTS = [
  { name: '100', secret: 'Tr0ub4dor100' }, { name: '101', secret: 'Tr0ub4dor101' }, { name: '102', secret: 'Tr0ub4dor102' },
];
const AMI_SECRET = 'W4rdenAMI-secret';

let dir: string;
let pbx: RunningPbx;
let observer: AmiTestClient;
let sip: UdpSipClient;
/** The simulator's clock, frozen at each step's captured time (the AMI's 1 s pause after a failed login is on the simulator's own clock), so no result depends on how fast this machine is. */
const clock = { t: Date.UTC(2026, 10, 24, 18, 5, 24, 754) };
const now = (): number => clock.t;
/** The real wait of the AMI's failed-login pause (manager.c sleeps 1 s; its log lines still say 1 s later on the frozen clock). */
const AMI_DELAY_MS = 30;
const offsets = { messages: 0, security: 0, full: 0, ami: 0 };

function logFile(name: 'messages' | 'security' | 'full'): string {
  return path.join(dir, name);
}

function newLines(name: 'messages' | 'security' | 'full'): string[] {
  const text = fs.readFileSync(logFile(name), 'latin1');
  const fresh = text.slice(offsets[name]);
  return fresh.split('\n').filter((l) => l.length > 0);
}

function mark(): void {
  for (const name of ['messages', 'security', 'full'] as const) offsets[name] = fs.statSync(logFile(name)).size;
  offsets.ami = observer.received.length;
}

/** The first EventTV of the step in security.log, so the simulator's clock reads the same. */
function stepTime(step: string): number {
  const tv = /EventTV="([^"]+)"/.exec(stepLines('security.log', step)[0] ?? '')?.[1];
  return tv ? Date.parse(tv.replace('+0000', 'Z')) : Date.parse('2026-11-24T18:08:40.382Z');
}

async function expectStepMatches(step: string, opts: { full?: boolean } = {}): Promise<void> {
  const expectedFrames = stepAmiFrames(step).filter((f) => frameValue(f, 'Privilege') === 'security,all');
  await observer.until((t) => splitAmiFrames(t.slice(offsets.ami)).length >= expectedFrames.length);
  expect(newLines('messages').map(shape)).toEqual(stepLines('messages.log', step).map(shape));
  const ours = newLines('security');
  expect(ours.map(shape)).toEqual(stepLines('security.log', step).map(shape));
  const eventsOf = (ls: string[]): string[] => ls.map((l) => /SecurityEvent="(\w+)"/.exec(l)?.[1] ?? '?');
  expect(eventsOf(ours)).toEqual(eventsOf(stepLines('security.log', step)));
  if (opts.full !== false) expect(newLines('full').map(shape)).toEqual(stepLines('full.log', step).map(shape));
  const frames = splitAmiFrames(observer.received.slice(offsets.ami));
  const render = (f: readonly (readonly [string, string])[]): string => shape(f.map(([k, v]) => `${k}: ${v}`).join('\r\n'));
  expect(frames.map(render)).toEqual(expectedFrames.map(render));
}

async function step(name: string, run: () => Promise<void>, opts: { full?: boolean } = {}): Promise<void> {
  clock.t = stepTime(name);
  mark();
  await run();
  await expectStepMatches(name, opts);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-fidelity-'));
  pbx = await startPbx({
    sip: { host: '127.0.0.1' }, ami: { host: '127.0.0.1', users: [{ username: 'sipwarden', secret: AMI_SECRET }] },
    accounts: ACCOUNTS, now, userAgent: 'Asterisk PBX (sipwarden rig)', amiFailedLoginDelayMs: AMI_DELAY_MS,
    logs: { messages: logFile('messages'), security: logFile('security'), full: logFile('full') },
  });
  observer = await AmiTestClient.connect(pbx.amiPort as number);
  observer.write(`Action: Login\r\nActionID: rig-login\r\nUsername: sipwarden\r\nSecret: ${AMI_SECRET}\r\n\r\n`);
  await observer.until((t) => t.includes('Event: SuccessfulAuth'));
  sip = await UdpSipClient.open();
});

afterAll(async () => {
  sip?.close();
  observer?.close();
  await pbx?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('simulator vs the captured Asterisk 20 run', () => {
  it('greets an AMI login exactly like the recorder saw (banner, response, FullyBooted, SuccessfulAuth)', () => {
    const fixture = splitAmiFrames(fs.readFileSync(new URL('ami-events.txt', new URL('../test/fixtures/asterisk-20/', import.meta.url)), 'latin1'));
    const ours = splitAmiFrames(observer.received);
    const keys = (f: readonly (readonly [string, string])[]): string[] => f.map(([k]) => k);
    expect(observer.received.startsWith('Asterisk Call Manager/9.0.0\r\nResponse: Success\r\nActionID: rig-login\r\n')).toBe(true);
    expect(ours.slice(0, 3).map(keys)).toEqual(fixture.slice(0, 3).map(keys));
    expect(shape(ours[2]!.map(([k, v]) => `${k}: ${v}`).join('\n'))).toBe(shape(fixture[2]!.map(([k, v]) => `${k}: ${v}`).join('\n')));
  });

  it('S02 svwar: unknown users get InvalidAccountID + ChallengeSent(<unknown>) and the 401 of tool-output/S02.out', async () => {
    let last = '';
    await step('S02', async () => {
      await sip.request(svRegister({ user: '1632413315', callId: '4114168891', branch: 'z9hG4bK-1', tag: '31', localPort: sip.port }), pbx.sipPort);
      last = await sip.request(svRegister({
        user: '90', callId: '2878244319', branch: 'z9hG4bK-2016370540', tag: '393001323031353738393234', localPort: sip.port,
      }), pbx.sipPort);
    });
    const out = fs.readFileSync(new URL('tool-output/S02.out', new URL('../test/fixtures/asterisk-20/', import.meta.url)), 'latin1');
    const captured = (/Response: '(.*)'\n/.exec(out)?.[1] ?? '').replace(/\\r\\n/g, '\r\n');
    const norm = (s: string): string => s
      .replace(/rport=\d+/, 'rport=P').replace(/127\.0\.0\.1:\d+;/, '127.0.0.1:P;')
      .replace(/nonce="(\d+)\/[0-9a-f]{32}"/, 'nonce="$1/H"').replace(/opaque="[0-9a-f]{16}"/, 'opaque="O"');
    expect(norm(last)).toBe(norm(captured));
  });

  it('S04 svcrack: 8 wrong digests on one nonce and Call-ID, then the right one', async () => {
    await step('S04', async () => {
      const reg = (cseq: number, auth?: string): string => svRegister({
        user: '100', callId: '337129326', branch: `z9hG4bK-${cseq}`, tag: '3130300131', localPort: sip.port, cseq, tool: 'svcrack',
        ...(auth ? { authorization: auth } : {}),
      });
      const ch = challengeOf(await sip.request(reg(1), pbx.sipPort));
      for (let i = 1; i <= 9; i++) {
        const password = i === 9 ? 'Tr0ub4dor100' : `guess${i}`;
        const auth = authorization({ username: '100', password, method: 'REGISTER', uri: 'sip:127.0.0.1', ...ch });
        const answer = parseResponse(await sip.request(reg(i + 1, auth), pbx.sipPort));
        expect(answer.code).toBe(i === 9 ? 200 : 401);
      }
    });
  });

  const sipp = async (step: string, o: { method?: 'REGISTER' | 'INVITE'; user: string; to?: string; callId: string; password?: string }): Promise<number[]> => {
    const codes: number[] = [];
    const base = { ...o, localPort: sip.port, serverPort: pbx.sipPort };
    const first = await sip.request(sippRequest(base), pbx.sipPort);
    codes.push(parseResponse(first).code);
    const method = o.method ?? 'REGISTER';
    if (method === 'INVITE') sip.send(sippRequest({ ...base, cseq: 1 }).replace(/^INVITE/, 'ACK').replace('1 INVITE', '1 ACK'), pbx.sipPort);
    if (o.password === undefined) return codes;
    const uri = method === 'REGISTER' ? `sip:127.0.0.1:${pbx.sipPort}` : `sip:${o.to}@127.0.0.1:${pbx.sipPort}`;
    const auth = authorization({ username: o.user, password: o.password, method, uri, ...challengeOf(first) });
    codes.push(parseResponse(await sip.request(sippRequest({ ...base, cseq: 2, authorization: auth }), pbx.sipPort)).code);
    void step;
    return codes;
  };

  it('S05 sipp right password: ChallengeSent + SuccessfulAuth, 200 OK', async () => {
    await step('S05', async () => {
      expect(await sipp('S05', { user: '101', callId: '1-16983@127.0.0.1', password: 'Tr0ub4dor101' })).toEqual([401, 200]);
    });
  });

  it('S06 sipp wrong password: a fresh 401, "Failed to authenticate" + ChallengeResponseFailed', async () => {
    await step('S06', async () => {
      expect(await sipp('S06', { user: '102', callId: '1-17006@127.0.0.1', password: 'wrongpass1' })).toEqual([401, 401]);
    });
  });

  it('S09 unknown user with a digest: two "No matching endpoint" NOTICEs, artificial-endpoint failure', async () => {
    await step('S09', async () => {
      expect(await sipp('S09', { user: '999', callId: '1-17104@127.0.0.1', password: 'guess999' })).toEqual([401, 401]);
    });
  });

  it('S10/S11 INVITE without credentials from a known and an unknown user', async () => {
    await step('S10', async () => {
      expect(await sipp('S10', { method: 'INVITE', user: '100', to: '101', callId: '1-17134@127.0.0.1' })).toEqual([401]);
    });
    await step('S11', async () => {
      expect(await sipp('S11', { method: 'INVITE', user: 'attacker', to: '101', callId: '1-17154@127.0.0.1' })).toEqual([401]);
    });
  });

  it('S12 authenticated INVITE to an unknown number: 404 and res_pjsip_session NOTICE', async () => {
    await step('S12', async () => {
      const codes = await sipp('S12', { method: 'INVITE', user: '100', to: '9011442079460000', callId: '1-17206@127.0.0.1', password: 'Tr0ub4dor100' });
      expect(codes).toEqual([401, 404]);
    });
  });

  it('S25-S27 AMI logins: wrong secret, unknown user, right secret + Logoff', async () => {
    const login = async (stepName: string, user: string, secret: string, logoff: boolean): Promise<void> => {
      await step(stepName, async () => {
        const c = await AmiTestClient.connect(pbx.amiPort as number);
        // As the rig's nc did: the whole input in one write.
        c.write(`Action: Login\r\nUsername: ${user}\r\nSecret: ${secret}\r\n\r\n${logoff ? 'Action: Logoff\r\n\r\n' : ''}`);
        await new Promise<void>((resolve) => c.socket.once('close', () => resolve()));
        const expected = fs.readFileSync(new URL(`tool-output/${stepName}.out`, new URL('../test/fixtures/asterisk-20/', import.meta.url)), 'latin1');
        expect(c.received.replace(/(Uptime|LastReload): \d+/g, '$1: N')).toBe(expected.replace(/(Uptime|LastReload): \d+/g, '$1: N'));
        c.close();
      });
    };
    await login('S25', 'sipwarden', 'wrongsecret', false);
    await login('S26', 'admin', 'amp111', false);
    await login('S27', 'sipwarden', AMI_SECRET, true);
  });

  it('the fixture helpers see the steps the breakdown lists', () => {
    expect(stepLines('security.log', 'S04')).toHaveLength(10);
    expect(fixtureLines('messages.log').length).toBeGreaterThan(50);
  });
});
