/**
 * How the daemon's log records are written (`log.format`):
 *
 * | stdout is        | auto / text                                   | json  |
 * |------------------|-----------------------------------------------|-------|
 * | the journal      | `<4>message key=value` (syslog priority)      | JSON  |
 * | a terminal       | `2026-12-07T10:00:00.000Z WARN message k=v`   | JSON  |
 * | a pipe or a file | auto: JSON; text: the terminal's lines        | JSON  |
 *
 * The journal's lines carry the priority journald files them under (`journalctl -p
 * warning` finds warnings) and no time (journald adds it). Every style keeps attacker
 * text escaped: JSON through `escapeJsonText`, lines through the journal formatter
 * (C0, C1 and bidi controls as `\uXXXX`, never a second line). A field whose text the
 * message already says (a generated password, a path) is not repeated on a line.
 */
import { journalLine, stdoutIsJournal } from './systemd.js';
import type { Config } from '../config/index.js';

/** What the records become. */
export type LogStyle = 'json' | 'text' | 'journal';

/** Where the records go and what it is (tests give their own). */
export interface LogTarget {
  write(s: string): unknown;
  readonly isTTY?: boolean;
}

/** The style for `format` on this stdout (see the table at the top). */
export function logStyle(format: Config['log']['format'], o: { journal: boolean; tty: boolean }): LogStyle {
  if (format === 'json') return 'json';
  if (o.journal) return 'journal';
  if (o.tty || format === 'text') return 'text';
  return 'json';
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** One record as a line in `style` (`json`: as it is). */
export function formatRecord(json: string, style: LogStyle): string {
  if (style === 'json') return json;
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    const line = journalLine(json); // not a record: passed on escaped
    return style === 'journal' ? line : line.replace(/^<\d>/, '');
  }
  const msg = typeof rec.msg === 'string' ? rec.msg : '';
  for (const [k, v] of Object.entries(rec)) {
    if (k !== 'msg' && typeof v === 'string' && v.length >= 4 && msg.includes(v)) delete rec[k];
  }
  const line = journalLine(JSON.stringify(rec));
  if (style === 'journal') return line;
  const level = typeof rec.level === 'number' ? rec.level : 30;
  const time = typeof rec.time === 'number' ? new Date(rec.time).toISOString() : new Date().toISOString();
  return `${time} ${(LEVELS[level] ?? String(level)).padEnd(5)} ${line.replace(/^<\d>/, '')}`;
}

/**
 * A pino destination writing `style` lines to `out`; undefined for JSON to stdout
 * (pino's own, fastest, destination).
 */
export function logDestination(style: LogStyle, out: LogTarget = process.stdout): { write(s: string): void } | undefined {
  if (style === 'json' && out === process.stdout) return undefined;
  return {
    write: (s: string) => {
      for (const l of s.split('\n')) if (l !== '') out.write(`${formatRecord(l, style)}\n`);
    },
  };
}

/** The style for the daemon's stdout under `format`. */
export function stdoutLogStyle(format: Config['log']['format'], env: NodeJS.ProcessEnv = process.env): LogStyle {
  return logStyle(format, { journal: stdoutIsJournal(env, 1), tty: process.stdout.isTTY === true });
}
