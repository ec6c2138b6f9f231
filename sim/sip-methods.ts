/**
 * What the simulated PBX does with a request once it is authenticated: the registrar
 * answers REGISTER with 200 OK (Contact/Expires echoed, as res_pjsip_registrar does),
 * INVITE to a number that is not an account is a call through the trunk when one is
 * configured (100 Trying and a `dial` effect: calls.ts does the rest), else rejected
 * with 404 and res_pjsip_session's NOTICE; OPTIONS gets 200. Pure.
 */
import { headerValue, headerValues, splitTopLevel, type SipRequest } from './sip-message.js';
import { parseNameAddr } from './sip-uri.js';
import { httpDate } from './time-format.js';
import type { EventAddress, SecurityEventRecord } from './security-event.js';

/** A side effect the transport carries out: a log line or a registration change. */
export type SimEffect =
  | { readonly kind: 'notice'; readonly source: string; readonly text: string }
  | { readonly kind: 'security'; readonly event: SecurityEventRecord }
  | { readonly kind: 'registered'; readonly account: string; readonly contacts: readonly string[]; readonly expires: number; readonly source: EventAddress }
  /** A call to place through the trunk (calls.ts): the INVITE, who sent it and the number. */
  | { readonly kind: 'dial'; readonly account: string; readonly exten: string; readonly request: SipRequest; readonly remote: EventAddress };

/** The answer to give and what to log. `code` 0 means no response. */
export interface MethodOutcome {
  readonly code: number;
  readonly reason: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly effects: readonly SimEffect[];
}

/** What the methods need to know. */
export interface MethodContext {
  readonly account: string;
  readonly accounts: ReadonlyMap<string, string>;
  /** The dialplan context named in the NOTICE (Asterisk: the endpoint's `context`). */
  readonly dialplanContext: string;
  readonly remote: EventAddress;
  readonly now: number;
  /** A trunk is configured: numbers that are no account are called through it. */
  readonly calls?: boolean;
}

const MIN_EXPIRES = 60;
const MAX_EXPIRES = 7200;
const DEFAULT_EXPIRES = 3600;

function clampExpires(n: number): number {
  if (n === 0) return 0;
  return Math.min(MAX_EXPIRES, Math.max(MIN_EXPIRES, n));
}

function contactUri(element: string): string | null {
  const lt = element.indexOf('<');
  if (lt >= 0) {
    const gt = element.indexOf('>', lt);
    return gt < 0 ? null : element.slice(lt + 1, gt);
  }
  const semi = element.indexOf(';');
  return (semi < 0 ? element : element.slice(0, semi)).trim() || null;
}

function contactExpires(element: string): number | null {
  const gt = element.lastIndexOf('>');
  const m = /;\s*expires\s*=\s*(\d{1,10})/i.exec(gt < 0 ? element : element.slice(gt));
  return m ? Number(m[1]) : null;
}

function register(req: SipRequest, ctx: MethodContext): MethodOutcome {
  const expiresHeader = headerValue(req, 'expires');
  const headerSecs = expiresHeader !== undefined && /^\s*\d{1,10}\s*$/.test(expiresHeader) ? Number(expiresHeader) : null;
  const elements = headerValues(req, 'contact').flatMap(splitTopLevel);
  const headers: Array<readonly [string, string]> = [['Date', httpDate(ctx.now)]];
  const contacts: string[] = [];
  let expires = clampExpires(headerSecs ?? DEFAULT_EXPIRES);
  if (!elements.includes('*')) {
    for (const el of elements.slice(0, 10)) {
      const uri = contactUri(el);
      if (uri === null) continue;
      expires = clampExpires(contactExpires(el) ?? headerSecs ?? DEFAULT_EXPIRES);
      if (expires === 0) continue;
      contacts.push(uri);
      headers.push(['Contact', `<${uri}>;expires=${expires}`]);
    }
  } else {
    expires = 0;
  }
  if (headerSecs !== null) headers.push(['Expires', String(clampExpires(headerSecs))]);
  return {
    code: 200, reason: 'OK', headers,
    effects: [{ kind: 'registered', account: ctx.account, contacts, expires, source: ctx.remote }],
  };
}

/** pjsip's transport type name: `UDP`, `TCP`, `UDP6`, `TCP6`. */
function transportName(a: EventAddress): string {
  return a.ip.includes(':') ? `${a.transport}6` : a.transport;
}

function invite(req: SipRequest, ctx: MethodContext): MethodOutcome {
  const ruri = parseNameAddr(`<${req.uri}>`);
  const exten = ruri?.user ?? 's';
  if (ctx.accounts.has(exten)) {
    return { code: 480, reason: 'Temporarily Unavailable', headers: [], effects: [] };
  }
  if (ctx.calls) return { code: 100, reason: 'Trying', headers: [], effects: [{ kind: 'dial', account: ctx.account, exten, request: req, remote: ctx.remote }] };
  const from = `${transportName(ctx.remote)}:${ctx.remote.ip}:${ctx.remote.port}`;
  const text = ` ${ctx.account}: Call (${from}) to extension '${exten}' rejected because extension not found in context '${ctx.dialplanContext}'.`;
  return {
    code: 404, reason: 'Not Found', headers: [],
    effects: [{ kind: 'notice', source: 'res_pjsip_session.c', text }],
  };
}

/** Answers an authenticated request. */
export function handleAuthenticated(req: SipRequest, ctx: MethodContext): MethodOutcome {
  switch (req.method) {
    case 'REGISTER':
      return register(req, ctx);
    case 'INVITE':
      return invite(req, ctx);
    case 'OPTIONS':
      return {
        code: 200, reason: 'OK', effects: [],
        headers: [['Allow', 'OPTIONS, REGISTER, INVITE, ACK, BYE, CANCEL'], ['Accept', 'application/sdp']],
      };
    default:
      return { code: 501, reason: 'Not Implemented', headers: [], effects: [] };
  }
}
