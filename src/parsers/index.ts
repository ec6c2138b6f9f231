/**
 * Parsers: pure functions from one log line or one AMI frame to at most one
 * {@link SecurityEvent}. No I/O, no clock (the reference time for year-less dates
 * is passed in), no state beyond an optional per-reader date cache.
 */
import { EVIDENCE_MAX, type Evidence, type SecurityEvent } from '../domain/events.js';
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
}

function evidence(ctx: LineContext, text: string): Evidence {
  return { source: ctx.source, line: ctx.line, text: text.length > EVIDENCE_MAX ? text.slice(0, EVIDENCE_MAX) : text };
}

function fromSecurity(f: SecurityFields, at: number, ev: Evidence, signature: 'security-log' | 'ami-event'): SecurityEvent {
  if (f.candidates.length > 1) {
    return { kind: 'injection_suspected', at, service: f.service, candidates: f.candidates, signature, evidence: ev };
  }
  const common = {
    at,
    service: f.service,
    ip: f.remote.ip,
    port: f.remote.port,
    account: f.account,
    session: f.session || null,
    signature,
    decoys: f.decoys,
    evidence: ev,
  };
  if (f.type === 'SuccessfulAuth') return { ...common, kind: 'auth_succeeded' };
  if (f.type === 'ChallengeSent') return { ...common, kind: 'challenge_sent' };
  if (f.type === 'FailedACL' && f.aclName === 'no_extension_match') {
    // chan_sip reports a call to a missing extension as FailedACL: a rejected call, not a failed login.
    return { ...common, kind: 'call_rejected', extension: f.account };
  }
  const reason = failureReasonOf(f.type, f.aclName) ?? 'other';
  return { ...common, kind: 'auth_failed', reason, detail: f.aclName ? `${f.type} (${f.aclName})` : f.type };
}

/** Parses one log line (without its newline). Returns null for lines that report no authentication. */
export function parseLine(line: string, ctx: LineContext): SecurityEvent | null {
  const framed = frameLine(line, ctx.refTime, ctx.cache ?? newDateCache());
  if (!framed) return null;
  const lineTime = Number.isNaN(framed.time) ? ctx.refTime : framed.time;
  if (framed.module === 'res_security_log.c') {
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
  const common = {
    at: lineTime,
    service: m.service,
    ip: m.endpoint.ip,
    port: m.endpoint.port,
    account: m.account,
    session: m.session ?? (m.service === 'AMI' ? `lwp:${framed.lwp}` : null),
    signature: m.signature,
    decoys: m.decoys,
    evidence: ev,
  };
  switch (m.outcome) {
    case 'succeeded': return { ...common, kind: 'auth_succeeded' };
    case 'call_rejected': return { ...common, kind: 'call_rejected', extension: m.extension };
    default: return { ...common, kind: 'auth_failed', reason: m.reason, detail: m.detail };
  }
}

/** Parses one AMI event frame. Returns null for frames that are not security events. */
export function parseAmiFrame(frame: string, ctx: LineContext): SecurityEvent | null {
  if (frame.indexOf('Event: ') < 0) return null;
  const f = parseAmiSecurityFrame(frame);
  if (!f) return null;
  return fromSecurity(f, Number.isNaN(f.eventTime) ? ctx.refTime : f.eventTime, evidence(ctx, frame), 'ami-event');
}
