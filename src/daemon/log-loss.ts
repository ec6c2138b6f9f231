/**
 * Asterisk's logger drops messages when its queue overflows (`logger_queue_limit`,
 * NOTICE lines first) — exactly the lines sipwarden counts. Its own warnings about it
 * (LogDropped events) are gathered into episodes here: the first report of an episode
 * raises one alert, and the totals are kept for the status and the dashboard, so the
 * owner hears that failures in that gap were never written and that the AMI source
 * should stay on.
 *
 * Invariant: one alert per episode (an episode ends with a `resumed` report, or when
 * none came for `quietMs`); counts only grow.
 */
import type { LogDropped } from '../domain/events.js';

/** What the status and the dashboard show. */
export interface LogLossHealth {
  /** Messages Asterisk reported as dropped since the start (reports without a count add nothing). */
  readonly dropped: number;
  /** Episodes of loss seen since the start. */
  readonly episodes: number;
  /** The time of the last report, ms since the epoch; null if none. */
  readonly lastAt: number | null;
  /** The file that reported it last. */
  readonly source: string | null;
}

/** What the tracker asks its owner to do when an episode begins. */
export type LogLossAlert = (a: { at: number; source: string; line: number; message: string }) => void;

export class LogLoss {
  private dropped = 0;
  private episodes = 0;
  private lastAt: number | null = null;
  private source: string | null = null;
  private open = false;

  constructor(private readonly onEpisode: LogLossAlert, private readonly quietMs = 600_000) {}

  /** Takes one report of Asterisk's logger. */
  report(ev: LogDropped): void {
    if (this.open && this.lastAt !== null && ev.at - this.lastAt > this.quietMs) this.open = false;
    this.dropped += ev.dropped ?? 0;
    this.lastAt = ev.at;
    this.source = ev.evidence.source;
    if (this.open) {
      if (ev.phase === 'resumed') this.open = false;
      return;
    }
    // A new episode (a `resumed` alone: its start was missed, or lost itself) is said once.
    this.open = ev.phase !== 'resumed';
    this.episodes++;
    const count = ev.dropped === null ? 'log lines' : `${ev.dropped} log line${ev.dropped === 1 ? '' : 's'}`;
    this.onEpisode({
      at: ev.at, source: ev.evidence.source, line: ev.evidence.line,
      message: `Asterisk dropped ${count} (its logger queue overflowed${ev.limit === null ? '' : `, logger_queue_limit ${ev.limit}`}): failed logins in that gap were never written to its logs. Keep the AMI source on (asterisk.ami), and raise logger_queue_limit in logger.conf`,
    });
  }

  health(): LogLossHealth {
    return { dropped: this.dropped, episodes: this.episodes, lastAt: this.lastAt, source: this.source };
  }
}
