/**
 * Asterisk security events (res_security_log), in both forms Asterisk writes them:
 *
 * - the `security` log channel, one line of `Name="value"` pairs joined by commas:
 *     SecurityEvent="InvalidPassword",EventTV="…",Severity="Error",Service="SIP",
 *     EventVersion="2",AccountID="200",SessionID="0x7fa6…",LocalAddress="IPV4/UDP/…",
 *     RemoteAddress="IPV4/UDP/127.0.0.1/5094",Challenge="…",…
 * - AMI security events, one `Name: value` header per line.
 *
 * Values are not escaped. Attacker-chosen text (AccountID, SessionID = the SIP
 * Call-ID) comes before the addresses and has been seen carrying a complete fake
 * `,RemoteAddress="IPV4/UDP/<innocent>/5060"`, or a fake LocalAddress/RemoteAddress
 * pair. The fields main/security_events.c puts after RemoteAddress are Asterisk's own
 * or SIP quoted-strings, whose quotes keep their backslash — except for the request
 * types whose RequestType/RequestParams/AccountID come after it as raw text (an AMI
 * client chooses its Action name): see {@link RAW_TAIL}.
 *
 * So the real address is the LAST `RemoteAddress` that sits where Asterisk puts it:
 * right after a complete `,LocalAddress="<address>"` and followed by `,` or the end
 * of the line. Requiring the LocalAddress keeps a line cut short after a fake
 * `,RemoteAddress="…"` in AccountID from reading as that address, and keeps a bare
 * `,RemoteAddress=` in a later value (closed by Asterisk's own quote) from hiding the
 * real one; and a line cut inside the real pair (`,LocalAddress="` or part of it
 * right after the chosen pair, which Asterisk never writes) gives null. Every other
 * `RemoteAddress="` value is recorded as a decoy. For the RAW_TAIL types, two
 * different such addresses make the line ambiguous.
 */
import { ASTERISK_SECURITY_EVENTS, type AsteriskSecurityEventType, type FailureReason } from '../domain/events.js';
import { parseEventTv } from './framing.js';
import { parseSecurityAddress, type Endpoint } from './address.js';
import type { IpAddress } from '../domain/ip.js';

export interface SecurityFields {
  readonly type: AsteriskSecurityEventType;
  /** EventTV in ms, NaN if absent. */
  readonly eventTime: number;
  readonly service: string;
  readonly account: string;
  readonly session: string;
  readonly remote: Endpoint & { transport: string };
  readonly aclName: string;
  readonly decoys: readonly string[];
  /** Non-empty when the real address cannot be told from attacker-written ones: the report counts for nobody. */
  readonly candidates: readonly IpAddress[];
}

const EVENT_TYPES: ReadonlySet<string> = new Set(ASTERISK_SECURITY_EVENTS);

/** True when `name` is one of Asterisk's security event types (the AMI prefilter's test). */
export function isSecurityEventName(name: string): boolean {
  return EVENT_TYPES.has(name);
}
const MAX_DECOYS = 8;

/**
 * Event types with raw attacker-chosen text AFTER RemoteAddress (main/security_events.c:
 * RequestType, RequestParams, and RequestBadFormat's optional AccountID; manager.c fills
 * RequestType with the client's Action). Their last address pair may be a fake.
 */
const RAW_TAIL: ReadonlySet<string> = new Set(['RequestNotAllowed', 'RequestNotSupported', 'RequestBadFormat']);

/** Longest `IPV6/WSS/<45-char address>/65535` value plus slack. */
const MAX_ADDRESS_VALUE = 72;

interface AddressPair {
  /** Index of `,LocalAddress="`. */
  readonly local: number;
  /** Index of `,RemoteAddress="`. */
  readonly at: number;
  /** Index of the closing quote of the RemoteAddress value. */
  readonly valueEnd: number;
  readonly remote: Endpoint & { transport: string };
}

/**
 * Every `,LocalAddress="<addr>",RemoteAddress="<addr>"` with both values readable and
 * the remote value followed by `,` or the end. Linear: each look-back is bounded.
 */
function addressPairs(msg: string): AddressPair[] {
  const pairs: AddressPair[] = [];
  const marker = ',RemoteAddress="';
  for (let i = msg.indexOf(marker); i >= 0; i = msg.indexOf(marker, i + 1)) {
    if (msg.charCodeAt(i - 1) !== 34 /* " */) continue;
    const valueStart = i + marker.length;
    const valueEnd = msg.indexOf('"', valueStart);
    if (valueEnd < 0) break;
    if (valueEnd - valueStart > MAX_ADDRESS_VALUE) continue;
    if (valueEnd + 1 !== msg.length && msg.charCodeAt(valueEnd + 1) !== 44 /* , */) continue;
    const remote = parseSecurityAddress(msg.slice(valueStart, valueEnd));
    if (!remote) continue;
    const windowStart = Math.max(0, i - 1 - MAX_ADDRESS_VALUE - 15);
    const rel = msg.slice(windowStart, i - 1).lastIndexOf(',LocalAddress="');
    if (rel < 0) continue;
    const local = windowStart + rel;
    const localValue = msg.slice(local + 15, i - 1);
    if (localValue.indexOf('"') >= 0 || !parseSecurityAddress(localValue)) continue;
    pairs.push({ local, at: i, valueEnd, remote });
  }
  return pairs;
}

/** How each Asterisk event type counts. `null`: not a failure. */
export function failureReasonOf(type: AsteriskSecurityEventType, aclName: string): FailureReason | null {
  switch (type) {
    case 'InvalidAccountID': return 'unknown_account';
    case 'ChallengeResponseFailed':
    case 'InvalidPassword': return 'wrong_password';
    // chan_sip's call to a number its context lacks (handle_request_invite): a dialplan probe.
    case 'FailedACL': return aclName === 'no_extension_match' ? 'no_extension' : 'acl_denied';
    case 'AuthMethodNotAllowed':
    case 'RequestNotAllowed':
    case 'InvalidTransport':
    case 'UnexpectedAddress': return 'not_allowed';
    case 'RequestBadFormat':
    case 'RequestNotSupported': return 'bad_request';
    case 'SessionLimit':
    case 'MemoryLimit':
    case 'LoadAverageLimit': return 'limit';
    default:
      return null;
  }
}

const SERVICE_OK = /^[A-Za-z0-9_-]{1,16}$/;

/** Value of a field at a fixed, Asterisk-controlled position: `,Name="value"` right at `from`. */
function fixedField(msg: string, from: number, name: string): { value: string; end: number } | null {
  const head = `,${name}="`;
  if (!msg.startsWith(head, from)) return null;
  const start = from + head.length;
  const end = msg.indexOf('"', start);
  if (end < 0) return null;
  return { value: msg.slice(start, end), end: end + 1 };
}

/** `RemoteAddress="` values other than the real one at `real` (attacker text), capped. */
function collectDecoys(msg: string, real: number): string[] {
  const decoys: string[] = [];
  const marker = 'RemoteAddress="';
  for (let i = msg.indexOf(marker); i >= 0 && decoys.length < MAX_DECOYS; i = msg.indexOf(marker, i + 1)) {
    if (i === real + 1) continue;
    const start = i + marker.length;
    const end = msg.indexOf('"', start);
    const value = msg.slice(start, end < 0 ? Math.min(msg.length, start + 64) : Math.min(end, start + 64));
    const parsed = parseSecurityAddress(value);
    decoys.push(parsed ? parsed.ip : value);
  }
  return decoys;
}

/**
 * Parses the message part of a `security` channel line. Returns null when the
 * message is not a security event or its real RemoteAddress cannot be read.
 */
export function parseSecurityLine(msg: string): SecurityFields | null {
  if (!msg.startsWith('SecurityEvent="')) return null;
  const typeEnd = msg.indexOf('"', 15);
  const type = msg.slice(15, typeEnd);
  if (!EVENT_TYPES.has(type)) return null;

  const pairs = addressPairs(msg);
  const real = pairs[pairs.length - 1];
  if (!real) return null;
  // Asterisk never writes LocalAddress after RemoteAddress: if that (or the start of it)
  // follows, the line was cut inside the real pair and this one is a fake from SessionID
  // — or, for the RAW_TAIL types, the attacker wrote it after the real pair.
  const rest = msg.slice(real.valueEnd + 1, real.valueEnd + 16);
  const cut = rest.length > 0 && ',LocalAddress="'.startsWith(rest);
  const rawTail = RAW_TAIL.has(type);
  if (cut && !rawTail) return null;
  const { at: ri, valueEnd, remote, local: li } = real;
  const distinct = [...new Set(pairs.map((p) => p.remote.ip))];
  const candidates = rawTail && (distinct.length > 1 || cut) ? distinct : [];

  // Asterisk-controlled prefix: EventTV, Severity, Service, EventVersion, in this order.
  const tv = fixedField(msg, typeEnd + 1, 'EventTV');
  const sev = tv && fixedField(msg, tv.end, 'Severity');
  const svc = sev && fixedField(msg, sev.end, 'Service');
  const ver = svc && fixedField(msg, svc.end, 'EventVersion');
  if (!tv || !svc || !ver || !SERVICE_OK.test(svc.value)) return null;

  // The real LocalAddress sits right before the real RemoteAddress.
  const sessionEnd = li;

  let account = '';
  let session = '';
  if (msg.startsWith(',AccountID="', ver.end)) {
    // AccountID then SessionID, both attacker-chosen, both before the address.
    const aStart = ver.end + 12;
    const sep = msg.indexOf('",SessionID="', aStart);
    if (sep >= 0 && sep < sessionEnd) {
      account = msg.slice(aStart, sep);
      session = msg.slice(sep + 13, Math.max(sep + 13, sessionEnd - 1));
    } else {
      account = msg.slice(aStart, Math.max(aStart, sessionEnd - 1));
    }
  } else if (msg.startsWith(',SessionID="', ver.end)) {
    session = msg.slice(ver.end + 12, Math.max(ver.end + 12, sessionEnd - 1));
    // AccountID is optional for this event type and then follows the address.
    const tail = msg.indexOf(',AccountID="', valueEnd);
    if (tail >= 0) {
      const end = msg.indexOf('",', tail + 12);
      account = msg.slice(tail + 12, end < 0 ? (msg.endsWith('"') ? msg.length - 1 : msg.length) : end);
    }
  }

  let aclName = '';
  if (type === 'FailedACL') {
    const ai = msg.indexOf(',ACLName="', valueEnd);
    if (ai >= 0) {
      const end = msg.indexOf('"', ai + 10);
      aclName = msg.slice(ai + 10, end < 0 ? msg.length : end);
    }
  }

  const decoys = collectDecoys(msg, ri);
  return {
    type: type as AsteriskSecurityEventType,
    eventTime: parseEventTv(tv.value),
    service: svc.value,
    account,
    session,
    remote,
    aclName,
    decoys,
    candidates,
  };
}

/**
 * Parses one AMI event frame (`Name: value` lines, CRLF or LF). Returns null for
 * frames that are not security events or lack a readable RemoteAddress. With more
 * than one RemoteAddress header the last one is the real one.
 */
export function parseAmiSecurityFrame(frame: string): SecurityFields | null {
  const lines = frame.split(/\r?\n/);
  let type = '';
  let eventTv = '';
  let service = '';
  let account: string | null = null;
  let session: string | null = null;
  let aclName = '';
  const remotes: string[] = [];
  for (const line of lines) {
    const colon = line.indexOf(': ');
    const key = colon < 0 ? line.replace(/:$/, '') : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 2);
    switch (key) {
      case 'Event': if (!type) type = value; break;
      case 'EventTV': if (!eventTv) eventTv = value; break;
      case 'Service': if (!service) service = value; break;
      case 'AccountID': if (account === null) account = value; break;
      case 'SessionID': if (session === null) session = value; break;
      case 'ACLName': aclName = value; break;
      case 'RemoteAddress': remotes.push(value); break;
      default: break;
    }
  }
  if (!EVENT_TYPES.has(type) || remotes.length === 0 || !SERVICE_OK.test(service)) return null;
  const remote = parseSecurityAddress(remotes[remotes.length - 1] as string);
  if (!remote) return null;
  const decoys = remotes.slice(0, -1).slice(0, MAX_DECOYS).map((v) => parseSecurityAddress(v)?.ip ?? v.slice(0, 64));
  const distinct = [...new Set(remotes.flatMap((v) => parseSecurityAddress(v)?.ip ?? []))];
  const candidates = RAW_TAIL.has(type) && distinct.length > 1 ? distinct : [];
  return {
    type: type as AsteriskSecurityEventType,
    eventTime: parseEventTv(eventTv),
    service,
    account: account ?? '',
    session: session ?? '',
    remote,
    aclName,
    decoys,
    candidates,
  };
}
