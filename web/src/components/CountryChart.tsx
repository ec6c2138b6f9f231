/**
 * "Attacks by country": failed logins of the last 24 hours per country of the address
 * (and per network, with an AS database), as plain SVG bars — no chart library. From
 * the overview's `Stats.byCountry` / `byNetwork`; nothing shown while geo is off.
 * Names come from the server as text (React escapes them); a flag only for two letters.
 */
import type { Stats } from '../types';

const flagOf = (code: string) => (/^[A-Z]{2}$/.test(code) ? String.fromCodePoint(...[...code].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65)) : '');

interface Row {
  readonly key: string;
  readonly label: string;
  readonly detail: string;
  readonly failures: number;
  readonly addresses: number;
}

/** One bar per row, scaled to the largest. */
function Bars({ rows, title }: { rows: readonly Row[]; title: string }) {
  const max = Math.max(1, ...rows.map((r) => r.failures));
  return (
    <table className="country-chart" aria-label={title} style={{ width: '100%' }}>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row" style={{ textAlign: 'left', fontWeight: 'normal' }}>
              <span className="mono">{r.label}</span> <span className="muted small">{r.detail}</span>
            </th>
            <td style={{ width: '50%' }}>
              <svg viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label={`${r.detail}: ${r.failures} failed logins`} style={{ width: '100%', height: '0.9rem', display: 'block' }}>
                <rect x="0" y="0" height="10" width={Math.max(1, (r.failures / max) * 100)} style={{ fill: 'var(--accent)' }} />
              </svg>
            </td>
            <td className="mono">{r.failures}</td>
            <td className="muted small">{r.addresses} address{r.addresses === 1 ? '' : 'es'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The overview's card; null when the server sent no countries (geo off). */
export function CountryChart({ stats }: { stats: Stats | null | undefined }) {
  const countries = stats?.byCountry;
  if (!countries) return null;
  const networks = stats.byNetwork ?? [];
  return (
    <section className="card" data-testid="country-chart">
      <h2>Attacks by country (24 h)</h2>
      {countries.length === 0
        ? <p className="muted">No failed logins in the last 24 hours.</p>
        : <Bars title="failed logins by country" rows={countries.map((c) => ({
            key: c.country, label: `${flagOf(c.country)} ${c.country}`.trim(), detail: c.name, failures: c.failures, addresses: c.addresses,
          }))} />}
      {networks.length > 0 && (
        <details>
          <summary>By network</summary>
          <Bars title="failed logins by network" rows={networks.map((n) => ({
            key: String(n.asn), label: `AS${n.asn}`, detail: n.network, failures: n.failures, addresses: n.addresses,
          }))} />
        </details>
      )}
    </section>
  );
}
