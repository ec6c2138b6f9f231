/**
 * Redis goes away while the PBXs are attacked: each keeps banning on its own (its
 * pipeline never waits for Redis), says "cluster unreachable" once, and when Redis is
 * back — restarted empty, as after a crash without persistence — sends what waited and
 * takes the others': they converge, nothing lost, nothing applied twice.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { removeNode, startNode, type TestNode } from './nodes.js';
import { startRedis, type TestRedis } from './redis.js';

let redis: TestRedis;
let a: TestNode;
let b: TestNode;

beforeAll(async () => {
  redis = await startRedis();
  const group = `p${process.pid}`;
  [a, b] = await Promise.all(['a', 'b'].map((name) => startNode(name, { group, redisUrl: redis.url }))) as [TestNode, TestNode];
  await vi.waitFor(() => expect(a.daemon.store.getMeta('heartbeat')).not.toBeNull(), { timeout: 3000, interval: 20 });
  await new Promise((r) => setTimeout(r, 300));
});
afterAll(async () => {
  for (const n of [a, b]) if (n) await n.stop();
  for (const n of [a, b]) if (n) removeNode(n);
  await redis?.close();
});

const said = (n: TestNode, msg: string) => n.logs.filter((l) => l.msg === msg).length;
const bans = (n: TestNode, ip: string) => n.ops.filter((o) => o.ip === ip && o.op === 'ban').length;

describe('Redis down, then back', () => {
  it('each node bans on its own while Redis is down, says so once, and they converge when it is back', async () => {
    await redis.kill();
    const t0 = Date.now();
    a.fail('203.0.113.61');
    a.fail('203.0.113.61');
    b.fail('203.0.113.62');
    b.fail('203.0.113.62');
    a.fail('203.0.113.63'); // one each: a shared count, once both know
    b.fail('203.0.113.63');
    await vi.waitFor(() => {
      expect(a.blocks('203.0.113.61')).toBe(true);
      expect(b.blocks('203.0.113.62')).toBe(true);
    }, { timeout: 1000, interval: 10 });
    expect(Date.now() - t0).toBeLessThan(1000); // never held up by Redis
    await new Promise((r) => setTimeout(r, 4000)); // several reconnect attempts
    for (const n of [a, b]) {
      expect(said(n, 'cluster unreachable: this PBX goes on protecting itself and catches up when Redis is back'), n.name).toBe(1);
      expect(n.blocks('203.0.113.63'), n.name).toBe(false);
    }
    expect(a.blocks('203.0.113.62')).toBe(false);

    await redis.restart();
    await vi.waitFor(() => {
      expect(a.blocks('203.0.113.62')).toBe(true);
      expect(b.blocks('203.0.113.61')).toBe(true);
      expect(a.blocks('203.0.113.63')).toBe(true);
      expect(b.blocks('203.0.113.63')).toBe(true);
    }, { timeout: 12_000, interval: 20 });
    await new Promise((r) => setTimeout(r, 500));
    for (const n of [a, b]) {
      for (const ip of ['203.0.113.61', '203.0.113.62', '203.0.113.63']) expect(bans(n, ip), `${n.name} ${ip}`).toBe(1);
      expect(said(n, 'cluster reachable again: catching up from the stored position'), n.name).toBe(1);
    }
  });

  it('a node starts, bans and stops while Redis is down, never waiting for it', async () => {
    await redis.kill();
    const t0 = Date.now();
    const c = await startNode('c', { group: `p${process.pid}`, redisUrl: redis.url });
    try {
      expect(Date.now() - t0).toBeLessThan(3000);
      c.fail('198.51.100.77');
      c.fail('198.51.100.77');
      await vi.waitFor(() => expect(c.blocks('198.51.100.77')).toBe(true), { timeout: 1000, interval: 10 });
      await vi.waitFor(() => expect(said(c, 'cluster unreachable: this PBX goes on protecting itself and catches up when Redis is back')).toBe(1), { timeout: 3000, interval: 20 });
    } finally {
      const t1 = Date.now();
      await c.stop();
      removeNode(c);
      expect(Date.now() - t1).toBeLessThan(3000);
    }
    await redis.restart();
  });
});
