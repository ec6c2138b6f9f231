/** One ban: address, state, accounts; details show why (tier, reason, exact log lines). */
import { useEffect, useState } from 'react';
import { api } from '../api';
import type { Ban, FailurePage } from '../types';
import { span, visible, when } from '../text';

function why(b: Ban): string {
  if (b.source === 'manual') return `Blocked by hand${b.createdBy ? ` by ${b.createdBy}` : ''}: ${b.reason}`;
  if (b.ip.includes('/')) return `Whole network blocked (subnet escalation): ${b.reason.replace(/^subnet-escalation:\s*/, '')}`;
  const reason = /^tier \d/i.test(b.reason) || b.tier === 0 ? b.reason : `tier ${b.tier}: ${b.reason}`;
  return reason.charAt(0).toUpperCase() + reason.slice(1);
}

function until(b: Ban, now: number): string {
  if (b.state === 'released') return `released ${b.releasedAt ? when(b.releasedAt) : ''}${b.releasedBy ? ` by ${b.releasedBy}` : ''}`;
  if (b.expiresAt === null) return 'until released';
  if (b.state === 'expired') return `ended ${when(b.expiresAt)}`;
  return `for ${span(b.expiresAt - now)} more`;
}

export function BanRow({ ban: b, now, onRelease, highlight }: { ban: Ban; now: number; onRelease: () => void; highlight: string }) {
  const [open, setOpen] = useState(false);
  const [before, setBefore] = useState<FailurePage | null>(null);
  // The failed attempts from this address up to the ban: the lines that caused it.
  useEffect(() => {
    if (!open || before) return;
    api('GET /api/failures', { query: { ip: b.ip, to: String(b.createdAt + 1), from: String(b.createdAt - 86_400_000), limit: 20 } }).then(setBefore, () => undefined);
  }, [open, before, b.ip, b.createdAt]);
  return (
    <article className={`ban card state-${b.state}`} data-ip={b.ip}>
      <div className="ban-head">
        <div>
          <div className="ban-ip mono">{b.ip}</div>
          <div className="muted small">since {when(b.createdAt)} · {until(b, now)}</div>
        </div>
        <span className={`badge ${b.state}`}>{b.state === 'active' ? (b.expiresAt === null ? 'blocked' : 'blocked (timed)') : b.state}</span>
      </div>
      <div className="ban-why">{why(b)}</div>
      {b.accounts.length > 0 && (
        <div className="accounts">
          <span className="muted small">accounts tried: </span>
          {b.accounts.map((a) => <span key={a} className={`chip mono${a === highlight ? ' hit' : ''}`}>{visible(a)}</span>)}
        </div>
      )}
      <div className="ban-actions">
        <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>{open ? 'Hide details' : 'Why?'}</button>
        {b.state === 'active' && <button type="button" className="primary" onClick={onRelease}>Release</button>}
      </div>
      {open && (
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
      )}
    </article>
  );
}
