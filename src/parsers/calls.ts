/**
 * Call events from AMI frames: `Newchannel`, `DialBegin`, `DialEnd`, `BridgeEnter`,
 * `Hangup` and `Cdr` (see {@link CallEvent}); every other frame gives null. Pure: no
 * I/O, no clock (the time of a frame without a `Timestamp:` header is the caller's).
 *
 * Hot path: a PBX's AMI stream is mostly `VarSet` (63 % of the frames of
 * test/fixtures/asterisk-20-calls), `Newexten`, `Newstate`, `DeviceStateChange`.
 * {@link callFrameKind} rejects those from the event name's first character and, when
 * that is ambiguous, one `startsWith` — before any line is split or any header read.
 *
 * Headers: the first occurrence of a key wins. Asterisk writes a channel's own
 * headers (`Channel`, `Uniqueid`, …) before the caller-ID text of the frame, and no
 * value can hold a line break (SIP forbids them in the headers they come from), so a
 * forged later line cannot replace them.
 */
import { EVIDENCE_MAX, type CallEvent, type CallEventKind, type Evidence } from '../domain/events.js';
import { parseLogDate } from './framing.js';

/** Where a frame came from and the time to give it when it carries none. */
export interface CallContext {
  readonly source: string;
  /** 1-based frame number (or CSV line), for evidence. */
  readonly line: number;
  /** The time of a frame without a `Timestamp:` header (the receive time, ms). */
  readonly refTime: number;
}

/** The AMI event names read here, by the kind they give. */
export const CALL_EVENT_NAMES: Readonly<Record<CallEventKind, string>> = {
  channel_created: 'Newchannel',
  dial_begin: 'DialBegin',
  dial_end: 'DialEnd',
  bridge_enter: 'BridgeEnter',
  hangup: 'Hangup',
  cdr: 'Cdr',
};

/** True when the event name at offset 7 is exactly `name` (followed by a line end or the frame's end). */
function nameIs(frame: string, name: string): boolean {
  if (!frame.startsWith(name, 7)) return false;
  const c = frame.charCodeAt(7 + name.length);
  return c === 13 || c === 10 || Number.isNaN(c);
}

/**
 * The call event kind a frame would give, from its `Event:` line only; null for every
 * other frame. A few character comparisons: this is the prefilter.
 */
export function callFrameKind(frame: string): CallEventKind | null {
  if (frame.charCodeAt(0) !== 69 /* E */ || !frame.startsWith('Event: ')) return null;
  switch (frame.charCodeAt(7)) {
    case 78: /* N */ return nameIs(frame, 'Newchannel') ? 'channel_created' : null;
    case 68: /* D */ return nameIs(frame, 'DialBegin') ? 'dial_begin' : nameIs(frame, 'DialEnd') ? 'dial_end' : null;
    case 66: /* B */ return nameIs(frame, 'BridgeEnter') ? 'bridge_enter' : null;
    case 72: /* H */ return nameIs(frame, 'Hangup') ? 'hangup' : null;
    case 67: /* C */ return nameIs(frame, 'Cdr') ? 'cdr' : null;
    default: return null;
  }
}

/** Technologies whose channel names carry the endpoint or peer that matched the call. */
const ACCOUNT_TECHS = new Set(['PJSIP', 'SIP', 'IAX2']);

/**
 * The account of a channel: `PJSIP/100-0000000e` → `100`, `SIP/200-00000000` → `200`,
 * `IAX2/trunk-1234` → `trunk` (the name before the last `-` and its hexadecimal or decimal
 * sequence). Null for other technologies (`Local/…`, `DAHDI/…`) and malformed names.
 */
export function channelAccount(channel: string): string | null {
  const slash = channel.indexOf('/');
  if (slash <= 0 || !ACCOUNT_TECHS.has(channel.slice(0, slash))) return null;
  const dash = channel.lastIndexOf('-');
  if (dash <= slash + 1 || dash === channel.length - 1) return null;
  for (let i = dash + 1; i < channel.length; i++) {
    const c = channel.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return null;
  }
  return channel.slice(slash + 1, dash);
}

/** The channel's technology (`PJSIP`, `SIP`, `IAX2`, `Local`…); '' if the name has none. */
export function channelTech(channel: string): string {
  const slash = channel.indexOf('/');
  return slash > 0 ? channel.slice(0, slash) : '';
}

/**
 * The creation time Asterisk wrote into a Uniqueid (`1795546683.8` or
 * `<systemname>-1795546683.8`: epoch seconds, then a counter), in ms; NaN if none.
 */
export function uniqueidTime(uniqueid: string): number {
  const m = /(?:^|-)(\d{9,11})\.\d+$/.exec(uniqueid);
  return m ? Number(m[1]) * 1000 : Number.NaN;
}

/** The headers of one frame, first occurrence of each key. */
type Headers = Map<string, string>;

function headersOf(frame: string): Headers {
  const h: Headers = new Map();
  let i = 0;
  const n = frame.length;
  while (i < n) {
    let end = frame.indexOf('\n', i);
    if (end < 0) end = n;
    const stop = end > i && frame.charCodeAt(end - 1) === 13 ? end - 1 : end;
    const colon = frame.indexOf(':', i);
    if (colon > i && colon < stop) {
      const key = frame.slice(i, colon);
      if (!h.has(key)) h.set(key, frame.slice(frame.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1, stop));
    }
    i = end + 1;
  }
  return h;
}

function evidenceOf(ctx: CallContext, text: string): Evidence {
  return { source: ctx.source, line: ctx.line, text: text.length > EVIDENCE_MAX ? text.slice(0, EVIDENCE_MAX) : text };
}

/** `Timestamp: 1795546683.758327` (epoch seconds) in ms; NaN if absent or malformed. */
function timestampOf(h: Headers): number {
  const t = h.get('Timestamp');
  return t !== undefined && /^\d{9,11}(?:\.\d{1,9})?$/.test(t) ? Math.round(Number(t) * 1000) : Number.NaN;
}

const get = (h: Headers, key: string): string => h.get(key) ?? '';

function seconds(text: string): number {
  return /^\d{1,9}$/.test(text) ? Number(text) : 0;
}

/**
 * Parses one AMI frame (CRLF or LF line ends, without its blank line). Returns a
 * {@link CallEvent} for the six call events, null for every other frame and for a
 * call frame without the channel it is about.
 */
export function parseCallFrame(frame: string, ctx: CallContext): CallEvent | null {
  const kind = callFrameKind(frame);
  if (kind === null) return null;
  const h = headersOf(frame);
  const stamped = timestampOf(h);
  const at = Number.isNaN(stamped) ? ctx.refTime : stamped;
  const evidence = evidenceOf(ctx, frame);
  const channel = get(h, 'Channel');
  if (kind === 'cdr') return cdrFrame(h, at, evidence);
  const uniqueid = get(h, 'Uniqueid');
  switch (kind) {
    case 'channel_created':
      if (!channel || !uniqueid) return null;
      return { kind, at, evidence, channel, uniqueid, linkedid: get(h, 'Linkedid'), account: channelAccount(channel), context: get(h, 'Context'), exten: get(h, 'Exten') };
    case 'dial_begin': {
      const destChannel = get(h, 'DestChannel');
      if (!destChannel) return null;
      return {
        kind, at, evidence, channel, uniqueid, linkedid: get(h, 'Linkedid'), account: channel ? channelAccount(channel) : null,
        context: get(h, 'Context'), exten: get(h, 'Exten'), destChannel, destUniqueid: get(h, 'DestUniqueid'),
        destAccount: channelAccount(destChannel), destContext: get(h, 'DestContext'), dialString: get(h, 'DialString'),
      };
    }
    case 'dial_end': {
      const destChannel = get(h, 'DestChannel');
      if (!destChannel) return null;
      return { kind, at, evidence, channel, uniqueid, destChannel, destUniqueid: get(h, 'DestUniqueid'), status: get(h, 'DialStatus') };
    }
    case 'bridge_enter':
      if (!channel) return null;
      return { kind, at, evidence, channel, uniqueid, linkedid: get(h, 'Linkedid'), bridge: get(h, 'BridgeUniqueid') };
    case 'hangup': {
      if (!channel) return null;
      const c = get(h, 'Cause');
      return { kind, at, evidence, channel, uniqueid, linkedid: get(h, 'Linkedid'), cause: /^\d{1,3}$/.test(c) ? Number(c) : null, causeText: get(h, 'Cause-txt') };
    }
  }
}

/** A `Cdr` frame: the same record as a Master.csv row. */
function cdrFrame(h: Headers, at: number, evidence: Evidence): CallEvent | null {
  const channel = get(h, 'Channel');
  if (!channel) return null;
  const answer = get(h, 'AnswerTime');
  const uniqueid = get(h, 'UniqueID');
  const destChannel = get(h, 'DestinationChannel');
  return {
    kind: 'cdr', at, evidence, channel, account: channelAccount(channel), destChannel, destAccount: destChannel ? channelAccount(destChannel) : null,
    destination: get(h, 'Destination'), context: get(h, 'DestinationContext'), lastApp: get(h, 'LastApplication'), lastData: get(h, 'LastData'),
    start: cdrTime(get(h, 'StartTime'), at), answer: answer ? cdrTime(answer, at) : null, end: cdrTime(get(h, 'EndTime'), at),
    duration: seconds(get(h, 'Duration')), billsec: seconds(get(h, 'BillableSeconds')), disposition: get(h, 'Disposition'),
    uniqueid: uniqueid || null,
  };
}

const CDR_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

/**
 * The start of each recent hour (`2026-11-24 18`) in local time: a month of CDRs has
 * a few hundred distinct hours, and local time moves by whole hours only (DST), so a
 * time is its hour's start plus its minutes and seconds. Bounded.
 */
const HOURS = new Map<string, number>();

/** A CDR time (`2026-11-24 18:58:03`, local time unless cdr.conf says usegmtime) in ms; NaN if malformed. */
export function cdrTime(text: string, refTime: number): number {
  if (!CDR_TIME.test(text)) return Number.NaN;
  const hour = text.slice(0, 13);
  let base = HOURS.get(hour);
  if (base === undefined) {
    base = parseLogDate(`${hour}:00:00`, refTime);
    if (HOURS.size >= 10_000) HOURS.clear();
    HOURS.set(hour, base);
  }
  const mm = (text.charCodeAt(14) - 48) * 10 + text.charCodeAt(15) - 48;
  const ss = (text.charCodeAt(17) - 48) * 10 + text.charCodeAt(18) - 48;
  return mm > 59 || ss > 60 ? Number.NaN : base + (mm * 60 + ss) * 1000;
}
