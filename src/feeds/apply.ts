/**
 * A feed's bans, put into force the way a person's are (daemon/restore.ts): stored, told
 * to the engine, handed to the firewall through the runner's door (`enforce`, behind the
 * protection gate). In batches, one store transaction and one firewall change each, with
 * a turn of the event loop between them: a list of tens of thousands of entries never
 * holds up the daemon's log reading.
 *
 * Invariants:
 * - A feed only ever touches bans whose `createdBy` is its own origin `feed:<name>`: an
 *   address already banned by the policy, a person, another PBX or another feed is left
 *   as it is (counted `already`), and a release never ends someone else's ban.
 * - A person's release sticks: an address a person ever released is never banned again
 *   on a feed's word (the owner's own address on a shared list stays reachable).
 * - A listed address's own ban is renewed once less than half its length is left, not at
 *   every poll (no store write per entry per poll).
 * - What a batch stores is stored with the feed's position (`meta`) in the same
 *   transaction: a restart never skips a page nor misses its bans.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { BanTarget } from '../domain/ip.js';
import type { EnforcerOp } from '../enforcers/types.js';
import type { Engine } from '../engine/index.js';
import type { ActiveOrigin, NewBan, Store } from '../store/index.js';

/** Entries per store transaction and firewall change. */
export const BATCH = 200;

export interface FeedBansDeps {
  readonly store: Pick<Store, 'commitProgress' | 'activeOrigins' | 'getActiveBan' | 'releaseBan' | 'releasedByPerson'>;
  readonly engine: Pick<Engine, 'applyBan' | 'cancelBan'>;
  /** The runner's door to the firewall (Pipeline.enforce): resolves whether the change held. */
  readonly enforce: (ops: readonly EnforcerOp[]) => Promise<boolean>;
  /** Runs a store access; undefined when the store cannot be used now (the daemon's Persistence.guard). */
  readonly guard: <T>(fn: () => T) => T | undefined;
  readonly now: () => number;
}

/** What one apply did. */
export interface Applied {
  banned: number;
  renewed: number;
  /** Banned already by someone else (policy, a person, another PBX or feed): left as it is. */
  already: number;
  /** Released by a person once: a feed never bans it again. */
  personReleased: number;
}

/** The store could not take a batch: what was stored before it holds, the rest comes at the next poll. */
export class StoreBusyError extends Error {
  constructor() {
    super('the store cannot take the feed\'s bans now; trying again at the next poll');
    this.name = 'StoreBusyError';
  }
}

/** The daemon stopped during an apply: the batches before it hold. */
export class StoppedError extends Error {
  constructor() {
    super('stopped');
    this.name = 'StoppedError';
  }
}

/** The origin a feed's bans carry (`createdBy`). */
export const originOf = (feed: string) => `feed:${feed}`;

export class FeedBans {
  constructor(private readonly deps: FeedBansDeps) {}

  /** Every ban in force now, in brief, by target (one read per poll). Throws StoreBusyError if the store cannot be read. */
  active(): Map<string, ActiveOrigin> {
    const now = this.deps.now();
    const all = this.deps.guard(() => this.deps.store.activeOrigins(now));
    if (!all) throw new StoreBusyError();
    return new Map(all.map((b) => [b.ip, b]));
  }

  /**
   * Bans `targets` for `feed` (already judged admissible) for `ban` ms (null: until
   * released); `meta` is stored with the last batch. `active`: every ban in force now, by
   * target (read once per poll by the caller). Throws StoreBusyError when the store
   * refuses a batch (the batches before it hold).
   */
  async add(feed: string, ban: number | null, targets: readonly BanTarget[], active: Map<string, ActiveOrigin>, meta?: readonly [string, string], signal?: AbortSignal): Promise<Applied> {
    const origin = originOf(feed);
    const out: Applied = { banned: 0, renewed: 0, already: 0, personReleased: 0 };
    const now = this.deps.now();
    const wanted: BanTarget[] = [];
    for (let i = 0; i < targets.length; i++) {
      if (i > 0 && i % 5000 === 0) await nextTurn();
      const t = targets[i] as BanTarget;
      const b = active.get(t);
      if (!b) {
        const released = this.deps.guard(() => this.deps.store.releasedByPerson(t));
        if (released === undefined) throw new StoreBusyError();
        if (released) out.personReleased++;
        else wanted.push(t);
      }
      else if (b.createdBy !== origin) out.already++;
      else if (b.expiresAt !== null && (ban === null || b.expiresAt - now < ban / 2)) { // half run out, or the feed's bans became permanent
        wanted.push(t);
        out.renewed++;
      }
    }
    out.banned = wanted.length - out.renewed;
    if (wanted.length === 0) {
      if (meta && !this.#commit([], meta)) throw new StoreBusyError();
      return out;
    }
    for (let i = 0; i < wanted.length; i += BATCH) {
      if (signal?.aborted) throw new StoppedError(); // the daemon stops: what is stored holds, the rest comes at the next start
      const at = this.deps.now();
      const until = ban === null ? null : at + ban;
      const bans = wanted.slice(i, i + BATCH).map((ip): NewBan => ({
        ip, reason: `${origin}: on the ${feed} blocklist`, tier: 0, source: 'policy', failures: 0,
        evidence: [{ source: origin, line: 0, text: '' }], accounts: [], createdAt: at, expiresAt: until, createdBy: origin,
      }));
      const last = i + BATCH >= wanted.length;
      if (!this.#commit(bans, last ? meta : undefined)) throw new StoreBusyError();
      for (const b of bans) {
        this.deps.engine.applyBan(b.ip, until, 0, origin);
        active.set(b.ip, { ip: b.ip, createdBy: origin, expiresAt: until });
      }
      await this.deps.enforce(bans.map((b) => ({ op: 'ban' as const, ip: b.ip, until })));
      await nextTurn();
    }
    return out;
  }

  /** Stores `bans` (and `meta`) in one transaction; false if the store could not take them. */
  #commit(bans: readonly NewBan[], meta: readonly [string, string] | undefined): boolean {
    return this.deps.guard(() => {
      this.deps.store.commitProgress([], [], bans, meta ? [meta] : []);
      return true;
    }) === true;
  }

  /** Ends the feed's own bans of `targets` (no longer listed, or no longer allowed here), also in `active`; returns how many ended. */
  async release(feed: string, targets: readonly BanTarget[], signal?: AbortSignal, active?: Map<string, ActiveOrigin>): Promise<number> {
    const origin = originOf(feed);
    let ended = 0;
    for (let i = 0; i < targets.length; i += BATCH) {
      if (signal?.aborted) throw new StoppedError();
      const ops: EnforcerOp[] = [];
      for (const ip of targets.slice(i, i + BATCH)) {
        const now = this.deps.now();
        // Checked again at the moment of release: a ban another origin took over since is not the feed's to end.
        const r = this.deps.guard(() => (this.deps.store.getActiveBan(ip, now)?.createdBy === origin ? this.deps.store.releaseBan(ip, now, origin) : null));
        if (r === undefined) throw new StoreBusyError();
        if (!r) continue;
        this.deps.engine.cancelBan(ip); // the ban ends; the address's counted failures stay
        ops.push({ op: 'unban', ip });
        active?.delete(ip);
        ended++;
      }
      if (ops.length) await this.deps.enforce(ops);
      await nextTurn();
    }
    return ended;
  }
}
