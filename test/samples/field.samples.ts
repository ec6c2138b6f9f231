/**
 * FIELD samples: the formats users have met on Asterisk 11 to 20, FreePBX and
 * syslog/journald, beside the event each must give (null: no event). The list
 * follows the annotated samples of fail2ban's `asterisk` filter
 * (fail2ban/tests/files/logs/asterisk, https://github.com/fail2ban/fail2ban, GPL-2.0):
 * one entry here for each failure there, under its `f2b` description. The lines are
 * written anew for sipwarden in the same formats (other addresses, names and dates),
 * not copied; where a format's origin is known, `source` names the Asterisk file and
 * versions that write it.
 *
 * Every `auth_failed` here must be ONE attempt on its own (src/parsers/field.test.ts feeds each
 * through the attempt counter), and `ip` is the only address the line may yield.
 * Addresses are from the documentation ranges (192.0.2.0/24, 198.51.100.0/24,
 * 203.0.113.0/24, 2001:db8::/32); other address-shaped text in a line is the PBX's
 * own or the attacker's.
 */
import type { FailureReason, Signature } from '../../src/domain/events.js';

export interface FieldSample {
  /** The fail2ban sample this stands for (its date and description), or `-` for one of ours. */
  readonly f2b: string;
  /** Which Asterisk (file, versions) or other program writes the format. */
  readonly source: string;
  readonly line: string;
  /** The event, `at` as an ISO time (TZ=UTC, REF_TIME); null when the line must give none. */
  readonly expected: {
    readonly kind: 'auth_failed';
    readonly reason: FailureReason;
    readonly signature: Signature;
    readonly service: string;
    readonly ip: string;
    readonly port: number | null;
    readonly account: string;
    readonly at: string;
    readonly extension?: string;
  } | null;
}

const CHANSIP_REG = 'chan_sip.c handle_request_register() "Registration from \'%s\' failed for \'%s\' - %s"';

function reg(f2b: string, reason: string, expected: FailureReason): FieldSample {
  return {
    f2b,
    source: `${CHANSIP_REG}; Asterisk 1.8-10 print the address without a port`,
    line: `[2026-02-13 17:21:54] NOTICE[1638] chan_sip.c: Registration from '<sip:301@example.org>' failed for '198.51.100.21' - ${reason}`,
    expected: { kind: 'auth_failed', reason: expected, signature: 'chansip-registration-failed', service: 'SIP', ip: '198.51.100.21', port: null, account: '301', at: '2026-02-13T17:21:54.000Z' },
  };
}

const PJSIP_OLD = 'res_pjsip/pjsip_distributor.c: "Request from \'%s\' failed for \'%s:%d\' (callid: %s) - %s" (13.x before 13.10: no method)';

function pjsipNoMethod(reason: string, expected: FailureReason): FieldSample {
  return {
    f2b: `2016-05-23 "Failed authentication with pjsip on Asterisk 13+": ${reason}`,
    source: PJSIP_OLD,
    line: `[2026-05-23 10:18:16] NOTICE[19388] res_pjsip/pjsip_distributor.c: Request from '"1000" <sip:1000@10.0.0.1>' failed for '203.0.113.40:48336' (callid: 276666022) - ${reason}`,
    expected: { kind: 'auth_failed', reason: expected, signature: 'pjsip-request-failed', service: 'PJSIP', ip: '203.0.113.40', port: 48336, account: '1000', at: '2026-05-23T10:18:16.000Z' },
  };
}

function freepbx(f2b: string, addr: string, ip: string, port: number | null): FieldSample {
  return {
    f2b,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: FreePBX's dialplan quoted as written, `${CHANNEL(recvip)}` and all
    source: 'FreePBX extensions.conf [from-sip-external], exten s: Log(WARNING,"Rejecting unknown SIP connection from ${CHANNEL(recvip)}") (app_verbose.c writes file "Ext. s")',
    line: `[2026-11-11 14:33:38] WARNING[6756][C-0000001d] Ext. s: "Rejecting unknown SIP connection from ${addr}"`,
    expected: { kind: 'auth_failed', reason: 'unknown_account', signature: 'freepbx-unknown-sip', service: 'SIP', ip, port, account: '', at: '2026-11-11T14:33:38.000Z' },
  };
}

function chansipCall(ext: string, at: string): FieldSample {
  return {
    f2b: `2016-01-28 "phone numbers with + symbol (and without number, or other context)": '${ext}'`,
    source: 'chan_sip.c handle_request_invite(): "Call from \'%s\' (%s) to extension \'%s\' rejected because extension not found in context \'%s\'." (11-20)',
    line: `[${at.slice(0, 10)} ${at.slice(11, 19)}] NOTICE[3477][C-000003bb] chan_sip.c: Call from '' (198.51.100.23:10836) to extension '${ext}' rejected because extension not found in context 'default'.`,
    expected: { kind: 'auth_failed', reason: 'no_extension', signature: 'chansip-call-rejected', service: 'SIP', ip: '198.51.100.23', port: 10836, account: '', at, extension: ext },
  };
}

export const FIELD_SAMPLES: readonly FieldSample[] = [
  // ------------------------------------------------------------ chan_sip registrations
  reg('2012-02-13 Wrong password', 'Wrong password', 'wrong_password'),
  reg('2012-02-13 No matching peer found', 'No matching peer found', 'unknown_account'),
  reg('2012-02-13 Username/auth name mismatch', 'Username/auth name mismatch', 'unknown_account'),
  reg('2012-02-13 Device does not match ACL', 'Device does not match ACL', 'acl_denied'),
  reg('2012-02-13 Peer is not supposed to register', 'Peer is not supposed to register', 'not_allowed'),
  { ...reg('2012-02-13 ACL error (permit/deny)', 'ACL error (permit/deny)', 'acl_denied'), source: `${CHANSIP_REG}, reason from a patched chan_sip (not in Asterisk's own source)` },
  {
    f2b: '2013-03-26 display name glued to the URI, the PBX address in To',
    source: CHANSIP_REG,
    line: `[2026-03-26 15:47:54] NOTICE[1237] chan_sip.c: Registration from '"100"sip:100@192.0.2.5' failed for '203.0.113.30:23930' - No matching peer found`,
    expected: { kind: 'auth_failed', reason: 'unknown_account', signature: 'chansip-registration-failed', service: 'SIP', ip: '203.0.113.30', port: 23930, account: '100', at: '2026-03-26T15:47:54.000Z' },
  },
  {
    f2b: '2013-06-10 Not a local domain',
    source: CHANSIP_REG,
    line: `[2026-06-10 18:15:03] NOTICE[2723] chan_sip.c: Registration from '"100"<sip:100@192.168.0.2:5060>' failed for '203.0.113.31' - Not a local domain`,
    expected: { kind: 'auth_failed', reason: 'not_allowed', signature: 'chansip-registration-failed', service: 'SIP', ip: '203.0.113.31', port: null, account: '100', at: '2026-06-10T18:15:03.000Z' },
  },
  {
    f2b: '2015-03-16 hacking attempt detected',
    source: 'a patched chan_sip.c (not in Asterisk\'s own source): "hacking attempt detected \'%s\'"',
    line: "[2026-03-16 18:46:34] NOTICE[3453] chan_sip.c: hacking attempt detected '198.51.100.24'",
    expected: { kind: 'auth_failed', reason: 'other', signature: 'chansip-hacking-attempt', service: 'SIP', ip: '198.51.100.24', port: null, account: '', at: '2026-03-16T18:46:34.000Z' },
  },

  // ------------------------------------------------------------ chan_iax2
  {
    f2b: '2012-02-13 IAX2 failed to authenticate (user quoted)',
    source: 'chan_iax2.c socket_process() AUTHREP: "Host %s failed to authenticate as %s" (older releases quoted the user)',
    line: "[2026-02-13 17:53:59] NOTICE[1638] chan_iax2.c: Host 198.51.100.25 failed to authenticate as 'guest'",
    expected: { kind: 'auth_failed', reason: 'wrong_password', signature: 'iax2-auth-failed', service: 'IAX2', ip: '198.51.100.25', port: null, account: 'guest', at: '2026-02-13T17:53:59.000Z' },
  },
  {
    f2b: '-',
    source: 'chan_iax2.c socket_process() AUTHREP, Asterisk 13-20: ast_sockaddr_stringify (with port), WARNING in 20',
    line: '[2026-02-13 17:54:00] WARNING[1638] chan_iax2.c: Host [2001:db8::25]:4569 failed to authenticate as guest',
    expected: { kind: 'auth_failed', reason: 'wrong_password', signature: 'iax2-auth-failed', service: 'IAX2', ip: '2001:db8::25', port: 4569, account: 'guest', at: '2026-02-13T17:54:00.000Z' },
  },
  {
    f2b: '2012-02-13 No registration for peer',
    source: 'chan_iax2.c register_verify(): "No registration for peer \'%s\' (from %s)"',
    line: "[2026-02-13 17:39:20] NOTICE[1638] chan_iax2.c: No registration for peer 'guest' (from 198.51.100.26)",
    expected: { kind: 'auth_failed', reason: 'unknown_account', signature: 'iax2-no-registration', service: 'IAX2', ip: '198.51.100.26', port: null, account: 'guest', at: '2026-02-13T17:39:20.000Z' },
  },
  {
    f2b: '2012-02-13 failed MD5 authentication',
    source: 'chan_iax2.c register_verify(): "Host %s failed MD5 authentication for \'%s\' (%s != %s)"',
    line: "[2026-02-13 17:44:26] NOTICE[1638] chan_iax2.c: Host 198.51.100.27 failed MD5 authentication for 'guest' (0f4c3a1b8d2e9f7a6b5c4d3e2f1a0b9c != 9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f)",
    expected: { kind: 'auth_failed', reason: 'wrong_password', signature: 'iax2-auth-failed', service: 'IAX2', ip: '198.51.100.27', port: null, account: 'guest', at: '2026-02-13T17:44:26.000Z' },
  },

  // ------------------------------------------------------------ calls to numbers that do not exist
  {
    f2b: '2013-02-05 chan_sip Call from \'\' rejected, extension not found',
    source: 'chan_sip.c handle_request_invite() (11-20)',
    line: "[2026-02-05 23:44:42] NOTICE[436][C-00000fa9] chan_sip.c: Call from '' (198.51.100.23:10836) to extension '0972598285108' rejected because extension not found in context 'default'.",
    expected: { kind: 'auth_failed', reason: 'no_extension', signature: 'chansip-call-rejected', service: 'SIP', ip: '198.51.100.23', port: 10836, account: '', at: '2026-02-05T23:44:42.000Z', extension: '0972598285108' },
  },
  chansipCall('++441772285411', '2026-01-28T10:22:27.000Z'),
  chansipCall('0+441772285407', '2026-01-28T10:34:31.000Z'),
  chansipCall('', '2026-01-28T10:34:33.000Z'),
  {
    f2b: '2005-01-18 res_pjsip_session Call from \'anonymous\' (TCP:[addr]:port), console format',
    source: 'res_pjsip_session.c new_invite(), 13.2x/15.x: "Call from \'%s\' (%s:%s) to extension …" with pj_sockaddr_print(…, 3)',
    line: "[Jan 18 17:39:50] NOTICE[12049]: res_pjsip_session.c:2337 new_invite: Call from 'anonymous' (TCP:[198.51.100.28]:61470) to extension '9011+442037690237' rejected because extension not found in context 'default'.",
    expected: { kind: 'auth_failed', reason: 'no_extension', signature: 'pjsip-call-rejected', service: 'PJSIP', ip: '198.51.100.28', port: 61470, account: 'anonymous', at: '2026-01-18T17:39:50.000Z', extension: '9011+442037690237' },
  },
  {
    f2b: '-',
    source: 'res_pjsip_session.c new_invite(), 13.0-13.1x, 14, 16.0: "Call from \'%s\' (%s:%s:%d) …" with src_name (IPv6 unbracketed)',
    line: "[2026-01-18 17:39:51] NOTICE[12049] res_pjsip_session.c: Call from 'anonymous' (UDP6:2001:db8::28:5060) to extension '0046812345' rejected because extension not found in context 'from-sip-external'.",
    expected: { kind: 'auth_failed', reason: 'no_extension', signature: 'pjsip-call-rejected', service: 'PJSIP', ip: '2001:db8::28', port: 5060, account: 'anonymous', at: '2026-01-18T17:39:51.000Z', extension: '0046812345' },
  },
  {
    f2b: '2005-06-12 res_pjsip_session anonymous: Call (UDP:addr:port)',
    source: 'res_pjsip_session.c new_invite(), 16.x later and 17-20: "%s: Call (%s:%s) to extension …" (ast_trace_log indents it)',
    line: "[Jun 12 15:13:54] NOTICE[3980] res_pjsip_session.c:  anonymous: Call (UDP:198.51.100.29:65049) to extension '001447441452805' rejected because extension not found in context 'inbound-foo-bar'.",
    expected: { kind: 'auth_failed', reason: 'no_extension', signature: 'pjsip-call-rejected', service: 'PJSIP', ip: '198.51.100.29', port: 65049, account: 'anonymous', at: '2026-06-12T15:13:54.000Z', extension: '001447441452805' },
  },

  // ------------------------------------------------------------ security events of older releases
  {
    f2b: '2013-05-13 InvalidAccountID, Asterisk 11 EventTV (seconds-microseconds)',
    source: 'res_security_log.c, Asterisk 11: EventTV="<sec>-<usec>" (the line date stands)',
    line: '[2026-05-13 07:10:53] SECURITY[1204] res_security_log.c: SecurityEvent="InvalidAccountID",EventTV="1368439853-500975",Severity="Error",Service="SIP",EventVersion="1",AccountID="00972599580679",SessionID="0x7f8ecc0421f8",LocalAddress="IPV4/UDP/192.0.2.2/5060",RemoteAddress="IPV4/UDP/203.0.113.32/5070"',
    expected: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'SIP', ip: '203.0.113.32', port: 5070, account: '00972599580679', at: '2026-05-13T07:10:53.000Z' },
  },
  {
    f2b: '2013-07-06 InvalidPassword with Challenge/ReceivedChallenge/ReceivedHash',
    source: 'res_security_log.c, Asterisk 11',
    line: '[2026-07-06 09:09:25] SECURITY[3308] res_security_log.c: SecurityEvent="InvalidPassword",EventTV="1373098165-824497",Severity="Error",Service="SIP",EventVersion="2",AccountID="972592891005",SessionID="0x88aab6c",LocalAddress="IPV4/UDP/192.0.2.3/5060",RemoteAddress="IPV4/UDP/203.0.113.33/5084",Challenge="41d26de5",ReceivedChallenge="41d26de5",ReceivedHash="7a6a3a2e95a05260aee612896e1b4a39"',
    expected: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'SIP', ip: '203.0.113.33', port: 5084, account: '972592891005', at: '2026-07-06T09:09:25.000Z' },
  },
  {
    f2b: '2014-01-10 FailedACL domain_must_match',
    source: 'res_security_log.c, chan_sip FailedACL',
    line: '[2026-01-10 16:39:06] SECURITY[1503] res_security_log.c: SecurityEvent="FailedACL",EventTV="1389368346-880526",Severity="Error",Service="SIP",EventVersion="1",AccountID="",SessionID="0x7ff408103b18",LocalAddress="IPV4/UDP/192.0.2.4/5060",RemoteAddress="IPV4/UDP/203.0.113.34/5066",ACLName="domain_must_match"',
    expected: { kind: 'auth_failed', reason: 'acl_denied', signature: 'security-log', service: 'SIP', ip: '203.0.113.34', port: 5066, account: '', at: '2026-01-10T16:39:06.000Z' },
  },
  {
    f2b: '2015-05-24 ChallengeResponseFailed on INVITE with PJSIP',
    source: 'res_security_log.c, res_pjsip (13+)',
    line: '[2026-05-24 08:42:16] SECURITY[4583] res_security_log.c: SecurityEvent="ChallengeResponseFailed",EventTV="2026-05-24T08:42:16.296+0300",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="<unknown>",SessionID="17a483d-eb8cc0-556164ab@192.0.2.5",LocalAddress="IPV4/UDP/192.0.2.5/5060",RemoteAddress="IPV4/UDP/203.0.113.35/5060",Challenge="1432446136/6d16ccf29ff59d423c6d548af00bf9b4",Response="849dfcf133d8156f77ef11a9194119df",ExpectedResponse=""',
    expected: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '203.0.113.35', port: 5060, account: '<unknown>', at: '2026-05-24T05:42:16.296Z' },
  },
  {
    f2b: '2019-09-20 TLS before the address (gh-2531)',
    source: 'res_security_log.c, res_pjsip over TLS',
    line: '[2026-09-20 19:12:43] SECURITY[1724] res_security_log.c: SecurityEvent="ChallengeResponseFailed",EventTV="2026-09-20T19:12:43.659-0500",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="<unknown>",SessionID="3686a690-f8ccac10-5677c924-51b54926",LocalAddress="IPV4/TLS/192.0.2.6/5062",RemoteAddress="IPV4/TLS/203.0.113.36/30245",Challenge="1569024763/510a7e1ed568b93ce283d1b16bc17a15",Response="8e181448412899ccb20ea585efc8bab0",ExpectedResponse=""',
    expected: { kind: 'auth_failed', reason: 'wrong_password', signature: 'security-log', service: 'PJSIP', ip: '203.0.113.36', port: 30245, account: '<unknown>', at: '2026-09-21T00:12:43.659Z' },
  },
  {
    f2b: '2015-05-25 SessionID with special characters and spaces',
    source: 'res_security_log.c: the Call-ID is written unescaped',
    line: `[2026-05-25 07:19:19] SECURITY[6988] res_security_log.c: SecurityEvent="InvalidAccountID",EventTV="2026-05-25T07:19:19.015+0300",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="70000180",SessionID="!@#$%^&   *(}((')[ -+"++",LocalAddress="IPV4/UDP/192.0.2.7/5060",RemoteAddress="IPV4/UDP/203.0.113.37/5061"`,
    expected: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '203.0.113.37', port: 5061, account: '70000180', at: '2026-05-25T04:19:19.015Z' },
  },
  {
    f2b: '2015-05-25 SessionID holding a whole fake LocalAddress/RemoteAddress pair',
    source: 'res_security_log.c: the Call-ID is written unescaped (the decoy 198.51.100.99 must not be taken)',
    line: '[2026-05-25 07:21:48] SECURITY[6988] res_security_log.c: SecurityEvent="InvalidAccountID",EventTV="2026-05-25T07:21:48.275+0300",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="70000180",SessionID="",LocalAddress="IPV4/UDP/127.0.0.1/5060",RemoteAddress="IPV4/UDP/198.51.100.99/1111"",LocalAddress="IPV4/UDP/192.0.2.7/5060",RemoteAddress="IPV4/UDP/203.0.113.38/5061"',
    expected: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '203.0.113.38', port: 5061, account: '70000180', at: '2026-05-25T04:21:48.275Z' },
  },
  {
    f2b: '2015-05-25 UTF-8 in SessionID',
    source: 'res_security_log.c',
    line: '[2026-05-25 07:52:36] SECURITY[6988] res_security_log.c: SecurityEvent="InvalidAccountID",EventTV="2026-05-25T07:52:36.888+0300",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="70000180",SessionID="Злодей-звонит",LocalAddress="IPV4/UDP/192.0.2.7/5060",RemoteAddress="IPV4/UDP/203.0.113.39/5061"',
    expected: { kind: 'auth_failed', reason: 'unknown_account', signature: 'security-log', service: 'PJSIP', ip: '203.0.113.39', port: 5061, account: '70000180', at: '2026-05-25T04:52:36.888Z' },
  },
  {
    f2b: '2016-05-15 FailedACL of the manager (AMI), with SessionTV',
    source: 'manager.c report_failed_acl() through res_security_log.c',
    line: '[2026-05-15 22:53:00] SECURITY[26428] res_security_log.c: SecurityEvent="FailedACL",EventTV="2026-05-15T22:53:00.203+0300",Severity="Error",Service="AMI",EventVersion="1",AccountID="admin",SessionID="0x7fb580001518",LocalAddress="IPV4/TCP/0.0.0.0/5038",RemoteAddress="IPV4/TCP/192.0.2.44/62389",SessionTV="1970-01-01T03:00:00.000+0300"',
    expected: { kind: 'auth_failed', reason: 'acl_denied', signature: 'security-log', service: 'AMI', ip: '192.0.2.44', port: 62389, account: 'admin', at: '2026-05-15T19:53:00.203Z' },
  },

  // ------------------------------------------------------------ chan_pjsip requests
  pjsipNoMethod('No matching endpoint found', 'unknown_account'),
  pjsipNoMethod('Not match Endpoint ACL', 'acl_denied'),
  pjsipNoMethod('Not match Endpoint Contact ACL', 'acl_denied'),
  pjsipNoMethod('Failed to authenticate', 'wrong_password'),
  pjsipNoMethod('Error to authenticate', 'other'),
  {
    f2b: '2016-06-08 Call-ID holding the PBX\'s address',
    source: PJSIP_OLD,
    line: "[2026-06-08 23:40:26] NOTICE[32497] res_pjsip/pjsip_distributor.c: Request from '\"317\" <sip:317@192.0.2.8>' failed for '203.0.113.41:5089' (callid: 206f178f-896564cb-57573f49@192.0.2.8) - No matching endpoint found",
    expected: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '203.0.113.41', port: 5089, account: '317', at: '2026-06-08T23:40:26.000Z' },
  },
  {
    f2b: "2017-12-14 SQL-injection-like user '<sip:'or''='@…>'",
    source: 'res_pjsip/pjsip_distributor.c log_failed_request() (13.10+)',
    line: "[2026-12-14 22:18:00] NOTICE[1943] res_pjsip/pjsip_distributor.c: Request 'INVITE' from '<sip:'or''='@192.0.2.9>' failed for '203.0.113.42:43678' (callid: UmOkE9yQPGOsF3Az24YTRe..) - No matching endpoint found",
    expected: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '203.0.113.42', port: 43678, account: "'or''='", at: '2026-12-14T22:18:00.000Z' },
  },
  {
    f2b: '2016-05-06 PJSip Errors: no method',
    source: PJSIP_OLD,
    line: "[2026-05-06 07:08:09] NOTICE[17103] res_pjsip/pjsip_distributor.c: Request from '\"test1\" <sip:test1@192.0.2.10>' failed for '203.0.113.43:5678' (callid: deadbeef) - No matching endpoint found",
    expected: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '203.0.113.43', port: 5678, account: 'test1', at: '2026-05-06T07:08:09.000Z' },
  },
  {
    f2b: '2016-05-06 No matching endpoint found with retry counts',
    source: 'res_pjsip/pjsip_distributor.c log_failed_request(): " after %u tries in %.3f ms"',
    line: "[2026-05-06 07:08:10] NOTICE[17103] res_pjsip/pjsip_distributor.c: Request 'INVITE' from '\"test2\" <sip:test2@192.0.2.11>' failed for '203.0.113.44:5679' (callid: cafebabe) - No matching endpoint found after 5 tries in 2.500 ms",
    expected: { kind: 'auth_failed', reason: 'unknown_account', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '203.0.113.44', port: 5679, account: 'test2', at: '2026-05-06T07:08:10.000Z' },
  },

  // ------------------------------------------------------------ manager (AMI)
  {
    f2b: '2016-06-09 NOTICE [pid] with a space',
    source: 'manager.c authenticate(), logged with a space between level and lwp',
    line: "[2026-06-09 00:01:02] NOTICE [22382] manager.c: 192.0.2.45 failed to authenticate as 'admin'",
    expected: { kind: 'auth_failed', reason: 'other', signature: 'manager-auth-failed', service: 'AMI', ip: '192.0.2.45', port: null, account: 'admin', at: '2026-06-09T00:01:02.000Z' },
  },
  {
    f2b: '2016-05-06 Check AMI logs: nonexistent user',
    source: 'manager.c authenticate()',
    line: "[2026-05-06 07:08:11] NOTICE[31554] manager.c: 192.0.2.46 tried to authenticate with nonexistent user 'opennms'",
    expected: { kind: 'auth_failed', reason: 'unknown_account', signature: 'manager-nonexistent-user', service: 'AMI', ip: '192.0.2.46', port: null, account: 'opennms', at: '2026-05-06T07:08:11.000Z' },
  },
  {
    f2b: '2016-05-06 Check AMI logs: failed to authenticate',
    source: 'manager.c authenticate()',
    line: "[2026-05-06 07:08:12] NOTICE[6772] manager.c: 192.0.2.47 failed to authenticate as 'Admin'",
    expected: { kind: 'auth_failed', reason: 'other', signature: 'manager-auth-failed', service: 'AMI', ip: '192.0.2.47', port: null, account: 'Admin', at: '2026-05-06T07:08:12.000Z' },
  },

  // ------------------------------------------------------------ FreePBX dial plan
  freepbx('2013-11-11 Rejecting unknown SIP connection, bare IPv4', '192.0.2.48', '192.0.2.48', null),
  freepbx('2013-11-11 Rejecting unknown SIP connection, IPv4 with port', '192.0.2.49:52126', '192.0.2.49', 52126),
  freepbx('2013-11-11 Rejecting unknown SIP connection, bare IPv6', '2001:db8::49', '2001:db8::49', null),
  freepbx('2013-11-11 Rejecting unknown SIP connection, bracketed IPv6 with port', '[2001:db8::4a]:5060', '2001:db8::4a', 5060),
  {
    f2b: '2005-03-01 log over a remote syslog server',
    source: 'FreePBX from-sip-external through Asterisk\'s syslog channel: "Ext. s:6 in @ from-sip-external:"',
    line: 'Mar  1 15:35:53 pbx asterisk[2350]: WARNING[1195][C-00000b43]: Ext. s:6 in @ from-sip-external: "Rejecting unknown SIP connection from 192.0.2.50"',
    expected: { kind: 'auth_failed', reason: 'unknown_account', signature: 'freepbx-unknown-sip', service: 'SIP', ip: '192.0.2.50', port: null, account: '', at: '2026-03-01T15:35:53.000Z' },
  },

  // ------------------------------------------------------------ syslog and journald
  {
    f2b: '2004-11-04 syslog, single-digit day',
    source: 'main/logger.c ast_log_vsyslog(): "LEVEL[lwp]: file:line in function: message"',
    line: "Nov 4 18:30:40 localhost asterisk[32229]: NOTICE[32257]: chan_sip.c:23417 in handle_request_register: Registration from '<sip:301@example.org>' failed for '192.0.2.51:36998' - Wrong password",
    expected: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '192.0.2.51', port: 36998, account: '301', at: '2026-11-04T18:30:40.000Z' },
  },
  {
    f2b: '2016-08-19 console format: "file:line function:" without "in"',
    source: 'main/logger.c console format (asterisk -f under systemd, or verbose logs)',
    line: "[2026-08-19 11:11:26] NOTICE[12931]: chan_sip.c:28468 handle_request_register: Registration from 'sip:bob@192.0.2.52' failed for '192.0.2.52:42406' - Wrong password",
    expected: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '192.0.2.52', port: 42406, account: 'bob', at: '2026-08-19T11:11:26.000Z' },
  },
  {
    f2b: 'systemd-journal entry (journalctl -o cat: no date at all)',
    source: 'journald, message only: the line takes the reference time',
    line: "NOTICE[566]: chan_sip.c:28926 handle_request_register: Registration from '\"28\" <sip:28@127.0.0.100>' failed for '192.0.2.53:7998' - Wrong password",
    expected: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '192.0.2.53', port: 7998, account: '28', at: '2026-11-25T00:00:00.000Z' },
  },
  {
    f2b: 'systemd-journal entry with an additional timestamp in the message',
    source: 'journald capturing the console of asterisk -f',
    line: "[Mar 27 10:06:14] NOTICE[566]: chan_sip.c:28926 handle_request_register: Registration from '\"1000\" <sip:1000@127.0.0.100>' failed for '192.0.2.54:7998' - Wrong password",
    expected: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '192.0.2.54', port: 7998, account: '1000', at: '2026-03-27T10:06:14.000Z' },
  },
  {
    f2b: '-',
    source: 'journalctl -o short: syslog prefix, then the console\'s own [date] (the syslog date stands)',
    line: "Mar 27 10:06:15 pbx asterisk[123]: [Mar 27 10:06:14] NOTICE[566]: chan_sip.c:28926 handle_request_register: Registration from '<sip:1000@127.0.0.100>' failed for '192.0.2.55:7998' - Wrong password",
    expected: { kind: 'auth_failed', reason: 'wrong_password', signature: 'chansip-registration-failed', service: 'SIP', ip: '192.0.2.55', port: 7998, account: '1000', at: '2026-03-27T10:06:15.000Z' },
  },
  {
    f2b: '-',
    source: 'journalctl -o short-precise: microseconds on the syslog date',
    line: "Mar 27 10:06:16.123456 pbx asterisk[123]: NOTICE[566]: manager.c:2405 in authenticate: 192.0.2.56 failed to authenticate as 'admin'",
    expected: { kind: 'auth_failed', reason: 'other', signature: 'manager-auth-failed', service: 'AMI', ip: '192.0.2.56', port: null, account: 'admin', at: '2026-03-27T10:06:16.123Z' },
  },

  // ------------------------------------------------------------ lines that report nothing by themselves
  {
    f2b: '-',
    source: 'main/acl.c ast_apply_acl(): "%sRejecting \'%s\' due to a failure to pass ACL \'%s\'" — written for the manager, chan_sip peers … beside their own report of the same attempt',
    line: "[2026-11-24 18:08:41] NOTICE[18072] acl.c: Manager User ACL: Rejecting '203.0.113.45' due to a failure to pass ACL '(BASELINE)'",
    expected: null,
  },
  {
    f2b: '(disabled in fail2ban) FreePBX "Friendly Scanner from" warning',
    source: 'an old FreePBX dial plan; not written by current FreePBX, and its "file" is the dialled number (attacker text)',
    line: '[2026-05-06 07:08:09] WARNING[6410][C-00000bac] Ext. 50048943556071: Friendly Scanner from 192.0.2.57',
    expected: null,
  },
];
