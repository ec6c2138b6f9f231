/**
 * What keeps a flood of alerts from becoming a flood of mails: de-duplication (the same
 * key — kind and subject — is sent once per `quietMs`) and a rate limit with a digest
 * (at most `max` alerts per window of `windowMs`; the rest are held, counted by kind with
 * the first few kept, and handed back as one digest when the window ends). Pure: the
 * caller gives the time and arms the timer for {@link Limiter.nextDueAt}.
 *
 * Invariants: a window begins with the first alert after a quiet one; while a flood
 * lasts (the last window held something), a new window begins at once and holds
 * everything, so a flood of any length sends `max` alerts and then one digest per
 * window. The de-duplication map is bounded (cleared past 10,000 keys: at worst a repeat).
 */
import type { AlertMessage } from './message.js';

/** How many alerts a digest quotes in full; the rest are counted. */
export const DIGEST_ITEMS = 10;

/** Alerts held back during one window. */
export interface Digest {
  readonly count: number;
  readonly byKind: Readonly<Record<string, number>>;
  /** The first {@link DIGEST_ITEMS} held, oldest first. */
  readonly first: readonly AlertMessage[];
  /** The window, ms since the epoch. */
  readonly from: number;
  readonly to: number;
}

export interface LimiterOptions {
  readonly quietMs: number;
  readonly max: number;
  readonly windowMs: number;
}

/** What became of one alert. */
export type Verdict = 'send' | 'duplicate' | 'held';

export class Limiter {
  private readonly last = new Map<string, number>();
  private windowStart: number | null = null;
  private sent = 0;
  private flooding = false;
  private held: { count: number; byKind: Record<string, number>; first: AlertMessage[] } = Limiter.empty();

  constructor(private opts: LimiterOptions) {}

  /** New numbers from now on; the de-duplication memory and the current window are kept. */
  configure(opts: LimiterOptions): void {
    this.opts = opts;
  }

  /** Decides one alert at `now`. Call {@link due} first, so a window that ended is closed. */
  offer(key: string, m: AlertMessage, now: number): Verdict {
    const prev = this.last.get(key);
    if (prev !== undefined && now - prev < this.opts.quietMs) return 'duplicate';
    if (this.last.size >= 10_000) this.last.clear();
    this.last.set(key, now);
    if (this.windowStart === null) this.windowStart = now;
    if (!this.flooding && this.sent < this.opts.max) {
      this.sent++;
      return 'send';
    }
    this.held.count++;
    this.held.byKind[m.kind] = (this.held.byKind[m.kind] ?? 0) + 1;
    if (this.held.first.length < DIGEST_ITEMS) this.held.first.push(m);
    return 'held';
  }

  /** When the current window ends (ms), or null when none is open. */
  nextDueAt(): number | null {
    return this.windowStart === null ? null : this.windowStart + this.opts.windowMs;
  }

  /** Closes the window if it ended by `now` (or at once with `force`); returns its digest, if anything was held. */
  due(now: number, force = false): Digest | null {
    const end = this.nextDueAt();
    if (end === null || (!force && now < end)) return null;
    const h = this.held;
    const digest = h.count ? { count: h.count, byKind: h.byKind, first: h.first, from: this.windowStart ?? end, to: Math.min(now, end) } : null;
    this.flooding = h.count > 0;
    // While flooding, the next window begins at once and holds everything; otherwise the next alert begins one.
    this.windowStart = this.flooding ? now : null;
    this.sent = 0;
    this.held = Limiter.empty();
    return digest;
  }

  private static empty() {
    return { count: 0, byKind: {} as Record<string, number>, first: [] as AlertMessage[] };
  }
}
