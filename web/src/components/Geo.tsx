/** Where an address is (the optional `geo` of a ban): flag, code and country name; its network. Nothing when unknown. */
import type { Ban } from '../types';

type GeoInfo = NonNullable<Ban['geo']>;

/** The flag emoji of an ISO 3166-1 alpha-2 code; '' for anything else (`??`, `001`). */
export function flag(code: string): string {
  return /^[A-Z]{2}$/.test(code) ? String.fromCodePoint(...[...code].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65)) : '';
}

/** Flag + code + name. */
export function Country({ geo }: { geo: GeoInfo | undefined }) {
  if (!geo) return null;
  const f = flag(geo.country);
  return (
    <span className="geo" title={geo.name}>
      {f && <span aria-hidden="true">{f} </span>}
      <span className="mono">{geo.country}</span> <span className="muted small">{geo.name}</span>
    </span>
  );
}

/** The network (AS organisation) and its number. */
export function Network({ geo }: { geo: GeoInfo | undefined }) {
  if (!geo || (geo.network === undefined && geo.asn === undefined)) return null;
  return <span className="small">{geo.network ?? ''}{geo.asn !== undefined ? <span className="muted"> AS{geo.asn}</span> : null}</span>;
}
