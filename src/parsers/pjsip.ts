/**
 * chan_pjsip's NOTICE lines: res_pjsip/pjsip_distributor.c's failed requests, whose
 * address sits between two attacker-chosen fields (From before, Call-ID after), and
 * res_pjsip_session.c's calls to numbers the endpoint's context lacks.
 */
import type { FailureReason } from '../domain/events.js';
import { parseHostAndPort } from './address.js';
import { mk, NOT_FOUND, sipUser, slots, type Head, type MessageMatch } from './match.js';

const PJSIP_REASON = /^(No matching endpoint found|Failed to authenticate|Error to authenticate|Not match Endpoint ACL|Not match Endpoint Contact ACL)(?: after \d+ tries in [\d.]+ ms)?$/;

function pjsipReason(reason: string): FailureReason {
  if (reason.startsWith('No matching endpoint')) return 'unknown_account';
  if (reason.startsWith('Failed to')) return 'wrong_password';
  if (reason.startsWith('Not match')) return 'acl_denied';
  return 'other';
}

/**
 * `Request 'REGISTER' from '<from>' failed for '<addr>' (callid: <callid>) - <reason>`;
 * before 13.10 without the method: `Request from '<from>' failed for …`, and before
 * 13.38/16.1 the address printed as `src_name:src_port` (IPv6 unbracketed).
 */
export function pjsipRequestFailed(msg: string): MessageMatch | null {
  let from: number;
  if (msg.startsWith("Request from '")) {
    from = 14;
  } else if (msg.startsWith("Request '")) {
    // The method is a SIP token: it holds no space, so the first "' from '" ends it.
    const f = msg.indexOf("' from '", 9);
    if (f < 0) return null;
    from = f + 8;
  } else {
    return null;
  }
  const dash = msg.lastIndexOf(') - ');
  if (dash < 0) return null;
  const reasonText = msg.slice(dash + 4);
  if (!PJSIP_REASON.test(reasonText)) return null;
  const m: Head = ({
    signature: 'pjsip-request-failed', service: 'PJSIP', outcome: 'failed',
    reason: pjsipReason(reasonText), detail: reasonText,
  });
  // Asterisk's slot starts with the From's closing quote: one that needs the opening quote is attacker text.
  const valid = slots(msg.slice(0, dash), "' failed for '", "' (callid: ", parseHostAndPort).filter((s) => s.endpoint && s.at >= from);
  if (valid.length === 0) return null;
  if (valid.length > 1) return mk(m, { candidates: valid.map((s) => s.endpoint!.ip) });
  const slot = valid[0]!;
  return mk(m, { endpoint: slot.endpoint, account: sipUser(msg.slice(from, slot.at)), session: msg.slice(slot.end, dash) });
}

/** Transport names res_pjsip prints (`type_name` of the pjsip transport). */
const PJSIP_TRANSPORTS: ReadonlySet<string> = new Set([
  'UDP', 'TCP', 'TLS', 'WS', 'WSS', 'SCTP', 'UDP6', 'TCP6', 'TLS6', 'WS6', 'WSS6', 'SCTP6',
]);
const NO_EXTENSION: Head = { signature: 'pjsip-call-rejected', service: 'PJSIP', outcome: 'failed', reason: 'no_extension', detail: 'extension not found' };

/**
 * res_pjsip_session.c new_invite(), a call to a number the endpoint's context lacks:
 * - 16.x later, 17+: ` 100: Call (UDP:127.0.0.1:5061) to extension '<ext>' rejected because extension not found in context '<ctx>'.`
 * - 13, 14, 15, 16.0: `Call from '100' (UDP:127.0.0.1:5061) to extension '<ext>' rejected …`
 *   (address as `src_name:src_port` with IPv6 unbracketed, or pj_sockaddr_print).
 * The name before the slot is the endpoint's id (configuration, not attacker text); the
 * dialled number after it is the attacker's, so the FIRST `) to extension '` closes the slot.
 */
export function pjsipCallRejected(msg: string): MessageMatch | null {
  if (!msg.endsWith("'.")) return null;
  let open: number;
  let account: string;
  if (msg.startsWith("Call from '")) {
    const q = msg.indexOf("' (", 11);
    if (q < 0) return null;
    account = msg.slice(11, q);
    open = q + 3;
  } else {
    const text = msg.trimStart();
    const call = text.indexOf(': Call (');
    if (call <= 0) return null;
    account = text.slice(0, call);
    open = msg.length - text.length + call + 8;
  }
  const close = msg.indexOf(") to extension '", open);
  if (close < 0) return null;
  const extEnd = msg.lastIndexOf(NOT_FOUND);
  if (extEnd < close) return null;
  const t = msg.indexOf(':', open);
  if (t < 0 || t > close || !PJSIP_TRANSPORTS.has(msg.slice(open, t))) return null;
  const endpoint = parseHostAndPort(msg.slice(t + 1, close));
  if (!endpoint) return null;
  return mk(NO_EXTENSION, { endpoint, account, extension: msg.slice(close + 16, extEnd) });
}
