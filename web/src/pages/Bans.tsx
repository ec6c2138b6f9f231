/**
 * Bans: one search box for an address OR an account ("extension 104 stopped working":
 * type 104, see its phone's banned address), each ban with why (tier, reason, the
 * exact log lines), Release with a confirm, and a form to ban by hand.
 */
import { useEffect, useState } from 'react';
import { api, ApiFailure } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { replaceQuery, usePoll } from '../hooks';
import type { Ban, BanListQuery } from '../types';
import { BanForm } from './BanForm';
import { BanRow } from './BanRow';

const PAGE = 50;

type Which = NonNullable<BanListQuery['state']>;
const WHICH: readonly Which[] = ['active', 'all', 'expired', 'released'];
/** The list's state filter from the URL or the select; anything else is the default, bans in force. */
const which = (s: string | null): Which => WHICH.find((w) => w === s) ?? 'active';

export function Bans({ params }: { params: URLSearchParams }) {
  const [q, setQ] = useState(params.get('q') ?? '');
  const [search, setSearch] = useState(q);
  const [state, setState] = useState(which(params.get('state')));
  const [offset, setOffset] = useState(0);
  const [releasing, setReleasing] = useState<Ban | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Search as you type, a quarter second after the last key.
  useEffect(() => {
    const id = setTimeout(() => {
      setSearch(q.trim());
      setOffset(0);
      replaceQuery('/bans', { q: q.trim(), state });
    }, 250);
    return () => clearTimeout(id);
  }, [q, state]);

  const list = usePoll(() => api('GET /api/bans', { query: { q: search, state, limit: PAGE, offset } }), [search, state, offset], 15_000);

  const release = async (b: Ban) => {
    setReleasing(null);
    setError(null);
    try {
      const r = await api('POST /api/bans/release', { body: { ip: b.ip } });
      setNotice(r.stillBlockedBy
        ? `Released ${b.ip}, but it is still blocked: its whole network ${r.stillBlockedBy} is banned. Release ${r.stillBlockedBy} too to let it in.`
        : `Released ${b.ip}. It is unblocked within a second.`);
      list.reload();
    } catch (e) {
      setError(e instanceof ApiFailure ? e.message : String(e));
    }
  };

  const page = list.data;
  return (
    <div className="page">
      <h1>Blocked addresses</h1>
      <div className="toolbar">
        <input
          type="search"
          aria-label="Search by address or account"
          placeholder="Address or account, e.g. 203.0.113.7 or 104"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          autoFocus
        />
        <select aria-label="Which bans" value={state} onChange={(e) => setState(which(e.target.value))}>
          <option value="active">Blocked now</option>
          <option value="all">All, with history</option>
          <option value="expired">Expired</option>
          <option value="released">Released</option>
        </select>
      </div>
      {notice && <div className="notice" role="status">{notice}</div>}
      {(error ?? list.error) && <div className="error" role="alert">{error ?? list.error}</div>}
      {page && (
        <p className="muted" data-testid="ban-count">
          {page.total === 0 ? (search ? `No ban matches “${search}”.` : 'Nobody is blocked.') : `${page.exact ? '' : 'More than '}${page.total} ban${page.total === 1 ? '' : 's'}${search ? ` matching “${search}”` : ''}`}
        </p>
      )}
      <div className="bans">
        {page?.rows.map((b) => <BanRow key={b.id} ban={b} now={Date.now()} onRelease={() => setReleasing(b)} highlight={search} />)}
      </div>
      {page && page.total > PAGE && (
        <div className="pager">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>Newer</button>
          <span className="muted">{offset + 1}–{offset + page.rows.length} of {page.exact ? '' : 'more than '}{page.total}</span>
          <button type="button" disabled={page.rows.length < PAGE} onClick={() => setOffset(offset + PAGE)}>Older</button>
        </div>
      )}
      <BanForm onBanned={(ip) => { setNotice(`Blocked ${ip}.`); list.reload(); }} />
      {releasing && (
        <ConfirmDialog title={`Release ${releasing.ip}?`} confirm="Release" onConfirm={() => void release(releasing)} onCancel={() => setReleasing(null)}>
          {releasing.ip.includes('/')
            ? 'Every address of this network is unblocked within a second (addresses banned on their own stay blocked) and its count starts again from zero.'
            : 'The address is unblocked within a second and its failure count starts again from zero.'}
          {releasing.accounts.length > 0 && ' Make sure the phone using it has the right password, or it will be blocked again.'}
        </ConfirmDialog>
      )}
    </div>
  );
}
