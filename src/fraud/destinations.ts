/**
 * Destinations: the number a call sends to a trunk, normalised with the dial plan's
 * prefixes to E.164 and a country (libphonenumber-js), and looked up in the high-risk
 * list. Compiled once into a closure; pure (no clock, no I/O).
 *
 *   0118823456789 (international prefix 011)  → +8823456789,  country 001, high-risk +882
 *   00442079460123 (international prefix 00)  → +442079460123, GB, international
 *   5551234567 (home_country US)              → +15551234567, US, national
 *   8765550000 (home_country US)              → +18765550000, JM: international, though dialled as a national number
 *
 * `country` is an ISO 3166-1 alpha-2 code, or `001` for the non-geographic codes
 * (satellite, International Networks: libphonenumber's name for them), or null when no
 * country can be told (a number too short or malformed, a national number without
 * `home_country`).
 */
import { parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/min';
import type { HighRiskLookup, HighRiskPrefix } from './high-risk.js';

/** How the PBX's users dial: the prefixes that start an international number, and the home country. */
export interface DialPlan {
  /** ISO 3166-1 alpha-2 (`US`, `DE`); null: national numbers are not normalised. */
  readonly homeCountry: string | null;
  /** `00`, `011`…: a number starting with one of these is international (longest first). */
  readonly internationalPrefixes: readonly string[];
}

/** Where a call goes. */
export interface Destination {
  /** The number as sent (attacker-chosen text). */
  readonly dialled: string;
  /** `+` and digits; null when the number cannot be normalised. */
  readonly e164: string | null;
  readonly country: string | null;
  /** Outside the home country (always true for `001`, and for any number dialled with an international prefix when no home country is set). */
  readonly international: boolean;
  readonly highRisk: HighRiskPrefix | null;
}

/** Non-geographic numbers (satellite, International Networks) in libphonenumber's notation. */
export const NON_GEOGRAPHIC = '001';

const DIGITS = /^[0-9]{1,20}$/;

/** Turns a dialled number into its destination. */
export type DestinationOf = (dialled: string) => Destination;

/** Compiles the dial plan and the high-risk lookup into one memoised function. */
export function compileDestinations(plan: DialPlan, highRisk: HighRiskLookup): DestinationOf {
  const home = plan.homeCountry as CountryCode | null;
  const prefixes = [...plan.internationalPrefixes].sort((a, b) => b.length - a.length);
  const memo = new Map<string, Destination>(); // bounded: attackers dial endless numbers
  const compute = (dialled: string): Destination => {
    let e164: string | null = null;
    let viaPrefix = false;
    let parsed: PhoneNumber | undefined;
    if (dialled.startsWith('+') && DIGITS.test(dialled.slice(1))) {
      e164 = dialled;
      viaPrefix = true;
    } else if (DIGITS.test(dialled)) {
      const p = prefixes.find((x) => dialled.startsWith(x) && dialled.length > x.length);
      if (p !== undefined) {
        e164 = `+${dialled.slice(p.length)}`;
        viaPrefix = true;
      } else if (home) {
        parsed = parsePhoneNumberFromString(dialled, home);
        e164 = parsed?.number ?? null;
      }
    }
    if (e164 === null) return { dialled, e164: null, country: null, international: false, highRisk: null };
    parsed ??= parsePhoneNumberFromString(e164);
    const country = countryOf(parsed, viaPrefix ? null : home);
    const international = country === null ? viaPrefix : home === null ? viaPrefix || country === NON_GEOGRAPHIC : country !== home;
    return { dialled, e164, country, international, highRisk: highRisk(e164) };
  };
  return (dialled) => {
    let d = memo.get(dialled);
    if (d === undefined) {
      d = compute(dialled);
      if (memo.size >= 10_000) memo.clear();
      memo.set(dialled, d);
    }
    return d;
  };
}

/**
 * The country of a parsed number: its own, `001` when non-geographic, else the only (or
 * main) country of its calling code; a national number that fits no country of the home
 * calling code is the home country's.
 */
function countryOf(p: PhoneNumber | undefined, nationalHome: CountryCode | null): string | null {
  if (!p) return nationalHome;
  if (p.country) return p.country;
  if (p.isNonGeographic()) return NON_GEOGRAPHIC;
  if (nationalHome) return nationalHome;
  return p.getPossibleCountries()[0] ?? null;
}
