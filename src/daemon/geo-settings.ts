/**
 * The country policy as the dashboard changes it (`/api/settings/geo`): saved into the
 * config file first (config/write-back.ts: atomic, with a backup, comments kept; a file
 * that cannot be written changes nothing), then put into force in the engine at once.
 * {@link withLiveGeo} lets every later reading of the config (the PBX's accounts
 * re-read, a roaming change) see the policy in force, not the one of the start.
 */
import type { Logger } from 'pino';
import type { GeoSettingsControls } from '../api/deps.js';
import { writeConfigEdits, type Config } from '../config/index.js';
import type { GeoConfig } from '../config/geo.js';
import { SipwardenError } from '../domain/index.js';
import type { GeoPolicyInput } from '../engine/index.js';
import type { DatabaseInfo } from '../geo/index.js';

/** `c` whose `geo` is always the one `current()` gives. */
export function withLiveGeo(c: Config, current: () => GeoConfig): Config {
  return Object.defineProperty({ ...c }, 'geo', { get: current, enumerable: true });
}

/** The engine's input for a `geo:` section (undefined: geo off, no policy). */
export function geoPolicyInput(g: GeoConfig): GeoPolicyInput | undefined {
  return g.enabled ? { deny: g.deny, allow: g.allow, ban: g.ban, newCountryAlert: g.newCountryAlert } : undefined;
}

/** The daemon's side of {@link GeoSettingsControls}. */
export class GeoSettingsControl implements GeoSettingsControls {
  private config: GeoConfig;

  constructor(initial: GeoConfig, private readonly d: {
    /** The config file the daemon was started with; absent: nothing can be saved (refused, never kept only in memory). */
    readonly file: string | undefined;
    /** Puts a saved policy into force (the engine's setGeo with {@link geoPolicyInput}). */
    readonly apply: (g: GeoConfig) => void;
    readonly database: DatabaseInfo | null;
    readonly log: Pick<Logger, 'warn'>;
  }) {
    this.config = initial;
  }

  get database(): DatabaseInfo | null {
    return this.d.database;
  }

  current(): GeoConfig {
    return this.config;
  }

  set(next: Pick<GeoConfig, 'deny' | 'allow'>, actor: string): void {
    const { file } = this.d;
    if (!file) throw new SipwardenError('CONFIG_UNWRITABLE', 'sipwarden was started without a config file, so the country policy cannot be saved; nothing was changed (edit geo: in the config file)');
    writeConfigEdits(file, [
      { path: ['geo', 'deny'], value: [...next.deny] },
      { path: ['geo', 'allow'], value: Object.fromEntries(Object.entries(next.allow).map(([k, v]) => [k, [...(v ?? [])]])) },
    ]);
    this.config = { ...this.config, deny: next.deny, allow: next.allow };
    this.d.apply(this.config);
    this.d.log.warn({ setting: 'geo', actor }, 'setting changed from the dashboard');
  }
}
