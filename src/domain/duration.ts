/**
 * Durations as written in the config: `30s`, `15m`, `1h`, `24h`, `7d`, `2w`, or
 * `permanent` (only where a ban length is expected). Parsed to milliseconds;
 * permanent is `null`.
 */
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses `<number><unit>`; returns milliseconds, or null if the text is not a duration. */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/.exec(text);
  if (!m) return null;
  const ms = Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : null;
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
