/**
 * Settings: protection, internal networks and trusted list, phones outside the office
 * (roaming accounts, extensions only from inside), policy tiers, blocking whole networks,
 * and the recent audit trail. Every change is written into the config file.
 */
import { useEffect, useState } from 'react';
import { api, ApiFailure } from '../api';
import { CHECK_INPUT, CHECK_LABEL } from '../components/MyPhone';
import { ProtectionSwitch } from '../components/ProtectionSwitch';
import { Problems } from '../components/Problems';
import { usePoll } from '../hooks';
import type { AccountsSettings, Networks, Problem, SubnetsText, TierText } from '../types';
import { visible, when } from '../text';
import { TiersEditor } from './TiersEditor';
import { AlertsSettings } from './AlertsSettings';
import { GeoSettings } from './GeoSettings';
import { SubnetsEditor, subnetLabel, subnetsBody } from './SubnetsEditor';

const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter((l) => l !== '');
/** `internal[2]` → `Internal networks, line 3`. */
const lineLabel = (path: string) => path.replace(/^(internal|trusted)\[(\d+)\].*$/, (_m, k: string, i: string) => `${k === 'internal' ? 'Internal networks' : 'Trusted'}, line ${Number(i) + 1}`);

function useSave<T>(): { problems: Problem[]; message: string | null; saved: boolean; save: (run: () => Promise<T>) => Promise<T | null> } {
  const [problems, setProblems] = useState<Problem[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const save = async (run: () => Promise<T>) => {
    setProblems([]);
    setMessage(null);
    setSaved(false);
    try {
      const r = await run();
      setSaved(true);
      return r;
    } catch (e) {
      setProblems(e instanceof ApiFailure ? e.problems : []);
      setMessage(e instanceof Error ? e.message : String(e));
      return null;
    }
  };
  return { problems, message, saved, save };
}

export function Settings() {
  const settings = usePoll(() => api('GET /api/settings'), []);
  const audit = usePoll(() => api('GET /api/audit', { query: { limit: 20 } }), []);
  const [internal, setInternal] = useState('');
  const [trusted, setTrusted] = useState('');
  const [tiers, setTiers] = useState<TierText[]>([]);
  const nets = useSave<Networks>();
  const pol = useSave<{ tiers: TierText[] }>();
  const [subnets, setSubnets] = useState<SubnetsText | null>(null);
  const sub = useSave<SubnetsText>();
  const phones = usePoll(() => api('GET /api/settings/accounts'), []);
  const [roaming, setRoaming] = useState('');
  const [internalOnly, setInternalOnly] = useState(false);
  const acc = useSave<AccountsSettings>();

  useEffect(() => {
    if (!settings.data) return;
    setInternal(settings.data.networks.internal.join('\n'));
    setTrusted(settings.data.networks.trusted.join('\n'));
    setTiers(settings.data.policy.tiers);
    setSubnets(settings.data.subnets);
  }, [settings.data]);
  useEffect(() => {
    if (!phones.data) return;
    setRoaming(phones.data.roaming.join('\n'));
    setInternalOnly(phones.data.extensions_internal_only);
  }, [phones.data]);

  const saveNetworks = async () => {
    const r = await nets.save(() => api('PUT /api/settings/networks', { body: { internal: lines(internal), trusted: lines(trusted) } }));
    if (r) {
      setInternal(r.internal.join('\n'));
      setTrusted(r.trusted.join('\n'));
      audit.reload();
    }
  };
  const saveAccounts = async () => {
    const r = await acc.save(() => api('PUT /api/settings/accounts', { body: { roaming: lines(roaming), extensions_internal_only: internalOnly } }));
    if (r) {
      setRoaming(r.roaming.join('\n'));
      setInternalOnly(r.extensions_internal_only);
      audit.reload();
    }
  };
  const saveTiers = async () => {
    const body = { tiers: tiers.map((t) => ({ failures: /^\d+$/.test(String(t.failures).trim()) ? Number(t.failures) : t.failures, within: t.within.trim(), ban: t.ban.trim() })) };
    const r = await pol.save(() => api('PUT /api/settings/policy', { body }));
    if (r) {
      setTiers(r.tiers);
      audit.reload();
    }
  };

  const saveSubnets = async () => {
    if (!subnets) return;
    const r = await sub.save(() => api('PUT /api/settings/subnets', { body: subnetsBody(subnets) }));
    if (r) {
      setSubnets(r);
      audit.reload();
    }
  };

  return (
    <div className="page">
      <h1>Settings</h1>
      <p className="muted small">Every change here is written into sipwarden's config file (comments kept, the old file kept as .bak), so the file always says what is in force.</p>
      <ProtectionSwitch value={settings.data?.protection ?? null} onChange={() => { settings.reload(); audit.reload(); }} />
      {settings.error && <div className="error">{settings.error}</div>}

      <section className="card">
        <h2>Networks</h2>
        <div className="columns">
          <label>
            Internal networks <span className="muted small">— your office, VPN: logged, never blocked. One per line.</span>
            <textarea aria-label="Internal networks" rows={6} value={internal} onChange={(e) => setInternal(e.target.value)} spellCheck={false} />
          </label>
          <label>
            Trusted <span className="muted small">— your SIP provider, monitoring: never blocked. Addresses, networks or host names.</span>
            <textarea aria-label="Trusted" rows={6} value={trusted} onChange={(e) => setTrusted(e.target.value)} spellCheck={false} />
          </label>
        </div>
        <Problems problems={nets.problems} message={nets.message} label={lineLabel} />
        {nets.saved && <div className="notice" role="status">Saved.</div>}
        <button type="button" className="primary" onClick={() => void saveNetworks()}>Save networks</button>
      </section>

      <section className="card">
        <h2>Phones outside the office</h2>
        <label style={CHECK_LABEL}>
          <input style={CHECK_INPUT} type="checkbox" checked={internalOnly} onChange={(e) => setInternalOnly(e.target.checked)} />
          <span>Extensions only from inside the office</span>
        </label>
        <p className="muted small">
          A phone that tries an extension from an address outside your internal networks is blocked at once (24 h), and one that logs in from there is blocked until released, with an alert. Roaming extensions are exempt.
        </p>
        <label>
          Roaming extensions <span className="muted small">— phones used at home or on the road: may register from anywhere. One per line; ? is one character, * any run (2?? is 200 to 299).</span>
          <textarea aria-label="Roaming extensions" rows={4} value={roaming} onChange={(e) => setRoaming(e.target.value)} spellCheck={false} />
        </label>
        <Problems problems={acc.problems} message={acc.message} label={(p) => p.replace(/^roaming\[(\d+)\].*$/, (_m, i: string) => `Roaming extensions, line ${Number(i) + 1}`)} />
        {acc.saved && <div className="notice" role="status">Saved.</div>}
        <button type="button" className="primary" onClick={() => void saveAccounts()}>Save phones</button>
      </section>

      <section className="card">
        <h2>When to block</h2>
        <TiersEditor tiers={tiers} onChange={setTiers} />
        <Problems problems={pol.problems} message={pol.message} label={(p) => p.replace(/^tiers\[(\d+)\]\.?/, (_m, i: string) => `Rule ${Number(i) + 1} `).trim()} />
        {pol.saved && <div className="notice" role="status">Saved. The new rules apply from the next failed login.</div>}
        <button type="button" className="primary" onClick={() => void saveTiers()}>Save rules</button>
      </section>

      <section className="card">
        <h2>Block whole networks</h2>
        {subnets && <SubnetsEditor value={subnets} onChange={setSubnets} />}
        <Problems problems={sub.problems} message={sub.message} label={subnetLabel} />
        {sub.saved && (
          <div className="notice" role="status">
            {subnets?.enabled ? 'Saved. Whole networks are blocked from the next blocked address.' : 'Saved. Only single addresses are blocked now.'}
          </div>
        )}
        <button type="button" className="primary" onClick={() => void saveSubnets()} disabled={!subnets}>Save network blocking</button>
      </section>

      <AlertsSettings onSaved={audit.reload} />

      <GeoSettings onSaved={audit.reload} />

      <section className="card">
        <h2>Recent changes</h2>
        <ul className="audit">
          {audit.data?.rows.map((a) => (
            <li key={a.id}>
              <span className="muted small">{when(a.at)}</span> <span className="mono">{a.actor}</span> {a.action}{a.ip ? ` ${a.ip}` : ''}
              {a.detail && <span className="muted small"> {visible(a.detail.length > 160 ? `${a.detail.slice(0, 157)}…` : a.detail)}</span>}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
