/**
 * Capped exponential backoff with jitter. Pure: randomness is a parameter.
 *
 * Invariant: the delay is never negative and never above `maxMs`, whatever the
 * attempt number or the random value.
 */

/** Backoff settings: first delay, cap, and jitter as a fraction (0.2 = ±20 %). */
export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly jitter: number;
}

/** sipwarden's defaults: 1 s, doubling, at most 60 s, ±20 %. */
export const DEFAULT_BACKOFF: Backoff = Object.freeze({ initialMs: 1000, maxMs: 60_000, jitter: 0.2 });

/**
 * The delay before retry number `failures` (1 for the first retry after a failure):
 * `initialMs · 2^(failures-1)`, capped at `maxMs`, then spread by ±`jitter` using
 * `random()` in [0, 1) and capped again.
 */
export function backoffDelay(b: Backoff, failures: number, random: () => number): number {
  const exp = Math.min(Math.max(failures - 1, 0), 30);
  const base = Math.min(b.maxMs, b.initialMs * 2 ** exp);
  const raw = random();
  const r = Number.isFinite(raw) ? Math.min(Math.max(raw, 0), 1) : 0.5;
  const spread = 1 + b.jitter * (2 * r - 1);
  return Math.round(Math.min(b.maxMs, Math.max(0, base * spread)));
}

/** Throws on settings that would make a tight loop or never retry. */
export function checkBackoff(b: Backoff): void {
  const ok = Number.isFinite(b.initialMs) && b.initialMs > 0
    && Number.isFinite(b.maxMs) && b.maxMs >= b.initialMs
    && Number.isFinite(b.jitter) && b.jitter >= 0 && b.jitter < 1;
  if (!ok) throw new RangeError('AMI backoff: need 0 < initialMs <= maxMs and 0 <= jitter < 1');
}
