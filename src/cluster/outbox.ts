/**
 * What this node publishes, waiting for Redis: the runner hands a message over and goes
 * on (`publish` never waits, never throws); the outbox sends in batches (one pipelined
 * round trip of XADDs per batch) whenever the link is up and nothing is in flight.
 *
 * Invariants: messages leave in the order they came, bans and releases before failures
 * (a cut-off node's bans matter more than its counts); each message gets its identity
 * (`eid`) once, so a batch sent again after a broken connection carries the same ones
 * and receivers drop the copies; what waits is bounded (`max` per queue): beyond it the
 * oldest tenth is dropped, counted and said once per episode.
 */
import { randomBytes } from 'node:crypto';
import type { Log } from '../domain/log.js';
import type { ClusterMessage } from './types.js';
import { encode } from './wire.js';

/** One entry to append: the stream (`bans` or `failures`) and its fields. */
export interface Entry {
  readonly stream: 'bans' | 'failures';
  readonly fields: readonly string[];
}

/** Sends entries; resolves with how many of the first ones Redis took (the rest are sent again), rejects if none. */
export type Send = (batch: readonly Entry[]) => Promise<number>;

/** The outbox's counters. */
export interface OutboxStats {
  readonly waiting: number;
  readonly published: number;
  readonly dropped: number;
}

const BATCH = 500;

export class Outbox {
  readonly #bans: Entry[] = [];
  readonly #failures: Entry[] = [];
  readonly #boot: string;
  #seq = 0;
  #inFlight = false;
  #scheduled = false;
  #up = false;
  #published = 0;
  #dropped = 0;
  #saidDrop = false;
  #retry: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly origin: string,
    private readonly send: Send,
    private readonly log: Pick<Log, 'warn'>,
    private readonly max = 100_000,
  ) {
    this.#boot = randomBytes(4).toString('hex');
  }

  /** Queues `m` for the cluster; returns at once. */
  publish(m: ClusterMessage): void {
    const eid = `${this.#boot}.${(this.#seq++).toString(36)}`;
    const q = m.type === 'failure' ? this.#failures : this.#bans;
    q.push({ stream: m.type === 'failure' ? 'failures' : 'bans', fields: encode(m, this.origin, eid) });
    if (q.length > this.max) this.#drop(q);
    this.#soon();
  }

  /** The link is up (or down): sending starts again at once when up. */
  setUp(up: boolean): void {
    this.#up = up;
    if (up) this.#soon();
  }

  get stats(): OutboxStats {
    return { waiting: this.#bans.length + this.#failures.length, published: this.#published, dropped: this.#dropped };
  }

  /** Sends what waits, batch after batch, until empty, down, or `deadline` (ms from now) passed; then stops retrying. For stop. */
  async drain(deadlineMs: number): Promise<void> {
    const end = performance.now() + deadlineMs;
    while (this.#up && this.stats.waiting > 0 && performance.now() < end) {
      if (this.#inFlight) await new Promise((r) => setTimeout(r, 5));
      else await this.#flush();
    }
    this.#up = false;
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
  }

  #soon(): void {
    if (this.#scheduled || this.#inFlight || !this.#up) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    if (this.#inFlight || !this.#up) return;
    const batch = [...this.#bans.splice(0, BATCH)];
    const room = BATCH - batch.length;
    if (room > 0) batch.push(...this.#failures.splice(0, room));
    if (batch.length === 0) return;
    this.#inFlight = true;
    let taken = 0;
    try {
      taken = await this.send(batch);
    } catch {
      taken = 0; // the link says why, once per episode
    }
    this.#inFlight = false;
    this.#published += taken;
    // What Redis did not take goes back in front, in order, with its identities.
    const back = batch.slice(taken);
    this.#bans.unshift(...back.filter((e) => e.stream === 'bans'));
    this.#failures.unshift(...back.filter((e) => e.stream === 'failures'));
    if (this.#bans.length + this.#failures.length === 0) this.#saidDrop = false;
    if (taken > 0) this.#soon();
    else if (back.length > 0 && !this.#retry) {
      // Nothing went through though the link looked up: try again shortly (a link that went down calls setUp when back).
      this.#retry = setTimeout(() => {
        this.#retry = null;
        this.#soon();
      }, 200);
      this.#retry.unref?.();
    }
  }

  #drop(q: Entry[]): void {
    const n = Math.ceil(q.length / 10);
    q.splice(0, n);
    this.#dropped += n;
    if (this.#saidDrop) return;
    this.#saidDrop = true;
    this.log.warn({ dropped: n, waiting: this.stats.waiting }, 'cluster: too much waits for Redis; dropped the oldest messages (this PBX\'s own protection is unaffected)');
  }
}
