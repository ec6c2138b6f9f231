/**
 * The SIP messages of the simulator's calls (calls.ts): what chan_pjsip sends to a trunk
 * (INVITE with SDP, ACK, CANCEL, BYE) and to a caller (a response with SDP, BYE), and a
 * small reader of the responses that come back. Pure text functions; values are the
 * simulator's own or copied from the peer's messages (never a new header line).
 */
import { randomUUID } from 'node:crypto';
import { headerValue, type SipRequest } from './sip-message.js';
import { parseNameAddr } from './sip-uri.js';

/** One side of a datagram. */
export interface SipAddr {
  readonly ip: string;
  readonly port: number;
}

/** `ip:port`, IPv6 bracketed. */
export function hostPort(a: SipAddr): string {
  return a.ip.includes(':') ? `[${a.ip}]:${a.port}` : `${a.ip}:${a.port}`;
}

/** A fresh branch, tag or Call-ID as pjsip makes them (`z9hG4bKPj` + a UUID for branches). */
export const newBranch = (): string => `z9hG4bKPj${randomUUID()}`;
export const newTag = (): string => randomUUID();

/** An audio offer/answer without media (the simulator sends no RTP). */
export function sdp(ip: string, session: number): string {
  const v = ip.includes(':') ? 'IP6' : 'IP4';
  return ['v=0', `o=- ${session} ${session} IN ${v} ${ip}`, 's=Asterisk', `c=IN ${v} ${ip}`, 't=0 0', 'm=audio 10000 RTP/AVP 0 101',
    'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16', 'a=ptime:20', 'a=maxptime:150', 'a=sendrecv', ''].join('\r\n');
}

/** The dialog of one leg, as the simulator (its UAC side towards the trunk, UAS side towards the caller) holds it. */
export interface Dialog {
  /** Where requests of the dialog go (the peer's Contact, or the first INVITE's R-URI). */
  target: string;
  readonly peer: SipAddr;
  readonly callId: string;
  /** Our From (UAC) / To (UAS) header value, tag included. */
  readonly local: string;
  /** The peer's header value; its tag once known. */
  remote: string;
  cseq: number;
}

/** A request of ours within `d` (BYE, ACK, CANCEL, INVITE): Via from `via`, headers in pjsip's order. */
export function request(method: string, d: Dialog, via: SipAddr, o: { branch?: string; cseq?: number; userAgent: string; body?: string; contact?: string }): string {
  const lines = [
    `${method} ${d.target} SIP/2.0`,
    `Via: SIP/2.0/UDP ${hostPort(via)};rport;branch=${o.branch ?? newBranch()}`,
    `From: ${d.local}`, `To: ${d.remote}`,
    ...(o.contact ? [`Contact: ${o.contact}`] : []),
    `Call-ID: ${d.callId}`, `CSeq: ${o.cseq ?? d.cseq} ${method}`,
    'Max-Forwards: 70', `User-Agent: ${o.userAgent}`,
  ];
  if (o.body) lines.push('Content-Type: application/sdp', `Content-Length:  ${Buffer.byteLength(o.body, 'latin1')}`, '', o.body);
  else lines.push('Content-Length:  0', '', '');
  return lines.join('\r\n');
}

/** A response of buildResponse (no body) with an SDP body and a Contact put in. */
export function withBody(response: string, contact: string, body: string): string {
  const head = response.replace(/Content-Length: {2}0\r\n\r\n$/, '');
  return `${head}Contact: ${contact}\r\nContent-Type: application/sdp\r\nContent-Length:  ${Buffer.byteLength(body, 'latin1')}\r\n\r\n${body}`;
}

/** What the simulator reads of a response. */
export interface SipResponse {
  readonly code: number;
  readonly callId: string;
  readonly seq: number;
  readonly method: string;
  /** The To header value (with the peer's tag). */
  readonly to: string;
  /** The Contact URI, if any. */
  readonly contact: string | null;
}

/** Reads a response's status line and the few headers the calls need; null if it is none. */
export function readResponse(text: string): SipResponse | null {
  const end = text.indexOf('\r\n\r\n');
  const lines = (end < 0 ? text : text.slice(0, end)).split('\r\n');
  const m = /^SIP\/2\.0 (\d{3}) /.exec(lines[0] ?? '');
  if (!m) return null;
  const h = new Map<string, string>();
  const compact: Record<string, string> = { i: 'call-id', t: 'to', m: 'contact' };
  for (const l of lines.slice(1)) {
    const c = l.indexOf(':');
    if (c <= 0) continue;
    const k = l.slice(0, c).trim().toLowerCase();
    const key = compact[k] ?? k;
    if (!h.has(key)) h.set(key, l.slice(c + 1).trim());
  }
  const cseq = /^(\d+)\s+(\S+)$/.exec(h.get('cseq') ?? '');
  if (!cseq || !h.get('call-id') || !h.get('to')) return null;
  const contact = h.get('contact');
  const uri = contact ? /<([^>]+)>/.exec(contact)?.[1] ?? contact.split(';')[0] ?? null : null;
  return { code: Number(m[1]), callId: h.get('call-id') as string, seq: Number(cseq[1]), method: (cseq[2] as string).toUpperCase(), to: h.get('to') as string, contact: uri };
}

/** The Contact URI of a request (where the caller takes in-dialog requests), or null. */
export function contactOf(req: SipRequest): string | null {
  const c = headerValue(req, 'contact');
  if (!c) return null;
  return parseNameAddr(c)?.uri ?? null;
}
