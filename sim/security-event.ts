/**
 * Asterisk security events (res_security_log / manager) as the simulator reports them,
 * rendered byte-for-byte like Asterisk 20: as a `security` log line body and as an AMI
 * event frame. Values are written unescaped, as Asterisk does: attacker-chosen text
 * (account names, Call-IDs) goes out verbatim, quotes and CR/LF included.
 */
import { eventTv } from './time-format.js';

/** The transports a security event address can name. */
export type SimTransport = 'UDP' | 'TCP';

/** One end of a connection, as a security event reports it. */
export interface EventAddress {
  readonly ip: string;
  readonly port: number;
  readonly transport: SimTransport;
}

/** One security event, fields in Asterisk's order; `extra` follows RemoteAddress. */
export interface SecurityEventRecord {
  readonly event: string;
  readonly at: number;
  readonly severity: 'Informational' | 'Error';
  readonly service: string;
  readonly version: '1' | '2';
  readonly accountId: string;
  readonly sessionId: string;
  readonly local: EventAddress;
  readonly remote: EventAddress;
  readonly extra: ReadonlyArray<readonly [string, string]>;
}

/** `IPV4/UDP/127.0.0.1/5060`, `IPV6/TCP/::1/5060` (IPv6 unbracketed). */
export function formatEventAddress(a: EventAddress): string {
  const family = a.ip.includes(':') ? 'IPV6' : 'IPV4';
  return `${family}/${a.transport}/${a.ip}/${a.port}`;
}

/** The event's fields after its name, in order, as [key, value] pairs. */
export function eventFields(e: SecurityEventRecord): Array<readonly [string, string]> {
  return [
    ['EventTV', eventTv(e.at)],
    ['Severity', e.severity],
    ['Service', e.service],
    ['EventVersion', e.version],
    ['AccountID', e.accountId],
    ['SessionID', e.sessionId],
    ['LocalAddress', formatEventAddress(e.local)],
    ['RemoteAddress', formatEventAddress(e.remote)],
    ...e.extra,
  ];
}

/** The part of a security log line after `res_security_log.c: `: `SecurityEvent="…",EventTV="…",…`. */
export function securityLogBody(e: SecurityEventRecord): string {
  const parts = [`SecurityEvent="${e.event}"`];
  for (const [k, v] of eventFields(e)) parts.push(`${k}="${v}"`);
  return parts.join(',');
}

/** The AMI frame of the event: `Event: X\r\nPrivilege: security,all\r\n…\r\n\r\n`. */
export function securityAmiFrame(e: SecurityEventRecord): string {
  let out = `Event: ${e.event}\r\nPrivilege: security,all\r\n`;
  for (const [k, v] of eventFields(e)) out += `${k}: ${v}\r\n`;
  return `${out}\r\n`;
}

/** Fields every PJSIP event shares, for the constructors below. */
export interface PjsipEventBase {
  readonly at: number;
  readonly accountId: string;
  readonly callId: string;
  readonly local: EventAddress;
  readonly remote: EventAddress;
}

function pjsip(
  event: string,
  severity: SecurityEventRecord['severity'],
  b: PjsipEventBase,
  extra: ReadonlyArray<readonly [string, string]>,
): SecurityEventRecord {
  return {
    event, severity, service: 'PJSIP', version: '1', at: b.at, accountId: b.accountId,
    sessionId: b.callId, local: b.local, remote: b.remote, extra,
  };
}

/** res_pjsip ast_sip_report_invalid_endpoint(): no endpoint matched the From user. */
export function invalidAccountId(b: PjsipEventBase): SecurityEventRecord {
  return pjsip('InvalidAccountID', 'Error', b, []);
}

/** ast_sip_report_auth_challenge_sent(): Asterisk 20 leaves `Challenge` empty. */
export function challengeSent(b: PjsipEventBase): SecurityEventRecord {
  return pjsip('ChallengeSent', 'Informational', b, [['Challenge', '']]);
}

/** ast_sip_report_auth_failed_challenge_response(): the nonce and response the client sent. */
export function challengeResponseFailed(b: PjsipEventBase, nonce: string, response: string): SecurityEventRecord {
  return pjsip('ChallengeResponseFailed', 'Error', b, [
    ['Challenge', nonce], ['Response', response], ['ExpectedResponse', ''],
  ]);
}

/** ast_sip_report_auth_success(). */
export function successfulAuth(b: PjsipEventBase): SecurityEventRecord {
  return pjsip('SuccessfulAuth', 'Informational', b, [['UsingPassword', '1']]);
}

/** Fields every chan_sip event shares: its SessionID is a pointer (`0x7fa69c0042d0`), not the Call-ID. */
export interface ChanSipEventBase {
  readonly at: number;
  readonly accountId: string;
  readonly sessionId: string;
  readonly local: EventAddress;
  readonly remote: EventAddress;
}

/**
 * chan_sip's security events (Service `SIP`): a challenge with its nonce, a wrong
 * password (EventVersion 2, with the nonce it answered and its hash), a success.
 */
export function chanSipEvent(
  b: ChanSipEventBase,
  e: { readonly kind: 'ChallengeSent'; readonly nonce: string }
    | { readonly kind: 'InvalidPassword'; readonly nonce: string; readonly received: string; readonly hash: string }
    | { readonly kind: 'SuccessfulAuth' },
): SecurityEventRecord {
  const base = { at: b.at, service: 'SIP', accountId: b.accountId, sessionId: b.sessionId, local: b.local, remote: b.remote } as const;
  if (e.kind === 'ChallengeSent') return { ...base, event: e.kind, severity: 'Informational', version: '1', extra: [['Challenge', e.nonce]] };
  if (e.kind === 'SuccessfulAuth') return { ...base, event: e.kind, severity: 'Informational', version: '1', extra: [['UsingPassword', '1']] };
  return { ...base, event: e.kind, severity: 'Error', version: '2', extra: [['Challenge', e.nonce], ['ReceivedChallenge', e.received], ['ReceivedHash', e.hash]] };
}

/** Fields of a manager (AMI) login event. */
export interface AmiEventBase {
  readonly at: number;
  readonly accountId: string;
  readonly sessionId: string;
  readonly local: EventAddress;
  readonly remote: EventAddress;
}

/** manager.c report_failed_challenge_response(): a wrong `Key` in an MD5 login. */
export function amiChallengeResponseFailed(
  b: AmiEventBase, challenge: string, response: string, expected: string,
): SecurityEventRecord {
  return {
    event: 'ChallengeResponseFailed', at: b.at, severity: 'Error', service: 'AMI', version: '1',
    accountId: b.accountId, sessionId: b.sessionId, local: b.local, remote: b.remote,
    extra: [['Challenge', challenge], ['Response', response], ['ExpectedResponse', expected], ['SessionTV', eventTv(0)]],
  };
}

/** manager.c's security events for a login: success, wrong secret, unknown user. */
export function amiLoginEvent(
  kind: 'SuccessfulAuth' | 'InvalidPassword' | 'InvalidAccountID',
  b: AmiEventBase,
): SecurityEventRecord {
  const base = {
    event: kind, at: b.at, service: 'AMI', accountId: b.accountId, sessionId: b.sessionId,
    local: b.local, remote: b.remote,
  };
  if (kind === 'SuccessfulAuth') {
    return { ...base, severity: 'Informational', version: '1', extra: [['UsingPassword', '0'], ['SessionTV', eventTv(b.at)]] };
  }
  // A failed login has no session start yet: Asterisk prints the zero timeval.
  const extra: Array<readonly [string, string]> = [['SessionTV', eventTv(0)]];
  return { ...base, severity: 'Error', version: kind === 'InvalidPassword' ? '2' : '1', extra };
}
