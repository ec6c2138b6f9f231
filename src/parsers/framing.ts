/**
 * Line framing: from one raw log line to its parts (time, level, source file,
 * message), whatever wrapper Asterisk or the system put around it:
 *
 *   [Nov 24 18:05:31] NOTICE[16613] res_pjsip/pjsip_distributor.c: <message>
 *   [2026-11-24 18:10:02.123] NOTICE[16613][C-00000003] chan_sip.c: <message>
 *   [Nov 24 18:05:31] NOTICE[16613]: chan_sip.c:24523 in handle_request_register: <message>   (old Asterisk)
 *   Nov 24 18:05:31 pbx asterisk[123]: NOTICE[16613]: chan_sip.c:24523 in fn: <message>       (syslog / journald)
 *   2026-11-24T18:05:31.123+00:00 pbx asterisk[123]: NOTICE[16613]: ...                         (rsyslog, journalctl -o short-iso)
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

/** Modules whose lines can report authentication; everything else is skipped early. */
export const AUTH_MODULES = new Set([
  'res_security_log.c', 'res_pjsip/pjsip_distributor.c', 'res_pjsip_session.c',
  'chan_sip.c', 'manager.c', 'chan_iax2.c',
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
  const m = DATE_ISO.exec(text);
  if (!m || !m[8]) return NaN;
  return parseLogDate(text, 0);
}

/** Per-reader cache so lines of the same second do not re-parse their date. */
export interface DateCache {
  text: string;
  time: number;
}

export function newDateCache(): DateCache {
  return { text: '', time: NaN };
}

function cachedDate(text: string, refTime: number, cache: DateCache): number {
  if (text === cache.text) return cache.time;
  const time = parseLogDate(text, refTime);
  cache.text = text;
  cache.time = time;
  return time;
}

/**
 * Parses `LEVEL[lwp]([C-xxxxxxxx])?` then ` module: message` (file format) or
 * `: module:line in function: message` (syslog and old file format), starting at
 * `i`. Returns null when the level or module cannot carry an authentication report.
 */
function afterLevel(line: string, i: number, time: number): Framed | null {
  const open = line.indexOf('[', i);
  if (open < 0 || open - i > 8) return null;
  const level = line.slice(i, open);
  if (!LEVELS.has(level)) return null;
  const close = line.indexOf(']', open);
  if (close < 0) return null;
  const lwp = line.slice(open + 1, close);
  let j = close + 1;
  if (line.charCodeAt(j) === 91 /* [ */) {
    const cclose = line.indexOf(']', j);
    if (cclose < 0) return null;
    j = cclose + 1;
  }
  if (line.charCodeAt(j) === 58 /* : */) j++;
  if (line.charCodeAt(j) !== 32 /* space */) return null;
  j++;
  const colon = line.indexOf(':', j);
  if (colon < 0) return null;
  const module = line.slice(j, colon);
  if (!AUTH_MODULES.has(module)) return null;
  let k = colon + 1;
  // Syslog and old file format: "module:line in function: message".
  const c = line.charCodeAt(k);
  if (c >= 48 && c <= 57) {
    const inFn = line.indexOf(': ', k);
    if (inFn < 0) return null;
    k = inFn + 1;
  }
  if (line.charCodeAt(k) === 32) k++;
  return { time, level, lwp, module, message: line.slice(k) };
}

const SYSLOG_BSD = /^([A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d) \S+ [^\s:[]+(?:\[\d+\])?: /;
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

/**
 * Frames one line (without its newline). Returns null for lines that cannot carry
 * an authentication report. `refTime` anchors year-less dates.
 */
export function frameLine(raw: string, refTime: number, cache: DateCache = newDateCache()): Framed | null {
  const line = stripAnsi(raw);
  const first = line.charCodeAt(0);
  if (first === 91 /* [ */) {
    const close = line.indexOf('] ', 1);
    if (close < 0 || close > 40) return null;
    // Cheap level check before touching the date: N(OTICE) W(ARNING) S(ECURITY) V(ERBOSE) E(RROR).
    const lc = line.charCodeAt(close + 2);
    if (lc !== 78 && lc !== 87 && lc !== 83 && lc !== 86 && lc !== 69) return null;
    const framed = afterLevel(line, close + 2, NaN);
    if (!framed) return null;
    return { ...framed, time: cachedDate(line.slice(1, close), refTime, cache) };
  }
  if (first === 123 /* { */) return frameJson(line, refTime);
  const m = SYSLOG_BSD.exec(line) ?? SYSLOG_ISO.exec(line);
  if (!m) return null;
  const framed = afterLevel(line, m[0].length, NaN);
  if (!framed) return null;
  return { ...framed, time: cachedDate(m[1] as string, refTime, cache) };
}
