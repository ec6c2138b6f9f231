/** The daemon's one scheduler, on fake timers: turns, caught errors, no overlap, stop. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Scheduler } from './scheduler.js';

let errors: Array<[object, string]>;
let s: Scheduler;
beforeEach(() => {
  vi.useFakeTimers();
  errors = [];
  s = new Scheduler({ error: (o, m) => errors.push([o, m]) });
});
afterEach(() => {
  s.stop();
  vi.useRealTimers();
});

describe('Scheduler', () => {
  it('runs each job at its own period', () => {
    const runs: string[] = [];
    s.every(250, 'tick', () => void runs.push('tick'));
    s.every(1000, 'heartbeat', () => void runs.push('heartbeat'));
    vi.advanceTimersByTime(999);
    expect(runs.filter((r) => r === 'tick')).toHaveLength(3);
    expect(runs).not.toContain('heartbeat');
    vi.advanceTimersByTime(1);
    expect(runs.filter((r) => r === 'tick')).toHaveLength(4);
    expect(runs.filter((r) => r === 'heartbeat')).toHaveLength(1);
    expect(s.jobs()).toEqual([{ name: 'tick', ms: 250 }, { name: 'heartbeat', ms: 1000 }]);
  });

  it('a throwing job is logged with its name and keeps its turn', () => {
    let n = 0;
    s.every(100, 'control loop', () => {
      n++;
      throw new Error('store locked');
    });
    vi.advanceTimersByTime(300);
    expect(n).toBe(3);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toEqual([{ job: 'control loop', err: 'store locked' }, 'control loop failed; it runs again at its next turn']);
  });

  it('a rejected promise is logged too, and a job still awaiting skips its next turns', async () => {
    let n = 0;
    const finish: Array<() => void> = [];
    s.every(100, 'dns', () => {
      n++;
      return new Promise<void>((resolve, reject) => {
        finish.push(n === 1 ? resolve : () => reject(new Error('no answer')));
      });
    });
    await vi.advanceTimersByTimeAsync(350);
    expect(n).toBe(1); // still awaiting: turns at 200 and 300 skipped
    finish[0]!();
    await vi.advanceTimersByTimeAsync(100);
    expect(n).toBe(2);
    finish[1]!();
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toEqual([[{ job: 'dns', err: 'no answer' }, 'dns failed; it runs again at its next turn']]);
  });

  it('stop clears every job, is idempotent, and nothing is added afterwards', () => {
    let n = 0;
    s.every(100, 'a', () => void n++);
    s.every(100, 'b', () => void n++);
    vi.advanceTimersByTime(100);
    expect(n).toBe(2);
    s.stop();
    s.stop();
    s.every(100, 'c', () => void n++);
    vi.advanceTimersByTime(1000);
    expect(n).toBe(2);
    expect(s.jobs()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
