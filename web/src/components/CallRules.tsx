/** The toll-fraud guard's rules (`fraud:` in the config), read-only and in plain words. */
import type { RouteReply } from '../types';

type Calls = RouteReply<'GET /api/calls'>;
import { span } from '../text';

const ACTION_WORDS: Record<string, string> = {
  hangup: 'hang up the call', suspend: 'suspend the account', ban: 'ban its address', unregister: 'remove its registrations', alert: 'send an alert',
};

export function CallRules({ rules, settings: s }: { rules: Calls['rules']; settings: Calls['settings'] }) {
  return (
    <section className="card">
      <h2>Rules</h2>
      <p className="muted small">Set in the config file (fraud:); each is judged per account, on calls that leave through a trunk.</p>
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
    </section>
  );
}
