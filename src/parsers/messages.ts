/**
 * NOTICE/VERBOSE messages of the channel drivers and the manager about
 * authentication. Each pattern names the one slot the address is read from and
 * how that slot is told apart from attacker-chosen text around it:
 *
 * - anchored at a fixed end: the slot is the last (or first) of its shape, and only
 *   Asterisk's own words follow (or precede) it — unambiguous;
 * - between two attacker-chosen fields (PJSIP: From before, Call-ID after): every
 *   slot-shaped candidate is collected; exactly one is the address, more than one is
 *   an injection attempt that counts for nobody (another report decides).
 */
import type { FailureReason } from '../domain/events.js';
import { parseHostAndPort, parseHostPort, type Endpoint } from './address.js';

export interface MessageMatch {
  readonly signature:
    | 'pjsip-request-failed' | 'pjsip-call-rejected'
    | 'chansip-registration-failed' | 'chansip-call-rejected' | 'chansip-registered'
    | 'manager-auth-failed' | 'manager-nonexistent-user' | 'manager-acl-failed'
    | 'manager-connect-unauthenticated' | 'manager-logged-on'
    | 'iax2-auth-failed' | 'iax2-no-registration' | 'iax2-registered';
  readonly service: 'PJSIP' | 'SIP' | 'AMI' | 'IAX2';
  readonly outcome: 'failed' | 'succeeded' | 'call_rejected';
  readonly reason: FailureReason;
  readonly detail: string;
  /** The address, or null when the slot is ambiguous (see `candidates`). */
  readonly endpoint: Endpoint | null;
  /** Every slot-shaped address candidate when more than one was found. */
  readonly candidates: readonly string[];
  /** Address-shaped text in attacker-chosen parts (recorded as decoys). */
  readonly decoys: readonly string[];
  readonly account: string;
  readonly session: string | null;
  readonly extension: string;
}

type Head = Pick<MessageMatch, 'signature' | 'service' | 'outcome' | 'reason' | 'detail'>;
type Rest = Partial<Pick<MessageMatch, 'endpoint' | 'candidates' | 'decoys' | 'account' | 'session' | 'extension'>>;
const NO: readonly string[] = [];

/** Builds a match with one fixed shape (monomorphic on the hot path; no spreads). */
function mk(h: Head, r: Rest = {}): MessageMatch {
  return {
    signature: h.signature, service: h.service, outcome: h.outcome, reason: h.reason, detail: h.detail,
    endpoint: r.endpoint ?? null, candidates: r.candidates ?? NO, decoys: r.decoys ?? NO,
    account: r.account ?? '', session: r.session ?? null, extension: r.extension ?? '',
  };
}

/** The user part of a SIP URI inside a From/To value, e.g. `"100" <sip:100@host>` gives `100`. */
export function sipUser(text: string): string {
  let i = text.lastIndexOf('<sip:');
  let skip = 5;
  if (i < 0) { i = text.lastIndexOf('<sips:'); skip = 6; }
  if (i < 0) { i = text.lastIndexOf('sip:'); skip = 4; }
  if (i < 0) return text;
  const start = i + skip;
  let end = start;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if (c === 64 /* @ */ || c === 62 /* > */ || c === 59 /* ; */ || c === 58 /* : */) break;
    end++;
  }
  return text.slice(start, end);
}

/** All `<open>ADDR<close>` occurrences whose ADDR is an address; positions of the opener. */
function slots(
  msg: string, open: string, close: string, parse: (text: string) => Endpoint | null = parseHostPort,
): Array<{ at: number; end: number; text: string; endpoint: Endpoint | null }> {
  const found: Array<{ at: number; end: number; text: string; endpoint: Endpoint | null }> = [];
  let i = msg.indexOf(open);
  while (i >= 0) {
    const start = i + open.length;
    // A slot holds at most 64 characters: look for its end only that far, so that many
    // openers cannot make this quadratic.
    const rel = msg.slice(start, start + 64 + close.length).indexOf(close);
    if (rel >= 0) {
      const text = msg.slice(start, start + rel);
      found.push({ at: i, end: start + rel + close.length, text, endpoint: parse(text) });
    }
    i = msg.indexOf(open, start);
  }
  return found;
}

// ---------------------------------------------------------------- chan_pjsip

const PJSIP_REASON = /^(No matching endpoint found|Failed to authenticate|Error to authenticate|Not match Endpoint ACL|Not match Endpoint Contact ACL)(?: after \d+ tries in [\d.]+ ms)?$/;

function pjsipReason(reason: string): FailureReason {
  if (reason.startsWith('No matching endpoint')) return 'unknown_account';
  if (reason.startsWith('Failed to')) return 'wrong_password';
  if (reason.startsWith('Not match')) return 'acl_denied';
  return 'other';
}

/** `Request 'REGISTER' from '<from>' failed for '<addr>' (callid: <callid>) - <reason>` */
function pjsipRequestFailed(msg: string): MessageMatch | null {
  if (!msg.startsWith("Request '")) return null;
  const dash = msg.lastIndexOf(') - ');
  if (dash < 0) return null;
  const reasonText = msg.slice(dash + 4);
  if (!PJSIP_REASON.test(reasonText)) return null;
  const m: Head = ({
    signature: 'pjsip-request-failed', service: 'PJSIP', outcome: 'failed',
    reason: pjsipReason(reasonText), detail: reasonText,
  });
  const fromStart = msg.indexOf("' from '");
  if (fromStart < 0) return null;
  const valid = slots(msg.slice(0, dash), "' failed for '", "' (callid: ", parseHostAndPort).filter((s) => s.endpoint);
  if (valid.length === 0) return null;
  if (valid.length > 1) return mk(m, { candidates: valid.map((s) => s.endpoint!.ip) });
  const slot = valid[0]!;
  const from = msg.slice(fromStart + 8, slot.at);
  return mk(m, { endpoint: slot.endpoint, account: sipUser(from), session: msg.slice(slot.end, dash) });
}

/** ` 100: Call (UDP:127.0.0.1:5061) to extension '9011…' rejected because extension not found in context 'from-internal'.` */
function pjsipCallRejected(msg: string): MessageMatch | null {
  const text = msg.trimStart();
  const call = text.indexOf(': Call (');
  if (call <= 0) return null;
  const close = text.indexOf(') to extension \'', call);
  if (close < 0 || !text.endsWith("'.") || text.indexOf("' rejected because extension not found in context '", close) < 0) return null;
  const inner = text.slice(call + 8, close);
  const t = inner.indexOf(':');
  const endpoint = t > 0 ? parseHostAndPort(inner.slice(t + 1)) : null;
  if (!endpoint) return null;
  const extStart = close + 16;
  const extEnd = text.lastIndexOf("' rejected because extension not found in context '");
  return mk({ signature: 'pjsip-call-rejected', service: 'PJSIP', outcome: 'call_rejected', reason: 'other', detail: 'extension not found' }, { endpoint,
    account: text.slice(0, call),
    extension: text.slice(extStart, Math.max(extStart, extEnd)) });
}

// ---------------------------------------------------------------- chan_sip

const CHANSIP_REASONS: Record<string, FailureReason> = {
  'Wrong password': 'wrong_password',
  'Username/auth name mismatch': 'unknown_account',
  'No matching peer found': 'unknown_account',
  'Not a local domain': 'not_allowed',
  'Peer is not supposed to register': 'not_allowed',
  'Device does not match ACL': 'acl_denied',
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

/** `Call from '<name>' (<addr>) to extension '<ext>' rejected because extension not found in context '<ctx>'.` */
function chansipCallRejected(msg: string): MessageMatch | null {
  if (!msg.startsWith("Call from '") || !msg.endsWith("'.")) return null;
  const ctx = msg.lastIndexOf("' rejected because extension not found in context '");
  if (ctx < 0) return null;
  const m: Head = ({ signature: 'chansip-call-rejected', service: 'SIP', outcome: 'call_rejected', reason: 'other', detail: 'extension not found' });
  const valid = slots(msg.slice(0, ctx), "' (", ") to extension '").filter((s) => s.endpoint);
  if (valid.length !== 1) return valid.length > 1 ? mk(m, { candidates: valid.map((s) => s.endpoint!.ip) }) : null;
  const slot = valid[0]!;
  return mk(m, { endpoint: slot.endpoint, account: msg.slice(11, slot.at), extension: msg.slice(slot.end, ctx) });
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
      return mk({ signature: 'iax2-auth-failed', service: 'IAX2', outcome: 'failed', reason: 'wrong_password', detail: 'failed to authenticate' }, { endpoint, account: rest.slice(26) });
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

/** Dispatches a framed message by the module that wrote it. */
export function matchMessage(module: string, msg: string): MessageMatch | null {
  switch (module) {
    case 'res_pjsip/pjsip_distributor.c': return pjsipRequestFailed(msg);
    case 'res_pjsip_session.c': return pjsipCallRejected(msg);
    case 'chan_sip.c': return chansipRegistration(msg) ?? chansipCallRejected(msg) ?? chansipRegistered(msg);
    case 'manager.c': return manager(msg);
    case 'chan_iax2.c': return iax2(msg);
    default: return null;
  }
}
