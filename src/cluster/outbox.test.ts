/** The outbox with a fake send: order, bans first, identities kept across resends, bounded, retried. */
import { describe, expect, it } from 'vitest';
import type { IpAddress } from '../domain/ip.js';
import { Outbox, type Entry } from './outbox.js';
import type { ClusterMessage } from './types.js';
import { decode } from './wire.js';

const quiet = { warn() {} };
const failure = (i: number): ClusterMessage => ({ type: 'failure', ip: `203.0.113.${i}` as IpAddress, at: 1000 + i, reason: 'wrong_password', service: 'PJSIP', account: '100' });
const ban = (i: number): ClusterMessage => ({ type: 'ban', target: `198.51.100.${i}` as IpAddress, at: 1000 + i, until: null, tier: 1, reason: 'r', source: 'policy' });
const tick = () => new Promise((r) => setTimeout(r, 0));
const eid = (e: Entry) => (decode([...e.fields]) as { message: { eid: string } }).message.eid;
const ipOf = (e: Entry) => e.fields[e.fields.indexOf('ip') + 1];

describe('Outbox', () => {
  it('sends nothing while down, then everything in order, bans before failures, in one batch', async () => {
    const batches: Entry[][] = [];
    const o = new Outbox('a', async (b) => {
      batches.push([...b]);
      return b.length;
    }, quiet);
    o.publish(failure(1));
    o.publish(ban(1));
    o.publish(failure(2));
    await tick();
    expect(batches).toEqual([]);
    o.setUp(true);
    await tick();
    expect(batches.map((b) => b.map(ipOf))).toEqual([['198.51.100.1', '203.0.113.1', '203.0.113.2']]);
    expect(o.stats).toEqual({ waiting: 0, published: 3, dropped: 0 });
  });

  it('sends again what Redis did not take, with the same identities, and retries by itself', async () => {
    const batches: Entry[][] = [];
    let fail = 2;
    const o = new Outbox('a', async (b) => {
      batches.push([...b]);
      if (fail-- > 0) throw new Error('connection reset');
      return b.length;
    }, quiet);
    o.setUp(true);
    o.publish(ban(1));
    o.publish(ban(2));
    await new Promise((r) => setTimeout(r, 600)); // two retries, 200 ms apart
    expect(batches).toHaveLength(3);
    expect(batches[2]?.map(eid)).toEqual(batches[0]?.map(eid));
    expect(o.stats.published).toBe(2);
  });

  it('keeps at most `max` waiting per queue: the oldest tenth goes, counted, said once', () => {
    const said: string[] = [];
    const o = new Outbox('a', async () => 0, { warn: (_f, m) => void said.push(m) }, 100);
    for (let i = 0; i < 250; i++) o.publish(failure(i % 250));
    expect(o.stats.waiting).toBeLessThanOrEqual(100);
    expect(o.stats.dropped).toBe(250 - o.stats.waiting);
    expect(said).toHaveLength(1);
  });

  it('drain sends what waits, then stops', async () => {
    let sent = 0;
    const o = new Outbox('a', async (b) => {
      sent += b.length;
      return Math.min(b.length, 300);
    }, quiet);
    for (let i = 0; i < 1200; i++) o.publish(failure(i % 200));
    o.setUp(true);
    await o.drain(1000);
    expect(o.stats.waiting).toBe(0);
    expect(o.stats.published).toBe(1200);
    expect(sent).toBeGreaterThanOrEqual(1200);
  });
});
