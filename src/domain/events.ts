/**
 * The vocabulary of the whole system: one discriminated union of what Asterisk
 * reports about authentication. Parsers produce these; the attempt counter, the
 * policy engine, the store, the failed-auth log and the API consume them.
 *
 * Invariant: `ip` was taken from the structured slot of its report (never found by
 * searching attacker-chosen text) and is a canonical {@link IpAddress}. Every other
 * string field except `service` may hold attacker-chosen text and must be escaped
 * wherever it is written.
 */
import type { IpAddress } from './ip.js';

/** Asterisk's `Service` names; other services keep Asterisk's own spelling. */
export type Service = 'PJSIP' | 'SIP' | 'IAX2' | 'AMI' | 'HTTP' | (string & {});

/** Asterisk's own list of security event types (res_security_log / AMI `Event:`). */
export const ASTERISK_SECURITY_EVENTS = [
  'FailedACL', 'InvalidAccountID', 'SessionLimit', 'MemoryLimit', 'LoadAverageLimit',
  'RequestNotSupported', 'RequestNotAllowed', 'AuthMethodNotAllowed', 'RequestBadFormat',
  'SuccessfulAuth', 'UnexpectedAddress', 'ChallengeResponseFailed', 'InvalidPassword',
  'ChallengeSent', 'InvalidTransport',
] as const;
export type AsteriskSecurityEventType = (typeof ASTERISK_SECURITY_EVENTS)[number];

/**
 * Why an authentication failed. `limit` marks refusals caused by the PBX's own
 * state (session/load/memory limits, RTP set-up), which the policy does not count.
 */
export type FailureReason =
  | 'wrong_password' | 'unknown_account' | 'acl_denied' | 'not_allowed' | 'bad_request' | 'limit' | 'other';

/**
 * Which pattern recognised the report. Used to decide which reports are independent
 * witnesses of the same attempt (see engine/attempts.ts) and to require that every
 * pattern has real samples in the tests.
 */
export type Signature =
  | 'security-log' | 'ami-event'
  | 'pjsip-request-failed' | 'pjsip-call-rejected'
  | 'chansip-registration-failed' | 'chansip-call-rejected' | 'chansip-registered'
  | 'manager-auth-failed' | 'manager-nonexistent-user' | 'manager-acl-failed'
  | 'manager-connect-unauthenticated' | 'manager-logged-on'
  | 'iax2-auth-failed' | 'iax2-no-registration' | 'iax2-registered'
  | 'http-login-failed';

/** Where a report came from, so every ban can be traced to the exact lines behind it. */
export interface Evidence {
  /** File path, `ami:<host>:<port>`, or another source name. */
  readonly source: string;
  /** 1-based line number in the file (or frame number for AMI); 0 if unknown. */
  readonly line: number;
  /** The raw text, cut to {@link EVIDENCE_MAX} characters. Attacker-controlled. */
  readonly text: string;
}
export const EVIDENCE_MAX = 2048;

interface Located {
  /** Event time, ms since the epoch. */
  readonly at: number;
  readonly service: Service;
  readonly ip: IpAddress;
  readonly port: number | null;
  /** Account (user name, endpoint, peer) as reported. Attacker-controlled. */
  readonly account: string;
  /** Call-ID / SessionID / thread id that ties reports of one attempt together. Attacker-controlled for SIP. */
  readonly session: string | null;
  readonly signature: Signature;
  /** Address-like text found in other slots of the same report: a log-injection attempt. */
  readonly decoys: readonly string[];
  readonly evidence: Evidence;
}

export interface AuthFailed extends Located {
  readonly kind: 'auth_failed';
  readonly reason: FailureReason;
  /** Asterisk's event type or NOTICE wording, for people. */
  readonly detail: string;
}
export interface AuthSucceeded extends Located {
  readonly kind: 'auth_succeeded';
}
export interface ChallengeSent extends Located {
  readonly kind: 'challenge_sent';
}
/** A call refused because the dialled extension does not exist (recorded, not counted). */
export interface CallRejected extends Located {
  readonly kind: 'call_rejected';
  readonly extension: string;
}
/**
 * A report whose address slot cannot be told apart from attacker-written decoys.
 * It counts for nobody; another report of the same attempt (security log, AMI)
 * decides who made it.
 */
export interface InjectionSuspected {
  readonly kind: 'injection_suspected';
  readonly at: number;
  readonly service: Service;
  readonly candidates: readonly string[];
  readonly signature: Signature;
  readonly evidence: Evidence;
}

export type SecurityEvent = AuthFailed | AuthSucceeded | ChallengeSent | CallRejected | InjectionSuspected;
export type EventKind = SecurityEvent['kind'];
/** An event that carries a trusted source address. */
export type LocatedEvent = Exclude<SecurityEvent, InjectionSuspected>;
