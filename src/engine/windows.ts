/**
 * Sliding windows of event times, one per record id of an {@link AddressTable} owner:
 * the newest times of an address (or an IPv6 network), ascending, at most `max` each.
 *
 * Storage: the common case — one or two times, a botnet's address failing once or
 * twice — lives in two inline Float64 slots per id (exact milliseconds, any date); a
 * longer window (up to the largest tier's count, 12 by default) moves whole into an
 * overflow Map of plain arrays, and back inline when cleared. 18 bytes an id.
 *
 * Invariant: `n[id]` is the window's length; when it is at most 2 the times are
 * `inline[2 id]`, `inline[2 id + 1]`, else they are `overflow.get(id)` (length `n[id]`).
 */
import { grown } from './address-table.js';

/**
 * How far after a failure's own time the window judging it still reaches. Asterisk's
 * log lines carry whole seconds (`[Dec  7 10:00:01]`) while its security events and
 * AMI carry milliseconds, so two reports of one second — one attempt's NOTICE at
 * .000, the previous attempt's security event at .345 — must count together, or the
 * second failure of a fast guesser would not see the first (a ban several guesses
 * late). A report read late (catching up) still never counts failures more than a
 * second after it.
 */
export const SAME_SECOND = 1000;

export class Windows {
  private n: Uint16Array;
  private inline: Float64Array;
  private readonly overflow = new Map<number, number[]>();

  constructor(capacity: number) {
    this.n = new Uint16Array(capacity);
    this.inline = new Float64Array(capacity * 2);
  }

  /** Holds ids below `capacity` (the table's onGrow: larger, or smaller after its compact). */
  grow(capacity: number): void {
    this.n = grown(this.n, capacity);
    this.inline = grown(this.inline, capacity * 2);
  }

  /** How many times the window of `id` holds. */
  length(id: number): number {
    return this.n[id] as number;
  }

  /** The newest time of `id`, or -Infinity for an empty window. */
  newest(id: number): number {
    const n = this.n[id] as number;
    if (n === 0) return Number.NEGATIVE_INFINITY;
    if (n <= 2) return this.inline[2 * id + n - 1] as number;
    const w = this.overflow.get(id) as number[];
    return w[w.length - 1] as number;
  }

  /** Adds `at` in time order; keeps the newest `max` (max ≥ 1). */
  push(id: number, at: number, max: number): void {
    const n = this.n[id] as number;
    if (n < 2 && max >= n + 1) {
      const i = 2 * id;
      if (n === 0) this.inline[i] = at;
      else if (at >= (this.inline[i] as number)) this.inline[i + 1] = at;
      else {
        this.inline[i + 1] = this.inline[i] as number;
        this.inline[i] = at;
      }
      this.n[id] = n + 1;
      return;
    }
    const w = n <= 2 ? this.spill(id, n) : (this.overflow.get(id) as number[]);
    let i = w.length;
    while (i > 0 && (w[i - 1] as number) > at) i--;
    w.splice(i, 0, at);
    if (w.length > max) w.splice(0, w.length - max);
    this.store(id, w);
  }

  /** Times of `id` within `within` ms up to `at` (and those of `at`'s second: SAME_SECOND). */
  count(id: number, at: number, within: number): number {
    const n = this.n[id] as number;
    const from = at - within;
    const to = at + SAME_SECOND;
    let c = 0;
    if (n <= 2) {
      for (let i = n - 1; i >= 0; i--) {
        const t = this.inline[2 * id + i] as number;
        if (t < from) break;
        if (t < to) c++;
      }
      return c;
    }
    const w = this.overflow.get(id) as number[];
    for (let i = w.length - 1; i >= 0; i--) {
      const t = w[i] as number;
      if (t < from) break;
      if (t < to) c++; // a time read late (catching up) counts in the window ending at it, not with later ones
    }
    return c;
  }

  /** Empties the window of `id` (a release, a prune, an id handed out again). */
  clear(id: number): void {
    if ((this.n[id] as number) > 2) this.overflow.delete(id);
    this.n[id] = 0;
  }

  /** Moves the window of `from` to `to` (free) and empties `from` (the table's compact). */
  move(from: number, to: number): void {
    const n = this.n[from] as number;
    this.n[to] = n;
    this.inline[2 * to] = this.inline[2 * from] as number;
    this.inline[2 * to + 1] = this.inline[2 * from + 1] as number;
    if (n > 2) {
      this.overflow.set(to, this.overflow.get(from) as number[]);
      this.overflow.delete(from);
    }
    this.n[from] = 0;
  }

  /** The times of `id`, ascending (tests). */
  times(id: number): number[] {
    const n = this.n[id] as number;
    if (n > 2) return [...(this.overflow.get(id) as number[])];
    return Array.from(this.inline.subarray(2 * id, 2 * id + n));
  }

  /** The inline times of `id` as an array with room for one more. */
  private spill(id: number, n: number): number[] {
    return n === 0 ? [] : n === 1 ? [this.inline[2 * id] as number] : [this.inline[2 * id] as number, this.inline[2 * id + 1] as number];
  }

  /** Puts a window back: inline when it fits, else in the overflow. */
  private store(id: number, w: number[]): void {
    if (w.length <= 2) {
      this.overflow.delete(id);
      for (let i = 0; i < w.length; i++) this.inline[2 * id + i] = w[i] as number;
    } else this.overflow.set(id, w);
    this.n[id] = w.length;
  }
}
