/**
 * Property tests: whatever the attacker writes into the fields they control, the
 * parsers never throw, and an event's address is always the one in the structured
 * slot Asterisk wrote — never one that appears only in attacker text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REF_TIME } from '../../test/support/samples.js';
import type { SecurityEvent } from '../domain/events.js';
import { parseIp } from '../domain/ip.js';
import { parseAmiFrame, parseLine, stripAnsi } from './index.js';

const ctx = { source: 'property', line: 1, refTime: REF_TIME };
const RUNS = { numRuns: 1000 };

// ----------------------------------------------------------------------------- generators

const port = fc.integer({ min: 0, max: 65535 });
const ip4 = fc.ipV4();
const ip6 = fc.ipV6();
const anyIp = fc.oneof(ip4, ip6);
const canon = (ip: string): string => {
  const c = parseIp(ip);
  if (!c) throw new Error(`generator made a bad address ${ip}`);
  return c;
};
const family = (ip: string) => (ip.includes(':') ? 'IPV6' : 'IPV4');
const transport = fc.constantFrom('UDP', 'TCP', 'TLS', 'WS', 'WSS');
const secAddr = fc.tuple(anyIp, transport, port).map(([ip, t, p]) => `${family(ip)}/${t}/${ip}/${p}`);
const hostPort = fc.tuple(anyIp, port).map(([ip, p]) => (ip.includes(':') ? `[${ip}]:${p}` : `${ip}:${p}`));

/** Pieces an attacker would use, plus addresses in every slot shape Asterisk has. */
const fragment = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'RemoteAddress="', ',RemoteAddress="', 'LocalAddress="', ',LocalAddress="', '",', '"', '\\"', "'", ',', '=', ' ',
      "failed for '", "' failed for '", "' (callid: ", ') - ', ' - ', 'Failed to authenticate', 'No matching endpoint found',
      'Wrong password', "' (from ", '(from ', ') to extension \'', "' (", "' rejected because extension not found in context '", "'.",
      'IPV4/UDP/', 'IPV6/TCP/', '/5060', ':5060', '[', ']', '<sip:', '@', '>', '\n', '\r', '\r\n', '\u0000', '\x1b[0m', '\x1b]', '\x1b\\',
      ' failed to authenticate as \'', 'Host ', ' at ', 'SecurityEvent="', 'Event: ', 'RemoteAddress: ', ': ',
    ),
  },
  { weight: 2, arbitrary: anyIp },
  { weight: 2, arbitrary: hostPort },
  { weight: 2, arbitrary: secAddr },
  { weight: 1, arbitrary: fc.tuple(secAddr, secAddr).map(([l, r]) => `",LocalAddress="${l}",RemoteAddress="${r}`) },
  { weight: 1, arbitrary: hostPort.map((a) => `' failed for '${a}' (callid: `) },
  { weight: 1, arbitrary: hostPort.map((a) => `' failed for '${a}' - Wrong password`) },
  { weight: 1, arbitrary: hostPort.map((a) => `' (${a}) to extension '`) },
  { weight: 1, arbitrary: anyIp.map((a) => `' (from ${a})`) },
);
/** Attacker-controlled text: any mix of fragments. */
const attacker = fc.array(fragment, { maxLength: 12 }).map((a) => a.join(''));
/** Attacker text as one log line carries it: the log ends the line at a newline. */
const oneLine = attacker.map((s) => s.replace(/\n/g, ' '));

function located(ev: SecurityEvent | null): string | null {
  return ev && ev.kind !== 'injection_suspected' ? ev.ip : null;
}

// ----------------------------------------------------------------------------- (a) never throws

describe('(a) any text never makes the parsers throw', () => {
  const prefixes = [
    '', '[Nov 24 18:05:31] ', '[Nov 24 18:05:31] NOTICE[1] ', '[Nov 24 18:05:31] SECURITY[1] res_security_log.c: ',
    '[Nov 24 18:05:31] NOTICE[1] res_pjsip/pjsip_distributor.c: ', '[Nov 24 18:05:31] NOTICE[1] chan_sip.c: ',
    '[Nov 24 18:05:31] NOTICE[1] manager.c: ', '[Nov 24 18:05:31] NOTICE[1] chan_iax2.c: ', '[Nov 24 18:05:31] VERBOSE[1] manager.c: ',
    '[Nov 24 18:05:31] NOTICE[1] res_pjsip_session.c:  ', 'Nov 24 18:05:31 pbx asterisk[1]: NOTICE[2]: chan_sip.c:1 in f: ',
    '[2026-11-24 18:10:02.123] NOTICE[1][C-00000001] chan_sip.c: ', '{"logmsg":', '2026-11-24T18:05:31+00:00 h a[1]: SECURITY[1]: res_security_log.c:1 in f: ',
    "[Nov 24 18:05:31] NOTICE[1] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '",
    '[Nov 24 18:05:31] SECURITY[1] res_security_log.c: SecurityEvent="InvalidPassword",EventTV="2026-11-24T18:05:31.765+0000",Severity="Error",Service="SIP",EventVersion="2",AccountID="',
  ];

  it('parseLine and parseAmiFrame on fragment soup behind every prefix', () => {
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), attacker, (prefix, text) => {
        const ev = parseLine(prefix + text, ctx);
        if (ev && ev.kind !== 'injection_suspected') expect(parseIp(ev.ip)).toBe(ev.ip);
        parseAmiFrame(text, ctx);
        parseAmiFrame(`Event: InvalidPassword\r\nService: SIP\r\n${text}`, ctx);
      }),
      { numRuns: 2000 },
    );
  });

  it('JSON lines with arbitrary values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), attacker, (v, text) => {
        parseLine(JSON.stringify(v), ctx);
        parseLine(JSON.stringify({ timestamp: text, logmsg: { level: 'NOTICE', location: { filename: 'chan_sip.c' }, message: text } }), ctx);
      }),
      RUNS,
    );
  });
});

// ----------------------------------------------------------------------------- (b) security lines

/** Fields after RemoteAddress as Asterisk writes them; attacker text only inside SIP quoted-strings. */
const quotedContent = fc
  .array(fc.oneof(fc.string({ maxLength: 8 }).map((s) => s.replace(/["\\]/g, '')), fc.constantFrom('\\"', '\\\\', ',RemoteAddress=', ',LocalAddress=', ' RemoteAddress=\\"IPV4/UDP/6.6.6.6/5060\\"', ',', '=', '\\",RemoteAddress=\\"IPV4/UDP/6.6.6.6/5060\\"'), secAddr), { maxLength: 6 })
  .map((a) => a.join(''))
  // A backslash must not end the content: it would escape Asterisk's closing quote in SIP.
  .map((s) => (s.endsWith('\\') && !s.endsWith('\\\\') ? `${s}x` : s));

const SAFE_TYPES = fc.constantFrom(
  ['ChallengeResponseFailed', (q: string[]) => `,Challenge="1795543605/abcc",Response="${q[0]}",ExpectedResponse="${q[1]}"`],
  ['InvalidPassword', (q: string[]) => `,Challenge="5c9f0e35",ReceivedChallenge="${q[0]}",ReceivedHash="${q[1]}"`],
  ['InvalidAccountID', () => ''],
  ['ChallengeSent', () => ',Challenge=""'],
  ['SuccessfulAuth', () => ',UsingPassword="1"'],
  ['FailedACL', () => ',ACLName="not_match_endpoint_acl"'],
  ['InvalidAccountID', () => ',Module="res_pjsip",SessionTV="2026-11-24T18:05:31.765+0000"'],
  ['UnexpectedAddress', () => ',ExpectedAddress="IPV4/UDP/192.0.2.1/5060"'],
) as fc.Arbitrary<[string, (q: string[]) => string]>;

function securityLine(type: string, account: string, session: string, remote: string, tail: string): string {
  return `[Nov 24 18:05:31] SECURITY[16648] res_security_log.c: SecurityEvent="${type}",EventTV="2026-11-24T18:05:31.765+0000",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="${account}",SessionID="${session}",LocalAddress="IPV4/UDP/10.0.0.1/5060",RemoteAddress="${remote}"${tail}`;
}

describe('(b) security lines: the address is the real one, whatever AccountID, SessionID and the tail hold', () => {
  it('log line', () => {
    fc.assert(
      fc.property(SAFE_TYPES, oneLine, oneLine, anyIp, port, transport, quotedContent, quotedContent, ([type, tail], a, s, real, p, t, q0, q1) => {
        const line = securityLine(type, a, s, `${family(real)}/${t}/${real}/${p}`, tail([q0, q1]));
        const ev = parseLine(line, ctx);
        expect(ev?.kind, line).not.toBe('injection_suspected');
        expect(located(ev), line).toBe(canon(real));
        if (ev && ev.kind !== 'injection_suspected') expect(ev.port).toBe(p);
      }),
      { numRuns: 2000 },
    );
  });

  it('AMI frame (AccountID/SessionID may even hold whole header lines)', () => {
    fc.assert(
      fc.property(SAFE_TYPES, attacker, attacker, anyIp, port, ([type], a, s, real, p) => {
        const frame = [
          `Event: ${type}`, 'Privilege: security,all', 'EventTV: 2026-11-24T18:05:31.765+0000', 'Severity: Error', 'Service: PJSIP',
          'EventVersion: 1', `AccountID: ${a}`, `SessionID: ${s}`, 'LocalAddress: IPV4/UDP/10.0.0.1/5060',
          `RemoteAddress: ${family(real)}/UDP/${real}/${p}`, 'Challenge: x',
        ].join('\r\n');
        const ev = parseAmiFrame(frame, ctx);
        // A frame cut by an injected blank line is a different frame; the rest must still hold.
        if (a.includes('\r\n\r\n') || s.includes('\r\n\r\n')) return;
        expect(located(ev)).toBe(canon(real));
      }),
      RUNS,
    );
  });

  it('types with raw attacker text after the address: the real one, or ambiguous with the real one among the candidates', () => {
    const rawType = fc.constantFrom('RequestNotAllowed', 'RequestNotSupported', 'RequestBadFormat');
    fc.assert(
      fc.property(rawType, oneLine, oneLine, oneLine, anyIp, port, (type, a, s, raw, real, p) => {
        const line = securityLine(type, a, s, `${family(real)}/TCP/${real}/${p}`, `,RequestType="${raw}",RequestParams="${raw}"`);
        const ev = parseLine(line, ctx);
        if (ev?.kind === 'injection_suspected') expect(ev.candidates, line).toContain(canon(real));
        else expect(located(ev), line).toBe(canon(real));
      }),
      RUNS,
    );
  });

  it('every prefix of a line with decoys in AccountID never gives a decoy', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 6 }), secAddr.map((x) => `",RemoteAddress="${x}`)), { maxLength: 4 }), anyIp, (parts, real) => {
        const line = securityLine('ChallengeResponseFailed', parts.join(''), 'c', `${family(real)}/UDP/${real}/5060`, ',Challenge="c",Response="r",ExpectedResponse=""');
        for (let n = 0; n <= line.length; n += 1) {
          const got = located(parseLine(line.slice(0, n), ctx));
          if (got !== null) expect(got, line.slice(0, n)).toBe(canon(real));
        }
      }),
      { numRuns: 200 },
    );
  });
});

// ----------------------------------------------------------------------------- (c) NOTICE lines

describe('(c) NOTICE lines: the real address, or injection_suspected with the real one among the candidates', () => {
  const reason = fc.constantFrom('No matching endpoint found', 'Failed to authenticate', 'Not match Endpoint ACL', 'No matching endpoint found after 3 tries in 12.500 ms');

  it('PJSIP log_failed_request with arbitrary display name and Call-ID', () => {
    fc.assert(
      fc.property(oneLine, oneLine, oneLine, anyIp, port, reason, (display, user, callid, real, p, r) => {
        const slot = real.includes(':') ? `[${real}]:${p}` : `${real}:${p}`;
        const line = `[Nov 24 18:05:31] NOTICE[16613] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '"${display}" <sip:${user}@192.0.2.2>' failed for '${slot}' (callid: ${callid}) - ${r}`;
        const ev = parseLine(line, ctx);
        if (ev?.kind === 'injection_suspected') {
          expect(ev.candidates, line).toContain(canon(real));
        } else {
          expect(ev, line).not.toBeNull();
          expect(located(ev), line).toBe(canon(real));
          expect(ev!.port).toBe(p);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('chan_sip, manager, IAX2 and call-rejected lines with arbitrary names', () => {
    const line = fc.tuple(oneLine, anyIp, port, fc.integer({ min: 0, max: 7 })).map(([t, real, p, which]) => {
      const hp = real.includes(':') ? `[${real}]:${p}` : `${real}:${p}`;
      const lines = [
        `[Nov 24 18:08:20] NOTICE[16641] chan_sip.c: Registration from '${t}' failed for '${hp}' - Wrong password`,
        `[Nov 24 18:08:40] NOTICE[18072] manager.c: ${real} failed to authenticate as '${t}'`,
        `[Nov 24 18:08:46] NOTICE[18799] manager.c: ${real} tried to authenticate with nonexistent user '${t}'`,
        `[Nov 24 18:08:52] VERBOSE[19388] manager.c: Manager '${t}' logged on from ${real}`,
        `[Nov 24 18:08:57] NOTICE[16632] chan_iax2.c: Host ${real} failed MD5 authentication for '${t}' (a != b)`,
        `[Nov 24 18:09:00] NOTICE[16638] chan_iax2.c: No registration for peer '${t}' (from ${real})`,
        `[Nov 24 18:09:02] VERBOSE[16636] chan_iax2.c: Registered IAX2 '${t}' (AUTHENTICATED) at ${hp}`,
        `[Nov 24 18:07:02] NOTICE[16613] res_pjsip_session.c:  ${t.replace(/: Call \(/g, '')}: Call (UDP:${real}:${p}) to extension '${t}' rejected because extension not found in context 'from-internal'.`,
      ];
      return [lines[which]!, real] as const;
    });
    fc.assert(
      fc.property(line, ([l, real]) => {
        const ev = parseLine(l, ctx);
        if (ev?.kind === 'injection_suspected') expect(ev.candidates, l).toContain(canon(real));
        else if (ev !== null) expect(located(ev), l).toBe(canon(real));
      }),
      { numRuns: 2000 },
    );
  });

  it('end- and start-anchored lines always find the real address', () => {
    fc.assert(
      fc.property(oneLine, anyIp, port, (t, real, p) => {
        const hp = real.includes(':') ? `[${real}]:${p}` : `${real}:${p}`;
        const chansip = parseLine(`[Nov 24 18:08:20] NOTICE[16641] chan_sip.c: Registration from '${t}' failed for '${hp}' - Wrong password`, ctx);
        expect(located(chansip)).toBe(canon(real));
        const mgr = parseLine(`[Nov 24 18:08:40] NOTICE[18072] manager.c: ${real} failed to authenticate as '${t}'`, ctx);
        expect(located(mgr)).toBe(canon(real));
        const iax = parseLine(`[Nov 24 18:09:00] NOTICE[16638] chan_iax2.c: No registration for peer '${t}' (from ${real})`, ctx);
        expect(located(iax)).toBe(canon(real));
      }),
      { numRuns: 2000 },
    );
  });
});

// ----------------------------------------------------------------------------- (d) only structured slots

describe('(d) an event\'s address always sits in a structured slot of its input', () => {
  /** Addresses that do not occur anywhere in the attacker alphabet, so "came from attacker text" is decidable. */
  const real = fc.tuple(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 1, max: 254 })).map(([a, b]) => `100.64.${a}.${b}`);
  const attackerNo100 = attacker.map((s) => s.replace(/100\.64/g, '1.1'));

  const inputs = fc.tuple(attackerNo100, attackerNo100, real, fc.integer({ min: 0, max: 5 })).map(([x, y, ip, which]) => {
    const oneX = x.replace(/\n/g, ' ');
    const oneY = y.replace(/\n/g, ' ');
    const all = [
      { kind: 'line', text: securityLine('InvalidPassword', oneX, oneY, `IPV4/UDP/${ip}/5060`, ',Challenge="c"') },
      { kind: 'line', text: `[Nov 24 18:05:31] NOTICE[16613] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '${oneX}' failed for '${ip}:5060' (callid: ${oneY}) - Failed to authenticate` },
      { kind: 'line', text: `[Nov 24 18:08:20] NOTICE[16641] chan_sip.c: Registration from '${oneX}' failed for '${ip}:5060' - Wrong password` },
      { kind: 'line', text: `[Nov 24 18:08:38] NOTICE[16641] chan_sip.c: Call from '${oneX}' (${ip}:5063) to extension '${oneY}' rejected because extension not found in context 'c'.` },
      { kind: 'line', text: securityLine('RequestNotAllowed', oneX, oneY, `IPV4/TCP/${ip}/5038`, `,RequestType="${oneX}"`) },
      { kind: 'frame', text: `Event: InvalidAccountID\r\nEventTV: 2026-11-24T18:05:31.765+0000\r\nService: PJSIP\r\nAccountID: ${x}\r\nSessionID: ${y}\r\nLocalAddress: IPV4/UDP/10.0.0.1/5060\r\nRemoteAddress: IPV4/UDP/${ip}/5060` },
    ];
    return { ...all[which]!, ip };
  });

  it('a located event has the slot\'s address; an ambiguous one lists it', () => {
    fc.assert(
      fc.property(inputs, ({ kind, text, ip }) => {
        if (kind === 'frame' && text.split('\r\n\r\n').length > 1) return;
        const ev = kind === 'line' ? parseLine(text, ctx) : parseAmiFrame(text, ctx);
        if (ev === null) return;
        if (ev.kind === 'injection_suspected') {
          expect(ev.candidates).toContain(ip);
          return;
        }
        expect(ev.ip, text).toBe(ip);
      }),
      { numRuns: 2000 },
    );
  });

  it('text with no structured slot at all never yields an address', () => {
    fc.assert(
      fc.property(attackerNo100, real, (x, ip) => {
        // The address only appears inside attacker text: user names, display names, Call-IDs.
        const lines = [
          `[Nov 24 18:08:20] NOTICE[16641] chan_sip.c: Failed to authenticate device <sip:100@${ip}>;tag=${x}`,
          `[Nov 24 18:08:20] NOTICE[16641] chan_sip.c: Sending fake auth rejection for device ${x}<sip:100@${ip}>;tag=1`,
          `[Nov 24 18:05:31] VERBOSE[16613] res_pjsip/pjsip_configuration.c: Endpoint ${x} ${ip} is now Reachable`,
        ];
        for (const l of lines) {
          const ev = parseLine(l.replace(/\n/g, ' '), ctx);
          if (ev && ev.kind !== 'injection_suspected') expect(ev.ip).not.toBe(ip);
        }
      }),
      RUNS,
    );
  });
});

// ----------------------------------------------------------------------------- (e) older and field formats

describe('(e) older and field formats: the real address, or injection_suspected with it among the candidates', () => {
  const endpointId = fc.constantFrom('anonymous', '100', 'trunk-itsp', 'PJSIP/anonymous-0000002a');
  const hp = (real: string, p: number) => (real.includes(':') ? `[${real}]:${p}` : `${real}:${p}`);

  it('PJSIP without a method (13.x before 13.10), src_name:src_port with IPv6 unbracketed, arbitrary From and Call-ID', () => {
    fc.assert(
      fc.property(oneLine, oneLine, anyIp, port, (from, callid, real, p) => {
        const line = `[2026-05-23 10:18:16] NOTICE[19388] res_pjsip/pjsip_distributor.c: Request from '${from}' failed for '${real}:${p}' (callid: ${callid}) - No matching endpoint found`;
        const ev = parseLine(line, ctx);
        if (ev?.kind === 'injection_suspected') expect(ev.candidates, line).toContain(canon(real));
        else expect(located(ev), line).toBe(canon(real));
      }),
      { numRuns: 2000 },
    );
  });

  it('PJSIP calls to missing numbers, both formats, arbitrary dialled number: always the slot\'s address', () => {
    fc.assert(
      fc.property(endpointId, oneLine, anyIp, port, fc.boolean(), (id, ext, real, p, old) => {
        const slot = `${real.includes(':') ? 'UDP6' : 'UDP'}:${hp(real, p)}`;
        const msg = old
          ? `Call from '${id}' (${slot}) to extension '${ext}' rejected because extension not found in context 'default'.`
          : ` ${id}: Call (${slot}) to extension '${ext}' rejected because extension not found in context 'default'.`;
        const ev = parseLine(`[Jan 18 17:39:50] NOTICE[12049] res_pjsip_session.c: ${msg}`, ctx);
        expect(ev?.kind, msg).toBe('auth_failed');
        expect(located(ev), msg).toBe(canon(real));
        // Framing removes colour codes from the whole message, the dialled number included.
        if (ev?.kind === 'auth_failed') expect(ev.extension).toBe(stripAnsi(ext));
      }),
      { numRuns: 2000 },
    );
  });

  it('every wrapper of a chan_sip failure (syslog, journal without a date, console date, NOTICE [lwp]) keeps the slot\'s address', () => {
    const wrap = fc.constantFrom(
      (m: string) => `NOTICE[566]: chan_sip.c:28926 handle_request_register: ${m}`,
      (m: string) => `Mar 27 10:06:15 pbx asterisk[123]: [Mar 27 10:06:14] NOTICE[566]: chan_sip.c:28926 handle_request_register: ${m}`,
      (m: string) => `Mar 27 10:06:15.123456 pbx asterisk[123]: NOTICE[566]: chan_sip.c:28926 in handle_request_register: ${m}`,
      (m: string) => `[2026-06-09 00:01:02] NOTICE [22382] chan_sip.c: ${m}`,
    );
    fc.assert(
      fc.property(wrap, oneLine, anyIp, port, (w, to, real, p) => {
        const line = w(`Registration from '${to}' failed for '${hp(real, p)}' - Wrong password`);
        expect(located(parseLine(line, ctx)), line).toBe(canon(real));
      }),
      { numRuns: 1000 },
    );
  });
});
