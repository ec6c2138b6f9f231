/**
 * SYNTHETIC samples: lines the captured Asterisk 20 run did not produce, written by
 * hand in the exact format of the Asterisk source line named in `follows`. They pin
 * the patterns and reasons that have no real sample in the captures of test/fixtures/
 * (see src/parsers/fixtures.test.ts: every signature needs a real sample or one of these).
 *
 * Addresses are from the documentation ranges (192.0.2.0/24, 198.51.100.0/24,
 * 203.0.113.0/24, 2001:db8::/32).
 */
import type { FailureReason, Signature } from '../../src/domain/events.js';

export interface SyntheticSample {
  readonly synthetic: true;
  /** The Asterisk source (file, function, format string) the sample follows. */
  readonly follows: string;
  readonly line: string;
  readonly expected: {
    readonly kind: 'auth_failed' | 'auth_succeeded';
    readonly signature: Signature;
    readonly service: string;
    readonly ip: string;
    readonly port: number | null;
    readonly account: string;
    readonly reason?: FailureReason;
    readonly extension?: string;
  };
}

const CHANSIP_REG = `chan_sip.c handle_request_register(): ast_log(LOG_NOTICE, "Registration from '%s' failed for '%s' - %s\\n", sip_get_header(req, "To"), ast_sockaddr_stringify(addr), reason)`;
const PJSIP_FAILED = `res_pjsip/pjsip_distributor.c log_failed_request(): "Request '%s' from '%s' failed for '%s' (callid: %s) - %s" [" after %u tries in %.3f ms"], address by pj_sockaddr_print(..., 3)`;

function chansipReg(reason: string, expected: FailureReason): SyntheticSample {
  return {
    synthetic: true,
    follows: `${CHANSIP_REG}, reason "${reason}"`,
    line: `[Nov 24 18:20:00] NOTICE[16641] chan_sip.c: Registration from '<sip:300@192.0.2.10:5070>' failed for '203.0.113.50:5062' - ${reason}`,
    expected: { kind: 'auth_failed', signature: 'chansip-registration-failed', service: 'SIP', ip: '203.0.113.50', port: 5062, account: '300', reason: expected },
  };
}

function pjsip(reasonText: string, expected: FailureReason): SyntheticSample {
  return {
    synthetic: true,
    follows: `${PJSIP_FAILED}, msg "${reasonText}"`,
    line: `[Nov 24 18:20:01] NOTICE[16613] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '"300" <sip:300@192.0.2.10>' failed for '203.0.113.51:5066' (callid: a84b4c76e66710) - ${reasonText}`,
    expected: { kind: 'auth_failed', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '203.0.113.51', port: 5066, account: '300', reason: expected },
  };
}

export const SYNTHETIC_SAMPLES: readonly SyntheticSample[] = [
  // chan_sip: every reason string of handle_request_register() besides the captured "Wrong password".
  chansipReg('Username/auth name mismatch', 'unknown_account'),
  chansipReg('No matching peer found', 'unknown_account'),
  chansipReg('Not a local domain', 'not_allowed'),
  chansipReg('Peer is not supposed to register', 'not_allowed'),
  chansipReg('Device does not match ACL', 'acl_denied'),
  chansipReg('Device not configured to use this transport type', 'not_allowed'),
  chansipReg('RTP initialization failed', 'limit'),
  chansipReg('Unknown failure', 'other'),
  // chan_pjsip: the other messages of log_failed_request().
  pjsip('No matching endpoint found after 5 tries in 1500.123 ms', 'unknown_account'),
  pjsip('Not match Endpoint ACL', 'acl_denied'),
  pjsip('Not match Endpoint Contact ACL', 'acl_denied'),
  pjsip('Error to authenticate', 'other'),
  {
    synthetic: true,
    follows: `${PJSIP_FAILED}; IPv6 source, bracketed by pj_sockaddr_print`,
    line: `[Nov 24 18:20:02] NOTICE[16613] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '<sip:301@[2001:db8::10]>' failed for '[2001:db8::66]:5060' (callid: 1-2@2001:db8::66) - No matching endpoint found`,
    expected: { kind: 'auth_failed', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '2001:db8::66', port: 5060, account: '301', reason: 'unknown_account' },
  },
  {
    synthetic: true,
    follows: `res_pjsip/pjsip_distributor.c log_failed_request() before pj_sockaddr_print (Asterisk 13-16): "... failed for '%s:%d' ..." with rdata->pkt_info.src_name, src_port: IPv6 unbracketed, port always present`,
    line: `[Nov 24 18:20:03] NOTICE[16613] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '<sip:301@example.net>' failed for '2001:db8::66:5060' (callid: 1-3@x) - No matching endpoint found`,
    expected: { kind: 'auth_failed', signature: 'pjsip-request-failed', service: 'PJSIP', ip: '2001:db8::66', port: 5060, account: '301', reason: 'unknown_account' },
  },
  {
    synthetic: true,
    follows: `res_pjsip_session.c new_invite(): "%s: Call (%s:%s:%d) to extension '%s' rejected because extension not found in context '%s'." with transport type_name, rdata->pkt_info.src_name (IPv6 unbracketed), src_port`,
    line: `[Nov 24 18:20:04] NOTICE[16613] res_pjsip_session.c:  101: Call (UDP6:2001:db8::67:5061) to extension '011442079460000' rejected because extension not found in context 'from-internal'.`,
    expected: { kind: 'auth_failed', reason: 'no_extension', signature: 'pjsip-call-rejected', service: 'PJSIP', ip: '2001:db8::67', port: 5061, account: '101', extension: '011442079460000' },
  },
  // manager.c authenticate(): the ACL branch (no real sample: the rig's AMI user had no ACL).
  {
    synthetic: true,
    follows: `manager.c authenticate(): ast_log(LOG_NOTICE, "%s failed to pass IP ACL as '%s'\\n", ast_sockaddr_stringify_addr(&s->session->addr), username)`,
    line: `[Nov 24 18:20:05] NOTICE[20001] manager.c: 203.0.113.52 failed to pass IP ACL as 'sipwarden'`,
    expected: { kind: 'auth_failed', signature: 'manager-acl-failed', service: 'AMI', ip: '203.0.113.52', port: null, account: 'sipwarden', reason: 'acl_denied' },
  },
  {
    synthetic: true,
    follows: `manager.c authenticate(): "%s tried to authenticate with nonexistent user '%s'" with an IPv6 peer (ast_sockaddr_stringify_addr: no brackets, no port)`,
    line: `[Nov 24 18:20:06] NOTICE[20002] manager.c: 2001:db8::68 tried to authenticate with nonexistent user 'admin'`,
    expected: { kind: 'auth_failed', signature: 'manager-nonexistent-user', service: 'AMI', ip: '2001:db8::68', port: null, account: 'admin', reason: 'unknown_account' },
  },
  // chan_iax2: AUTHREP failure (calls, not registrations).
  {
    synthetic: true,
    follows: `chan_iax2.c socket_process() IAX_COMMAND_AUTHREP: if (authdebug) ast_log(LOG_NOTICE, "Host %s failed to authenticate as %s\\n", ast_sockaddr_stringify_addr(&addr), iaxs[fr->callno]->username)`,
    line: `[Nov 24 18:20:07] NOTICE[16632] chan_iax2.c: Host 203.0.113.53 failed to authenticate as iaxuser`,
    expected: { kind: 'auth_failed', signature: 'iax2-auth-failed', service: 'IAX2', ip: '203.0.113.53', port: null, account: 'iaxuser', reason: 'wrong_password' },
  },
];
