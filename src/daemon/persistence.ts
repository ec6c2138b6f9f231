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
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.js';
import { FAILLOG_POSITION_KEY, FailedAuthLog, sourceOfLine, trimUncommittedTail, type FailedAuthLogState } from '../faillog/index.js';
import { FaultTracker, openStoreResilient, type FaultCause, type FaultEpisode, type Store } from '../store/index.js';
import type { NotifyAlert } from './notify.js';
import type { PipelineBacklog } from './pipeline.js';
import { rebuildStore, type StoreReset } from './store-reset.js';

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

export interface PersistenceLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface PersistenceOptions {
  readonly storePath: string;
  readonly logPath: string;
  readonly log: PersistenceLog;
  readonly notify?: (alert: NotifyAlert, now: number, key: string) => void;
}

const NONE_WAITING: PipelineBacklog = { rows: 0, bans: 0, droppedRows: 0, droppedBans: 0 };

/** One per daemon: owns the two fault trackers and reports on them. */
export class Persistence {
  readonly storeFaults: FaultTracker;
  readonly logFaults: FaultTracker;
  reset: StoreReset | null = null;
  private backlog: () => PipelineBacklog = () => NONE_WAITING;
  private logState: () => FailedAuthLogState = () => ({ pending: 0, dropped: 0 });

  constructor(private readonly o: PersistenceOptions) {
    this.storeFaults = this.tracker('store', o.storePath);
    this.logFaults = this.tracker('failed-auth log', o.logPath);
  }

  /** Where the waiting counts come from (the pipeline and the log writer exist after this object). */
  watch(backlog: () => PipelineBacklog, logState: () => FailedAuthLogState): void {
    this.backlog = backlog;
    this.logState = logState;
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

  /** Says, once, that a damaged store was kept aside and what the fresh one was filled from. */
  announceReset(r: StoreReset): void {
    this.reset = r;
    this.o.log.error({ aside: r.aside, fromKernel: r.fromKernel, fromLog: r.fromLog, fromDamaged: r.fromDamaged, keepKernel: r.keepKernel }, r.message);
    this.o.notify?.({ kind: 'store_fault', at: r.at, ip: '-', account: '', service: 'sipwarden', part: 'store', fault: 'corrupt', message: r.message }, r.at, `store_reset|${r.at}`);
  }

  /** The live state. */
  health(): PersistenceHealth {
    const b = this.backlog();
    const l = this.logState();
    const faults = [this.storeFaults.current(), this.logFaults.current()].filter((f): f is FaultEpisode => f !== null);
    const dropped = { failures: b.droppedRows, bans: b.droppedBans, logLines: l.dropped };
    const degraded = faults.length > 0 || dropped.failures + dropped.bans + dropped.logLines > 0;
    return {
      state: degraded ? 'degraded' : 'ok', faults,
      pending: { failures: b.rows, bans: b.bans, logLines: l.pending }, dropped, reset: this.reset,
    };
  }

  private tracker(part: string, file: string): FaultTracker {
    const { log } = this.o;
    return new FaultTracker({
      part, file, refine: onFullDisk(file),
      onStart: (e) => {
        const b = this.backlog();
        log.error({ part, kind: e.kind, code: e.code, err: e.message, fix: e.advice }, `${part} cannot be written (${e.kind}); protection goes on from memory: bans still reach the firewall, counting continues, and what waits is written when it works again`);
        this.o.notify?.({
          kind: 'store_fault', at: e.since, ip: '-', account: '', service: 'sipwarden', part, fault: e.kind, code: e.code,
          message: `sipwarden's ${part} cannot be written (${e.kind}, ${e.code}): ${e.advice}`, waiting: b.rows,
        }, e.since, `store_fault|${part}|${e.since}`);
      },
      onChange: (e) => log.error({ part, kind: e.kind, code: e.code, err: e.message, fix: e.advice }, `${part} still cannot be written, now for another reason (${e.kind})`),
      onEnd: (e, now) => {
        const seconds = Math.round((now - e.since) / 1000);
        log.warn({ part, kind: e.kind, seconds, failures: e.failures }, `${part} works again after ${seconds} s; everything that waited is written`);
        this.o.notify?.({
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
  if (!opened?.setAside) return opened?.store ?? null;
  const reset = await rebuildStore({
    store: opened.store, aside: opened.setAside, faillogPath: config.failedAuthLog.path, sources: config.asterisk.logs, backend: config.firewall.backend,
    now: o.now(), retentionMs: config.store.retention,
  });
  p.announceReset(reset);
  return opened.store;
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
