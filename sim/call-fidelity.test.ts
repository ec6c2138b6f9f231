/**
 * Fidelity of the simulator's calls: driven like the captured Asterisk 20 toll-fraud run
 * (asterisk-20-calls: an extension's authenticated INVITE, a trunk that answers, is
 * busy, or rings until Dial() gives up), it writes each call's AMI events — every frame
 * of the call, in order, field by field — as the real Asterisk did, once the values
 * that differ between two runs (Uniqueids, channel numbers, bridge ids, times,
 * durations, RTP SSRCs, Call-IDs) are replaced by placeholders. Then the parts the
 * guard relies on: AMI Hangup ends a call on both legs (BYE), DBPut suspends (403 from
 * the dial plan check), DBDel allows again, Getvar tells the caller's address.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeCall, TestItsp, type ItspMode } from './call-testkit.js';
import { startPbx, type RunningPbx } from './index.js';
import { AmiTestClient, UdpSipClient } from './testkit.js';

const CAPTURE = new URL('../test/fixtures/asterisk-20-calls/ami-events.txt', import.meta.url);
const SECRETS = { 100: 'Tr0ub4dor100', 101: 'Tr0ub4dor101' } as const;
const MODES: Record<string, ItspMode> = { 5553330486: 'busy', 5556660480: 'noanswer' };

type Frame = Array<[string, string]>;

function frames(raw: string): Frame[] {
  return raw.split('\r\n\r\n').filter((f) => f.startsWith('Event: ')).map((f) => f.split('\r\n').map((l) => {
    const i = l.indexOf(': ');
    return (i < 0 ? [l.replace(/:$/, ''), ''] : [l.slice(0, i), l.slice(i + 2)]) as [string, string];
  }));
}

const value = (f: Frame, k: string) => f.find(([key]) => key === k)?.[1];
/** The frames of the call whose caller channel's Uniqueid is `linkedid` (its Cdr included), in order. */
const callFrames = (all: Frame[], linkedid: string) => all.filter((f) => value(f, 'Linkedid') === linkedid || value(f, 'UniqueID') === linkedid);

/**
 * The ringing leg's Newstate and the caller's RINGTIME VarSets come from two threads:
 * Asterisk writes them in either order (phases A and E of the capture differ), so the
 * Newstate is put right before the DialState that follows them.
 */
function ringingFirst(call: Frame[]): Frame[] {
  const at = call.findIndex((f) => value(f, 'Event') === 'Newstate' && value(f, 'ChannelStateDesc') === 'Ringing');
  const dialState = call.findIndex((f) => value(f, 'Event') === 'DialState');
  if (at < 0 || dialState < 0) return call;
  const out = call.filter((_, i) => i !== at);
  out.splice(dialState - (at < dialState ? 1 : 0), 0, call[at] as Frame);
  return out;
}

/** The call's frames with what differs between two runs replaced, one string per frame. */
function normalise(frames: Frame[]): string[] {
  const call = ringingFirst(frames);
  const ids = new Map<string, string>();
  const id = (v: string, kind: string) => {
    if (!ids.has(v)) ids.set(v, `${kind}${ids.size}`);
    return ids.get(v) as string;
  };
  return call.map((f) => f.map(([k, v]) => {
    let out = v.replace(/\b\d{9,11}\.\d+\b/g, (u) => id(u, 'U')).replace(/^((?:PJSIP|SIP)\/[\w]+)-[0-9a-f]{8}$/, (_m, p: string) => `${p}-${id(v, 'C')}`);
    if (k === 'Value' && /^(ANSWERED|DIALED|RING|PROGRESS)TIME(_MS)?$/.test(value(f, 'Variable') ?? '') && v !== '') out = 'T';
    if (k === 'Value' && value(f, 'Variable') === 'BRIDGEPVTCALLID' && v !== '') out = 'CALLID';
    if (k === 'Value' && value(f, 'Variable') === 'BRIDGEPEER' && v !== '') out = v.replace(/-[0-9a-f]{8}$/, '-X');
    if (k === 'Value' && value(f, 'Variable') === 'DIALEDPEERNAME' && v !== '') out = v.replace(/-[0-9a-f]{8}$/, '-X');
    if (k === 'BridgeUniqueid') out = 'B';
    if (/^(StartTime|AnswerTime|EndTime)$/.test(k) && v !== '') out = 'T';
    if (k === 'Duration' || (k === 'BillableSeconds' && value(f, 'AnswerTime') !== '')) out = 'N';
    return `${k}: ${out.replace(/ssrc=\d+/, 'ssrc=S')}`;
  }).join('\n'));
}

let dir: string;
let pbx: RunningPbx;
let itsp: TestItsp;
let observer: AmiTestClient;
let caller: UdpSipClient;
let seq = 0;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-calls-'));
  itsp = await TestItsp.open((n) => MODES[n] ?? 'answer');
  pbx = await startPbx({
    sip: { host: '127.0.0.1', tcp: false }, ami: { host: '127.0.0.1', users: [{ username: 'rec', secret: 'rec-secret' }] },
    accounts: Object.entries(SECRETS).map(([name, secret]) => ({ name, secret })),
    logs: { messages: path.join(dir, 'messages'), security: path.join(dir, 'security') },
    calls: { trunk: { name: 'itsp', host: '127.0.0.1', port: itsp.port }, dialTimeoutMs: 300 },
  });
  observer = await AmiTestClient.connect(pbx.amiPort as number);
  observer.write('Action: Login\r\nActionID: l\r\nUsername: rec\r\nSecret: rec-secret\r\nEvents: on\r\n\r\n');
  await observer.until((t) => t.includes('Authentication accepted'));
  caller = await UdpSipClient.open();
});

afterAll(async () => {
  caller?.close();
  observer?.close();
  itsp?.close();
  await pbx?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const call = (user: '100' | '101', number: string, holdMs = 100) => placeCall(caller, pbx.sipPort, { user, password: SECRETS[user], number, callId: `${++seq}-fidelity@127.0.0.1`, holdMs });

/** The linkedid of the simulator's newest call to `number`. */
async function simCall(number: string): Promise<Frame[]> {
  await observer.until((t) => frames(t).some((f) => value(f, 'Event') === 'Cdr' && value(f, 'Destination') === number), 5000);
  const mine = frames(observer.received);
  const cdr = mine.filter((f) => value(f, 'Event') === 'Cdr' && value(f, 'Destination') === number).at(-1) as Frame;
  await new Promise((r) => setTimeout(r, 50)); // the frames after the Cdr (the channels' Hangup)
  return callFrames(frames(observer.received), value(cdr, 'UniqueID') as string);
}

const capture = frames(fs.readFileSync(CAPTURE, 'latin1'));

describe('simulated calls vs the captured Asterisk 20 run', () => {
  it('an answered call (phase A, 101 → 5552220147): every frame in order, field by field', async () => {
    expect(await call('101', '5552220147')).toEqual({ code: 200, endedBy: 'caller' });
    const ours = normalise(await simCall('5552220147'));
    expect(ours).toEqual(normalise(callFrames(capture, '1795546689.10')));
    expect(ours).toHaveLength(77);
  });

  it('a busy trunk (phase D) and an unanswered one (phase E)', async () => {
    expect(await call('101', '5553330486')).toEqual({ code: 486, endedBy: null });
    expect(normalise(await simCall('5553330486'))).toEqual(normalise(callFrames(capture, '1795546750.48')));
    expect(await call('101', '5556660480')).toEqual({ code: 603, endedBy: null });
    expect(normalise(await simCall('5556660480'))).toEqual(normalise(callFrames(capture, '1795546757.50')));
  });

  it('the frames without a Linkedid (bridges, device states) have the capture\'s shapes', () => {
    const shapes = (all: Frame[]) => new Set(all.filter((f) => /^(BridgeCreate|BridgeDestroy|DeviceStateChange)$/.test(value(f, 'Event') ?? ''))
      .map((f) => f.map(([k, v]) => `${k}=${k === 'BridgeUniqueid' ? 'B' : k === 'Device' ? v.replace(/\/.*/, '/X') : v}`).join(',')));
    const ours = shapes(frames(observer.received));
    const theirs = shapes(capture);
    for (const s of ours) expect(theirs).toContain(s);
  });

  it('obeys AMI Hangup (the caller and the trunk get BYE), DBPut suspends (403), DBDel allows, Getvar tells the address', async () => {
    const ami = await AmiTestClient.connect(pbx.amiPort as number);
    ami.write('Action: Login\r\nActionID: l\r\nUsername: rec\r\nSecret: rec-secret\r\nEvents: off\r\n\r\n');
    await ami.until((t) => t.includes('Authentication accepted'));
    const placed = call('100', '0118823456789', 5000);
    const begin = await observer.until((t) => /Event: DialBegin\r\n[\s\S]*?Exten: 0118823456789/.test(t));
    const channel = /Event: DialBegin\r\nPrivilege: call,all\r\nChannel: (PJSIP\/100-[0-9a-f]{8})\r\n/.exec(begin.slice(begin.lastIndexOf('Event: DialBegin')))?.[1] as string;
    await observer.until((t) => t.includes(`DialEnd\r\nPrivilege: call,all\r\nChannel: ${channel}`));
    ami.write(`Action: Getvar\r\nActionID: g\r\nChannel: ${channel}\r\nVariable: CHANNEL(pjsip,remote_addr)\r\n\r\n`);
    await ami.until((t) => t.includes('ActionID: g'));
    expect(ami.received).toContain(`Response: Success\r\nActionID: g\r\nVariable: CHANNEL(pjsip,remote_addr)\r\nValue: 127.0.0.1:${caller.port}\r\n`);
    ami.write(`Action: Hangup\r\nActionID: h\r\nChannel: ${channel}\r\nCause: 21\r\n\r\n`);
    expect(await placed).toEqual({ code: 200, endedBy: 'pbx' });
    expect(ami.received).toContain('Response: Success\r\nActionID: h\r\nMessage: Channel Hungup\r\n');
    await new Promise((r) => setTimeout(r, 50));
    expect(itsp.requests.filter((r) => r.startsWith('BYE ')).length).toBeGreaterThanOrEqual(1);
    ami.write(`Action: Hangup\r\nActionID: h2\r\nChannel: ${channel}\r\nCause: 21\r\n\r\n`);
    await ami.until((t) => t.includes('ActionID: h2'));
    expect(ami.received).toContain('Response: Error\r\nActionID: h2\r\nMessage: No such channel\r\n');
    const hangup = callFrames(frames(observer.received), value(frames(observer.received).find((f) => value(f, 'Channel') === channel) as Frame, 'Uniqueid') as string)
      .filter((f) => value(f, 'Event') === 'Hangup' && value(f, 'Channel') === channel);
    expect(hangup.map((f) => [value(f, 'Cause'), value(f, 'Cause-txt')])).toEqual([['21', 'Call Rejected']]);

    ami.write('Action: DBPut\r\nActionID: p\r\nFamily: sipwarden/suspended\r\nKey: 100\r\nVal: high_risk 2026-11-24T18:58:25.516Z\r\n\r\n');
    await ami.until((t) => t.includes('ActionID: p'));
    expect(await call('100', '0115351234567')).toEqual({ code: 403, endedBy: null });
    expect(await call('100', '112')).toMatchObject({ code: 200 }); // emergency numbers are never refused
    expect(await call('101', '5552220147')).toMatchObject({ code: 200 });
    ami.write('Action: DBDel\r\nActionID: d\r\nFamily: sipwarden/suspended\r\nKey: 100\r\n\r\n');
    await ami.until((t) => t.includes('ActionID: d'));
    expect(ami.received).toContain('Response: Success\r\nActionID: d\r\nMessage: Key deleted successfully\r\n');
    expect(await call('100', '5552220147')).toMatchObject({ code: 200 });
    expect(pbx.calls?.refused).toBe(1);
    ami.close();
  });
});
