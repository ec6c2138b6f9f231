/**
 * Call events from the real Asterisk 20 call capture (test/fixtures/asterisk-20-calls):
 * every frame of ami-events.txt and every row of Master.csv parses to exactly the
 * event annotated in its samples copy (test/samples/asterisk-20-calls/), and nothing
 * else gives one. Plus the prefilter, the account taken from channel names only, the
 * `Timestamp:` header, and hostile frames.
 */
import { describe, expect, it } from 'vitest';
import { readCallSamples } from '../../test/support/call-samples.js';
import type { CallEvent } from '../domain/events.js';
import { callFrameKind, channelAccount, parseCallFrame, uniqueidTime } from './calls.js';
import { parseCdrLine, splitCsv } from './cdr.js';
import { parseAmiFrame } from './index.js';

const REF = Date.UTC(2026, 10, 25);

/** An event in the shape of an expectation: times as ISO text, evidence left out (and `at` for AMI call events: the reader's). */
function shape(ev: CallEvent, withAt: boolean): Record<string, unknown> {
  const { evidence: _e, at, ...rest } = ev;
  const out: Record<string, unknown> = withAt ? { ...rest, at: new Date(at).toISOString() } : { ...rest };
  if (ev.kind === 'cdr') {
    out.start = new Date(ev.start).toISOString();
    out.end = new Date(ev.end).toISOString();
    out.answer = ev.answer === null ? null : new Date(ev.answer).toISOString();
  }
  return out;
}

describe('ami-events.txt of asterisk-20-calls', () => {
  const samples = readCallSamples('ami-events.txt');

  it('has an annotated copy that is the capture, one expectation at most before each frame', () => {
    expect(samples.problems).toEqual([]);
    expect(samples.records).toHaveLength(1736);
  });

  it('gives each frame exactly its annotated event, and none for the others', () => {
    const wrong: string[] = [];
    samples.records.forEach((frame, i) => {
      const n = i + 1;
      const call = parseCallFrame(frame, { source: 'ami-events.txt', line: n, refTime: REF });
      const sec = parseAmiFrame(frame, { source: 'ami-events.txt', line: n, refTime: REF });
      expect(call === null || sec === null, `frame ${n} gave two events`).toBe(true);
      let got: Record<string, unknown> | null = null;
      if (call) got = shape(call, false);
      else if (sec && sec.kind !== 'injection_suspected') {
        got = { kind: sec.kind, signature: sec.signature, service: sec.service, ip: sec.ip, port: sec.port, account: sec.account, session: sec.session, at: new Date(sec.at).toISOString() };
      }
      const want = samples.expected.get(n) ?? null;
      if (JSON.stringify(sortKeys(got)) !== JSON.stringify(sortKeys(want))) wrong.push(`frame ${n}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    });
    expect(wrong).toEqual([]);
  });

  it('reads the 22 calls: 44 channels, 22 dials begun and ended, 40 bridge entries, 44 hangups, 22 CDRs', () => {
    const kinds = new Map<string, number>();
    for (const [i, frame] of samples.records.entries()) {
      const ev = parseCallFrame(frame, { source: 'x', line: i + 1, refTime: REF });
      if (ev) kinds.set(ev.kind, (kinds.get(ev.kind) ?? 0) + 1);
    }
    expect(Object.fromEntries(kinds)).toEqual({ channel_created: 44, dial_begin: 22, dial_end: 22, bridge_enter: 40, hangup: 44, cdr: 22 });
  });

  it('takes every time of a frame without a Timestamp header from the reader', () => {
    const evs = samples.records.map((f, i) => parseCallFrame(f, { source: 'x', line: i + 1, refTime: REF })).filter((e) => e !== null);
    expect(evs.every((e) => e.at === REF)).toBe(true);
  });
});

describe('Master.csv of asterisk-20-calls', () => {
  const samples = readCallSamples('Master.csv');

  it('has an annotated copy that is the capture', () => {
    expect(samples.problems).toEqual([]);
    expect(samples.expected.size).toBe(22);
  });

  it('gives each row its annotated CDR record', () => {
    samples.records.forEach((line, i) => {
      const ev = parseCdrLine(line, { source: 'Master.csv', line: i + 1, refTime: REF });
      expect(ev && sortKeys(shape(ev, true)), `row ${i + 1}`).toEqual(sortKeys(samples.expected.get(i + 1) ?? null));
    });
  });
});

describe('the prefilter', () => {
  it('rejects every frame that is not one of the six from its event name', () => {
    for (const name of ['VarSet', 'Newexten', 'Newstate', 'NewConnectedLine', 'NewCallerid', 'HangupRequest', 'SoftHangupRequest', 'DialState', 'BridgeLeave', 'BridgeCreate', 'DeviceStateChange', 'ChallengeSent']) {
      expect(callFrameKind(`Event: ${name}\r\nChannel: PJSIP/100-00000001`), name).toBeNull();
    }
    expect(callFrameKind('Response: Success\r\nEvent: Hangup')).toBeNull();
    expect(callFrameKind('Event: Hangup')).toBe('hangup');
    expect(callFrameKind('Event: Cdr\nAccountCode: ')).toBe('cdr');
    expect(callFrameKind('Event: Newchannels\r\n')).toBeNull();
  });
});

describe('the account of a channel', () => {
  it('is the endpoint or peer in the channel name, for PJSIP, SIP and IAX2 only', () => {
    expect(channelAccount('PJSIP/100-0000000e')).toBe('100');
    expect(channelAccount('SIP/200-00000000')).toBe('200');
    expect(channelAccount('IAX2/trunk-4321')).toBe('trunk');
    expect(channelAccount('PJSIP/my-trunk-0000001f')).toBe('my-trunk');
    expect(channelAccount('Local/100@from-internal-00000001;2')).toBeNull();
    expect(channelAccount('DAHDI/1-1')).toBeNull();
    expect(channelAccount('PJSIP/100')).toBeNull();
    expect(channelAccount('PJSIP/-0000000e')).toBeNull();
    expect(channelAccount('PJSIP/100-xyz')).toBeNull();
  });

  it('never comes from caller-ID text', () => {
    const frame = [
      'Event: DialBegin', 'Channel: PJSIP/100-00000001', 'CallerIDNum: 101', 'CallerIDName: PJSIP/999-00000009', 'Exten: 0118823456789',
      'Uniqueid: 1795546705.14', 'Linkedid: 1795546705.14', 'DestChannel: PJSIP/itsp-00000002', 'DestUniqueid: 1795546705.15', 'DialString: 0118823456789@itsp',
    ].join('\r\n');
    const ev = parseCallFrame(frame, { source: 'x', line: 1, refTime: REF });
    expect(ev).toMatchObject({ kind: 'dial_begin', account: '100', destAccount: 'itsp', exten: '0118823456789' });
  });
});

describe('hostile and unusual frames', () => {
  it('keeps the first of a repeated header (Asterisk writes the channel before any caller text)', () => {
    const frame = 'Event: Hangup\r\nChannel: PJSIP/100-00000001\r\nUniqueid: 1.1\r\nChannel: PJSIP/101-00000002\r\nCause: 16\r\nCause-txt: Normal Clearing';
    expect(parseCallFrame(frame, { source: 'x', line: 1, refTime: REF })).toMatchObject({ channel: 'PJSIP/100-00000001', cause: 16 });
  });

  it('gives null for a call frame without the channel it is about', () => {
    expect(parseCallFrame('Event: DialBegin\r\nChannel: PJSIP/100-00000001', { source: 'x', line: 1, refTime: REF })).toBeNull();
    expect(parseCallFrame('Event: Hangup\r\nUniqueid: 1.1', { source: 'x', line: 1, refTime: REF })).toBeNull();
    expect(parseCallFrame('Event: Newchannel\r\nChannel: PJSIP/1-00000001', { source: 'x', line: 1, refTime: REF })).toBeNull();
  });

  it('reads a cause that is not a number as null, and cuts long evidence', () => {
    const frame = `Event: Hangup\r\nChannel: PJSIP/100-00000001\r\nUniqueid: 1.1\r\nCause: x16\r\nCause-txt: ${'A'.repeat(5000)}`;
    const ev = parseCallFrame(frame, { source: 'x', line: 1, refTime: REF });
    expect(ev).toMatchObject({ kind: 'hangup', cause: null });
    expect(ev?.evidence.text.length).toBe(2048);
  });

  it('takes the time from a Timestamp header (manager.conf timestampevents), else the reader\'s', () => {
    const frame = 'Event: Newchannel\r\nPrivilege: call,all\r\nTimestamp: 1795546705.519246\r\nChannel: PJSIP/100-0000000e\r\nUniqueid: 1795546705.14\r\nLinkedid: 1795546705.14';
    expect(parseCallFrame(frame, { source: 'x', line: 1, refTime: REF })?.at).toBe(1795546705519);
    expect(parseCallFrame(frame.replace('1795546705.519246', 'soon'), { source: 'x', line: 1, refTime: REF })?.at).toBe(REF);
  });

  it('reads the creation second from a Uniqueid, with or without a system name', () => {
    expect(uniqueidTime('1795546683.8')).toBe(1795546683000);
    expect(uniqueidTime('pbx-1-1795546683.8')).toBe(1795546683000);
    expect(uniqueidTime('abc')).toBeNaN();
  });
});

describe('CSV rows', () => {
  it('splits quoted fields with doubled quotes, bare numbers and empty fields', () => {
    expect(splitCsv('"a","b""c",3,,"d,e"')).toEqual(['a', 'b"c', '3', '', 'd,e']);
    expect(splitCsv('"open')).toBeNull();
    expect(splitCsv('"a"x')).toBeNull();
  });

  it('gives null for a line that is not a CDR row, and reads a logged uniqueid', () => {
    const ctx = { source: 'x', line: 1, refTime: REF };
    expect(parseCdrLine('hello,world', ctx)).toBeNull();
    const row = '"","100","00881612345678","from-internal",""""" <100>","PJSIP/100-00000010","PJSIP/itsp-00000011","Dial","PJSIP/00881612345678@itsp,30","2026-11-24 18:58:26","2026-11-24 18:58:26","2026-11-24 18:58:28",2,2,"ANSWERED","DOCUMENTATION"';
    expect(parseCdrLine(row.replace('"2026-11-24 18:58:26","2026', '"yesterday","2026'), ctx)).toBeNull();
    expect(parseCdrLine(`${row},"1795546706.16",""`, ctx)?.uniqueid).toBe('1795546706.16');
    expect(parseCdrLine(`${row}\r`, ctx)?.disposition).toBe('ANSWERED');
  });
});

function sortKeys(v: Record<string, unknown> | null): Record<string, unknown> | null {
  return v && Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)));
}
