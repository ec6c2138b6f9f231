/**
 * Fidelity of the chan_sip flavour: a REGISTER challenged, answered wrongly, then
 * rightly, writes the lines and security events the captured Asterisk 20's chan_sip
 * wrote (messages.log line 75, security.log lines 116, 161 and 177) — same wording,
 * same fields in the same order, same constant values.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureLines } from './fixture-shapes.js';
import { startPbx, type RunningPbx } from './index.js';
import { authorization, challengeOf, parseResponse, svRegister, UdpSipClient } from './testkit.js';

let dir: string;
let pbx: RunningPbx;
let sip: UdpSipClient;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-chansip-'));
  pbx = await startPbx({
    sip: { host: '127.0.0.1', driver: 'chan_sip', tcp: false }, accounts: [{ name: '200', secret: 'right-200' }],
    logs: { messages: path.join(dir, 'messages'), security: path.join(dir, 'security') },
  });
  sip = await UdpSipClient.open();
});

afterAll(async () => {
  sip?.close();
  await pbx?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** `SecurityEvent="X",Key="…",…` → [key, value] pairs in order. */
function fields(line: string): Array<[string, string]> {
  return [...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string]);
}
const keys = (line: string) => fields(line).map(([k]) => k);
const constant = (line: string) => fields(line).filter(([k]) => ['SecurityEvent', 'Severity', 'Service', 'EventVersion', 'AccountID'].includes(k));

describe('the chan_sip flavour vs the captured Asterisk 20 chan_sip', () => {
  it('challenges, refuses a wrong password and accepts the right one, in chan_sip words', async () => {
    const base = { user: '200', callId: 'chansip-fidelity', branch: 'z9hG4bK-1', tag: 'a1', localPort: sip.port, tool: 'svcrack' as const };
    const first = await sip.request(svRegister(base), pbx.sipPort);
    expect(parseResponse(first).code).toBe(401);
    const ch = challengeOf(first);
    const auth = (password: string) => authorization({ username: '200', password, method: 'REGISTER', uri: 'sip:127.0.0.1', nonce: ch.nonce, opaque: ch.opaque });
    expect(parseResponse(await sip.request(svRegister({ ...base, cseq: 2, authorization: auth('wrong') }), pbx.sipPort)).code).toBe(401);
    expect(parseResponse(await sip.request(svRegister({ ...base, cseq: 3, authorization: auth('right-200') }), pbx.sipPort)).code).toBe(200);
    pbx.flush();

    const messages = fs.readFileSync(path.join(dir, 'messages'), 'latin1').trim().split('\n');
    const theirs = fixtureLines('messages.log')[74] as string;
    const norm = (l: string) => l.replace(/^\[[^\]]+\] /, '').replace(/\[\d+\]/, '[LWP]').replace(/failed for '[^']*'/, "failed for 'ADDR'");
    expect(messages.map(norm)).toEqual([norm(theirs)]);

    const ours = fs.readFileSync(path.join(dir, 'security'), 'latin1').trim().split('\n');
    const security = fixtureLines('security.log');
    const expected = [security[115], security[160], security[176]] as string[];
    expect(ours.map((l) => /SecurityEvent="(\w+)"/.exec(l)?.[1])).toEqual(['ChallengeSent', 'InvalidPassword', 'SuccessfulAuth']);
    expect(ours.map(keys)).toEqual(expected.map(keys));
    // AccountID differs in the capture's challenge (svwar's random user); the others are constants.
    expect(ours.map(constant).map((f) => f.filter(([k]) => k !== 'AccountID'))).toEqual(expected.map(constant).map((f) => f.filter(([k]) => k !== 'AccountID')));
    expect(ours.every((l) => /SessionID="0x[0-9a-f]+"/.test(l) && l.includes('Service="SIP"'))).toBe(true);
  });
});
