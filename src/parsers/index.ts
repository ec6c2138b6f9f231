/**
 * Parsers: pure functions from one log line or one AMI frame to at most one
 * {@link SecurityEvent}. No I/O, no clock (the reference time for year-less dates
 * is passed in), no state beyond an optional per-reader date cache.
 */
import { EVIDENCE_MAX, type Evidence, type FailureReason, type SecurityEvent, type Signature } from '../domain/events.js';
import type { IpAddress } from '../domain/ip.js';
import { frameLine, newDateCache, type DateCache } from './framing.js';
import { matchMessage } from './messages.js';
import { failureReasonOf, parseAmiSecurityFrame, parseSecurityLine, type SecurityFields } from './security.js';

export { frameLine, newDateCache, parseLogDate, stripAnsi, type DateCache } from './framing.js';
export { parseHostPort, parseSecurityAddress } from './address.js';

/** Where a line came from and when it was read. */
export interface LineContext {
  /** File path or source name, for evidence. */
  readonly source: string;
  /** 1-based line (or frame) number, for evidence. */
  readonly line: number;
  /** Anchor for dates without a year, and the time of lines that carry none (ms). */
  readonly refTime: number;
  /** Optional per-reader cache of the last parsed date. */
  readonly cache?: DateCache;
  /** Which events the caller consumes (default all); others may be skipped early. */
  readonly interest?: Interest;
}

/** `auth`: no challenge_sent events; `failures`: no challenge_sent nor auth_succeeded. */
export type Interest = 'all' | 'auth' | 'failures';

function evidence(ctx: LineContext, text: string): Evidence {
  return { source: ctx.source, line: ctx.line, text: text.length > EVIDENCE_MAX ? text.slice(0, EVIDENCE_MAX) : text };
}

/** Builds an event with one fixed shape per kind (no spreads: this runs for every report). */
function located(
  kind: 'auth_failed' | 'auth_succeeded' | 'challenge_sent' | 'call_rejected',
  at: number, service: string, ip: IpAddress, port: number | null, account: string, session: string | null,
  signature: Signature, decoys: readonly string[], ev: Evidence, reason: FailureReason, detail: string, extension: string,
): SecurityEvent {
  switch (kind) {
    case 'auth_failed': return { kind, at, service, ip, port, account, session, signature, decoys, evidence: ev, reason, detail };
    case 'call_rejected': return { kind, at, service, ip, port, account, session, signature, decoys, evidence: ev, extension };
    default: return { kind, at, service, ip, port, account, session, signature, decoys, evidence: ev };
  }
}

function fromSecurity(f: SecurityFields, at: number, ev: Evidence, signature: 'security-log' | 'ami-event'): SecurityEvent {
  if (f.candidates.length > 0) {
    return { kind: 'injection_suspected', at, service: f.service, candidates: f.candidates, signature, evidence: ev };
  }
  const { ip, port } = f.remote;
  const session = f.session || null;
  if (f.type === 'SuccessfulAuth') return located('auth_succeeded', at, f.service, ip, port, f.account, session, signature, f.decoys, ev, 'other', '', '');
  if (f.type === 'ChallengeSent') return located('challenge_sent', at, f.service, ip, port, f.account, session, signature, f.decoys, ev, 'other', '', '');
  if (f.type === 'FailedACL' && f.aclName === 'no_extension_match') {
    // chan_sip reports a call to a missing extension as FailedACL: a rejected call, not a failed login.
    return located('call_rejected', at, f.service, ip, port, f.account, session, signature, f.decoys, ev, 'other', '', f.account);
  }
  const reason = failureReasonOf(f.type, f.aclName) ?? 'other';
  return located('auth_failed', at, f.service, ip, port, f.account, session, signature, f.decoys, ev, reason, f.aclName ? `${f.type} (${f.aclName})` : f.type, '');
}

/**
 * Security events a consumer ignores can be skipped before their fields are parsed:
 * on a busy PBX most security lines are ChallengeSent/SuccessfulAuth of phones
 * refreshing their registration.
 */
function uninteresting(message: string, interest: Interest | undefined): boolean {
  if (interest === undefined || interest === 'all') return false;
  if (message.startsWith('SecurityEvent="ChallengeSent"')) return true;
  return interest === 'failures' && message.startsWith('SecurityEvent="SuccessfulAuth"');
}

/** Parses one log line (without its newline). Returns null for lines that report no authentication. */
export function parseLine(line: string, ctx: LineContext): SecurityEvent | null {
  const framed = frameLine(line, ctx.refTime, ctx.cache ?? newDateCache());
  if (!framed) return null;
  const lineTime = Number.isNaN(framed.time) ? ctx.refTime : framed.time;
  if (framed.module === 'res_security_log.c') {
    if (uninteresting(framed.message, ctx.interest)) return null;
    const f = parseSecurityLine(framed.message);
    if (!f) return null;
    return fromSecurity(f, Number.isNaN(f.eventTime) ? lineTime : f.eventTime, evidence(ctx, line), 'security-log');
  }
  const m = matchMessage(framed.module, framed.message);
  if (!m) return null;
  const ev = evidence(ctx, line);
  if (!m.endpoint) {
    return { kind: 'injection_suspected', at: lineTime, service: m.service, candidates: m.candidates, signature: m.signature, evidence: ev };
  }
  if (m.outcome === 'succeeded' && ctx.interest === 'failures') return null;
  const session = m.session ?? (m.service === 'AMI' ? `lwp:${framed.lwp}` : null);
  const kind = m.outcome === 'succeeded' ? 'auth_succeeded' : m.outcome === 'call_rejected' ? 'call_rejected' : 'auth_failed';
  return located(kind, lineTime, m.service, m.endpoint.ip, m.endpoint.port, m.account, session, m.signature, m.decoys, ev, m.reason, m.detail, m.extension);
}

/** Parses one AMI event frame. Returns null for frames that are not security events. */
export function parseAmiFrame(frame: string, ctx: LineContext): SecurityEvent | null {
  if (frame.indexOf('Event: ') < 0) return null;
  const f = parseAmiSecurityFrame(frame);
  if (!f) return null;
  return fromSecurity(f, Number.isNaN(f.eventTime) ? ctx.refTime : f.eventTime, evidence(ctx, frame), 'ami-event');
}
