/**
 * What the HTTP API needs from the daemon, as one interface. The daemon (composition
 * root) builds an `ApiDeps`; tests build one over a real store with a tiny in-memory
 * `controls`. The API never touches the firewall, the engine or the config file
 * itself: bans and releases go through `bans` (the daemon's puts them into force at
 * once, in its own process), settings through `controls` (the daemon applies and
 * persists them).
 *
 * Audit contract: the API writes the audit entry of every settings change, after the
 * control call returns; controls must not audit again (`actor` is given to them for
 * their logs). A manual ban or release is audited by `bans`, in the store's own
 * transaction with the ban.
 */
import type { Cidr, } from '../domain/index.js';
import type { Tier } from '../engine/policy.js';
import type { ManualBanRules, ZoneOf } from '../engine/zones.js';
import type { BanRecord, FailureRow, ManualBan, ManualRelease, Store } from '../store/index.js';
import type { ClusterHealth } from '../cluster/index.js';
import type { SearchBans } from './ban-search.js';
import type { FraudControls } from './routes-calls.js';
import type { Stats } from './stats.js';
import type { DatabaseInfo, Where } from '../geo/index.js';
import type { GeoConfig } from '../config/geo.js';
import type { ChannelResult } from '../alerts/index.js';
import type { AlertsConfig } from '../config/alerts.js';

/** Internal networks and the trusted list, as the settings page edits them. */
export interface NetworkSettings {
  /** Canonical networks (`192.168.0.0/16`). */
  readonly internal: readonly Cidr[];
  /** Canonical trusted addresses and networks. */
  readonly trusted: readonly Cidr[];
  /** Trusted host names, lower case (resolved by the daemon). */
  readonly trustedNames: readonly string[];
}

/** Who may register from outside, as the settings page edits it (the config's `accounts.roaming`, `accounts.extensions_internal_only`). */
export interface AccountSettings {
  /** Account name patterns allowed to register from outside (validated by the config schema). */
  readonly roaming: readonly string[];
  /** True: an attempt on an extension (not roaming) from an external address is banned at once. */
  readonly extensionsInternalOnly: boolean;
}

/** Subnet escalation as the settings page edits it (the engine's type: numbers plus the on/off switch). */
import type { SubnetSettings } from '../engine/subnets.js';

export type { SubnetSettings };

/** The daemon's live settings the API may read and change. Setters may be async; a throw is reported to the user. */
export interface Controls {
  protection(): 'on' | 'off';
  setProtection(value: 'on' | 'off', actor: string): void | Promise<void>;
  /** Tiers sorted by `failures`, ascending; durations in ms, `ban: null` = until released. */
  policy(): readonly Tier[];
  /** Receives tiers already validated by the config schema (sorted, distinct failures, 1..1000). */
  setPolicy(tiers: readonly Tier[], actor: string): void | Promise<void>;
  networks(): NetworkSettings;
  /** Receives canonical, validated networks; never a network covering every address. */
  setNetworks(n: NetworkSettings, actor: string): void | Promise<void>;
  subnets(): SubnetSettings;
  /** Receives settings already validated by the config schema (2..65536 addresses, /16../31, /32../127). */
  setSubnets(s: SubnetSettings, actor: string): void | Promise<void>;
  accounts(): AccountSettings;
  /** Receives roaming patterns already validated by the config schema. */
  setAccounts(a: AccountSettings, actor: string): void | Promise<void>;
  /** Where alerts go and which kinds; receives settings already validated by the config schema. */
  alerts(): AlertsConfig;
  setAlerts(a: AlertsConfig, actor: string): void | Promise<void>;
}

/** A manual release as stored, and the network ban that still blocks the address (null: none, or a network was released). */
export interface Released {
  readonly ban: BanRecord;
  readonly stillBlockedBy: BanRecord | null;
}

/**
 * Manual bans and releases. Each writes the ban (or its end), its audit entry and a
 * change row in one store transaction. The running daemon's implementation also puts it
 * into force at once (engine, firewall) and never a second time from its change queue,
 * which is for the CLI; `storeBans` (controls.ts) only writes, for a daemon in another
 * process to apply. Callers check the address against the protected zones first.
 */
export interface BanActions {
  ban(m: ManualBan): BanRecord | Promise<BanRecord>;
  /** Null (nothing written) if `m.ip` has no active ban. */
  release(m: ManualRelease): Released | null | Promise<Released | null>;
}

/** One followed log file. */
export interface SourceHealth {
  readonly path: string;
  readonly exists: boolean;
  /** Byte offset read up to. */
  readonly offset: number;
  readonly lines: number;
  /** How far behind the file's end reading is, ms; null/absent if unknown. */
  readonly lagMs?: number | null;
  readonly error?: string | null;
}

/** The AMI connection, when one is configured. */
export interface AmiHealth {
  readonly host: string;
  readonly port: number;
  readonly connected: boolean;
  /** When the current state began, ms since the epoch. */
  readonly since?: number | null;
  readonly lastError?: string | null;
}

/** What the overview shows about the daemon's inputs and its firewall. */
export interface Health {
  readonly sources: readonly SourceHealth[];
  readonly ami: AmiHealth | null;
  readonly firewall: {
    readonly backend: string;
    readonly lastError?: string | null;
    /** The ports the kernel's seen sets watch, and where each came from (null: not known). */
    readonly watch?: WatchHealth | null;
  };
  /** The store's live health (null: not known, e.g. in tests without a daemon). */
  readonly store?: StoreHealth | null;
  /** Log lines Asterisk's own logger reported as dropped since the start (null: not known). */
  readonly asteriskLoss?: { readonly dropped: number; readonly episodes: number; readonly lastAt: number | null; readonly source: string | null } | null;
}

/**
 * The store and the failed-auth log, as the daemon sees them live: failing parts with
 * what to do, what waits in memory, what was dropped, and a damaged store kept aside at
 * start (`reset.message` says it in one line).
 */
export interface StoreHealth {
  readonly state: 'ok' | 'degraded';
  readonly faults: ReadonlyArray<{
    readonly part: string; readonly kind: string; readonly code: string; readonly message: string; readonly advice: string;
    readonly since: number; readonly failures: number; readonly retryAt: number;
  }>;
  readonly pending: { readonly failures: number; readonly bans: number; readonly logLines: number };
  readonly dropped: { readonly failures: number; readonly bans: number; readonly logLines: number };
  readonly reset: { readonly at: number; readonly aside: string; readonly message: string } | null;
}

/** The watched ports as the overview shows them. */
export type WatchHealth =
  | { readonly mode: 'ports'; readonly ports: ReadonlyArray<{ readonly port: number; readonly proto: string | null; readonly service: string | null; readonly from: string }>; readonly notes: readonly string[] }
  | { readonly mode: 'all'; readonly why: string; readonly notes: readonly string[] };

/** Everything the API server needs from the daemon. */
export interface ApiDeps {
  readonly store: Store;
  /** The clock (ms since the epoch); only the composition root reads real time. */
  now(): number;
  readonly controls: Controls;
  /** Sends a test alert through the channels of the given settings (default: a notifier of the API's own, without dashboard links). */
  readonly testAlert?: (settings: AlertsConfig, actor: string) => Promise<readonly ChannelResult[]>;
  /** Manual bans and releases (default: `storeBans(store)`, written for a daemon in another process to apply). */
  readonly bans?: BanActions;
  /** Zone of an address (and, with `network`, of a network) under the current networks: a manual ban of `never`/`trusted` is refused. */
  readonly zoneOf: ZoneOf;
  /** What else a manual ban is checked against: the widest network without `force`, this host's SSH clients (default: nothing). */
  readonly manualBans?: ManualBanRules;
  health(): Health;
  /**
   * Counters and gauges for `/metrics`, by name without the `sipwarden_` prefix:
   * `events_parsed_total`, `attempts_total`, `bans_total`, `enforcer_errors_total`,
   * `enforcer_latency_seconds`, … Unknown names are exported as untyped gauges.
   * Bans active and source lag are added by the API from the store and `health()`.
   */
  metrics(): Readonly<Record<string, number>>;
  /** Dashboard statistics at `now` (`openReadModel(storePath).stats`: a read-only connection on the store file). */
  stats(now: number): Stats | Promise<Stats>;
  /** Newest-first ban list and account search (`openReadModel(storePath).searchBans`). */
  readonly searchBans: SearchBans;
  /** Subscribes to failures as they are stored (for the live log); returns the unsubscribe function. */
  onFailure(listener: (row: FailureRow) => void): () => void;
  /**
   * A failed dashboard login from `ip` as user `username` (attacker-controlled) at `at`:
   * the daemon feeds it to its engine as an `auth_failed` event of service `HTTP`.
   */
  onLoginFailure(ip: string, username: string, at: number): void;
  /** The toll-fraud guard in this process (absent: the Calls page reads the store only, and allowing writes the record for the daemon). */
  readonly fraud?: FraudControls;
  /** The cluster part's health (absent or null: cluster mode is off). */
  readonly cluster?: () => ClusterHealth | null;
  /** Where an address is (geo/, cached): the `geo` of bans and failures; absent: geo off. */
  readonly where?: (ip: string) => Where;
  /** The country policy the settings page edits (daemon/geo-settings.ts); absent: `/api/settings/geo` says it cannot be changed here. */
  readonly geoSettings?: GeoSettingsControls;
}

/** The country policy (config `geo.deny`, `geo.allow`) read and changed by the dashboard. */
export interface GeoSettingsControls {
  current(): GeoConfig;
  /** Saves the lists into the config file, then puts them into force; throws (nothing changed) when the file cannot be written. */
  set(next: Pick<GeoConfig, 'deny' | 'allow'>, actor: string): void;
  /** The country database in use; null: none could be read. */
  readonly database: DatabaseInfo | null;
}
