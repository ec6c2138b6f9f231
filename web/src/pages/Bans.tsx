/**
 * Blocked: one search box for an address OR an account ("extension 104 stopped working":
 * type 104, see its phone's banned address), the bans as a table — sorted by the server
 * (address, since, until), filtered by state on the server and by reason, tier, country
 * and origin here, paged — each with why (tier, reason, the exact log lines), Release
 * with a confirm, several released at once with one confirm, and a form to ban by hand.
 * Search, sort, filters and page live in the URL. On a phone the rows become stacked cells (CSS).
 */
import { useEffect, useState } from 'react';
import { api, ApiFailure } from '../api';
import { applyFilters, BanFilters, filtering, type Filters } from '../components/BanFilters';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { isPhoneBan } from '../components/MyPhone';
import { SortHeader, type Sort } from '../components/SortHeader';
import { replaceQuery, usePoll } from '../hooks';
import type { Ban, BanListQuery } from '../types';
import { BanForm } from './BanForm';
import { BanRow } from './BanRow';

const PAGE = 50;
/** With a filter set, the newest this many bans of the search are loaded and filtered here. */
const FILTERED = 1000;

type Which = NonNullable<BanListQuery['state']>;
const WHICH: readonly Which[] = ['active', 'all', 'expired', 'released'];
/** The list's state filter from the URL or the select; anything else is the default, bans in force. */
const which = (s: string | null): Which => WHICH.find((w) => w === s) ?? 'active';
const SORTS: readonly Sort[] = ['newest', 'ip', 'created_at', 'expires_at'];
const sortOf = (s: string | null): Sort => SORTS.find((x) => x === s) ?? 'newest';

export function Bans({ params }: { params: URLSearchParams }) {
  const [q, setQ] = useState(params.get('q') ?? '');
  const [search, setSearch] = useState(q);
  const [state, setState] = useState(which(params.get('state')));
  const [sort, setSort] = useState<{ by: Sort; order: 'asc' | 'desc' }>({ by: sortOf(params.get('sort')), order: params.get('order') === 'asc' ? 'asc' : 'desc' });
  const [filters, setFilters] = useState<Filters>({ reason: params.get('reason') ?? '', tier: params.get('tier') ?? '', country: params.get('country') ?? '', origin: params.get('origin') ?? '' });
  const [offset, setOffset] = useState(Math.max(0, Number(params.get('offset')) || 0));
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [releasing, setReleasing] = useState<Ban[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const filtered = filtering(filters);

  // Search as you type, a quarter second after the last key.
  useEffect(() => {
    const id = setTimeout(() => setSearch(q.trim()), 250);
    return () => clearTimeout(id);
  }, [q]);
  useEffect(() => {
    replaceQuery('/bans', {
      q: search, state, ...(sort.by === 'newest' ? {} : { sort: sort.by }), ...(sort.order === 'asc' ? { order: 'asc' } : {}),
      ...filters, ...(offset ? { offset: String(offset) } : {}),
    });
  }, [search, state, sort, filters, offset]);
  const restart = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    setOffset(0);
  };

  const list = usePoll(() => api('GET /api/bans', {
    query: { q: search, state, sort: sort.by, order: sort.order, limit: filtered ? FILTERED : PAGE, offset: filtered ? 0 : offset },
  }), [search, state, sort, filtered, filtered ? 0 : offset], 15_000);

  const page = list.data;
  const matching = page ? (filtered ? applyFilters(page.rows, filters) : page.rows) : [];
  const rows = filtered ? matching.slice(offset, offset + PAGE) : matching;
  const total = filtered ? matching.length : page?.total ?? 0;
  const exact = filtered || (page?.exact ?? true);
  const picked = rows.filter((b) => b.state === 'active' && selected.has(b.ip));
  const selectable = rows.filter((b) => b.state === 'active');
  const select = (ip: string, on: boolean) => setSelected((s) => {
    const n = new Set(s);
    if (on) n.add(ip);
    else n.delete(ip);
    return n;
  });

  const release = async (bans: Ban[]) => {
    setReleasing(null);
    setError(null);
    setNotice(null);
    const done: string[] = [];
    const still: Array<{ ip: string; net: string }> = [];
    const failed: string[] = [];
    for (const b of bans) {
      try {
        const r = await api('POST /api/bans/release', { body: { ip: b.ip } });
        done.push(b.ip);
        if (r.stillBlockedBy) still.push({ ip: b.ip, net: r.stillBlockedBy });
      } catch (e) {
        failed.push(`${b.ip}: ${e instanceof ApiFailure ? e.message : String(e)}`);
      }
    }
    const one = bans.length === 1 && done.length === 1 ? bans[0] : null;
    const net = still[0]?.net;
    if (one) {
      setNotice(net
        ? `Released ${one.ip}, but it is still blocked: its whole network ${net} is banned. Release ${net} too to let it in.`
        : `Released ${one.ip}. It is unblocked within a second.`);
    } else if (done.length) {
      const held = still.map((x) => `${x.ip} (network ${x.net})`).join(', ');
      setNotice(`Released ${done.length} address${done.length === 1 ? '' : 'es'}: ${done.join(', ')}. They are unblocked within a second.${held ? ` Still blocked by a banned network: ${held}.` : ''}`);
    }
    if (failed.length) setError(`Not released: ${failed.join('; ')}`);
    setSelected(new Set());
    list.reload();
  };

  return (
    <div className="page">
      <h1>Blocked addresses</h1>
      <div className="toolbar wrap">
        <input
          type="search"
          aria-label="Search by address or account"
          placeholder="Address or account, e.g. 203.0.113.7 or 104"
          value={q}
          onChange={(e) => restart(setQ)(e.target.value)}
          autoFocus
        />
        <select aria-label="Which bans" value={state} onChange={(e) => restart(setState)(which(e.target.value))}>
          <option value="active">Blocked now</option>
          <option value="all">All, with history</option>
          <option value="expired">Expired</option>
          <option value="released">Released</option>
        </select>
      </div>
      <BanFilters value={filters} rows={page?.rows ?? []} onChange={restart(setFilters)} />
      {notice && <div className="notice" role="status">{notice}</div>}
      {(error ?? list.error) && <div className="error" role="alert">{error ?? list.error}</div>}
      {page && (
        <p className="muted" data-testid="ban-count">
          {total === 0 ? (search || filtered ? `No ban matches${search ? ` “${search}”` : ''}${filtered ? ' with these filters' : ''}.` : 'Nobody is blocked.') : `${exact ? '' : 'More than '}${total} ban${total === 1 ? '' : 's'}${search ? ` matching “${search}”` : ''}${filtered ? ' with these filters' : ''}`}
          {filtered && page.total > FILTERED && ` (filters look at the newest ${FILTERED} of ${page.exact ? '' : 'more than '}${page.total})`}
        </p>
      )}
      {selectable.length > 0 && (
        <div className="toolbar">
          <button type="button" className="primary" disabled={picked.length === 0} onClick={() => setReleasing(picked)}>
            Release selected ({picked.length})
          </button>
        </div>
      )}
      {rows.length > 0 && (
        <table className="table bans-table">
          <caption className="visually-hidden">Bans, {sort.by === 'newest' ? 'newest first' : `sorted by ${sort.by}`}</caption>
          <thead>
            <tr>
              <th scope="col" className="pick">
                <input
                  type="checkbox" aria-label="Select every active ban on this page"
                  checked={selectable.length > 0 && picked.length === selectable.length}
                  onChange={(e) => setSelected(e.target.checked ? new Set(selectable.map((b) => b.ip)) : new Set())}
                />
              </th>
              <SortHeader label="Address" by="ip" sort={sort} onSort={restart(setSort)} />
              <th scope="col">Country</th>
              <th scope="col">Network</th>
              <th scope="col">Accounts tried</th>
              <th scope="col">Reason</th>
              <th scope="col">Origin</th>
              <SortHeader label="Since" by="created_at" sort={sort} onSort={restart(setSort)} />
              <SortHeader label="Until" by="expires_at" sort={sort} onSort={restart(setSort)} />
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          {rows.map((b) => (
            <BanRow
              key={b.id} ban={b} now={Date.now()} onRelease={() => setReleasing([b])} highlight={search}
              selected={selected.has(b.ip)} onSelect={(on) => select(b.ip, on)} onChanged={list.reload}
            />
          ))}
        </table>
      )}
      {page && total > PAGE && (
        <div className="pager">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>Previous</button>
          <span className="muted">{offset + 1}–{offset + rows.length} of {exact ? '' : 'more than '}{total}</span>
          <button type="button" disabled={rows.length < PAGE || offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>Next</button>
        </div>
      )}
      <BanForm onBanned={(ip) => { setNotice(`Blocked ${ip}.`); list.reload(); }} />
      {releasing && <ReleaseDialog bans={releasing} onConfirm={() => void release(releasing)} onCancel={() => setReleasing(null)} />}
    </div>
  );
}

/** The one confirm for releasing one ban or several. */
function ReleaseDialog({ bans, onConfirm, onCancel }: { bans: Ban[]; onConfirm: () => void; onCancel: () => void }) {
  const one = bans.length === 1 ? bans[0] : undefined;
  const accounts = bans.some((b) => b.accounts.length > 0);
  return (
    <ConfirmDialog title={one ? `Release ${one.ip}?` : `Release ${bans.length} addresses?`} confirm="Release" onConfirm={onConfirm} onCancel={onCancel}>
      {!one && <p className="mono small release-list">{bans.map((b) => b.ip).join(', ')}</p>}
      {one?.ip.includes('/')
        ? 'Every address of this network is unblocked within a second (addresses banned on their own stay blocked) and its count starts again from zero.'
        : one ? 'The address is unblocked within a second and its failure count starts again from zero.'
        : 'Each is unblocked within a second and its failure count starts again from zero.'}
      {accounts && ' Make sure the phones using them have the right password, or they will be blocked again.'}
      {bans.some(isPhoneBan) && <p>Your own phone outside the office? Use "This is my phone" on its row instead: released alone, it is blocked again at its next login.</p>}
    </ConfirmDialog>
  );
}
