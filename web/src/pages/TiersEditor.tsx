/** Editable policy tiers: "after N failed logins within T, block for B". */
import type { TierText } from '../types';

export function TiersEditor({ tiers, onChange }: { tiers: TierText[]; onChange: (t: TierText[]) => void }) {
  const edit = (i: number, k: keyof TierText, v: string) => onChange(tiers.map((t, j) => (j === i ? { ...t, [k]: v } : t)));
  return (
    <div className="tiers">
      {tiers.map((t, i) => (
        <div key={i} className="tier" data-testid={`tier-${i}`}>
          <span>After</span>
          <input aria-label={`Rule ${i + 1} failures`} className="num" value={String(t.failures)} onChange={(e) => edit(i, 'failures', e.target.value)} inputMode="numeric" />
          <span>failed logins within</span>
          <input aria-label={`Rule ${i + 1} within`} className="dur" value={t.within} onChange={(e) => edit(i, 'within', e.target.value)} />
          <span>block for</span>
          <input aria-label={`Rule ${i + 1} ban`} className="dur" value={t.ban} onChange={(e) => edit(i, 'ban', e.target.value)} list="ban-lengths" />
          <button type="button" aria-label={`Remove rule ${i + 1}`} onClick={() => onChange(tiers.filter((_, j) => j !== i))} disabled={tiers.length === 1}>✕</button>
        </div>
      ))}
      <datalist id="ban-lengths"><option value="1h" /><option value="24h" /><option value="7d" /><option value="permanent" /></datalist>
      <p className="muted small">Durations like 30s, 15m, 1h, 24h, 7d; “permanent” blocks until you release it.</p>
      <button type="button" onClick={() => onChange([...tiers, { failures: '', within: '1h', ban: '1h' }])} disabled={tiers.length >= 20}>Add a rule</button>
    </div>
  );
}
