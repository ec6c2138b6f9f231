/**
 * Cluster decisions at the runner's level, without Redis: two or three pipelines joined
 * by a bus that hands each published message to the others (what the streams do), on
 * a fake clock. Shared counting, bans through each node's own zones, nothing published
 * twice, nothing over applied, attacker text kept as text.
 */
import { describe, expect, it } from 'vitest';
import type { AuthFailed } from '../domain/events.js';
import { parseBanTarget, parseIp, type BanTarget, type IpAddress } from '../domain/ip.js';
import { Pipeline } from '../daemon/pipeline.js';
import { Engine, type PolicyInput } from '../engine/index.js';
import type { Enforcer, EnforcerOp } from '../enforcers/index.js';
import type { FailedAuthLog } from '../faillog/index.js';
import type { Store } from '../store/index.js';
import type { ClusterMessage, RemoteMessage } from './types.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 7, 10, 0, 0);
const POLICY: PolicyInput = {
  tiers: [{ failures: 2, within: H, ban: H }, { failures: 12, within: 24 * H, ban: null }],
  countReasons: ['wrong_password', 'unknown_account'], banInternal: false, protection: 'on',
};
const ip = (s: string) => parseIp(s) as IpAddress;

let n = 0;
const fail = (addr: string, at: number, account = '100'): AuthFailed => ({
  kind: 'auth_failed', at, service: 'PJSIP', ip: ip(addr), port: 5060, account, session: `c${++n}`,
  signature: 'security-log', decoys: [], reason: 'wrong_password', detail: 'ChallengeResponseFailed',
  evidence: { source: 'security', line: n, text: `line ${n}` },
});

interface Node {
  readonly name: string;
  readonly pipeline: Pipeline;
  readonly engine: Engine;
  readonly ops: EnforcerOp[];
  readonly lines: string[];
  readonly sent: ClusterMessage[];
}

/** Nodes on one bus; `internal` networks per node. Each message published reaches every other node at once. */
function cluster(names: string[], internal: Record<string, string[]> = {}, clock = { t: T0 }): Node[] {
  const nodes: Node[] = [];
  let eid = 0;
  for (const name of names) {
    const ops: EnforcerOp[] = [];
    const lines: string[] = [];
    const sent: ClusterMessage[] = [];
    const engine = new Engine(POLICY, { internal: (internal[name] ?? []).map((c) => parseBanTarget(c) as never), trusted: [] });
    const store = { path: ':memory:', isSnapshot: false, reopen() {}, commitProgress() {} } as unknown as Store;
    const enforcer = { name: 'collect', apply: async (o: readonly EnforcerOp[]) => void ops.push(...o) } as unknown as Enforcer;
    const faillog = { write: (l: string) => void lines.push(l), flush: () => true, position: () => null } as unknown as FailedAuthLog;
    const publish = (m: ClusterMessage) => {
      sent.push(m);
      const remote = { ...m, origin: name, eid: String(++eid) } as RemoteMessage;
      for (const other of nodes) if (other.name !== name) other.pipeline.remote(remote);
    };
    const quiet = { info() {}, warn() {}, error() {} };
    const pipeline = new Pipeline({ engine, store, enforcer, faillog, log: quiet, now: () => clock.t, cursors: () => [], cluster: { publish } });
    nodes.push({ name, pipeline, engine, ops, lines, sent });
  }
  return nodes;
}

/** Bans reach the firewall at the runner's next flush (the next turn of the event loop): flush now. */
const settle = (...nodes: Node[]) => {
  for (const x of nodes) x.pipeline.flush(true);
};
const banned = (node: Node, addr: string) => node.engine.activeBan(parseBanTarget(addr) as BanTarget, T0 + 1000) !== null;

describe('shared counting', () => {
  it('one failure on each of two PBXs within an hour bans the address on both, and each ban is published once', () => {
    const [a, b] = cluster(['a', 'b']) as [Node, Node];
    a.pipeline.handle(fail('203.0.113.7', T0));
    expect(banned(a, '203.0.113.7') || banned(b, '203.0.113.7')).toBe(false);
    b.pipeline.handle(fail('203.0.113.7', T0 + 60_000));
    expect(banned(a, '203.0.113.7')).toBe(true);
    expect(banned(b, '203.0.113.7')).toBe(true);
    settle(a);
    expect(a.ops).toEqual([{ op: 'ban', ip: '203.0.113.7', until: T0 + 60_000 + H }]);
    settle(b);
    expect(b.ops).toEqual([{ op: 'ban', ip: '203.0.113.7', until: T0 + 60_000 + H }]);
    // b's own failure made the ban: b publishes it; a reached it from the shared count and publishes nothing more.
    expect(b.sent.map((m) => m.type)).toEqual(['failure', 'ban']);
    expect(a.sent.map((m) => m.type)).toEqual(['failure']);
    // a's failed-auth log says which node's report completed the count.
    expect(a.lines.at(-1)).toMatch(/FAILED ip=203\.0\.113\.7 .*action=banned tier=1 .*source="cluster:b":0$/);
  });

  it('failures further apart than the window do not add up', () => {
    const [a, b] = cluster(['a', 'b']) as [Node, Node];
    a.pipeline.handle(fail('203.0.113.8', T0 - 2 * H));
    b.pipeline.handle(fail('203.0.113.8', T0));
    settle(a);
    expect(a.ops).toEqual([]);
    settle(b);
    expect(b.ops).toEqual([]);
  });
});

describe('shared bans, local zones', () => {
  it('a ban decided on one node is enforced on the others; one internal on a node stays unblocked there', () => {
    const [a, b, c] = cluster(['a', 'b', 'c'], { b: ['203.0.113.0/24'] }) as [Node, Node, Node];
    a.pipeline.handle(fail('203.0.113.9', T0));
    a.pipeline.handle(fail('203.0.113.9', T0 + 1000));
    settle(a);
    expect(a.ops).toHaveLength(1);
    settle(c);
    expect(c.ops).toEqual([{ op: 'ban', ip: '203.0.113.9', until: T0 + 1000 + H }]);
    settle(b);
    expect(b.ops).toEqual([]); // internal on b: counted there, never blocked
    expect(banned(b, '203.0.113.9')).toBe(false);
    expect(c.sent.filter((m) => m.type === 'ban')).toEqual([]); // not published again
  });

  it('a ban that ended is not applied; a longer ban held already is kept', () => {
    const clock = { t: T0 };
    const [a, b] = cluster(['a', 'b'], {}, clock) as [Node, Node];
    const old: RemoteMessage = { type: 'ban', target: ip('198.51.100.1'), at: T0 - 2 * H, until: T0 - H, tier: 1, reason: 'tier 1', source: 'policy', origin: 'a', eid: 'x.1' };
    b.pipeline.remote(old);
    settle(b);
    expect(b.ops).toEqual([]);
    b.pipeline.remote({ ...old, eid: 'x.2', at: T0, until: null, tier: 2 });
    b.pipeline.remote({ ...old, eid: 'x.3', at: T0, until: T0 + H });
    settle(b);
    expect(b.ops).toEqual([{ op: 'ban', ip: '198.51.100.1', until: null }]);
    settle(a);
    expect(a.ops).toEqual([]);
  });

  it('a network ban goes through the network\'s zone here', () => {
    const [, b] = cluster(['a', 'b'], { b: ['198.51.100.128/25'] }) as [Node, Node];
    const net: RemoteMessage = { type: 'ban', target: parseBanTarget('198.51.100.0/24') as BanTarget, at: T0, until: T0 + H, tier: 0, reason: 'subnet', source: 'policy', origin: 'a', eid: 'y.1' };
    b.pipeline.remote(net);
    settle(b);
    expect(b.ops).toEqual([]);
    b.pipeline.remote({ ...net, eid: 'y.2', target: parseBanTarget('192.0.2.0/24') as BanTarget });
    settle(b);
    expect(b.ops).toEqual([{ op: 'ban', ip: '192.0.2.0/24', until: T0 + H }]);
  });
});

describe('attacker text from another node', () => {
  it('a hostile account name reaches the other node\'s failed-auth log as one escaped token', () => {
    const [a, b] = cluster(['a', 'b']) as [Node, Node];
    const hostile = 'x" ip=192.0.2.66 action=banned\n2026-12-07T10:00:00.000Z FAILED ip=192.0.2.77';
    a.pipeline.handle(fail('203.0.113.10', T0, hostile));
    b.pipeline.handle(fail('203.0.113.10', T0 + 1000));
    a.pipeline.handle(fail('203.0.113.11', T0, 'ok'));
    const aLine = a.lines.find((l) => l.includes('cluster:b')) as string;
    expect(aLine.split('\n')).toHaveLength(1);
    expect(aLine).toMatch(/^\S+ FAILED ip=203\.0\.113\.10 /);
    settle(b);
    expect(b.ops.map((o) => o.ip)).toEqual(['203.0.113.10']);
    settle(a);
    expect(a.ops.map((o) => o.ip)).toEqual(['203.0.113.10']);
  });
});
