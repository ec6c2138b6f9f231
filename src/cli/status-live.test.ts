/**
 * `sipwarden status` and the cluster (README "Many PBXs"): the daemon says over
 * `/api/live` which node it is, whether Redis answers and which nodes it heard of, and
 * `status` prints it — node names come from other PBXs, so they are printed escaped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterHealth } from '../cluster/index.js';
import { startTestApi, type TestApi } from '../../test/support/kits/api.js';
import { terminalText } from '../domain/strings.js';
import { clusterLines, type Live } from './status-live.js';

const NOW = Date.UTC(2026, 10, 24, 19, 30);

const health = (over: Partial<ClusterHealth> = {}): ClusterHealth => ({
  name: 'pbx-a', group: 'office', count: 'shared',
  link: { state: 'up', since: NOW - 60_000, lastError: null },
  outbox: { waiting: 0, published: 3, dropped: 0 },
  inbox: { received: 7, applied: 5, own: 3, duplicates: 0, malformed: 0 },
  nodes: { 'pbx-a': NOW - 2_000, 'pbx-b': NOW - 12_000 },
  ...over,
});

let t: TestApi | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

describe('/api/live and the cluster', () => {
  it('says this node, its group, Redis and the nodes heard of, newest first', async () => {
    t = await startTestApi({ now: NOW, cluster: () => health() });
    const live = (await t.app.inject({ url: '/api/live' })).json() as Live;
    expect(live.cluster).toEqual({
      name: 'pbx-a', group: 'office', count: 'shared',
      redis: { state: 'up', since: NOW - 60_000, lastError: null },
      nodes: [{ name: 'pbx-a', lastSeen: NOW - 2_000 }, { name: 'pbx-b', lastSeen: NOW - 12_000 }],
      received: 7, applied: 5,
    });
  });

  it('says null when cluster mode is off', async () => {
    t = await startTestApi({ now: NOW });
    expect(((await t.app.inject({ url: '/api/live' })).json() as Live).cluster).toBeNull();
  });
});

describe('status: cluster lines', () => {
  const view = (h: ClusterHealth): Live['cluster'] => ({
    name: h.name, group: h.group, count: h.count, redis: h.link,
    nodes: Object.entries(h.nodes).map(([name, lastSeen]) => ({ name, lastSeen })), received: h.inbox.received, applied: h.inbox.applied,
  });

  it('prints nothing when the config has no cluster', () => {
    expect(clusterLines(null, false, NOW, terminalText)).toEqual([]);
  });

  it('prints the node, Redis reachable, and each node with when it was last seen', () => {
    expect(clusterLines(view(health()), true, NOW, terminalText)).toEqual([
      'cluster:          node pbx-a in group office, counting shared; Redis reachable',
      '  pbx-a                last seen 2 s ago',
      '  pbx-b                last seen 12 s ago',
      '  received from other nodes: 7, applied here: 5',
    ]);
  });

  it('says Redis is unreachable since when, and why', () => {
    const lines = clusterLines(view(health({ link: { state: 'down', since: NOW - 5_000, lastError: 'connect ECONNREFUSED 127.0.0.1:6390' } })), true, NOW, terminalText);
    expect(lines[0]).toBe(`cluster:          node pbx-a in group office, counting shared; Redis UNREACHABLE since ${new Date(NOW - 5_000).toISOString()} (connect ECONNREFUSED 127.0.0.1:6390)`);
  });

  it('escapes a node name another PBX chose', () => {
    const lines = clusterLines(view(health({ nodes: { 'evil\u001b[2J\u202e': NOW } })), true, NOW, terminalText);
    expect(lines[1]).not.toMatch(/[\u001b\u202e]/);
  });

  it('says when the daemon did not answer, or runs without the cluster the file now asks for', () => {
    expect(clusterLines(undefined, true, NOW, terminalText)).toEqual(['cluster:          configured; state unknown (is the daemon running?)']);
    expect(clusterLines(null, true, NOW, terminalText)[0]).toMatch(/the running daemon has it off/);
  });
});
