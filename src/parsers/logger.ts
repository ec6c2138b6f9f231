/**
 * Asterisk's logger reporting that it lost messages (main/logger.c, written as
 * `WARNING[lwp] logger: <message>`): the lines of {@link LogDropped}. Every number
 * is Asterisk's own (`%d`); nothing on these lines is attacker text.
 */
import type { LogDropped } from '../domain/events.js';

export type LoggerReport = Pick<LogDropped, 'phase' | 'dropped' | 'limit'>;

/** 13.16 to 23: "Log queue threshold (%d) exceeded.  Discarding new messages." */
const STARTED = /^Log queue threshold \((\d{1,9})\) exceeded\. {1,2}Discarding (?:new|non-warning\/error) messages\.$/;
/** After 23: "Log queue WARNING / ERROR threshold (%d) exceeded. Discarded %d oldest non-WARNING/ERROR messages." */
const DISCARDED = /^Log queue WARNING \/ ERROR threshold \((\d{1,9})\) exceeded\. Discarded (\d{1,9}) oldest non-WARNING\/ERROR messages\.$/;
/**
 * After 23. The source gives this message no newline, so in a log file the next
 * message is glued to it: usually `[date] WARNING[lwp] logger: Logging resumed.  N
 * messages discarded.`, whose count is then read from the glued part.
 */
const OVERFLOWED = 'Log queue does not have any non-WARNING/ERROR messages left to discard. Discarding all new messages.';
const GLUED_RESUMED = /^\[[^\]]{1,40}\] WARNING ?\[\d+\] logger: Logging resumed\. {1,2}(\d{1,9}) messages? discarded\.$/;
/** "Logging resumed.  %d message%s discarded." */
const RESUMED = /^Logging resumed\. {1,2}(\d{1,9}) messages? discarded\.$/;

/** Reads one `logger` message; null for anything else the logger writes. */
export function parseLoggerMessage(msg: string): LoggerReport | null {
  if (!msg.startsWith('Log')) return null;
  let m = RESUMED.exec(msg);
  if (m) return { phase: 'resumed', dropped: Number(m[1]), limit: null };
  m = STARTED.exec(msg);
  if (m) return { phase: 'started', dropped: null, limit: Number(m[1]) };
  m = DISCARDED.exec(msg);
  if (m) return { phase: 'discarded', dropped: Number(m[2]), limit: Number(m[1]) };
  if (msg.startsWith(OVERFLOWED)) {
    // Only a whole glued logger line counts: anything else glued there is not read.
    const glued = msg.length > OVERFLOWED.length ? GLUED_RESUMED.exec(msg.slice(OVERFLOWED.length)) : null;
    return { phase: 'overflowed', dropped: glued ? Number(glued[1]) : null, limit: null };
  }
  return null;
}
