/**
 * Blocking whole networks (subnet escalation): "when N addresses of one network are
 * blocked within T, block the whole network for B", with an on/off switch. Edits are
 * local until saved; the server checks them with the config file's own words.
 */
import type { RouteBody, SubnetsText } from '../types';

const LABELS: Record<string, string> = {
  enabled: 'On or off',
  addresses: 'Addresses',
  within: 'Within',
  ban: 'Block the network for',
  ipv4_prefix: 'IPv4 network size',
  ipv6_prefix: 'IPv6 network size',
};

/** The field a server problem names, as the page labels it: `ipv4_prefix` → `IPv4 network size`. */
export const subnetLabel = (path: string): string => LABELS[path] ?? path;

/** A whole number typed as digits becomes a number (`/24` too); anything else goes as typed, for the server to explain. */
const whole = (v: number | string, slash = false): number | string => {
  const typed = String(v).trim();
  const digits = slash && typed.startsWith('/') ? typed.slice(1) : typed;
  return /^\d+$/.test(digits) ? Number(digits) : typed;
};

/** The request body for `PUT /api/settings/subnets`. */
export function subnetsBody(s: SubnetsText): RouteBody<'PUT /api/settings/subnets'> {
  return {
    enabled: s.enabled, addresses: whole(s.addresses), within: s.within.trim(), ban: s.ban.trim(),
    ipv4_prefix: whole(s.ipv4_prefix, true), ipv6_prefix: whole(s.ipv6_prefix, true),
  };
}

export function SubnetsEditor({ value, onChange }: { value: SubnetsText; onChange: (v: SubnetsText) => void }) {
  const edit = (k: keyof SubnetsText, v: string | boolean) => onChange({ ...value, [k]: v });
  return (
    <div className="tiers">
      <div className="tier">
        <button type="button" role="switch" aria-checked={value.enabled} aria-label="Block whole networks" className="switch" onClick={() => edit('enabled', !value.enabled)}>
          <span className="knob" />
        </button>
        <span>{value.enabled ? 'On: whole networks are blocked' : 'Off: only single addresses are blocked'}</span>
      </div>
      <div className="tier" data-testid="subnets">
        <span>When</span>
        <input aria-label="Addresses" className="num" value={String(value.addresses)} onChange={(e) => edit('addresses', e.target.value)} inputMode="numeric" />
        <span>addresses of one network (/</span>
        <input aria-label="IPv4 network size" className="num" value={String(value.ipv4_prefix)} onChange={(e) => edit('ipv4_prefix', e.target.value)} inputMode="numeric" />
        <span>for IPv4, /</span>
        <input aria-label="IPv6 network size" className="num" value={String(value.ipv6_prefix)} onChange={(e) => edit('ipv6_prefix', e.target.value)} inputMode="numeric" />
        <span>for IPv6) are blocked within</span>
        <input aria-label="Within" className="dur" value={value.within} onChange={(e) => edit('within', e.target.value)} />
        <span>then block the whole network for</span>
        <input aria-label="Block the network for" className="dur" value={value.ban} onChange={(e) => edit('ban', e.target.value)} list="network-ban-lengths" />
      </div>
      <datalist id="network-ban-lengths"><option value="1h" /><option value="24h" /><option value="7d" /><option value="permanent" /></datalist>
      <p className="muted small">
        For a botnet or a hosting range that keeps changing its address. A network holding one of your internal or trusted
        addresses, or one that logged in successfully, is never blocked whole.
      </p>
    </div>
  );
}
