/**
 * Giving memory back after a burst.
 *
 * V8 collects its old generation only when that grows past a limit which rises with the
 * heap, and its memory reducer starts only after such a collection. So after a flood the
 * daemon kept the garbage of the flood for as long as it then stayed quiet: 100,000
 * banned attackers left 140 MB of heap in use 30 s later, of which 79 MB was live.
 *
 * Contract: `tick()` (once a second) runs one full collection when the heap in use has
 * grown by at least `growth` bytes since the last one and no event was handled during the
 * last `quietMs`; never while events come in (an attack in progress pays no pause), and
 * at most once per quiet spell. Without a collector to call it does nothing.
 */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface MemorySettlerOptions {
  /** A number that changes whenever the daemon handles something (events handled). */
  readonly activity: () => number;
  /** Bytes of heap in use now. */
  readonly heapUsed?: () => number;
  /** A full collection; null: none available. */
  readonly collect?: (() => void) | null;
  /** Growth of the heap in use that makes a collection worth its pause. */
  readonly growth?: number;
  /** How long nothing must have happened. */
  readonly quietMs?: number;
  readonly now?: () => number;
  /** Told after each collection: the heap in use before and after, in bytes. */
  readonly settled?: (before: number, after: number) => void;
}

/** Growth since the last collection that makes one worth it (a flood of tens of thousands of addresses). */
const GROWTH = 32 * 1024 * 1024;
const QUIET_MS = 3000;

export class MemorySettler {
  private base: number;
  private lastActivity: number;
  private lastChange: number;
  private readonly heapUsed: () => number;
  private readonly now: () => number;
  private readonly collect: (() => void) | null;

  constructor(private readonly opts: MemorySettlerOptions) {
    this.heapUsed = opts.heapUsed ?? (() => v8.getHeapStatistics().used_heap_size);
    this.now = opts.now ?? Date.now;
    this.collect = opts.collect === undefined ? fullCollector() : opts.collect;
    this.base = this.heapUsed();
    this.lastActivity = opts.activity();
    this.lastChange = this.now();
  }

  /** See the module comment; returns whether it collected. */
  tick(): boolean {
    const now = this.now();
    const activity = this.opts.activity();
    if (activity !== this.lastActivity) {
      this.lastActivity = activity;
      this.lastChange = now;
      return false;
    }
    if (this.collect === null || now - this.lastChange < (this.opts.quietMs ?? QUIET_MS)) return false;
    const before = this.heapUsed();
    if (before - this.base < (this.opts.growth ?? GROWTH)) return false;
    this.collect();
    const after = this.heapUsed();
    this.base = after;
    this.opts.settled?.(before, after);
    return true;
  }
}

/**
 * V8's full collection, or null. `gc` is a function V8 puts on new contexts once
 * `--expose-gc` is set; setting it at run time exposes nothing else.
 */
export function fullCollector(): (() => void) | null {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('typeof gc === "function" ? gc : null');
    return typeof gc === 'function' ? () => (gc as () => void)() : null;
  } catch {
    return null;
  }
}
