/**
 * Giving memory back after a burst.
 *
 * V8 collects its old generation only when that grows past a limit which rises with the
 * heap, and its memory reducer starts only after such a collection. So after a flood the
 * daemon kept the garbage of the flood for as long as it then stayed quiet: 100,000
 * banned attackers left 140 MB of heap in use 30 s later, of which 53 MB was live.
 *
 * Contract: `tick()` (once a second) runs one full collection when the process's resident
 * memory has grown by at least `growth` bytes since the last one (or since start) and no
 * event was handled during the last `quietMs`; never while events come in (an attack in progress pays no pause), and
 * at most once per quiet spell. Without a collector to call it does nothing. The
 * collection stops the thread for 50-200 ms (100,000 addresses): an attack that begins in
 * exactly that moment has its first ban that much later.
 *
 * After the collection, `trim` hands the malloc arenas' free pages back to the system
 * (glibc's malloc_trim, native/memtrim.c): SQLite, Node's buffers and the store's thread
 * free memory there during a flood that glibc otherwise keeps resident (9 MB after
 * 100,000 banned attackers; the call takes about 5 ms).
 *
 * Growth is measured on the resident memory, not on V8's heap: with the heap kept tight
 * (the CLI sets V8's heap growing to 20 %), a burst grows V8's heap little and the rest
 * (malloc, typed arrays) a lot, and the trim is what gives that back.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface MemorySettlerOptions {
  /** A number that changes whenever the daemon handles something (events handled). */
  readonly activity: () => number;
  /** Bytes of memory the process holds now (default: its resident set). */
  readonly size?: () => number;
  /** A full collection; null: none available. */
  readonly collect?: (() => void) | null;
  /** Gives the allocator's free memory back to the system, after the collection; null: none available. */
  readonly trim?: (() => void) | null;
  /** Growth of the memory held that makes a collection worth its pause. */
  readonly growth?: number;
  /** How long nothing must have happened. */
  readonly quietMs?: number;
  readonly now?: () => number;
  /** Told after each collection: the memory held before and after (see `size`), in bytes, and how long it took. */
  readonly settled?: (before: number, after: number, ms: number) => void;
}

/** Growth since the last collection that makes one worth it (a flood of tens of thousands of addresses). */
const GROWTH = 32 * 1024 * 1024;
const QUIET_MS = 3000;

export class MemorySettler {
  private base: number;
  private lastActivity: number;
  private lastChange: number;
  private readonly size: () => number;
  private readonly now: () => number;
  private readonly collect: (() => void) | null;
  private readonly trim: (() => void) | null;

  constructor(private readonly opts: MemorySettlerOptions) {
    this.size = opts.size ?? (() => process.memoryUsage.rss());
    this.now = opts.now ?? (() => performance.now()); // monotonic: a clock set back never holds a collection off
    this.collect = opts.collect === undefined ? fullCollector() : opts.collect;
    this.trim = opts.trim === undefined ? mallocTrimmer() : opts.trim;
    this.base = this.size();
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
    const before = this.size();
    if (before - this.base < (this.opts.growth ?? GROWTH)) return false;
    const t0 = performance.now();
    this.collect();
    this.trim?.();
    const after = this.size();
    this.base = after;
    this.opts.settled?.(before, after, performance.now() - t0);
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
    if (typeof gc !== 'function') return null;
    return () => {
      // Compacting this one: a flood's survivors are spread thin over pages full of its
      // garbage, and only emptied pages go back to the system (a 100,000-address flood
      // kept 90 MB of old generation for 46 MB of live objects without it).
      const compact = setFlag('--compact-on-every-full-gc');
      try {
        // With no options: given an options object V8 11 treats the stack as holding heap
        // pointers and keeps what the caller's frames may still reach.
        (gc as () => void)();
      } finally {
        if (compact) setFlag('--no-compact-on-every-full-gc');
      }
    };
  } catch {
    return null;
  }
}

/** Sets a V8 flag; false if setting it threw (V8 only prints a warning for a flag it does not know; the collection then runs as V8 chooses). */
function setFlag(flag: string): boolean {
  try {
    v8.setFlagsFromString(flag);
    return true;
  } catch {
    return false;
  }
}

/** Where scripts/build-native puts the malloc_trim addon. */
export const TRIM_ADDON_PATH = fileURLToPath(new URL('../../build/native/memtrim.node', import.meta.url));

/** glibc's malloc_trim(0) through the addon at `path`, or null if it is not built or cannot be loaded (another C library, another platform). */
export function mallocTrimmer(path = TRIM_ADDON_PATH): (() => void) | null {
  if (!existsSync(path)) return null;
  try {
    const addon = createRequire(import.meta.url)(path) as { trim?: unknown };
    const trim = addon.trim;
    if (typeof trim !== 'function') return null;
    return () => void (trim as () => boolean)();
  } catch {
    return null;
  }
}
