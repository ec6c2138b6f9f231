/** The toll-fraud guard's rules (`fraud:` in the config) in plain words, and "Edit rules" (CallRulesEditor). */
import { useState } from 'react';
import type { RouteReply } from '../types';
import { CallRulesEditor } from './CallRulesEditor';

type Calls = RouteReply<'GET /api/calls'>;
import { span } from '../text';

const ACTION_WORDS: Record<string, string> = {
  hangup: 'hang up the call', suspend: 'suspend the account', ban: 'ban its address', unregister: 'remove its registrations', alert: 'send an alert',
};

export function CallRules({ data, onSaved }: { data: Calls; onSaved: () => void }) {
  const { rules, settings: s } = data;
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  if (editing) {
    return (
      <section className="card">
        <h2>Rules</h2>
        <CallRulesEditor data={data} onDone={(ok) => { setEditing(false); setSaved(ok); if (ok) onSaved(); }} />
      </section>
    );
  }
  return (
    <section className="card">
      <h2>Rules</h2>
      <p className="muted small">Kept in the config file (fraud:); each is judged per account, on calls that leave through a trunk.</p>
      {saved && <div className="notice" role="status">Saved into the config file. The new rules judge calls from now on.</div>}
      {rules.length === 0 ? <p className="muted">No rule.</p> : (
        <ul className="rules">
          {rules.map((r) => (
            <li key={r.name}>
              <strong>{r.words.charAt(0).toUpperCase() + r.words.slice(1)}</strong>
              <span className="muted small mono"> {r.name}</span>
              <div>then: {r.actions.map((a) => ACTION_WORDS[a] ?? a).join(', ')}</div>
            </li>
          ))}
        </ul>
      )}
      <ul className="facts small">
        <li>Home country: {s.homeCountry ?? 'not set'}</li>
        <li>Never stopped (emergency numbers): {s.neverStop.join(', ') || 'none'}</li>
        <li>High-risk destinations: {s.highRisk} prefixes{s.notHighRisk.length ? `, except ${s.notHighRisk.join(', ')}` : ''}</li>
        <li>A banned address stays banned {s.ban === null ? 'until released' : `for ${span(s.ban)}`}</li>
        {s.timeZone && <li>Business hours in {s.timeZone}</li>}
        {s.allowedCountries.map((a) => <li key={a.accounts}>{a.accounts} accounts may call: {a.countries.join(', ') || 'nowhere abroad'}</li>)}
      </ul>
      <button type="button" onClick={() => { setSaved(false); setEditing(true); }}>Edit rules</button>
    </section>
  );
}
