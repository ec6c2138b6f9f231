/**
 * One ban as rows of the Blocked table (its own `<tbody>`): address, country, network,
 * accounts tried, reason, origin, since, until, with a checkbox for bulk release; "Why?"
 * opens a row below with the exact log lines and the failed attempts before the ban.
 * Account names and log lines are attacker text: rendered as text only.
 */
import { useEffect, useState } from 'react';
import { api } from '../api';
import { Country, Network } from '../components/Geo';
import { MyPhone } from '../components/MyPhone';
import { Origin } from '../components/Origin';
import type { Ban, FailurePage } from '../types';
import { span, visible, when } from '../text';

/** The table's column count (checkbox and actions included), for the details row. */
export const COLUMNS = 10;

/** Why the ban exists, in plain words. */
export function why(b: Ban): string {
  if (b.source === 'manual') return `Blocked by hand${b.createdBy ? ` by ${b.createdBy}` : ''}: ${b.reason}`;
  if (b.createdBy?.startsWith('feed:')) return `On the blocklist feed ${b.createdBy.slice(5)}`;
  if (b.createdBy?.startsWith('cluster:')) return `Blocked by another PBX (${b.createdBy.slice(8)}): ${b.reason}`;
  if (b.ip.includes('/')) return `Whole network blocked (subnet escalation): ${b.reason.replace(/^subnet-escalation:\s*/, '')}`;
  if (b.reason === 'toll-fraud') return 'Toll fraud: the account that placed the calls logged in from here';
  const reason = /^tier \d/i.test(b.reason) || b.tier === 0 ? b.reason : `tier ${b.tier}: ${b.reason}`;
  return reason.charAt(0).toUpperCase() + reason.slice(1);
}

function until(b: Ban, now: number): string {
  if (b.state === 'released') return `released ${b.releasedAt ? when(b.releasedAt) : ''}${b.releasedBy ? ` by ${b.releasedBy}` : ''}`;
  if (b.expiresAt === null) return 'until released';
  if (b.state === 'expired') return `ended ${when(b.expiresAt)}`;
  return `for ${span(b.expiresAt - now)} more`;
}

export function BanRow({ ban: b, now, onRelease, highlight, selected, onSelect, onChanged }: {
  ban: Ban; now: number; onRelease: () => void; highlight: string; selected: boolean; onSelect: (on: boolean) => void;
  /** The ban changed here ("This is my phone"): read the list again. */
  onChanged?: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [before, setBefore] = useState<FailurePage | null>(null);
  // The failed attempts from this address up to the ban: the lines that caused it.
  useEffect(() => {
    if (!open || before) return;
    api('GET /api/failures', { query: { ip: b.ip, to: String(b.createdAt + 1), from: String(b.createdAt - 86_400_000), limit: 20 } }).then(setBefore, () => undefined);
  }, [open, before, b.ip, b.createdAt]);
  const detailsId = `why-${b.id}`;
  return (
    <tbody className={`ban state-${b.state}${selected ? ' selected' : ''}`} data-ip={b.ip}>
      <tr>
        <td className="pick">
          {b.state === 'active' && <input type="checkbox" aria-label={`Select ${b.ip}`} checked={selected} onChange={(e) => onSelect(e.target.checked)} />}
        </td>
        <td data-label="Address" className="ban-ip mono">
          {b.ip} <span className={`badge ${b.state}`}>{b.state === 'active' ? (b.expiresAt === null ? 'blocked' : 'blocked (timed)') : b.state}</span>
        </td>
        <td data-label="Country"><Country geo={b.geo} /></td>
        <td data-label="Network"><Network geo={b.geo} /></td>
        <td data-label="Accounts tried" className="accounts">
          {b.accounts.map((a) => <span key={a} className={`chip mono${a === highlight ? ' hit' : ''}`}>{visible(a)}</span>)}
        </td>
        <td data-label="Reason" className="ban-why">{why(b)}</td>
        <td data-label="Origin"><Origin ban={b} /></td>
        <td data-label="Since" className="nowrap">{when(b.createdAt)}</td>
        <td data-label="Until">{until(b, now)}</td>
        <td className="ban-actions">
          <button type="button" aria-expanded={open} aria-controls={detailsId} onClick={() => setOpen(!open)}>{open ? 'Hide details' : 'Why?'}</button>
          {b.state === 'active' && <button type="button" className="primary" onClick={onRelease}>Release</button>}
          <MyPhone ban={b} onDone={() => onChanged?.()} />
        </td>
      </tr>
      {open && (
        <tr className="details-row" id={detailsId}>
          <td colSpan={COLUMNS}>
            <div className="details">
              <p>{b.ip.includes('/')
                ? `${b.failures} addresses of this network were banned; the log line below completed the count.`
                : b.failures > 0 ? `${b.failures} failed logins counted.` : 'No failures recorded (manual ban).'}</p>
              {b.evidence.length > 0 && (
                <>
                  <p className="muted small">The log line{b.evidence.length > 1 ? 's' : ''} that triggered the ban:</p>
                  {b.evidence.map((e, i) => (
                    <div key={i} className="evidence">
                      <div className="muted small mono">{visible(e.source)}:{e.line}</div>
                      <pre>{visible(e.text)}</pre>
                    </div>
                  ))}
                </>
              )}
              {before && before.total > 0 && (
                <div className="attempts">
                  <p className="muted small">Failed attempts from {b.ip} in the 24 h before the ban ({before.total}{before.total > before.rows.length ? `, latest ${before.rows.length} shown` : ''}):</p>
                  {before.rows.map((f) => (
                    <div key={f.id} className="evidence">
                      <div className="muted small mono">{when(f.at)} · {f.service} · {visible(f.account)} · {f.source ? `${visible(f.source)}:${f.line ?? ''}` : ''}</div>
                      {f.raw && <pre>{visible(f.raw)}</pre>}
                    </div>
                  ))}
                </div>
              )}
            </div>
          </td>
        </tr>
      )}
    </tbody>
  );
}
