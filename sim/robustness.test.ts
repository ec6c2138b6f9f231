/**
 * Hostile input: the simulator never crashes, drops what pjsip would drop, and writes
 * attacker-chosen text verbatim, exactly where Asterisk would (log injection included).
 * Also TCP, IPv6 and the ISO date format.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPbx, type RunningPbx } from './index.js';
import { UdpSipClient, authorization, challengeOf, parseResponse, sippRequest, svRegister } from './testkit.js';

let dir: string;
let pbx: RunningPbx;
let sip: UdpSipClient;

const read = (name: string): string => fs.readFileSync(path.join(dir, name), 'latin1');
const OPTIONS = (port: number, callId = 'alive-1'): string => `OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-alive\r\n`
  + `From: <sip:100@127.0.0.1>;tag=a\r\nTo: <sip:127.0.0.1>\r\nCall-ID: ${callId}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;

/** Still answering? Retries a few times: a burst may have filled the socket's receive buffer. */
async function alive(): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    sip.send(OPTIONS(sip.port), pbx.sipPort);
    const answer = await sip.next(500);
    if (answer !== null) {
      expect(parseResponse(answer).code).toBe(401);
      return;
    }
  }
  throw new Error('the simulator stopped answering');
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-robust-'));
  pbx = await startPbx({
    sip: [{ host: '127.0.0.1' }, { host: '::1' }],
    accounts: [{ name: '100', secret: 'Tr0ub4dor100' }],
    logs: { messages: path.join(dir, 'messages'), security: path.join(dir, 'security') },
  });
  sip = await UdpSipClient.open();
});

afterAll(async () => {
  sip?.close();
  await pbx?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('hostile SIP input', () => {
  it('survives garbage datagrams without answering or logging them', async () => {
    const before = read('security').length;
    let sent = 0;
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 1500 }), async (bytes) => {
      sip.send(Buffer.from(bytes), pbx.sipPort);
      if (++sent % 25 === 0) await new Promise((r) => setTimeout(r, 5));
    }), { numRuns: 300 });
    const texts = ['', '\r\n\r\n', 'REGISTER', 'REGISTER sip:x SIP/2.0\r\n\r\n', 'SIP/2.0 200 OK\r\n\r\n',
      'INVITE sip:x SIP/2.0\r\nVia: nonsense\r\nCall-ID: 1\r\n\r\n', 'ACK sip:x SIP/2.0\r\n\r\n', '\0\0\0\0'];
    for (const t of texts) sip.send(t, pbx.sipPort);
    await alive();
    expect(await sip.next(100)).toBeNull();
    // Only the OPTIONS probes left a trace: one ChallengeSent each.
    const lines = read('security').slice(before).split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.every((l) => l.includes('SecurityEvent="ChallengeSent"') && l.includes('SessionID="alive-1"'))).toBe(true);
  });

  it('drops a 64 KB datagram', async () => {
    const oversizeBefore = pbx.stats.sipResults.oversize;
    const big = OPTIONS(sip.port).replace('Content-Length: 0', `X-Pad: ${'A'.repeat(64_000)}\r\nContent-Length: 0`);
    sip.send(big, pbx.sipPort);
    expect(await sip.next(200)).toBeNull();
    expect(pbx.stats.sipResults.oversize).toBe(oversizeBefore + 1);
    await alive();
  });

  it('drops a request without Call-ID, and answers a request with a broken From with 400', async () => {
    const before = read('messages').length;
    sip.send(OPTIONS(sip.port).replace(/Call-ID: .*\r\n/, ''), pbx.sipPort);
    expect(await sip.next(150)).toBeNull();
    const badFrom = OPTIONS(sip.port).replace('From: <sip:100@127.0.0.1>;tag=a', 'From: "unterminated <sip:1@x>');
    expect(parseResponse(await sip.request(badFrom, pbx.sipPort)).code).toBe(400);
    const rawQuote = OPTIONS(sip.port).replace('<sip:100@', '<sip:1"00@');
    expect(parseResponse(await sip.request(rawQuote, pbx.sipPort)).code).toBe(400);
    expect(read('messages').length).toBe(before);
  });

  it('writes a hostile display name verbatim into the NOTICE line', async () => {
    const display = `"' failed for '198.51.100.9:5060' (callid: x) - No matching endpoint found"`;
    await sip.request(svRegister({ user: 'nobody', display, callId: 'inj-1', branch: 'z9hG4bK-inj', tag: 't', localPort: sip.port }), pbx.sipPort);
    const line = read('messages').split('\n').find((l) => l.includes('(callid: inj-1)'));
    expect(line).toBe(`${line?.slice(0, line.indexOf(']') + 1)} NOTICE[16613] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from `
      + `'"' failed for '198.51.100.9:5060' (callid: x) - No matching endpoint found" <sip:nobody@127.0.0.1>' `
      + `failed for '127.0.0.1:${sip.port}' (callid: inj-1) - No matching endpoint found`);
  });

  it('unescapes the user into AccountID (cut to 36 bytes) and re-escapes it in the NOTICE', async () => {
    const user = 'x%22,RemoteAddress=%22IPV4/UDP/203.0.113.7/5060%22,y=%22abcdefghijklmnop';
    await sip.request(svRegister({ user, display: '', callId: 'inj-2', branch: 'z9hG4bK-inj2', tag: 't', localPort: sip.port }), pbx.sipPort);
    const sec = read('security').split('\n').find((l) => l.includes('InvalidAccountID') && l.includes('SessionID="inj-2"'));
    const unescaped = decodeURIComponent(user);
    expect(unescaped.slice(0, 36)).toBe('x",RemoteAddress="IPV4/UDP/203.0.113');
    expect(sec).toContain(`AccountID="${unescaped.slice(0, 36)}",SessionID="inj-2"`);
    const notice = read('messages').split('\n').find((l) => l.includes('(callid: inj-2)'));
    expect(notice).toContain(`from '<sip:x%22,RemoteAddress=%22IPV4/UDP/203.0.113.7/5060%22,y=%22abcdefghijklmnop@127.0.0.1>'`);
  });

  it('answers a stale nonce with the right password by a new challenge (stale=true), not a failure', async () => {
    const first = await sip.request(sippRequest({ user: '100', callId: 'stale-1', localPort: sip.port, serverPort: pbx.sipPort }), pbx.sipPort);
    const ch = { ...challengeOf(first), nonce: '1000000000/0123456789abcdef0123456789abcdef' };
    const auth = authorization({ username: '100', password: 'Tr0ub4dor100', method: 'REGISTER', uri: 'sip:127.0.0.1', ...ch });
    const answer = await sip.request(sippRequest({ user: '100', callId: 'stale-1', localPort: sip.port, serverPort: pbx.sipPort, cseq: 2, authorization: auth }), pbx.sipPort);
    expect(parseResponse(answer).headers.get('www-authenticate')).toMatch(/opaque="[0-9a-f]{16}",stale=true,algorithm=MD5,qop="auth"$/);
    expect(read('messages')).not.toContain('(callid: stale-1)');
  });

  it('accepts a digest without qop (RFC 2069 style) and echoes Contact and Expires in the 200', async () => {
    const first = await sip.request(sippRequest({ user: '100', callId: 'noqop-1', localPort: sip.port, serverPort: pbx.sipPort }), pbx.sipPort);
    const auth = authorization({ username: '100', password: 'Tr0ub4dor100', method: 'REGISTER', uri: 'sip:127.0.0.1', qop: false, ...challengeOf(first) });
    const ok = parseResponse(await sip.request(sippRequest({ user: '100', callId: 'noqop-1', localPort: sip.port, serverPort: pbx.sipPort, cseq: 2, authorization: auth }), pbx.sipPort));
    expect(ok.code).toBe(200);
    expect(ok.headers.get('contact')).toBe(`<sip:100@127.0.0.1:${sip.port}>;expires=3600`);
    expect(ok.headers.get('expires')).toBe('3600');
    expect(pbx.stats.registrations.get('100')?.contacts).toEqual([`sip:100@127.0.0.1:${sip.port}`]);
  });
});

describe('transports', () => {
  it('speaks TCP on the same port, reporting IPV4/TCP', async () => {
    const socket = net.connect({ port: pbx.sipPort, host: '127.0.0.1' });
    await new Promise((r) => socket.once('connect', r));
    const req = svRegister({ user: 'tcpuser', callId: 'tcp-1', branch: 'z9hG4bK-tcp', tag: 't', localPort: socket.localPort ?? 0 })
      .replace('SIP/2.0/UDP', 'SIP/2.0/TCP');
    let got = '';
    socket.on('data', (b: Buffer) => { got += b.toString('latin1'); });
    socket.write(req.slice(0, 40));
    socket.write(req.slice(40));
    for (let i = 0; i < 100 && !got.includes('\r\n\r\n'); i++) await new Promise((r) => setTimeout(r, 10));
    socket.destroy();
    expect(got.startsWith('SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/TCP ')).toBe(true);
    const sec = read('security').split('\n').filter((l) => l.includes('SessionID="tcp-1"'));
    expect(sec[0]).toContain(`LocalAddress="IPV4/TCP/127.0.0.1/${pbx.sipPort}",RemoteAddress="IPV4/TCP/127.0.0.1/`);
  });

  it('speaks IPv6: bracketed in the NOTICE, unbracketed in security events', async () => {
    const v6 = await UdpSipClient.open('::1');
    const port = pbx.sipListeners[1]!.port;
    try {
      await v6.request(svRegister({ user: 'v6user', callId: 'v6-1', branch: 'z9hG4bK-v6', tag: 't', localPort: v6.port }), port, '::1');
    } finally {
      v6.close();
    }
    expect(read('messages')).toContain(`failed for '[::1]:${v6.port}' (callid: v6-1) - No matching endpoint found`);
    expect(read('security')).toContain(`LocalAddress="IPV6/UDP/::1/${port}",RemoteAddress="IPV6/UDP/::1/${v6.port}"`);
  });
});

describe('date formats', () => {
  it('pads the day with a space by default and writes ISO dates on request', async () => {
    const isoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-iso-'));
    const t = Date.UTC(2026, 10, 4, 8, 5, 1, 7);
    const logs = { messages: path.join(isoDir, 'm'), security: path.join(isoDir, 's') };
    for (const dateFormat of ['default', 'iso'] as const) {
      const p = await startPbx({ sip: { host: '127.0.0.1' }, accounts: [], logs, now: () => t, dateFormat });
      await sip.request(svRegister({ user: '9', callId: `d-${dateFormat}`, branch: 'z9hG4bK-d', tag: 't', localPort: sip.port }), p.sipPort);
      await p.stop();
    }
    const lines = fs.readFileSync(logs.messages, 'latin1').split('\n');
    fs.rmSync(isoDir, { recursive: true, force: true });
    expect(lines[0]).toMatch(/^\[Nov {2}4 08:05:01\] NOTICE\[16613\] /);
    expect(lines[1]).toMatch(/^\[2026-11-04 08:05:01\] NOTICE\[16613\] /);
  });
});
