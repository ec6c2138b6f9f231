/**
 * Test support for the simulator's calls: a UDP "ITSP" that answers the trunk's INVITEs
 * as the captured run's sipp UAS did (answer at once, busy, or ring until cancelled),
 * and a caller that places one authenticated call as the run's sipp UAC did (INVITE,
 * 401, ACK, INVITE with credentials, ACK, hold, BYE). Loopback only; bounded waits.
 */
import dgram from 'node:dgram';
import { authorization, challengeOf, parseResponse, type UdpSipClient } from './testkit.js';

/** How the ITSP answers a number. */
export type ItspMode = 'answer' | 'busy' | 'noanswer';

/** A minimal UAS on 127.0.0.1: answers INVITEs by the number's mode, ACKs nothing, 200s BYE and CANCEL. */
export class TestItsp {
  /** Every request received, first line only. */
  readonly requests: string[] = [];
  private constructor(private readonly socket: dgram.Socket, readonly port: number, private readonly modeOf: (n: string) => ItspMode) {
    socket.on('message', (msg, rinfo) => this.onMessage(msg.toString('latin1'), rinfo.port, rinfo.address));
  }

  static async open(modeOf: (number: string) => ItspMode, host = '127.0.0.1'): Promise<TestItsp> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, host, () => resolve()));
    return new TestItsp(socket, socket.address().port, modeOf);
  }

  close(): void {
    this.socket.close();
  }

  private onMessage(text: string, port: number, host: string): void {
    if (text.startsWith('SIP/2.0')) return;
    const first = text.slice(0, text.indexOf('\r\n'));
    this.requests.push(first);
    const [method, uri] = first.split(' ') as [string, string];
    const reply = (code: number, reason: string, tag = true, forMethod = method) => {
      const headers = text.split('\r\n\r\n', 1)[0]?.split('\r\n').slice(1) ?? [];
      const keep = headers.filter((h) => /^(via|from|to|call-id|cseq):/i.test(h)).map((h) => {
        if (/^to:/i.test(h) && tag && !/;tag=/.test(h)) return `${h};tag=itsp-${port}`;
        if (/^cseq:/i.test(h)) return h.replace(/\S+$/, forMethod);
        return h;
      });
      const contact = code === 200 && forMethod === 'INVITE' ? [`Contact: <sip:itsp@127.0.0.1:${this.port}>`] : [];
      this.socket.send(Buffer.from([`SIP/2.0 ${code} ${reason}`, ...keep, ...contact, 'Content-Length: 0', '', ''].join('\r\n'), 'latin1'), port, host);
    };
    if (method === 'INVITE') {
      const number = /^sip:([^@]+)@/.exec(uri)?.[1] ?? '';
      const mode = this.modeOf(number);
      reply(100, 'Trying', false);
      if (mode === 'busy') setTimeout(() => reply(486, 'Busy Here'), 20);
      else {
        reply(180, 'Ringing');
        if (mode === 'answer') reply(200, 'OK');
      }
    } else if (method === 'BYE') reply(200, 'OK');
    else if (method === 'CANCEL') {
      reply(200, 'OK');
      reply(487, 'Request Terminated', true, 'INVITE');
    }
  }
}

/** What became of one call. */
export interface PlacedCall {
  /** Final response to the authenticated INVITE. */
  readonly code: number;
  /** Who ended an answered call. */
  readonly endedBy: 'caller' | 'pbx' | null;
}

/** A dialog request from the caller (ACK, BYE) echoing the answer's tags. */
function inDialog(method: string, o: { user: string; number: string; callId: string; port: number; pbxPort: number; toTag: string; cseq: number }): string {
  return `${method} sip:${o.number}@127.0.0.1:${o.pbxPort} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${o.port};branch=z9hG4bK-${method}-${o.cseq}-${o.callId.length}\r\n`
    + `From: <sip:${o.user}@127.0.0.1:${o.pbxPort}>;tag=${o.port}SIPpTag09\r\nTo: <sip:${o.number}@127.0.0.1:${o.pbxPort}>;tag=${o.toTag}\r\n`
    + `Call-ID: ${o.callId}\r\nCSeq: ${o.cseq} ${method}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
}

function invite(o: { user: string; number: string; callId: string; port: number; pbxPort: number; cseq: number; auth?: string }): string {
  const body = 'v=0\r\no=rig 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';
  return `INVITE sip:${o.number}@127.0.0.1:${o.pbxPort} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${o.port};branch=z9hG4bK-${o.cseq}-${o.callId.length}\r\n`
    + `From: <sip:${o.user}@127.0.0.1:${o.pbxPort}>;tag=${o.port}SIPpTag09\r\nTo: <sip:${o.number}@127.0.0.1:${o.pbxPort}>\r\nCall-ID: ${o.callId}\r\n`
    + `CSeq: ${o.cseq} INVITE\r\nContact: <sip:${o.user}@127.0.0.1:${o.port}>\r\nMax-Forwards: 70\r\n${o.auth ? `Authorization: ${o.auth}\r\n` : ''}`
    + `User-Agent: SIPp-rig\r\nContent-Type: application/sdp\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
}

/** Places one call from `user` to `number`; an answered call is held `holdMs`, then the caller hangs up (unless the PBX did). */
export async function placeCall(c: UdpSipClient, pbxPort: number, o: { user: string; password: string; number: string; callId: string; holdMs: number }): Promise<PlacedCall> {
  const base = { user: o.user, number: o.number, callId: o.callId, port: c.port, pbxPort };
  const challenge = await c.request(invite({ ...base, cseq: 1 }), pbxPort);
  const to = /\r\nTo: [^\r]*;tag=([^;\r]+)/.exec(challenge)?.[1] ?? '';
  c.send(inDialog('ACK', { ...base, toTag: to, cseq: 1 }), pbxPort);
  const auth = authorization({ username: o.user, password: o.password, method: 'INVITE', uri: `sip:${o.number}@127.0.0.1:${pbxPort}`, ...challengeOf(challenge) });
  c.send(invite({ ...base, cseq: 2, auth }), pbxPort);
  for (let i = 0; i < 10; i++) {
    const r = await c.next(5000);
    if (r === null) throw new Error(`no final answer to the INVITE of ${o.number}`);
    const res = parseResponse(r);
    if (res.code < 200) continue;
    const toTag = /;tag=([^;\r]+)/.exec(res.headers.get('to') ?? '')?.[1] ?? '';
    c.send(inDialog('ACK', { ...base, toTag, cseq: 2 }), pbxPort);
    if (res.code !== 200) return { code: res.code, endedBy: null };
    const bye = await c.next(o.holdMs);
    if (bye?.startsWith('BYE ')) {
      const lines = bye.split('\r\n').filter((l) => /^(via|from|to|call-id|cseq):/i.test(l));
      c.send(`SIP/2.0 200 OK\r\n${lines.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`, pbxPort);
      return { code: 200, endedBy: 'pbx' };
    }
    c.send(inDialog('BYE', { ...base, toTag, cseq: 3 }), pbxPort);
    await c.next(2000);
    return { code: 200, endedBy: 'caller' };
  }
  throw new Error('too many provisional answers');
}
