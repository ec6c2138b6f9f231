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
 * `no_extension`: a call refused because the dialled number does not exist in the
 * caller's context (chan_sip `FailedACL` with `ACLName="no_extension_match"`, the
 * NOTICE "… to extension '…' rejected because extension not found in context '…'" of
 * chan_sip and chan_pjsip): a scanner testing for an open dialplan. A provider's call
 * to a number the dial plan lacks reads the same; its `account` (the PJSIP endpoint,
 * e.g. an IP-identified trunk, or chan_sip's caller name, '' for a guest) tells them
 * apart, the address does not.
 * `scan`: a challenge the address never answered (no parser reports it: the engine
 * finds it, see engine/challenges.ts), counted against `policy.scan`, not the tiers.
 */
export type FailureReason =
  | 'wrong_password' | 'unknown_account' | 'acl_denied' | 'not_allowed' | 'bad_request' | 'no_extension' | 'limit' | 'other'
  | 'scan';

/**
 * Which pattern recognised the report. Used to decide which reports are independent
 * witnesses of the same attempt (see engine/attempts.ts) and to require that every
 * pattern has real samples in the tests.
 */
export type Signature =
  | 'security-log' | 'ami-event'
  | 'pjsip-request-failed' | 'pjsip-call-rejected'
  | 'chansip-registration-failed' | 'chansip-call-rejected' | 'chansip-registered' | 'chansip-hacking-attempt'
  | 'manager-auth-failed' | 'manager-nonexistent-user' | 'manager-acl-failed'
  | 'manager-connect-unauthenticated' | 'manager-logged-on'
  | 'iax2-auth-failed' | 'iax2-no-registration' | 'iax2-registered'
  | 'freepbx-unknown-sip'
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
  /**
   * Reason `no_extension` only: the number the caller dialled, as reported
   * (attacker-controlled). For chan_sip's `FailedACL` it is also the AccountID.
   */
  readonly extension?: string;
}
export interface AuthSucceeded extends Located {
  readonly kind: 'auth_succeeded';
}
export interface ChallengeSent extends Located {
  readonly kind: 'challenge_sent';
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

/**
 * Asterisk's logger lost messages: its queue reached `logger_queue_limit` (logger.conf,
 * default 1000) and it discarded messages — all new ones up to Asterisk 23, the
 * non-WARNING/ERROR ones first after that — so NOTICE lines, where failed logins are
 * reported, went unwritten and counts may be low. Alert on it. Not tied to an address
 * (it is written by `logger`, not a channel driver), never counted as a failure, and
 * produced only for a caller that asks for it (see {@link ParsedEvent}). The lines
 * (main/logger.c, all `WARNING[…] logger: …`):
 *
 * - `started`: "Log queue threshold (1000) exceeded.  Discarding new messages." (13.16
 *   to 23) or "… Discarding non-warning/error messages." (later): `limit` is the queue
 *   limit; `dropped` null (the count follows when logging resumes).
 * - `discarded`: "Log queue WARNING / ERROR threshold (200) exceeded. Discarded 150
 *   oldest non-WARNING/ERROR messages." (later than 23): queued messages thrown away
 *   at once, `dropped` = that many, not included in the count at resume.
 * - `overflowed`: "Log queue does not have any non-WARNING/ERROR messages left to
 *   discard. Discarding all new messages." (later than 23): from now on warnings and
 *   errors are lost too; `dropped` null.
 * - `resumed`: "Logging resumed.  37 messages discarded.": `dropped` = messages lost
 *   since `started`.
 *
 * The total loss of an episode is the sum of `dropped` over its lines.
 */
export interface LogDropped {
  readonly kind: 'log_dropped';
  readonly at: number;
  readonly phase: 'started' | 'discarded' | 'overflowed' | 'resumed';
  /** Messages this line reports as lost; null when it gives no count. */
  readonly dropped: number | null;
  /** The queue limit the line names (`logger_queue_limit`, or the WARNING/ERROR allowance over it); null if none. */
  readonly limit: number | null;
  readonly evidence: Evidence;
}

/** What Asterisk reports about authentication: the events the engine counts and decides on. */
export type SecurityEvent = AuthFailed | AuthSucceeded | ChallengeSent | InjectionSuspected;
/**
 * Everything a parser can produce: every {@link SecurityEvent}, and {@link LogDropped}
 * for a caller that asks for it (`LineContext.logLoss`), which routes it to an alert
 * rather than to the engine.
 */
export type ParsedEvent = SecurityEvent | LogDropped;
export type EventKind = ParsedEvent['kind'];
/** An event that carries a trusted source address. */
export type LocatedEvent = Exclude<SecurityEvent, InjectionSuspected>;

/**
 * What the AMI reports about calls (the `call` and `cdr` event classes), in the few
 * fields the toll-fraud guard (src/fraud/) needs. `parseCallFrame` (parsers/calls.ts)
 * produces them from `Newchannel`, `DialBegin`, `DialEnd`, `BridgeEnter`, `Hangup` and
 * `Cdr` frames, and `parseCdrLine` (parsers/cdr.ts) produces `cdr` from a row of
 * cdr_csv's Master.csv. They are not {@link ParsedEvent}s: they never reach the
 * failure engine.
 *
 * Invariants: `account` is taken from the channel's name (`PJSIP/100-0000000e` → `100`,
 * `SIP/200-00000000` → `200`), which chan_pjsip and chan_sip build from the endpoint or
 * peer that matched the call — never from caller-ID text; it is null for channels that
 * are not an account's (`Local/…`, `DAHDI/…`, an Originate without a caller). `exten`,
 * `dialString`, `lastData` and `destination` are what the caller dialled: attacker-chosen
 * text, escaped wherever it is written. `at` is the frame's `Timestamp:` header (manager.conf
 * `timestampevents = yes`) when it has one, else the reader's time for it.
 */
interface CallBase {
  /** Event time, ms since the epoch. */
  readonly at: number;
  readonly evidence: Evidence;
}

/** `Newchannel`: a channel exists (for a caller, before its dial plan runs). */
export interface ChannelCreated extends CallBase {
  readonly kind: 'channel_created';
  readonly channel: string;
  readonly uniqueid: string;
  readonly linkedid: string;
  readonly account: string | null;
  readonly context: string;
  /** The dialled extension as the caller sent it. Attacker-controlled. */
  readonly exten: string;
}

/** `DialBegin`: the caller channel's `Dial()` starts calling a destination channel. */
export interface DialBegin extends CallBase {
  readonly kind: 'dial_begin';
  /** The caller channel ('' for an Originate, which has none). */
  readonly channel: string;
  readonly uniqueid: string;
  readonly linkedid: string;
  readonly account: string | null;
  /** The dial plan context `Dial()` ran in. */
  readonly context: string;
  /** The caller channel's extension: the number dialled. Attacker-controlled. */
  readonly exten: string;
  readonly destChannel: string;
  readonly destUniqueid: string;
  /** The endpoint the destination channel belongs to (`itsp` for `PJSIP/itsp-0000000f`). */
  readonly destAccount: string | null;
  /** The destination channel's context: the endpoint's `context=` (`from-trunk` for a FreePBX trunk). */
  readonly destContext: string;
  /** What `Dial()` was given after the technology (`0118823456789@itsp`). Attacker-controlled. */
  readonly dialString: string;
}

/** `DialEnd`: the dial to one destination ended (`ANSWER`, `BUSY`, `NOANSWER`, `CANCEL`, …). */
export interface DialEnd extends CallBase {
  readonly kind: 'dial_end';
  readonly channel: string;
  readonly uniqueid: string;
  readonly destChannel: string;
  readonly destUniqueid: string;
  readonly status: string;
}

/** `BridgeEnter`: a channel joined a bridge (both legs of an answered call do). */
export interface BridgeEnter extends CallBase {
  readonly kind: 'bridge_enter';
  readonly channel: string;
  readonly uniqueid: string;
  readonly linkedid: string;
  readonly bridge: string;
}

/** `Hangup`: a channel is gone. */
export interface ChannelHangup extends CallBase {
  readonly kind: 'hangup';
  readonly channel: string;
  readonly uniqueid: string;
  readonly linkedid: string;
  /** Q.850 cause (16 normal clearing, 17 busy, …); null when absent or not a number. */
  readonly cause: number | null;
  readonly causeText: string;
}

/** `Cdr` (cdr_manager) or one row of Master.csv (cdr_csv): one finished call, as billed. */
export interface CdrRecord extends CallBase {
  readonly kind: 'cdr';
  readonly channel: string;
  readonly account: string | null;
  readonly destChannel: string;
  readonly destAccount: string | null;
  /** The number dialled (`dst`). Attacker-controlled. */
  readonly destination: string;
  /** `dcontext`: the context the call ended in. */
  readonly context: string;
  readonly lastApp: string;
  /** The last application's argument (`PJSIP/0118823456789@itsp,30`). Attacker-controlled. */
  readonly lastData: string;
  /** Local time as written (cdr.conf `usegmtime` decides the zone), ms; NaN if unreadable. */
  readonly start: number;
  /** Null when the call was never answered. */
  readonly answer: number | null;
  readonly end: number;
  /** Seconds from start to end, and from answer to end (what is billed). */
  readonly duration: number;
  readonly billsec: number;
  /** `ANSWERED`, `NO ANSWER`, `BUSY`, `FAILED`, `CONGESTION`. */
  readonly disposition: string;
  /** The caller channel's Uniqueid; null when the CSV does not log it (cdr.conf `loguniqueid`). */
  readonly uniqueid: string | null;
}

/** What the AMI and the CDRs say about calls: the toll-fraud guard's input. */
export type CallEvent = ChannelCreated | DialBegin | DialEnd | BridgeEnter | ChannelHangup | CdrRecord;
export type CallEventKind = CallEvent['kind'];
