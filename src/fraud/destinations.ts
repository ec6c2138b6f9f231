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
  const shapes = new Shapes();
  const compute = (dialled: string): Destination => {
    let e164: string | null = null;
    let viaPrefix = false;
    let country: string | null | undefined;
    if (dialled.startsWith('+') && DIGITS.test(dialled.slice(1))) {
      e164 = dialled;
      viaPrefix = true;
    } else if (DIGITS.test(dialled)) {
      const p = prefixes.find((x) => dialled.startsWith(x) && dialled.length > x.length);
      if (p !== undefined) {
        e164 = `+${dialled.slice(p.length)}`;
        viaPrefix = true;
      } else if (home) {
        const known = shapes.national(dialled);
        if (known) {
          e164 = `+${known.cc}${dialled.slice(known.drop)}`;
          country = known.country;
        } else {
          const parsed = parsePhoneNumberFromString(dialled, home);
          e164 = parsed?.number ?? null;
          if (parsed) {
            country = countryOf(parsed, home);
            shapes.learnNational(dialled, parsed);
          }
        }
      }
    }
    if (e164 === null) return { dialled, e164: null, country: null, international: false, highRisk: null };
    if (country === undefined) {
      country = shapes.country(e164);
      if (country === undefined) {
        const parsed = parsePhoneNumberFromString(e164);
        country = countryOf(parsed, null);
        if (parsed) shapes.learnCountry(e164, parsed);
      }
    }
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
 * What libphonenumber taught about numbers' leading digits, so a month of CDRs does not
 * parse every number afresh (a parse costs tens of microseconds): numbering plans decide
 * a number's structure and country by its first digits and its length, so a number of
 * the same length sharing its first six digits (national) or its calling code and four
 * more digits (E.164) with one libphonenumber placed in a country is in that country too.
 * Only definite answers are kept (a number libphonenumber could not place is parsed each
 * time). Bounded.
 */
class Shapes {
  private readonly nationals = new Map<string, { drop: number; cc: string; country: string }>();
  private readonly countries = new Map<string, string>();

  national(dialled: string): { drop: number; cc: string; country: string } | undefined {
    return this.nationals.get(`${dialled.length}:${dialled.slice(0, 6)}`);
  }

  learnNational(dialled: string, p: PhoneNumber): void {
    if (!p.country || !dialled.endsWith(p.nationalNumber) || dialled.length < 7) return;
    if (this.nationals.size >= 10_000) this.nationals.clear();
    this.nationals.set(`${dialled.length}:${dialled.slice(0, 6)}`, { drop: dialled.length - p.nationalNumber.length, cc: p.countryCallingCode, country: p.country });
  }

  country(e164: string): string | undefined {
    return this.countries.get(`${e164.length}:${e164.slice(0, 8)}`);
  }

  learnCountry(e164: string, p: PhoneNumber): void {
    const country = p.country ?? (p.isNonGeographic() ? NON_GEOGRAPHIC : undefined);
    if (country === undefined || e164.length < 8) return;
    if (this.countries.size >= 10_000) this.countries.clear();
    this.countries.set(`${e164.length}:${e164.slice(0, 8)}`, country);
  }
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
