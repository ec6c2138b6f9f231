/**
 * Failed attempts: the history of the chosen time range, and new attempts as they
 * happen (server-sent events), both with the same filters.
 */
import { useEffect, useState } from 'react';
import { api, query } from '../api';
import { replaceQuery, usePoll } from '../hooks';
import type { Failure } from '../types';
import { REASONS, visible, when } from '../text';
import { Country } from '../components/Geo';

const RANGES: Record<string, number> = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };
const LIVE_KEEP = 200;

interface Filters {
  ip: string;
  account: string;
  service: string;
  reason: string;
}

export function Failures({ params }: { params: URLSearchParams }) {
  const [f, setF] = useState<Filters>({ ip: params.get('ip') ?? '', account: params.get('account') ?? '', service: params.get('service') ?? '', reason: params.get('reason') ?? '' });
  const [applied, setApplied] = useState(f);
  const [range, setRange] = useState(params.get('range') ?? '24h');
  const [live, setLive] = useState<Failure[]>([]);
  const [streaming, setStreaming] = useState(true);
  const [connected, setConnected] = useState(false);
  const [open, setOpen] = useState<string | null>(null);

  useEffect(() => {
    const id = setTimeout(() => {
      setApplied(f);
      replaceQuery('/failures', { ...f, range });
    }, 300);
    return () => clearTimeout(id);
  }, [f, range]);

  const from = Date.now() - (RANGES[range] ?? RANGES['24h']!);
  const history = usePoll(() => api('GET /api/failures', { query: { ...applied, from: String(Math.floor(from / 60_000) * 60_000), limit: 100 } }), [applied, range]);

  useEffect(() => {
    setLive([]);
    if (!streaming) return undefined;
    const es = new EventSource(`/api/failures/stream${query({ ...applied })}`);
    es.onopen = () => setConnected(true);
    es.onerror = () => setConnected(false);
    es.addEventListener('failure', (ev) => {
      const row = JSON.parse((ev as MessageEvent<string>).data) as Failure;
      setLive((old) => [row, ...old].slice(0, LIVE_KEEP));
    });
    return () => {
      es.close();
      setConnected(false);
    };
  }, [applied, streaming]);

  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const rows = [...live.map((r) => ({ r, isNew: true })), ...(history.data?.rows ?? []).map((r) => ({ r, isNew: false }))];

  return (
    <div className="page">
      <h1>Failed attempts</h1>
      <div className="toolbar wrap">
        <input aria-label="Address" placeholder="address" value={f.ip} onChange={set('ip')} />
        <input aria-label="Account" placeholder="account" value={f.account} onChange={set('account')} />
        <select aria-label="Service" value={f.service} onChange={set('service')}>
          <option value="">any service</option>
          {['PJSIP', 'SIP', 'IAX2', 'AMI', 'HTTP'].map((s) => <option key={s}>{s}</option>)}
        </select>
        <select aria-label="Reason" value={f.reason} onChange={set('reason')}>
          <option value="">any reason</option>
          {Object.entries(REASONS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
        </select>
        <select aria-label="Time range" value={range} onChange={(e) => setRange(e.target.value)}>
          {Object.keys(RANGES).map((r) => <option key={r} value={r}>last {r}</option>)}
        </select>
        <label className="inline">
          <input type="checkbox" checked={streaming} onChange={(e) => setStreaming(e.target.checked)} /> live
          <span className={`dot ${connected ? 'on' : ''}`} title={connected ? 'connected' : 'not connected'} />
        </label>
      </div>
      {history.error && <div className="error">{history.error}</div>}
      {history.data && <p className="muted">{history.data.total} in the last {range}{live.length ? `, ${live.length} new since you opened this page` : ''}.</p>}
      <table className="table failures">
        <thead>
          <tr><th>Time</th><th>Address</th><th>Country</th><th>Service</th><th>Account</th><th>Reason</th><th>Action</th></tr>
        </thead>
        <tbody>
          {rows.map(({ r, isNew }, i) => {
            const key = `${r.id ?? 'live'}-${r.at}-${i}`;
            return (
              <tr key={key} className={isNew ? 'new' : ''} onClick={() => setOpen(open === key ? null : key)}>
                <td data-label="Time">{when(r.at)}</td>
                <td data-label="Address" className="mono"><a href={`#/bans?q=${encodeURIComponent(r.ip)}&state=all`}>{r.ip}</a></td>
                <td data-label="Country"><Country geo={r.geo} /></td>
                <td data-label="Service">{r.service}</td>
                <td data-label="Account" className="mono account">{visible(r.account)}</td>
                <td data-label="Reason">{REASONS[r.reason] ?? r.reason}</td>
                <td data-label="Action">{r.action.replace(/_/g, ' ')}{open === key && r.raw && <pre className="raw">{visible(r.raw)}</pre>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {rows.length === 0 && history.data && <p className="muted">No failed attempts match.</p>}
    </div>
  );
}
