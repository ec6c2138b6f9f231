/** The inbox without Redis: own entries skipped, copies dropped, order between a release and a ban kept, bad entries said once. */
import { describe, expect, it } from 'vitest';
import type { BanTarget, IpAddress } from '../domain/ip.js';
import type { BanRecord } from '../store/types.js';
import { Inbox } from './inbox.js';
import type { StreamEntry } from './link.js';
import type { ClusterMessage, RemoteMessage } from './types.js';
import { encode } from './wire.js';

const T = 1_800_000_000_000;
const ip = '203.0.113.7' as IpAddress;
let n = 0;
const entry = (m: ClusterMessage, origin = 'b', eid = `x.${++n}`): StreamEntry => [`${T}-${n}`, encode(m, origin, eid)];
const failure = (at = T): ClusterMessage => ({ type: 'failure', ip, at, reason: 'wrong_password', service: 'PJSIP', account: '100' });
const ban = (at = T): ClusterMessage => ({ type: 'ban', target: ip, at, until: at + 3_600_000, tier: 1, reason: 'tier 1', source: 'policy' });
const release = (at = T): ClusterMessage => ({ type: 'release', target: ip, at, by: 'web:admin' });

function rig(o: { releasedAt?: number; activeSince?: number; own?: number } = {}) {
  const remote: Array<{ m: RemoteMessage; publish: boolean }> = [];
  const unbans: BanTarget[] = [];
  const released: string[] = [];
  const said: string[] = [];
  let active: Pick<BanRecord, 'createdAt'> | null = o.activeSince === undefined ? null : { createdAt: o.activeSince };
  const inbox = new Inbox({
    name: 'a',
    engine: { release: () => active !== null },
    store: {
      lastReleaseAt: () => o.releasedAt ?? null,
      getActiveBan: () => active as BanRecord | null,
      releaseBan: (_t, _at, by) => {
        released.push(by);
        const was = active;
        active = null;
        return was as BanRecord | null;
      },
    },
    runner: {
      remote: (m, publish = false) => void remote.push({ m, publish }),
      enforce: async (ops) => {
        for (const op of ops) unbans.push(op.ip);
        return true;
      },
    },
    log: { info: () => undefined, warn: (_f, m) => void said.push(m) },
    now: () => T + 10_000,
    guard: (fn) => fn(),
    ownLatest: () => o.own,
  });
  return { inbox, remote, unbans, released, said };
}

describe('Inbox', () => {
  it('skips its own entries and drops copies of an event; counts each', () => {
    const r = rig();
    const f = entry(failure());
    r.inbox.entries([entry(failure(), 'a'), f, f, entry(failure())]);
    expect(r.remote.map((x) => x.m.origin)).toEqual(['b', 'b']);
    expect(r.inbox.stats).toEqual({ received: 4, applied: 2, own: 1, duplicates: 1, malformed: 0 });
    expect(r.inbox.lastSeen.get('b')).toBe(T);
  });

  it('asks the runner to publish a shared ban only where its own failure is the latest', () => {
    const later = rig({ own: T + 5 });
    later.inbox.entries([entry(failure())]);
    const earlier = rig({ own: T - 5 });
    earlier.inbox.entries([entry(failure())]);
    const none = rig();
    none.inbox.entries([entry(failure())]);
    const tie = rig({ own: T }); // 'a' < 'b': a publishes on a tie
    tie.inbox.entries([entry(failure())]);
    expect([later, earlier, none, tie].map((x) => x.remote[0]?.publish)).toEqual([true, false, false, true]);
  });

  it('does not apply a ban decided before this node\'s latest release of it', () => {
    const r = rig({ releasedAt: T + 1 });
    r.inbox.entries([entry(ban(T)), entry(ban(T + 2))]);
    expect(r.remote.map((x) => x.m.at)).toEqual([T + 2]);
  });

  it('a release lifts the ban here, unless this node banned it again after the release', () => {
    const r = rig({ activeSince: T - 1000 });
    r.inbox.entries([entry(release(T))]);
    expect(r.unbans).toEqual([ip]);
    expect(r.released).toEqual(['web:admin on b']);
    const kept = rig({ activeSince: T + 1000 });
    kept.inbox.entries([entry(release(T))]);
    expect(kept.unbans).toEqual([]);
  });

  it('drops a malformed entry and says so once per kind of problem', () => {
    const r = rig();
    r.inbox.entries([['1-0', ['v', '1', 'o', 'b']], ['1-1', ['v', '1', 'o', 'b']], ['1-2', ['v', '9']]]);
    expect(r.inbox.stats.malformed).toBe(3);
    expect(r.said).toHaveLength(2);
  });
});
