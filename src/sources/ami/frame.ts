/**
 * AMI frame text: checking header lines, reading headers, rendering actions, and the
 * MD5 login key. Pure: no I/O, no clock.
 *
 * Invariants:
 * - A header line is `Key: value` with a key of letters, digits, `-` and `_`; any
 *   other line of a frame is malformed and is removed (counted), never guessed at.
 * - An action is rendered only from values without CR or LF, so no configured or
 *   computed value can smuggle a second action onto the wire.
 */
import { createHash } from 'node:crypto';

/** A header line: key, colon, value (the value may be empty). */
const HEADER = /^[A-Za-z0-9_-]+:/;

/** What is left of a frame once its malformed lines are removed. */
export interface CleanFrame {
  /** The frame's header lines joined with CRLF, no trailing blank line; '' when none was valid. */
  readonly text: string;
  /** The key of the first header line (`Event`, `Response`, …); '' when none. */
  readonly kind: string;
  /** How many lines were removed as malformed. */
  readonly malformed: number;
}

/**
 * Splits one frame (CRLF or LF line ends, without its blank line) into header lines,
 * drops the malformed ones and rejoins the rest with CRLF, as Asterisk sends them.
 */
export function cleanFrame(raw: string): CleanFrame {
  const lines = raw.split('\n');
  const kept: string[] = [];
  let malformed = 0;
  for (let line of lines) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.length === 0) continue;
    if (HEADER.test(line)) kept.push(line);
    else malformed++;
  }
  const first = kept[0];
  const kind = first === undefined ? '' : first.slice(0, first.indexOf(':'));
  return { text: kept.join('\r\n'), kind, malformed };
}

/**
 * The value of the first header `key` (case-insensitive, as manager.c matches them),
 * trimmed; '' when absent. Takes frame text as produced by {@link cleanFrame}.
 */
export function header(text: string, key: string): string {
  const lower = key.toLowerCase();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).toLowerCase() === lower) return line.slice(colon + 1).trim();
  }
  return '';
}

/** True when `value` may be written as one AMI header value (no CR, LF or NUL). */
export function isSafeValue(value: string): boolean {
  return !/[\r\n\0]/.test(value);
}

/**
 * Renders an action frame (`Action:` first, CRLF, blank line at the end).
 * Throws on a value with CR/LF/NUL: callers validate configured values up front, so
 * this can only fire on a bug.
 */
export function renderAction(action: string, fields: ReadonlyArray<readonly [string, string]>): string {
  let out = `Action: ${action}\r\n`;
  for (const [k, v] of fields) {
    if (!isSafeValue(v) || !HEADER.test(`${k}:`)) throw new Error(`AMI action ${action}: unsafe header ${k}`);
    out += `${k}: ${v}\r\n`;
  }
  return `${out}\r\n`;
}

/** manager.c's MD5 login key: lower-case hex md5 of the challenge followed by the secret. */
export function md5Key(challenge: string, secret: string): string {
  return createHash('md5').update(challenge + secret, 'utf8').digest('hex');
}

/** Server-sent text made safe for one log line: control characters replaced, length capped. */
export function printable(text: string, max = 120): string {
  const s = text.replace(/[\x00-\x1f\x7f]/g, '?');
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
