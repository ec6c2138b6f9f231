/**
 * The shipped list of high-risk destination prefixes (E.164, with `+`): where a call from
 * a hijacked PBX account is almost always international revenue-share fraud (IRSF) — the
 * fraudster rents an "international premium rate number" (IPRN) in a range with a high
 * termination rate and is paid a share of every minute the victim's trunk is billed.
 *
 * Where the entries come from (README "Toll fraud" says the same):
 *
 * - ITU-T E.164 non-geographic country codes (ITU's "List of ITU-T Recommendation E.164
 *   assigned country codes"): +870 Inmarsat, +881 the Global Mobile Satellite System
 *   (Iridium, Globalstar, …), +882 and +883 International Networks (codes shared by many
 *   carriers, widely resold as IPRN ranges), +979 the International Premium Rate Service.
 *   An office has next to no reason to call them from a desk phone.
 * - Countries named again and again as IPRN / IRSF terminating destinations in public
 *   fraud reporting: the CFCA Global Fraud Loss Survey summaries and Commsrisk's articles
 *   on IPRN test numbers (Cuba and Somalia among the perennial top ten), the West and
 *   Central African, South Atlantic and Pacific island ranges carriers' fraud advisories
 *   name for their high termination rates.
 * - The Caribbean area codes of the US FCC's 2019 "One Ring" scam consumer alert (those
 *   of small islands; Jamaica +1 876 and the Dominican Republic +1 809/829/849 were in the
 *   alert too but are left out here: offices call them every day — add them if yours
 *   does not). The alert's +222 (Mauritania) and +232 (Sierra Leone) are below too.
 *
 * Deliberately not listed: whole EU countries (Latvia and Lithuania top some IRSF tables,
 * but ordinary offices call them); domestic premium-rate numbers. Commsrisk's own data
 * shows IPRN ranges spreading to "low-risk" countries: this list catches the classic
 * destinations at the first call, and the guard's rate, concurrency and international
 * limits catch the rest. Edit it with `fraud.high_risk` / `fraud.not_high_risk`.
 */

/** One listed prefix and what it is, for people (the FRAUD line's `why`, the dashboard). */
export interface HighRiskPrefix {
  /** `+` and digits. */
  readonly prefix: string;
  readonly what: string;
}

const entry = (prefix: string, what: string): HighRiskPrefix => Object.freeze({ prefix, what });

/** The shipped list (config: the word `default` in `fraud.high_risk`). */
export const DEFAULT_HIGH_RISK: readonly HighRiskPrefix[] = Object.freeze([
  // ITU-T E.164 non-geographic codes.
  entry('+870', 'Inmarsat (satellite)'),
  entry('+881', 'Global Mobile Satellite System (satellite)'),
  entry('+882', 'International Networks (non-geographic)'),
  entry('+883', 'International Networks (non-geographic)'),
  entry('+979', 'International Premium Rate Service'),
  // Perennial IPRN destinations.
  entry('+53', 'Cuba'),
  entry('+252', 'Somalia'),
  entry('+239', 'São Tomé and Príncipe'),
  entry('+243', 'DR Congo'),
  entry('+220', 'Gambia'),
  entry('+222', 'Mauritania'),
  entry('+224', 'Guinea'),
  entry('+231', 'Liberia'),
  entry('+232', 'Sierra Leone'),
  entry('+245', 'Guinea-Bissau'),
  entry('+246', 'Diego Garcia'),
  entry('+247', 'Ascension Island'),
  entry('+290', 'Saint Helena, Tristan da Cunha'),
  entry('+674', 'Nauru'),
  entry('+675', 'Papua New Guinea'),
  entry('+677', 'Solomon Islands'),
  entry('+678', 'Vanuatu'),
  entry('+682', 'Cook Islands'),
  entry('+683', 'Niue'),
  entry('+686', 'Kiribati'),
  entry('+688', 'Tuvalu'),
  entry('+690', 'Tokelau'),
  entry('+691', 'Micronesia'),
  entry('+692', 'Marshall Islands'),
  // FCC "One Ring" alert, small-island NANP area codes.
  entry('+1268', 'Antigua and Barbuda'),
  entry('+1284', 'British Virgin Islands'),
  entry('+1473', 'Grenada'),
  entry('+1649', 'Turks and Caicos Islands'),
  entry('+1664', 'Montserrat'),
  entry('+1767', 'Dominica'),
]);

/** `+` then 1 to 15 digits: a prefix the config may list. */
export const PREFIX = /^\+[0-9]{1,15}$/;

/** Finds the longest listed prefix of an E.164 number. Compiled once from the lists. */
export type HighRiskLookup = (e164: string) => HighRiskPrefix | null;

/**
 * Compiles the listed prefixes minus the exempted ones into a lookup by longest prefix
 * (a map per length, at most 16 probes per number). An exemption removes every listed
 * prefix it covers and makes numbers under it never high-risk (`+1268` exempts
 * `+1268…` even under a listed `+1`).
 */
export function compileHighRisk(listed: readonly HighRiskPrefix[], exempt: readonly string[]): HighRiskLookup {
  const byPrefix = new Map<string, HighRiskPrefix | null>();
  for (const p of listed) if (!exempt.some((e) => p.prefix.startsWith(e))) byPrefix.set(p.prefix, p);
  for (const e of exempt) byPrefix.set(e, null);
  let longest = 0;
  for (const k of byPrefix.keys()) longest = Math.max(longest, k.length);
  return (e164) => {
    for (let n = Math.min(longest, e164.length); n >= 2; n--) {
      const hit = byPrefix.get(e164.slice(0, n));
      if (hit !== undefined) return hit;
    }
    return null;
  };
}
