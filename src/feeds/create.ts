/**
 * The feeds as one part of the daemon (createDaemon starts and stops it): the poller
 * over the daemon's store, engine and the runner's door to the firewall.
 */
import type { Config } from '../config/index.js';
import type { Log } from '../domain/log.js';
import type { Engine } from '../engine/index.js';
import type { EnforcerOp } from '../enforcers/types.js';
import type { Store } from '../store/index.js';
import { FeedBans } from './apply.js';
import { FeedPoller } from './poller.js';

export interface FeedsDeps {
  readonly config: Pick<Config, 'feeds' | 'limits'>;
  readonly store: Store;
  readonly engine: Engine;
  /** The runner (Pipeline.enforce): firewall changes behind the protection gate. */
  readonly pipeline: { enforce(ops: readonly EnforcerOp[]): Promise<boolean> };
  readonly log: Pick<Log, 'info' | 'warn'>;
  readonly now: () => number;
  /** Runs a store access; undefined when the store cannot be used now (Persistence.guard). */
  readonly guard: <T>(fn: () => T) => T | undefined;
}

/** The feed poller for `config.feeds` (nothing is fetched before its first tick). */
export function createFeeds(d: FeedsDeps): FeedPoller {
  const bans = new FeedBans({ store: d.store, engine: d.engine, enforce: (ops) => d.pipeline.enforce(ops), guard: d.guard, now: d.now });
  return new FeedPoller({
    feeds: d.config.feeds, bans, zoneOf: d.engine.zoneOf, widest: { ipv4: d.config.limits.widestIpv4Ban, ipv6: d.config.limits.widestIpv6Ban },
    store: d.store, guard: d.guard, log: d.log, now: d.now,
  });
}

/** Whether the daemon runs the feeds: some are configured, or the store holds bans of feeds since removed (to end them). */
export function feedsWanted(config: Pick<Config, 'feeds'>, store: Pick<Store, 'activeBans'>, now: number): boolean {
  return config.feeds.length > 0 || store.activeBans(now).some((b) => b.createdBy?.startsWith('feed:'));
}
