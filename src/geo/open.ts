/**
 * The locator the config asks for (`geo:`), for the daemon and the commands. A database
 * of the user's that cannot be read never stops protection: the country file falls back
 * to the shipped one and a network file is left out, each said once; with geo off
 * there is no locator at all.
 */
import type { GeoConfig } from '../config/geo.js';
import { formatInstant } from '../domain/duration.js';
import { openLocator, shippedCountryDatabase, type DatabaseInfo, type Locator } from './lookup.js';

/** Where problems are said (the daemon's log, or a command's warnings). */
export interface GeoLog {
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}

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
  return `${d.path} (${d.type}, built ${formatInstant(d.builtAt).slice(0, 10)})`;
}
