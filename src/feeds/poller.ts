/**
 * The feed poller: fetches each enabled feed on its own schedule and puts what it lists
 * into force (apply.ts) as bans of origin `feed:<name>`, with the feed's length.
 *
 * Invariants:
 * - One poll per feed at a time; requests of one feed at least `minGapMs` apart (APIBAN's
 *   pages too), and a feed is due again `every` after its last poll — kept in the store
 *   (`feed:<name>:state`), so a restart neither re-fetches at once nor forgets.
 * - A failed poll (unreachable, refused, rate-limited, not a list) changes no ban: the
 *   feed's bans stay in force. It is said once when the trouble starts (log and status),
 *   and once when it ends, not at each poll; the next try backs off (1 min doubling up to
 *   `every`), and waits at least what the server asked (Retry-After).
 * - APIBAN's position (`feed:<name>:last_id`) is stored with the bans of each page.
 * - A list's answer with no valid entry is a failure, not an empty list: an error page
 *   never releases the feed's bans. A list that shrinks releases exactly the feed's own
 *   bans it no longer lists (and those the zones or limits no longer allow).
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { FeedConfig } from '../config/feeds.js';
import type { BanTarget } from '../domain/ip.js';
import type { Log } from '../domain/log.js';
import type { ZoneOf } from '../engine/zones.js';
import type { Store } from '../store/index.js';
import { APIBAN_FIRST_ID, APIBAN_MAX_PAGES, APIBAN_PAGE, apibanUrl, readApiban } from './apiban.js';
import { originOf, type FeedBans } from './apply.js';
import { FeedFetchError, fetchText } from './fetch.js';
import { admissible, parseListYielding, skipReason, type Skip, type Widest } from './list.js';
import { readKey, readListText } from './source.js';

/** What `sipwarden feeds`, the status and the logs say of one feed. */
export interface FeedHealth {
  readonly name: string;
  readonly type: FeedConfig['type'];
  readonly enabled: boolean;
  readonly state: 'waiting' | 'ok' | 'failing';
  readonly lastOkAt: number | null;
  readonly lastAttemptAt: number | null;
  readonly nextAt: number | null;
  /** The trouble now (null: none). */
  readonly error: string | null;
  /** Entries the last good poll read (a list: all it lists; APIBAN: the new ones). */
  readonly listed: number;
  readonly bad: number;
  readonly badFirst: readonly string[];
  readonly skipped: Readonly<Record<Skip, number>>;
  /** This feed's bans in force after the last poll. */
  readonly banned: number;
  /** APIBAN: the ID the next request asks with. */
  readonly lastId: string | null;
}

export interface FeedPollerDeps {
  readonly feeds: readonly FeedConfig[];
  readonly bans: FeedBans;
  /** The engine's zones (they follow the dashboard's edits). */
  readonly zoneOf: ZoneOf;
  readonly widest: Widest;
  readonly store: Pick<Store, 'getMeta' | 'setMeta'>;
  readonly guard: <T>(fn: () => T) => T | undefined;
  readonly log: Pick<Log, 'info' | 'warn'>;
  readonly now: () => number;
  readonly env?: NodeJS.ProcessEnv;
  /** Least time between two requests of one feed, ms (default 3000). */
  readonly minGapMs?: number;
  /** How a poll waits between requests (tests record it). */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly timeoutMs?: number;
}

/** The key of the sweep in the running polls (no feed name can be it). */
const SWEEP = ' sweep';
const NO_SKIPS: Record<Skip, number> = { protected: 0, internal: 0, too_wide: 0, released: 0 };
const stateKey = (name: string) => `feed:${name}:state`;
/** The meta key of an APIBAN feed's position. */
export const lastIdKey = (name: string) => `feed:${name}:last_id`;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class FeedPoller {
  readonly #health = new Map<string, Mutable<FeedHealth>>();
  readonly #running = new Map<string, Promise<void>>();
  readonly #failures = new Map<string, number>();
  readonly #stop = new AbortController();
  #swept = false;
  /** Feeds whose failure this run has said. */
  readonly #said = new Set<string>();

  constructor(private readonly deps: FeedPollerDeps) {
    const now = deps.now();
    for (const f of deps.feeds) {
      const saved = readState(deps.guard(() => deps.store.getMeta(stateKey(f.name))) ?? null);
      const lastId = f.type === 'apiban' ? deps.guard(() => deps.store.getMeta(lastIdKey(f.name))) ?? null : null;
      const nextAt = f.enabled ? Math.min(Math.max(saved.nextAt ?? now, now), now + f.every) : null;
      this.#health.set(f.name, {
        name: f.name, type: f.type, enabled: f.enabled, state: saved.state ?? 'waiting', lastOkAt: saved.lastOkAt ?? null, lastAttemptAt: saved.lastAttemptAt ?? null,
        nextAt, error: saved.error ?? null, listed: saved.listed ?? 0, bad: saved.bad ?? 0, badFirst: saved.badFirst ?? [], skipped: saved.skipped ?? { ...NO_SKIPS }, banned: saved.banned ?? 0, lastId,
      });
    }
  }

  /** Every feed's health now, in config order. */
  health(): FeedHealth[] {
    return this.deps.feeds.map((f) => ({ ...(this.#health.get(f.name) as FeedHealth) }));
  }

  /** The daemon's timer (every second): starts each due feed's poll in the background (first: the sweep of removed feeds' bans). */
  tick(): void {
    if (this.#stop.signal.aborted) return;
    if (!this.#swept) {
      this.#swept = true;
      const sweep = this.#sweep().catch((e: Error) => this.deps.log.warn({ error: e.message }, 'cannot end the bans of feeds no longer configured now; trying again at the next start'));
      this.#running.set(SWEEP, sweep.finally(() => this.#running.delete(SWEEP)));
    }
    const now = this.deps.now();
    for (const f of this.deps.feeds) {
      const h = this.#health.get(f.name);
      if (!f.enabled || !h || h.nextAt === null || h.nextAt > now || this.#running.has(f.name) || this.#stop.signal.aborted) continue;
      void this.pollNow(f.name);
    }
  }

  /** Polls one feed now (or joins the poll running); resolves with its health after. Never rejects. */
  pollNow(name: string): Promise<FeedHealth> {
    const feed = this.deps.feeds.find((f) => f.name === name);
    const h = this.#health.get(name);
    if (!feed || !h) return Promise.reject(new Error(`no feed named ${name}`));
    const running = this.#running.get(name) ?? this.#poll(feed, h).finally(() => this.#running.delete(name));
    this.#running.set(name, running);
    return running.then(() => ({ ...h }));
  }

  /** Stops: the requests under way are aborted, and what was stored stays. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await Promise.allSettled([...this.#running.values()]);
  }

  async #poll(feed: FeedConfig, h: Mutable<FeedHealth>): Promise<void> {
    h.lastAttemptAt = this.deps.now();
    const said = JSON.stringify([h.bad, h.badFirst, h.skipped]);
    try {
      if (feed.type === 'apiban') await this.#apiban(feed, h);
      else await this.#list(feed, h);
      this.#ok(feed, h, said !== JSON.stringify([h.bad, h.badFirst, h.skipped]));
    } catch (e) {
      this.#failed(feed, h, e);
    }
    this.deps.guard(() => this.deps.store.setMeta(stateKey(feed.name), JSON.stringify({ ...h, lastId: undefined })));
  }

  async #list(feed: FeedConfig, h: Mutable<FeedHealth>): Promise<void> {
    const text = await readListText(feed, this.deps.now(), this.#stop.signal, this.deps.timeoutMs);
    const list = await parseListYielding(text);
    if (list.entries.length === 0) {
      throw new FeedFetchError(list.bad.count ? `its answer is not a list of addresses (${list.bad.count} bad lines, first ${list.bad.first.join(', ')})` : 'its answer is empty');
    }
    const { targets, skipped } = await admissible(list.entries, this.deps.zoneOf, this.deps.widest);
    const active = this.deps.bans.active();
    skipped.released += (await this.deps.bans.add(feed.name, feed.ban, targets, active, undefined, this.#stop.signal)).personReleased;
    const keep = new Set<string>(targets);
    const gone = [...this.#owned(feed, active)].filter((t) => !keep.has(t));
    const released = gone.length ? await this.deps.bans.release(feed.name, gone, this.#stop.signal, active) : 0;
    if (released) this.deps.log.info({ feed: feed.name, released }, 'feed no longer lists some of its addresses: their bans ended');
    Object.assign(h, { listed: list.entries.length, bad: list.bad.count, badFirst: list.bad.first, skipped, banned: this.#owned(feed, active).length });
  }

  async #apiban(feed: FeedConfig, h: Mutable<FeedHealth>): Promise<void> {
    const key = await readKey(feed.key, this.deps.env ?? process.env);
    const sleep = this.deps.sleep ?? ((ms, signal) => sleepFor(ms, undefined, { signal }));
    const gap = this.deps.minGapMs ?? 3000;
    let id = h.lastId ?? APIBAN_FIRST_ID;
    const totals = { listed: 0, bad: 0, badFirst: [] as string[], skipped: { ...NO_SKIPS } };
    const active = this.deps.bans.active();
    // Bans the zones or limits no longer allow end first (networks edited in the dashboard).
    await this.#releaseRefused(feed, active);
    for (let page = 0; page < APIBAN_MAX_PAGES; page++) {
      if (page > 0) await sleep(gap, this.#stop.signal);
      const r = await fetchText(apibanUrl(feed.url ?? '', key, id), { maxBytes: 4 * 1024 * 1024, timeoutMs: this.deps.timeoutMs ?? 60_000, signal: this.#stop.signal }, this.deps.now());
      const p = readApiban(r);
      if (p.kind === 'up_to_date') break;
      const { targets, skipped } = await admissible(p.targets, this.deps.zoneOf, this.deps.widest);
      skipped.released += (await this.deps.bans.add(feed.name, feed.ban, targets, active, [lastIdKey(feed.name), p.next], this.#stop.signal)).personReleased;
      h.lastId = p.next;
      totals.listed += p.targets.length;
      totals.bad += p.bad;
      totals.badFirst.push(...p.badFirst.slice(0, 3 - totals.badFirst.length));
      for (const k of Object.keys(skipped) as Skip[]) totals.skipped[k] += skipped[k];
      if (p.size < APIBAN_PAGE || p.next === id) break;
      id = p.next;
    }
    Object.assign(h, { ...totals, banned: this.#owned(feed, active).length });
  }

  /** Ends the bans of feeds no longer configured, or disabled (`enabled: false`): nobody renews them any more. */
  async #sweep(): Promise<void> {
    const kept = new Set(this.deps.feeds.filter((f) => f.enabled).map((f) => originOf(f.name)));
    const orphans = new Map<string, BanTarget[]>();
    for (const b of this.deps.bans.active().values()) {
      if (!b.createdBy?.startsWith('feed:') || kept.has(b.createdBy)) continue;
      orphans.set(b.createdBy, [...(orphans.get(b.createdBy) ?? []), b.ip]);
    }
    for (const [origin, targets] of orphans) {
      const ended = await this.deps.bans.release(origin.slice('feed:'.length), targets, this.#stop.signal);
      this.deps.log.info({ origin, ended }, 'a feed no longer configured (or disabled): its bans ended');
    }
  }

  /** The feed's own bans in force (targets). */
  #owned(feed: FeedConfig, active: ReturnType<FeedBans['active']>): BanTarget[] {
    const origin = originOf(feed.name);
    return [...active.values()].filter((b) => b.createdBy === origin).map((b) => b.ip);
  }

  async #releaseRefused(feed: FeedConfig, active: ReturnType<FeedBans['active']>): Promise<void> {
    const refused = this.#owned(feed, active).filter((t) => skipReason(t, this.deps.zoneOf, this.deps.widest) !== null);
    if (refused.length) await this.deps.bans.release(feed.name, refused, this.#stop.signal, active);
  }

  /** `changed`: the bad lines or skipped entries differ from the last poll's (said once, not at every poll). */
  #ok(feed: FeedConfig, h: Mutable<FeedHealth>, changed: boolean): void {
    const now = this.deps.now();
    if (h.state === 'failing') this.deps.log.info({ feed: feed.name }, 'feed readable again');
    this.#said.delete(feed.name);
    this.#failures.delete(feed.name);
    Object.assign(h, { state: 'ok', lastOkAt: now, error: null, nextAt: now + feed.every });
    const s = h.skipped;
    if (changed && h.bad) this.deps.log.warn({ feed: feed.name, bad: h.bad, first: h.badFirst }, 'feed has lines that are no address or network; they were skipped');
    if (changed && s.protected + s.internal + s.too_wide + s.released) this.deps.log.warn({ feed: feed.name, ...s }, 'feed lists addresses this PBX never bans (protected, internal, wider than limits.widest_*_ban, or released by a person); they were skipped');
    this.deps.log.info({ feed: feed.name, listed: h.listed, banned: h.banned, lastId: h.lastId ?? undefined }, 'feed read');
  }

  #failed(feed: FeedConfig, h: Mutable<FeedHealth>, e: unknown): void {
    const now = this.deps.now();
    const n = (this.#failures.get(feed.name) ?? 0) + 1;
    this.#failures.set(feed.name, n);
    const message = e instanceof Error && (e.name === 'FeedFetchError' || e.name === 'StoreBusyError') ? e.message : `unexpected error: ${String((e as Error)?.message ?? e).slice(0, 200)}`;
    const asked = e instanceof FeedFetchError ? (e.retryAfterMs ?? 0) : 0;
    const backoff = Math.min(feed.every, 60_000 * 2 ** Math.min(n - 1, 10));
    const nextAt = now + Math.max(asked, backoff, this.deps.minGapMs ?? 3000);
    if (this.#stop.signal.aborted) return;
    // Said once per episode in this run (a failure stored by the run before is said again once, so today's log has it).
    if (!this.#said.has(feed.name)) this.deps.log.warn({ feed: feed.name, error: message, retryAt: new Date(nextAt).toISOString() }, 'feed cannot be read; its bans stay in force (said once until it can be read again)');
    this.#said.add(feed.name);
    Object.assign(h, { state: 'failing', error: message, nextAt });
  }
}

/** A saved state, each field checked (the store is ours, but a field may be missing after an upgrade). */
function readState(text: string | null): Partial<FeedHealth> {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
    const state = v.state === 'ok' || v.state === 'failing' ? v.state : 'waiting';
    return {
      state, lastOkAt: num(v.lastOkAt), lastAttemptAt: num(v.lastAttemptAt), nextAt: num(v.nextAt), error: typeof v.error === 'string' ? v.error : null,
      listed: num(v.listed) ?? 0, bad: num(v.bad) ?? 0, banned: num(v.banned) ?? 0,
      badFirst: Array.isArray(v.badFirst) ? v.badFirst.filter((x): x is string => typeof x === 'string').slice(0, 3) : [],
      skipped: { protected: num((v.skipped as Record<string, unknown>)?.protected) ?? 0, internal: num((v.skipped as Record<string, unknown>)?.internal) ?? 0, too_wide: num((v.skipped as Record<string, unknown>)?.too_wide) ?? 0, released: num((v.skipped as Record<string, unknown>)?.released) ?? 0 },
    };
  } catch {
    return {};
  }
}
