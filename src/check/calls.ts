/**
 * `sipwarden check` for calls: reads AMI captures' call events and cdr_csv files
 * (Master.csv) and gives the toll-fraud guard what it would have seen live, in time
 * order across files. Log files and anything else are skipped unread (a peek at their
 * first bytes tells).
 *
 * Times: an AMI capture without `Timestamp:` headers (manager.conf `timestampevents`
 * off, the default) carries no time on its call events. The reader keeps a clock for
 * the stream: the security events' EventTV (each PJSIP call's SuccessfulAuth comes
 * right before its channel), a `Timestamp:` header, and the creation second written in
 * a new channel's Uniqueid; each call event takes the clock as it stands. A CDR row
 * (or a `Cdr` event of a call the capture has no channel events of) becomes the calls'
 * events at its start, answer and end times.
 */
import fs from 'node:fs';
import type { AuthSucceeded, CallEvent, CdrRecord, Evidence } from '../domain/events.js';
import { SipwardenError } from '../domain/errors.js';
import { dialStringOfCdr } from '../fraud/trunk.js';
import { parseCallFrame, uniqueidTime } from '../parsers/calls.js';
import { parseCdrLine } from '../parsers/cdr.js';
import { parseEventTv } from '../parsers/framing.js';
import { parseAmiFrame } from '../parsers/index.js';

/** What the guard is given: call events and the successful logins that tell an account's address. */
export type CallItem = CallEvent | AuthSucceeded;

/** What was read from one file. */
export interface CallFileStats {
  readonly path: string;
  readonly format: 'ami' | 'cdr';
  /** Frames or CSV lines read. */
  readonly records: number;
  /** Call events (AMI) or CDR rows (CSV) found. */
  readonly calls: number;
  /** CDR rows of calls a capture among the inputs already holds (not read twice). */
  readonly duplicates: number;
}

/** An item and its place: time, then rank at one instant; items with equal keys keep the order they were read in (a stable sort). */
interface Sorted {
  readonly item: CallItem;
  /** `at * 8 + rank`; rank orders one instant: ends of earlier calls (0), starts (1), answers (2), ends of calls that began then (3). */
  readonly key: number;
}

type Kind = 'ami' | 'cdr' | null;

function kindOf(path: string): Kind {
  const fd = fs.openSync(path, 'r');
  try {
    const b = Buffer.alloc(4096);
    const head = b.toString('utf8', 0, fs.readSync(fd, b, 0, 4096, 0));
    if (head.startsWith('Asterisk Call Manager/') || head.startsWith('Event: ') || head.startsWith('Response: ')) return 'ami';
    const first = head.split('\n', 1)[0] ?? '';
    return first.length < head.length && parseCdrLine(first, { source: path, line: 1, refTime: 0 }) ? 'cdr' : null;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads the call inputs among `paths` and returns their items in time order, and what
 * each such file gave. Files of other kinds are left out. Throws SipwardenError
 * INPUT_UNREADABLE for a file that cannot be read.
 */
export function readCallInputs(paths: readonly string[]): { items: CallItem[]; files: CallFileStats[] } {
  const all: Sorted[] = [];
  const files: CallFileStats[] = [];
  const seen = new Seen();
  const rows: Array<{ path: string; text: string }> = [];
  for (const path of paths) {
    let kind: Kind;
    let text: string;
    try {
      kind = kindOf(path);
      text = kind ? fs.readFileSync(path, 'utf8') : '';
    } catch (e) {
      throw new SipwardenError('INPUT_UNREADABLE', `cannot read ${path}: ${(e as Error).message.replace(/^[A-Z]+: /, '')}`);
    }
    if (kind === 'ami') files.push(readAmi(path, text, all, seen));
    else if (kind === 'cdr') rows.push({ path, text });
  }
  // CDR files after every capture: a call a capture holds is not read twice from its CDR.
  for (const r of rows) files.push(readCdr(r.path, r.text, all, seen));
  all.sort((a, b) => a.key - b.key);
  return { items: all.map((s) => s.item), files };
}

/**
 * The calls the captures read hold, so their CDRs (Master.csv, or Cdr events of the same
 * capture) are not read again: by caller Uniqueid where the CDR logs it, else by the
 * caller channel's name (unique while Asterisk runs; cdr_csv logs no Uniqueid by default).
 */
class Seen {
  private readonly uniqueids = new Set<string>();
  private readonly channels = new Set<string>();

  add(uniqueid: string, channel: string): void {
    this.uniqueids.add(uniqueid);
    if (channel) this.channels.add(channel);
  }

  has(c: CdrRecord): boolean {
    return c.uniqueid !== null ? this.uniqueids.has(c.uniqueid) : this.channels.has(c.channel);
  }
}

function readAmi(path: string, text: string, out: Sorted[], seen: Seen): CallFileStats {
  const frames = text.split(/\r?\n\r?\n/);
  if (frames[frames.length - 1] === '') frames.pop();
  let clock = Number.NaN;
  let calls = 0;
  const cdrs: CdrRecord[] = [];
  const start = out.length;
  frames.forEach((frame, i) => {
    const line = i + 1;
    const tv = frame.indexOf('\nEventTV: ');
    if (tv >= 0) {
      const end = frame.indexOf('\n', tv + 10);
      const t = parseEventTv(frame.slice(tv + 10, end < 0 ? undefined : end).trim());
      if (!(t <= clock)) clock = t;
      if (frame.startsWith('Event: SuccessfulAuth')) {
        const ev = parseAmiFrame(frame, { source: path, line, refTime: clock, interest: 'auth' });
        if (ev?.kind === 'auth_succeeded') out.push({ item: ev, key: ev.at * 8 + 1 });
      }
      return;
    }
    const stamped = frame.indexOf('\nTimestamp: ') >= 0;
    let ev = parseCallFrame(frame, { source: path, line, refTime: clock });
    if (!ev) return;
    calls++;
    if (stamped) {
      if (!(ev.at <= clock)) clock = ev.at;
    } else if (ev.kind === 'channel_created') {
      // A new channel's Uniqueid holds its creation second: the clock never lags behind it.
      const created = uniqueidTime(ev.uniqueid);
      if (!Number.isNaN(created) && !(created <= clock)) {
        clock = created;
        ev = { ...ev, at: clock };
      }
    }
    if (ev.kind === 'dial_begin') seen.add(ev.uniqueid, ev.channel);
    if (ev.kind === 'cdr') cdrs.push(ev);
    out.push({ item: ev, key: ev.at * 8 + 1 });
  });
  // Frames before any clock at all: the file's own time.
  const mtime = fs.statSync(path).mtimeMs;
  for (let k = start; k < out.length; k++) {
    const s = out[k] as Sorted;
    if (Number.isNaN(s.key)) out[k] = { item: { ...s.item, at: mtime }, key: mtime * 8 + 1 };
  }
  // Calls known only from their CDR (a capture read with `cdr` but not `call` rights).
  for (const c of cdrs) if (!seen.has(c)) expandCdr(c, out);
  return { path, format: 'ami', records: frames.length, calls, duplicates: 0 };
}

function readCdr(path: string, text: string, out: Sorted[], seen: Seen): CallFileStats {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let calls = 0;
  let duplicates = 0;
  lines.forEach((line, i) => {
    const row = parseCdrLine(line, { source: path, line: i + 1, refTime: 0 });
    if (!row) return;
    calls++;
    if (seen.has(row)) duplicates++;
    else expandCdr(row, out);
  });
  return { path, format: 'cdr', records: lines.length, calls, duplicates };
}

/**
 * A finished call's record as the events it would have given live: the dial at its
 * start, the answer, the end. Its talk time is end minus answer (what `billsec` is), so
 * the record itself is not replayed; a failed dial ends with its caller's hangup.
 */
function expandCdr(c: CdrRecord, out: Sorted[]): void {
  if (!c.destChannel || Number.isNaN(c.start) || Number.isNaN(c.end)) return;
  const uniqueid = c.uniqueid ?? `cdr:${c.evidence.source}:${c.evidence.line}`;
  const destUniqueid = `${uniqueid}/dest`;
  const evidence: Evidence = c.evidence;
  const push = (item: CallItem, rank: number) => out.push({ item, key: item.at * 8 + rank });
  push({
    kind: 'dial_begin', at: c.start, evidence, channel: c.channel, uniqueid, linkedid: uniqueid, account: c.account, context: c.context,
    exten: c.destination, destChannel: c.destChannel, destUniqueid, destAccount: c.destAccount, destContext: '', dialString: dialStringOfCdr(c.lastApp, c.lastData),
  }, 1);
  // Ends before starts at one instant (fewer calls up at once, never more), but never before the call's own start.
  const endRank = c.end > c.start ? 0 : 3;
  if (c.answer !== null && c.disposition === 'ANSWERED') {
    push({ kind: 'dial_end', at: c.answer, evidence, channel: c.channel, uniqueid, destChannel: c.destChannel, destUniqueid, status: 'ANSWER' }, c.answer > c.start ? 0 : 2);
  }
  push({ kind: 'hangup', at: c.end, evidence, channel: c.channel, uniqueid, linkedid: uniqueid, cause: null, causeText: '' }, endRank);
}
