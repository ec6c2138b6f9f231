/**
 * The settings page's countries section: the country policy (config `geo.deny`, and
 * `geo.allow` per kind of account) as ISO country codes, each shown with its name, and
 * the country database in use. An unknown code is said at once; the server checks again
 * in the config file's words. An allow list for dashboard logins that leaves out the
 * country this browser connects from is warned about before saving (the server refuses
 * it: it would lock the owner out). Codes are text the admin typed; React escapes them.
 */
import { api } from '../api';
import { flag } from '../components/Geo';
import { Problems } from '../components/Problems';
import { useSettingsSection } from '../hooks';
import { when } from '../text';
import type { RouteBody, RouteReply } from '../types';

type View = RouteReply<'GET /api/settings/geo'>;
type Kind = keyof View['allow'];

const KINDS: ReadonlyArray<{ kind: Kind; label: string }> = [
  { kind: 'extension', label: 'Extensions' },
  { kind: 'trunk', label: 'Trunks' },
  { kind: 'roaming', label: 'Roaming accounts' },
  { kind: 'unknown', label: 'Accounts of no known kind' },
  { kind: 'ami', label: 'AMI logins' },
  { kind: 'dashboard', label: 'Dashboard logins' },
];

const REGIONS = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
/** Codes the browser names that are no country of an address (the config file refuses them too). */
const NOT_COUNTRIES = new Set(['UK', 'EU', 'EZ', 'UN', 'ZZ']);

/** The English name of an ISO 3166-1 alpha-2 code, or null when it is none. */
export function countryName(code: string): string | null {
  if (!/^[A-Z]{2}$/.test(code) || NOT_COUNTRIES.has(code)) return null;
  try {
    return REGIONS.of(code) ?? null;
  } catch {
    return null;
  }
}

/** The codes typed in one field: separated by spaces or commas, upper-cased. */
export function codesOf(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((c) => c.trim().toUpperCase()).filter(Boolean))];
}

interface Form {
  deny: string;
  allow: Record<Kind, string>;
}

function formOf(v: View): Form {
  const allow = {} as Record<Kind, string>;
  for (const { kind } of KINDS) allow[kind] = (v.allow[kind] ?? []).join(' ');
  return { deny: v.deny.join(' '), allow };
}

/** The request body: an empty allow field leaves the kind out (any country). */
function bodyOf(f: Form): RouteBody<'PUT /api/settings/geo'> {
  const allow: RouteBody<'PUT /api/settings/geo'>['allow'] = {};
  for (const { kind } of KINDS) {
    const codes = codesOf(f.allow[kind]);
    if (codes.length) allow[kind] = codes;
  }
  return { deny: codesOf(f.deny), allow };
}

/** The codes of a field with their names, and the unknown ones said plainly. */
function Names({ text, id }: { text: string; id: string }) {
  const codes = codesOf(text);
  if (codes.length === 0) return null;
  return (
    <span id={id} className="muted small">
      {codes.map((c, i) => {
        const name = countryName(c);
        return (
          <span key={c}>
            {i > 0 && ', '}
            {name ? `${flag(c)} ${c} ${name}` : <strong>{c}: not a country code</strong>}
          </span>
        );
      })}
    </span>
  );
}

export function GeoSettings({ onSaved }: { onSaved?: () => void }) {
  const { error, current, form, setForm, problems, message, saved, setSaved, save } = useSettingsSection(
    () => api('GET /api/settings/geo'), formOf, (f: Form) => api('PUT /api/settings/geo', { body: bodyOf(f) }), onSaved);
  if (!form || !current) return <section className="card"><h2>Countries</h2>{error ? <div className="error">{error}</div> : <p className="muted">Loading…</p>}</section>;

  const edit = (next: Form) => {
    setForm(next);
    setSaved(false);
  };
  const unknown = [form.deny, ...Object.values(form.allow)].flatMap(codesOf).filter((c) => countryName(c) === null);
  const client = current.client;
  const dashboard = codesOf(form.allow.dashboard);
  const locksOut = dashboard.length > 0 && !client.internal && client.country !== null && !dashboard.includes(client.country);
  const db = current.database;
  const here = client.internal ? 'an internal network (the country policy never judges it)'
    : client.country ? `${flag(client.country)} ${client.country} ${countryName(client.country) ?? ''}`.trim() : 'a country the database does not know';

  return (
    <section className="card" aria-labelledby="geo-title">
      <h2 id="geo-title">Countries</h2>
      <p className="muted small">
        Two-letter country codes (ISO 3166-1, e.g. DE AT CH), separated by spaces. Only addresses from outside your networks are judged;
        an address the database cannot place is never banned for its country alone.
        {!current.enabled && <strong> Countries are off in the config file (geo.enabled: false): these lists are kept but judge nothing.</strong>}
      </p>
      <p className="small">
        Country database: {db ? <><span className="mono">{db.file}</span> ({db.name}), built {when(db.built_at).slice(0, 10)}</> : 'none could be read: the country policy is off'}.
        {' '}You are connecting from {here}.
      </p>
      <label>
        Deny: every failed login from these countries bans at once
        <input aria-label="Denied countries" aria-describedby="geo-deny-names" value={form.deny} placeholder="KP" spellCheck={false}
          onChange={(e) => edit({ ...form, deny: e.target.value })} />
      </label>
      <Names text={form.deny} id="geo-deny-names" />
      <fieldset>
        <legend>Allow: each kind of account may log in only from these countries (empty: any country)</legend>
        <div className="columns">
          {KINDS.map(({ kind, label }) => (
            <div key={kind}>
              <label>
                {label}
                <input aria-label={`${label} may log in from`} aria-describedby={`geo-allow-${kind}-names`} value={form.allow[kind]}
                  placeholder="any country" spellCheck={false} onChange={(e) => edit({ ...form, allow: { ...form.allow, [kind]: e.target.value } })} />
              </label>
              <Names text={form.allow[kind]} id={`geo-allow-${kind}-names`} />
            </div>
          ))}
        </div>
      </fieldset>
      {unknown.length > 0 && <div className="error" role="alert">Not country codes: {unknown.join(', ')}. Use two letters like DE, US or GB.</div>}
      {locksOut && (
        <div className="error" role="alert">
          You are connecting from {client.country}, which the dashboard list leaves out: saving it would lock you out of this dashboard.
          Add {client.country}, or make this change from an internal network.
        </div>
      )}
      <Problems problems={problems} message={message} />
      {saved && <div className="notice" role="status">Saved into the config file. The country policy is in force from now on.</div>}
      <button type="button" className="primary" onClick={() => void save()} disabled={unknown.length > 0 || locksOut}>Save countries</button>
    </section>
  );
}
