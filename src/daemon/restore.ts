/**
 * Restart and hand-over: rebuilding the engine from the store, and applying the manual
 * bans/releases written into the store's change queue (by the CLI while the daemon
 * runs; the dashboard's through manual.ts, at once).
 */
import type { Config } from '../config/index.js';
import { formatInstant, MAX_DURATION_MS } from '../domain/duration.js';
import { isNetwork } from '../domain/ip.js';
import { stillBlockedBy } from '../api/controls.js';
import { subnetInput, SUBNETS_OFF, type Engine, type SubnetSettings } from '../engine/index.js';
import type { Store } from '../store/index.js';
import type { Change } from '../store/types.js';
import type { Pipeline, PipelineLog } from './pipeline.js';

/** Active bans and the failures inside the longest window come back; failures before a release do not. */
export function restoreEngine(store: Store, engine: Engine, config: Config, now: number): { bans: number; failures: number } {
  const bans = store.activeBans(now);
  // A ban no tier made keeps its name (a rule's: `extension-from-external`, `scan: …`; a person's), for the failed-auth log.
  for (const b of bans) engine.applyBan(b.ip, b.expiresAt, b.tier, b.source === 'manual' ? 'manual' : (b.reason.split(':')[0] ?? null));
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

/**
 * Applies the change rows (manual bans and releases) written since `lastId`, at most one
 * page; returns the new last id. A change that cannot be applied (a row no date can
 * hold, an address the engine refuses) is reported once and skipped: the ones after it
 * still apply, and the loop never stalls on it.
 */
export function applyChanges(store: Store, engine: Engine, pipeline: Pick<Pipeline, 'enforce'>, lastId: number, now: number, log: PipelineLog): number {
  let last = lastId;
  for (const c of store.changesSince(lastId)) {
    last = c.id;
    try {
      applyChange(store, engine, pipeline, c, now, log);
    } catch (e) {
      log.error({ change: c.id, kind: c.kind, ip: c.ip, err: (e as Error).message }, 'cannot apply a ban or release from the CLI or dashboard; skipped it');
    }
  }
  return last;
}

function applyChange(store: Store, engine: Engine, pipeline: Pick<Pipeline, 'enforce'>, c: Change, now: number, log: PipelineLog): void {
  if (c.kind === 'release') {
    engine.release(c.ip, now);
    pipeline.enforce([{ op: 'unban', ip: c.ip }]);
    const within = stillBlockedBy(store, c.ip, now);
    if (within) log.warn({ ip: c.ip, network: within.ip }, 'released by a person, but still blocked: its whole network is banned (release the network too)');
    else log.info({ ip: c.ip }, 'released by a person');
    return;
  }
  const ban = store.getActiveBan(c.ip, now);
  if (!ban) return;
  if (ban.expiresAt !== null && !(ban.expiresAt <= now + MAX_DURATION_MS)) {
    // Written by an older version or by hand: no date can hold it. Longer than any
    // accepted duration is permanent; enforcing it so beats not blocking at all.
    log.warn({ change: c.id, ip: ban.ip, until: formatInstant(ban.expiresAt) }, 'ban ends beyond any date sipwarden accepts; enforced as permanent');
    engine.applyBan(ban.ip, null, ban.tier);
    pipeline.enforce([{ op: 'ban', ip: ban.ip, until: null }]);
    return;
  }
  engine.applyBan(ban.ip, ban.expiresAt, ban.tier);
  pipeline.enforce([{ op: 'ban', ip: ban.ip, until: ban.expiresAt }]);
  log.info({ ip: ban.ip, until: formatInstant(ban.expiresAt) }, 'banned by a person');
}
