/** The simulator's pure parts: digest, nonces, URIs, message parsing, responses, dates, CLI args. */
import { describe, expect, it } from 'vitest';
import { parseHostPort, parsePairs } from './cli-args.js';
import { NonceBook, digestResponse, parseAuthorization, verifyDigest, wwwAuthenticate } from './sip-digest.js';
import { parseSipRequest, parseVia } from './sip-message.js';
import { buildResponse } from './sip-response.js';
import { escapeUser, parseNameAddr, printNameAddr } from './sip-uri.js';
import { eventTv, httpDate, logDate } from './time-format.js';

describe('digest', () => {
  it('computes the RFC 2617 §3.5 example response', () => {
    expect(digestResponse({
      username: 'Mufasa', realm: 'testrealm@host.com', password: 'Circle Of Life', method: 'GET', uri: '/dir/index.html',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', qop: 'auth', nc: '00000001', cnonce: '0a4f113b',
    })).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('parses quoted, escaped and bare parameters, and rejects junk', () => {
    const a = parseAuthorization('Digest username="a\\"b", realm="asterisk",nc=00000001 ,qop=auth');
    expect(a?.scheme).toBe('Digest');
    expect([...(a?.params ?? [])]).toEqual([['username', 'a"b'], ['realm', 'asterisk'], ['nc', '00000001'], ['qop', 'auth']]);
    expect(parseAuthorization('Digest username="open')).toBeNull();
    expect(parseAuthorization('Digest')).toBeNull();
  });

  it('keeps nonces bound to address and realm, stale after 32 s', () => {
    const book = new NonceBook('eid');
    const t = Date.UTC(2026, 10, 24, 18, 5, 31, 757);
    const n = book.issue('127.0.0.1', 'asterisk', t);
    expect(n).toMatch(/^1795543531\/[0-9a-f]{32}$/);
    expect(book.isFresh(n, '127.0.0.1', 'asterisk', t + 32_000)).toBe(true);
    expect(book.isFresh(n, '127.0.0.1', 'asterisk', t + 33_000)).toBe(false);
    expect(book.isFresh(n, '127.0.0.2', 'asterisk', t)).toBe(false);
    expect(book.isFresh(n, '127.0.0.1', 'other', t)).toBe(false);
  });

  it('gives the verdicts of res_pjsip_authenticator_digest', () => {
    const nonces = new NonceBook('eid');
    const now = 1_800_000_000_000;
    const nonce = nonces.issue('10.0.0.1', 'asterisk', now);
    const ctx = { realm: 'asterisk', account: { username: '100', password: 'pw' }, method: 'REGISTER', ip: '10.0.0.1', nowMs: now, nonces };
    const cred = (o: { password?: string; realm?: string; username?: string; nonce?: string }): ReturnType<typeof parseAuthorization> => {
      const p = { username: o.username ?? '100', realm: o.realm ?? 'asterisk', password: o.password ?? 'pw', nonce: o.nonce ?? nonce };
      const response = digestResponse({ ...p, method: 'REGISTER', uri: 'sip:x', qop: 'auth', nc: '00000001', cnonce: 'c' });
      return parseAuthorization(`Digest username="${p.username}",realm="${p.realm}",nonce="${p.nonce}",uri="sip:x",response="${response}",qop=auth,nc=00000001,cnonce="c"`);
    };
    const check = (c: ReturnType<typeof parseAuthorization>, over = {}): string => verifyDigest([c!], { ...ctx, ...over });
    expect(verifyDigest([], ctx)).toBe('noauth');
    expect(check(cred({}))).toBe('success');
    expect(check(cred({ password: 'no' }))).toBe('fail');
    expect(check(cred({ realm: 'elsewhere' }))).toBe('fail');
    expect(check(cred({ username: '101' }))).toBe('fail');
    expect(check(cred({ nonce: '1/abc' }))).toBe('stale');
    expect(check(cred({}), { account: null })).toBe('fail');
  });

  it('shapes the challenge like tool-output/S02.out', () => {
    expect(wwwAuthenticate('asterisk', '1/h', 'o', false)).toBe('Digest realm="asterisk",nonce="1/h",opaque="o",algorithm=MD5,qop="auth"');
  });
});

describe('From/To values', () => {
  it('prints what pjsip prints', () => {
    const cases: Array<[string, string, string | null]> = [
      ['"90" <sip:90@127.0.0.1>;tag=39', '"90" <sip:90@127.0.0.1>', '90'],
      ['<sip:102@127.0.0.1>;tag=1', '<sip:102@127.0.0.1>', '102'],
      ['Bob Smith <sip:bob@h:5070;transport=udp>', 'Bob Smith <sip:bob@h:5070;transport=udp>', 'bob'],
      ['sip:100@h;tag=x', '<sip:100@h>', '100'],
      ['SIP:a%41b@h', '<sip:aAb@h>', 'aAb'],
      ['<sip:h>', '<sip:h>', null],
      ['<tel:+123>', '<tel:+123>', null],
    ];
    for (const [value, printed, user] of cases) {
      const n = parseNameAddr(value);
      expect(n && printNameAddr(n), value).toBe(printed);
      expect(n?.user, value).toBe(user);
    }
  });

  it('rejects what pjsip cannot parse', () => {
    for (const v of ['"open <sip:a@h>', 'Name: x <sip:a@h>', '<sip:a"b@h>', '<sip:a%zzb@h>', '<sip:a@h', '<sip:@>', '']) {
      expect(parseNameAddr(v), v).toBeNull();
    }
  });

  it('escapes with lower-case hex', () => {
    expect(escapeUser('a"b c\n')).toBe('a%22b%20c%0a');
  });
});

describe('SIP messages', () => {
  it('expands compact headers, unfolds continuation lines, accepts bare LF', () => {
    const r = parseSipRequest('OPTIONS sip:x SIP/2.0\nv: SIP/2.0/UDP h;branch=b\ni: c1\nf: <sip:a@h>\n ;tag=1\nt: <sip:b@h>\nCSeq: 1 OPTIONS\n\n');
    expect(r.ok && r.request.headers).toEqual([
      ['via', 'SIP/2.0/UDP h;branch=b'], ['call-id', 'c1'], ['from', '<sip:a@h> ;tag=1'], ['to', '<sip:b@h>'], ['cseq', '1 OPTIONS'],
    ]);
    expect(parseSipRequest('SIP/2.0 200 OK\r\n\r\n')).toEqual({ ok: false, reason: 'response' });
    expect(parseSipRequest('BAD LINE\r\n\r\n')).toEqual({ ok: false, reason: 'bad-start-line' });
    expect(parseSipRequest('X sip:a SIP/2.0\r\nno colon\r\n\r\n')).toEqual({ ok: false, reason: 'bad-header' });
  });

  it('rewrites the top Via as pjsip does and tags the To with the branch', () => {
    const text = 'REGISTER sip:h SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4:5091;branch=z9hG4bK-1;rport;foo=bar, SIP/2.0/UDP p:5060;branch=x\r\n'
      + 'From: "1" <sip:1@h>;tag=f\r\nTo: "1" <sip:1@h>\r\nCall-ID: c\r\nCSeq: 7 REGISTER\r\n\r\n';
    const r = parseSipRequest(text);
    if (!r.ok) throw new Error('parse');
    const out = buildResponse(r.request, 401, 'Unauthorized', [['WWW-Authenticate', 'W']], { remoteIp: '5.6.7.8', remotePort: 4000, userAgent: 'UA' }, 'z9hG4bK-1');
    expect(out).toBe('SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP 1.2.3.4:5091;rport=4000;received=5.6.7.8;branch=z9hG4bK-1;foo=bar\r\n'
      + 'Via: SIP/2.0/UDP p:5060;branch=x\r\nCall-ID: c\r\nFrom: "1" <sip:1@h>;tag=f\r\nTo: "1" <sip:1@h>;tag=z9hG4bK-1\r\n'
      + 'CSeq: 7 REGISTER\r\nWWW-Authenticate: W\r\nServer: UA\r\nContent-Length:  0\r\n\r\n');
    expect(parseVia('nonsense')).toBeNull();
  });
});

describe('dates', () => {
  it('formats like Asterisk (TZ=UTC in tests)', () => {
    const t = Date.UTC(2026, 10, 4, 18, 5, 31, 7);
    expect(logDate(t, 'default')).toBe('Nov  4 18:05:31');
    expect(logDate(t, 'iso')).toBe('2026-11-04 18:05:31');
    expect(eventTv(t)).toBe('2026-11-04T18:05:31.007+0000');
    expect(eventTv(0)).toBe('1970-01-01T00:00:00.000+0000');
    expect(httpDate(t)).toBe('Wed, 04 Nov 2026 18:05:31 GMT');
  });
});

describe('CLI arguments', () => {
  it('reads host:port, [v6]:port and name:secret lists', () => {
    expect(parseHostPort('127.0.0.1:5060')).toEqual({ host: '127.0.0.1', port: 5060 });
    expect(parseHostPort('[::1]:5061')).toEqual({ host: '::1', port: 5061 });
    expect(() => parseHostPort('::1:5060')).toThrow(/HOST:PORT/);
    expect(parsePairs('100:a:b,101:c', 'accounts')).toEqual([{ name: '100', secret: 'a:b' }, { name: '101', secret: 'c' }]);
    expect(() => parsePairs('nosecret', 'accounts')).toThrow(/NAME:SECRET/);
  });
});
