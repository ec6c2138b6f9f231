/**
 * Opening the store for the daemon, which must not crash-loop on a broken store: a
 * locked, full or unwritable file is retried with backoff (saying each time what to
 * do), a damaged one is kept aside and a fresh store opened in its place.
 *
 * The CLI keeps using {@link Store.open}, which fails at once with one clear line.
 */
import { statSync } from 'node:fs';
import { classifyFault, FaultTracker, isCorruption, type FaultCause, type FaultEpisode } from './fault.js';
import { setAsideFiles, Store, type StoreOptions } from './store.js';
import type { Log } from '../domain/log.js';

export type ResilientOpenLog = Pick<Log, 'info' | 'error'>;

export interface ResilientOpenOptions extends StoreOptions {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: ResilientOpenLog;
  /** Resolves when the daemon is told to stop: waiting for the store ends (the result is null). */
  readonly stopped?: Promise<unknown>;
  /** Longest wait between two attempts, ms. Default 30 s. */
  readonly maxDelayMs?: number;
  /** Reads the start will need (e.g. `store.probe(since)`); a damaged file found here is kept aside too. */
  readonly probe?: (store: Store) => void;
  /** A second look at a classified error (see FaultTrackerOptions.refine). */
  readonly refine?: (cause: FaultCause) => FaultCause;
}

/** Largest file read into memory when it cannot be opened in place (a full disk). */
const SNAPSHOT_MAX_BYTES = 256 * 1024 * 1024;

/** The opened store, and where a damaged file was kept aside (null if none was). */
export interface OpenedStore {
  readonly store: Store;
  readonly setAside: string | null;
}

/** `2026-11-24T19-36-46Z`: a time for a file name (no colons). */
export function fileStamp(at: number): string {
  return new Date(at).toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

/**
 * Opens the store at `path`, retrying until it opens (and `probe` reads it) or
 * `stopped` resolves (then null). A damaged file (SQLITE_CORRUPT, SQLITE_NOTADB) is
 * renamed to `<path>.corrupt-<time>` and a fresh store is opened, once.
 */
export async function openStoreResilient(path: string, o: ResilientOpenOptions): Promise<OpenedStore | null> {
  let stop = false;
  void o.stopped?.then(() => (stop = true));
  const say = (e: FaultEpisode) => o.log.error({ kind: e.kind, code: e.code, err: e.message, fix: e.advice, retryInMs: e.retryAt - o.now() }, 'cannot open the store; retrying (bans already in the firewall stay in force)');
  const tracker = new FaultTracker({ part: 'store', file: path, maxDelayMs: o.maxDelayMs ?? 30_000, minDelayMs: 500, onStart: say, onChange: say, ...(o.refine ? { refine: o.refine } : {}) });
  let setAside: string | null = null;
  for (;;) {
    try {
      const store = Store.open(path, o);
      try {
        o.probe?.(store);
      } catch (e) {
        store.close();
        throw e;
      }
      tracker.ok(o.now());
      return { store, setAside };
    } catch (e) {
      if (isCorruption(e) && setAside === null) {
        setAside = setAsideFiles(path, fileStamp(o.now()));
        o.log.error({ path, aside: setAside, err: classifyFault(e).message }, 'the store is damaged: kept it aside and starting a fresh one');
        continue;
      }
      const episode = tracker.fail(e, o.now());
      const snapshot = episode.kind === 'disk_full' ? readSnapshot(path, e, o) : null;
      if (snapshot) return { store: snapshot, setAside };
      if (episode.failures % 10 === 0) say(episode);
      await Promise.race([o.sleep(Math.max(0, episode.retryAt - o.now())), o.stopped]);
      if (stop) return null;
    }
  }
}

/**
 * A full disk cannot hold the -shm file, so the file cannot be opened even to read it:
 * start from a read-only copy in memory instead (the daemon's writes wait in memory
 * and {@link Store.reopen} opens the file itself once there is room). Null if the copy
 * cannot be made or read, or the file is too big to copy.
 */
function readSnapshot(path: string, why: unknown, o: ResilientOpenOptions): Store | null {
  let store: Store | null = null;
  try {
    if (statSync(path).size > SNAPSHOT_MAX_BYTES) return null;
    store = Store.openSnapshot(path, why instanceof Error ? why : new Error(String(why)), o);
    o.probe?.(store);
    o.log.error({ path, err: classifyFault(why).message }, 'cannot open the store (disk full): started from a read-only copy in memory; bans, counting and the firewall go on, and what is new waits in memory until the store can be written');
    return store;
  } catch {
    store?.close();
    return null;
  }
}
