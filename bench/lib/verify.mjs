// @ts-check
/**
 * Self-check of a generated log: re-reads the file and confirms what the generator
 * claims — the line count, the Asterisk line grammar, monotonic timestamps, the
 * file's mtime, and for every failed attempt that all its lines are where they were
 * written, share one second, and name the attempt's source in the real address
 * slot (the last one). Also confirms no innocent ever sits in a real slot.
 */
import fs from 'node:fs';

/** @type {Record<string, number>} */
const MONTHS = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const GRAMMAR = /^\[(?:[A-Z][a-z]{2} [ \d]\d|\d{4}-\d\d-\d\d) \d\d:\d\d:\d\d\] (?:(?:VERBOSE|NOTICE|WARNING|ERROR|DEBUG|SECURITY)\[\d+\](?:\[C-[0-9a-f]{8}\])? [\w/.-]+\.c: |Asterisk 20\.)/;

/** FNV-1a over a string (32 bit).  @param {string} s */
export function fnv(s, h = 0x811c9dc5) {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Calls fn(line, lineNo) for each line of a file, reading in 4 MiB chunks.
 * @param {string} path
 * @param {(line: string, lineNo: number) => void} fn
 * @returns {number} lines read
 */
export function eachLine(path, fn) {
  const fd = fs.openSync(path, 'r');
  const buf = Buffer.alloc(4 << 20);
  let rest = '';
  let n = 0;
  try {
    for (;;) {
      const got = fs.readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      const text = rest + buf.toString('utf8', 0, got);
      const parts = text.split('\n');
      rest = /** @type {string} */ (parts.pop());
      for (const line of parts) fn(line, ++n);
    }
    if (rest.length > 0) fn(rest, ++n);
  } finally {
    fs.closeSync(fd);
  }
  return n;
}

/** Epoch ms of a line's timestamp (UTC; the default format takes `year`).  @param {string} line  @param {number} year */
function lineTime(line, year) {
  if (line.charCodeAt(1) >= 48 && line.charCodeAt(1) <= 57) {
    return Date.UTC(+line.slice(1, 5), +line.slice(6, 8) - 1, +line.slice(9, 11), +line.slice(12, 14), +line.slice(15, 17), +line.slice(18, 20));
  }
  return Date.UTC(year, MONTHS[line.slice(1, 4)], +line.slice(5, 7), +line.slice(8, 10), +line.slice(11, 13), +line.slice(14, 16));
}

/**
 * The address in a failure line's real slot, by Asterisk's fixed layout: the last
 * RemoteAddress of a security failure event, the last `failed for '…'` of a
 * pjsip/chan_sip NOTICE, the leading address of a manager NOTICE, the IAX2 host.
 * Null for lines that are not failure reports.
 * @param {string} line
 * @returns {string | null}
 */
export function realSlot(line) {
  let i = line.indexOf('] SECURITY[');
  if (i > 0) {
    if (!/SecurityEvent="(InvalidAccountID|ChallengeResponseFailed|InvalidPassword)"/.test(line)) return null;
    i = line.lastIndexOf(',RemoteAddress="');
    const v = line.slice(i + 16, line.indexOf('"', i + 16));
    return v.slice(9, v.lastIndexOf('/'));
  }
  if (line.includes('] NOTICE[')) {
    if (line.includes('pjsip_distributor.c: Request ')) {
      i = line.lastIndexOf(" failed for '");
      const end = line.indexOf("' (callid: ", i);
      const hp = line.slice(i + 13, end);
      return hp.startsWith('[') ? hp.slice(1, hp.indexOf(']')) : hp.slice(0, hp.lastIndexOf(':'));
    }
    if (line.includes('chan_sip.c: Registration from ')) {
      i = line.lastIndexOf(" failed for '");
      const hp = line.slice(i + 13, line.lastIndexOf("' - "));
      return hp.startsWith('[') ? hp.slice(1, hp.indexOf(']')) : hp.slice(0, hp.lastIndexOf(':'));
    }
    let m = /manager\.c: (\S+) (?:failed to authenticate as|tried to authenticate with nonexistent user) '/.exec(line);
    if (m) return m[1];
    m = /chan_iax2\.c: (?:Host (\S+) failed MD5 authentication for '.*|No registration for peer '.*' \(from (\S+)\))$/.exec(line);
    if (m) return m[1] ?? m[2] ?? null;
  }
  return null;
}

/**
 * Verifies `path` against the generator's records.
 * @param {{lines: number, start: number, end: number, year: number, innocents: string[],
 *          records: {line: number, n: number, hash: number, ip: string}[]}} expect
 * @param {string} path
 * @returns {{ok: boolean, problems: string[], levels: Record<string, number>}}
 */
export function verifyLog(path, expect) {
  /** @type {string[]} */
  const problems = [];
  const note = (/** @type {string} */ msg) => { if (problems.length < 50) problems.push(msg); };
  const innocents = new Set(expect.innocents);
  /** @type {Record<string, number>} */
  const levels = {};
  let rec = 0;
  let recHash = 0x811c9dc5;
  let recSecond = '';
  let prevPrefix = '';
  let prevTime = -Infinity;
  let lastTime = NaN;
  const n = eachLine(path, (line, no) => {
    if (!GRAMMAR.test(line)) note(`line ${no}: not an Asterisk log line: ${line.slice(0, 120)}`);
    const close = line.indexOf(']');
    const prefix = line.slice(0, close + 1);
    if (prefix !== prevPrefix) {
      const t = lineTime(line, expect.year);
      if (!(t >= prevTime)) note(`line ${no}: time goes backwards (${prefix})`);
      if (t < expect.start - 5000 || t > expect.end + 2 * 3_600_000) note(`line ${no}: time ${prefix} outside the span`);
      prevTime = t;
      prevPrefix = prefix;
    }
    lastTime = prevTime;
    const bracket = line.indexOf('[', close + 2);
    const lv = bracket > 0 && bracket - close < 12 ? line.slice(close + 2, bracket) : 'banner';
    levels[lv] = (levels[lv] ?? 0) + 1;

    const slot = realSlot(line);
    if (slot !== null && innocents.has(slot)) note(`line ${no}: innocent ${slot} in a real slot`);

    const r = expect.records[rec];
    if (r && no >= r.line && no < r.line + r.n) {
      if (no === r.line) { recHash = 0x811c9dc5; recSecond = prefix; }
      recHash = fnv(`${line}\n`, recHash);
      if (prefix !== recSecond) note(`line ${no}: attempt lines span more than one second`);
      if (slot !== null && slot !== r.ip) note(`line ${no}: real slot ${slot}, expected ${r.ip}`);
      if (no === r.line + r.n - 1) {
        if (recHash !== r.hash) note(`attempt at line ${r.line}: lines differ from what was generated`);
        rec++;
      }
    }
  });
  if (n !== expect.lines) note(`line count ${n}, expected ${expect.lines}`);
  if (rec !== expect.records.length) note(`${expect.records.length - rec} attempts not found`);
  const mtime = fs.statSync(path).mtimeMs;
  if (Math.abs(mtime - lastTime) > 1000) note(`mtime ${new Date(mtime).toISOString()} is not the last line's time ${new Date(lastTime).toISOString()}`);
  return { ok: problems.length === 0, problems, levels };
}
