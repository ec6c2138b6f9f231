/**
 * The Blocked page's filters beyond the server's state filter: reason, tier, country and
 * origin. They apply to the bans loaded (the newest 1000 of the search at most); the
 * page says so when there are more.
 */
import type { Ban } from '../types';
import { originKind, type OriginKind } from './Origin';

/** A ban's kind of reason, for the reason filter. */
export type ReasonKind = 'logins' | 'network' | 'manual' | 'fraud';

export function reasonKind(b: Ban): ReasonKind {
  if (b.source === 'manual') return 'manual';
  if (b.ip.includes('/')) return 'network';
  return b.reason === 'toll-fraud' ? 'fraud' : 'logins';
}

/** The filters as the URL keeps them ('' = any). */
export interface Filters {
  reason: string;
  tier: string;
  country: string;
  origin: string;
}

export const NO_FILTERS: Filters = { reason: '', tier: '', country: '', origin: '' };

/** Whether any filter is set. */
export const filtering = (f: Filters): boolean => Object.values(f).some((v) => v !== '');

/** The bans that pass every filter set. */
export function applyFilters(rows: readonly Ban[], f: Filters): Ban[] {
  return rows.filter((b) => (!f.reason || reasonKind(b) === f.reason)
    && (!f.tier || String(b.tier) === f.tier)
    && (!f.country || (f.country === '-' ? !b.geo : b.geo?.country === f.country))
    && (!f.origin || originKind(b) === f.origin));
}

const REASONS: Array<[ReasonKind, string]> = [['logins', 'Failed logins'], ['network', 'Whole network'], ['manual', 'By hand'], ['fraud', 'Toll fraud']];
const ORIGINS: Array<[OriginKind, string]> = [['policy', 'This PBX'], ['cluster', 'Another PBX'], ['feed', 'A blocklist feed'], ['person', 'A person']];

export function BanFilters({ value, rows, onChange }: { value: Filters; rows: readonly Ban[]; onChange: (f: Filters) => void }) {
  const tiers = [...new Set(rows.map((b) => b.tier))].sort((a, b) => a - b);
  if (value.tier && !tiers.includes(Number(value.tier))) tiers.push(Number(value.tier));
  const countries = new Map<string, string>();
  for (const b of rows) if (b.geo) countries.set(b.geo.country, b.geo.name);
  if (value.country && value.country !== '-' && !countries.has(value.country)) countries.set(value.country, value.country);
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => onChange({ ...value, [k]: e.target.value });
  return (
    <div className="toolbar wrap filters">
      <select aria-label="Filter by reason" value={value.reason} onChange={set('reason')}>
        <option value="">Any reason</option>
        {REASONS.map(([k, label]) => <option key={k} value={k}>{label}</option>)}
      </select>
      <select aria-label="Filter by tier" value={value.tier} onChange={set('tier')}>
        <option value="">Any tier</option>
        {tiers.map((t) => <option key={t} value={String(t)}>{t === 0 ? 'No tier (by hand, fraud)' : `Tier ${t}`}</option>)}
      </select>
      <select aria-label="Filter by country" value={value.country} onChange={set('country')}>
        <option value="">Any country</option>
        {[...countries].sort((a, b) => a[1].localeCompare(b[1])).map(([code, name]) => <option key={code} value={code}>{name} ({code})</option>)}
        <option value="-">Unknown</option>
      </select>
      <select aria-label="Filter by origin" value={value.origin} onChange={set('origin')}>
        <option value="">Any origin</option>
        {ORIGINS.map(([k, label]) => <option key={k} value={k}>{label}</option>)}
      </select>
      {filtering(value) && <button type="button" onClick={() => onChange(NO_FILTERS)}>Clear filters</button>}
    </div>
  );
}
