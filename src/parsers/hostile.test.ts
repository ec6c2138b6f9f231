/**
 * A hostile corpus: lines in which attacker-chosen text (user names, display names,
 * Call-IDs, digest responses, AMI action names) tries to put another address in
 * the event, to hide the real one, or to break the parser. The rule under test:
 * an event's address comes only from its structured slot; a line whose slot cannot
 * be told apart from decoys is `injection_suspected` and counts for nobody.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, REF_TIME } from '../../test/support/samples.js';
import type { SecurityEvent } from '../domain/events.js';
import { parseAmiFrame, parseLine } from './index.js';

const ctx = { source: 'hostile', line: 1, refTime: REF_TIME };
const parse = (line: string): SecurityEvent | null => parseLine(line, ctx);
const REAL = '203.0.113.66';

function ipOf(ev: SecurityEvent | null): string | null {
  return ev && ev.kind !== 'injection_suspected' ? ev.ip : null;
}

/** A security line as res_security_log writes it; values are NOT escaped (Asterisk doesn't). */
function sec(o: { type?: string; account?: string; session?: string; remote?: string; tail?: string; service?: string } = {}): string {
  const type = o.type ?? 'InvalidAccountID';
  return `[Nov 24 18:05:31] SECURITY[16648] res_security_log.c: SecurityEvent="${type}",EventTV="2026-11-24T18:05:31.765+0000",Severity="Error",Service="${o.service ?? 'PJSIP'}",EventVersion="1",AccountID="${o.account ?? '100'}",SessionID="${o.session ?? '2878244319'}",LocalAddress="IPV4/UDP/192.0.2.2/5060",RemoteAddress="${o.remote ?? `IPV4/UDP/${REAL}/5091`}"${o.tail ?? ''}`;
}

/** A PJSIP log_failed_request NOTICE; `from` and `callid` are attacker-chosen. */
function pjsip(from: string, callid: string, addr = `${REAL}:5091`, reason = 'Failed to authenticate'): string {
  return `[Nov 24 18:05:31] NOTICE[16613] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '${from}' failed for '${addr}' (callid: ${callid}) - ${reason}`;
}

const chansip = (to: string, addr = `${REAL}:5094`) =>
  `[Nov 24 18:08:20] NOTICE[16641] chan_sip.c: Registration from '${to}' failed for '${addr}' - Wrong password`;

// ----------------------------------------------------------------------------- (a) the real-world injection

describe('(a) a fake RemoteAddress in AccountID and a fake LocalAddress/RemoteAddress pair in SessionID', () => {
  const account = '",RemoteAddress="IPV4/UDP/198.51.100.7/5060"';
  const session = 'a84b4c76e66710 with spaces",LocalAddress="IPV4/UDP/192.0.2.2/5060",RemoteAddress="IPV4/UDP/198.51.100.8/5060';
  const line = sec({ account, session });

  it('takes the real (last) address and records both fakes as decoys', () => {
    const ev = parse(line);
    expect(ev).toMatchObject({ kind: 'auth_failed', reason: 'unknown_account', ip: REAL, port: 5091 });
    if (ev?.kind !== 'auth_failed') throw new Error('unreachable');
    expect(ev.decoys).toContain('198.51.100.7');
    expect(ev.decoys).toContain('198.51.100.8');
    expect(ev.decoys).not.toContain(REAL);
  });

  it('the same with the fake written right after a plausible user name', () => {
    const ev = parse(sec({ account: '100",RemoteAddress="IPV4/UDP/198.51.100.7/5060', session: 'x y z' }));
    expect(ev).toMatchObject({ ip: REAL, decoys: ['198.51.100.7'] });
  });

  it('the same injection in an AMI frame (each field on its own line) and in every security event type', () => {
    const frame = [
      'Event: InvalidAccountID', 'Privilege: security,all', 'EventTV: 2026-11-24T18:05:31.765+0000', 'Severity: Error',
      'Service: PJSIP', 'EventVersion: 1', `AccountID: ${account}`, `SessionID: ${session}`,
      'LocalAddress: IPV4/UDP/192.0.2.2/5060', `RemoteAddress: IPV4/UDP/${REAL}/5091`,
    ].join('\r\n');
    expect(parseAmiFrame(frame, ctx)).toMatchObject({ ip: REAL });
    for (const type of ['ChallengeResponseFailed', 'InvalidPassword', 'ChallengeSent', 'SuccessfulAuth', 'FailedACL']) {
      expect(ipOf(parse(sec({ type, account, session }))), type).toBe(REAL);
    }
  });

  it('AccountID as PJSIP really writes it for an unknown endpoint: cut at 36 characters', () => {
    // pjsip_distributor.c copies the From user into name[AST_UUID_STR_LEN]: 36 characters.
    const cut = '100",RemoteAddress="IPV4/UDP/198.51.100.7/5060'.slice(0, 36);
    const ev = parse(sec({ account: cut }));
    expect(ipOf(ev)).toBe(REAL);
  });
});

// ----------------------------------------------------------------------------- (b) attacker text after the real field

describe('(b) attacker text after the real RemoteAddress', () => {
  const tails = [
    // Digest response as a SIP quoted-string: its quotes keep their backslashes.
    ',Challenge="1795543605/abcc",Response="\\",RemoteAddress=\\"IPV4/UDP/6.6.6.6/5060\\"",ExpectedResponse=""',
    // Unquoted.
    ',Challenge="1795543605/abcc",Response=",RemoteAddress=IPV4/UDP/6.6.6.6/5060",ExpectedResponse=""',
    // Exactly `,RemoteAddress=`: Asterisk's own closing quote completes `,RemoteAddress="`.
    ',Challenge="1795543605/abcc",Response=",RemoteAddress=",ExpectedResponse=""',
    // Behind a space.
    ',Challenge="1795543605/abcc",Response="x RemoteAddress=\\"IPV4/UDP/6.6.6.6/5060\\"",ExpectedResponse=""',
  ];
  it.each(tails)('ChallengeResponseFailed tail %s', (tail) => {
    const ev = parse(sec({ type: 'ChallengeResponseFailed', tail }));
    expect(ev).toMatchObject({ kind: 'auth_failed', reason: 'wrong_password', ip: REAL, port: 5091 });
  });

  it('chan_sip InvalidPassword whose ReceivedHash (last on the line) ends in `,RemoteAddress=`', () => {
    const ev = parse(sec({ type: 'InvalidPassword', service: 'SIP', tail: ',Challenge="5c9f0e35",ReceivedChallenge="5c9f0e35",ReceivedHash=",RemoteAddress="' }));
    expect(ev).toMatchObject({ kind: 'auth_failed', ip: REAL });
  });

  it('an AMI action name (RequestType, raw text after the address) holding a whole fake pair: ambiguous', () => {
    // manager.c report_req_not_allowed(): RequestType is the Action the unauthenticated client sent.
    const action = 'Originate",LocalAddress="IPV4/TCP/192.0.2.2/5038",RemoteAddress="IPV4/TCP/6.6.6.6/5038';
    const line = sec({ type: 'RequestNotAllowed', service: 'AMI', remote: `IPV4/TCP/${REAL}/41190`, tail: `,RequestType="${action}"` })
      .replace('LocalAddress="IPV4/UDP/192.0.2.2/5060"', 'LocalAddress="IPV4/TCP/192.0.2.2/5038"');
    const ev = parse(line);
    expect(ev?.kind).toBe('injection_suspected');
    if (ev?.kind !== 'injection_suspected') throw new Error('unreachable');
    expect([...ev.candidates].sort()).toEqual(['203.0.113.66', '6.6.6.6']);
  });

  it('an AMI action name ending in a fake pair plus half a pair: ambiguous, not lost', () => {
    const action = 'x",LocalAddress="IPV4/TCP/192.0.2.2/5038",RemoteAddress="IPV4/TCP/6.6.6.6/5038",LocalAddress="IPV4/TCP/1';
    const ev = parse(sec({ type: 'RequestNotAllowed', service: 'AMI', remote: `IPV4/TCP/${REAL}/41190`, tail: `,RequestType="${action}"` }));
    expect(ev?.kind).toBe('injection_suspected');
    if (ev?.kind !== 'injection_suspected') throw new Error('unreachable');
    expect(ev.candidates).toContain(REAL);
    // The same half pair with the real address only: still cannot be told from a cut line.
    const same = `x",LocalAddress="IPV4/TCP/192.0.2.2/5038",RemoteAddress="IPV4/TCP/${REAL}/5038",LocalAddress="IPV4/TCP/1`;
    const ev2 = parse(sec({ type: 'RequestNotAllowed', service: 'AMI', remote: `IPV4/TCP/${REAL}/41190`, tail: `,RequestType="${same}"` }));
    expect(ev2).toMatchObject({ kind: 'injection_suspected', candidates: [REAL] });
  });

  it('an AMI action name with only a RemoteAddress field is a decoy, not a candidate', () => {
    const line = sec({ type: 'RequestNotAllowed', service: 'AMI', tail: ',RequestType="x",RemoteAddress="IPV4/TCP/6.6.6.6/5038"' });
    expect(parse(line)).toMatchObject({ kind: 'auth_failed', reason: 'not_allowed', ip: REAL, decoys: ['6.6.6.6'] });
  });

  it('ANSI escapes in attacker text cannot remove the backslash before a quote', () => {
    // ESC + '\' is a two-character escape sequence; stripping it would turn \" into a bare quote.
    const tail = ',Challenge="c",Response="x\x1b\\",RemoteAddress=\x1b\\"IPV4/UDP/6.6.6.6/5060\x1b\\",X=\x1b\\"",ExpectedResponse=""';
    expect(ipOf(parse(sec({ type: 'ChallengeResponseFailed', tail })))).toBe(REAL);
  });

  it('an unterminated OSC escape in AccountID cannot swallow the real address', () => {
    const account = 'x",RemoteAddress="IPV4/UDP/6.6.6.6/5060\x1b]';
    const tail = ',Challenge="c",Response="\x07",ExpectedResponse=""';
    expect(ipOf(parse(sec({ type: 'ChallengeResponseFailed', account, tail })))).toBe(REAL);
    expect(ipOf(parse(sec({ account: 'evil\x1b]0;title' })))).toBe(REAL);
  });
});

// ----------------------------------------------------------------------------- (c) PJSIP NOTICE decoys

describe('(c) PJSIP NOTICE: decoy slots in the display name and the Call-ID', () => {
  const decoy = "' failed for '198.51.100.9:5060' (callid: x) - Failed to authenticate";

  it.each([
    ['display name', `"${decoy}" <sip:100@192.0.2.2>`, '337129326', ['198.51.100.9', REAL]],
    ['Call-ID', '"100" <sip:100@192.0.2.2>', `abc${decoy.replace(' - Failed to authenticate', '')}`, [REAL, '198.51.100.9']],
    ['both', `"${decoy}" <sip:100@192.0.2.2>`, `abc' failed for '198.51.100.10:5060' (callid: y`, ['198.51.100.9', REAL, '198.51.100.10']],
    ['IPv6 decoy', `"x' failed for '[2001:db8::bad]:5060' (callid: " <sip:100@192.0.2.2>`, 'c', ['2001:db8::bad', REAL]],
  ])('decoy in the %s: injection_suspected with every candidate', (_where, from, callid, candidates) => {
    const ev = parse(pjsip(from, callid));
    expect(ev?.kind).toBe('injection_suspected');
    if (ev?.kind !== 'injection_suspected') throw new Error('unreachable');
    expect(ev.candidates).toEqual(candidates);
    expect(ev.service).toBe('PJSIP');
    expect(ev.signature).toBe('pjsip-request-failed');
  });

  it('the real slot is found after a decoy-bearing display name in Asterisk 20 bracketed IPv6 too', () => {
    const ev = parse(pjsip(`"x' failed for '6.6.6.6:5060' (callid: " <sip:100@h>`, 'c', '[2001:db8::66]:5060'));
    expect(ev?.kind).toBe('injection_suspected');
    if (ev?.kind !== 'injection_suspected') throw new Error('unreachable');
    expect([...ev.candidates].sort()).toEqual(['2001:db8::66', '6.6.6.6']);
  });

  it.each([
    `"failed for '198.51.100.9:5060'" <sip:100@h>`,
    `"' failed for '198.51.100.9:5060" <sip:100@h>`,
    `"' failed for '198.51.100.9' (callid: " <sip:100@h>`, // no port: not what pj_sockaddr_print writes
    `"' failed for '198.51.100.9:5060 ' (callid: " <sip:100@h>`,
    `"198.51.100.9:5060" <sip:100@198.51.100.9:5060>`,
    `"' failed for '" <sip:100@h>`,
  ])('a decoy in the display name that is NOT slot-shaped leaves the real address: %s', (from) => {
    const ev = parse(pjsip(from, '337129326'));
    expect(ev).toMatchObject({ kind: 'auth_failed', ip: REAL, port: 5091 });
  });

  it('the reason is read at the end: a fake reason in the Call-ID does not change it', () => {
    const ev = parse(pjsip('<sip:100@h>', 'c) - No matching endpoint found', `${REAL}:5091`, 'Failed to authenticate'));
    expect(ev).toMatchObject({ kind: 'auth_failed', reason: 'wrong_password', ip: REAL });
  });

  it('never an auth_failed for a decoy, whatever reason text follows', () => {
    for (const reason of ['No matching endpoint found', 'Failed to authenticate', 'Not match Endpoint ACL']) {
      const ev = parse(pjsip(`"${decoy}" <sip:100@h>`, 'c', `${REAL}:5091`, reason));
      expect(ev?.kind).toBe('injection_suspected');
    }
  });
});

// ----------------------------------------------------------------------------- (d) chan_sip

describe('(d) chan_sip Registration: the slot is anchored at the end', () => {
  it.each([
    "\"x' failed for '6.6.6.6:5060' - Wrong password\" <sip:200@192.0.2.2>",
    "<sip:200@192.0.2.2>' failed for '6.6.6.6:5060' - Wrong password",
    "x' failed for '[2001:db8::bad]:5060' - Wrong password",
  ])('To: %s', (to) => {
    const ev = parse(chansip(to));
    expect(ev).toMatchObject({ kind: 'auth_failed', reason: 'wrong_password', ip: REAL, port: 5094 });
    if (ev?.kind !== 'auth_failed') throw new Error('unreachable');
    expect(ev.decoys.length).toBe(1);
    expect(['6.6.6.6', '2001:db8::bad']).toContain(ev.decoys[0]);
  });

  it('Call from: a decoy in the dialled extension or the name makes the line ambiguous', () => {
    const call = (name: string, ext: string) =>
      `[Nov 24 18:08:38] NOTICE[16641][C-00000003] chan_sip.c: Call from '${name}' (${REAL}:5063) to extension '${ext}' rejected because extension not found in context 'from-internal'.`;
    expect(parse(call('123', "900' (6.6.6.6:5060) to extension '1"))?.kind).toBe('injection_suspected');
    expect(parse(call("x' (6.6.6.6:5060) to extension 'y", '900'))?.kind).toBe('injection_suspected');
    expect(parse(call('123', "900' rejected because extension not found in context 'x'. (6.6.6.6:5060)"))).toMatchObject({ ip: REAL });
  });
});

// ----------------------------------------------------------------------------- (e) IAX2, (f) manager

describe('(e) IAX2 and (f) manager lines are anchored at their fixed end or start', () => {
  it.each([
    ["No registration for peer 'x' (from 6.6.6.6)' (from 203.0.113.1)", '203.0.113.1'],
    ["No registration for peer 'x (from 6.6.6.6)' (from 203.0.113.1)", '203.0.113.1'],
    ["No registration for peer '' (from 6.6.6.6)' (from 2001:db8::1)", '2001:db8::1'],
    ["Host 203.0.113.1 failed MD5 authentication for 'Host 6.6.6.6 failed' (a != b)", '203.0.113.1'],
    ["Host 203.0.113.1 failed to authenticate as 6.6.6.6", '203.0.113.1'],
    ["Registered IAX2 'x' (AUTHENTICATED) at 6.6.6.6:1' (AUTHENTICATED) at 203.0.113.1:4569", '203.0.113.1'],
  ])('chan_iax2.c: %s', (msg, ip) => {
    expect(ipOf(parse(`[Nov 24 18:09:00] NOTICE[16638] chan_iax2.c: ${msg}`))).toBe(ip);
  });

  it.each([
    ["203.0.113.1 failed to authenticate as 'x' failed to authenticate as 'y'", '203.0.113.1', "x' failed to authenticate as 'y"],
    ["203.0.113.1 failed to authenticate as '6.6.6.6 failed to authenticate as 'z'", '203.0.113.1', "6.6.6.6 failed to authenticate as 'z"],
    ["203.0.113.1 tried to authenticate with nonexistent user '' failed to authenticate as ''", '203.0.113.1', "' failed to authenticate as '"],
    ["203.0.113.1 failed to pass IP ACL as 'a' (from 6.6.6.6)'", '203.0.113.1', "a' (from 6.6.6.6)"],
  ])('manager.c: %s', (msg, ip, account) => {
    expect(parse(`[Nov 24 18:08:40] NOTICE[18072] manager.c: ${msg}`)).toMatchObject({ ip, account, service: 'AMI' });
  });

  it('manager VERBOSE lines: the address is the fixed end', () => {
    const v = (msg: string) => parse(`[Nov 24 18:08:52] VERBOSE[19388] manager.c: ${msg}`);
    expect(v("Manager 'x' logged on from 6.6.6.6' logged on from 203.0.113.1")).toMatchObject({ kind: 'auth_succeeded', ip: '203.0.113.1' });
    expect(v("Connect attempt from '6.6.6.6' unable to authenticate' unable to authenticate")).toBeNull();
  });
});

// ----------------------------------------------------------------------------- (g) strange user names

describe('(g) user names with newlines, quotes, control characters, markup, great length', () => {
  it('a newline in the display name: the log cuts the line there', () => {
    const whole = pjsip('"evil\n6.6.6.6" <sip:100@h>', 'c');
    const [first, second] = whole.split('\n') as [string, string];
    expect(parse(first)).toBeNull();
    expect(parse(second)).toBeNull();
  });

  it('a folded header (newline + space) cannot start a line of its own', () => {
    const forged = `[Nov 24 18:05:31] NOTICE[16613] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '<sip:1@h>' failed for '6.6.6.6:5060' (callid: c) - Failed to authenticate`;
    const whole = pjsip(`"x\r\n ${forged}" <sip:100@h>`, 'c');
    const parts = whole.split('\n');
    expect(parse(parts[0]!)).toBeNull();
    expect(parse(parts[1]!)).toBeNull(); // starts with a space
  });

  it('a newline followed by a complete forged line: the first half is null, the second is its own (forged) line', () => {
    // The log cannot tell a forged line from a real one; the defence is corroboration and,
    // in the kernel, the "seen" set (only addresses that sent packets can be banned).
    const forged = `[Nov 24 18:05:31] NOTICE[16613] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '<sip:1@h>' failed for '6.6.6.6:5060' (callid: c) - Failed to authenticate`;
    const parts = pjsip(`"x\n${forged}" <sip:100@h>`, 'c').split('\n');
    expect(parse(parts[0]!)).toBeNull();
    // Its own result: what the forged text says, parsed exactly like any line; never the tail's address.
    const ev = parse(parts[1]!);
    expect(ev?.kind).toBe('injection_suspected');
  });

  it('a newline in any attacker field, in every kind of line: first half null or the real address, second half null', () => {
    const templates: Array<(name: string) => string> = [
      (n) => sec({ account: n }),
      (n) => sec({ session: n }),
      (n) => sec({ type: 'ChallengeResponseFailed', tail: `,Challenge="c",Response="${n}",ExpectedResponse=""` }),
      (n) => pjsip(`"${n}" <sip:100@h>`, 'c'),
      (n) => pjsip('<sip:100@h>', n),
      (n) => chansip(`"${n}" <sip:200@h>`),
      (n) => `[Nov 24 18:08:40] NOTICE[18072] manager.c: ${REAL} failed to authenticate as '${n}'`,
      (n) => `[Nov 24 18:09:00] NOTICE[16638] chan_iax2.c: No registration for peer '${n}' (from ${REAL})`,
      (n) => `[Nov 24 18:08:57] NOTICE[16632] chan_iax2.c: Host ${REAL} failed MD5 authentication for '${n}' (a != b)`,
    ];
    const names = ['a\nb', 'x\n6.6.6.6', "\n' failed for '6.6.6.6:5060' (callid: x", '\n",RemoteAddress="IPV4/UDP/6.6.6.6/5060', 'a\n\nb'];
    for (const t of templates) {
      for (const name of names) {
        const [first, ...rest] = t(name).split('\n');
        const ev = parse(first!);
        if (ev?.kind !== 'injection_suspected') expect([null, REAL]).toContain(ipOf(ev));
        for (const part of rest) expect(parse(part), part).toBeNull();
      }
    }
  });

  it('a carriage return inside the line changes nothing', () => {
    expect(parse(pjsip('"a\rb" <sip:100@h>', 'c\rd'))).toMatchObject({ ip: REAL, account: '100' });
    expect(parse(sec({ account: 'a\rb', session: 'c\r' }))).toMatchObject({ ip: REAL });
  });

  it.each([
    ['quotes', `'"'"''""\\"`],
    ['NUL and control characters', '\u0000\u0001\u0007\u0008\u000b\u000c\u001f\u007f\u0085\u2028\u2029'],
    ['markup', '<img src=x onerror=alert(1)>'],
    ['ANSI colours', '\x1b[31mred\x1b[0m'],
    ['replacement characters', '\ufffd\ufffd\ufffd'],
    ['emoji and RTL override', 'a\u202e\u{1f4a9}b'],
  ])('%s in AccountID, SessionID, display name, To, manager user', (_what, s) => {
    expect(ipOf(parse(sec({ account: s, session: s })))).toBe(REAL);
    const notice = parse(pjsip(`"${s}" <sip:100@h>`, s));
    expect(notice?.kind === 'injection_suspected' ? null : ipOf(notice)).toBe(REAL);
    expect(ipOf(parse(chansip(`"${s}" <sip:200@h>`)))).toBe(REAL);
    expect(ipOf(parse(`[Nov 24 18:08:40] NOTICE[18072] manager.c: ${REAL} failed to authenticate as '${s}'`))).toBe(REAL);
  });

  it('markup is kept verbatim as the account (escaping is the writer\'s job)', () => {
    expect(parse(sec({ account: '<img src=x onerror=alert(1)>' }))).toMatchObject({ account: '<img src=x onerror=alert(1)>' });
  });

  it('very long user names and Call-IDs (PJSIP prints From/Call-ID into 512-byte buffers)', () => {
    const long = 'A'.repeat(5000);
    expect(parse(sec({ account: long, session: long }))).toMatchObject({ ip: REAL, account: long });
    expect(parse(pjsip(`"${long}" <sip:${long}@h>`, long))).toMatchObject({ ip: REAL });
    expect(ipOf(parse(chansip(`"${long}" <sip:200@h>`)))).toBe(REAL);
  });

  it('garbage bytes where a too-long display name did not fit pjsip_uri_print\'s buffer', () => {
    // The uninitialised buffer is printed as is: random bytes, seen as replacement characters.
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let n = 0; n < 200; n++) {
      const bytes = Buffer.from(Array.from({ length: 64 + (n % 400) }, rnd));
      const garbage = bytes.toString('utf8');
      const ev = parse(pjsip(garbage, String(n)));
      if (ev === null || ev.kind === 'injection_suspected') continue; // garbage may hold a quote that breaks the line
      expect(ev.ip).toBe(REAL);
    }
  });
});

// ----------------------------------------------------------------------------- (h) sizes, truncation, broken bytes

describe('(h) huge, truncated and broken lines', () => {
  const time = (f: () => unknown): number => {
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  };

  it.each([
    ['repeated slot openers before the real slot', pjsip(`"${"' failed for '".repeat(75_000)}" <sip:1@h>`, 'c')],
    ['repeated openers, one closer at the end', pjsip(`"${"' failed for '".repeat(75_000)}' (callid: " <sip:1@h>`, 'c')],
    ['chan_sip Call from with repeated openers', `[Nov 24 18:08:38] NOTICE[16641] chan_sip.c: Call from '${"' (".repeat(350_000)}' (${REAL}:5063) to extension '1' rejected because extension not found in context 'c'.`],
    ['repeated RemoteAddress fields in AccountID', sec({ account: ',RemoteAddress="'.repeat(65_000) })],
    ['repeated fake pairs in SessionID', sec({ session: '",LocalAddress="IPV4/UDP/1.1.1.1/1",RemoteAddress="IPV4/UDP/1.1.1.1/1'.repeat(15_000) })],
    ['repeated escape sequences', sec({ account: '\x1b[1;31m\x1b]0;\x1b\\'.repeat(100_000) })],
    ['1 MB of quotes', `[Nov 24 18:05:31] NOTICE[1] chan_sip.c: ${`'"`.repeat(500_000)}`],
    ['1 MB JSON line', JSON.stringify({ timestamp: 'Nov 24 18:05:31', logmsg: { level: 'NOTICE', location: { filename: 'chan_sip.c' }, message: `Registration from '${'x'.repeat(1_000_000)}' failed for '${REAL}:5094' - Wrong password` } })],
  ])('a 1 MB line (%s) is parsed in well under a second and never yields a decoy', (_what, line) => {
    expect(line.length).toBeGreaterThan(900_000);
    let ev: SecurityEvent | null = null;
    const ms = time(() => (ev = parse(line)));
    expect(ms).toBeLessThan(1000);
    const got = ipOf(ev);
    if (got !== null) expect(got).toBe(REAL);
  });

  function fixtureLine(file: string, includes: string): string {
    const line = readFileSync(new URL(file, FIXTURE_DIR), 'utf8').split('\n').find((l) => l.includes(includes));
    if (!line) throw new Error(`no line with ${includes}`);
    return line;
  }

  it.each([
    ['security.log', 'ChallengeResponseFailed'],
    ['security.log', 'FailedACL'],
    ['security.log', 'SessionTV'],
    ['messages.log', 'Failed to authenticate'],
    ['messages.log', 'Call from'],
    ['messages.log', 'Wrong password'],
    ['messages.log', 'res_pjsip_session.c'],
    ['messages.log', 'No registration'],
    ['full.log', 'Registered IAX2'],
  ])('every prefix of a real %s line (%s) parses without throwing and never to another address', (file, includes) => {
    const line = fixtureLine(file, includes);
    const real = ipOf(parse(line));
    expect(real).not.toBeNull();
    for (let n = 0; n <= line.length; n++) {
      const ev = parse(line.slice(0, n));
      if (ev?.kind === 'injection_suspected') throw new Error(`prefix ${n} ambiguous`);
      const got = ipOf(ev);
      if (got !== null) expect(got, line.slice(0, n)).toBe(real);
    }
  });

  it('prefixes of the injection line never yield the AccountID decoy', () => {
    const line = sec({ type: 'ChallengeResponseFailed', account: '100",RemoteAddress="IPV4/UDP/198.51.100.7/5060', tail: ',Challenge="c",Response="r",ExpectedResponse=""' });
    for (let n = 0; n <= line.length; n++) {
      const got = ipOf(parse(line.slice(0, n)));
      if (got !== null) expect(got, line.slice(0, n)).toBe(REAL);
    }
  });

  it('KNOWN LIMIT: a line cut exactly after a fake LocalAddress/RemoteAddress pair is a well-formed line', () => {
    // If a log transport truncates the line exactly there, what remains is indistinguishable
    // from a genuine InvalidAccountID line. Only that one cut point can mislead; corroboration
    // (NOTICE, AMI) and the kernel "seen" set are the defence.
    const fake = '",LocalAddress="IPV4/UDP/192.0.2.2/5060",RemoteAddress="IPV4/UDP/198.51.100.8/5060';
    const line = sec({ session: `abc${fake}` });
    const misleading: number[] = [];
    for (let n = 0; n <= line.length; n++) {
      const got = ipOf(parse(line.slice(0, n)));
      if (got !== null && got !== REAL) misleading.push(n);
    }
    const cut = line.indexOf('198.51.100.8/5060') + '198.51.100.8/5060"'.length;
    expect(misleading).toEqual([cut]);
  });

  it('invalid UTF-8 decoded with replacement characters', () => {
    const bytes = Buffer.concat([
      Buffer.from(pjsip('"', 'c').split('"')[0]!),
      Buffer.from('"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82]), Buffer.from(`" <sip:100@h>' failed for '${REAL}:5091' (callid: c) - Failed to authenticate`),
    ]);
    const line = bytes.toString('utf8');
    expect(line).toContain('\ufffd');
    expect(parse(line)).toMatchObject({ ip: REAL, account: '100' });
    const secBytes = Buffer.from(Buffer.from(sec({ account: 'ACCT' }).replace('ACCT', '\u0000')).map((b) => (b === 0 ? 0xff : b)));
    expect(parse(secBytes.toString('utf8'))).toMatchObject({ ip: REAL });
  });

  it.each([
    '', '[', ']', '[]', '[] ', '[[[[', ']]]]', '""""', "''''", '{', '{}', '{"logmsg":null}', '{"logmsg":{"message":1}}', 'null', '[Nov 24 18:05:31]', '[Nov 24 18:05:31] ',
    '[Nov 24 18:05:31] NOTICE[', '[Nov 24 18:05:31] NOTICE[1]', '[Nov 24 18:05:31] NOTICE[1] chan_sip.c', '[Nov 24 18:05:31] NOTICE[1] chan_sip.c:',
    '[Nov 24 18:05:31] SECURITY[1] res_security_log.c: SecurityEvent="', 'SecurityEvent="InvalidPassword"', '"'.repeat(1000), "'".repeat(1000), '['.repeat(1000), ']'.repeat(1000),
  ])('nothing but brackets and quotes: %j', (line) => {
    expect(parse(line)).toBeNull();
    expect(parseAmiFrame(line, ctx)).toBeNull();
  });
});

// ----------------------------------------------------------------------------- (i) chan_sip lines that name the From URI

describe('(i) chan_sip lines whose only address is in attacker text give no event', () => {
  it.each([
    'Failed to authenticate device <sip:100@6.6.6.6>;tag=as5f3a8c1d',
    'Failed to authenticate user <sip:100@6.6.6.6:5060>;tag=1',
    "Failed to authenticate on REGISTER to '<sip:100@6.6.6.6>' (tries '1')",
    'Sending fake auth rejection for device 100<sip:100@6.6.6.6>;tag=as5f3a8c1d',
    'handle_request_subscribe: Sending fake auth rejection for user <sip:100@6.6.6.6>;tag=1',
  ])('%s', (msg) => {
    expect(parse(`[Nov 24 18:08:20] NOTICE[16641] chan_sip.c: ${msg}`)).toBeNull();
  });
});

// ----------------------------------------------------------------------------- (j) malformed addresses

describe('(j) malformed addresses in the slot give null', () => {
  it.each([
    '010.1.1.1', '1.2.3.04', '0x7f.0.0.1', '256.1.1.1', '1.2.3.999', '1.2.3', '1.2.3.4.5', '1..2.3', '+1.2.3.4', ' 1.2.3.4',
    '2001:db8::1::2', '2001:db8::g', 'fe80::1%eth0', '::ffff:256.1.1.1', '', 'localhost', '1.2.3.4/24',
  ])('address %j', (addr) => {
    expect(parse(sec({ remote: `IPV4/UDP/${addr}/5060` }))).toBeNull();
    expect(parse(sec({ remote: `IPV6/UDP/${addr}/5060` }))).toBeNull();
    expect(parse(pjsip('<sip:1@h>', 'c', `${addr}:5060`))).toBeNull();
    expect(parse(chansip('<sip:1@h>', `${addr}:5060`))).toBeNull();
    expect(parse(`[Nov 24 18:08:40] NOTICE[18072] manager.c: ${addr} failed to authenticate as 'x'`)).toBeNull();
    expect(parse(`[Nov 24 18:09:00] NOTICE[16638] chan_iax2.c: No registration for peer 'x' (from ${addr})`)).toBeNull();
  });

  it.each(['65536', '99999', '123456', '-1', '', '5060 ', ' 5060', '50a0', '0x13c4'])('port %j', (port) => {
    expect(parse(sec({ remote: `IPV4/UDP/${REAL}/${port}` }))).toBeNull();
    expect(parse(pjsip('<sip:1@h>', 'c', `${REAL}:${port}`))).toBeNull();
    expect(parse(chansip('<sip:1@h>', `${REAL}:${port}`))).toBeNull();
  });

  it('ports 0 and 65535 are read', () => {
    expect(parse(sec({ remote: `IPV4/UDP/${REAL}/65535` }))).toMatchObject({ port: 65535 });
    expect(parse(sec({ remote: `IPV4/UDP/${REAL}/0` }))).toMatchObject({ port: 0 });
  });

  it.each([
    'IPV4/UDP/2001:db8::1/5060', 'IPV6/UDP/203.0.113.5/5060', 'IPV4/SCTPX/203.0.113.5/5060', 'IPV4/udp/203.0.113.5/5060',
    'ipv4/UDP/203.0.113.5/5060', 'IPV5/UDP/203.0.113.5/5060', 'IPV4/UDP/203.0.113.5', 'IPV4/203.0.113.5/5060', 'IPV4//203.0.113.5/5060',
    'IPV4/UDP/203.0.113.5/5060/5061',
  ])('family/transport mismatch or malformed: %s', (remote) => {
    expect(parse(sec({ remote }))).toBeNull();
  });
});

// ----------------------------------------------------------------------------- (k) older and field formats

describe('(k) formats of older Asterisk and the field keep the address in its slot', () => {
  const DECOY = '6.6.6.6';
  /** Asterisk 13 before 13.10: no method; address as src_name:src_port. */
  const noMethod = (from: string, callid: string, addr = `${REAL}:5091`) =>
    `[2026-05-23 10:18:16] NOTICE[19388] res_pjsip/pjsip_distributor.c: Request from '${from}' failed for '${addr}' (callid: ${callid}) - No matching endpoint found`;

  it.each([
    ['display name', `"x' failed for '${DECOY}:5060' (callid: y" <sip:1000@h>`, 'c', [DECOY, REAL]],
    ['Call-ID', '"1000" <sip:1000@h>', `c' failed for '${DECOY}:5060' (callid: d`, [REAL, DECOY]],
    ['user part', `<sip:1000' failed for '${DECOY}:5060' (callid: x@h>`, 'c', [DECOY, REAL]],
  ])('PJSIP without a method, decoy in the %s: injection_suspected, the real address among the candidates', (_where, from, callid, candidates) => {
    const ev = parse(noMethod(from, callid));
    expect(ev?.kind).toBe('injection_suspected');
    if (ev?.kind !== 'injection_suspected') throw new Error('unreachable');
    expect(ev.candidates).toEqual(candidates);
  });

  it("PJSIP: a decoy slot that would need the From's opening quote is not Asterisk's and is not a candidate", () => {
    const ev = parse(noMethod(` failed for '${DECOY}:5060' (callid: x`, 'c'));
    expect(ev).toMatchObject({ kind: 'auth_failed', ip: REAL, port: 5091 });
    const withMethod = parse(pjsip(` failed for '${DECOY}:5060' (callid: x`, 'c'));
    expect(withMethod).toMatchObject({ kind: 'auth_failed', ip: REAL, port: 5091 });
  });

  it.each([
    // 13.x/14/16.0: "Call from '<endpoint id>' (T:addr) to extension '<ext>' …"; the endpoint id is configuration.
    [`Call from 'anonymous' (UDP:${REAL}:5060) to extension '1' (UDP:${DECOY}:5060) to extension '2' rejected because extension not found in context 'default'.`, "1' (UDP:6.6.6.6:5060) to extension '2"],
    [`Call from 'anonymous' (TCP:[${REAL}]:5060) to extension '9' rejected because extension not found in context 'x' (TCP:${DECOY}:1)' rejected because extension not found in context 'default'.`, "9' rejected because extension not found in context 'x' (TCP:6.6.6.6:1)"],
    // 17+: "<name>: Call (T:addr) to extension '<ext>' …"
    [` anonymous: Call (UDP:${REAL}:5060) to extension 'x: Call (UDP:${DECOY}:5060) to extension 'y' rejected because extension not found in context 'default'.`, "x: Call (UDP:6.6.6.6:5060) to extension 'y"],
  ])('PJSIP call to a missing number, decoys in the dialled number: %s', (msg, ext) => {
    const ev = parse(`[Jan 18 17:39:50] NOTICE[12049] res_pjsip_session.c: ${msg}`);
    expect(ev).toMatchObject({ kind: 'auth_failed', reason: 'no_extension', ip: REAL, port: 5060, extension: ext });
  });

  it.each([
    `Call from 'anonymous' (${REAL}:5060) to extension '1' rejected because extension not found in context 'default'.`, // no transport
    `Call from 'anonymous' (BOGUS:${REAL}:5060) to extension '1' rejected because extension not found in context 'default'.`,
    `Call from 'anonymous' (UDP:${REAL}) to extension '1' rejected because extension not found in context 'default'.`, // no port
    `Call from 'anonymous' (UDP:${REAL}:5060) to extension '1' rejected because extension not found in context 'default'`, // cut
    ` anonymous: Call (UDP:host.example:5060) to extension '1' rejected because extension not found in context 'default'.`,
  ])('PJSIP call lines that are not exactly Asterisk\'s give null: %s', (msg) => {
    expect(parse(`[Jan 18 17:39:50] NOTICE[12049] res_pjsip_session.c: ${msg}`)).toBeNull();
  });

  it('chan_sip "hacking attempt detected": the whole message or nothing', () => {
    const h = (msg: string) => parse(`[2026-03-16 18:46:34] NOTICE[3453] chan_sip.c: ${msg}`);
    expect(h(`hacking attempt detected '${REAL}'`)).toMatchObject({ ip: REAL, signature: 'chansip-hacking-attempt' });
    expect(h(`hacking attempt detected '${DECOY}' from '${REAL}'`)).toBeNull();
    expect(h(`Registration from '<sip:1@h>hacking attempt detected '${DECOY}'' failed for '${REAL}:5060' - Wrong password`)).toMatchObject({ ip: REAL });
    // Only chan_sip writes it: the same words from another module are no report.
    expect(parse(`[2026-03-16 18:46:34] NOTICE[3453] pbx.c: hacking attempt detected '${DECOY}'`)).toBeNull();
  });

  it("FreePBX's warning: extension s of its own dial plan, the whole quoted message, nothing else", () => {
    const w = (file: string, msg: string) => parse(`[2026-11-11 14:33:38] WARNING[6756][C-0000001d] ${file}: ${msg}`);
    expect(w('Ext. s', `"Rejecting unknown SIP connection from ${REAL}"`)).toMatchObject({ ip: REAL, signature: 'freepbx-unknown-sip' });
    // The "file" of Log() is the extension being run: any other is the caller's dialled number.
    expect(w(`Ext. ${DECOY}`, `"Rejecting unknown SIP connection from ${DECOY}"`)).toBeNull();
    expect(w('Ext. s', `"Rejecting unknown SIP connection from ${DECOY}" and ${REAL}`)).toBeNull();
    expect(w('Ext. s', `"Rejecting unknown SIP connection from ${DECOY} ${REAL}"`)).toBeNull();
    expect(w('Ext. s', `Rejecting unknown SIP connection from ${REAL}`)).toBeNull(); // FreePBX writes the quotes
  });

  it('IAX2 quoted users: only a matching pair of quotes is removed, the address is the fixed start', () => {
    const i = (msg: string) => parse(`[2026-02-13 17:53:59] NOTICE[1638] chan_iax2.c: ${msg}`);
    expect(i(`Host ${REAL} failed to authenticate as 'x' failed to authenticate as '${DECOY}'`)).toMatchObject({ ip: REAL, account: `x' failed to authenticate as '${DECOY}` });
    expect(i(`Host ${REAL} failed to authenticate as '`)).toMatchObject({ ip: REAL, account: "'" });
  });

  it('a line without a date (journalctl -o cat) is framed like any other: attacker text after the slot stays text', () => {
    const ev = parse(`NOTICE[566]: chan_sip.c:28926 handle_request_register: Registration from '"x' failed for '${DECOY}:5060' - Wrong password" <sip:1@h>' failed for '${REAL}:5060' - Wrong password`);
    expect(ev).toMatchObject({ ip: REAL, at: REF_TIME, decoys: [DECOY] });
    // Not a level of Asterisk's, or an indented continuation: nothing.
    expect(parse(` NOTICE[566]: chan_sip.c:1 f: Registration from '<sip:1@h>' failed for '${DECOY}:5060' - Wrong password`)).toBeNull();
    expect(parse(`DEBUG[566]: chan_sip.c:1 f: Registration from '<sip:1@h>' failed for '${DECOY}:5060' - Wrong password`)).toBeNull();
  });
});
