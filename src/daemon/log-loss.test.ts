import { describe, expect, it } from 'vitest';
import type { LogDropped } from '../domain/events.js';
import { LogLoss } from './log-loss.js';

const T0 = Date.UTC(2026, 10, 24, 18, 30, 0);
const report = (phase: LogDropped['phase'], at: number, dropped: number | null = null, limit: number | null = null): LogDropped => ({
  kind: 'log_dropped', phase, at, dropped, limit, evidence: { source: '/var/log/asterisk/messages', line: 9, text: '' },
});

describe('LogLoss', () => {
  it('raises one alert per episode, in plain words, and keeps the totals', () => {
    const said: string[] = [];
    const l = new LogLoss((a) => void said.push(a.message));
    l.report(report('started', T0, null, 1000));
    l.report(report('discarded', T0 + 1000, 150, 200));
    l.report(report('resumed', T0 + 2000, 4711));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^Asterisk dropped log lines \(its logger queue overflowed, logger_queue_limit 1000\): failed logins in that gap were never written.*Keep the AMI source on/);
    l.report(report('started', T0 + 60_000, null, 1000));
    expect(said).toHaveLength(2);
    expect(l.health()).toEqual({ dropped: 4861, episodes: 2, lastAt: T0 + 60_000, source: '/var/log/asterisk/messages' });
  });

  it('says a lone "Logging resumed" with its count (the start was missed), and a silent episode ends after quietMs', () => {
    const said: string[] = [];
    const l = new LogLoss((a) => void said.push(a.message), 60_000);
    l.report(report('resumed', T0, 37));
    expect(said).toEqual([expect.stringMatching(/^Asterisk dropped 37 log lines/)]);
    l.report(report('started', T0 + 1000));
    l.report(report('started', T0 + 2000));
    expect(said).toHaveLength(2);
    l.report(report('started', T0 + 120_000));
    expect(said).toHaveLength(3);
  });
});
