/**
 * The runner: it takes one event to the engine's decisions (engine/decide.ts: pure
 * effects) and applies them, in this order, the one place where order matters:
 *
 * 1. failed-auth log lines and the daemon's own log lines, at once;
 * 2. alerts, to the notifier;
 * 3. failure rows, batched (a transaction per batch of lines, or per 1,000 rows) — with a
 *    store writer thread (`writer`, store/writer-thread.ts), committed there, on the other
 *    core, one batch at a time, what comes meanwhile waiting for the next (beyond 10,000
 *    rows this thread waits for the thread: back-pressure, nothing dropped); a batch with
 *    bans, and every retry after a store fault, is committed on this thread as before;
 * 4. bans: where the kernel can tell (require_seen), first "did this address send the
 *    PBX packets?" — one check per address at a time, the newest decision replacing a
 *    waiting one so they cannot land out of order; an address never seen goes back to
 *    the engine (`notSeen`: the ban is taken back, said as suspected injection). A ban
 *    that holds is stored with the batch and handed to the firewall after the store
 *    transaction — with one exception, for speed: a backend that checks "seen" and bans
 *    in one kernel transaction (nftables) bans first and the store follows in the same
 *    turn of the event loop (a crash exactly between the two is repaired by the next
 *    start's reconcile, and the attacker's failures ban it again at its next attempt);
 * 5. then the engine hears that the ban holds (`enforced`: subnet escalation), and the
 *    effects that returns are applied the same way;
 * 6. cluster messages (many PBXs, cluster/): handed to the cluster's outbox, which never
 *    waits for Redis — a counted failure with its row, a ban once it holds (step 5). A
 *    message from another PBX (`remote`) is one more input: its effects take this order too.
 *
 * Fail safe: the store and the failed-auth log may break (disk full, a lock held by
 * another process, a read-only or damaged file); the runner never stops for that.
 * Counting goes on in the engine, bans go to the firewall whether or not the store took
 * them, and what the store has not taken waits in memory (bounded by `maxPending`; what
 * is dropped beyond it is counted and said) and is retried with backoff (`storeFaults`).
 * A batch is committed only after the failed-auth log holds every line of it, and the
 * log's position goes into the same transaction, so after a crash the log holds every
 * failure the store holds, and none twice (the next start cuts what came after). A batch
 * the writer thread could not commit goes back in front of what waits (unless the store
 * shows it did commit: the thread died after COMMIT), so nothing is lost or doubled.
 */
import { formatInstant } from '../domain/duration.js';
import type { SecurityEvent } from '../domain/events.js';
import type { IpAddress } from '../domain/ip.js';
import type { ClusterMessage, RemoteMessage } from '../cluster/types.js';
import { remoteEffects } from '../cluster/decisions.js';
import { Decider, type BanEffect, type Effect, type Engine } from '../engine/index.js';
import type { Enforcer, EnforcerOp, SeenProbe } from '../enforcers/index.js';
import { FAILLOG_POSITION_KEY, type FailedAuthLog } from '../faillog/index.js';
import { banAlert } from '../alerts/bans.js';
import type { Notifier } from './notify.js';
import type { Where } from '../geo/index.js';
import { FaultTracker, type Store, type StoreWriter, type WriterBatch } from '../store/index.js';
import type { Cursor, FailureRow, NewBan } from '../store/types.js';
import type { Log } from '../domain/log.js';

export type PipelineLog = Pick<Log, 'info' | 'warn' | 'error'>;

/**
 * Rows waiting while the writer thread commits, beyond which this thread waits for it (at
 * most WRITER_WAIT_MS per flush). It also bounds a batch (~50 ms of SQLite), so the
 * daemon's own store calls never wait for the thread's lock near their 250 ms limit.
 */
const WRITER_HIGH_WATER = 10_000;
const WRITER_WAIT_MS = 250;

export interface PipelineDeps {
  readonly engine: Engine;
  readonly store: Store;
  readonly enforcer: Enforcer;
  readonly faillog: FailedAuthLog;
  readonly log: PipelineLog;
  readonly now: () => number;
  /** Where each source stands now; stored with the failure rows in one transaction. */
  readonly cursors: () => Cursor[];
  readonly notifier?: Notifier;
  /** The kernel's record of who sent packets (nftables/ipset); null: do not check. */
  readonly seen?: SeenProbe | null;
  /** Events from before this time were replayed from the logs: the kernel was not watching then. */
  readonly startedAt?: number;
  /** Called after failure rows are committed (the dashboard's live log). */
  readonly onStored?: (rows: readonly FailureRow[]) => void;
  /** The store's fault episodes and retry backoff (default: a tracker of its own). */
  readonly storeFaults?: FaultTracker;
  /** Most failure rows (and, apart, bans) kept waiting for the store. Default 100,000. */
  readonly maxPending?: number;
  /** Cluster mode: where this PBX's failures and bans go for the other PBXs (never waits). */
  readonly cluster?: { publish(m: ClusterMessage): void } | null;
  /** Where an address is (geo/, cached), for the failed-auth log's and alerts' country; absent: geo off. */
  readonly geo?: (ip: string) => Where;
  /** Commits failure rows on a second thread (store/writer-thread.ts); absent: every commit on this thread. */
  readonly writer?: Pick<StoreWriter, 'commit' | 'landed' | 'waitIdle'> | null;
}

/** What waits for the store, and what was dropped because too much waited. */
export interface PipelineBacklog {
  readonly rows: number;
  readonly bans: number;
  readonly droppedRows: number;
  readonly droppedBans: number;
}

export interface PipelineStats {
  events: number;
  attempts: number;
  /** Challenges never answered (reason `scan`), each counted once. */
  scans: number;
  duplicates: number;
  injections: number;
  bans: number;
  notSeen: number;
  enforcerErrors: number;
  /** Duration of the last firewall change. */
  enforcerLatencyMs: number;
}

/** Applies the engine's effects; owns the batching of failure rows (`flush()` writes them in one transaction). */
export class Pipeline {
  private readonly decider: Decider;
  private readonly own = { bans: 0, enforcerErrors: 0, enforcerLatencyMs: 0 };
  private pending: FailureRow[] = [];
  private pendingBans: NewBan[] = [];
  /** Firewall changes of the pending bans, applied right after they are stored. */
  private pendingOps: EnforcerOp[] = [];
  private flushScheduled = false;
  /** The batch the writer thread is committing (one at a time), and its outcome handled. */
  private inFlight: { readonly rows: FailureRow[]; readonly done: Promise<void>; discard: boolean } | null = null;

  /** Bans waiting for the kernel's answer to "seen?", one per address: the newest decision replaces the waiting one. */
  private readonly seenPending = new Map<string, { effect: BanEffect }>();

  private droppedRows = 0;
  private droppedBans = 0;
  private readonly faults: FaultTracker;

  constructor(private readonly deps: PipelineDeps) {
    this.faults = deps.storeFaults ?? new FaultTracker({ part: 'store', file: deps.store.path });
    this.decider = new Decider(deps.engine, { startedAt: deps.startedAt, publish: Boolean(deps.cluster), ...(deps.geo ? { geo: deps.geo } : {}) });
  }

  /** What the decisions saw and what the runner did. */
  get stats(): PipelineStats {
    const s = this.decider.stats;
    return { events: s.events, attempts: s.attempts, scans: s.scans, duplicates: s.duplicates, injections: s.injections, notSeen: s.notSeen, ...this.own };
  }

  /**
   * Forgets the rows and bans waiting for the store (after a damaged store was replaced
   * by one filled from the failed-auth log and the kernel, which hold them already).
   */
  discardWaiting(): void {
    this.pending = [];
    this.pendingBans = [];
    if (this.inFlight) this.inFlight.discard = true; // if it fails, it is not retried either
  }

  /** Waits until no batch is being committed on the writer thread (before a last `flush(true)`, at stop). Never rejects. */
  async settle(): Promise<void> {
    while (this.inFlight) await this.inFlight.done;
  }

  /** What waits for the store now, and what was dropped since start. */
  backlog(): PipelineBacklog {
    return { rows: this.pending.length + (this.inFlight?.rows.length ?? 0), bans: this.pendingBans.length, droppedRows: this.droppedRows, droppedBans: this.droppedBans };
  }

  /** Handles one event. Never throws for bad input; firewall errors are logged and counted. */
  handle(ev: SecurityEvent): void {
    this.apply(this.decider.decide(ev, this.deps.now()));
  }

  /** A failure or ban another PBX published (cluster/), judged by this node's zones; `publish`: see cluster/decisions.ts. Never throws. */
  remote(m: RemoteMessage, publish = false): void {
    this.apply(remoteEffects(this.deps.engine, m, this.deps.now(), publish, this.deps.geo));
  }

  /** Applies effects decided elsewhere (the toll-fraud guard's lines, alerts and bans: daemon/fraud.ts) in this order. Never throws for bad input. */
  applyEffects(effects: readonly Effect[]): void {
    this.apply(effects);
  }

  /** Applies effects in their order (see the top of this file). */
  private apply(effects: readonly Effect[]): void {
    for (const e of effects) {
      switch (e.kind) {
        case 'log':
          this.deps.faillog.write(e.line);
          break;
        case 'say':
          this.deps.log[e.level](e.fields, e.msg);
          break;
        case 'alert':
          this.deps.notifier?.send(e.alert, this.deps.now());
          break;
        case 'failure':
          this.pending.push(e.row);
          if (this.pending.length % 1000 === 0) this.flush(); // every 1,000 rows (not every row while the writer thread is busy)
          if (this.pending.length > (this.deps.maxPending ?? 100_000)) this.dropOldest('rows');
          break;
        case 'ban':
          this.ban(e);
          break;
        case 'cluster':
          this.deps.cluster?.publish(e.message);
          break;
      }
    }
  }

  /** A ban: asked of the kernel first where it can tell, then stored and enforced (commit). */
  private ban(e: BanEffect): void {
    const seen = this.deps.seen;
    if (!seen || !e.ifSeen) {
      this.commit(e);
      return;
    }
    const ip = e.ban.ip as IpAddress;
    // One check per address at a time: a decision that arrives meanwhile only replaces the
    // one to apply, so they cannot land out of order (a 1-hour ban after a permanent one).
    const waiting = this.seenPending.get(ip);
    if (waiting) {
      waiting.effect = e;
      return;
    }
    const entry = { effect: e };
    this.seenPending.set(ip, entry);
    // Where the backend can, the check and the ban are one kernel transaction (one tool run).
    const until = e.ban.expiresAt;
    const started = performance.now();
    const check: Promise<{ yes: boolean; inKernel?: { until: number | null } }> = seen.banIfSeen
      ? seen.banIfSeen(ip, until, this.deps.now()).then((yes) => {
        this.own.enforcerLatencyMs = performance.now() - started;
        return { yes, inKernel: yes ? { until } : undefined };
      })
      : seen.seen(ip).then((yes) => ({ yes }));
    check.then(({ yes, inKernel }) => {
      this.seenPending.delete(ip);
      if (yes) this.commit(entry.effect, inKernel);
      else this.apply(this.decider.notSeen(entry.effect));
    }, (err: Error) => {
      this.seenPending.delete(ip);
      this.deps.log.error({ ip, err: err.message }, 'cannot ask the firewall whether the address sent packets; banning anyway');
      this.commit(entry.effect);
    });
  }

  /**
   * Stores the ban and enforces it (unless `inKernel` says the kernel already holds
   * exactly it), then tells the engine it holds. Stored in ONE transaction with the
   * pending failure rows and the cursors, made once the current batch of lines is handled
   * (the next turn of the event loop), so a burst of bans costs one transaction and one
   * nft run; a crash before it reads the lines again, counted once, and the ban merges.
   */
  private commit(e: BanEffect, inKernel?: { until: number | null }): void {
    this.own.bans++;
    // Enforce the engine's ban as it stands now (the longest one decided), never an older decision.
    const current = this.deps.engine.activeBan(e.ban.ip, this.deps.now());
    const ban = current && (current.until !== e.ban.expiresAt || current.tier > e.ban.tier)
      ? { ...e.ban, expiresAt: current.until, tier: Math.max(current.tier, e.ban.tier) }
      : e.ban;
    this.pendingBans.push(ban);
    if (this.pendingBans.length > (this.deps.maxPending ?? 100_000)) this.dropOldest('bans');
    if (!inKernel || inKernel.until !== ban.expiresAt) this.pendingOps.push({ op: 'ban', ip: ban.ip, until: ban.expiresAt });
    this.flushSoon();
    this.deps.log.warn({ ip: ban.ip, tier: e.ban.tier, until: formatInstant(ban.expiresAt), reason: ban.reason }, 'banned');
    const alert = e.remote ? null : banAlert(ban); // a network, or until released (another PBX's ban is its own to tell)
    if (alert) this.deps.notifier?.send(alert, this.deps.now());
    this.apply(this.decider.enforced(e, this.deps.now()));
  }

  /** Flushes (store, then firewall) once the lines being handled now are done. */
  private flushSoon(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /**
   * Writes the failed-auth log, then the batched failure rows, bans, the sources'
   * cursors and the log's position in one store transaction; then hands the bans to
   * the firewall — whether or not the store took them. Never throws: what the log or
   * the store refused stays pending and is retried once `storeFaults` says it is due
   * (`force`: try now anyway, as at stop).
   */
  flush(force = false): void {
    const now = this.deps.now();
    // Each ban as the engine holds it now: a longer ban decided since this op was queued may
    // already be on its way to the kernel (its own seen-and-ban transaction), and a shorter
    // one applied after it would shorten the kernel's ban (the kernel keeps the last write).
    const ops = this.pendingOps.map((op) => this.longest(op, now));
    this.pendingOps = [];
    this.persist(force);
    if (ops.length) this.enforce(ops);
  }

  /** `op`, or the same ban lengthened to the engine's current one for its target (never shortened, never dropped). */
  private longest(op: EnforcerOp, now: number): EnforcerOp {
    if (op.op !== 'ban' || op.until === null) return op;
    const current = this.deps.engine.activeBan(op.ip, now);
    if (current === null || (current.until !== null && current.until <= op.until)) return op;
    return { ...op, until: current.until };
  }

  private persist(force: boolean): void {
    const now = this.deps.now();
    if (!force && !this.faults.due(now)) return;
    // The store waits for the log: a failure it holds must be in the log, even after a crash.
    if (!this.deps.faillog.flush(force)) return;
    // One commit at a time, in order: what came meanwhile waits for it. A thread slower than
    // this one slows this one down (blocking, bounded) rather than letting rows pile up.
    if (this.inFlight) {
      if (this.pending.length < WRITER_HIGH_WATER || !this.deps.writer?.waitIdle(WRITER_WAIT_MS)) return;
      if (!force && !this.faults.due(this.deps.now())) return; // it failed: its retry waits for the backoff
    }
    const rows = this.pending;
    const bans = this.pendingBans;
    const position = this.deps.faillog.position();
    const ep = this.faults.current();
    const writer = this.deps.writer;
    if (writer && !force && !ep && bans.length === 0 && rows.length > 0 && !this.deps.store.isSnapshot) {
      this.handOver(writer, { rows, cursors: this.deps.cursors(), meta: position ? [[FAILLOG_POSITION_KEY, position]] : [] });
      return;
    }
    try {
      // A read-only connection (or a copy in memory, after a start on a full disk) stays so until reopened.
      if (ep && (this.deps.store.isSnapshot || ep.kind === 'read_only')) this.deps.store.reopen();
      this.deps.store.commitProgress(rows, this.deps.cursors(), bans, position ? [[FAILLOG_POSITION_KEY, position]] : []);
    } catch (e) {
      this.faults.fail(e, now);
      return;
    }
    this.pending = [];
    this.pendingBans = [];
    this.faults.ok(now);
    if (rows.length) this.deps.onStored?.(rows);
  }

  /**
   * Hands failure rows (with the cursors and the log's position) to the writer thread.
   * Committed: like a commit here. Not: they go back in front of what waits, and the
   * fault tracker hears of it (its retries are commits on this thread).
   */
  private handOver(writer: NonNullable<PipelineDeps['writer']>, batch: WriterBatch): void {
    const rows = batch.rows as FailureRow[];
    this.pending = [];
    let settled: () => void = () => undefined;
    const entry = { rows, discard: false, done: new Promise<void>((resolve) => { settled = resolve; }) };
    this.inFlight = entry;
    writer.commit(batch, (e) => {
      let committed = e === null;
      if (e) {
        try {
          committed = writer.landed(batch, (key) => this.deps.store.getMeta(key)); // the thread died after COMMIT?
        } catch {
          // The store cannot be read either: the rows are retried (the fault episode says why).
        }
      }
      this.inFlight = null;
      if (committed) {
        this.faults.ok(this.deps.now());
        this.deps.onStored?.(rows);
      } else {
        if (!entry.discard) {
          this.pending = rows.concat(this.pending);
          if (this.pending.length > (this.deps.maxPending ?? 100_000)) this.dropOldest('rows');
        }
        this.faults.fail(e, this.deps.now());
      }
      settled();
      if (this.pending.length || this.pendingBans.length) this.flushSoon();
    });
  }

  /** Drops the oldest tenth of what waits for the store (it has waited too long), counts it and says so loudly. */
  private dropOldest(what: 'rows' | 'bans'): void {
    const list = what === 'rows' ? this.pending : this.pendingBans;
    const n = Math.max(1, Math.ceil(list.length / 10));
    list.splice(0, n);
    if (what === 'rows') this.droppedRows += n;
    else this.droppedBans += n;
    const ep = this.faults.current();
    this.deps.log.error({ dropped: n, what, droppedRows: this.droppedRows, droppedBans: this.droppedBans, fault: ep?.kind ?? null, fix: ep?.advice ?? null },
      `the store has not taken anything for too long: dropped the ${n} oldest waiting ${what === 'rows' ? 'failure rows' : 'bans'} (the firewall and the failed-auth log still have them)`);
  }

  /** Applies firewall ops; failures are logged, counted, and repaired by the next reconcile. Resolves whether they held (never rejects). */
  enforce(ops: Parameters<Enforcer['apply']>[0]): Promise<boolean> {
    const started = performance.now();
    return this.deps.enforcer.apply(ops, this.deps.now()).then(() => {
      this.own.enforcerLatencyMs = performance.now() - started;
      return true;
    }, (e: Error) => {
      this.own.enforcerErrors++;
      this.deps.log.error({ err: e.message, backend: this.deps.enforcer.name }, 'firewall change failed');
      return false;
    });
  }
}
