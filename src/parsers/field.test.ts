/**
 * The field formats (test/samples/field.samples.ts): each line gives exactly its annotated event or
 * null, and each failure is ONE attempt — alone, and together with the other reports
 * Asterisk writes for the same attempt. Then the logger's reports of lost messages.
 */
import { describe, expect, it } from 'vitest';
import { FIELD_SAMPLES, type FieldSample } from '../../test/samples/field.samples.js';
import { REF_TIME } from '../../test/support/samples.js';
import type { AuthFailed, ParsedEvent, SecurityEvent } from '../domain/events.js';
import { AttemptCounter } from '../engine/attempts.js';
import { newDateCache, parseAmiFrame, parseLine } from './index.js';

const ctx = (source = 'field', line = 1) => ({ source, line, refTime: REF_TIME });

/** The event in the shape of a sample's expectation. */
function shape(ev: SecurityEvent | null): FieldSample['expected'] | { kind: string } | null {
  if (!ev) return null;
  if (ev.kind !== 'auth_failed') return { kind: ev.kind };
  return {
    kind: ev.kind, reason: ev.reason, signature: ev.signature, service: ev.service, ip: ev.ip, port: ev.port,
    account: ev.account, at: new Date(ev.at).toISOString(),
    ...(ev.reason === 'no_extension' ? { extension: ev.extension } : {}),
  };
}

describe('field samples (formats of Asterisk 11-20, FreePBX, syslog and journald)', () => {
  it('cover every failure of the list, each with a note of where the format comes from', () => {
    expect(FIELD_SAMPLES.filter((s) => s.expected).length).toBeGreaterThanOrEqual(50);
    for (const s of FIELD_SAMPLES) {
      expect(s.f2b.length, s.line).toBeGreaterThan(0);
      expect(s.source.length, s.line).toBeGreaterThan(10);
    }
  });

  it.each(FIELD_SAMPLES.map((s) => [`${s.f2b} | ${s.source}`, s] as const))('%s', (_name, sample) => {
    const ev = parseLine(sample.line, ctx());
    expect(shape(ev)).toEqual(sample.expected);
    if (ev && ev.kind === 'auth_failed') {
      expect(ev.evidence).toEqual({ source: 'field', line: 1, text: sample.line });
      // The same with a reader's date cache (the hot path): same event.
      expect(parseLine(sample.line, { ...ctx(), cache: newDateCache() })).toEqual(ev);
    }
  });

  it('each failure is one attempt on its own, and the same line in two files (messages, full) is still one', () => {
    for (const sample of FIELD_SAMPLES) {
      if (!sample.expected) continue;
      const counter = new AttemptCounter();
      const a = parseLine(sample.line, ctx('/var/log/asterisk/messages', 7)) as AuthFailed;
      const b = parseLine(sample.line, ctx('/var/log/asterisk/full', 70)) as AuthFailed;
      expect([counter.record(a), counter.record(b)], sample.line).toEqual([true, false]);
    }
  });

  it('only the annotated address: no other address-shaped text of the line is ever the event\'s', () => {
    for (const sample of FIELD_SAMPLES) {
      const ev = parseLine(sample.line, ctx());
      if (!sample.expected) {
        expect(ev, sample.line).toBeNull();
        continue;
      }
      expect(ev?.kind === 'auth_failed' && ev.ip, sample.line).toBe(sample.expected.ip);
    }
  });
});

// ----------------------------------------------------------------------------- one attempt, many reports

const AMI_FRAME = (type: string, account: string, remote: string, extra: string[] = []): string => [
  `Event: ${type}`, 'Privilege: security,all', 'EventTV: 2026-11-24T18:20:00.100+0000', 'Severity: Error', 'Service: AMI',
  'EventVersion: 1', `AccountID: ${account}`, 'SessionID: 0x7f3b2c001234', 'LocalAddress: IPV4/TCP/0.0.0.0/5038',
  `RemoteAddress: ${remote}`, 'SessionTV: 1970-01-01T00:00:00.000+0000', ...extra,
].join('\r\n');

/** Counts the attempts in reports given as [source, line-or-frame] in the order a reader meets them. */
function attempts(reports: ReadonlyArray<readonly [string, string]>): { attempts: number; events: number } {
  const counter = new AttemptCounter();
  let n = 0;
  let events = 0;
  reports.forEach(([source, text], i) => {
    const ev = source.startsWith('ami:') ? parseAmiFrame(text, ctx(source, i + 1)) : parseLine(text, ctx(source, i + 1));
    if (!ev) return;
    events++;
    expect(ev.kind, text).toBe('auth_failed');
    if (ev.kind === 'auth_failed' && counter.record(ev)) n++;
  });
  return { attempts: n, events };
}

describe('one attempt, however many lines Asterisk writes about it', () => {
  const M = '/var/log/asterisk/messages';
  const S = '/var/log/asterisk/security';
  const A = 'ami:127.0.0.1:5038';

  it('an AMI login refused by the user\'s ACL: three NOTICE lines, a FailedACL event, its AMI frame', () => {
    // manager.c authenticate() 13-20: ast_apply_acl() logs the acl.c line, then report_failed_acl()
    // (the security event) and "failed to pass IP ACL as", then "failed to authenticate as".
    const lines: Array<readonly [string, string]> = [
      [M, "[Nov 24 18:20:00] NOTICE[20001] acl.c: Manager User ACL: Rejecting '203.0.113.52' due to a failure to pass ACL '(BASELINE)'"],
      [M, "[Nov 24 18:20:00] NOTICE[20001] manager.c: 203.0.113.52 failed to pass IP ACL as 'admin'"],
      [M, "[Nov 24 18:20:00] NOTICE[20001] manager.c: 203.0.113.52 failed to authenticate as 'admin'"],
      [S, '[Nov 24 18:20:00] SECURITY[20001] res_security_log.c: SecurityEvent="FailedACL",EventTV="2026-11-24T18:20:00.100+0000",Severity="Error",Service="AMI",EventVersion="1",AccountID="admin",SessionID="0x7f3b2c001234",LocalAddress="IPV4/TCP/0.0.0.0/5038",RemoteAddress="IPV4/TCP/203.0.113.52/40112",SessionTV="1970-01-01T00:00:00.000+0000"'],
      [A, AMI_FRAME('FailedACL', 'admin', 'IPV4/TCP/203.0.113.52/40112')],
    ];
    expect(attempts(lines)).toEqual({ attempts: 1, events: 4 });
    // messages alone, and the security log alone: one each.
    expect(attempts(lines.slice(0, 3))).toEqual({ attempts: 1, events: 2 });
    expect(attempts(lines.slice(3))).toEqual({ attempts: 1, events: 2 });
    // Two such logins: two attempts (the companion line does not hide the second).
    expect(attempts([...lines.slice(0, 3), ...lines.slice(0, 3)]).attempts).toBe(2);
  });

  it('an AMI login over HTTP refused by the ACL writes "failed to pass IP ACL as" alone: one attempt', () => {
    // manager.c auth_http_callback(): no "failed to authenticate as" after it.
    const line = "[Nov 24 18:20:01] NOTICE[20002] manager.c: 203.0.113.53 failed to pass IP ACL as 'admin'";
    expect(attempts([[M, line]])).toEqual({ attempts: 1, events: 1 });
    expect(attempts([[M, line], [M, line]]).attempts).toBe(2);
  });

  it('a wrong AMI secret, a nonexistent AMI user: one attempt each (the captured S25/S26 shapes)', () => {
    expect(attempts([
      [M, "[Nov 24 18:08:46] NOTICE[18799] manager.c: 203.0.113.54 tried to authenticate with nonexistent user 'admin'"],
      [M, "[Nov 24 18:08:46] NOTICE[18799] manager.c: 203.0.113.54 failed to authenticate as 'admin'"],
      [S, '[Nov 24 18:08:46] SECURITY[18799] res_security_log.c: SecurityEvent="InvalidAccountID",EventTV="2026-11-24T18:08:46.466+0000",Severity="Error",Service="AMI",EventVersion="1",AccountID="admin",SessionID="0x7fa6a4001f30",LocalAddress="IPV4/TCP/0.0.0.0/5038",RemoteAddress="IPV4/TCP/203.0.113.54/47414",SessionTV="1970-01-01T00:00:00.000+0000"'],
    ])).toEqual({ attempts: 1, events: 3 });
  });

  it('a chan_sip call to a missing number: the NOTICE and FailedACL(no_extension_match) are one dialplan probe', () => {
    expect(attempts([
      [M, "[Nov 24 18:08:38] NOTICE[16641][C-00000003] chan_sip.c: Call from '' (203.0.113.55:5063) to extension '9011442079460002' rejected because extension not found in context 'from-sip-external'."],
      [S, '[Nov 24 18:08:38] SECURITY[16648] res_security_log.c: SecurityEvent="FailedACL",EventTV="2026-11-24T18:08:38.312+0000",Severity="Error",Service="SIP",EventVersion="1",AccountID="9011442079460002",SessionID="0x7fa69c0224d0",LocalAddress="IPV4/UDP/192.0.2.2/5060",RemoteAddress="IPV4/UDP/203.0.113.55/5063",ACLName="no_extension_match"'],
      [A, ['Event: FailedACL', 'Privilege: security,all', 'EventTV: 2026-11-24T18:08:38.312+0000', 'Severity: Error', 'Service: SIP', 'EventVersion: 1', 'AccountID: 9011442079460002', 'SessionID: 0x7fa69c0224d0', 'LocalAddress: IPV4/UDP/192.0.2.2/5060', 'RemoteAddress: IPV4/UDP/203.0.113.55/5063', 'ACLName: no_extension_match'].join('\r\n')],
    ])).toEqual({ attempts: 1, events: 3 });
  });

  it('a PJSIP call to a missing number (no security event exists for it): one each', () => {
    const call = (port: number, ext: string) =>
      `[Nov 24 18:07:02] NOTICE[16613] res_pjsip_session.c:  anonymous: Call (UDP:203.0.113.56:${port}) to extension '${ext}' rejected because extension not found in context 'from-sip-external'.`;
    expect(attempts([[M, call(5061, '900')], [M, call(5061, '901')], [M, call(5062, '900')]]).attempts).toBe(3);
  });
});

// ----------------------------------------------------------------------------- the logger's lost messages

describe("Asterisk's logger dropping messages (logger_queue_limit)", () => {
  const logLoss = { ...ctx('/var/log/asterisk/messages', 9), logLoss: true as const };
  const cases: Array<[string, string, { phase: string; dropped: number | null; limit: number | null }]> = [
    ['13.16-23, file', '[Nov 24 18:30:00] WARNING[16583] logger: Log queue threshold (1000) exceeded.  Discarding new messages.', { phase: 'started', dropped: null, limit: 1000 }],
    ['13.16-23, file', '[Nov 24 18:30:02] WARNING[16583] logger: Logging resumed.  4711 messages discarded.', { phase: 'resumed', dropped: 4711, limit: null }],
    ['13.16-23, file, one message', '[Nov 24 18:30:02] WARNING[16583] logger: Logging resumed.  1 message discarded.', { phase: 'resumed', dropped: 1, limit: null }],
    ['syslog', 'Nov 24 18:30:00 pbx asterisk[16583]: WARNING[16583]: logger:0 in ***: Log queue threshold (250) exceeded.  Discarding new messages.', { phase: 'started', dropped: null, limit: 250 }],
    ['ISO date, FreePBX', '[2026-11-24 18:30:02] WARNING[16583] logger: Logging resumed.  12 messages discarded.', { phase: 'resumed', dropped: 12, limit: null }],
    ['after 23', '[Nov 24 18:30:00] WARNING[16583] logger: Log queue threshold (1000) exceeded.  Discarding non-warning/error messages.', { phase: 'started', dropped: null, limit: 1000 }],
    ['after 23', '[Nov 24 18:30:01] WARNING[16583] logger: Log queue WARNING / ERROR threshold (200) exceeded. Discarded 150 oldest non-WARNING/ERROR messages.', { phase: 'discarded', dropped: 150, limit: 200 }],
    ['after 23, no newline: the next message glued on', '[Nov 24 18:30:01] WARNING[16583] logger: Log queue does not have any non-WARNING/ERROR messages left to discard. Discarding all new messages.', { phase: 'overflowed', dropped: null, limit: null }],
    ['after 23, glued to "Logging resumed"', '[Nov 24 18:30:01] WARNING[16583] logger: Log queue does not have any non-WARNING/ERROR messages left to discard. Discarding all new messages.[Nov 24 18:30:05] WARNING[16583] logger: Logging resumed.  3 messages discarded.', { phase: 'overflowed', dropped: 3, limit: null }],
  ];

  it.each(cases)('%s: %s', (_v, line, want) => {
    const ev: ParsedEvent | null = parseLine(line, logLoss);
    expect(ev).toMatchObject({ kind: 'log_dropped', ...want, evidence: { source: '/var/log/asterisk/messages', line: 9, text: line } });
    // A caller that did not ask for it gets null, like for any line that reports no authentication.
    expect(parseLine(line, ctx())).toBeNull();
  });

  it('the event time is the line\'s', () => {
    expect(parseLine(cases[1]![1], logLoss)?.at).toBe(Date.UTC(2026, 10, 24, 18, 30, 2));
  });

  it('other logger lines, and look-alikes from other modules or in attacker text, give nothing', () => {
    const nulls = [
      '[Nov 24 18:30:00] WARNING[16583] logger: Log queue threshold (1000) exceeded.  Discarding new messages. And more',
      '[Nov 24 18:30:00] WARNING[16583] logger: Logging resumed.  many messages discarded.',
      '[Nov 24 18:30:00] VERBOSE[16583] logger.c: Asterisk Event Logger restarted',
      '[Nov 24 18:30:00] NOTICE[16583] chan_sip.c: Logging resumed.  5 messages discarded.',
      "[Nov 24 18:30:00] NOTICE[16613] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '<sip:x@h>' failed for '203.0.113.57:5060' (callid: logger: Logging resumed.  9 messages discarded.) - Failed to authenticate",
      '[Nov 24 18:30:01] WARNING[16583] logger: Log queue does not have any non-WARNING/ERROR messages left to discard. Discarding all new messages.[Nov 24 18:30:05] NOTICE[1] chan_sip.c: logger: Logging resumed.  3 messages discarded.',
    ];
    for (const line of nulls) {
      const ev = parseLine(line, logLoss);
      if (line.includes('Discarding all new messages.[')) expect(ev).toMatchObject({ phase: 'overflowed', dropped: null });
      else if (ev) expect(ev.kind, line).not.toBe('log_dropped');
    }
  });
});
