/**
 * Where addresses are, for the API (geo/): the `geo` field of bans, failures and top
 * addresses, and the overview's failures by country and by network, kept incrementally
 * with the last 24 hours of failures (recent.ts), so a call costs no lookup per address.
 *
 * Invariants of {@link GeoCounts}: `failures` and `addresses` per country (`??` when
 * unknown) and per AS number are the sums over the addresses `add`ed and not `remove`d;
 * an address's place is looked up when it enters and when it leaves (the locator
 * caches it), and the same database answers both, so the sums never go negative.
 */
import type { Where } from '../geo/index.js';
import type { Geo } from './schemas/index.js';

/** The API's `geo` for a place: absent when the country is unknown (the schema requires one). */
export function apiGeo(w: Where): Geo | undefined {
  if (w.country === null || w.name === null) return undefined;
  const g: { country: string; name: string; asn?: number; network?: string } = { country: w.country, name: w.name };
  if (w.asn !== null) g.asn = w.asn;
  if (w.network !== null) g.network = w.network;
  return g;
}

/** `x` with `geo` when `where` places its `ip`. */
export function placed<T extends { ip: string }>(x: T, where: ((ip: string) => Where) | undefined): T & { geo?: Geo } {
  const g = where ? apiGeo(where(x.ip)) : undefined;
  return g ? { ...x, geo: g } : x;
}

interface Tally {
  failures: number;
  addresses: number;
}

/** Failures and addresses per country and per network, updated as addresses enter and leave the window. */
export class GeoCounts {
  readonly #countries = new Map<string, Tally & { name: string }>();
  readonly #networks = new Map<number, Tally & { network: string }>();

  constructor(private readonly where: (ip: string) => Where) {}

  /** `n` failures of `ip` entered the window; `first`: the address was not in it. */
  add(ip: string, n: number, first: boolean): void {
    this.bump(ip, n, first ? 1 : 0);
  }

  /** `n` failures of `ip` left the window; `last`: the address is no longer in it. */
  remove(ip: string, n: number, last: boolean): void {
    this.bump(ip, -n, last ? -1 : 0);
  }

  clear(): void {
    this.#countries.clear();
    this.#networks.clear();
  }

  /** The `top` countries with the most failures (`??`: unknown), most first. */
  byCountry(top: number): Array<{ country: string; name: string; failures: number; addresses: number }> {
    return [...this.#countries].map(([country, t]) => ({ country, name: t.name, failures: t.failures, addresses: t.addresses }))
      .sort((a, b) => b.failures - a.failures || (a.country < b.country ? -1 : 1)).slice(0, top);
  }

  /** The `top` networks (AS) with the most failures, most first; empty without an AS database. */
  byNetwork(top: number): Array<{ asn: number; network: string; failures: number; addresses: number }> {
    return [...this.#networks].map(([asn, t]) => ({ asn, network: t.network, failures: t.failures, addresses: t.addresses }))
      .sort((a, b) => b.failures - a.failures || a.asn - b.asn).slice(0, top);
  }

  private bump(ip: string, failures: number, addresses: number): void {
    const w = this.where(ip);
    const country = w.country ?? '??';
    let c = this.#countries.get(country);
    if (!c) this.#countries.set(country, (c = { name: w.name ?? 'Unknown', failures: 0, addresses: 0 }));
    c.failures += failures;
    c.addresses += addresses;
    if (c.failures <= 0) this.#countries.delete(country);
    if (w.asn === null) return;
    let a = this.#networks.get(w.asn);
    if (!a) this.#networks.set(w.asn, (a = { network: w.network ?? `AS${w.asn}`, failures: 0, addresses: 0 }));
    a.failures += failures;
    a.addresses += addresses;
    if (a.failures <= 0) this.#networks.delete(w.asn);
  }
}
