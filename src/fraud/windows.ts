/**
 * Sliding windows of event times, one per account and kind (calls started,
 * international calls), like the failure tiers' windows: the newest `keep` times,
 * ascending, so a count within any window up to the longest one is exact as long as it
 * does not exceed `keep` — which is all a rule needs (is the count above its `max`?).
 *
 * Invariant: `times` is sorted ascending and holds at most `keep` entries.
 */
export class Times {
  private readonly times: number[] = [];

  constructor(private readonly keep: number) {}

  /** Records one event at `at` (in order; an older time is inserted where it belongs). */
  add(at: number): void {
    const t = this.times;
    let i = t.length;
    while (i > 0 && (t[i - 1] as number) > at) i--;
    t.splice(i, 0, at);
    if (t.length > this.keep) t.shift();
  }

  /** Events in (at - within, at]: the event at `at` itself included. */
  countWithin(at: number, within: number): number {
    const t = this.times;
    let n = 0;
    for (let i = t.length - 1; i >= 0; i--) {
      const x = t[i] as number;
      if (x > at) continue;
      if (x <= at - within) break;
      n++;
    }
    return n;
  }

  /** The newest time, or -Infinity. */
  newest(): number {
    return this.times.length ? (this.times[this.times.length - 1] as number) : Number.NEGATIVE_INFINITY;
  }
}

/** Answered talk time per account: one entry per ended call, corrected by its CDR when it comes. */
export interface TalkEntry {
  /** When the call ended (ms). */
  readonly at: number;
  seconds: number;
  readonly uniqueid: string;
}

/**
 * Talk time ended within a window. Entries older than `keepFor` are dropped as new ones
 * come; at most `max` entries are kept (the oldest dropped), so a flood of short calls
 * cannot grow it without end (a minutes cap is then already broken by the calls rules).
 */
export class TalkLedger {
  private readonly entries: TalkEntry[] = [];

  constructor(private readonly keepFor: number, private readonly max = 10_000) {}

  add(e: TalkEntry): void {
    this.entries.push(e);
    while (this.entries.length > this.max || (this.entries.length > 0 && (this.entries[0] as TalkEntry).at <= e.at - this.keepFor)) this.entries.shift();
  }

  /** The entry of a call, to correct it with its CDR's billable seconds. */
  find(uniqueid: string): TalkEntry | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) if ((this.entries[i] as TalkEntry).uniqueid === uniqueid) return this.entries[i];
    return undefined;
  }

  /** Seconds of calls that ended in (at - within, at]. */
  secondsWithin(at: number, within: number): number {
    let s = 0;
    for (const e of this.entries) if (e.at > at - within && e.at <= at) s += e.seconds;
    return s;
  }
}
