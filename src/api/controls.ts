/**
 * Ready-made parts of what the API needs from the daemon.
 *
 * {@link SettingsControls}: holds the live settings in memory and calls `apply` with
 * the whole new settings before adopting them (so a failing apply — e.g. the config
 * file cannot be written — leaves the old settings in force and the error reaches the
 * user). The daemon's `apply` reconfigures its engine and persists; tests pass one that
 * records. `zoneOf` follows the current networks.
 *
 * {@link storeBans}: manual bans and releases written to the store only (the CLI, and
 * an API without a daemon in its process); {@link stillBlockedBy}, the one place that
 * says whether a released address stays blocked by a banned network.
 */
import { compileZones, followZones, type NetworkZoneOf } from '../engine/zones.js';
import { sortTiers, type Tier } from '../engine/policy.js';
import { isNetwork, type BanTarget, type IpAddress } from '../domain/index.js';
import type { AlertsConfig } from '../config/alerts.js';
import type { BanRecord, ManualBan, ManualRelease, Store } from '../store/index.js';
import type { AccountSettings, BanActions, Controls, NetworkSettings, Released, SubnetSettings } from './deps.js';

/**
 * The network ban in force at `at` that still blocks `target` once its own ban is
 * released; null for a network, or when no banned network holds the address.
 */
export function stillBlockedBy(store: Pick<Store, 'coveringNetworkBan'>, target: BanTarget, at: number): BanRecord | null {
  return isNetwork(target) ? null : store.coveringNetworkBan(target, at);
}

/** {@link BanActions} that only write the store, synchronously. */
export interface StoreBans extends BanActions {
  ban(m: ManualBan): BanRecord;
  release(m: ManualRelease): Released | null;
}

/** {@link BanActions} that only write the store (ban, audit entry and change row in one transaction). */
export function storeBans(store: Store): StoreBans {
  return {
    ban: (m) => store.manualBan(m),
    release: (m) => {
      const ban = store.manualRelease(m);
      return ban && { ban, stillBlockedBy: stillBlockedBy(store, m.ip, m.at) };
    },
  };
}

/** Every setting the dashboard can change. */
export interface LiveSettings {
  readonly protection: 'on' | 'off';
  readonly tiers: readonly Tier[];
  readonly networks: NetworkSettings;
  readonly subnets: SubnetSettings;
  readonly accounts: AccountSettings;
  /** Where alerts go and which kinds (the config's `alerts:` section, config/alerts.ts). */
  readonly alerts: AlertsConfig;
}

/** Which setting changed, the complete new settings, and who changed it. */
export type ApplySettings = (next: LiveSettings, changed: keyof LiveSettings, actor: string) => void | Promise<void>;

/** In-memory settings with an apply hook; see the module comment. */
export class SettingsControls implements Controls {
  #s: LiveSettings;
  #zoneOf: NetworkZoneOf;
  #queue: Promise<void> = Promise.resolve();

  constructor(initial: LiveSettings, private readonly apply: ApplySettings, private readonly hostAddresses: readonly IpAddress[] = []) {
    this.#s = { ...initial, tiers: sortTiers(initial.tiers) };
    this.#zoneOf = this.compile(initial.networks);
  }

  /** The settings in force. */
  get current(): LiveSettings {
    return this.#s;
  }

  /** Zone of `ip` (or with `network`, of a network) under the current networks (never/trusted/internal/external). */
  readonly zoneOf = followZones(() => this.#zoneOf);

  protection(): 'on' | 'off' {
    return this.#s.protection;
  }

  setProtection(value: 'on' | 'off', actor: string): Promise<void> {
    return this.update((s) => ({ ...s, protection: value }), 'protection', actor);
  }

  policy(): readonly Tier[] {
    return this.#s.tiers;
  }

  setPolicy(tiers: readonly Tier[], actor: string): Promise<void> {
    return this.update((s) => ({ ...s, tiers: sortTiers(tiers) }), 'tiers', actor);
  }

  networks(): NetworkSettings {
    return this.#s.networks;
  }

  setNetworks(n: NetworkSettings, actor: string): Promise<void> {
    const zoneOf = this.compile(n);
    return this.update((s) => ({ ...s, networks: n }), 'networks', actor, () => {
      this.#zoneOf = zoneOf;
    });
  }

  subnets(): SubnetSettings {
    return this.#s.subnets;
  }

  setSubnets(s: SubnetSettings, actor: string): Promise<void> {
    return this.update((cur) => ({ ...cur, subnets: s }), 'subnets', actor);
  }

  accounts(): AccountSettings {
    return this.#s.accounts;
  }

  setAccounts(a: AccountSettings, actor: string): Promise<void> {
    return this.update((cur) => ({ ...cur, accounts: a }), 'accounts', actor);
  }

  alerts(): AlertsConfig {
    return this.#s.alerts;
  }

  setAlerts(a: AlertsConfig, actor: string): Promise<void> {
    return this.update((cur) => ({ ...cur, alerts: a }), 'alerts', actor);
  }

  /** Changes run one at a time, each on the settings the previous one left. */
  private update(make: (s: LiveSettings) => LiveSettings, changed: keyof LiveSettings, actor: string, adopted?: () => void): Promise<void> {
    const run = this.#queue.then(async () => {
      const next = make(this.#s);
      await this.apply(next, changed, actor);
      this.#s = next;
      adopted?.();
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  private compile(n: NetworkSettings): NetworkZoneOf {
    return compileZones({ internal: n.internal, trusted: n.trusted, hostAddresses: this.hostAddresses });
  }
}
