/**
 * One truth for settings: what the dashboard changes is written into the config file
 * (config/write-back.ts keeps its comments and order), so the file, the daemon and
 * `sipwarden status` always agree. Older versions kept the dashboard's settings in the
 * store, over the file's values, forever; {@link migrateStoredSettings} moves them into
 * the file once, at start, and says which keys it moved.
 */
import type { Logger } from 'pino';
import type { LiveSettings } from '../api/index.js';
import { writeConfigEdits, type Config, type ConfigEdit, type WriteBackResult } from '../config/index.js';
import { alertsFileForm } from '../config/alerts.js';
import { formatDuration } from '../domain/index.js';
import type { Store } from '../store/index.js';
import { fileSettings, liveSettings, SETTINGS_META_KEY } from './web.js';

/** Where the settings moved from the store are kept, with when and into which file (nothing is lost). */
export const MIGRATED_META_KEY = 'settings_migrated';

/** The config file's keys for one live setting, in the file's own words (`1h`, `permanent`, `ipv4_prefix`). */
export function settingsEdits(s: LiveSettings, key: keyof LiveSettings): ConfigEdit[] {
  switch (key) {
    case 'protection':
      return [{ path: ['protection'], value: s.protection }];
    case 'networks':
      return [
        { path: ['networks', 'internal'], value: [...s.networks.internal] },
        { path: ['networks', 'trusted'], value: [...s.networks.trusted, ...s.networks.trustedNames] },
      ];
    case 'tiers':
      return [{ path: ['policy', 'tiers'], value: s.tiers.map((t) => ({ failures: t.failures, within: formatDuration(t.within), ban: formatDuration(t.ban) })) }];
    case 'subnets': {
      const n = s.subnets;
      return [{ path: ['policy', 'subnets'], value: { enabled: n.enabled, addresses: n.addresses, within: formatDuration(n.within), ban: formatDuration(n.ban), ipv4_prefix: n.ipv4Prefix, ipv6_prefix: n.ipv6Prefix } }];
    }
    case 'accounts':
      return [
        { path: ['accounts', 'roaming'], value: [...s.accounts.roaming] },
        { path: ['accounts', 'extensions_internal_only'], value: s.accounts.extensionsInternalOnly },
      ];
    case 'alerts':
      return Object.entries(alertsFileForm(s.alerts)).map(([k, value]) => ({ path: ['alerts', k], value }));
  }
}

/** Writes one changed setting into the config file at `file`; throws `CONFIG_UNWRITABLE` (nothing changed) or `CONFIG_INVALID`. */
export function saveSetting(file: string, next: LiveSettings, changed: keyof LiveSettings): WriteBackResult {
  return writeConfigEdits(file, settingsEdits(next, changed));
}


/**
 * At start: settings an older version stored over the file's values are written into
 * `file` (only the keys that differ), the stored copy kept under {@link MIGRATED_META_KEY}
 * and the override dropped; the log names each key moved. If the file cannot be written
 * the stored values stay in force (never silently lost) and the log names each key the
 * store overrides and why. Returns the settings in force.
 */
export function migrateStoredSettings(file: string, config: Config, store: Store, log: Logger, now: number): LiveSettings {
  const base = fileSettings(config);
  const saved = store.getMeta(SETTINGS_META_KEY);
  if (!saved) return base;
  const layered = liveSettings(config, store);
  const keys = (Object.keys(layered) as Array<keyof LiveSettings>).filter((k) => JSON.stringify(layered[k]) !== JSON.stringify(base[k]));
  try {
    if (keys.length) writeConfigEdits(file, keys.flatMap((k) => settingsEdits(layered, k)));
    store.setMeta(MIGRATED_META_KEY, JSON.stringify({ at: now, file, keys, stored: saved }));
    store.setMeta(SETTINGS_META_KEY, '');
    if (keys.length) log.warn({ file, keys: keys.map(fileKey) }, `dashboard settings kept by an older version moved into ${file}: ${keys.map(fileKey).join(', ')}; the file is now the only place settings live`);
    return layered;
  } catch (e) {
    log.error({ file, keys: keys.map(fileKey), err: (e as Error).message }, `the dashboard's stored settings OVERRIDE ${file} for ${keys.map(fileKey).join(', ')} and could not be moved into it: ${(e as Error).message}`);
    return layered;
  }
}

/** The config file's name for a live setting, as a person looks for it. */
function fileKey(k: keyof LiveSettings): string {
  return { protection: 'protection', networks: 'networks', tiers: 'policy.tiers', subnets: 'policy.subnets', accounts: 'accounts.roaming/extensions_internal_only', alerts: 'alerts' }[k];
}
