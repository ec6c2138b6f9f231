/**
 * The notifier: takes every alert sipwarden raises and gets it to a person through the
 * configured channels, without ever slowing or stopping protection.
 *
 * - Only the kinds the settings opt in to are sent (the failed-auth and daemon logs
 *   have every alert anyway); the same kind about the same subject once per `quiet`.
 * - At most `digestAfter` alerts per `digestWindow`; the rest wait for one digest at the
 *   window's end (limiter.ts).
 * - `send` never throws and never waits: each channel has a queue of at most
 *   {@link QUEUE_CAP} messages sent one at a time; a full queue drops its oldest, counted
 *   and said. A failing channel is logged once per episode (and once when it works
 *   again), with no password in the words.
 *
 * Invariant: one notifier per daemon, so its de-duplication and digest see every alert.
 */
import os from 'node:os';
import type { AlertsConfig } from '../config/alerts.js';
import type { Log } from '../domain/log.js';
import { channelsOf, type Channel } from './channels.js';
import { digestMessage, testMessage } from './digest.js';
import { Limiter, type Digest } from './limiter.js';
import { messageOf, type AlertMessage, type NotifyAlert } from './message.js';

/** Most messages waiting per channel; beyond, the oldest is dropped. */
export const QUEUE_CAP = 100;

/** The settings the notifier consumes (the `alerts:` section, live from the dashboard). */
export type NotifierSettings = Pick<AlertsConfig, 'command' | 'webhook' | 'email' | 'kinds' | 'quiet' | 'digestAfter' | 'digestWindow'>;

export interface NotifierOptions {
  readonly settings: NotifierSettings;
  readonly log: Pick<Log, 'warn' | 'error'>;
  /** This host's name in every alert (default `os.hostname()`). */
  readonly host?: string;
  /** The dashboard's base URL for the links (null: no link). */
  readonly dashboard?: string | null;
  /** The clock (default Date.now). */
  readonly now?: () => number;
  /** Timers, for tests with a fake clock (default the global ones). */
  readonly timers?: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(t: unknown): void };
}

/** One channel's answer to the test alert. */
export interface ChannelResult {
  readonly channel: Channel['name'];
  readonly target: string;
  readonly ok: boolean;
  readonly error: string | null;
}

/** Counters for the status. */
export interface NotifierHealth {
  sent: number;
  duplicates: number;
  held: number;
  digests: number;
  dropped: number;
  failed: number;
}

/** A channel with its queue and its failure episode. */
class Outlet {
  private readonly queue: AlertMessage[] = [];
  private busy: Promise<void> | null = null;
  private failing = 0;
  private droppedInEpisode = 0;

  constructor(readonly channel: Channel, private readonly log: NotifierOptions['log'], private readonly health: NotifierHealth) {}

  push(m: AlertMessage): void {
    this.queue.push(m);
    if (this.queue.length > QUEUE_CAP) {
      this.queue.shift();
      this.health.dropped++;
      if (this.droppedInEpisode++ === 0) {
        this.log.error({ channel: this.channel.name, target: this.channel.target, queued: QUEUE_CAP }, `alerts are arriving faster than the ${this.channel.name} channel sends them: the oldest waiting are dropped (counted)`);
      }
    }
    this.busy ??= this.drain();
  }

  /** Resolves once the queue is empty. */
  idle(): Promise<void> {
    return this.busy ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    for (let m = this.queue.shift(); m; m = this.queue.shift()) {
      try {
        await this.channel.send(m);
        this.health.sent++;
        if (this.failing) this.log.warn({ channel: this.channel.name, target: this.channel.target, failed: this.failing }, `alert ${this.channel.name} works again after ${this.failing} failed sends`);
        this.failing = 0;
      } catch (e) {
        this.health.failed++;
        if (this.failing++ === 0) this.log.error({ channel: this.channel.name, target: this.channel.target, err: (e as Error).message }, `alert ${this.channel.name} failed; said once until it works again`);
      }
    }
    if (this.droppedInEpisode) this.log.warn({ channel: this.channel.name, dropped: this.droppedInEpisode }, `the ${this.channel.name} channel caught up; ${this.droppedInEpisode} alerts were dropped meanwhile`);
    this.droppedInEpisode = 0;
    this.busy = null;
  }
}

export class Notifier {
  private settings: NotifierSettings;
  private outlets: Outlet[];
  private readonly limiter: Limiter;
  private readonly host: string;
  private readonly now: () => number;
  private readonly timers: NonNullable<NotifierOptions['timers']>;
  private timer: unknown = null;
  private readonly counts: NotifierHealth = { sent: 0, duplicates: 0, held: 0, digests: 0, dropped: 0, failed: 0 };

  constructor(private readonly opts: NotifierOptions) {
    this.settings = opts.settings;
    this.host = opts.host ?? os.hostname();
    this.now = opts.now ?? Date.now;
    this.timers = opts.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms).unref(), clearTimeout: (t) => clearTimeout(t as NodeJS.Timeout) };
    this.outlets = this.outletsOf(opts.settings);
    this.limiter = new Limiter(limits(opts.settings));
  }

  /** New settings (the dashboard's): new channels for what follows; what is queued goes out on the old ones. */
  configure(settings: NotifierSettings): void {
    this.settings = settings;
    this.outlets = this.outletsOf(settings);
    this.limiter.configure(limits(settings));
  }

  /**
   * Takes one alert at `now`: sent, held for the digest, or not sent (a kind not opted
   * in, or the same `key` — by default kind and subject — within the quiet time).
   * Returns whether it will reach a person. Never throws, never waits.
   */
  send(alert: NotifyAlert, now: number, key = `${alert.kind}|${alert.ip}|${alert.ip === '-' ? alert.service : ''}`): boolean {
    try {
      if (!this.settings.kinds.includes(alert.kind) || this.outlets.length === 0) return false;
      this.closeWindow(now);
      const m = messageOf(alert, this.host, this.opts.dashboard ?? null);
      const verdict = this.limiter.offer(key, m, now);
      if (verdict === 'duplicate') {
        this.counts.duplicates++;
        return false;
      }
      if (verdict === 'held') this.counts.held++;
      else for (const o of this.outlets) o.push(m);
      this.arm();
      return true;
    } catch (e) {
      this.opts.log.error({ kind: alert.kind, err: (e as Error).message }, 'cannot send an alert');
      return false;
    }
  }

  /** Sends a test alert through every channel of `settings` (default: those in force) now, and says how each fared. */
  async test(settings: Pick<AlertsConfig, 'command' | 'webhook' | 'email'> = this.settings, actor = 'a person'): Promise<ChannelResult[]> {
    const m = testMessage(this.host, this.now(), this.opts.dashboard ?? null, actor);
    return Promise.all(channelsOf(settings).map(async (c) => {
      try {
        await c.send(m);
        return { channel: c.name, target: c.target, ok: true, error: null };
      } catch (e) {
        return { channel: c.name, target: c.target, ok: false, error: (e as Error).message };
      }
    }));
  }

  /** Sends what is held now (at stop) and waits for the queues, at most `timeoutMs`. */
  async stop(timeoutMs = 5000): Promise<void> {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.emit(this.limiter.due(this.now(), true));
    await this.idle(timeoutMs);
  }

  /** Resolves when every queue is empty, or after `timeoutMs`. */
  async idle(timeoutMs = 5000): Promise<void> {
    let t: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((r) => {
      t = setTimeout(r, timeoutMs);
    });
    await Promise.race([Promise.all(this.outlets.map((o) => o.idle())), timeout]);
    clearTimeout(t);
  }

  health(): Readonly<NotifierHealth> {
    return { ...this.counts };
  }

  private outletsOf(s: NotifierSettings): Outlet[] {
    return channelsOf(s).map((c) => new Outlet(c, this.opts.log, this.counts));
  }

  /** Sends the digest of a window that ended by `now`. */
  private closeWindow(now: number): void {
    this.emit(this.limiter.due(now));
  }

  private emit(d: Digest | null): void {
    if (!d) return;
    this.counts.digests++;
    const m = digestMessage(d, this.host, this.opts.dashboard ?? null);
    for (const o of this.outlets) o.push(m);
  }

  /** A timer for the end of the open window (its digest must not wait for the next alert). */
  private arm(): void {
    const at = this.limiter.nextDueAt();
    if (at === null || this.timer !== null) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.closeWindow(this.now());
      this.arm();
    }, Math.max(0, at - this.now()));
  }
}

function limits(s: NotifierSettings) {
  return { quietMs: s.quiet, max: s.digestAfter, windowMs: s.digestWindow };
}
