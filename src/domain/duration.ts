/**
 * Durations as written in the config: `30s`, `15m`, `1h`, `24h`, `7d`, `2w`, or
 * `permanent` (only where a ban length is expected). Parsed to milliseconds;
 * permanent is `null`.
 *
 * Invariant: every duration is at most {@link MAX_DURATION_MS} (3650 days, about 10
 * years), so `now + duration` is always a date JavaScript can print and store: a
 * length beyond what a Date holds (±8.64e15 ms) once made every later ban throw
 * while being logged. Longer bans are written `permanent`.
 */
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** The longest duration accepted anywhere: 3650 days (about 10 years). */
export const MAX_DURATION_MS = 3650 * 86_400_000;

/** How {@link MAX_DURATION_MS} is written in messages. */
export const MAX_DURATION_TEXT = '3650d (10 years)';

/** Why a text is not a duration: not one at all, zero, or longer than {@link MAX_DURATION_MS}. */
export type DurationProblem = 'not_a_duration' | 'zero' | 'too_long';

/** Reads `<number><unit>` into milliseconds, or says why it is not a usable duration. */
export function readDuration(text: string): { ms: number } | { problem: DurationProblem } {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/.exec(text);
  if (!m) return { problem: 'not_a_duration' };
  const ms = Math.round(Number(m[1]) * (UNIT_MS[m[2] as string] as number));
  if (!Number.isFinite(ms) || ms > MAX_DURATION_MS) return { problem: 'too_long' };
  return ms > 0 ? { ms } : { problem: 'zero' };
}

/** Parses `<number><unit>`; returns milliseconds, or null if the text is not a duration (or is zero, or too long). */
export function parseDuration(text: string): number | null {
  const r = readDuration(text);
  return 'ms' in r ? r.ms : null;
}

/** Formats milliseconds back into the shortest exact config form (`90m` stays `90m`, `3600000` is `1h`). */
export function formatDuration(ms: number | null): string {
  if (ms === null) return 'permanent';
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit] as number;
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${(ms / 1000).toFixed(3)}s`;
}

/**
 * An instant for a log or terminal line: ISO 8601, `permanent` for null, and — never
 * throwing — `invalid(<n>)` for a number no Date can hold (a row written by an older
 * version, or by hand).
 */
export function formatInstant(ms: number | null): string {
  if (ms === null) return 'permanent';
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? `invalid(${ms})` : d.toISOString();
}
