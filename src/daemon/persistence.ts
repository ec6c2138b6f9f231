/**
 * The daemon's persistence health: the fault episodes of its store and of its
 * failed-auth log, what waits in memory for them, what was dropped, and a damaged store
 * kept aside at start. Says each episode once — a log line and an alert
 * (`store_fault`) when it begins, and `store_recovered` when it ends — and keeps the
 * live state the API and `sipwarden status` show (read directly, not from the store,
 * which may be the broken part).
 *
 * Invariant: a store episode ends only when the pipeline's commit succeeded (everything
 * that waited is written), never on a lucky small write such as the heartbeat.
 *
 * A store found damaged while running (a commit fails with SQLITE_CORRUPT) is kept aside
 * at once and a fresh one filled as at start (store-reset.ts), from the failed-auth log
 * as it is at that moment — which holds every failure handled so far, the waiting ones
 * included, so those are dropped from the pipeline instead of being written twice.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.js';
import { FAILLOG_POSITION_KEY, FailedAuthLog, sourceOfLine, trimUncommittedTail, type FailedAuthLogState } from '../faillog/index.js';
import { fileStamp, FaultTracker, openStoreResilient, StoreWriter, type FaultCause, type FaultEpisode, type Store } from '../store/index.js';
import type { NotifyAlert } from './notify.js';
import type { PipelineBacklog } from './pipeline.js';
import { rebuildStore, type StoreReset } from './store-reset.js';
import type { Log } from '../domain/log.js';

/** What the overview, `/api/health` and `sipwarden status` show about the store and the failed-auth log. */
export interface PersistenceHealth {
  readonly state: 'ok' | 'degraded';
  /** Parts failing now (store, failed-auth log), each with what to do. */
  readonly faults: readonly FaultEpisode[];
  /** Waiting in memory to be written. */
  readonly pending: { readonly failures: number; readonly bans: number; readonly logLines: number };
  /** Dropped since start because too much waited (0 unless a fault lasted very long). */
  readonly dropped: { readonly failures: number; readonly bans: number; readonly logLines: number };
  /** The damaged store kept aside at this start, if one was. */
  readonly reset: StoreReset | null;
}

export type PersistenceLog = Pick<Log, 'info' | 'warn' | 'error'>;

export interface PersistenceOptions {
  readonly storePath: string;
  readonly logPath: string;
  readonly log: PersistenceLog;
  readonly notify?: (alert: NotifyAlert, now: number, key: string) => void;
}

const NONE_WAITING: PipelineBacklog = { rows: 0, bans: 0, droppedRows: 0, droppedBans: 0 };

/** What the pipeline and the failed-auth log writer give this object (they are made after it). */
export interface Watched {
  readonly pipeline: { backlog(): PipelineBacklog; discardWaiting(): void };
  readonly faillog: { state(): FailedAuthLogState; flush(force?: boolean): boolean };
}

/** One per daemon: owns the two fault trackers and reports on them. */
export class Persistence {
  readonly storeFaults: FaultTracker;
  readonly logFaults: FaultTracker;
  reset: StoreReset | null = null;
  private watched: Watched | null = null;
  /** The open store and the config, for a reset while running (set by openDaemonStore). */
  private storeOf: { store: Store; config: Config; now: () => number } | null = null;
  private resetting = false;

  constructor(private readonly opts: PersistenceOptions) {
    this.storeFaults = this.tracker('store', opts.storePath);
    this.logFaults = this.tracker('failed-auth log', opts.logPath);
  }

  /** The pipeline and the log writer (they exist after this object): what waits, and what a reset while running needs. */
  watch(pipeline: Watched['pipeline'], faillog: Watched['faillog']): void {
    this.watched = { pipeline, faillog };
  }

  /**
   * Runs a store call (heartbeat, the control loop's reads) unless the store is in a
   * fault episode; a throw starts one. Returns `fn`'s value, or undefined when skipped
   * or failed. During an episode only the pipeline's commit tries the store (on its
   * backoff): these calls would take its turns, and only that commit can end it.
   */
  guard<T>(now: number, fn: () => T): T | undefined {
    if (this.storeFaults.current()) return undefined;
    try {
      return fn();
    } catch (e) {
      this.storeFaults.fail(e, now);
      return undefined;
    }
  }

  /** The store to keep aside if it is found damaged while running. */
  useStore(store: Store, config: Config, now: () => number): void {
    this.storeOf = { store, config, now };
  }

  /** Says, once, that a damaged store was kept aside and what the fresh one was filled from. */
  announceReset(r: StoreReset): void {
    this.reset = r;
    this.opts.log.error({ aside: r.aside, fromKernel: r.fromKernel, fromLog: r.fromLog, fromDamaged: r.fromDamaged, keepKernel: r.keepKernel }, r.message);
    this.opts.notify?.({ kind: 'store_fault', at: r.at, ip: '-', account: '', service: 'sipwarden', part: 'store', fault: 'corrupt', message: r.message }, r.at, `store_reset|${r.at}`);
  }

  /**
   * Keeps the damaged store aside and fills a fresh one (see the top). Needs the
   * failed-auth log complete first; if it cannot be written either, says so and leaves
   * the store as it is (a restart does the same reset).
   */
  private async resetWhileRunning(): Promise<void> {
    const s = this.storeOf;
    const w = this.watched;
    if (this.resetting || !s || !w) return;
    this.resetting = true;
    try {
      if (!w.faillog.flush(true)) {
        this.opts.log.error({}, 'the store is damaged, but the failed-auth log cannot be written either, so a fresh store cannot be filled from it now; restart sipwarden once the log can be written');
        return;
      }
      const aside = s.store.setAside(fileStamp(s.now()));
      w.pipeline.discardWaiting(); // all in the failed-auth log (and the bans in the kernel): read back from there
      // Up to here: what is handled while the fresh store fills goes to it through the pipeline.
      const logUpTo = fs.statSync(s.config.failedAuthLog.path).size;
      const reset = await rebuildStore({
        store: s.store, aside, faillogPath: s.config.failedAuthLog.path, sources: [], backend: s.config.firewall.backend,
        now: s.now(), retentionMs: s.config.store.retention, logUpTo,
      });
      this.announceReset(reset);
    } catch (e) {
      this.opts.log.error({ err: (e as Error).message }, 'cannot keep the damaged store aside and start a fresh one; restart sipwarden');
    } finally {
      this.resetting = false;
    }
  }

  /** The live state. */
  health(): PersistenceHealth {
    const b = this.watched?.pipeline.backlog() ?? NONE_WAITING;
    const l = this.watched?.faillog.state() ?? { pending: 0, dropped: 0 };
    const faults = [this.storeFaults.current(), this.logFaults.current()].filter((f): f is FaultEpisode => f !== null);
    const dropped = { failures: b.droppedRows, bans: b.droppedBans, logLines: l.dropped };
    const degraded = faults.length > 0 || dropped.failures + dropped.bans + dropped.logLines > 0;
    return {
      state: degraded ? 'degraded' : 'ok', faults,
      pending: { failures: b.rows, bans: b.bans, logLines: l.pending }, dropped, reset: this.reset,
    };
  }

  private tracker(part: string, file: string): FaultTracker {
    const { log } = this.opts;
    return new FaultTracker({
      part, file, refine: onFullDisk(file),
      onStart: (e) => {
        if (e.kind === 'corrupt' && part === 'store') setImmediate(() => void this.resetWhileRunning());
        const b = this.watched?.pipeline.backlog() ?? NONE_WAITING;
        log.error({ part, kind: e.kind, code: e.code, err: e.message, fix: e.advice }, `${part} cannot be written (${e.kind}); protection goes on from memory: bans still reach the firewall, counting continues, and what waits is written when it works again`);
        this.opts.notify?.({
          kind: 'store_fault', at: e.since, ip: '-', account: '', service: 'sipwarden', part, fault: e.kind, code: e.code,
          message: `sipwarden's ${part} cannot be written (${e.kind}, ${e.code}): ${e.advice}`, waiting: b.rows,
        }, e.since, `store_fault|${part}|${e.since}`);
      },
      onChange: (e) => {
        if (e.kind === 'corrupt' && part === 'store') setImmediate(() => void this.resetWhileRunning());
        log.error({ part, kind: e.kind, code: e.code, err: e.message, fix: e.advice }, `${part} still cannot be written, now for another reason (${e.kind})`);
      },
      onEnd: (e, now) => {
        const seconds = Math.round((now - e.since) / 1000);
        log.warn({ part, kind: e.kind, seconds, failures: e.failures }, `${part} works again after ${seconds} s; everything that waited is written`);
        this.opts.notify?.({
          kind: 'store_recovered', at: now, ip: '-', account: '', service: 'sipwarden', part, fault: e.kind,
          message: `sipwarden's ${part} works again after ${seconds} s (${e.kind}); everything that waited is written`,
        }, now, `store_recovered|${part}|${e.since}`);
      },
    });
  }
}

/** How long the daemon's store waits for another process's lock before it counts as a failure (then it retries with backoff). */
const DAEMON_BUSY_TIMEOUT_MS = 250;

/**
 * Opens the daemon's store: waits (with backoff, saying what to do) while it is locked,
 * full or unwritable; keeps a damaged one aside and fills the fresh one again
 * (store-reset.ts), saying so in one line and with a `store_fault` alert. Null if the
 * daemon was told to stop while waiting.
 */
export async function openDaemonStore(config: Config, p: Persistence, o: { now: () => number; log: PersistenceLog; stopped: Promise<unknown> }): Promise<Store | null> {
  const longest = Math.max(...config.policy.tiers.map((t) => t.within));
  const opened = await openStoreResilient(config.store.path, {
    busyTimeoutMs: DAEMON_BUSY_TIMEOUT_MS, now: o.now, log: o.log, stopped: o.stopped, refine: onFullDisk(config.store.path),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    probe: (store) => store.probe(o.now() - longest),
  });
  if (opened) p.useStore(opened.store, config, o.now);
  if (!opened?.setAside) return opened?.store ?? null;
  const reset = await rebuildStore({
    store: opened.store, aside: opened.setAside, faillogPath: config.failedAuthLog.path, sources: config.asterisk.logs, backend: config.firewall.backend,
    now: o.now(), retentionMs: config.store.retention,
  });
  p.announceReset(reset);
  return opened.store;
}

/** The thread that commits the daemon's failure rows (store/writer-thread.ts), with the daemon's lock wait. */
export function daemonStoreWriter(config: Config): StoreWriter {
  return new StoreWriter(config.store.path, { busyTimeoutMs: DAEMON_BUSY_TIMEOUT_MS });
}

/**
 * Opens the failed-auth log for the daemon, first cutting what was written after the
 * last store commit (a crash in between: those lines are read again from the Asterisk
 * logs and written again; lines of sources that cannot be read again are kept).
 */
export function openDaemonFailedAuthLog(config: Config, store: Store, p: Persistence, o: { now: () => number; log: PersistenceLog }): FailedAuthLog {
  const file = config.failedAuthLog.path;
  const reread = new Set(config.asterisk.logs);
  try {
    const committed = store.getMeta(FAILLOG_POSITION_KEY);
    const r = trimUncommittedTail(file, committed, (line) => {
      const source = sourceOfLine(line);
      return source !== null && !reread.has(source);
    });
    if (r.cut) o.log.info({ file, cut: r.cut, kept: r.kept }, 'failed-auth log: cut the lines written after the last store commit; they are read again from the Asterisk logs (none lost, none twice)');
  } catch (e) {
    o.log.error({ file, err: (e as Error).message }, 'cannot check the failed-auth log against the store; lines written just before a crash may appear twice');
  }
  return new FailedAuthLog(file, {
    now: o.now, faults: p.logFaults,
    onDrop: (n, total) => o.log.error({ file, dropped: n, total }, 'the failed-auth log cannot be written for too long: dropped its oldest waiting lines'),
  });
}

/** An I/O error (or a refusal) on a disk with no space left is a full disk: say that, it is what to fix. */
function onFullDisk(file: string): (c: FaultCause) => FaultCause {
  return (c) => {
    if (c.kind !== 'io_error' && c.kind !== 'unavailable' && c.kind !== 'read_only') return c;
    try {
      return fs.statfsSync(path.dirname(file)).bavail === 0 ? { ...c, kind: 'disk_full' } : c;
    } catch {
      return c;
    }
  };
}
