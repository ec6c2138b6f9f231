/**
 * Reading failed-auth log lines back (the inverse of format.ts), for the daemon's
 * repairs: which source a line came from (to cut an uncommitted tail after a crash),
 * and the failures and bans a fresh store is rebuilt from after a damaged one was kept
 * aside. Pure: text in, fields out; a line it cannot read gives null.
 */

/** One line: its time, its kind (`FAILED`, `INJECTION`, `ALERT`, `SUBNET`) and its fields, unescaped. */
export interface LogLine {
  readonly at: number;
  readonly kind: string;
  readonly fields: ReadonlyMap<string, string>;
  /** `source="…":N` split in two, when present. */
  readonly source: string | null;
  readonly line: number | null;
}

const HEAD = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) ([A-Z]+) /;

/** Reads one line of the failed-auth log, or null if it is not one. */
export function readLogLine(text: string): LogLine | null {
  const head = HEAD.exec(text);
  if (!head) return null;
  const at = Date.parse(head[1] as string);
  if (!Number.isFinite(at)) return null;
  const fields = new Map<string, string>();
  let source: string | null = null;
  let line: number | null = null;
  let i = head[0].length;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) return null;
    const key = text.slice(i, eq);
    if (!/^[a-z_]+$/.test(key)) return null;
    let value: string;
    i = eq + 1;
    if (text[i] === '"') {
      const q = unquote(text, i);
      if (!q) return null;
      value = q.text;
      i = q.end;
      if (key === 'source' && text[i] === ':') {
        const m = /^:(\d+)/.exec(text.slice(i));
        if (!m) return null;
        source = value;
        line = Number(m[1]);
        i += m[0].length;
      }
    } else {
      const sp = text.indexOf(' ', i);
      value = text.slice(i, sp < 0 ? text.length : sp);
      i = sp < 0 ? text.length : sp;
    }
    fields.set(key, value);
    if (text[i] === ' ') i++;
    else if (i < text.length) return null;
  }
  return { at, kind: head[2] as string, fields, source, line };
}

/** The quoted string starting at `text[start]` (`"`), unescaped as format.ts's quote() escaped it, and the index after it. */
function unquote(text: string, start: number): { text: string; end: number } | null {
  let out = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '"') return { text: out, end: i + 1 };
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = text[i + 1];
    if (n === '"' || n === '\\') {
      out += n;
      i++;
    } else if (n === 'x' || n === 'u') {
      const len = n === 'x' ? 2 : 4;
      const hex = text.slice(i + 2, i + 2 + len);
      if (!/^[0-9a-f]+$/i.test(hex) || hex.length !== len) return null;
      out += String.fromCharCode(parseInt(hex, 16));
      i += 1 + len;
    } else return null;
  }
  return null;
}

/** The source a line names (`source="/var/log/asterisk/messages":51`), or null (ALERT and SUBNET lines name none). */
export function sourceOfLine(text: string): string | null {
  return readLogLine(text)?.source ?? null;
}
