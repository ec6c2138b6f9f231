/**
 * The locator the config asks for (`geo:`), for the daemon and the commands. A database
 * of the user's that cannot be read never stops protection: the country file falls back
 * to the shipped one and a network file is left out, each said once; with geo off
 * there is no locator at all.
 */
import type { GeoConfig } from '../config/geo.js';
import { formatInstant } from '../domain/duration.js';
import { terminalText } from '../domain/strings.js';
import { openLocator, shippedCountryDatabase, type DatabaseInfo, type Locator, type Where } from './lookup.js';
import { flag } from './names.js';

/** Where problems are said (the daemon's log, or a command's warnings). */
export interface GeoLog {
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}

/** For commands: a database that cannot be read is one `warning:` line on stderr, and the command goes on. */
export const STDERR: GeoLog = {
  warn: (f, msg) => process.stderr.write(`warning: ${msg} (${terminalText(String(f.err))})\n`),
  error: (f, msg) => process.stderr.write(`warning: ${msg} (${terminalText(String(f.err))})\n`),
};

/** The configured locator, or null when geo is off or no database at all can be read (said in `log`). */
export async function openConfiguredLocator(cfg: GeoConfig, log: GeoLog): Promise<Locator | null> {
  if (!cfg.enabled) return null;
  const country = cfg.database ?? shippedCountryDatabase();
  let asn = cfg.asnDatabase;
  for (;;) {
    try {
      return await openLocator({ country, asn });
    } catch (e) {
      const msg = (e as Error).message;
      if (asn !== null && msg.includes('network (AS) database')) {
        log.warn({ err: msg }, 'countries are shown without networks: the geo.asn_database file cannot be read');
        asn = null;
        continue;
      }
      if (country !== shippedCountryDatabase()) {
        log.warn({ err: msg }, 'the geo.database file cannot be read; using the country database shipped with sipwarden');
        return openConfiguredLocator({ ...cfg, database: null, asnDatabase: asn }, log);
      }
      log.error({ err: msg }, 'no country database can be read: countries are not shown and the country policy (geo.allow, geo.deny) is OFF');
      return null;
    }
  }
}

/** One line about a database for `sipwarden status`: its file, type and build date. */
export function databaseLine(d: DatabaseInfo): string {
  return `${terminalText(d.path)} (${terminalText(d.type)}, built ${formatInstant(d.builtAt).slice(0, 10)})`;
}

/** `🇩🇪 DE Germany, AS3320 Deutsche Telekom AG` for a terminal (the network's name escaped); `-` when unknown. */
export function placeText(w: Where): string {
  const country = w.country ? `${flag(w.country)} ${w.country} ${w.name ?? ''}`.trim() : '-';
  return w.asn !== null ? `${country}, AS${w.asn}${w.network ? ` ${terminalText(w.network)}` : ''}` : country;
}

/** `sipwarden status`'s lines about the databases: which files, and when they were built. */
export function geoLines(d: Locator['databases'] | null): string[] {
  if (!d?.country) return ['countries:        off (geo.enabled: false, or no database can be read)'];
  return [
    `countries:        ${databaseLine(d.country)}`,
    `networks:         ${d.asn ? databaseLine(d.asn) : 'none (set geo.asn_database to a GeoLite2-ASN file)'}`,
  ];
}
