/**
 * Line framing: from one raw log line to its parts (time, level, source file,
 * message), whatever wrapper Asterisk or the system put around it:
 *
 *   [Nov 24 18:05:31] NOTICE[16613] res_pjsip/pjsip_distributor.c: <message>
 *   [2026-11-24 18:10:02.123] NOTICE[16613][C-00000003] chan_sip.c: <message>
 *   [Nov 24 18:05:31] NOTICE[16613]: chan_sip.c:24523 in handle_request_register: <message>   (old Asterisk)
 *   [Nov 24 18:05:31] NOTICE [22382] manager.c: <message>                                      (a space before the lwp: seen in the field)
 *   Nov 24 18:05:31 pbx asterisk[123]: NOTICE[16613]: chan_sip.c:24523 in fn: <message>       (syslog / journald)
 *   Nov 24 18:05:31.123456 pbx asterisk[123]: ...                                              (journalctl -o short-precise)
 *   2026-11-24T18:05:31.123+00:00 pbx asterisk[123]: NOTICE[16613]: ...                         (rsyslog, journalctl -o short-iso)
 *   Mar 27 10:06:14 pbx asterisk[123]: [Mar 27 10:06:14] NOTICE[566]: chan_sip.c:28926 fn: ...  (journald capturing the console of `asterisk -f`)
 *   NOTICE[566]: chan_sip.c:28926 handle_request_register: <message>                           (journalctl -o cat: no date at all)
 *   {"hostname":…,"timestamp":…,"identifiers":{…},"logmsg":{"location":{…},"level":…,"message":…}}   ([json] formatter)
 *
 * plus ANSI colour codes anywhere. Pure: no clock, no I/O; the reference time for
 * year inference is a parameter.
 *
 * Hot path: most lines of a busy `full` log are ordinary VERBOSE/DEBUG traffic.
 * {@link frameLine} rejects those after a few character comparisons, before any
 * regex or allocation beyond the sliced module name.
 */

/** The parts of a framed log line. `time` is NaN when the line carries none. */
export interface Framed {
  readonly time: number;
  readonly level: string;
  readonly lwp: string;
  readonly module: string;
  readonly message: string;
}

/**
 * Modules whose lines can report authentication; everything else is skipped early.
 * `logger` is Asterisk's logger reporting its own lost messages; `Ext. s` is the
 * "file" dialplan Log() writes for extension `s` (FreePBX's from-sip-external).
 */
export const AUTH_MODULES = new Set([
  'res_security_log.c', 'res_pjsip/pjsip_distributor.c', 'res_pjsip_session.c',
  'chan_sip.c', 'manager.c', 'chan_iax2.c', 'logger', 'Ext. s',
]);

/** Levels that can carry an authentication report. */
const LEVELS = new Set(['NOTICE', 'WARNING', 'SECURITY', 'VERBOSE', 'ERROR']);

/**
 * CSI sequences only (colours are `ESC [ … m`). Nothing else may be removed: ESC plus
 * one character would turn an attacker's `\"` into a bare quote, and an unterminated
 * OSC (`ESC ]`) would swallow the rest of the line, real address included. A CSI can
 * only remove ESC, `[`, digits, `;`, `?` and one letter.
 */
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Removes ANSI CSI escape sequences (colour codes); other escapes stay as text. */
export function stripAnsi(line: string): string {
  return line.indexOf('\x1b') < 0 ? line : line.replace(ANSI, '');
}

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

/** How far in the future a year-less date may lie before it is taken as last year's. */
const FUTURE_SLACK_MS = 7 * 86_400_000;

/**
 * Turns a local date without a year (`Nov 24 18:05:31`, Asterisk's default) into
 * epoch ms. The year is the latest one that puts the date no later than `refTime`
 * (the time the file was last written, or now) plus a week of clock skew: a December
 * line read in January belongs to last year, a `Jan  1` line read a minute before
 * midnight on December 31st (PBX clock ahead) to next year. Years in which the date
 * does not exist (Feb 29) are skipped; NaN if it exists in none of them.
 */
export function dateWithoutYear(month: number, day: number, h: number, m: number, s: number, ms: number, refTime: number): number {
  const refYear = new Date(refTime).getFullYear();
  for (let year = refYear + 1; year >= refYear - 4; year--) {
    const d = new Date(year, month, day, h, m, s, ms);
    if (d.getMonth() !== month || d.getDate() !== day) continue; // Feb 29 in a common year, Nov 31
    const t = d.getTime();
    if (t <= refTime + FUTURE_SLACK_MS) return t;
  }
  return NaN;
}

const DATE_BSD = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?$/;
const DATE_ISO = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?(Z|[+-]\d\d:?\d\d)?$/;

function fraction(text: string | undefined): number {
  return text ? Math.floor(Number(`0.${text}`) * 1000) : 0;
}

/** Parses the date forms Asterisk and syslog write; local time unless a zone is given. NaN if unknown. */
export function parseLogDate(text: string, refTime: number): number {
  let m = DATE_ISO.exec(text);
  if (m) {
    const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
    const ms = fraction(m[7]);
    const zone = m[8];
    if (!zone) return new Date(y, mo - 1, d, h, mi, s, ms).getTime();
    const utc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
    if (zone === 'Z') return utc;
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.replace(':', '');
    return utc - sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * 60_000;
  }
  m = DATE_BSD.exec(text);
  if (m) {
    const month = MONTHS[m[1] as string];
    if (month === undefined) return NaN;
    return dateWithoutYear(month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), fraction(m[6]), refTime);
  }
  return NaN;
}

/** Parses Asterisk's EventTV (`2026-11-24T18:05:24.754+0000`); NaN if malformed. */
export function parseEventTv(text: string): number {
  // Fast path for Asterisk's exact form: fixed positions, no regex, no Date object.
  if (text.length === 28 && text.charCodeAt(10) === 84 /* T */ && text.charCodeAt(19) === 46 /* . */) {
    const n = (a: number, b: number) => {
      let v = 0;
      for (let i = a; i < b; i++) {
        const c = text.charCodeAt(i) - 48;
        if (c < 0 || c > 9) return NaN;
        v = v * 10 + c;
      }
      return v;
    };
    const sign = text.charCodeAt(23) === 45 ? -1 : text.charCodeAt(23) === 43 ? 1 : 0;
    const t = Date.UTC(n(0, 4), n(5, 7) - 1, n(8, 10), n(11, 13), n(14, 16), n(17, 19), n(20, 23));
    const off = (n(24, 26) * 60 + n(26, 28)) * 60_000;
    if (sign !== 0 && !Number.isNaN(t) && !Number.isNaN(off) && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45) return t - sign * off;
  }
  const m = DATE_ISO.exec(text);
  if (!m?.[8]) return NaN;
  return parseLogDate(text, 0);
}

/**
 * Per-reader cache so lines of the same second do not re-parse their date, and lines
 * of the same minute only add their seconds (DST moves whole hours, never inside a
 * minute).
 */
export interface DateCache {
  text: string;
  time: number;
  /** The last date text without its two second digits, when it ended in `:SS`. */
  minute: string;
  /** Epoch ms of that minute's second 0. */
  minuteBase: number;
}

export function newDateCache(): DateCache {
  return { text: '', time: NaN, minute: '', minuteBase: NaN };
}

function cachedDate(text: string, refTime: number, cache: DateCache): number {
  if (text === cache.text) return cache.time;
  const n = text.length;
  const endsInSeconds = n > 3 && text.charCodeAt(n - 3) === 58 && isDigit(text.charCodeAt(n - 2)) && isDigit(text.charCodeAt(n - 1));
  let time: number;
  if (endsInSeconds && cache.minute.length === n - 2 && text.startsWith(cache.minute)) {
    time = cache.minuteBase + ((text.charCodeAt(n - 2) - 48) * 10 + (text.charCodeAt(n - 1) - 48)) * 1000;
  } else {
    time = parseLogDate(text, refTime);
    if (endsInSeconds && !Number.isNaN(time)) {
      cache.minute = text.slice(0, n - 2);
      cache.minuteBase = time - ((text.charCodeAt(n - 2) - 48) * 10 + (text.charCodeAt(n - 1) - 48)) * 1000;
    } else {
      cache.minute = '';
    }
  }
  cache.text = text;
  cache.time = time;
  return time;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Parses `LEVEL[lwp]([C-xxxxxxxx])?` then ` module: message` (file format) or
 * `: module:line in function: message` (syslog and old file format), starting at
 * `i`. Returns null when the level or module cannot carry an authentication report.
 */
function afterLevel(line: string, i: number, dateStart: number, dateEnd: number, refTime: number, cache: DateCache): Framed | null | Retry {
  const level = levelAt(line, i);
  if (level === null) return line.charCodeAt(i) === 27 ? RETRY : null;
  let open = i + level.length;
  if (line.charCodeAt(open) === 32 /* space */) open++;
  const close = line.indexOf(']', open);
  if (close < 0) return null;
  let j = close + 1;
  if (line.charCodeAt(j) === 91 /* [ */) {
    const cclose = line.indexOf(']', j);
    if (cclose < 0) return null;
    j = cclose + 1;
  }
  if (line.charCodeAt(j) === 27) return RETRY;
  if (line.charCodeAt(j) === 58 /* : */) j++;
  if (line.charCodeAt(j) !== 32 /* space */) return line.charCodeAt(j) === 27 ? RETRY : null;
  j++;
  const module = moduleAt(line, j);
  if (module === null) return line.charCodeAt(j) === 27 ? RETRY : null;
  let k = j + module.length + 1;
  // Syslog and old file format: "module:line in function: message".
  const c = line.charCodeAt(k);
  if (c >= 48 && c <= 57) {
    const inFn = line.indexOf(': ', k);
    if (inFn < 0) return null;
    k = inFn + 1;
  }
  if (line.charCodeAt(k) === 32) k++;
  const time = dateEnd > dateStart ? cachedDate(line.slice(dateStart, dateEnd), refTime, cache) : NaN;
  return { time, level, lwp: line.slice(open + 1, close), module, message: line.slice(k) };
}

/**
 * The level name at `i` if it is one that can carry a report and is followed by `[`
 * (or by one space and `[`, as in `NOTICE [22382]`). No allocation.
 */
function levelAt(line: string, i: number): string | null {
  let level: string;
  switch (line.charCodeAt(i)) {
    case 78: level = 'NOTICE'; break;
    case 87: level = 'WARNING'; break;
    case 83: level = 'SECURITY'; break;
    case 86: level = 'VERBOSE'; break;
    case 69: level = 'ERROR'; break;
    default: return null;
  }
  if (!line.startsWith(level, i)) return null;
  let b = i + level.length;
  if (line.charCodeAt(b) === 32) b++;
  return line.charCodeAt(b) === 91 /* [ */ ? level : null;
}

/** The module name at `j` if it is one that reports authentication and is followed by `:`. No allocation. */
function moduleAt(line: string, j: number): string | null {
  for (const m of MODULES_BY_INITIAL[line.charCodeAt(j)] ?? NONE) {
    if (line.startsWith(m, j) && line.charCodeAt(j + m.length) === 58) return m;
  }
  return null;
}

const NONE: readonly string[] = [];
const MODULES_BY_INITIAL: Record<number, string[]> = {};
for (const m of AUTH_MODULES) (MODULES_BY_INITIAL[m.charCodeAt(0)] ??= []).push(m);

const SYSLOG_BSD = /^([A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d(?:\.\d{1,6})?) \S+ [^\s:[]+(?:\[\d+\])?: /;
const SYSLOG_ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)) \S+ [^\s:[]+(?:\[\d+\])?: /;

interface JsonLogLine {
  timestamp?: unknown;
  identifiers?: { lwp?: unknown };
  logmsg?: { location?: { filename?: unknown }; level?: unknown; message?: unknown };
}

function frameJson(line: string, refTime: number): Framed | null {
  let obj: JsonLogLine;
  try {
    obj = JSON.parse(line) as JsonLogLine;
  } catch {
    return null;
  }
  const msg = obj?.logmsg;
  const level = typeof msg?.level === 'string' ? msg.level : '';
  const module = typeof msg?.location?.filename === 'string' ? msg.location.filename : '';
  const message = typeof msg?.message === 'string' ? msg.message : '';
  if (!LEVELS.has(level) || !AUTH_MODULES.has(module)) return null;
  const time = typeof obj.timestamp === 'string' ? parseLogDate(obj.timestamp, refTime) : NaN;
  const lwp = obj.identifiers?.lwp;
  return { time, level, lwp: typeof lwp === 'number' || typeof lwp === 'string' ? String(lwp) : '', module, message: message.replace(/\n+$/, '') };
}

/** Signals that colour codes sit where the framing decides; strip them and frame again. */
const RETRY = Symbol('retry');
type Retry = typeof RETRY;

/**
 * Frames one line (without its newline). Returns null for lines that cannot carry
 * an authentication report. `refTime` anchors year-less dates.
 *
 * Colour codes are rare, and scanning every line for them costs more than all the
 * rest of the rejection path: the line is framed as it is, and stripped of ANSI codes
 * only when an ESC sits at a point where framing decides (then framed again), or
 * when the framed message holds one.
 */
export function frameLine(raw: string, refTime: number, cache: DateCache = newDateCache()): Framed | null {
  let framed = frameRaw(raw, refTime, cache);
  if (framed === RETRY) {
    framed = frameRaw(stripAnsi(raw), refTime, cache);
    if (framed === RETRY) return null;
  }
  if (framed === null || framed.message.indexOf('\x1b') < 0) return framed;
  return { time: framed.time, level: framed.level, lwp: framed.lwp, module: framed.module, message: stripAnsi(framed.message) };
}

function frameRaw(line: string, refTime: number, cache: DateCache): Framed | null | Retry {
  const first = line.charCodeAt(0);
  if (first === 91 /* [ */) {
    const close = line.indexOf('] ', 1);
    if (close < 0 || close > 40) return null;
    // Cheap level check before touching the date: N(OTICE) W(ARNING) S(ECURITY) V(ERBOSE) E(RROR).
    const lc = line.charCodeAt(close + 2);
    if (lc !== 78 && lc !== 87 && lc !== 83 && lc !== 86 && lc !== 69) return lc === 27 ? RETRY : null;
    return afterLevel(line, close + 2, 1, close, refTime, cache);
  }
  if (first === 123 /* { */) return frameJson(line, refTime);
  if (first === 27) return RETRY;
  // journalctl -o cat (and Asterisk's syslog channel read without its syslog prefix): no date.
  if (levelAt(line, 0) !== null) return afterLevel(line, 0, 0, 0, refTime, cache);
  const m = SYSLOG_BSD.exec(line) ?? SYSLOG_ISO.exec(line);
  if (!m) return line.lastIndexOf('\x1b', 256) >= 0 ? RETRY : null;
  let i = m[0].length;
  // journald capturing `asterisk -f`'s console: its own `[date] ` follows the syslog prefix.
  // The syslog date stands (it is the journal's, and the ISO form carries a zone).
  if (line.charCodeAt(i) === 91 /* [ */) {
    const close = line.indexOf('] ', i + 1);
    if (close < 0 || close - i > 40) return null;
    i = close + 2;
  }
  return afterLevel(line, i, 0, (m[1] as string).length, refTime, cache);
}
