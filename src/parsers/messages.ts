/**
 * NOTICE/VERBOSE messages of the channel drivers and the manager about
 * authentication. Each pattern names the one slot the address is read from and
 * how that slot is told apart from attacker-chosen text around it:
 *
 * - anchored at a fixed end: the slot is the last (or first) of its shape, and only
 *   Asterisk's own words follow (or precede) it — unambiguous;
 * - between two attacker-chosen fields (PJSIP: From before, Call-ID after, see
 *   pjsip.ts): every slot-shaped candidate is collected; exactly one is the address,
 *   more than one is an injection attempt that counts for nobody (another report decides).
 *
 * Formats are those of Asterisk 13 to 23 (each function names the versions that
 * differ), plus two that only patched or dialplan-generated lines carry: chan_sip's
 * "hacking attempt detected" and FreePBX's "Rejecting unknown SIP connection".
 */
import type { FailureReason } from '../domain/events.js';
import { parseHostPort } from './address.js';
import { mk, NOT_FOUND, sipUser, slots, type Head, type MessageMatch } from './match.js';
import { pjsipCallRejected, pjsipRequestFailed } from './pjsip.js';

export type { MessageMatch } from './match.js';

// ---------------------------------------------------------------- chan_sip

const CHANSIP_REASONS: Record<string, FailureReason> = {
  'Wrong password': 'wrong_password',
  'Username/auth name mismatch': 'unknown_account',
  'No matching peer found': 'unknown_account',
  'Not a local domain': 'not_allowed',
  'Peer is not supposed to register': 'not_allowed',
  'Device does not match ACL': 'acl_denied',
  // Not in Asterisk's own chan_sip: a patched chan_sip some distributions shipped.
  'ACL error (permit/deny)': 'acl_denied',
  'Device not configured to use this transport type': 'not_allowed',
  'RTP initialization failed': 'limit',
  'Unknown failure': 'other',
};

/** `Registration from '<To>' failed for '<addr>' - <reason>`: only Asterisk's words follow the slot. */
function chansipRegistration(msg: string): MessageMatch | null {
  if (!msg.startsWith("Registration from '")) return null;
  const dash = msg.lastIndexOf("' - ");
  if (dash < 0) return null;
  const reasonText = msg.slice(dash + 4);
  const reason = CHANSIP_REASONS[reasonText];
  if (!reason) return null;
  const slot = msg.lastIndexOf("' failed for '", dash);
  if (slot < 19) return null;
  const endpoint = parseHostPort(msg.slice(slot + 14, dash));
  if (!endpoint) return null;
  const to = msg.slice(19, slot);
  const decoys = slots(to, "failed for '", "'").flatMap((s) => (s.endpoint ? [s.endpoint.ip] : []));
  return mk({ signature: 'chansip-registration-failed', service: 'SIP', outcome: 'failed', reason, detail: reasonText }, { endpoint,
    decoys,
    account: sipUser(to) });
}

/**
 * `Call from '<name>' (<addr>) to extension '<ext>' rejected because extension not found in context '<ctx>'.`
 * (11 to 20; the name is the caller's user part, attacker text like the number after).
 */
function chansipCallRejected(msg: string): MessageMatch | null {
  if (!msg.startsWith("Call from '") || !msg.endsWith("'.")) return null;
  const ctx = msg.lastIndexOf(NOT_FOUND);
  if (ctx < 0) return null;
  const m: Head = { signature: 'chansip-call-rejected', service: 'SIP', outcome: 'failed', reason: 'no_extension', detail: 'extension not found' };
  const valid = slots(msg.slice(0, ctx), "' (", ") to extension '").filter((s) => s.endpoint);
  if (valid.length !== 1) return valid.length > 1 ? mk(m, { candidates: valid.map((s) => s.endpoint!.ip) }) : null;
  const slot = valid[0]!;
  return mk(m, { endpoint: slot.endpoint, account: msg.slice(11, slot.at), extension: msg.slice(slot.end, ctx) });
}

/**
 * `hacking attempt detected '<addr>'`: not written by Asterisk's own chan_sip, but by a
 * patched one some distributions shipped (fail2ban has a sample). Nothing but the
 * address varies, so the whole message is matched.
 */
function chansipHackingAttempt(msg: string): MessageMatch | null {
  if (!msg.startsWith("hacking attempt detected '") || !msg.endsWith("'")) return null;
  const endpoint = parseHostPort(msg.slice(26, -1));
  if (!endpoint) return null;
  return mk({ signature: 'chansip-hacking-attempt', service: 'SIP', outcome: 'failed', reason: 'other', detail: 'hacking attempt detected' }, { endpoint });
}

/** VERBOSE `Registered SIP '<peer>' at <addr>`: the address ends the line. */
function chansipRegistered(msg: string): MessageMatch | null {
  if (!msg.startsWith("Registered SIP '")) return null;
  const at = msg.lastIndexOf("' at ");
  if (at < 16) return null;
  const endpoint = parseHostPort(msg.slice(at + 5));
  if (!endpoint) return null;
  return mk({ signature: 'chansip-registered', service: 'SIP', outcome: 'succeeded', reason: 'other', detail: 'registered' }, { endpoint,
    account: msg.slice(16, at) });
}

// ---------------------------------------------------------------- manager (AMI)

/** `<ip> failed to authenticate as '<user>'` and friends: the address starts the message. */
function manager(msg: string): MessageMatch | null {
  const sp = msg.indexOf(' ');
  if (sp > 0) {
    const head = parseHostPort(msg.slice(0, sp));
    if (head && head.port === null) {
      const rest = msg.slice(sp + 1);
      const forms: Array<[string, MessageMatch['signature'], FailureReason]> = [
        // Written after EVERY failed login (also right after "nonexistent user" or the ACL
        // line for the same login), so it carries no reason of its own.
        ["failed to authenticate as '", 'manager-auth-failed', 'other'],
        ["tried to authenticate with nonexistent user '", 'manager-nonexistent-user', 'unknown_account'],
        ["failed to pass IP ACL as '", 'manager-acl-failed', 'acl_denied'],
      ];
      for (const [prefix, signature, reason] of forms) {
        if (rest.startsWith(prefix) && rest.endsWith("'")) {
          return mk({ signature, service: 'AMI', outcome: 'failed', reason, detail: prefix.replace(/ '$/, '').replace(/ as$/, '') }, { endpoint: head,
            account: rest.slice(prefix.length, -1) });
        }
      }
    }
  }
  // VERBOSE: `Connect attempt from '<ip>' unable to authenticate` (no user named).
  if (msg.startsWith("Connect attempt from '") && msg.endsWith("' unable to authenticate")) {
    const endpoint = parseHostPort(msg.slice(22, -24));
    if (!endpoint) return null;
    return mk({ signature: 'manager-connect-unauthenticated', service: 'AMI', outcome: 'failed', reason: 'other', detail: 'unable to authenticate' }, { endpoint });
  }
  // VERBOSE: `Manager '<user>' logged on from <ip>`
  if (msg.startsWith("Manager '")) {
    const on = msg.lastIndexOf("' logged on from ");
    if (on < 9) return null;
    const endpoint = parseHostPort(msg.slice(on + 17));
    if (!endpoint) return null;
    return mk({ signature: 'manager-logged-on', service: 'AMI', outcome: 'succeeded', reason: 'other', detail: 'logged on' }, { endpoint,
      account: msg.slice(9, on) });
  }
  return null;
}

// ---------------------------------------------------------------- chan_iax2

/** `Host <ip> failed MD5 authentication for '<user>' (<a> != <b>)` and `Host <ip> failed to authenticate as <user>`. */
function iax2(msg: string): MessageMatch | null {
  if (msg.startsWith('Host ')) {
    const sp = msg.indexOf(' ', 5);
    if (sp < 0) return null;
    const endpoint = parseHostPort(msg.slice(5, sp));
    if (!endpoint) return null;
    const rest = msg.slice(sp + 1);
    const md5 = /^failed (MD5|RSA|plaintext) authentication for '/.exec(rest);
    if (md5) {
      const end = rest.lastIndexOf("' (");
      const account = end > md5[0].length ? rest.slice(md5[0].length, end) : rest.slice(md5[0].length).replace(/'$/, '');
      return mk({ signature: 'iax2-auth-failed', service: 'IAX2', outcome: 'failed', reason: 'wrong_password', detail: `failed ${md5[1]} authentication` }, { endpoint, account });
    }
    if (rest.startsWith('failed to authenticate as ')) {
      // 1.8 to 20 print the user bare; older releases quoted it.
      const user = rest.slice(26);
      const account = user.length >= 2 && user.startsWith("'") && user.endsWith("'") ? user.slice(1, -1) : user;
      return mk({ signature: 'iax2-auth-failed', service: 'IAX2', outcome: 'failed', reason: 'wrong_password', detail: 'failed to authenticate' }, { endpoint, account });
    }
    return null;
  }
  // `No registration for peer '<peer>' (from <ip>)`: the address ends the line.
  if (msg.startsWith("No registration for peer '") && msg.endsWith(')')) {
    const from = msg.lastIndexOf("' (from ");
    if (from < 26) return null;
    const endpoint = parseHostPort(msg.slice(from + 8, -1));
    if (!endpoint) return null;
    return mk({ signature: 'iax2-no-registration', service: 'IAX2', outcome: 'failed', reason: 'unknown_account', detail: 'no such peer' }, { endpoint,
      account: msg.slice(26, from) });
  }
  // VERBOSE `Registered IAX2 '<peer>' (AUTHENTICATED) at <addr>`
  if (msg.startsWith("Registered IAX2 '")) {
    const at = msg.lastIndexOf("' (AUTHENTICATED) at ");
    if (at < 17) return null;
    const endpoint = parseHostPort(msg.slice(at + 21));
    if (!endpoint) return null;
    return mk({ signature: 'iax2-registered', service: 'IAX2', outcome: 'succeeded', reason: 'other', detail: 'registered' }, { endpoint, account: msg.slice(17, at) });
  }
  return null;
}

// ---------------------------------------------------------------- FreePBX dialplan

const FREEPBX_UNKNOWN = '"Rejecting unknown SIP connection from ';

/**
 * FreePBX's from-sip-external context refusing an anonymous call (Allow Anonymous
 * Inbound SIP Calls = No): dialplan `Log(WARNING,"Rejecting unknown SIP connection from
 * ${CHANNEL(recvip)}")` at extension `s`, written with the "file" `Ext. s`. The quotes
 * are part of the message; the address (chan_sip: bare; PJSIP remote_addr: with port,
 * IPv6 bracketed) is the packet's source and ends the message.
 */
function freepbxUnknownSip(msg: string): MessageMatch | null {
  if (!msg.startsWith(FREEPBX_UNKNOWN) || !msg.endsWith('"')) return null;
  const endpoint = parseHostPort(msg.slice(FREEPBX_UNKNOWN.length, -1));
  if (!endpoint) return null;
  return mk({ signature: 'freepbx-unknown-sip', service: 'SIP', outcome: 'failed', reason: 'unknown_account', detail: 'rejecting unknown SIP connection' }, { endpoint });
}

/** Dispatches a framed message by the module that wrote it. */
export function matchMessage(module: string, msg: string): MessageMatch | null {
  switch (module) {
    case 'res_pjsip/pjsip_distributor.c': return pjsipRequestFailed(msg);
    case 'res_pjsip_session.c': return pjsipCallRejected(msg);
    case 'chan_sip.c': return chansipRegistration(msg) ?? chansipCallRejected(msg) ?? chansipRegistered(msg) ?? chansipHackingAttempt(msg);
    case 'manager.c': return manager(msg);
    case 'chan_iax2.c': return iax2(msg);
    case 'Ext. s': return freepbxUnknownSip(msg);
    default: return null;
  }
}
