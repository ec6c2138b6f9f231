/** The overview's Cluster panel, in cluster mode only: this node, its group, Redis reachable or not, the nodes seen and when. */
import { api } from '../api';
import { usePoll } from '../hooks';
import { span, when } from '../text';

export function ClusterPanel() {
  const c = usePoll(() => api('GET /api/cluster'), [], 10_000);
  const node = c.data?.node;
  if (!node || !c.data) return null;
  const now = c.data.now;
  const redis = node.redis;
  return (
    <section className="card cluster" aria-labelledby="cluster-title">
      <h2 id="cluster-title">Cluster</h2>
      <ul className="health">
        <li className="good">This PBX: <strong className="mono">{node.name}</strong> in group <span className="mono">{node.group}</span> ({node.count === 'shared' ? 'failures counted together' : 'bans shared, failures counted here'})</li>
        <li className={redis.state === 'up' ? 'good' : 'bad'} data-testid="cluster-redis">
          Redis {redis.state === 'up' ? 'reachable' : redis.state === 'connecting' ? 'connecting…' : 'not reachable'} since {when(redis.since)}
          {redis.state !== 'up' && redis.lastError ? ` (${redis.lastError})` : ''}
          {redis.state === 'down' && ' — this PBX protects itself alone meanwhile'}
        </li>
        <li className="good">{node.received} bans and failures received from other PBXs, {node.applied} applied</li>
      </ul>
      {node.nodes.length > 0 && (
        <table className="table nodes-table">
          <thead><tr><th scope="col">PBX</th><th scope="col">Last seen</th></tr></thead>
          <tbody>
            {node.nodes.map((n) => (
              <tr key={n.name}>
                <td data-label="PBX" className="mono">{n.name}{n.name === node.name ? ' (this one)' : ''}</td>
                <td data-label="Last seen">{when(n.lastSeen)} <span className="muted">({span(now - n.lastSeen)} ago)</span></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
