/**
 * Country names and flags from ISO 3166-1 alpha-2 codes: names from the runtime's own
 * ICU data (`Intl.DisplayNames`, English), flags as the two regional indicator
 * symbols. Codes come from the database, never from attacker text; still, anything
 * that is not two ASCII letters is refused here, so a bad database cannot put other
 * text into a log line or a page.
 */

const REGIONS = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
const NAMES = new Map<string, string>();

/** True for two upper-case ASCII letters (`DE`). */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code);
}

/** The English name of a country code (`DE` → `Germany`); the code itself when the runtime has no name for it. */
export function countryName(code: string): string {
  let name = NAMES.get(code);
  if (name === undefined) {
    try {
      name = REGIONS.of(code) ?? code;
    } catch {
      name = code;
    }
    if (NAMES.size < 1024) NAMES.set(code, name);
  }
  return name;
}

/** The flag of a country code as its two regional indicator symbols (`DE` → 🇩🇪); empty for anything else. */
export function flag(code: string): string {
  if (!isCountryCode(code)) return '';
  return String.fromCodePoint(0x1f1e6 + code.charCodeAt(0) - 65, 0x1f1e6 + code.charCodeAt(1) - 65);
}
