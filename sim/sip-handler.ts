/**
 * One SIP request through the simulated chan_pjsip: parse, identify the endpoint by
 * the From user, authenticate, answer — and the NOTICE lines and security events
 * Asterisk 20 writes on the way, in its order (pjsip_distributor.c endpoint_lookup()
 * and authenticate(), res_pjsip/security_events.c). Pure: the clock and addresses
 * come in, the response text and effects go out; never throws.
 */
import {
  challengeResponseFailed, challengeSent, chanSipEvent, invalidAccountId, successfulAuth,
  type EventAddress, type PjsipEventBase,
} from './security-event.js';
import { type NonceBook, parseAuthorization, verifyDigest, wwwAuthenticate, type DigestCredentials } from './sip-digest.js';
import { headerValue, headerValues, parseSipRequest, type SipRequest } from './sip-message.js';
import { handleAuthenticated, type SimEffect } from './sip-methods.js';
import { buildResponse, canAnswer, topBranch } from './sip-response.js';
import { hasTag, parseNameAddr, printNameAddr, type NameAddr } from './sip-uri.js';

export type { SimEffect } from './sip-methods.js';

/** The PBX's configuration as the handler sees it. */
export interface SipHandlerConfig {
  /** Account name → secret. The name is the endpoint id and the auth username. */
  readonly accounts: ReadonlyMap<string, string>;
  readonly realm: string;
  readonly userAgent: string;
  readonly dialplanContext: string;
  readonly nonces: NonceBook;
  /** A fresh opaque value (pjsip: 16 random hex digits). */
  readonly opaque: () => string;
  /** A trunk is configured: an INVITE to a number that is no account is a call (calls.ts), not a 404. */
  readonly calls?: boolean;
}

/** Where one request came from and went to, and when. */
export interface SipPeer {
  readonly local: EventAddress;
  readonly remote: EventAddress;
  readonly now: number;
}

/** How the request ended, for statistics. */
export type SipResult = 'dropped' | 'ignored' | 'bad-request' | 'stateless' | 'challenged' | 'failed' | 'authenticated';

/** The response to send (null: send nothing) and the effects, in order. */
export interface SipOutcome {
  readonly response: string | null;
  readonly effects: readonly SimEffect[];
  readonly result: SipResult;
}

/** ast_copy_pj_str into a buffer of `size` bytes, then printed with %s (stops at NUL). */
function cstr(text: string, size: number): string {
  const nul = text.indexOf('\0');
  return (nul < 0 ? text : text.slice(0, nul)).slice(0, size - 1);
}

/** A From/To header value as pjsip prints it: the name-addr, then its parameters. */
function printHeaderValue(n: NameAddr): string {
  return `${printNameAddr(n)}${n.params.replace(/\s*;\s*/g, ';').trim()}`;
}

/** pj_sockaddr_print(…, 3): `1.2.3.4:5060`, `[2001:db8::1]:5060`. */
function sockaddr(a: EventAddress): string {
  return a.ip.includes(':') ? `[${a.ip}]:${a.port}` : `${a.ip}:${a.port}`;
}

interface Parsed {
  readonly req: SipRequest;
  readonly from: NameAddr;
  readonly to: NameAddr;
  readonly auths: readonly DigestCredentials[];
  readonly callId: string;
}

function failedRequestNotice(p: Parsed, peer: SipPeer, msg: string): SimEffect {
  const from = cstr(printNameAddr(p.from), 256);
  const text = `Request '${cstr(p.req.method, 256)}' from '${from}' failed for '${sockaddr(peer.remote)}' (callid: ${cstr(p.callId, 256)}) - ${msg}`;
  return { kind: 'notice', source: 'res_pjsip/pjsip_distributor.c', text };
}

function respond(
  p: Parsed, peer: SipPeer, cfg: SipHandlerConfig, code: number, reason: string,
  headers: ReadonlyArray<readonly [string, string]>,
): string | null {
  const tag = hasTag(p.to) ? null : (topBranch(p.req) ?? cfg.opaque());
  const ctx = { remoteIp: peer.remote.ip, remotePort: peer.remote.port, userAgent: cfg.userAgent };
  const names = { from: printHeaderValue(p.from), to: printHeaderValue(p.to) };
  return buildResponse(p.req, code, reason, headers, ctx, tag, names);
}

function parse(text: string): Parsed | SipResult {
  const parsed = parseSipRequest(text);
  if (!parsed.ok) return 'dropped';
  const req = parsed.request;
  if (req.method === 'ACK') return 'ignored';
  if (!canAnswer(req)) return 'dropped';
  const from = parseNameAddr(headerValue(req, 'from') ?? '');
  const to = parseNameAddr(headerValue(req, 'to') ?? '');
  const auths = headerValues(req, 'authorization').map(parseAuthorization);
  const callId = headerValue(req, 'call-id') ?? '';
  if (!from || !to || auths.some((a) => a === null)) return 'bad-request';
  return { req, from, to, auths: auths as DigestCredentials[], callId };
}

/** Which Asterisk channel driver answers: chan_pjsip (the default) or chan_sip (its log lines and events differ). */
export type SipDriver = 'pjsip' | 'chan_sip';

/** Handles one request's text (latin1) from a peer. */
export function handleSipRequest(text: string, cfg: SipHandlerConfig, peer: SipPeer, driver: SipDriver = 'pjsip'): SipOutcome {
  const p = parse(text);
  if (p === 'bad-request') {
    const req = parseSipRequest(text);
    if (!req.ok) return { response: null, effects: [], result: 'dropped' };
    const ctx = { remoteIp: peer.remote.ip, remotePort: peer.remote.port, userAgent: cfg.userAgent };
    const response = buildResponse(req.request, 400, 'Bad Request', [], ctx, topBranch(req.request) ?? cfg.opaque());
    return { response, effects: [], result: 'bad-request' };
  }
  if (typeof p === 'string') return { response: null, effects: [], result: p };
  if (p.req.method === 'CANCEL' || p.req.method === 'BYE') {
    // pjsip_distributor: a BYE or CANCEL outside any dialog gets a stateless 481.
    return { response: respond(p, peer, cfg, 481, 'Call/Transaction Does Not Exist', []), effects: [], result: 'stateless' };
  }
  if (driver === 'chan_sip') return handleChanSip(p, cfg, peer);
  const effects: SimEffect[] = [];
  const user = p.from.scheme === 'sip' || p.from.scheme === 'sips' ? (p.from.user ?? '') : '';
  const secret = cfg.accounts.get(user);
  const known = secret !== undefined;
  const base: PjsipEventBase = {
    at: peer.now, accountId: known ? user : '<unknown>', callId: cstr(p.callId, p.callId.length + 1),
    local: peer.local, remote: peer.remote,
  };
  if (!known) {
    effects.push(failedRequestNotice(p, peer, 'No matching endpoint found'));
    effects.push({ kind: 'security', event: invalidAccountId({ ...base, accountId: cstr(user, 37) }) });
  }
  const verdict = verifyDigest(p.auths, {
    realm: cfg.realm, account: known ? { username: user, password: secret } : null,
    method: p.req.method, ip: peer.remote.ip, nowMs: peer.now, nonces: cfg.nonces,
  });
  if (verdict === 'success') {
    effects.push({ kind: 'security', event: successfulAuth(base) });
    const out = handleAuthenticated(p.req, {
      account: user, accounts: cfg.accounts, dialplanContext: cfg.dialplanContext, remote: peer.remote, now: peer.now, calls: cfg.calls ?? false,
    });
    effects.push(...out.effects);
    return { response: respond(p, peer, cfg, out.code, out.reason, out.headers), effects, result: 'authenticated' };
  }
  const nonce = cfg.nonces.issue(peer.remote.ip, cfg.realm, peer.now);
  const challenge = wwwAuthenticate(cfg.realm, nonce, cfg.opaque(), verdict === 'stale');
  const response = respond(p, peer, cfg, 401, 'Unauthorized', [['WWW-Authenticate', challenge]]);
  if (verdict === 'fail') {
    const first = p.auths[0];
    const digest = first !== undefined && first.scheme === 'Digest';
    const sentNonce = digest ? cstr(first.params.get('nonce') ?? '', 64) : '';
    const sentResponse = digest ? cstr(first.params.get('response') ?? '', 256) : '';
    effects.push(failedRequestNotice(p, peer, 'Failed to authenticate'));
    effects.push({ kind: 'security', event: challengeResponseFailed(base, sentNonce, sentResponse) });
    return { response, effects, result: 'failed' };
  }
  effects.push({ kind: 'security', event: challengeSent(base) });
  return { response, effects, result: 'challenged' };
}

/**
 * chan_sip (alwaysauthreject=yes, as FreePBX sets it): every user is challenged, known
 * or not; a wrong answer is `Wrong password` (NOTICE with the To header for a REGISTER,
 * and an `InvalidPassword` event); chan_sip reports no failure for an unknown user
 * apart from that. Its events' SessionID is a pointer, not the Call-ID.
 */
function handleChanSip(p: Parsed, cfg: SipHandlerConfig, peer: SipPeer): SipOutcome {
  const effects: SimEffect[] = [];
  const user = p.from.scheme === 'sip' || p.from.scheme === 'sips' ? (p.from.user ?? '') : '';
  const secret = cfg.accounts.get(user);
  const base = { at: peer.now, accountId: cstr(user, 80), sessionId: `0x7fa69c${cfg.opaque().slice(0, 6)}`, local: peer.local, remote: peer.remote };
  const verdict = verifyDigest(p.auths, {
    realm: cfg.realm, account: secret !== undefined ? { username: user, password: secret } : null,
    method: p.req.method, ip: peer.remote.ip, nowMs: peer.now, nonces: cfg.nonces,
  });
  if (verdict === 'success') {
    effects.push({ kind: 'security', event: chanSipEvent(base, { kind: 'SuccessfulAuth' }) });
    const out = handleAuthenticated(p.req, {
      account: user, accounts: cfg.accounts, dialplanContext: cfg.dialplanContext, remote: peer.remote, now: peer.now,
    });
    effects.push(...out.effects);
    return { response: respond(p, peer, cfg, out.code, out.reason, out.headers), effects, result: 'authenticated' };
  }
  const nonce = cfg.nonces.issue(peer.remote.ip, cfg.realm, peer.now);
  const response = respond(p, peer, cfg, 401, 'Unauthorized', [['WWW-Authenticate', wwwAuthenticate(cfg.realm, nonce, cfg.opaque(), verdict === 'stale')]]);
  if (verdict === 'fail') {
    const first = p.auths[0];
    const sent = first !== undefined && first.scheme === 'Digest' ? first.params : new Map<string, string>();
    if (p.req.method === 'REGISTER') {
      const to = cstr(headerValue(p.req, 'to') ?? '', 256);
      effects.push({ kind: 'notice', source: 'chan_sip.c', text: `Registration from '${to}' failed for '${sockaddr(peer.remote)}' - Wrong password` });
    }
    const received = cstr(sent.get('nonce') ?? '', 64);
    effects.push({ kind: 'security', event: chanSipEvent(base, { kind: 'InvalidPassword', nonce: received, received, hash: cstr(sent.get('response') ?? '', 64) }) });
    return { response, effects, result: 'failed' };
  }
  effects.push({ kind: 'security', event: chanSipEvent(base, { kind: 'ChallengeSent', nonce }) });
  return { response, effects, result: 'challenged' };
}
