/**
 * Parsers: pure functions from one log line or one AMI frame to at most one
 * {@link SecurityEvent} (or, when asked, the logger's {@link LogDropped}). No I/O, no
 * clock (the reference time for year-less dates is passed in), no state beyond an
 * optional per-reader date cache.
 */
import {
  EVIDENCE_MAX, type Evidence, type FailureReason, type LogDropped, type ParsedEvent, type SecurityEvent, type Signature,
} from '../domain/events.js';
import type { IpAddress } from '../domain/ip.js';
import { frameLine, newDateCache, type DateCache } from './framing.js';
import { parseLoggerMessage } from './logger.js';
import { matchMessage } from './messages.js';
import { failureReasonOf, isSecurityEventName, parseAmiSecurityFrame, parseSecurityLine, type SecurityFields } from './security.js';

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
  /** Also report the logger's lost messages ({@link LogDropped}); off by default. */
  readonly logLoss?: boolean;
}

/** `auth`: no challenge_sent events; `failures`: no challenge_sent nor auth_succeeded. */
export type Interest = 'all' | 'auth' | 'failures';

function evidence(ctx: LineContext, text: string): Evidence {
  return { source: ctx.source, line: ctx.line, text: text.length > EVIDENCE_MAX ? text.slice(0, EVIDENCE_MAX) : text };
}

/**
 * Builds an event with one fixed shape per kind (no spreads: this runs for every
 * report); a failure of reason `no_extension` carries the dialled number as well.
 */
function located(
  kind: 'auth_failed' | 'auth_succeeded' | 'challenge_sent',
  at: number, service: string, ip: IpAddress, port: number | null, account: string, session: string | null,
  signature: Signature, decoys: readonly string[], ev: Evidence, reason: FailureReason, detail: string, extension: string,
): SecurityEvent {
  if (kind !== 'auth_failed') return { kind, at, service, ip, port, account, session, signature, decoys, evidence: ev };
  if (reason === 'no_extension') return { kind, at, service, ip, port, account, session, signature, decoys, evidence: ev, reason, detail, extension };
  return { kind, at, service, ip, port, account, session, signature, decoys, evidence: ev, reason, detail };
}

function fromSecurity(f: SecurityFields, at: number, ev: Evidence, signature: 'security-log' | 'ami-event'): SecurityEvent {
  if (f.candidates.length > 0) {
    return { kind: 'injection_suspected', at, service: f.service, candidates: f.candidates, signature, evidence: ev };
  }
  const { ip, port } = f.remote;
  const session = f.session || null;
  if (f.type === 'SuccessfulAuth') return located('auth_succeeded', at, f.service, ip, port, f.account, session, signature, f.decoys, ev, 'other', '', '');
  if (f.type === 'ChallengeSent') return located('challenge_sent', at, f.service, ip, port, f.account, session, signature, f.decoys, ev, 'other', '', '');
  const reason = failureReasonOf(f.type, f.aclName) ?? 'other';
  // chan_sip reports a call to a missing extension as FailedACL "no_extension_match", the dialled number as AccountID.
  return located('auth_failed', at, f.service, ip, port, f.account, session, signature, f.decoys, ev, reason, f.aclName ? `${f.type} (${f.aclName})` : f.type, f.account);
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

/**
 * Parses one log line (without its newline). Returns null for lines that report no
 * authentication. With `ctx.logLoss`, the logger's reports of lost messages come out
 * as {@link LogDropped}; without it they are null, like any other line.
 */
export function parseLine(line: string, ctx: LineContext & { readonly logLoss: true }): ParsedEvent | null;
export function parseLine(line: string, ctx: LineContext): SecurityEvent | null;
export function parseLine(line: string, ctx: LineContext): ParsedEvent | null {
  const framed = frameLine(line, ctx.refTime, ctx.cache ?? newDateCache());
  if (!framed) return null;
  const lineTime = Number.isNaN(framed.time) ? ctx.refTime : framed.time;
  if (framed.module === 'logger') return ctx.logLoss === true ? logDropped(framed.message, lineTime, ctx, line) : null;
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
  const kind = m.outcome === 'succeeded' ? 'auth_succeeded' : 'auth_failed';
  return located(kind, lineTime, m.service, m.endpoint.ip, m.endpoint.port, m.account, session, m.signature, m.decoys, ev, m.reason, m.detail, m.extension);
}

function logDropped(message: string, at: number, ctx: LineContext, line: string): LogDropped | null {
  const r = parseLoggerMessage(message);
  return r && { kind: 'log_dropped', at, phase: r.phase, dropped: r.dropped, limit: r.limit, evidence: evidence(ctx, line) };
}

/**
 * Parses one AMI event frame. Returns null for frames that are not security events.
 *
 * Hot path: most of a PBX's AMI stream is `VarSet`, `Newexten`, `Newstate`… (63 % VarSet
 * in test/fixtures/asterisk-20-calls). Asterisk writes `Event:` first, so the event name
 * is read from the first line before anything is split: a frame that names another event
 * (or one the caller's interest leaves out: ChallengeSent for `auth`, SuccessfulAuth too
 * for `failures`) is rejected there. A frame that does not start with `Event: ` (or names
 * none) is parsed whole, as before, so the result never differs from the full parse.
 */
export function parseAmiFrame(frame: string, ctx: LineContext): SecurityEvent | null {
  if (frame.indexOf('Event: ') < 0) return null;
  const name = firstEventName(frame);
  if (name !== null && (!isSecurityEventName(name) || skippedByInterest(name, ctx.interest))) return null;
  const f = parseAmiSecurityFrame(frame);
  if (!f) return null;
  return fromSecurity(f, Number.isNaN(f.eventTime) ? ctx.refTime : f.eventTime, evidence(ctx, frame), 'ami-event');
}

/** The event name of a frame's first line `Event: <name>`; null when the frame starts otherwise or names nothing. */
function firstEventName(frame: string): string | null {
  if (frame.charCodeAt(0) !== 69 /* E */ || !frame.startsWith('Event: ')) return null;
  let end = 7;
  while (end < frame.length) {
    const c = frame.charCodeAt(end);
    if (c === 13 || c === 10) break;
    end++;
  }
  return end > 7 ? frame.slice(7, end) : null;
}

/** Security events a consumer's interest leaves out (see {@link Interest}). */
function skippedByInterest(name: string, interest: Interest | undefined): boolean {
  if (interest === undefined || interest === 'all') return false;
  return name === 'ChallengeSent' || (interest === 'failures' && name === 'SuccessfulAuth');
}
