/**
 * Log lines longer than the reader's limit are never skipped silently: an attacker who
 * pads a Call-ID, a From header or a digest to push a line over the limit must not hide
 * an attempt that way.
 *
 * Each such line arrives as its head and tail (see sources/long-line.ts). When its cut
 * is clean — no address text in the part cut away or near it — the parser is given
 * `head + CUT + tail` and answers as it would for the whole line; the report goes on
 * like any other. Otherwise a report read from it could name a forged address (the real
 * slot, or a second candidate, may be in the part cut away), so it counts for nobody,
 * as an ambiguous line does. Either way the line is written to the failed-auth log as
 * `OVERSIZE`, at most {@link OVERSIZE_PER_MINUTE} lines per source a minute (the next
 * line written says how many were not).
 */
import type { SecurityEvent } from '../domain/events.js';
import { formatOversize } from '../faillog/format.js';
import type { LongLine } from '../sources/follow.js';
import type { PipelineLog } from './pipeline.js';

/** Stands for the bytes cut out of an over-long line: no slot, marker or address holds it. */
export const CUT = '\u2026';

/** Most OVERSIZE lines written per source in a minute. */
export const OVERSIZE_PER_MINUTE = 10;

export interface OversizeDeps {
  readonly faillog: { write(line: string): void };
  readonly log: PipelineLog;
  readonly now: () => number;
  /** Where a report read from an over-long line goes (the pipeline). */
  readonly handle: (ev: SecurityEvent) => void;
}

/** What became of one over-long line. */
export type OversizeAction = 'counted' | 'read' | 'no_report' | 'not_counted';

/** The text a parser is given for an over-long line whose cut is clean. */
export function cutText(line: LongLine): string {
  return `${line.head}${CUT}${line.tail}`;
}

/**
 * A report whose session (the Call-ID) was cut through gets the session `CUT`: the other
 * reports of the same attempt (the NOTICE and the security event, each cut at another
 * place) then still fall into one group and count as one attempt.
 */
function sessionUncut(ev: SecurityEvent): SecurityEvent {
  return ev.kind !== 'injection_suspected' && ev.session !== null && ev.session.includes(CUT) ? { ...ev, session: CUT } : ev;
}

/** Handles over-long lines of every source; holds only the rate limit's counters. */
export class OversizeLines {
  private readonly windows = new Map<string, { start: number; written: number; unlogged: number }>();

  constructor(private readonly deps: OversizeDeps) {}

  /** Handles line `lineNo` of `source`; `parse` reads one line of that source. */
  handle(source: string, lineNo: number, line: LongLine, parse: (text: string) => SecurityEvent | null): OversizeAction {
    const ev = line.clean ? parse(cutText(line)) : null;
    const action: OversizeAction = !line.clean ? 'not_counted' : !ev ? 'no_report' : ev.kind === 'auth_failed' ? 'counted' : 'read';
    const ip = ev && 'ip' in ev ? ev.ip : undefined;
    const unlogged = this.admit(source);
    if (unlogged !== null) {
      this.deps.faillog.write(formatOversize({ at: this.deps.now(), source, line: lineNo, bytes: line.bytes, action, ip, unlogged }));
      const what = action === 'not_counted'
        ? 'over-long log line with address text where it would be cut: counted for nobody'
        : 'over-long log line read from its start and end';
      this.deps.log.warn({ source, line: lineNo, bytes: line.bytes, action, ip, unlogged }, what);
    }
    if (ev) this.deps.handle(sessionUncut(ev));
    return action;
  }

  /** Whether a line of `source` may be written now: null if not, else how many were not since the last. */
  private admit(source: string): number | null {
    const now = this.deps.now();
    let w = this.windows.get(source);
    if (!w || now - w.start >= 60_000) {
      w = { start: now, written: 0, unlogged: w?.unlogged ?? 0 };
      this.windows.set(source, w);
    }
    if (w.written >= OVERSIZE_PER_MINUTE) {
      w.unlogged++;
      return null;
    }
    w.written++;
    const unlogged = w.unlogged;
    w.unlogged = 0;
    return unlogged;
  }
}
