import { describe, expect, it } from 'vitest';
import type { AmiState } from '../sources/ami/index.js';
import type { FollowerState } from '../sources/follow.js';
import type { OwnAlert } from './message.js';
import { SourceWatch } from './watch.js';

const MIN = 60_000;
const ami = (status: AmiState['status'], reason?: string): AmiState => ({
  status, since: 0, framesReceived: 0, framesDropped: 0, reconnects: 0, malformedLines: 0, bufferHighWater: 0, ...(reason ? { reason } : {}),
});
const log = (offset: number, problem: string | null = null): FollowerState => ({
  path: '/var/log/asterisk/security', exists: problem === null, offset, lines: 0, oversized: 0, rotations: 0, problem,
});

function watch(staleMs: number | null = 24 * 60 * MIN) {
  const said: Array<{ a: OwnAlert; key: string }> = [];
  return { said, w: new SourceWatch({ staleMs, alert: (a, key) => said.push({ a, key }) }) };
}

describe('SourceWatch (fake clock)', () => {
  it('the AMI: lost once it stays down a minute, said once, and back once logged in again', () => {
    const { said, w } = watch();
    w.ami(ami('connected'), 'ami:127.0.0.1:5038', 0);
    w.ami(ami('backing_off', 'connection refused'), 'ami:127.0.0.1:5038', 1000);
    w.tick([], { state: ami('backing_off'), source: 'ami:127.0.0.1:5038' }, 30_000);
    expect(said).toHaveLength(0); // a restart of Asterisk: seconds, not worth a mail
    w.tick([], { state: ami('connecting'), source: 'ami:127.0.0.1:5038' }, 61_000);
    w.tick([], { state: ami('backing_off'), source: 'ami:127.0.0.1:5038' }, 5 * MIN);
    w.ami(ami('connected'), 'ami:127.0.0.1:5038', 6 * MIN);
    expect(said.map((s) => s.a.kind)).toEqual(['ami_lost', 'ami_back']);
    expect(said[0]?.a.message).toContain('connection refused');
  });

  it('a short flap says nothing, and stopping the AMI on purpose is no loss', () => {
    const { said, w } = watch();
    w.ami(ami('backing_off'), 's', 0);
    w.ami(ami('connected'), 's', 5000);
    w.ami(ami('stopped'), 's', 10_000);
    w.tick([], { state: ami('stopped'), source: 's' }, 10 * MIN);
    expect(said).toHaveLength(0);
  });

  it('a log missing for a minute is said once per episode', () => {
    const { said, w } = watch();
    w.tick([log(100, 'does not exist yet')], null, 0);
    w.tick([log(100, 'does not exist yet')], null, 30_000);
    expect(said).toHaveLength(0);
    w.tick([log(100, 'does not exist yet')], null, MIN);
    w.tick([log(100, 'does not exist yet')], null, 2 * MIN);
    w.tick([log(0)], null, 3 * MIN);
    w.tick([log(0, 'does not exist yet')], null, 4 * MIN);
    w.tick([log(0, 'does not exist yet')], null, 5 * MIN);
    expect(said.map((s) => s.a.kind)).toEqual(['log_missing', 'log_missing']);
    expect(said[0]?.a.file).toBe('/var/log/asterisk/security');
  });

  it('a log that has not grown for stale_log is said once until it grows again; null never', () => {
    const { said, w } = watch(60 * MIN);
    w.tick([log(100)], null, 0);
    w.tick([log(100)], null, 59 * MIN);
    expect(said).toHaveLength(0);
    w.tick([log(100)], null, 60 * MIN);
    w.tick([log(100)], null, 120 * MIN);
    w.tick([log(200)], null, 121 * MIN);
    w.tick([log(200)], null, 181 * MIN);
    expect(said.map((s) => s.a.kind)).toEqual(['log_stale', 'log_stale']);
    const off = watch(null);
    off.w.tick([log(1)], null, 0);
    off.w.tick([log(1)], null, 1000 * MIN);
    expect(off.said).toHaveLength(0);
  });
});
