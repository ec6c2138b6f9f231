/**
 * Restart and CLI hand-over: rebuilding the engine from the store, and applying
 * bans/releases that the CLI wrote into the store while the daemon runs.
 */
import type { Config } from '../config/index.js';
import { isNetwork } from '../domain/ip.js';
import { subnetInput, SUBNETS_OFF, type Engine, type SubnetSettings } from '../engine/index.js';
import type { Store } from '../store/index.js';
import type { Pipeline, PipelineLog } from './pipeline.js';

/** Active bans and the failures inside the longest window come back; failures before a release do not. */
export function restoreEngine(store: Store, engine: Engine, config: Config, now: number): { bans: number; failures: number } {
  const bans = store.activeBans(now);
  for (const b of bans) engine.applyBan(b.ip, b.expiresAt, b.tier);
  recountSubnets(store, engine, config.policy.subnets, now);
  const longest = Math.max(...config.policy.tiers.map((t) => t.within));
  const releases = new Map<string, number | null>();
  let failures = 0;
  for (const f of store.failuresSince(now - longest)) {
    let released = releases.get(f.ip);
    if (released === undefined) {
      released = store.lastReleaseAt(f.ip);
      releases.set(f.ip, released);
    }
    if (released !== null && f.at <= released) continue;
    if (f.action === 'not_counted') continue;
    engine.policy.restoreFailure(f.ip, f.at);
    failures++;
  }
  return { bans: bans.length, failures };
}

/**
 * Gives subnet escalation its (new) numbers and counts again, from the store, the
 * address bans of each network within its window — at start, and when the settings
 * change (switched on, another network size): nothing is banned until the next ban.
 */
export function recountSubnets(store: Store, engine: Engine, settings: SubnetSettings, now: number): void {
  const input = subnetInput(settings);
  engine.subnets.setInput(input ?? SUBNETS_OFF);
  if (!input) return;
  for (const b of store.policyBansSince(now - input.within)) if (!isNetwork(b.ip)) engine.subnets.restoreMember(b.ip, b.createdAt);
}

/** Applies changes made by other processes (CLI, later the web UI) since `lastId`; returns the new last id. */
export function applyChanges(store: Store, engine: Engine, pipeline: Pipeline, lastId: number, now: number, log: PipelineLog): number {
  let last = lastId;
  for (const c of store.changesSince(lastId)) {
    last = c.id;
    if (c.kind === 'release') {
      engine.release(c.ip, now);
      pipeline.enforce([{ op: 'unban', ip: c.ip }]);
      const within = isNetwork(c.ip) ? null : engine.coveringBan(c.ip, now);
      if (within) log.warn({ ip: c.ip, network: within }, 'released by a person, but still blocked: its whole network is banned (release the network too)');
      else log.info({ ip: c.ip }, 'released by a person');
    } else {
      const ban = store.getActiveBan(c.ip, now);
      if (!ban) continue;
      engine.applyBan(ban.ip, ban.expiresAt, ban.tier);
      pipeline.enforce([{ op: 'ban', ip: ban.ip, until: ban.expiresAt }]);
      log.info({ ip: ban.ip, until: ban.expiresAt === null ? 'permanent' : new Date(ban.expiresAt).toISOString() }, 'banned by a person');
    }
  }
  return last;
}
