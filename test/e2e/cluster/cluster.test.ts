/**
 * Many PBXs on one real redis-server: whole daemons (createDaemon, dry-run firewall, a
 * store each) in cluster mode. Shared counting, a ban and a release crossing the
 * cluster, local zones winning, a restarted node catching up from its stored position,
 * and a hostile account name crossing as text. Each test has a group of its own, so its
 * streams are its own. Every wait is bounded.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IpAddress } from '../../../src/domain/ip.js';
import { removeNode, startNode, type NodeOptions, type TestNode } from './nodes.js';
import { startRedis, type TestRedis } from './redis.js';

let redis: TestRedis;
let nodes: TestNode[] = [];
let groups = 0;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.close();
});
afterEach(async () => {
  for (const n of nodes) await n.stop();
  for (const n of nodes) removeNode(n);
  nodes = [];
});

/** Nodes `names` in a group of this test's own. */
async function group(names: string[], more: Partial<Record<string, Partial<NodeOptions>>> = {}): Promise<TestNode[]> {
  const g = `t${process.pid}-${++groups}`;
  const started = await Promise.all(names.map((name) => startNode(name, { group: g, redisUrl: redis.url, ...more[name] })));
  nodes.push(...started);
  await joined(started);
  return started;
}

/** Until every node's reader is up (its first blocking read sent). */
async function joined(ns: TestNode[]): Promise<void> {
  await vi.waitFor(() => {
    for (const n of ns) expect(n.logs.some((l) => l.msg === 'cluster: joining the group')).toBe(true);
  }, { timeout: 5000, interval: 20 });
  await new Promise((r) => setTimeout(r, 200)); // the connections' handshakes
}

const within = (ms: number) => ({ timeout: ms, interval: 10 });

describe('shared counting', () => {
  it('one failure on each of two PBXs within an hour bans the address on both', async () => {
    const [a, b] = await group(['a', 'b']) as [TestNode, TestNode];
    a.fail('203.0.113.7');
    await new Promise((r) => setTimeout(r, 150));
    expect(a.blocks('203.0.113.7') || b.blocks('203.0.113.7')).toBe(false);
    b.fail('203.0.113.7');
    await vi.waitFor(() => {
      expect(b.blocks('203.0.113.7')).toBe(true);
      expect(a.blocks('203.0.113.7')).toBe(true);
    }, within(2000));
    // Each ban once: a's own failure came back from the stream and was not counted again.
    expect(a.ops.filter((o) => o.ip === '203.0.113.7')).toHaveLength(1);
    expect(b.ops.filter((o) => o.ip === '203.0.113.7')).toHaveLength(1);
    await vi.waitFor(() => expect(a.daemon.engine.policy.failure('203.0.113.7' as IpAddress, Date.now(), 'limit').counts[0]).toBe(2), within(2000)); // 'limit' is not counted: this only reads
  });

  it('with count: local, each PBX counts its own failures only (bans are still shared)', async () => {
    const [a, b] = await group(['a', 'b'], { a: { count: 'local' }, b: { count: 'local' } }) as [TestNode, TestNode];
    a.fail('203.0.113.8');
    b.fail('203.0.113.8');
    await new Promise((r) => setTimeout(r, 300));
    expect(a.blocks('203.0.113.8') || b.blocks('203.0.113.8')).toBe(false);
    b.fail('203.0.113.8');
    await vi.waitFor(() => expect(a.blocks('203.0.113.8')).toBe(true), within(2000));
  });
});

describe('shared bans and releases', () => {
  it('a ban decided on A is enforced on B and C; a release by a person on C lifts it everywhere', async () => {
    const [a, b, c] = await group(['a', 'b', 'c']) as [TestNode, TestNode, TestNode];
    a.fail('198.51.100.20');
    a.fail('198.51.100.20');
    await vi.waitFor(() => {
      for (const n of [a, b, c]) expect(n.blocks('198.51.100.20'), n.name).toBe(true);
    }, within(2000));
    const stored = b.daemon.store.getActiveBan('198.51.100.20' as IpAddress, Date.now());
    expect(stored).toMatchObject({ createdBy: 'cluster:a', source: 'policy' });

    c.daemon.bans.release({ ip: '198.51.100.20' as IpAddress, actor: 'web:admin@192.0.2.1', at: Date.now() });
    await vi.waitFor(() => {
      for (const n of [a, b, c]) expect(n.blocks('198.51.100.20'), n.name).toBe(false);
      for (const n of [a, b]) expect(n.daemon.engine.activeBan('198.51.100.20' as IpAddress, Date.now()), n.name).toBeNull();
    }, within(2000));
    expect(a.daemon.store.getActiveBan('198.51.100.20' as IpAddress, Date.now())).toBeNull();
    expect(a.logs.find((l) => l.msg === 'released on the word of another PBX of the cluster')).toMatchObject({ by: 'web:admin@192.0.2.1 on c' });
    // The release is not published back, and nothing bans it again.
    await new Promise((r) => setTimeout(r, 300));
    for (const n of [a, b, c]) expect(n.blocks('198.51.100.20'), n.name).toBe(false);
  });

  it('a person\'s ban on one PBX (the CLI\'s change queue) reaches the others', async () => {
    const [a, b] = await group(['a', 'b']) as [TestNode, TestNode];
    a.daemon.store.manualBan({ ip: '192.0.2.99' as IpAddress, expiresAt: null, reason: 'seen on another PBX', actor: 'cli:root', at: Date.now() });
    await vi.waitFor(() => expect(b.blocks('192.0.2.99')).toBe(true), within(2000));
    expect(b.daemon.store.getActiveBan('192.0.2.99' as IpAddress, Date.now())).toMatchObject({ source: 'manual', expiresAt: null, reason: 'seen on another PBX' });
  });

  it('an address internal on B is never blocked on B, whatever the cluster says', async () => {
    const [a, b, c] = await group(['a', 'b', 'c'], { b: { internal: ['198.51.100.0/24'] } }) as [TestNode, TestNode, TestNode];
    a.fail('198.51.100.30');
    b.fail('198.51.100.30'); // B's own failure counts, for the shared count, but B never bans its own network
    await vi.waitFor(() => {
      expect(a.blocks('198.51.100.30')).toBe(true);
      expect(c.blocks('198.51.100.30')).toBe(true);
    }, within(2000));
    a.fail('198.51.100.30');
    a.daemon.store.manualBan({ ip: '198.51.100.30' as IpAddress, expiresAt: null, reason: 'by hand', actor: 'cli:root', at: Date.now() });
    await new Promise((r) => setTimeout(r, 600));
    expect(b.ops.filter((o) => o.ip === '198.51.100.30')).toEqual([]);
    expect(b.daemon.engine.activeBan('198.51.100.30' as IpAddress, Date.now())).toBeNull();
    expect(b.logs.some((l) => l.msg === 'not banned here: another PBX banned it, but it is internal on this one')).toBe(true);
  });
});

describe('Redis ACL', () => {
  it('a user limited to the group\'s keys and seven commands is all a node needs (README "Many PBXs")', async () => {
    const admin = new Redis(redis.port, '127.0.0.1', { lazyConnect: true });
    await admin.connect();
    const g = `acl${process.pid}`;
    await admin.call('ACL', 'SETUSER', 'pbx', 'on', '>a long random password', 'resetkeys', `~${g}:*`, 'resetchannels', '-@all', '+@connection', '+info', '+xadd', '+xread', '+hset', '+hgetall');
    admin.disconnect();
    const url = `redis://pbx:a%20long%20random%20password@127.0.0.1:${redis.port}/0`;
    const [a, b] = await Promise.all(['a', 'b'].map((name) => startNode(name, { group: g, redisUrl: url })));
    nodes.push(a as TestNode, b as TestNode);
    await joined([a as TestNode, b as TestNode]);
    a?.fail('192.0.2.40');
    a?.fail('192.0.2.40');
    await vi.waitFor(() => expect(b?.blocks('192.0.2.40')).toBe(true), within(2000));
    for (const n of [a, b]) expect(n?.logs.filter((l) => String(l.msg).startsWith('cluster') && (l.level as number) >= 40)).toEqual([]);
  });
});

describe('restart', () => {
  it('a node stopped while bans were made catches up from its stored position; a ban that ended meanwhile is not applied', async () => {
    const [a, b] = await group(['a', 'b']) as [TestNode, TestNode];
    a.fail('192.0.2.10');
    a.fail('192.0.2.10');
    await vi.waitFor(() => expect(b.blocks('192.0.2.10')).toBe(true), within(2000));
    await b.stop();
    nodes = nodes.filter((n) => n !== b);
    const seenBefore = b.ops.length;
    a.daemon.store.manualBan({ ip: '192.0.2.11' as IpAddress, expiresAt: Date.now() + 1500, reason: 'briefly', actor: 'cli:root', at: Date.now() });
    a.fail('192.0.2.13'); // one failure while b is down: b counts it when it is back
    a.daemon.store.manualBan({ ip: '192.0.2.12' as IpAddress, expiresAt: null, reason: 'while b was down', actor: 'cli:root', at: Date.now() });
    await vi.waitFor(() => expect(a.blocks('192.0.2.12')).toBe(true), within(2000));
    await new Promise((r) => setTimeout(r, 1800));

    const b2 = await startNode('b', { group: groupOf(a), redisUrl: redis.url, dir: b.dir });
    nodes.push(b2);
    await vi.waitFor(() => expect(b2.blocks('192.0.2.12')).toBe(true), within(3000));
    await new Promise((r) => setTimeout(r, 300));
    expect(b2.ops.filter((o) => o.ip === '192.0.2.11')).toEqual([]); // over before b was back
    b2.fail('192.0.2.13');
    await vi.waitFor(() => {
      expect(b2.blocks('192.0.2.13')).toBe(true);
      expect(a.blocks('192.0.2.13')).toBe(true);
    }, within(2000));
    // What b had before it stopped came back from its own store (the reconcile), not from the stream again.
    expect(b2.logs.find((l) => l.msg === 'cluster: joining the group')?.from).not.toBe('0-0');
    expect(seenBefore).toBeGreaterThan(0);
  });
});

describe('attacker text', () => {
  it('a hostile account name crosses the cluster as one field\'s text, never a key or a command', async () => {
    const [a, b] = await group(['a', 'b']) as [TestNode, TestNode];
    const hostile = 'x"\r\nDEL sipwarden:bans\r\n*1\r\n$8\r\nFLUSHALL\r\n ip=192.0.2.66 \u202e';
    a.fail('203.0.113.50', hostile);
    b.fail('203.0.113.50');
    await vi.waitFor(() => expect(a.blocks('203.0.113.50')).toBe(true), within(2000));
    const r = new Redis(redis.port, '127.0.0.1', { lazyConnect: true });
    await r.connect();
    try {
      const g = groupOf(a);
      await vi.waitFor(async () => expect(await r.exists(`${g}:bans`)).toBe(1), within(2000));
      for (const k of await r.keys('*')) if (k.startsWith(`${g}:`)) expect([`${g}:bans`, `${g}:failures`, `${g}:nodes`]).toContain(k);
      expect((await r.keys('*')).every((k) => /^(t\d+-\d+|acl\d+):(bans|failures|nodes)$/.test(k))).toBe(true);
      const entries = await r.xrange(`${g}:failures`, '-', '+');
      const fields = entries.map(([, f]) => f).find((f) => f.includes(hostile)) as string[];
      const byField = new Map(fields.flatMap((v, i) => (i % 2 ? [] : [[v, fields[i + 1]] as const])));
      expect(byField.get('a')).toBe(hostile); // exactly as sent, in its field: data
      expect(byField.get('ip')).toBe('203.0.113.50');
    } finally {
      r.disconnect();
    }
    // On b, a's failure completed the count: one line, the account quoted (its quote escaped, its control characters replaced on arrival).
    await vi.waitFor(() => expect(b.faillog().some((l) => l.includes('source="cluster:a"'))).toBe(true), within(2000));
    const line = b.faillog().find((l) => l.includes('source="cluster:a"')) as string;
    expect(line).toMatch(/^\S+ FAILED ip=203\.0\.113\.50 port=- service=PJSIP account="x\\"\uFFFD\uFFFDDEL sipwarden:bans\uFFFD\uFFFD\*1/);
    expect(line).not.toMatch(/[\r\u202e]/);
    // b keeps the account with its ban, as data (escaped wherever it is shown).
    expect(b.daemon.store.getActiveBan('203.0.113.50' as IpAddress, Date.now())?.accounts).toContain(hostile.replace(/[\r\n\u202e]/g, '\uFFFD'));
    expect(b.blocks('192.0.2.66')).toBe(false);
  });
});

/** The group of a node (from its log). */
function groupOf(n: TestNode): string {
  return n.logs.find((l) => l.msg === 'cluster: joining the group')?.group as string;
}
