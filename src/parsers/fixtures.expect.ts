/**
 * Expected parse results for every line of the real Asterisk 20 captures in
 * ../shared/fixtures/asterisk-20/ (the fail2ban way: sample, expected result beside it).
 *
 * Keyed by fixture file, then by 1-based line number (AMI: frame number, frames split
 * on "\r\n\r\n", the banner + login response is frame 1). A line or frame that is NOT
 * listed must parse to null. Comments name the traffic step (traffic-timeline.txt /
 * step-breakdown.txt) that produced the lines below them.
 *
 * First drafted by a script with its own regexes (not the parsers), then checked by
 * hand against README.txt and step-breakdown.txt. Notable decisions, all checked:
 * - S12, S13, S24: a call to a number the caller's context lacks is a dialplan probe,
 *   `auth_failed` with reason `no_extension` and the dialled number as `extension`.
 *   chan_sip's FailedACL with ACLName="no_extension_match" has that number as its
 *   AccountID too; the NOTICE "Call from '123' ..." has account '123' exactly as
 *   printed (the peer's Contact user, not the peer name 200: README.txt says so). The
 *   trunk's call (S13, 127.0.0.2) counts like any other: sipwarden cannot tell a
 *   misrouted DID from a probe by the line.
 * - S21: chan_sip with alwaysauthreject=yes logs the unknown user 999 as
 *   "Wrong password" / InvalidPassword: the expectation is what Asterisk wrote
 *   (wrong_password), not what the tester knows.
 * - S25/S26: manager.c writes "<ip> failed to authenticate as '<user>'" after EVERY
 *   failed login, also for a nonexistent user (right after "tried to authenticate
 *   with nonexistent user") — so that line carries no reason of its own: `other`.
 *   The lines of one AMI login share the thread id, kept as session `lwp:<n>`.
 *   VERBOSE "Connect attempt from '<ip>' unable to authenticate" is auth_failed/other;
 *   "Manager '<user>' logged on from <ip>" is auth_succeeded ("logged off" is null).
 * - VERBOSE "Registered SIP '200' at 127.0.0.1:5094" and "Registered IAX2 'iaxuser'
 *   (AUTHENTICATED) at 127.0.0.1:41308" are auth_succeeded; "Seeding 'iaxuser' at
 *   127.0.0.1:44044" (astdb restore at start-up) is null.
 * - PJSIP ChallengeSent for unknown users has AccountID="<unknown>"; chan_sip
 *   ChallengeSent for an INVITE has the whole From URI as AccountID (S22, S23).
 * - AMI `Event: PeerStatus` (Rejected / AUTH_SECRET_FAILED, Registered, Unregistered)
 *   frames are null: chan_sip reports the same attempts as InvalidPassword /
 *   SuccessfulAuth security events right beside them, and there is no signature for a
 *   third witness of one attempt. DeviceStateChange, FullyBooted, the banner: null.
 * - Times: year-less dates are read with REF_TIME (the day after the capture) under
 *   TZ=UTC; security events and AMI frames take EventTV with its milliseconds.
 * - No fixture line has decoys: every expected event has `decoys: []`.
 */
import type { FailureReason, Signature } from '../domain/events.js';

/** The capture was made on 2026-11-24; logs are read the next day. */
export const REF_TIME = Date.UTC(2026, 10, 25);

export const FIXTURE_DIR = new URL('../../test/fixtures/asterisk-20/', import.meta.url);

export type FixtureFile =
  | 'messages.log' | 'full.log' | 'security.log'
  | 'iso-dateformat/messages.log' | 'iso-dateformat/full.log' | 'iso-dateformat/security.log'
  | 'ami-events.txt';

/** The fields of an expected event; `at` as an ISO string for readability. */
export interface Expected {
  readonly kind: 'auth_failed' | 'auth_succeeded' | 'challenge_sent';
  readonly reason?: FailureReason;
  readonly signature: Signature;
  readonly service: string;
  readonly ip: string;
  readonly port: number | null;
  readonly account: string;
  readonly session: string | null;
  readonly at: string;
  readonly extension?: string;
}

export const EXPECTED: Record<FixtureFile, Readonly<Record<number, Expected>>> = {
  'messages.log': {
    // S02: svwar REGISTER extension enumeration 90-110 against chan_pjsip 127.0.0.1:5060 (existing: 100,101,102)
    17: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1632413315', session: '4114168891', at: '2026-11-24T18:05:31.000Z' },
    18: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '90', session: '2878244319', at: '2026-11-24T18:05:31.000Z' },
    // S03: svwar again, one invocation per extension 90..110 (svwar -e<N> --force) against chan_pjsip :5060, so every extension is probed
    19: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '3913408940', session: '2538066426', at: '2026-11-24T18:05:36.000Z' },
    20: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '90', session: '3612659041', at: '2026-11-24T18:05:36.000Z' },
    21: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '4037802289', session: '134559998', at: '2026-11-24T18:05:40.000Z' },
    22: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '91', session: '4097151905', at: '2026-11-24T18:05:40.000Z' },
    23: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '3764041509', session: '1020487165', at: '2026-11-24T18:05:43.000Z' },
    24: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '92', session: '2061774348', at: '2026-11-24T18:05:43.000Z' },
    25: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1724210081', session: '63249235', at: '2026-11-24T18:05:46.000Z' },
    26: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '93', session: '2308719747', at: '2026-11-24T18:05:46.000Z' },
    27: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1002290263', session: '737402973', at: '2026-11-24T18:05:49.000Z' },
    28: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '94', session: '2927460446', at: '2026-11-24T18:05:49.000Z' },
    29: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1043735632', session: '3342199052', at: '2026-11-24T18:05:52.000Z' },
    30: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '95', session: '1130422045', at: '2026-11-24T18:05:52.000Z' },
    31: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '864175540', session: '485814024', at: '2026-11-24T18:05:55.000Z' },
    32: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '96', session: '3313033449', at: '2026-11-24T18:05:55.000Z' },
    33: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '2139168259', session: '454896241', at: '2026-11-24T18:05:59.000Z' },
    34: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '97', session: '928677903', at: '2026-11-24T18:05:59.000Z' },
    35: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '3896682147', session: '2113454871', at: '2026-11-24T18:06:02.000Z' },
    36: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '98', session: '1432367382', at: '2026-11-24T18:06:02.000Z' },
    37: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '3076319827', session: '2971779986', at: '2026-11-24T18:06:05.000Z' },
    38: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '99', session: '1056925201', at: '2026-11-24T18:06:05.000Z' },
    39: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '92292614', session: '180720015', at: '2026-11-24T18:06:08.000Z' },
    40: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '2747531756', session: '366476641', at: '2026-11-24T18:06:11.000Z' },
    41: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '171758062', session: '4180419521', at: '2026-11-24T18:06:14.000Z' },
    42: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '2396467409', session: '2864218584', at: '2026-11-24T18:06:18.000Z' },
    43: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '103', session: '3704724807', at: '2026-11-24T18:06:18.000Z' },
    44: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '452914235', session: '1101102098', at: '2026-11-24T18:06:21.000Z' },
    45: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '104', session: '2461554836', at: '2026-11-24T18:06:21.000Z' },
    46: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '2795110713', session: '1329341031', at: '2026-11-24T18:06:24.000Z' },
    47: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '105', session: '503987316', at: '2026-11-24T18:06:24.000Z' },
    48: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '200985425', session: '743570130', at: '2026-11-24T18:06:27.000Z' },
    49: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '106', session: '2627823711', at: '2026-11-24T18:06:27.000Z' },
    50: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1494332518', session: '3523405063', at: '2026-11-24T18:06:30.000Z' },
    51: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '107', session: '3510864395', at: '2026-11-24T18:06:30.000Z' },
    52: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1064845891', session: '3714356139', at: '2026-11-24T18:06:33.000Z' },
    53: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '108', session: '3263506331', at: '2026-11-24T18:06:33.000Z' },
    54: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '4155832729', session: '2800579099', at: '2026-11-24T18:06:37.000Z' },
    55: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '109', session: '3139796628', at: '2026-11-24T18:06:37.000Z' },
    56: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '3834562893', session: '1068680989', at: '2026-11-24T18:06:40.000Z' },
    57: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '110', session: '3362011928', at: '2026-11-24T18:06:40.000Z' },
    // S04: svcrack password guessing for user 100 on chan_pjsip :5060, dictionary of 9 words, correct one (Tr0ub4dor100) last
    58: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.000Z' },
    59: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.000Z' },
    60: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.000Z' },
    61: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.000Z' },
    62: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.000Z' },
    63: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.000Z' },
    64: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.000Z' },
    65: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.000Z' },
    // S06: sipp REGISTER user 102 with WRONG password 'wrongpass1' to chan_pjsip :5060 (attempt 1/3)
    66: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-17006@127.0.0.1', at: '2026-11-24T18:06:49.000Z' },
    // S07: sipp REGISTER user 102 with WRONG password 'wrongpass2' to chan_pjsip :5060 (attempt 2/3)
    67: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-17031@127.0.0.1', at: '2026-11-24T18:06:52.000Z' },
    // S08: sipp REGISTER user 102 with WRONG password 'wrongpass3' to chan_pjsip :5060 (attempt 3/3)
    68: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-17075@127.0.0.1', at: '2026-11-24T18:06:54.000Z' },
    // S09: sipp REGISTER for UNKNOWN user 999 (password 'guess999') to chan_pjsip :5060
    69: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '999', session: '1-17104@127.0.0.1', at: '2026-11-24T18:06:56.000Z' },
    70: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '999', session: '1-17104@127.0.0.1', at: '2026-11-24T18:06:56.000Z' },
    71: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '999', session: '1-17104@127.0.0.1', at: '2026-11-24T18:06:56.000Z' },
    // S11: sipp INVITE WITHOUT auth, From UNKNOWN user 'attacker' To 101, chan_pjsip :5060
    72: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: 'attacker', session: '1-17154@127.0.0.1', at: '2026-11-24T18:07:00.000Z' },
    // S12: sipp authenticated INVITE from 100 (correct password) to non-existent international number 9011442079460000, chan_pjsip :5060 (toll-fraud style)
    73: { kind: 'auth_failed', reason: 'no_extension', signature: 'pjsip-call-rejected', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '100', session: null, at: '2026-11-24T18:07:02.000Z', extension: '9011442079460000' },
    // S13: sipp INVITE from trunk IP 127.0.0.2:5080 (identified as endpoint trunk-itsp by IP, no auth) to non-existent 9011442079460001, chan_pjsip :5060
    74: { kind: 'auth_failed', reason: 'no_extension', signature: 'pjsip-call-rejected', service: 'PJSIP', ip: '127.0.0.2', port: 5080, account: 'trunk-itsp', session: null, at: '2026-11-24T18:07:05.000Z', extension: '9011442079460001' },
    // S16: svcrack password guessing for user 200 on chan_sip :5070, dictionary of 9 words, correct one (ChanS1p200) last
    75: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:08:20.000Z' },
    76: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:08:20.000Z' },
    77: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:08:20.000Z' },
    78: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:08:20.000Z' },
    79: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:08:20.000Z' },
    80: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:08:20.000Z' },
    81: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:08:20.000Z' },
    82: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:08:20.000Z' },
    // S18: sipp REGISTER user 201 with WRONG password 'wrongpass1' to chan_sip :5070 (attempt 1/3)
    83: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: null, at: '2026-11-24T18:08:25.000Z' },
    // S19: sipp REGISTER user 201 with WRONG password 'wrongpass2' to chan_sip :5070 (attempt 2/3)
    84: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: null, at: '2026-11-24T18:08:27.000Z' },
    // S20: sipp REGISTER user 201 with WRONG password 'wrongpass3' to chan_sip :5070 (attempt 3/3)
    85: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: null, at: '2026-11-24T18:08:29.000Z' },
    // S21: sipp REGISTER for UNKNOWN user 999 (password 'guess999') to chan_sip :5070
    86: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '999', session: null, at: '2026-11-24T18:08:31.000Z' },
    // S24: sipp authenticated INVITE from 200 (correct password) to non-existent 9011442079460002, chan_sip :5070 (toll-fraud style)
    87: { kind: 'auth_failed', reason: 'no_extension', signature: 'chansip-call-rejected', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '123', session: null, at: '2026-11-24T18:08:38.000Z', extension: '9011442079460002' },
    // S25: AMI login as sipwarden with WRONG secret 'wrongsecret' via nc 127.0.0.1:5038
    88: { kind: 'auth_failed', reason: 'other', signature: 'manager-auth-failed', service: 'AMI', ip: '127.0.0.1', port: null, account: 'sipwarden', session: 'lwp:18072', at: '2026-11-24T18:08:40.000Z' },
    // S26: AMI login as NON-EXISTENT user 'admin' (secret 'amp111') via nc 127.0.0.1:5038
    89: { kind: 'auth_failed', reason: 'unknown_account', signature: 'manager-nonexistent-user', service: 'AMI', ip: '127.0.0.1', port: null, account: 'admin', session: 'lwp:18799', at: '2026-11-24T18:08:46.000Z' },
    90: { kind: 'auth_failed', reason: 'other', signature: 'manager-auth-failed', service: 'AMI', ip: '127.0.0.1', port: null, account: 'admin', session: 'lwp:18799', at: '2026-11-24T18:08:46.000Z' },
    // S28: IAX2 REGREQ user iaxuser with WRONG secret 'wrongiax' (tools/iax2_reg.py) to 127.0.0.1:4569
    91: { kind: 'auth_failed', reason: 'wrong_password', signature: 'iax2-auth-failed', service: 'IAX2', ip: '127.0.0.1', port: null, account: 'iaxuser', session: null, at: '2026-11-24T18:08:57.000Z' },
    // S29: IAX2 REGREQ UNKNOWN user 'nosuchuser' (tools/iax2_reg.py) to 127.0.0.1:4569
    92: { kind: 'auth_failed', reason: 'unknown_account', signature: 'iax2-no-registration', service: 'IAX2', ip: '127.0.0.1', port: null, account: 'nosuchuser', session: null, at: '2026-11-24T18:09:00.000Z' },
    93: { kind: 'auth_failed', reason: 'unknown_account', signature: 'iax2-no-registration', service: 'IAX2', ip: '127.0.0.1', port: null, account: 'nosuchuser', session: null, at: '2026-11-24T18:09:00.000Z' },
  },
  'full.log': {
    // --: not attack traffic (recorder login / start-up / restored registrations)
    42: { kind: 'auth_succeeded', signature: 'manager-logged-on', service: 'AMI', ip: '127.0.0.1', port: null, account: 'sipwarden', session: 'lwp:16727', at: '2026-11-24T18:05:24.000Z' },
    // S02: svwar REGISTER extension enumeration 90-110 against chan_pjsip 127.0.0.1:5060 (existing: 100,101,102)
    43: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1632413315', session: '4114168891', at: '2026-11-24T18:05:31.000Z' },
    44: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '90', session: '2878244319', at: '2026-11-24T18:05:31.000Z' },
    // S03: svwar again, one invocation per extension 90..110 (svwar -e<N> --force) against chan_pjsip :5060, so every extension is probed
    45: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '3913408940', session: '2538066426', at: '2026-11-24T18:05:36.000Z' },
    46: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '90', session: '3612659041', at: '2026-11-24T18:05:36.000Z' },
    47: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '4037802289', session: '134559998', at: '2026-11-24T18:05:40.000Z' },
    48: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '91', session: '4097151905', at: '2026-11-24T18:05:40.000Z' },
    49: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '3764041509', session: '1020487165', at: '2026-11-24T18:05:43.000Z' },
    50: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '92', session: '2061774348', at: '2026-11-24T18:05:43.000Z' },
    51: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1724210081', session: '63249235', at: '2026-11-24T18:05:46.000Z' },
    52: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '93', session: '2308719747', at: '2026-11-24T18:05:46.000Z' },
    53: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1002290263', session: '737402973', at: '2026-11-24T18:05:49.000Z' },
    54: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '94', session: '2927460446', at: '2026-11-24T18:05:49.000Z' },
    55: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1043735632', session: '3342199052', at: '2026-11-24T18:05:52.000Z' },
    56: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '95', session: '1130422045', at: '2026-11-24T18:05:52.000Z' },
    57: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '864175540', session: '485814024', at: '2026-11-24T18:05:55.000Z' },
    58: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '96', session: '3313033449', at: '2026-11-24T18:05:55.000Z' },
    59: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '2139168259', session: '454896241', at: '2026-11-24T18:05:59.000Z' },
    60: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '97', session: '928677903', at: '2026-11-24T18:05:59.000Z' },
    61: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '3896682147', session: '2113454871', at: '2026-11-24T18:06:02.000Z' },
    62: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '98', session: '1432367382', at: '2026-11-24T18:06:02.000Z' },
    63: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '3076319827', session: '2971779986', at: '2026-11-24T18:06:05.000Z' },
    64: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '99', session: '1056925201', at: '2026-11-24T18:06:05.000Z' },
    65: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '92292614', session: '180720015', at: '2026-11-24T18:06:08.000Z' },
    66: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '2747531756', session: '366476641', at: '2026-11-24T18:06:11.000Z' },
    67: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '171758062', session: '4180419521', at: '2026-11-24T18:06:14.000Z' },
    68: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '2396467409', session: '2864218584', at: '2026-11-24T18:06:18.000Z' },
    69: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '103', session: '3704724807', at: '2026-11-24T18:06:18.000Z' },
    70: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '452914235', session: '1101102098', at: '2026-11-24T18:06:21.000Z' },
    71: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '104', session: '2461554836', at: '2026-11-24T18:06:21.000Z' },
    72: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '2795110713', session: '1329341031', at: '2026-11-24T18:06:24.000Z' },
    73: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '105', session: '503987316', at: '2026-11-24T18:06:24.000Z' },
    74: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '200985425', session: '743570130', at: '2026-11-24T18:06:27.000Z' },
    75: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '106', session: '2627823711', at: '2026-11-24T18:06:27.000Z' },
    76: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1494332518', session: '3523405063', at: '2026-11-24T18:06:30.000Z' },
    77: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '107', session: '3510864395', at: '2026-11-24T18:06:30.000Z' },
    78: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1064845891', session: '3714356139', at: '2026-11-24T18:06:33.000Z' },
    79: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '108', session: '3263506331', at: '2026-11-24T18:06:33.000Z' },
    80: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '4155832729', session: '2800579099', at: '2026-11-24T18:06:37.000Z' },
    81: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '109', session: '3139796628', at: '2026-11-24T18:06:37.000Z' },
    82: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '3834562893', session: '1068680989', at: '2026-11-24T18:06:40.000Z' },
    83: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '110', session: '3362011928', at: '2026-11-24T18:06:40.000Z' },
    // S04: svcrack password guessing for user 100 on chan_pjsip :5060, dictionary of 9 words, correct one (Tr0ub4dor100) last
    84: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.000Z' },
    85: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.000Z' },
    86: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.000Z' },
    87: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.000Z' },
    88: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.000Z' },
    89: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.000Z' },
    90: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.000Z' },
    91: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.000Z' },
    // S06: sipp REGISTER user 102 with WRONG password 'wrongpass1' to chan_pjsip :5060 (attempt 1/3)
    92: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-17006@127.0.0.1', at: '2026-11-24T18:06:49.000Z' },
    // S07: sipp REGISTER user 102 with WRONG password 'wrongpass2' to chan_pjsip :5060 (attempt 2/3)
    93: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-17031@127.0.0.1', at: '2026-11-24T18:06:52.000Z' },
    // S08: sipp REGISTER user 102 with WRONG password 'wrongpass3' to chan_pjsip :5060 (attempt 3/3)
    94: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-17075@127.0.0.1', at: '2026-11-24T18:06:54.000Z' },
    // S09: sipp REGISTER for UNKNOWN user 999 (password 'guess999') to chan_pjsip :5060
    95: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '999', session: '1-17104@127.0.0.1', at: '2026-11-24T18:06:56.000Z' },
    96: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '999', session: '1-17104@127.0.0.1', at: '2026-11-24T18:06:56.000Z' },
    97: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '999', session: '1-17104@127.0.0.1', at: '2026-11-24T18:06:56.000Z' },
    // S11: sipp INVITE WITHOUT auth, From UNKNOWN user 'attacker' To 101, chan_pjsip :5060
    98: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: 'attacker', session: '1-17154@127.0.0.1', at: '2026-11-24T18:07:00.000Z' },
    // S12: sipp authenticated INVITE from 100 (correct password) to non-existent international number 9011442079460000, chan_pjsip :5060 (toll-fraud style)
    99: { kind: 'auth_failed', reason: 'no_extension', signature: 'pjsip-call-rejected', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '100', session: null, at: '2026-11-24T18:07:02.000Z', extension: '9011442079460000' },
    // S13: sipp INVITE from trunk IP 127.0.0.2:5080 (identified as endpoint trunk-itsp by IP, no auth) to non-existent 9011442079460001, chan_pjsip :5060
    100: { kind: 'auth_failed', reason: 'no_extension', signature: 'pjsip-call-rejected', service: 'PJSIP', ip: '127.0.0.2', port: 5080, account: 'trunk-itsp', session: null, at: '2026-11-24T18:07:05.000Z', extension: '9011442079460001' },
    // S16: svcrack password guessing for user 200 on chan_sip :5070, dictionary of 9 words, correct one (ChanS1p200) last
    101: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:08:20.000Z' },
    102: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:08:20.000Z' },
    103: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:08:20.000Z' },
    104: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:08:20.000Z' },
    105: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:08:20.000Z' },
    106: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:08:20.000Z' },
    107: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:08:20.000Z' },
    108: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:08:20.000Z' },
    109: { kind: 'auth_succeeded', signature: 'chansip-registered', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:08:20.000Z' },
    // S18: sipp REGISTER user 201 with WRONG password 'wrongpass1' to chan_sip :5070 (attempt 1/3)
    110: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: null, at: '2026-11-24T18:08:25.000Z' },
    // S19: sipp REGISTER user 201 with WRONG password 'wrongpass2' to chan_sip :5070 (attempt 2/3)
    111: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: null, at: '2026-11-24T18:08:27.000Z' },
    // S20: sipp REGISTER user 201 with WRONG password 'wrongpass3' to chan_sip :5070 (attempt 3/3)
    112: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: null, at: '2026-11-24T18:08:29.000Z' },
    // S21: sipp REGISTER for UNKNOWN user 999 (password 'guess999') to chan_sip :5070
    113: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '999', session: null, at: '2026-11-24T18:08:31.000Z' },
    // S24: sipp authenticated INVITE from 200 (correct password) to non-existent 9011442079460002, chan_sip :5070 (toll-fraud style)
    115: { kind: 'auth_failed', reason: 'no_extension', signature: 'chansip-call-rejected', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '123', session: null, at: '2026-11-24T18:08:38.000Z', extension: '9011442079460002' },
    // S25: AMI login as sipwarden with WRONG secret 'wrongsecret' via nc 127.0.0.1:5038
    116: { kind: 'auth_failed', reason: 'other', signature: 'manager-auth-failed', service: 'AMI', ip: '127.0.0.1', port: null, account: 'sipwarden', session: 'lwp:18072', at: '2026-11-24T18:08:40.000Z' },
    117: { kind: 'auth_failed', reason: 'other', signature: 'manager-connect-unauthenticated', service: 'AMI', ip: '127.0.0.1', port: null, account: '', session: 'lwp:18072', at: '2026-11-24T18:08:41.000Z' },
    // S26: AMI login as NON-EXISTENT user 'admin' (secret 'amp111') via nc 127.0.0.1:5038
    118: { kind: 'auth_failed', reason: 'unknown_account', signature: 'manager-nonexistent-user', service: 'AMI', ip: '127.0.0.1', port: null, account: 'admin', session: 'lwp:18799', at: '2026-11-24T18:08:46.000Z' },
    119: { kind: 'auth_failed', reason: 'other', signature: 'manager-auth-failed', service: 'AMI', ip: '127.0.0.1', port: null, account: 'admin', session: 'lwp:18799', at: '2026-11-24T18:08:46.000Z' },
    120: { kind: 'auth_failed', reason: 'other', signature: 'manager-connect-unauthenticated', service: 'AMI', ip: '127.0.0.1', port: null, account: '', session: 'lwp:18799', at: '2026-11-24T18:08:47.000Z' },
    // S27: AMI login as sipwarden with CORRECT secret, then Logoff, via nc 127.0.0.1:5038
    121: { kind: 'auth_succeeded', signature: 'manager-logged-on', service: 'AMI', ip: '127.0.0.1', port: null, account: 'sipwarden', session: 'lwp:19388', at: '2026-11-24T18:08:52.000Z' },
    // S28: IAX2 REGREQ user iaxuser with WRONG secret 'wrongiax' (tools/iax2_reg.py) to 127.0.0.1:4569
    123: { kind: 'auth_failed', reason: 'wrong_password', signature: 'iax2-auth-failed', service: 'IAX2', ip: '127.0.0.1', port: null, account: 'iaxuser', session: null, at: '2026-11-24T18:08:57.000Z' },
    // S29: IAX2 REGREQ UNKNOWN user 'nosuchuser' (tools/iax2_reg.py) to 127.0.0.1:4569
    124: { kind: 'auth_failed', reason: 'unknown_account', signature: 'iax2-no-registration', service: 'IAX2', ip: '127.0.0.1', port: null, account: 'nosuchuser', session: null, at: '2026-11-24T18:09:00.000Z' },
    125: { kind: 'auth_failed', reason: 'unknown_account', signature: 'iax2-no-registration', service: 'IAX2', ip: '127.0.0.1', port: null, account: 'nosuchuser', session: null, at: '2026-11-24T18:09:00.000Z' },
    // S30: IAX2 REGREQ user iaxuser with CORRECT secret (tools/iax2_reg.py) to 127.0.0.1:4569
    126: { kind: 'auth_succeeded', signature: 'iax2-registered', service: 'IAX2', ip: '127.0.0.1', port: 41308, account: 'iaxuser', session: null, at: '2026-11-24T18:09:02.000Z' },
  },
  'security.log': {
    // --: not attack traffic (recorder login / start-up / restored registrations)
    2: { kind: 'auth_succeeded', signature: 'security-log', service: 'AMI', ip: '127.0.0.1', port: 49940, account: 'sipwarden', session: '0x560a6ae7ded0', at: '2026-11-24T18:05:24.754Z' },
    // S01: svmap OPTIONS scan of 127.0.0.1 ports 5060 (chan_pjsip) and 5070 (chan_sip)
    3: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5090, account: '100', session: '400017895824865456237942', at: '2026-11-24T18:05:26.588Z' },
    // S02: svwar REGISTER extension enumeration 90-110 against chan_pjsip 127.0.0.1:5060 (existing: 100,101,102)
    4: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1632413315', session: '4114168891', at: '2026-11-24T18:05:31.757Z' },
    5: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '4114168891', at: '2026-11-24T18:05:31.758Z' },
    6: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '90', session: '2878244319', at: '2026-11-24T18:05:31.765Z' },
    7: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '2878244319', at: '2026-11-24T18:05:31.765Z' },
    // S03: svwar again, one invocation per extension 90..110 (svwar -e<N> --force) against chan_pjsip :5060, so every extension is probed
    8: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '3913408940', session: '2538066426', at: '2026-11-24T18:05:36.959Z' },
    9: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '2538066426', at: '2026-11-24T18:05:36.960Z' },
    10: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '90', session: '3612659041', at: '2026-11-24T18:05:36.967Z' },
    11: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '3612659041', at: '2026-11-24T18:05:36.968Z' },
    12: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '4037802289', session: '134559998', at: '2026-11-24T18:05:40.112Z' },
    13: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '134559998', at: '2026-11-24T18:05:40.112Z' },
    14: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '91', session: '4097151905', at: '2026-11-24T18:05:40.119Z' },
    15: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '4097151905', at: '2026-11-24T18:05:40.119Z' },
    16: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '3764041509', session: '1020487165', at: '2026-11-24T18:05:43.269Z' },
    17: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '1020487165', at: '2026-11-24T18:05:43.270Z' },
    18: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '92', session: '2061774348', at: '2026-11-24T18:05:43.277Z' },
    19: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '2061774348', at: '2026-11-24T18:05:43.277Z' },
    20: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1724210081', session: '63249235', at: '2026-11-24T18:05:46.417Z' },
    21: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '63249235', at: '2026-11-24T18:05:46.417Z' },
    22: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '93', session: '2308719747', at: '2026-11-24T18:05:46.423Z' },
    23: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '2308719747', at: '2026-11-24T18:05:46.424Z' },
    24: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1002290263', session: '737402973', at: '2026-11-24T18:05:49.554Z' },
    25: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '737402973', at: '2026-11-24T18:05:49.555Z' },
    26: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '94', session: '2927460446', at: '2026-11-24T18:05:49.561Z' },
    27: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '2927460446', at: '2026-11-24T18:05:49.562Z' },
    28: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1043735632', session: '3342199052', at: '2026-11-24T18:05:52.702Z' },
    29: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '3342199052', at: '2026-11-24T18:05:52.702Z' },
    30: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '95', session: '1130422045', at: '2026-11-24T18:05:52.709Z' },
    31: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '1130422045', at: '2026-11-24T18:05:52.709Z' },
    32: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '864175540', session: '485814024', at: '2026-11-24T18:05:55.843Z' },
    33: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '485814024', at: '2026-11-24T18:05:55.844Z' },
    34: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '96', session: '3313033449', at: '2026-11-24T18:05:55.851Z' },
    35: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '3313033449', at: '2026-11-24T18:05:55.851Z' },
    36: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '2139168259', session: '454896241', at: '2026-11-24T18:05:59.015Z' },
    37: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '454896241', at: '2026-11-24T18:05:59.015Z' },
    38: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '97', session: '928677903', at: '2026-11-24T18:05:59.023Z' },
    39: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '928677903', at: '2026-11-24T18:05:59.023Z' },
    40: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '3896682147', session: '2113454871', at: '2026-11-24T18:06:02.211Z' },
    41: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '2113454871', at: '2026-11-24T18:06:02.211Z' },
    42: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '98', session: '1432367382', at: '2026-11-24T18:06:02.218Z' },
    43: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '1432367382', at: '2026-11-24T18:06:02.218Z' },
    44: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '3076319827', session: '2971779986', at: '2026-11-24T18:06:05.358Z' },
    45: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '2971779986', at: '2026-11-24T18:06:05.359Z' },
    46: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '99', session: '1056925201', at: '2026-11-24T18:06:05.365Z' },
    47: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '1056925201', at: '2026-11-24T18:06:05.366Z' },
    48: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '92292614', session: '180720015', at: '2026-11-24T18:06:08.537Z' },
    49: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '180720015', at: '2026-11-24T18:06:08.538Z' },
    50: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '100', session: '1190158324', at: '2026-11-24T18:06:08.544Z' },
    51: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '2747531756', session: '366476641', at: '2026-11-24T18:06:11.689Z' },
    52: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '366476641', at: '2026-11-24T18:06:11.689Z' },
    53: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '101', session: '2658978460', at: '2026-11-24T18:06:11.696Z' },
    54: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '171758062', session: '4180419521', at: '2026-11-24T18:06:14.833Z' },
    55: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '4180419521', at: '2026-11-24T18:06:14.833Z' },
    56: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '102', session: '1627774810', at: '2026-11-24T18:06:14.840Z' },
    57: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '2396467409', session: '2864218584', at: '2026-11-24T18:06:18.028Z' },
    58: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '2864218584', at: '2026-11-24T18:06:18.029Z' },
    59: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '103', session: '3704724807', at: '2026-11-24T18:06:18.037Z' },
    60: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '3704724807', at: '2026-11-24T18:06:18.037Z' },
    61: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '452914235', session: '1101102098', at: '2026-11-24T18:06:21.212Z' },
    62: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '1101102098', at: '2026-11-24T18:06:21.212Z' },
    63: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '104', session: '2461554836', at: '2026-11-24T18:06:21.219Z' },
    64: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '2461554836', at: '2026-11-24T18:06:21.219Z' },
    65: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '2795110713', session: '1329341031', at: '2026-11-24T18:06:24.367Z' },
    66: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '1329341031', at: '2026-11-24T18:06:24.368Z' },
    67: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '105', session: '503987316', at: '2026-11-24T18:06:24.374Z' },
    68: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '503987316', at: '2026-11-24T18:06:24.375Z' },
    69: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '200985425', session: '743570130', at: '2026-11-24T18:06:27.519Z' },
    70: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '743570130', at: '2026-11-24T18:06:27.519Z' },
    71: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '106', session: '2627823711', at: '2026-11-24T18:06:27.525Z' },
    72: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '2627823711', at: '2026-11-24T18:06:27.525Z' },
    73: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1494332518', session: '3523405063', at: '2026-11-24T18:06:30.679Z' },
    74: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '3523405063', at: '2026-11-24T18:06:30.679Z' },
    75: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '107', session: '3510864395', at: '2026-11-24T18:06:30.687Z' },
    76: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '3510864395', at: '2026-11-24T18:06:30.687Z' },
    77: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1064845891', session: '3714356139', at: '2026-11-24T18:06:33.828Z' },
    78: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '3714356139', at: '2026-11-24T18:06:33.828Z' },
    79: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '108', session: '3263506331', at: '2026-11-24T18:06:33.834Z' },
    80: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '3263506331', at: '2026-11-24T18:06:33.835Z' },
    81: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '4155832729', session: '2800579099', at: '2026-11-24T18:06:37.032Z' },
    82: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '2800579099', at: '2026-11-24T18:06:37.032Z' },
    83: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '109', session: '3139796628', at: '2026-11-24T18:06:37.039Z' },
    84: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '3139796628', at: '2026-11-24T18:06:37.040Z' },
    85: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '3834562893', session: '1068680989', at: '2026-11-24T18:06:40.227Z' },
    86: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '1068680989', at: '2026-11-24T18:06:40.228Z' },
    87: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '110', session: '3362011928', at: '2026-11-24T18:06:40.235Z' },
    88: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '3362011928', at: '2026-11-24T18:06:40.235Z' },
    // S04: svcrack password guessing for user 100 on chan_pjsip :5060, dictionary of 9 words, correct one (Tr0ub4dor100) last
    89: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.433Z' },
    90: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.446Z' },
    91: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.453Z' },
    92: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.458Z' },
    93: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.464Z' },
    94: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.470Z' },
    95: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.476Z' },
    96: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.482Z' },
    97: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.488Z' },
    98: { kind: 'auth_succeeded', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.494Z' },
    // S05: sipp REGISTER user 101 with CORRECT password to chan_pjsip :5060 (expect 401 then 200 OK)
    99: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '101', session: '1-16983@127.0.0.1', at: '2026-11-24T18:06:47.690Z' },
    100: { kind: 'auth_succeeded', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '101', session: '1-16983@127.0.0.1', at: '2026-11-24T18:06:47.691Z' },
    // S06: sipp REGISTER user 102 with WRONG password 'wrongpass1' to chan_pjsip :5060 (attempt 1/3)
    101: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-17006@127.0.0.1', at: '2026-11-24T18:06:49.866Z' },
    102: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-17006@127.0.0.1', at: '2026-11-24T18:06:49.868Z' },
    // S07: sipp REGISTER user 102 with WRONG password 'wrongpass2' to chan_pjsip :5060 (attempt 2/3)
    103: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-17031@127.0.0.1', at: '2026-11-24T18:06:52.038Z' },
    104: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-17031@127.0.0.1', at: '2026-11-24T18:06:52.040Z' },
    // S08: sipp REGISTER user 102 with WRONG password 'wrongpass3' to chan_pjsip :5060 (attempt 3/3)
    105: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-17075@127.0.0.1', at: '2026-11-24T18:06:54.202Z' },
    106: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-17075@127.0.0.1', at: '2026-11-24T18:06:54.204Z' },
    // S09: sipp REGISTER for UNKNOWN user 999 (password 'guess999') to chan_pjsip :5060
    107: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '999', session: '1-17104@127.0.0.1', at: '2026-11-24T18:06:56.371Z' },
    108: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '<unknown>', session: '1-17104@127.0.0.1', at: '2026-11-24T18:06:56.371Z' },
    109: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '999', session: '1-17104@127.0.0.1', at: '2026-11-24T18:06:56.372Z' },
    110: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '<unknown>', session: '1-17104@127.0.0.1', at: '2026-11-24T18:06:56.372Z' },
    // S10: sipp INVITE WITHOUT auth, From 100 (existing endpoint) To 101, chan_pjsip :5060
    111: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '100', session: '1-17134@127.0.0.1', at: '2026-11-24T18:06:58.546Z' },
    // S11: sipp INVITE WITHOUT auth, From UNKNOWN user 'attacker' To 101, chan_pjsip :5060
    112: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: 'attacker', session: '1-17154@127.0.0.1', at: '2026-11-24T18:07:00.745Z' },
    113: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '<unknown>', session: '1-17154@127.0.0.1', at: '2026-11-24T18:07:00.746Z' },
    // S12: sipp authenticated INVITE from 100 (correct password) to non-existent international number 9011442079460000, chan_pjsip :5060 (toll-fraud style)
    114: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '100', session: '1-17206@127.0.0.1', at: '2026-11-24T18:07:02.942Z' },
    115: { kind: 'auth_succeeded', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '100', session: '1-17206@127.0.0.1', at: '2026-11-24T18:07:02.945Z' },
    // S14: svwar REGISTER extension enumeration 190-210 against chan_sip 127.0.0.1:5070 (existing: 200,201; alwaysauthreject=yes)
    116: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '243326213', session: '0x7fa69c0042d0', at: '2026-11-24T18:07:07.355Z' },
    117: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '190', session: '0x7fa69c006fb0', at: '2026-11-24T18:07:07.362Z' },
    // S15: svwar again, one invocation per extension 190..210 (svwar -e<N> --force) against chan_sip :5070, so every extension is probed
    118: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '236895035', session: '0x7fa69c00b510', at: '2026-11-24T18:07:12.581Z' },
    119: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '190', session: '0x7fa69c00ca20', at: '2026-11-24T18:07:12.588Z' },
    120: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '2574799582', session: '0x7fa69c0101b0', at: '2026-11-24T18:07:15.776Z' },
    121: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '191', session: '0x7fa69c0116c0', at: '2026-11-24T18:07:15.782Z' },
    122: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '2564250366', session: '0x7fa69c013bf0', at: '2026-11-24T18:07:19.041Z' },
    123: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '192', session: '0x7fa69c016120', at: '2026-11-24T18:07:19.048Z' },
    124: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '2491208356', session: '0x7fa69c018bd0', at: '2026-11-24T18:07:22.175Z' },
    125: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '193', session: '0x7fa69c01b2b0', at: '2026-11-24T18:07:22.181Z' },
    126: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '1632611205', session: '0x7fa69c01d8f0', at: '2026-11-24T18:07:25.313Z' },
    127: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '194', session: '0x7fa69c01fe20', at: '2026-11-24T18:07:25.319Z' },
    128: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '2612760641', session: '0x7fa69c0224d0', at: '2026-11-24T18:07:28.451Z' },
    129: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '195', session: '0x7fa69c024bb0', at: '2026-11-24T18:07:28.457Z' },
    130: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '680702765', session: '0x7fa69c027560', at: '2026-11-24T18:07:31.603Z' },
    131: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '196', session: '0x7fa69c0293f0', at: '2026-11-24T18:07:31.610Z' },
    132: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '1313107317', session: '0x7fa69c02c620', at: '2026-11-24T18:07:34.779Z' },
    133: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '197', session: '0x7fa69c02ed00', at: '2026-11-24T18:07:34.785Z' },
    134: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '2609602923', session: '0x7fa69c0313b0', at: '2026-11-24T18:07:37.903Z' },
    135: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '198', session: '0x7fa69c0338e0', at: '2026-11-24T18:07:37.909Z' },
    136: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '2022446112', session: '0x7fa69c0042d0', at: '2026-11-24T18:07:41.053Z' },
    137: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '199', session: '0x7fa69c034f70', at: '2026-11-24T18:07:41.059Z' },
    138: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '2640054727', session: '0x7fa69c036480', at: '2026-11-24T18:07:44.229Z' },
    139: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '200', session: '0x7fa69c039d70', at: '2026-11-24T18:07:44.235Z' },
    140: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '2175098256', session: '0x7fa69c00b4f0', at: '2026-11-24T18:07:47.390Z' },
    141: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '201', session: '0x7fa69c00ca00', at: '2026-11-24T18:07:47.396Z' },
    142: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '3790177746', session: '0x7fa69c00ff40', at: '2026-11-24T18:07:50.526Z' },
    143: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '202', session: '0x7fa69c011450', at: '2026-11-24T18:07:50.532Z' },
    144: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '1303694334', session: '0x7fa69c013bf0', at: '2026-11-24T18:07:53.661Z' },
    145: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '203', session: '0x7fa69c016120', at: '2026-11-24T18:07:53.667Z' },
    146: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '1423334918', session: '0x7fa69c018bd0', at: '2026-11-24T18:07:56.795Z' },
    147: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '204', session: '0x7fa69c01b2b0', at: '2026-11-24T18:07:56.801Z' },
    148: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '4147384380', session: '0x7fa69c01d8f0', at: '2026-11-24T18:07:59.929Z' },
    149: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '205', session: '0x7fa69c01fe20', at: '2026-11-24T18:07:59.935Z' },
    150: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '799407812', session: '0x7fa69c0224d0', at: '2026-11-24T18:08:03.149Z' },
    151: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '206', session: '0x7fa69c024bb0', at: '2026-11-24T18:08:03.155Z' },
    152: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '321436043', session: '0x7fa69c027560', at: '2026-11-24T18:08:06.295Z' },
    153: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '207', session: '0x7fa69c028a70', at: '2026-11-24T18:08:06.301Z' },
    154: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '649723032', session: '0x7fa69c02c620', at: '2026-11-24T18:08:09.437Z' },
    155: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '208', session: '0x7fa69c02ed00', at: '2026-11-24T18:08:09.443Z' },
    156: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '3871088452', session: '0x7fa69c0313b0', at: '2026-11-24T18:08:12.573Z' },
    157: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '209', session: '0x7fa69c0338e0', at: '2026-11-24T18:08:12.579Z' },
    158: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '3364838204', session: '0x7fa69c034f70', at: '2026-11-24T18:08:15.709Z' },
    159: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '210', session: '0x7fa69c0042d0', at: '2026-11-24T18:08:15.715Z' },
    // S16: svcrack password guessing for user 200 on chan_sip :5070, dictionary of 9 words, correct one (ChanS1p200) last
    160: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c039d70', at: '2026-11-24T18:08:20.878Z' },
    161: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c039d70', at: '2026-11-24T18:08:20.886Z' },
    162: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c036480', at: '2026-11-24T18:08:20.892Z' },
    163: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c036480', at: '2026-11-24T18:08:20.897Z' },
    164: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c00b4c0', at: '2026-11-24T18:08:20.903Z' },
    165: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c00b4c0', at: '2026-11-24T18:08:20.909Z' },
    166: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c00c9d0', at: '2026-11-24T18:08:20.914Z' },
    167: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c00c9d0', at: '2026-11-24T18:08:20.920Z' },
    168: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c03dd30', at: '2026-11-24T18:08:20.926Z' },
    169: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c03dd30', at: '2026-11-24T18:08:20.931Z' },
    170: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c040a40', at: '2026-11-24T18:08:20.937Z' },
    171: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c040a40', at: '2026-11-24T18:08:20.942Z' },
    172: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c042f70', at: '2026-11-24T18:08:20.948Z' },
    173: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c042f70', at: '2026-11-24T18:08:20.954Z' },
    174: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c0454a0', at: '2026-11-24T18:08:20.960Z' },
    175: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c0454a0', at: '2026-11-24T18:08:20.965Z' },
    176: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c048c70', at: '2026-11-24T18:08:20.971Z' },
    177: { kind: 'auth_succeeded', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c048c70', at: '2026-11-24T18:08:20.978Z' },
    // S17: sipp REGISTER user 201 with CORRECT password to chan_sip :5070 (expect 401 then 200 OK)
    178: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c00ff40', at: '2026-11-24T18:08:23.154Z' },
    179: { kind: 'auth_succeeded', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c00ff40', at: '2026-11-24T18:08:23.157Z' },
    // S18: sipp REGISTER user 201 with WRONG password 'wrongpass1' to chan_sip :5070 (attempt 1/3)
    180: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c011450', at: '2026-11-24T18:08:25.317Z' },
    181: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c011450', at: '2026-11-24T18:08:25.319Z' },
    // S19: sipp REGISTER user 201 with WRONG password 'wrongpass2' to chan_sip :5070 (attempt 2/3)
    182: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c013bf0', at: '2026-11-24T18:08:27.477Z' },
    183: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c013bf0', at: '2026-11-24T18:08:27.479Z' },
    // S20: sipp REGISTER user 201 with WRONG password 'wrongpass3' to chan_sip :5070 (attempt 3/3)
    184: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c018bd0', at: '2026-11-24T18:08:29.641Z' },
    185: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c018bd0', at: '2026-11-24T18:08:29.644Z' },
    // S21: sipp REGISTER for UNKNOWN user 999 (password 'guess999') to chan_sip :5070
    186: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '999', session: '0x7fa69c01b290', at: '2026-11-24T18:08:31.810Z' },
    187: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '999', session: '0x7fa69c01b290', at: '2026-11-24T18:08:31.816Z' },
    // S22: sipp INVITE WITHOUT auth, From 200 (existing peer) To 201, chan_sip :5070
    188: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5063, account: 'sip:200@127.0.0.1:5070', session: '0x7fa69c01fe20', at: '2026-11-24T18:08:33.986Z' },
    // S23: sipp INVITE WITHOUT auth, From UNKNOWN user 'attacker' To 201, chan_sip :5070
    189: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5063, account: 'sip:attacker@127.0.0.1:5070', session: '0x7fa69c024bb0', at: '2026-11-24T18:08:36.145Z' },
    // S24: sipp authenticated INVITE from 200 (correct password) to non-existent 9011442079460002, chan_sip :5070 (toll-fraud style)
    190: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5063, account: 'sip:200@127.0.0.1:5070', session: '0x7fa69c0224d0', at: '2026-11-24T18:08:38.306Z' },
    191: { kind: 'auth_failed', reason: 'no_extension', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '9011442079460002', session: '0x7fa69c0224d0', at: '2026-11-24T18:08:38.312Z', extension: '9011442079460002' },
    // S25: AMI login as sipwarden with WRONG secret 'wrongsecret' via nc 127.0.0.1:5038
    192: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'AMI', ip: '127.0.0.1', port: 41190, account: 'sipwarden', session: '0x7fa680001720', at: '2026-11-24T18:08:40.382Z' },
    // S26: AMI login as NON-EXISTENT user 'admin' (secret 'amp111') via nc 127.0.0.1:5038
    193: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'AMI', ip: '127.0.0.1', port: 40912, account: 'admin', session: '0x7fa67bfa0460', at: '2026-11-24T18:08:46.447Z' },
    // S27: AMI login as sipwarden with CORRECT secret, then Logoff, via nc 127.0.0.1:5038
    194: { kind: 'auth_succeeded', signature: 'security-log', service: 'AMI', ip: '127.0.0.1', port: 60954, account: 'sipwarden', session: '0x7fa688001720', at: '2026-11-24T18:08:52.516Z' },
  },
  'iso-dateformat/messages.log': {
    // S04: svcrack password guessing for user 100 on chan_pjsip :5060, dictionary of 9 words, correct one (Tr0ub4dor100) last
    2: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.000Z' },
    3: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.000Z' },
    4: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.000Z' },
    5: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.000Z' },
    6: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.000Z' },
    7: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.000Z' },
    8: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.000Z' },
    9: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.000Z' },
    // S06: sipp REGISTER user 102 with WRONG password 'wrongpass1' to chan_pjsip :5060 (attempt 1/3)
    10: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-20260@127.0.0.1', at: '2026-11-24T18:10:06.000Z' },
    // S09: sipp REGISTER for UNKNOWN user 999 (password 'guess999') to chan_pjsip :5060
    11: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '999', session: '1-20296@127.0.0.1', at: '2026-11-24T18:10:09.000Z' },
    12: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '999', session: '1-20296@127.0.0.1', at: '2026-11-24T18:10:09.000Z' },
    13: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '999', session: '1-20296@127.0.0.1', at: '2026-11-24T18:10:09.000Z' },
    // S11: sipp INVITE WITHOUT auth, From UNKNOWN user 'attacker' To 101, chan_pjsip :5060
    14: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: 'attacker', session: '1-20327@127.0.0.1', at: '2026-11-24T18:10:11.000Z' },
    // S12: sipp authenticated INVITE from 100 (correct password) to non-existent international number 9011442079460000, chan_pjsip :5060 (toll-fraud style)
    15: { kind: 'auth_failed', reason: 'no_extension', signature: 'pjsip-call-rejected', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '100', session: null, at: '2026-11-24T18:10:13.000Z', extension: '9011442079460000' },
    // S13: sipp INVITE from trunk IP 127.0.0.2:5080 (identified as endpoint trunk-itsp by IP, no auth) to non-existent 9011442079460001, chan_pjsip :5060
    16: { kind: 'auth_failed', reason: 'no_extension', signature: 'pjsip-call-rejected', service: 'PJSIP', ip: '127.0.0.2', port: 5080, account: 'trunk-itsp', session: null, at: '2026-11-24T18:10:15.000Z', extension: '9011442079460001' },
    // S16: svcrack password guessing for user 200 on chan_sip :5070, dictionary of 9 words, correct one (ChanS1p200) last
    17: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:10:17.000Z' },
    18: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:10:17.000Z' },
    19: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:10:17.000Z' },
    20: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:10:17.000Z' },
    21: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:10:17.000Z' },
    22: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:10:17.000Z' },
    23: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:10:17.000Z' },
    24: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:10:17.000Z' },
    // S18: sipp REGISTER user 201 with WRONG password 'wrongpass1' to chan_sip :5070 (attempt 1/3)
    25: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: null, at: '2026-11-24T18:10:22.000Z' },
    // S21: sipp REGISTER for UNKNOWN user 999 (password 'guess999') to chan_sip :5070
    26: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '999', session: null, at: '2026-11-24T18:10:24.000Z' },
    // S24: sipp authenticated INVITE from 200 (correct password) to non-existent 9011442079460002, chan_sip :5070 (toll-fraud style)
    27: { kind: 'auth_failed', reason: 'no_extension', signature: 'chansip-call-rejected', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '123', session: null, at: '2026-11-24T18:10:26.000Z', extension: '9011442079460002' },
    // S25: AMI login as sipwarden with WRONG secret 'wrongsecret' via nc 127.0.0.1:5038
    28: { kind: 'auth_failed', reason: 'other', signature: 'manager-auth-failed', service: 'AMI', ip: '127.0.0.1', port: null, account: 'sipwarden', session: 'lwp:20395', at: '2026-11-24T18:10:28.000Z' },
    // S26: AMI login as NON-EXISTENT user 'admin' (secret 'amp111') via nc 127.0.0.1:5038
    29: { kind: 'auth_failed', reason: 'unknown_account', signature: 'manager-nonexistent-user', service: 'AMI', ip: '127.0.0.1', port: null, account: 'admin', session: 'lwp:20437', at: '2026-11-24T18:10:34.000Z' },
    30: { kind: 'auth_failed', reason: 'other', signature: 'manager-auth-failed', service: 'AMI', ip: '127.0.0.1', port: null, account: 'admin', session: 'lwp:20437', at: '2026-11-24T18:10:34.000Z' },
    // S28: IAX2 REGREQ user iaxuser with WRONG secret 'wrongiax' (tools/iax2_reg.py) to 127.0.0.1:4569
    31: { kind: 'auth_failed', reason: 'wrong_password', signature: 'iax2-auth-failed', service: 'IAX2', ip: '127.0.0.1', port: null, account: 'iaxuser', session: null, at: '2026-11-24T18:10:41.000Z' },
    // S29: IAX2 REGREQ UNKNOWN user 'nosuchuser' (tools/iax2_reg.py) to 127.0.0.1:4569
    32: { kind: 'auth_failed', reason: 'unknown_account', signature: 'iax2-no-registration', service: 'IAX2', ip: '127.0.0.1', port: null, account: 'nosuchuser', session: null, at: '2026-11-24T18:10:43.000Z' },
    33: { kind: 'auth_failed', reason: 'unknown_account', signature: 'iax2-no-registration', service: 'IAX2', ip: '127.0.0.1', port: null, account: 'nosuchuser', session: null, at: '2026-11-24T18:10:43.000Z' },
  },
  'iso-dateformat/full.log': {
    // S04: svcrack password guessing for user 100 on chan_pjsip :5060, dictionary of 9 words, correct one (Tr0ub4dor100) last
    4: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.000Z' },
    5: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.000Z' },
    6: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.000Z' },
    7: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.000Z' },
    8: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.000Z' },
    9: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.000Z' },
    10: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.000Z' },
    11: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.000Z' },
    // S06: sipp REGISTER user 102 with WRONG password 'wrongpass1' to chan_pjsip :5060 (attempt 1/3)
    12: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-20260@127.0.0.1', at: '2026-11-24T18:10:06.000Z' },
    // S09: sipp REGISTER for UNKNOWN user 999 (password 'guess999') to chan_pjsip :5060
    13: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '999', session: '1-20296@127.0.0.1', at: '2026-11-24T18:10:09.000Z' },
    14: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '999', session: '1-20296@127.0.0.1', at: '2026-11-24T18:10:09.000Z' },
    15: { kind: 'auth_failed', reason: 'wrong_password', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '999', session: '1-20296@127.0.0.1', at: '2026-11-24T18:10:09.000Z' },
    // S11: sipp INVITE WITHOUT auth, From UNKNOWN user 'attacker' To 101, chan_pjsip :5060
    16: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: 'attacker', session: '1-20327@127.0.0.1', at: '2026-11-24T18:10:11.000Z' },
    // S12: sipp authenticated INVITE from 100 (correct password) to non-existent international number 9011442079460000, chan_pjsip :5060 (toll-fraud style)
    17: { kind: 'auth_failed', reason: 'no_extension', signature: 'pjsip-call-rejected', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '100', session: null, at: '2026-11-24T18:10:13.000Z', extension: '9011442079460000' },
    // S13: sipp INVITE from trunk IP 127.0.0.2:5080 (identified as endpoint trunk-itsp by IP, no auth) to non-existent 9011442079460001, chan_pjsip :5060
    18: { kind: 'auth_failed', reason: 'no_extension', signature: 'pjsip-call-rejected', service: 'PJSIP', ip: '127.0.0.2', port: 5080, account: 'trunk-itsp', session: null, at: '2026-11-24T18:10:15.000Z', extension: '9011442079460001' },
    // S16: svcrack password guessing for user 200 on chan_sip :5070, dictionary of 9 words, correct one (ChanS1p200) last
    19: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:10:17.000Z' },
    20: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:10:17.000Z' },
    21: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:10:17.000Z' },
    22: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:10:17.000Z' },
    23: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:10:17.000Z' },
    24: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:10:17.000Z' },
    25: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:10:17.000Z' },
    26: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: null, at: '2026-11-24T18:10:17.000Z' },
    // S18: sipp REGISTER user 201 with WRONG password 'wrongpass1' to chan_sip :5070 (attempt 1/3)
    27: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: null, at: '2026-11-24T18:10:22.000Z' },
    // S21: sipp REGISTER for UNKNOWN user 999 (password 'guess999') to chan_sip :5070
    28: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '999', session: null, at: '2026-11-24T18:10:24.000Z' },
    // S24: sipp authenticated INVITE from 200 (correct password) to non-existent 9011442079460002, chan_sip :5070 (toll-fraud style)
    30: { kind: 'auth_failed', reason: 'no_extension', signature: 'chansip-call-rejected', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '123', session: null, at: '2026-11-24T18:10:26.000Z', extension: '9011442079460002' },
    // S25: AMI login as sipwarden with WRONG secret 'wrongsecret' via nc 127.0.0.1:5038
    31: { kind: 'auth_failed', reason: 'other', signature: 'manager-auth-failed', service: 'AMI', ip: '127.0.0.1', port: null, account: 'sipwarden', session: 'lwp:20395', at: '2026-11-24T18:10:28.000Z' },
    32: { kind: 'auth_failed', reason: 'other', signature: 'manager-connect-unauthenticated', service: 'AMI', ip: '127.0.0.1', port: null, account: '', session: 'lwp:20395', at: '2026-11-24T18:10:29.000Z' },
    // S26: AMI login as NON-EXISTENT user 'admin' (secret 'amp111') via nc 127.0.0.1:5038
    33: { kind: 'auth_failed', reason: 'unknown_account', signature: 'manager-nonexistent-user', service: 'AMI', ip: '127.0.0.1', port: null, account: 'admin', session: 'lwp:20437', at: '2026-11-24T18:10:34.000Z' },
    34: { kind: 'auth_failed', reason: 'other', signature: 'manager-auth-failed', service: 'AMI', ip: '127.0.0.1', port: null, account: 'admin', session: 'lwp:20437', at: '2026-11-24T18:10:34.000Z' },
    35: { kind: 'auth_failed', reason: 'other', signature: 'manager-connect-unauthenticated', service: 'AMI', ip: '127.0.0.1', port: null, account: '', session: 'lwp:20437', at: '2026-11-24T18:10:35.000Z' },
    // S28: IAX2 REGREQ user iaxuser with WRONG secret 'wrongiax' (tools/iax2_reg.py) to 127.0.0.1:4569
    36: { kind: 'auth_failed', reason: 'wrong_password', signature: 'iax2-auth-failed', service: 'IAX2', ip: '127.0.0.1', port: null, account: 'iaxuser', session: null, at: '2026-11-24T18:10:41.000Z' },
    // S29: IAX2 REGREQ UNKNOWN user 'nosuchuser' (tools/iax2_reg.py) to 127.0.0.1:4569
    37: { kind: 'auth_failed', reason: 'unknown_account', signature: 'iax2-no-registration', service: 'IAX2', ip: '127.0.0.1', port: null, account: 'nosuchuser', session: null, at: '2026-11-24T18:10:43.000Z' },
    38: { kind: 'auth_failed', reason: 'unknown_account', signature: 'iax2-no-registration', service: 'IAX2', ip: '127.0.0.1', port: null, account: 'nosuchuser', session: null, at: '2026-11-24T18:10:43.000Z' },
  },
  'iso-dateformat/security.log': {
    // S04: svcrack password guessing for user 100 on chan_pjsip :5060, dictionary of 9 words, correct one (Tr0ub4dor100) last
    2: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.459Z' },
    3: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.468Z' },
    4: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.474Z' },
    5: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.480Z' },
    6: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.486Z' },
    7: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.492Z' },
    8: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.498Z' },
    9: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.504Z' },
    10: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.509Z' },
    11: { kind: 'auth_succeeded', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.515Z' },
    // S05: sipp REGISTER user 101 with CORRECT password to chan_pjsip :5060 (expect 401 then 200 OK)
    12: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '101', session: '1-20252@127.0.0.1', at: '2026-11-24T18:10:04.682Z' },
    13: { kind: 'auth_succeeded', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '101', session: '1-20252@127.0.0.1', at: '2026-11-24T18:10:04.683Z' },
    // S06: sipp REGISTER user 102 with WRONG password 'wrongpass1' to chan_pjsip :5060 (attempt 1/3)
    14: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-20260@127.0.0.1', at: '2026-11-24T18:10:06.841Z' },
    15: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-20260@127.0.0.1', at: '2026-11-24T18:10:06.843Z' },
    // S09: sipp REGISTER for UNKNOWN user 999 (password 'guess999') to chan_pjsip :5060
    16: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '999', session: '1-20296@127.0.0.1', at: '2026-11-24T18:10:09.010Z' },
    17: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '<unknown>', session: '1-20296@127.0.0.1', at: '2026-11-24T18:10:09.010Z' },
    18: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '999', session: '1-20296@127.0.0.1', at: '2026-11-24T18:10:09.011Z' },
    19: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '<unknown>', session: '1-20296@127.0.0.1', at: '2026-11-24T18:10:09.012Z' },
    // S11: sipp INVITE WITHOUT auth, From UNKNOWN user 'attacker' To 101, chan_pjsip :5060
    20: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: 'attacker', session: '1-20327@127.0.0.1', at: '2026-11-24T18:10:11.174Z' },
    21: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '<unknown>', session: '1-20327@127.0.0.1', at: '2026-11-24T18:10:11.175Z' },
    // S12: sipp authenticated INVITE from 100 (correct password) to non-existent international number 9011442079460000, chan_pjsip :5060 (toll-fraud style)
    22: { kind: 'challenge_sent', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '100', session: '1-20335@127.0.0.1', at: '2026-11-24T18:10:13.338Z' },
    23: { kind: 'auth_succeeded', signature: 'security-log', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '100', session: '1-20335@127.0.0.1', at: '2026-11-24T18:10:13.341Z' },
    // S16: svcrack password guessing for user 200 on chan_sip :5070, dictionary of 9 words, correct one (ChanS1p200) last
    24: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c039d70', at: '2026-11-24T18:10:17.672Z' },
    25: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c039d70', at: '2026-11-24T18:10:17.679Z' },
    26: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c0224d0', at: '2026-11-24T18:10:17.685Z' },
    27: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c0224d0', at: '2026-11-24T18:10:17.690Z' },
    28: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c040a40', at: '2026-11-24T18:10:17.696Z' },
    29: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c040a40', at: '2026-11-24T18:10:17.701Z' },
    30: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c01fdc0', at: '2026-11-24T18:10:17.707Z' },
    31: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c01fdc0', at: '2026-11-24T18:10:17.712Z' },
    32: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c013b70', at: '2026-11-24T18:10:17.718Z' },
    33: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c013b70', at: '2026-11-24T18:10:17.723Z' },
    34: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c031320', at: '2026-11-24T18:10:17.728Z' },
    35: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c031320', at: '2026-11-24T18:10:17.734Z' },
    36: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c018ac0', at: '2026-11-24T18:10:17.739Z' },
    37: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c018ac0', at: '2026-11-24T18:10:17.745Z' },
    38: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c01b200', at: '2026-11-24T18:10:17.750Z' },
    39: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c01b200', at: '2026-11-24T18:10:17.755Z' },
    40: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c024bb0', at: '2026-11-24T18:10:17.761Z' },
    41: { kind: 'auth_succeeded', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c024bb0', at: '2026-11-24T18:10:17.767Z' },
    // S17: sipp REGISTER user 201 with CORRECT password to chan_sip :5070 (expect 401 then 200 OK)
    42: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c045320', at: '2026-11-24T18:10:19.954Z' },
    43: { kind: 'auth_succeeded', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c045320', at: '2026-11-24T18:10:19.955Z' },
    // S18: sipp REGISTER user 201 with WRONG password 'wrongpass1' to chan_sip :5070 (attempt 1/3)
    44: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c02c3c0', at: '2026-11-24T18:10:22.134Z' },
    45: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c02c3c0', at: '2026-11-24T18:10:22.135Z' },
    // S21: sipp REGISTER for UNKNOWN user 999 (password 'guess999') to chan_sip :5070
    46: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '999', session: '0x7fa69c037e00', at: '2026-11-24T18:10:24.322Z' },
    47: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '999', session: '0x7fa69c037e00', at: '2026-11-24T18:10:24.322Z' },
    // S24: sipp authenticated INVITE from 200 (correct password) to non-existent 9011442079460002, chan_sip :5070 (toll-fraud style)
    48: { kind: 'challenge_sent', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5063, account: 'sip:200@127.0.0.1:5070', session: '0x7fa69c0042d0', at: '2026-11-24T18:10:26.499Z' },
    49: { kind: 'auth_failed', reason: 'no_extension', signature: 'security-log', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '9011442079460002', session: '0x7fa69c0042d0', at: '2026-11-24T18:10:26.505Z', extension: '9011442079460002' },
    // S25: AMI login as sipwarden with WRONG secret 'wrongsecret' via nc 127.0.0.1:5038
    50: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'AMI', ip: '127.0.0.1', port: 44260, account: 'sipwarden', session: '0x7fa690003ed0', at: '2026-11-24T18:10:28.557Z' },
    // S26: AMI login as NON-EXISTENT user 'admin' (secret 'amp111') via nc 127.0.0.1:5038
    51: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'AMI', ip: '127.0.0.1', port: 56340, account: 'admin', session: '0x7fa67bfa0460', at: '2026-11-24T18:10:34.605Z' },
  },
  'ami-events.txt': {
    // --: not attack traffic (recorder login / start-up / restored registrations)
    3: { kind: 'auth_succeeded', signature: 'ami-event', service: 'AMI', ip: '127.0.0.1', port: 49940, account: 'sipwarden', session: '0x560a6ae7ded0', at: '2026-11-24T18:05:24.754Z' },
    // S01: svmap OPTIONS scan of 127.0.0.1 ports 5060 (chan_pjsip) and 5070 (chan_sip)
    4: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5090, account: '100', session: '400017895824865456237942', at: '2026-11-24T18:05:26.588Z' },
    // S02: svwar REGISTER extension enumeration 90-110 against chan_pjsip 127.0.0.1:5060 (existing: 100,101,102)
    5: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1632413315', session: '4114168891', at: '2026-11-24T18:05:31.757Z' },
    6: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '4114168891', at: '2026-11-24T18:05:31.758Z' },
    7: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '90', session: '2878244319', at: '2026-11-24T18:05:31.765Z' },
    8: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '2878244319', at: '2026-11-24T18:05:31.765Z' },
    // S03: svwar again, one invocation per extension 90..110 (svwar -e<N> --force) against chan_pjsip :5060, so every extension is probed
    9: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '3913408940', session: '2538066426', at: '2026-11-24T18:05:36.959Z' },
    10: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '2538066426', at: '2026-11-24T18:05:36.960Z' },
    11: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '90', session: '3612659041', at: '2026-11-24T18:05:36.967Z' },
    12: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '3612659041', at: '2026-11-24T18:05:36.968Z' },
    13: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '4037802289', session: '134559998', at: '2026-11-24T18:05:40.112Z' },
    14: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '134559998', at: '2026-11-24T18:05:40.112Z' },
    15: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '91', session: '4097151905', at: '2026-11-24T18:05:40.119Z' },
    16: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '4097151905', at: '2026-11-24T18:05:40.119Z' },
    17: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '3764041509', session: '1020487165', at: '2026-11-24T18:05:43.269Z' },
    18: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '1020487165', at: '2026-11-24T18:05:43.270Z' },
    19: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '92', session: '2061774348', at: '2026-11-24T18:05:43.277Z' },
    20: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '2061774348', at: '2026-11-24T18:05:43.277Z' },
    21: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1724210081', session: '63249235', at: '2026-11-24T18:05:46.417Z' },
    22: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '63249235', at: '2026-11-24T18:05:46.417Z' },
    23: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '93', session: '2308719747', at: '2026-11-24T18:05:46.423Z' },
    24: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '2308719747', at: '2026-11-24T18:05:46.424Z' },
    25: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1002290263', session: '737402973', at: '2026-11-24T18:05:49.554Z' },
    26: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '737402973', at: '2026-11-24T18:05:49.555Z' },
    27: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '94', session: '2927460446', at: '2026-11-24T18:05:49.561Z' },
    28: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '2927460446', at: '2026-11-24T18:05:49.562Z' },
    29: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1043735632', session: '3342199052', at: '2026-11-24T18:05:52.702Z' },
    30: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '3342199052', at: '2026-11-24T18:05:52.702Z' },
    31: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '95', session: '1130422045', at: '2026-11-24T18:05:52.709Z' },
    32: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '1130422045', at: '2026-11-24T18:05:52.709Z' },
    33: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '864175540', session: '485814024', at: '2026-11-24T18:05:55.843Z' },
    34: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '485814024', at: '2026-11-24T18:05:55.844Z' },
    35: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '96', session: '3313033449', at: '2026-11-24T18:05:55.851Z' },
    36: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '3313033449', at: '2026-11-24T18:05:55.851Z' },
    37: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '2139168259', session: '454896241', at: '2026-11-24T18:05:59.015Z' },
    38: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '454896241', at: '2026-11-24T18:05:59.015Z' },
    39: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '97', session: '928677903', at: '2026-11-24T18:05:59.023Z' },
    40: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '928677903', at: '2026-11-24T18:05:59.023Z' },
    41: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '3896682147', session: '2113454871', at: '2026-11-24T18:06:02.211Z' },
    42: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '2113454871', at: '2026-11-24T18:06:02.211Z' },
    43: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '98', session: '1432367382', at: '2026-11-24T18:06:02.218Z' },
    44: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '1432367382', at: '2026-11-24T18:06:02.218Z' },
    45: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '3076319827', session: '2971779986', at: '2026-11-24T18:06:05.358Z' },
    46: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '2971779986', at: '2026-11-24T18:06:05.359Z' },
    47: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '99', session: '1056925201', at: '2026-11-24T18:06:05.365Z' },
    48: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '1056925201', at: '2026-11-24T18:06:05.366Z' },
    49: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '92292614', session: '180720015', at: '2026-11-24T18:06:08.537Z' },
    50: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '180720015', at: '2026-11-24T18:06:08.538Z' },
    51: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '100', session: '1190158324', at: '2026-11-24T18:06:08.544Z' },
    52: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '2747531756', session: '366476641', at: '2026-11-24T18:06:11.689Z' },
    53: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '366476641', at: '2026-11-24T18:06:11.689Z' },
    54: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '101', session: '2658978460', at: '2026-11-24T18:06:11.696Z' },
    55: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '171758062', session: '4180419521', at: '2026-11-24T18:06:14.833Z' },
    56: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '4180419521', at: '2026-11-24T18:06:14.833Z' },
    57: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '102', session: '1627774810', at: '2026-11-24T18:06:14.840Z' },
    58: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '2396467409', session: '2864218584', at: '2026-11-24T18:06:18.028Z' },
    59: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '2864218584', at: '2026-11-24T18:06:18.029Z' },
    60: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '103', session: '3704724807', at: '2026-11-24T18:06:18.037Z' },
    61: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '3704724807', at: '2026-11-24T18:06:18.037Z' },
    62: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '452914235', session: '1101102098', at: '2026-11-24T18:06:21.212Z' },
    63: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '1101102098', at: '2026-11-24T18:06:21.212Z' },
    64: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '104', session: '2461554836', at: '2026-11-24T18:06:21.219Z' },
    65: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '2461554836', at: '2026-11-24T18:06:21.219Z' },
    66: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '2795110713', session: '1329341031', at: '2026-11-24T18:06:24.367Z' },
    67: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '1329341031', at: '2026-11-24T18:06:24.368Z' },
    68: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '105', session: '503987316', at: '2026-11-24T18:06:24.374Z' },
    69: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '503987316', at: '2026-11-24T18:06:24.375Z' },
    70: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '200985425', session: '743570130', at: '2026-11-24T18:06:27.519Z' },
    71: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '743570130', at: '2026-11-24T18:06:27.519Z' },
    72: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '106', session: '2627823711', at: '2026-11-24T18:06:27.525Z' },
    73: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '2627823711', at: '2026-11-24T18:06:27.525Z' },
    76: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1494332518', session: '3523405063', at: '2026-11-24T18:06:30.679Z' },
    77: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '3523405063', at: '2026-11-24T18:06:30.679Z' },
    78: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '107', session: '3510864395', at: '2026-11-24T18:06:30.687Z' },
    79: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '3510864395', at: '2026-11-24T18:06:30.687Z' },
    80: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '1064845891', session: '3714356139', at: '2026-11-24T18:06:33.828Z' },
    81: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '3714356139', at: '2026-11-24T18:06:33.828Z' },
    82: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '108', session: '3263506331', at: '2026-11-24T18:06:33.834Z' },
    83: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '3263506331', at: '2026-11-24T18:06:33.835Z' },
    84: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '4155832729', session: '2800579099', at: '2026-11-24T18:06:37.032Z' },
    85: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '2800579099', at: '2026-11-24T18:06:37.032Z' },
    86: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '109', session: '3139796628', at: '2026-11-24T18:06:37.039Z' },
    87: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '3139796628', at: '2026-11-24T18:06:37.040Z' },
    88: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '3834562893', session: '1068680989', at: '2026-11-24T18:06:40.227Z' },
    89: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '1068680989', at: '2026-11-24T18:06:40.228Z' },
    90: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '110', session: '3362011928', at: '2026-11-24T18:06:40.235Z' },
    91: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5091, account: '<unknown>', session: '3362011928', at: '2026-11-24T18:06:40.235Z' },
    // S04: svcrack password guessing for user 100 on chan_pjsip :5060, dictionary of 9 words, correct one (Tr0ub4dor100) last
    92: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.433Z' },
    93: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.446Z' },
    94: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.453Z' },
    95: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.458Z' },
    96: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.464Z' },
    97: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.470Z' },
    98: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.476Z' },
    99: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.482Z' },
    100: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.488Z' },
    101: { kind: 'auth_succeeded', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '337129326', at: '2026-11-24T18:06:45.494Z' },
    // S05: sipp REGISTER user 101 with CORRECT password to chan_pjsip :5060 (expect 401 then 200 OK)
    102: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '101', session: '1-16983@127.0.0.1', at: '2026-11-24T18:06:47.690Z' },
    103: { kind: 'auth_succeeded', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '101', session: '1-16983@127.0.0.1', at: '2026-11-24T18:06:47.691Z' },
    // S06: sipp REGISTER user 102 with WRONG password 'wrongpass1' to chan_pjsip :5060 (attempt 1/3)
    104: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-17006@127.0.0.1', at: '2026-11-24T18:06:49.866Z' },
    105: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-17006@127.0.0.1', at: '2026-11-24T18:06:49.868Z' },
    // S07: sipp REGISTER user 102 with WRONG password 'wrongpass2' to chan_pjsip :5060 (attempt 2/3)
    106: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-17031@127.0.0.1', at: '2026-11-24T18:06:52.038Z' },
    107: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-17031@127.0.0.1', at: '2026-11-24T18:06:52.040Z' },
    // S08: sipp REGISTER user 102 with WRONG password 'wrongpass3' to chan_pjsip :5060 (attempt 3/3)
    108: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-17075@127.0.0.1', at: '2026-11-24T18:06:54.202Z' },
    109: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-17075@127.0.0.1', at: '2026-11-24T18:06:54.204Z' },
    // S09: sipp REGISTER for UNKNOWN user 999 (password 'guess999') to chan_pjsip :5060
    110: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '999', session: '1-17104@127.0.0.1', at: '2026-11-24T18:06:56.371Z' },
    111: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '<unknown>', session: '1-17104@127.0.0.1', at: '2026-11-24T18:06:56.371Z' },
    112: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '999', session: '1-17104@127.0.0.1', at: '2026-11-24T18:06:56.372Z' },
    113: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '<unknown>', session: '1-17104@127.0.0.1', at: '2026-11-24T18:06:56.372Z' },
    // S10: sipp INVITE WITHOUT auth, From 100 (existing endpoint) To 101, chan_pjsip :5060
    114: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '100', session: '1-17134@127.0.0.1', at: '2026-11-24T18:06:58.546Z' },
    // S11: sipp INVITE WITHOUT auth, From UNKNOWN user 'attacker' To 101, chan_pjsip :5060
    115: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: 'attacker', session: '1-17154@127.0.0.1', at: '2026-11-24T18:07:00.745Z' },
    116: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '<unknown>', session: '1-17154@127.0.0.1', at: '2026-11-24T18:07:00.746Z' },
    // S12: sipp authenticated INVITE from 100 (correct password) to non-existent international number 9011442079460000, chan_pjsip :5060 (toll-fraud style)
    117: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '100', session: '1-17206@127.0.0.1', at: '2026-11-24T18:07:02.942Z' },
    118: { kind: 'auth_succeeded', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '100', session: '1-17206@127.0.0.1', at: '2026-11-24T18:07:02.945Z' },
    // S14: svwar REGISTER extension enumeration 190-210 against chan_sip 127.0.0.1:5070 (existing: 200,201; alwaysauthreject=yes)
    119: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '243326213', session: '0x7fa69c0042d0', at: '2026-11-24T18:07:07.355Z' },
    120: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '190', session: '0x7fa69c006fb0', at: '2026-11-24T18:07:07.362Z' },
    // S15: svwar again, one invocation per extension 190..210 (svwar -e<N> --force) against chan_sip :5070, so every extension is probed
    121: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '236895035', session: '0x7fa69c00b510', at: '2026-11-24T18:07:12.581Z' },
    122: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '190', session: '0x7fa69c00ca20', at: '2026-11-24T18:07:12.588Z' },
    123: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '2574799582', session: '0x7fa69c0101b0', at: '2026-11-24T18:07:15.776Z' },
    124: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '191', session: '0x7fa69c0116c0', at: '2026-11-24T18:07:15.782Z' },
    125: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '2564250366', session: '0x7fa69c013bf0', at: '2026-11-24T18:07:19.041Z' },
    126: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '192', session: '0x7fa69c016120', at: '2026-11-24T18:07:19.048Z' },
    127: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '2491208356', session: '0x7fa69c018bd0', at: '2026-11-24T18:07:22.175Z' },
    128: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '193', session: '0x7fa69c01b2b0', at: '2026-11-24T18:07:22.181Z' },
    129: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '1632611205', session: '0x7fa69c01d8f0', at: '2026-11-24T18:07:25.313Z' },
    130: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '194', session: '0x7fa69c01fe20', at: '2026-11-24T18:07:25.319Z' },
    131: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '2612760641', session: '0x7fa69c0224d0', at: '2026-11-24T18:07:28.451Z' },
    132: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '195', session: '0x7fa69c024bb0', at: '2026-11-24T18:07:28.457Z' },
    135: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '680702765', session: '0x7fa69c027560', at: '2026-11-24T18:07:31.603Z' },
    136: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '196', session: '0x7fa69c0293f0', at: '2026-11-24T18:07:31.610Z' },
    137: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '1313107317', session: '0x7fa69c02c620', at: '2026-11-24T18:07:34.779Z' },
    138: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '197', session: '0x7fa69c02ed00', at: '2026-11-24T18:07:34.785Z' },
    139: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '2609602923', session: '0x7fa69c0313b0', at: '2026-11-24T18:07:37.903Z' },
    140: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '198', session: '0x7fa69c0338e0', at: '2026-11-24T18:07:37.909Z' },
    141: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '2022446112', session: '0x7fa69c0042d0', at: '2026-11-24T18:07:41.053Z' },
    142: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '199', session: '0x7fa69c034f70', at: '2026-11-24T18:07:41.059Z' },
    143: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '2640054727', session: '0x7fa69c036480', at: '2026-11-24T18:07:44.229Z' },
    144: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '200', session: '0x7fa69c039d70', at: '2026-11-24T18:07:44.235Z' },
    145: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '2175098256', session: '0x7fa69c00b4f0', at: '2026-11-24T18:07:47.390Z' },
    146: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '201', session: '0x7fa69c00ca00', at: '2026-11-24T18:07:47.396Z' },
    147: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '3790177746', session: '0x7fa69c00ff40', at: '2026-11-24T18:07:50.526Z' },
    148: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '202', session: '0x7fa69c011450', at: '2026-11-24T18:07:50.532Z' },
    149: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '1303694334', session: '0x7fa69c013bf0', at: '2026-11-24T18:07:53.661Z' },
    150: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '203', session: '0x7fa69c016120', at: '2026-11-24T18:07:53.667Z' },
    151: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '1423334918', session: '0x7fa69c018bd0', at: '2026-11-24T18:07:56.795Z' },
    152: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '204', session: '0x7fa69c01b2b0', at: '2026-11-24T18:07:56.801Z' },
    153: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '4147384380', session: '0x7fa69c01d8f0', at: '2026-11-24T18:07:59.929Z' },
    154: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '205', session: '0x7fa69c01fe20', at: '2026-11-24T18:07:59.935Z' },
    155: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '799407812', session: '0x7fa69c0224d0', at: '2026-11-24T18:08:03.149Z' },
    156: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '206', session: '0x7fa69c024bb0', at: '2026-11-24T18:08:03.155Z' },
    157: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '321436043', session: '0x7fa69c027560', at: '2026-11-24T18:08:06.295Z' },
    158: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '207', session: '0x7fa69c028a70', at: '2026-11-24T18:08:06.301Z' },
    159: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '649723032', session: '0x7fa69c02c620', at: '2026-11-24T18:08:09.437Z' },
    160: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '208', session: '0x7fa69c02ed00', at: '2026-11-24T18:08:09.443Z' },
    161: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '3871088452', session: '0x7fa69c0313b0', at: '2026-11-24T18:08:12.573Z' },
    162: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '209', session: '0x7fa69c0338e0', at: '2026-11-24T18:08:12.579Z' },
    163: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '3364838204', session: '0x7fa69c034f70', at: '2026-11-24T18:08:15.709Z' },
    164: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5093, account: '210', session: '0x7fa69c0042d0', at: '2026-11-24T18:08:15.715Z' },
    // S16: svcrack password guessing for user 200 on chan_sip :5070, dictionary of 9 words, correct one (ChanS1p200) last
    165: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c039d70', at: '2026-11-24T18:08:20.878Z' },
    166: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c039d70', at: '2026-11-24T18:08:20.886Z' },
    168: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c036480', at: '2026-11-24T18:08:20.892Z' },
    170: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c036480', at: '2026-11-24T18:08:20.897Z' },
    171: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c00b4c0', at: '2026-11-24T18:08:20.903Z' },
    173: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c00b4c0', at: '2026-11-24T18:08:20.909Z' },
    174: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c00c9d0', at: '2026-11-24T18:08:20.914Z' },
    175: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c00c9d0', at: '2026-11-24T18:08:20.920Z' },
    177: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c03dd30', at: '2026-11-24T18:08:20.926Z' },
    178: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c03dd30', at: '2026-11-24T18:08:20.931Z' },
    180: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c040a40', at: '2026-11-24T18:08:20.937Z' },
    181: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c040a40', at: '2026-11-24T18:08:20.942Z' },
    183: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c042f70', at: '2026-11-24T18:08:20.948Z' },
    184: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c042f70', at: '2026-11-24T18:08:20.954Z' },
    186: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c0454a0', at: '2026-11-24T18:08:20.960Z' },
    188: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c0454a0', at: '2026-11-24T18:08:20.965Z' },
    189: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c048c70', at: '2026-11-24T18:08:20.971Z' },
    191: { kind: 'auth_succeeded', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c048c70', at: '2026-11-24T18:08:20.978Z' },
    // S17: sipp REGISTER user 201 with CORRECT password to chan_sip :5070 (expect 401 then 200 OK)
    193: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c00ff40', at: '2026-11-24T18:08:23.154Z' },
    195: { kind: 'auth_succeeded', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c00ff40', at: '2026-11-24T18:08:23.157Z' },
    // S18: sipp REGISTER user 201 with WRONG password 'wrongpass1' to chan_sip :5070 (attempt 1/3)
    197: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c011450', at: '2026-11-24T18:08:25.317Z' },
    199: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c011450', at: '2026-11-24T18:08:25.319Z' },
    // S19: sipp REGISTER user 201 with WRONG password 'wrongpass2' to chan_sip :5070 (attempt 2/3)
    200: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c013bf0', at: '2026-11-24T18:08:27.477Z' },
    202: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c013bf0', at: '2026-11-24T18:08:27.479Z' },
    // S20: sipp REGISTER user 201 with WRONG password 'wrongpass3' to chan_sip :5070 (attempt 3/3)
    203: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c018bd0', at: '2026-11-24T18:08:29.641Z' },
    205: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c018bd0', at: '2026-11-24T18:08:29.644Z' },
    // S21: sipp REGISTER for UNKNOWN user 999 (password 'guess999') to chan_sip :5070
    206: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '999', session: '0x7fa69c01b290', at: '2026-11-24T18:08:31.810Z' },
    207: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '999', session: '0x7fa69c01b290', at: '2026-11-24T18:08:31.816Z' },
    // S22: sipp INVITE WITHOUT auth, From 200 (existing peer) To 201, chan_sip :5070
    208: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5063, account: 'sip:200@127.0.0.1:5070', session: '0x7fa69c01fe20', at: '2026-11-24T18:08:33.986Z' },
    // S23: sipp INVITE WITHOUT auth, From UNKNOWN user 'attacker' To 201, chan_sip :5070
    209: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5063, account: 'sip:attacker@127.0.0.1:5070', session: '0x7fa69c024bb0', at: '2026-11-24T18:08:36.145Z' },
    // S24: sipp authenticated INVITE from 200 (correct password) to non-existent 9011442079460002, chan_sip :5070 (toll-fraud style)
    210: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5063, account: 'sip:200@127.0.0.1:5070', session: '0x7fa69c0224d0', at: '2026-11-24T18:08:38.306Z' },
    211: { kind: 'auth_failed', reason: 'no_extension', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '9011442079460002', session: '0x7fa69c0224d0', at: '2026-11-24T18:08:38.312Z', extension: '9011442079460002' },
    // S25: AMI login as sipwarden with WRONG secret 'wrongsecret' via nc 127.0.0.1:5038
    212: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'AMI', ip: '127.0.0.1', port: 41190, account: 'sipwarden', session: '0x7fa680001720', at: '2026-11-24T18:08:40.382Z' },
    // S26: AMI login as NON-EXISTENT user 'admin' (secret 'amp111') via nc 127.0.0.1:5038
    213: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'AMI', ip: '127.0.0.1', port: 40912, account: 'admin', session: '0x7fa67bfa0460', at: '2026-11-24T18:08:46.447Z' },
    // S27: AMI login as sipwarden with CORRECT secret, then Logoff, via nc 127.0.0.1:5038
    214: { kind: 'auth_succeeded', signature: 'ami-event', service: 'AMI', ip: '127.0.0.1', port: 60954, account: 'sipwarden', session: '0x7fa688001720', at: '2026-11-24T18:08:52.516Z' },
    // S04: svcrack password guessing for user 100 on chan_pjsip :5060, dictionary of 9 words, correct one (Tr0ub4dor100) last
    217: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.459Z' },
    218: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.468Z' },
    219: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.474Z' },
    220: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.480Z' },
    221: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.486Z' },
    222: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.492Z' },
    223: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.498Z' },
    224: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.504Z' },
    225: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.509Z' },
    226: { kind: 'auth_succeeded', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5092, account: '100', session: '230807719', at: '2026-11-24T18:10:02.515Z' },
    // S05: sipp REGISTER user 101 with CORRECT password to chan_pjsip :5060 (expect 401 then 200 OK)
    227: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '101', session: '1-20252@127.0.0.1', at: '2026-11-24T18:10:04.682Z' },
    228: { kind: 'auth_succeeded', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '101', session: '1-20252@127.0.0.1', at: '2026-11-24T18:10:04.683Z' },
    // S06: sipp REGISTER user 102 with WRONG password 'wrongpass1' to chan_pjsip :5060 (attempt 1/3)
    229: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-20260@127.0.0.1', at: '2026-11-24T18:10:06.841Z' },
    230: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '102', session: '1-20260@127.0.0.1', at: '2026-11-24T18:10:06.843Z' },
    // S09: sipp REGISTER for UNKNOWN user 999 (password 'guess999') to chan_pjsip :5060
    231: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '999', session: '1-20296@127.0.0.1', at: '2026-11-24T18:10:09.010Z' },
    232: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '<unknown>', session: '1-20296@127.0.0.1', at: '2026-11-24T18:10:09.010Z' },
    233: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '999', session: '1-20296@127.0.0.1', at: '2026-11-24T18:10:09.011Z' },
    234: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '<unknown>', session: '1-20296@127.0.0.1', at: '2026-11-24T18:10:09.012Z' },
    // S11: sipp INVITE WITHOUT auth, From UNKNOWN user 'attacker' To 101, chan_pjsip :5060
    235: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: 'attacker', session: '1-20327@127.0.0.1', at: '2026-11-24T18:10:11.174Z' },
    236: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '<unknown>', session: '1-20327@127.0.0.1', at: '2026-11-24T18:10:11.175Z' },
    // S12: sipp authenticated INVITE from 100 (correct password) to non-existent international number 9011442079460000, chan_pjsip :5060 (toll-fraud style)
    239: { kind: 'challenge_sent', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '100', session: '1-20335@127.0.0.1', at: '2026-11-24T18:10:13.338Z' },
    240: { kind: 'auth_succeeded', signature: 'ami-event', service: 'PJSIP', ip: '127.0.0.1', port: 5061, account: '100', session: '1-20335@127.0.0.1', at: '2026-11-24T18:10:13.341Z' },
    // S16: svcrack password guessing for user 200 on chan_sip :5070, dictionary of 9 words, correct one (ChanS1p200) last
    241: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c039d70', at: '2026-11-24T18:10:17.672Z' },
    243: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c039d70', at: '2026-11-24T18:10:17.679Z' },
    244: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c0224d0', at: '2026-11-24T18:10:17.685Z' },
    246: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c0224d0', at: '2026-11-24T18:10:17.690Z' },
    247: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c040a40', at: '2026-11-24T18:10:17.696Z' },
    249: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c040a40', at: '2026-11-24T18:10:17.701Z' },
    250: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c01fdc0', at: '2026-11-24T18:10:17.707Z' },
    252: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c01fdc0', at: '2026-11-24T18:10:17.712Z' },
    253: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c013b70', at: '2026-11-24T18:10:17.718Z' },
    255: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c013b70', at: '2026-11-24T18:10:17.723Z' },
    256: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c031320', at: '2026-11-24T18:10:17.728Z' },
    257: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c031320', at: '2026-11-24T18:10:17.734Z' },
    259: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c018ac0', at: '2026-11-24T18:10:17.739Z' },
    261: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c018ac0', at: '2026-11-24T18:10:17.745Z' },
    262: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c01b200', at: '2026-11-24T18:10:17.750Z' },
    264: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c01b200', at: '2026-11-24T18:10:17.755Z' },
    265: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c024bb0', at: '2026-11-24T18:10:17.761Z' },
    267: { kind: 'auth_succeeded', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5094, account: '200', session: '0x7fa69c024bb0', at: '2026-11-24T18:10:17.767Z' },
    // S17: sipp REGISTER user 201 with CORRECT password to chan_sip :5070 (expect 401 then 200 OK)
    268: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c045320', at: '2026-11-24T18:10:19.954Z' },
    269: { kind: 'auth_succeeded', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c045320', at: '2026-11-24T18:10:19.955Z' },
    // S18: sipp REGISTER user 201 with WRONG password 'wrongpass1' to chan_sip :5070 (attempt 1/3)
    271: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c02c3c0', at: '2026-11-24T18:10:22.134Z' },
    273: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '201', session: '0x7fa69c02c3c0', at: '2026-11-24T18:10:22.135Z' },
    // S21: sipp REGISTER for UNKNOWN user 999 (password 'guess999') to chan_sip :5070
    274: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '999', session: '0x7fa69c037e00', at: '2026-11-24T18:10:24.322Z' },
    275: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '999', session: '0x7fa69c037e00', at: '2026-11-24T18:10:24.322Z' },
    // S24: sipp authenticated INVITE from 200 (correct password) to non-existent 9011442079460002, chan_sip :5070 (toll-fraud style)
    276: { kind: 'challenge_sent', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5063, account: 'sip:200@127.0.0.1:5070', session: '0x7fa69c0042d0', at: '2026-11-24T18:10:26.499Z' },
    277: { kind: 'auth_failed', reason: 'no_extension', signature: 'ami-event', service: 'SIP', ip: '127.0.0.1', port: 5063, account: '9011442079460002', session: '0x7fa69c0042d0', at: '2026-11-24T18:10:26.505Z', extension: '9011442079460002' },
    // S25: AMI login as sipwarden with WRONG secret 'wrongsecret' via nc 127.0.0.1:5038
    278: { kind: 'auth_failed', reason: 'wrong_password', signature: 'ami-event', service: 'AMI', ip: '127.0.0.1', port: 44260, account: 'sipwarden', session: '0x7fa690003ed0', at: '2026-11-24T18:10:28.557Z' },
    // S26: AMI login as NON-EXISTENT user 'admin' (secret 'amp111') via nc 127.0.0.1:5038
    279: { kind: 'auth_failed', reason: 'unknown_account', signature: 'ami-event', service: 'AMI', ip: '127.0.0.1', port: 56340, account: 'admin', session: '0x7fa67bfa0460', at: '2026-11-24T18:10:34.605Z' },
  },
};
