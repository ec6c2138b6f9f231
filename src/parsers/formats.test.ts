/**
 * The real fixture lines re-wrapped the ways they reach sipwarden in the field must
 * give the same event: syslog (BSD and RFC 3339 prefixes), ANSI colours, the old file
 * format, call ids, ISO dates with milliseconds, Asterisk's [json] formatter. Then the
 * address forms (IPv6, IPv4-mapped, every transport), all 15 Asterisk security event
 * types, and year inference for dates without a year.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SYNTHETIC_SAMPLES } from '../../test/samples/synthetic.samples.js';
import { FIXTURE_DIR, readAnnotated, REF_TIME, type FixtureFile } from '../../test/support/samples.js';
import type { SecurityEvent } from '../domain/events.js';
import { parseAmiFrame, parseLine } from './index.js';

const ctx = (refTime = REF_TIME) => ({ source: 'test', line: 1, refTime });

function readLines(file: string): string[] {
  return readFileSync(new URL(file, FIXTURE_DIR), 'utf8').split('\n');
}

/** One real line per distinct expectation shape (signature, kind, reason, service, module). */
function representativeLines(): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const files: FixtureFile[] = ['messages.log', 'full.log', 'security.log', 'iso-dateformat/messages.log', 'iso-dateformat/security.log'];
  for (const file of files) {
    const lines = readLines(file);
    for (const [n, e] of readAnnotated(file).expected) {
      const key = `${file.startsWith('iso') ? 'iso' : 'bsd'}|${e.signature}|${e.kind}|${e.reason ?? ''}|${e.service}|${e.account.startsWith('sip:')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(lines[n - 1]!);
    }
  }
  return [...out, ...SYNTHETIC_SAMPLES.map((s) => s.line)];
}

interface Parts {
  readonly date: string;
  readonly level: string;
  readonly lwp: string;
  readonly callid: string;
  readonly module: string;
  readonly message: string;
}

/** Splits an Asterisk file-format line: `[date] LEVEL[lwp][C-x] module: message`. */
function split(line: string): Parts {
  const m = /^\[([^\]]+)\] ([A-Z]+)\[(\d+)\](\[C-[0-9a-f]+\])? ([^ :]+): (.*)$/.exec(line);
  if (!m) throw new Error(`not a file-format line: ${line}`);
  return { date: m[1]!, level: m[2]!, lwp: m[3]!, callid: m[4] ?? '', module: m[5]!, message: m[6]! };
}

const FUNCTIONS: Record<string, [number, string]> = {
  'res_pjsip/pjsip_distributor.c': [676, 'log_failed_request'],
  'res_pjsip_session.c': [4046, 'new_invite'],
  'chan_sip.c': [24523, 'handle_request_register'],
  'manager.c': [3450, 'authenticate'],
  'chan_iax2.c': [8421, 'register_verify'],
  'res_security_log.c': [101, 'security_event_stasis_cb'],
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The line's own time (UTC under TZ=UTC) as a Date. */
function lineDate(p: Parts): Date {
  const iso = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$/.exec(p.date);
  if (iso) return new Date(`${p.date.replace(' ', 'T')}Z`);
  const bsd = /^([A-Z][a-z]{2}) +(\d+) (\d\d:\d\d:\d\d)$/.exec(p.date)!;
  return new Date(`2026-${String(MONTHS.indexOf(bsd[1]!) + 1).padStart(2, '0')}-${bsd[2]!.padStart(2, '0')}T${bsd[3]}Z`);
}

function bsdDate(d: Date): string {
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${MONTHS[d.getUTCMonth()]} ${day} ${d.toISOString().slice(11, 19)}`;
}

function fnOf(module: string): [number, string] {
  return FUNCTIONS[module] ?? [1, 'fn'];
}

interface Wrapper {
  readonly name: string;
  readonly wrap: (p: Parts) => string;
  /** Extra milliseconds the wrapper adds to the line's time. */
  readonly addMs?: number;
  /** The wrapper carries no date: the line takes the reference time. */
  readonly noDate?: boolean;
}

const WRAPPERS: readonly Wrapper[] = [
  { name: 'as captured', wrap: (p) => `[${p.date}] ${p.level}[${p.lwp}]${p.callid} ${p.module}: ${p.message}` },
  {
    name: 'syslog (BSD date, LEVEL[lwp]: file:line in function:)',
    wrap: (p) => {
      const [n, fn] = fnOf(p.module);
      return `${bsdDate(lineDate(p))} pbx asterisk[16583]: ${p.level}[${p.lwp}]${p.callid}: ${p.module}:${n} in ${fn}: ${p.message}`;
    },
  },
  {
    name: 'syslog with a call id',
    wrap: (p) => {
      const [n, fn] = fnOf(p.module);
      return `${bsdDate(lineDate(p))} pbx asterisk[16583]: ${p.level}[${p.lwp}][C-00000003]: ${p.module}:${n} in ${fn}: ${p.message}`;
    },
  },
  {
    name: 'rsyslog / journald RFC 3339 prefix',
    wrap: (p) => {
      const [n, fn] = fnOf(p.module);
      return `${lineDate(p).toISOString().slice(0, 19)}.123456+00:00 pbx asterisk[16583]: ${p.level}[${p.lwp}]${p.callid}: ${p.module}:${n} in ${fn}: ${p.message}`;
    },
    addMs: 123,
  },
  {
    name: 'journalctl -o short-iso (+0000)',
    wrap: (p) => {
      const [n, fn] = fnOf(p.module);
      return `${lineDate(p).toISOString().slice(0, 19)}+0000 pbx asterisk[16583]: ${p.level}[${p.lwp}]: ${p.module}:${n} in ${fn}: ${p.message}`;
    },
  },
  {
    name: 'ANSI colours around level and file (file format)',
    wrap: (p) => `[${p.date}] \x1b[1;33m${p.level}\x1b[0m[${p.lwp}]${p.callid} \x1b[1;37m${p.module}\x1b[0m: ${p.message}`,
  },
  {
    name: 'ANSI colours, console format with line and function',
    wrap: (p) => {
      const [n, fn] = fnOf(p.module);
      return `[${p.date}] \x1b[1;31m${p.level}\x1b[0m[${p.lwp}]${p.callid}: \x1b[1;37m${p.module}\x1b[0m:\x1b[1;37m${n}\x1b[0m \x1b[1;37m${fn}\x1b[0m: ${p.message}`
        .replace(`\x1b[0m \x1b[1;37m${fn}`, `\x1b[0m in \x1b[1;37m${fn}`);
    },
  },
  {
    name: 'old file format [date] LEVEL[lwp]: file:line in function:',
    wrap: (p) => {
      const [n, fn] = fnOf(p.module);
      return `[${p.date}] ${p.level}[${p.lwp}]${p.callid}: ${p.module}:${n} in ${fn}: ${p.message}`;
    },
  },
  { name: '[C-00000003] call id', wrap: (p) => `[${p.date}] ${p.level}[${p.lwp}][C-00000003] ${p.module}: ${p.message}` },
  { name: 'a space between level and lwp (NOTICE [22382])', wrap: (p) => `[${p.date}] ${p.level} [${p.lwp}]${p.callid} ${p.module}: ${p.message}` },
  {
    name: 'journalctl -o short-precise (microseconds on the BSD date)',
    wrap: (p) => {
      const [n, fn] = fnOf(p.module);
      return `${bsdDate(lineDate(p))}.123456 pbx asterisk[16583]: ${p.level}[${p.lwp}]${p.callid}: ${p.module}:${n} in ${fn}: ${p.message}`;
    },
    addMs: 123,
  },
  {
    name: "journald capturing asterisk -f: syslog prefix, then the console's [date] and file:line function:",
    wrap: (p) => {
      const [n, fn] = fnOf(p.module);
      return `${bsdDate(lineDate(p))} pbx asterisk[16583]: [${p.date}] ${p.level}[${p.lwp}]${p.callid}: ${p.module}:${n} ${fn}: ${p.message}`;
    },
  },
  {
    name: 'journalctl -o cat: no date at all',
    wrap: (p) => {
      const [n, fn] = fnOf(p.module);
      return `${p.level}[${p.lwp}]${p.callid}: ${p.module}:${n} in ${fn}: ${p.message}`;
    },
    noDate: true,
  },
  {
    name: 'ISO date with milliseconds',
    wrap: (p) => `[${lineDate(p).toISOString().slice(0, 10)} ${lineDate(p).toISOString().slice(11, 19)}.123] ${p.level}[${p.lwp}]${p.callid} ${p.module}: ${p.message}`,
    addMs: 123,
  },
  {
    name: 'BSD date with %e padding of single-digit days',
    wrap: (p) => `[${bsdDate(lineDate(p))}] ${p.level}[${p.lwp}]${p.callid} ${p.module}: ${p.message}`,
  },
  {
    name: 'Asterisk [json] formatter',
    wrap: (p) => {
      const [n, fn] = fnOf(p.module);
      return JSON.stringify({
        hostname: 'pbx', timestamp: p.date,
        identifiers: { lwp: Number(p.lwp), callid: p.callid.slice(1, -1) },
        logmsg: { location: { filename: p.module, function: fn, line: n }, level: p.level, message: `${p.message}\n` },
      });
    },
  },
  {
    name: 'Asterisk [json] formatter, message without newline, lwp as string',
    wrap: (p) => {
      const [n, fn] = fnOf(p.module);
      return JSON.stringify({
        hostname: 'pbx', timestamp: p.date, identifiers: { lwp: p.lwp, callid: '' },
        logmsg: { location: { filename: p.module, function: fn, line: n }, level: p.level, message: p.message },
      });
    },
  },
];

/** Everything but evidence and time; `session` of AMI NOTICE lines is the lwp, which every wrapper keeps. */
function core(ev: SecurityEvent | null): Record<string, unknown> | null {
  if (!ev) return null;
  const { evidence, at, ...rest } = ev;
  void evidence;
  void at;
  return rest;
}

describe('real lines re-wrapped the ways they occur in the field', () => {
  const lines = representativeLines();

  it('covers every real signature and a good spread of lines', () => {
    expect(lines.length).toBeGreaterThan(25);
  });

  for (const w of WRAPPERS) {
    it(`${w.name}: same event, same time`, () => {
      for (const line of lines) {
        const p = split(line);
        const base = parseLine(line, ctx());
        expect(base, line).not.toBeNull();
        const wrapped = w.wrap(p);
        const ev = parseLine(wrapped, ctx());
        expect(core(ev), wrapped).toEqual(core(base));
        // Security events carry their own EventTV; other lines take the wrapper's date.
        const isSecurity = p.module === 'res_security_log.c';
        const want = isSecurity ? base!.at : w.noDate ? REF_TIME : lineDate(p).getTime() + (w.addMs ?? 0);
        expect(ev!.at, wrapped).toBe(want);
        expect(ev!.evidence.text).toBe(wrapped);
      }
    });
  }

  it('lines that report no authentication stay null under every wrapper', () => {
    const nulls = [
      "[Nov 24 18:08:52] VERBOSE[19388] manager.c: Manager 'sipwarden' logged off from 127.0.0.1",
      "[Nov 24 18:05:20] VERBOSE[16583] chan_iax2.c: Seeding 'iaxuser' at 127.0.0.1:44044 for 60",
      '[Nov 24 18:05:20] VERBOSE[16583] chan_sip.c: SIP Listening on 127.0.0.1:5070',
      '[Nov 24 18:05:20] WARNING[16589] chan_sip.c: chan_sip has no official maintainer and is deprecated.  Migration to',
      '[Nov 24 18:05:20] VERBOSE[16583] res_security_log.c: Security Logging Enabled',
      '[Nov 24 18:05:19] VERBOSE[16613] res_pjsip/pjsip_configuration.c: Endpoint 100 is now Reachable',
      "[Nov 24 18:05:19] NOTICE[16583] indications.c: Setting default indication country to 'us'",
      '[Nov 24 18:05:19] VERBOSE[16583] res_pjsip.c: Local IPv4 address determined to be: 192.0.2.2',
    ];
    for (const line of nulls) {
      for (const w of WRAPPERS) expect(parseLine(w.wrap(split(line)), ctx()), w.name).toBeNull();
    }
  });

  it('a DEBUG or unknown level never reports, even with an auth message', () => {
    const line = "[Nov 24 18:08:20] DEBUG[16641] chan_sip.c: Registration from '<sip:201@127.0.0.1:5070>' failed for '127.0.0.1:5063' - Wrong password";
    expect(parseLine(line, ctx())).toBeNull();
  });
});

// ----------------------------------------------------------------------------- addresses

const SEC = (remote: string, type = 'InvalidAccountID', service = 'PJSIP'): string =>
  `[Nov 24 18:05:31] SECURITY[16648] res_security_log.c: SecurityEvent="${type}",EventTV="2026-11-24T18:05:31.765+0000",Severity="Error",Service="${service}",EventVersion="1",AccountID="90",SessionID="2878244319",LocalAddress="${remote.replace(/\/[^/]+\/\d+$/, '/192.0.2.2/5060').replace('IPV6/', 'IPV4/')}",RemoteAddress="${remote}"`;

describe('addresses and transports', () => {
  it.each([
    ['IPV4/UDP/203.0.113.5/5060', '203.0.113.5', 5060],
    ['IPV4/TCP/203.0.113.5/5061', '203.0.113.5', 5061],
    ['IPV4/TLS/203.0.113.5/5062', '203.0.113.5', 5062],
    ['IPV4/WS/203.0.113.5/8088', '203.0.113.5', 8088],
    ['IPV4/WSS/203.0.113.5/8089', '203.0.113.5', 8089],
    ['IPV6/UDP/2001:db8::1/5060', '2001:db8::1', 5060],
    ['IPV6/TCP/2001:db8::1/5060', '2001:db8::1', 5060],
    ['IPV6/TLS/2001:db8::1/5061', '2001:db8::1', 5061],
    ['IPV6/WS/2001:db8::1/8088', '2001:db8::1', 8088],
    ['IPV6/WSS/2001:db8::1/8089', '2001:db8::1', 8089],
    ['IPV6/UDP/2001:DB8:0:0:0:0:0:1/5060', '2001:db8::1', 5060],
    ['IPV6/UDP/::ffff:203.0.113.5/5060', '203.0.113.5', 5060],
    ['IPV6/TCP/::ffff:203.0.113.5/40000', '203.0.113.5', 40000],
  ])('security line RemoteAddress="%s"', (remote, ip, port) => {
    const ev = parseLine(SEC(remote), ctx());
    expect(ev).toMatchObject({ kind: 'auth_failed', ip, port });
  });

  it.each([
    ['IPV4/UDP/203.0.113.5/5060', '203.0.113.5'],
    ['IPV6/WSS/2001:db8::1/8089', '2001:db8::1'],
    ['IPV6/UDP/::ffff:203.0.113.5/5060', '203.0.113.5'],
  ])('AMI RemoteAddress: %s', (remote, ip) => {
    const frame = [
      'Event: InvalidAccountID', 'Privilege: security,all', 'EventTV: 2026-11-24T18:05:31.765+0000', 'Severity: Error',
      'Service: PJSIP', 'EventVersion: 1', 'AccountID: 90', 'SessionID: 2878244319',
      'LocalAddress: IPV4/UDP/192.0.2.2/5060', `RemoteAddress: ${remote}`,
    ].join('\r\n');
    expect(parseAmiFrame(frame, ctx())).toMatchObject({ kind: 'auth_failed', ip, reason: 'unknown_account' });
  });

  const NOTICE = (slot: string) =>
    `[Nov 24 18:05:31] NOTICE[16613] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '"90" <sip:90@192.0.2.2>' failed for '${slot}' (callid: 2878244319) - No matching endpoint found`;
  it.each([
    ['203.0.113.5:5060', '203.0.113.5', 5060],
    ['[2001:db8::1]:5060', '2001:db8::1', 5060],
    ['[2001:DB8::0:1]:5070', '2001:db8::1', 5070],
    ['[::ffff:203.0.113.5]:5060', '203.0.113.5', 5060],
  ])('PJSIP NOTICE failed for %s', (slot, ip, port) => {
    expect(parseLine(NOTICE(slot), ctx())).toMatchObject({ kind: 'auth_failed', ip, port, account: '90' });
  });

  it.each([
    ['UDP', '203.0.113.5:5061', '203.0.113.5'],
    ['TCP', '203.0.113.5:5061', '203.0.113.5'],
    ['TLS', '203.0.113.5:5061', '203.0.113.5'],
    ['WS', '203.0.113.5:5061', '203.0.113.5'],
    ['WSS', '203.0.113.5:5061', '203.0.113.5'],
    ['UDP6', '2001:db8::1:5061', '2001:db8::1'],
    ['TCP6', '[2001:db8::1]:5061', '2001:db8::1'],
  ])('PJSIP call rejected over %s from %s', (transport, addr, ip) => {
    const line = `[Nov 24 18:07:02] NOTICE[16613] res_pjsip_session.c:  100: Call (${transport}:${addr}) to extension '9011442079460000' rejected because extension not found in context 'from-internal'.`;
    expect(parseLine(line, ctx())).toMatchObject({ kind: 'auth_failed', reason: 'no_extension', ip, port: 5061, account: '100', extension: '9011442079460000' });
  });

  it('chan_sip, manager and IAX2 with IPv6 peers', () => {
    const cases: Array<[string, string, number | null]> = [
      ["[Nov 24 18:08:20] NOTICE[16641] chan_sip.c: Registration from '<sip:201@[2001:db8::5]:5070>' failed for '[2001:db8::66]:5063' - Wrong password", '2001:db8::66', 5063],
      ["[Nov 24 18:08:38] NOTICE[16641][C-00000003] chan_sip.c: Call from '123' ([2001:db8::66]:5063) to extension '900' rejected because extension not found in context 'from-internal'.", '2001:db8::66', 5063],
      ["[Nov 24 18:08:20] VERBOSE[16641] chan_sip.c: Registered SIP '200' at [2001:db8::66]:5094", '2001:db8::66', 5094],
      ["[Nov 24 18:08:40] NOTICE[18072] manager.c: 2001:db8::66 failed to authenticate as 'sipwarden'", '2001:db8::66', null],
      ["[Nov 24 18:08:41] VERBOSE[18072] manager.c: Connect attempt from '2001:db8::66' unable to authenticate", '2001:db8::66', null],
      ["[Nov 24 18:08:52] VERBOSE[19388] manager.c: Manager 'sipwarden' logged on from 2001:db8::66", '2001:db8::66', null],
      ["[Nov 24 18:08:57] NOTICE[16632] chan_iax2.c: Host 2001:db8::66 failed MD5 authentication for 'iaxuser' (b0 != 4c)", '2001:db8::66', null],
      ["[Nov 24 18:09:00] NOTICE[16638] chan_iax2.c: No registration for peer 'nosuchuser' (from 2001:db8::66)", '2001:db8::66', null],
      ["[Nov 24 18:09:02] VERBOSE[16636] chan_iax2.c: Registered IAX2 'iaxuser' (AUTHENTICATED) at [2001:db8::66]:41308", '2001:db8::66', 41308],
      ["[Nov 24 18:09:00] NOTICE[16638] chan_iax2.c: No registration for peer 'nosuchuser' (from ::ffff:203.0.113.5)", '203.0.113.5', null],
    ];
    for (const [line, ip, port] of cases) expect(parseLine(line, ctx()), line).toMatchObject({ ip, port });
  });
});

// ----------------------------------------------------------------------------- all 15 security event types

/**
 * Each type laid out as res_security_log prints it: the required IEs of
 * main/security_events.c in order, then the optional ones that are present.
 */
const TYPES: ReadonlyArray<{ type: string; head?: 'session-first'; tail: string; kind: string; reason?: string; severity: string }> = [
  { type: 'FailedACL', tail: ',ACLName="not_match_endpoint_acl"', kind: 'auth_failed', reason: 'acl_denied', severity: 'Error' },
  { type: 'InvalidAccountID', tail: '', kind: 'auth_failed', reason: 'unknown_account', severity: 'Error' },
  { type: 'SessionLimit', tail: '', kind: 'auth_failed', reason: 'limit', severity: 'Error' },
  { type: 'MemoryLimit', tail: '', kind: 'auth_failed', reason: 'limit', severity: 'Error' },
  { type: 'LoadAverageLimit', tail: '', kind: 'auth_failed', reason: 'limit', severity: 'Error' },
  { type: 'RequestNotSupported', tail: ',RequestType="PUBLISH"', kind: 'auth_failed', reason: 'bad_request', severity: 'Error' },
  { type: 'RequestNotAllowed', tail: ',RequestType="Originate",RequestParams="Channel: PJSIP/100"', kind: 'auth_failed', reason: 'not_allowed', severity: 'Error' },
  { type: 'AuthMethodNotAllowed', tail: ',AuthMethod="plaintext"', kind: 'auth_failed', reason: 'not_allowed', severity: 'Error' },
  { type: 'RequestBadFormat', head: 'session-first', tail: ',RequestType="Login",AccountID="admin",RequestParams=""', kind: 'auth_failed', reason: 'bad_request', severity: 'Error' },
  { type: 'SuccessfulAuth', tail: ',UsingPassword="1"', kind: 'auth_succeeded', severity: 'Informational' },
  { type: 'UnexpectedAddress', tail: ',ExpectedAddress="IPV4/UDP/192.0.2.77/5060"', kind: 'auth_failed', reason: 'not_allowed', severity: 'Error' },
  { type: 'ChallengeResponseFailed', tail: ',Challenge="1795543605/abcc",Response="53a9",ExpectedResponse=""', kind: 'auth_failed', reason: 'wrong_password', severity: 'Error' },
  { type: 'InvalidPassword', tail: ',Challenge="5c9f0e35",ReceivedChallenge="5c9f0e35",ReceivedHash="08f5"', kind: 'auth_failed', reason: 'wrong_password', severity: 'Error' },
  { type: 'ChallengeSent', tail: ',Challenge="5c9f0e35"', kind: 'challenge_sent', severity: 'Informational' },
  { type: 'InvalidTransport', tail: ',AttemptedTransport="TCP"', kind: 'auth_failed', reason: 'not_allowed', severity: 'Error' },
];

describe("Asterisk's 15 security event types", () => {
  it('the table covers every type of ASTERISK_SECURITY_EVENTS', async () => {
    const { ASTERISK_SECURITY_EVENTS } = await import('../domain/events.js');
    expect(TYPES.map((t) => t.type).sort()).toEqual([...ASTERISK_SECURITY_EVENTS].sort());
  });

  it.each(TYPES.map((t) => [t.type, t] as const))('%s as a security log line and as an AMI event', (_n, t) => {
    const account = t.head === 'session-first' ? 'admin' : '100';
    const ids = t.head === 'session-first'
      ? 'SessionID="0x7fa680001720"'
      : 'AccountID="100",SessionID="0x7fa680001720"';
    const line = `[Nov 24 18:08:40] SECURITY[16648] res_security_log.c: SecurityEvent="${t.type}",EventTV="2026-11-24T18:08:40.382+0000",Severity="${t.severity}",Service="AMI",EventVersion="1",${ids},LocalAddress="IPV4/TCP/192.0.2.2/5038",RemoteAddress="IPV4/TCP/203.0.113.9/41190"${t.tail}`;
    const want = {
      kind: t.kind, ...(t.reason ? { reason: t.reason } : {}),
      ip: '203.0.113.9', port: 41190, service: 'AMI', account, session: '0x7fa680001720',
      at: Date.parse('2026-11-24T18:08:40.382Z'),
    };
    expect(parseLine(line, ctx())).toMatchObject({ ...want, signature: 'security-log' });

    const frame = ['Event: ' + t.type, 'Privilege: security,all', 'EventTV: 2026-11-24T18:08:40.382+0000', `Severity: ${t.severity}`,
      'Service: AMI', 'EventVersion: 1',
      ...(t.head === 'session-first' ? [] : ['AccountID: 100']), 'SessionID: 0x7fa680001720',
      'LocalAddress: IPV4/TCP/192.0.2.2/5038', 'RemoteAddress: IPV4/TCP/203.0.113.9/41190',
      ...t.tail.split(/,(?=[A-Za-z]+=")/).filter(Boolean).map((kv) => kv.replace(/^([A-Za-z]+)="(.*)"$/, '$1: $2')),
    ].join('\r\n');
    expect(parseAmiFrame(frame, ctx())).toMatchObject({ ...want, signature: 'ami-event' });
  });

  it('FailedACL no_extension_match (chan_sip, S24) is a dialplan probe, every other ACL name a refused ACL', () => {
    const line = (acl: string) => `[Nov 24 18:08:38] SECURITY[16648] res_security_log.c: SecurityEvent="FailedACL",EventTV="2026-11-24T18:08:38.312+0000",Severity="Error",Service="SIP",EventVersion="1",AccountID="9011442079460002",SessionID="0x7fa69c0224d0",LocalAddress="IPV4/UDP/192.0.2.2/5070",RemoteAddress="IPV4/UDP/203.0.113.9/5063",ACLName="${acl}"`;
    expect(parseLine(line('no_extension_match'), ctx())).toMatchObject({ kind: 'auth_failed', reason: 'no_extension', extension: '9011442079460002' });
    expect(parseLine(line('not_match_endpoint_contact_acl'), ctx())).toMatchObject({ kind: 'auth_failed', reason: 'acl_denied' });
    expect(parseLine(line('no_extension_match').replace(',ACLName="no_extension_match"', ''), ctx())).toMatchObject({ kind: 'auth_failed', reason: 'acl_denied' });
  });

  it('with the optional Module and SessionTV IEs', () => {
    const line = '[Nov 24 18:08:40] SECURITY[16648] res_security_log.c: SecurityEvent="InvalidPassword",EventTV="2026-11-24T18:08:40.382+0000",Severity="Error",Service="AMI",EventVersion="2",AccountID="sipwarden",SessionID="0x7fa680001720",LocalAddress="IPV4/TCP/127.0.0.1/5038",RemoteAddress="IPV4/TCP/203.0.113.9/41190",Module="manager.c",SessionTV="1970-01-01T00:00:00.000+0000"';
    expect(parseLine(line, ctx())).toMatchObject({ kind: 'auth_failed', reason: 'wrong_password', ip: '203.0.113.9', account: 'sipwarden' });
  });
});

// ----------------------------------------------------------------------------- dates

describe('dates without a year', () => {
  const line = (date: string) =>
    `[${date}] NOTICE[18072] manager.c: 203.0.113.9 failed to authenticate as 'sipwarden'`;

  it('[Nov 24 18:05:31] read on 2026-11-25 is 2026-11-24T18:05:31Z (TZ=UTC)', () => {
    expect(new Date(parseLine(line('Nov 24 18:05:31'), ctx())!.at).toISOString()).toBe('2026-11-24T18:05:31.000Z');
  });

  it('a December line read on January 1st belongs to the previous year', () => {
    const ref = Date.UTC(2027, 0, 1, 0, 0, 30);
    expect(new Date(parseLine(line('Dec 31 23:59:59'), ctx(ref))!.at).toISOString()).toBe('2026-12-31T23:59:59.000Z');
  });

  it("[Jan  1 00:00:01] (%e pads with a space) read on January 1st belongs to that year", () => {
    const ref = Date.UTC(2027, 0, 1, 0, 0, 30);
    expect(new Date(parseLine(line('Jan  1 00:00:01'), ctx(ref))!.at).toISOString()).toBe('2027-01-01T00:00:01.000Z');
    // The same in a syslog prefix.
    const sys = "Jan  1 00:00:01 pbx asterisk[1]: NOTICE[18072]: manager.c:3450 in authenticate: 203.0.113.9 failed to authenticate as 'x'";
    expect(new Date(parseLine(sys, ctx(ref))!.at).toISOString()).toBe('2027-01-01T00:00:01.000Z');
  });

  it('a date slightly ahead of the reference (clock skew) stays in the reference year', () => {
    const ref = Date.UTC(2026, 10, 24, 18, 0, 0);
    expect(new Date(parseLine(line('Nov 24 18:05:31'), ctx(ref))!.at).toISOString()).toBe('2026-11-24T18:05:31.000Z');
  });

  it('Feb 29 of a leap year read in early March', () => {
    const ref = Date.UTC(2028, 2, 2);
    expect(new Date(parseLine(line('Feb 29 12:00:00'), ctx(ref))!.at).toISOString()).toBe('2028-02-29T12:00:00.000Z');
  });

  it('a Jan 1 line read just before midnight on Dec 31 (PBX clock ahead) belongs to the next year', () => {
    const ref = Date.UTC(2026, 11, 31, 23, 59, 30);
    expect(new Date(parseLine(line('Jan  1 00:00:01'), ctx(ref))!.at).toISOString()).toBe('2027-01-01T00:00:01.000Z');
  });

  it('Feb 29 read in a common year is the last leap year, not March 1st', () => {
    const ref = Date.UTC(2029, 2, 5);
    expect(new Date(parseLine(line('Feb 29 12:00:00'), ctx(ref))!.at).toISOString()).toBe('2028-02-29T12:00:00.000Z');
  });

  it('a day that does not exist (Nov 31) gets the reference time, not December 1st', () => {
    expect(parseLine(line('Nov 31 18:05:31'), ctx())!.at).toBe(REF_TIME);
  });

  it('ISO dates carry their year; EventTV carries its zone', () => {
    expect(new Date(parseLine(line('2026-11-24 18:10:02'), ctx(Date.UTC(2030, 0, 1)))!.at).toISOString()).toBe('2026-11-24T18:10:02.000Z');
    const sec = SEC('IPV4/UDP/203.0.113.5/5060').replace('2026-11-24T18:05:31.765+0000', '2026-11-24T19:05:31.765+0100');
    expect(new Date(parseLine(sec, ctx())!.at).toISOString()).toBe('2026-11-24T18:05:31.765Z');
  });

  it('a line with an unreadable date gets the reference time', () => {
    expect(parseLine(line('Foo 99 18:05:31'), ctx())!.at).toBe(REF_TIME);
  });
});
