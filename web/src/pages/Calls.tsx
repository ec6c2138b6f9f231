/**
 * Calls: the toll-fraud guard at work — trunk calls up now per account, accounts it
 * suspended (with "Allow calls again": `sipwarden allow-calls`, audited with the
 * dashboard user), its alerts (the rule in plain words, the number dialled) and its
 * rules, read-only. Account names and numbers dialled are attacker text: shown as
 * text only, control characters made visible.
 */
import { useState } from 'react';
import { api, ApiFailure } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { CallRules } from '../components/CallRules';
import { flag } from '../components/Geo';
import { usePoll } from '../hooks';
import type { RouteReply } from '../types';
import { span, visible, when } from '../text';

type CallsData = RouteReply<'GET /api/calls'>;
type LiveCall = CallsData['live'][number];

/** What each action did, in plain words. */
const ACTION_WORDS: Record<string, string> = {
  hangup: 'hang up', suspend: 'suspend the account', ban: 'ban its address', unregister: 'remove its registrations', alert: 'alert',
};
const actions = (xs: readonly string[]) => xs.map((a) => ACTION_WORDS[a] ?? a).join(', ');

/** A destination: number, country (with flag) and the high-risk entry. */
function Destination({ e164, country, highRisk }: { e164: string | null; country: string | null; highRisk?: string | null }) {
  const f = country ? flag(country) : '';
  return (
    <span>
      {e164 && <span className="mono">{e164}</span>}
      {country && <span className="muted"> {f && <span aria-hidden="true">{f} </span>}{country === '001' ? 'non-geographic' : country}</span>}
      {highRisk && <span className="badge active"> high-risk: {highRisk}</span>}
    </span>
  );
}

export function Calls() {
  const calls = usePoll(() => api('GET /api/calls'), [], 5000);
  const [allowing, setAllowing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const d = calls.data;

  const allow = async (account: string) => {
    setAllowing(null);
    setError(null);
    try {
      const r = await api('POST /api/calls/allow', { body: { account } });
      setNotice(r.wasSuspended
        ? `Account ${visible(account)} may call out through trunks again.`
        : `Account ${visible(account)} was not suspended; its key in Asterisk's database is removed all the same.`);
      calls.reload();
    } catch (e) {
      setError(e instanceof ApiFailure ? e.message : String(e));
    }
  };

  const byAccount = new Map<string, LiveCall[]>();
  for (const c of d?.live ?? []) (byAccount.get(c.account) ?? byAccount.set(c.account, []).get(c.account))?.push(c);

  return (
    <div className="page">
      <h1>Calls</h1>
      {d && !d.enabled && <div className="notice" role="status">The toll-fraud guard is off: calls are not judged (set fraud.enabled and the AMI in the config).</div>}
      {notice && <div className="notice" role="status">{notice}</div>}
      {(error ?? calls.error) && <div className="error" role="alert">{error ?? calls.error}</div>}

      <section className="card">
        <h2>Trunk calls up now</h2>
        {d && byAccount.size === 0 && <p className="muted">No call is going out through a trunk.</p>}
        {byAccount.size > 0 && (
          <table className="table calls-table">
            <thead>
              <tr><th scope="col">Account</th><th scope="col">Number dialled</th><th scope="col">Destination</th><th scope="col">Started</th><th scope="col">Talking</th></tr>
            </thead>
            {[...byAccount].map(([account, list]) => (
              <tbody key={account} data-account={account}>
                {list.map((c, i) => (
                  <tr key={c.channel}>
                    <td data-label="Account" className="mono account">{i === 0 ? <>{visible(account)} <span className="muted small">({list.length} call{list.length === 1 ? '' : 's'})</span></> : ''}</td>
                    <td data-label="Number dialled" className="mono account">{visible(c.dialled)}</td>
                    <td data-label="Destination"><Destination e164={c.e164} country={c.country} highRisk={c.highRisk} /></td>
                    <td data-label="Started">{when(c.start)}</td>
                    <td data-label="Talking">{c.answeredAt === null ? 'ringing' : span(d ? d.now - c.answeredAt : 0)}</td>
                  </tr>
                ))}
              </tbody>
            ))}
          </table>
        )}
      </section>

      <section className="card">
        <h2>Suspended accounts</h2>
        {d && d.suspended.length === 0 && <p className="muted">No account is suspended.</p>}
        {d && d.suspended.length > 0 && (
          <table className="table suspended-table">
            <thead><tr><th scope="col">Account</th><th scope="col">Since</th><th scope="col">Why</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              {d.suspended.map((s) => (
                <tr key={s.account} data-account={s.account}>
                  <td data-label="Account" className="mono account">{visible(s.account)}</td>
                  <td data-label="Since">{when(s.at)}</td>
                  <td data-label="Why">{s.words} <span className="muted small mono">({s.rule})</span></td>
                  <td><button type="button" className="primary" onClick={() => setAllowing(s.account)}>Allow calls again</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="card">
        <h2>Toll-fraud alerts</h2>
        {d && d.alerts.length === 0 && <p className="muted">No call broke a rule.</p>}
        {d && d.alerts.length > 0 && (
          <table className="table alerts-table">
            <thead>
              <tr><th scope="col">When</th><th scope="col">Account</th><th scope="col">Rule broken</th><th scope="col">Number dialled</th><th scope="col">Destination</th><th scope="col">Done</th></tr>
            </thead>
            <tbody>
              {d.alerts.map((a) => (
                <tr key={a.id}>
                  <td data-label="When" className="nowrap">{when(a.at)}</td>
                  <td data-label="Account" className="mono account">{visible(a.account)}</td>
                  <td data-label="Rule broken">{a.words}{a.calls > 1 ? ` (${a.calls})` : ''} <span className="muted small mono">{a.rule}</span></td>
                  <td data-label="Number dialled" className="mono account">{a.dialled === null ? '' : visible(a.dialled)}</td>
                  <td data-label="Destination"><Destination e164={a.destination} country={a.country} /></td>
                  <td data-label="Done">
                    {actions(a.actions)}{a.hangups > 1 ? ` (${a.hangups} calls hung up)` : ''}{a.ip ? <span className="muted"> · address {a.ip}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {d && <CallRules data={d} onSaved={calls.reload} />}

      {allowing !== null && (
        <ConfirmDialog title={`Allow ${visible(allowing)} to call out again?`} confirm="Allow calls again" onConfirm={() => void allow(allowing)} onCancel={() => setAllowing(null)}>
          The account may call out through trunks again within a second (sipwarden removes its suspension in Asterisk).
          Change its password first if it was stolen, or the calls start again.
        </ConfirmDialog>
      )}
    </div>
  );
}
