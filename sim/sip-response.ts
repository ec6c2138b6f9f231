/**
 * SIP responses shaped like chan_pjsip's (see tool-output/S02.out): the top Via gets
 * `rport=<port>` (when asked for) and `received=<ip>`, the To gets the top Via's
 * branch as its tag when it has none, headers come in pjsip's order and
 * `Content-Length:  0` keeps pjsip's two spaces. Pure.
 */
import { headerValue, headerValues, parseCSeq, parseVia, splitTopLevel, type SipRequest, type ViaHeader } from './sip-message.js';

/** Who sent the request, for `received`/`rport`, and the Server header text. */
export interface ResponseContext {
  readonly remoteIp: string;
  readonly remotePort: number;
  readonly userAgent: string;
}

const VIA_ORDER = ['ttl', 'rport', 'maddr', 'received', 'branch'];

function printTopVia(via: ViaHeader, ctx: ResponseContext): string {
  const known = new Map<string, string | null>();
  const others: string[] = [];
  for (const [name, value] of via.params) {
    const lower = name.toLowerCase();
    if (VIA_ORDER.includes(lower) && !known.has(lower)) known.set(lower, value);
    else if (!VIA_ORDER.includes(lower)) others.push(value === null ? name : `${name}=${value}`);
  }
  if (known.has('rport')) known.set('rport', String(ctx.remotePort));
  known.set('received', ctx.remoteIp);
  let out = `${via.protocol.toUpperCase()} ${via.sentBy}`;
  for (const name of VIA_ORDER) {
    if (!known.has(name)) continue;
    const v = known.get(name);
    out += v === null || v === undefined ? `;${name}` : `;${name}=${v}`;
  }
  for (const o of others) out += `;${o}`;
  return out;
}

/** The Via elements of a request, top first (comma-joined values split apart). */
export function viaElements(req: SipRequest): string[] {
  return headerValues(req, 'via').flatMap(splitTopLevel);
}

/** The top Via's branch, or undefined. */
export function topBranch(req: SipRequest): string | undefined {
  const top = viaElements(req)[0];
  const via = top === undefined ? null : parseVia(top);
  const branch = via?.params.find(([n]) => n.toLowerCase() === 'branch');
  return branch?.[1] ?? undefined;
}

/** True when the request carries everything a response must copy (Via, Call-ID, From, To, CSeq). */
export function canAnswer(req: SipRequest): boolean {
  const top = viaElements(req)[0];
  const callId = headerValue(req, 'call-id');
  const cseq = headerValue(req, 'cseq');
  return top !== undefined && parseVia(top) !== null && callId !== undefined && callId.length > 0
    && headerValue(req, 'from') !== undefined && headerValue(req, 'to') !== undefined
    && cseq !== undefined && parseCSeq(cseq) !== null;
}

/** From and To as the response prints them (pjsip re-prints both from their parsed form). */
export interface ResponseNames {
  readonly from: string;
  readonly to: string;
}

/**
 * The response text, or null when the request cannot be answered (see canAnswer).
 * `toTag` is added when not null (pjsip tags a tagless To with the Via branch);
 * `names` replaces the received From/To text (copied verbatim when absent).
 */
export function buildResponse(
  req: SipRequest,
  code: number,
  reason: string,
  extra: ReadonlyArray<readonly [string, string]>,
  ctx: ResponseContext,
  toTag: string | null,
  names?: ResponseNames,
): string | null {
  if (!canAnswer(req)) return null;
  const vias = viaElements(req);
  const top = parseVia(vias[0] as string) as ViaHeader;
  const cseq = parseCSeq(headerValue(req, 'cseq') as string) as { seq: number; method: string };
  const from = names?.from ?? (headerValue(req, 'from') as string);
  let to = names?.to ?? (headerValue(req, 'to') as string);
  if (toTag !== null) to = `${to};tag=${toTag}`;
  const lines = [`SIP/2.0 ${code} ${reason}`, `Via: ${printTopVia(top, ctx)}`];
  for (const v of vias.slice(1)) lines.push(`Via: ${v}`);
  lines.push(`Call-ID: ${headerValue(req, 'call-id')}`, `From: ${from}`, `To: ${to}`);
  lines.push(`CSeq: ${cseq.seq} ${cseq.method}`);
  for (const [name, value] of extra) lines.push(`${name}: ${value}`);
  lines.push(`Server: ${ctx.userAgent}`, 'Content-Length:  0', '', '');
  return lines.join('\r\n');
}
