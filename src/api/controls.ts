/**
 * A ready-made {@link Controls}: holds the live settings in memory and calls `apply`
 * with the whole new settings before adopting them (so a failing apply — e.g. the
 * config file cannot be written — leaves the old settings in force and the error
 * reaches the user). The daemon's `apply` reconfigures its engine and persists;
 * tests pass one that records. `zoneOf` follows the current networks.
 */
import { compileZones, followZones, type NetworkZoneOf } from '../engine/zones.js';
import { sortTiers, type Tier } from '../engine/policy.js';
import type { IpAddress } from '../domain/index.js';
import type { Controls, NetworkSettings, SubnetSettings } from './deps.js';

/** Every setting the dashboard can change. */
export interface LiveSettings {
  readonly protection: 'on' | 'off';
  readonly tiers: readonly Tier[];
  readonly networks: NetworkSettings;
  readonly subnets: SubnetSettings;
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
