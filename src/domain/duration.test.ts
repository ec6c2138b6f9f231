import { describe, expect, it } from 'vitest';
import { formatDuration, formatInstant, MAX_DURATION_MS, parseDuration, readDuration } from './duration.js';

describe('durations', () => {
  it('read the config forms', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration(' 1.5h ')).toBe(5_400_000);
    expect(parseDuration('2w')).toBe(1_209_600_000);
    expect(readDuration('1 hour')).toEqual({ problem: 'not_a_duration' });
    expect(readDuration('0s')).toEqual({ problem: 'zero' });
    expect(readDuration('0.0001s')).toEqual({ problem: 'zero' });
  });

  it('are at most 3650 days: a longer one (beyond what a date holds, or just long) is refused, not wrapped', () => {
    expect(parseDuration('3650d')).toBe(MAX_DURATION_MS);
    expect(parseDuration('521w')).toBe(521 * 604_800_000);
    for (const text of ['3651d', '522w', '99999999d', '4000d', `${'9'.repeat(400)}s`]) {
      expect(readDuration(text)).toEqual({ problem: 'too_long' });
      expect(parseDuration(text)).toBeNull();
    }
    // Every accepted duration from any instant of this century is a date JavaScript can print.
    expect(() => new Date(Date.UTC(2099, 11, 31) + MAX_DURATION_MS).toISOString()).not.toThrow();
  });

  it('format back to the shortest form, and an instant never throws', () => {
    expect(formatDuration(MAX_DURATION_MS)).toBe('3650d');
    expect(formatDuration(null)).toBe('permanent');
    expect(formatInstant(Date.UTC(2026, 10, 24))).toBe('2026-11-24T00:00:00.000Z');
    expect(formatInstant(null)).toBe('permanent');
    expect(formatInstant(8.65e15)).toBe('invalid(8650000000000000)');
  });
});
