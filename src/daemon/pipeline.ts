/**
 * The live pipeline: one event at a time through the engine, then the side
 * effects in a fixed order — failed-auth log line, failure history (batched), ban
 * record, firewall; then, for an address ban, subnet escalation (which may ban the
 * address's whole network the same way). The firewall is called only after the ban is
 * stored (or the store refused it, see "Fail safe" below), so a crash between the two is repaired by the reconcile at the next start —
 * with one exception, for speed: a backend that can check "seen" and ban in one kernel
 * transaction (nftables) bans first and the store follows in the same turn of the event
 * loop. A crash exactly between the two leaves a kernel ban the store lacks; the next
 * start's reconcile removes it, and the attacker's stored (or re-read) failures ban it
 * again at its next attempt.
 *
 * Fail safe: the store and the failed-auth log may break (disk full, a lock held by
 * another process, a read-only or damaged file); the pipeline never stops for that.
 * Counting goes on in the engine, bans go to the firewall whether or not the store took
 * them, and what the store has not taken waits in memory (bounded by `maxPending`; what
 * is dropped beyond it is counted and said) and is retried with backoff (`storeFaults`).
 * A batch is committed only after the failed-auth log holds every line of it, and the
 * log's position goes into the same transaction, so after a crash the log holds every
 * failure the store holds, and none twice (the next start cuts what came after).
 */
import { formatDuration, formatInstant } from '../domain/duration.js';
import type { AuthFailed, Evidence, LocatedEvent, SecurityEvent } from '../domain/events.js';
import { isNetwork, type IpAddress } from '../domain/ip.js';
import type { BanDecision, Engine, FailureVerdict, Tier } from '../engine/index.js';
import type { Enforcer, EnforcerOp, SeenProbe } from '../enforcers/index.js';
import { FAILLOG_POSITION_KEY, formatAlert, formatFailure, formatInjection, formatSubnet, type FailedAuthLog } from '../faillog/index.js';
import type { Notifier } from './notify.js';
import { FaultTracker, type Store } from '../store/index.js';
import type { Cursor, FailureRow, NewBan } from '../store/types.js';

/** The latest reports of one address, kept to be stored with its ban. */
interface Recent {
  readonly evidence: Evidence[];
  readonly accounts: string[];
}

/** Addresses per generation of the evidence kept for bans (see Pipeline.older). */
const RECENT_GENERATION = 50_000;

export interface PipelineLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface PipelineDeps {
  readonly engine: Engine;
  readonly store: Store;
  readonly enforcer: Enforcer;
  readonly faillog: FailedAuthLog;
  readonly log: PipelineLog;
  readonly tiers: () => readonly Tier[];
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

/** Owns the batching of failure rows; `flush()` writes them in one transaction. */
export class Pipeline {
  readonly stats: PipelineStats = { events: 0, attempts: 0, scans: 0, duplicates: 0, injections: 0, bans: 0, notSeen: 0, enforcerErrors: 0, enforcerLatencyMs: 0 };
  private pending: FailureRow[] = [];
  private pendingBans: NewBan[] = [];
  /** Firewall changes of the pending bans, applied right after they are stored. */
  private pendingOps: EnforcerOp[] = [];
  private flushScheduled = false;
  private readonly seenPending = new Map<string, { d: BanDecision; ev: LocatedEvent }>();
  /** The latest failure reports of each address (bounded), stored with its ban: "the exact log lines that caused it". */
  private recent = new Map<string, Recent>();
  /**
   * The generation before `recent`: when `recent` is full it becomes this one and the
   * one before is dropped, so at most 2 × RECENT_GENERATION addresses are kept and no
   * entry is ever deleted from the front of a big Map (V8 then walks every deleted slot
   * before the first live one: it cost 40% of the daemon's time in a flood).
   */
  private older = new Map<string, Recent>();

  private droppedRows = 0;
  private droppedBans = 0;
  private readonly faults: FaultTracker;

  constructor(private readonly d: PipelineDeps) {
    this.faults = d.storeFaults ?? new FaultTracker({ part: 'store', file: d.store.path });
  }

  /**
   * Forgets the rows and bans waiting for the store (after a damaged store was replaced
   * by one filled from the failed-auth log and the kernel, which hold them already).
   */
  discardWaiting(): void {
    this.pending = [];
    this.pendingBans = [];
  }

  /** What waits for the store now, and what was dropped since start. */
  backlog(): PipelineBacklog {
    return { rows: this.pending.length, bans: this.pendingBans.length, droppedRows: this.droppedRows, droppedBans: this.droppedBans };
  }

  /** Handles one event. Never throws for bad input; firewall errors are logged and counted. */
  handle(ev: SecurityEvent): void {
    this.stats.events++;
    if (ev.kind === 'injection_suspected') {
      this.stats.injections++;
      this.d.faillog.write(formatInjection({ at: ev.at, service: ev.service, candidates: ev.candidates, source: ev.evidence.source, line: ev.evidence.line }));
      this.d.log.warn({ service: ev.service, candidates: ev.candidates, source: ev.evidence.source, line: ev.evidence.line }, 'log line with injected addresses: counted for nobody');
      return;
    }
    const out = this.d.engine.handle(ev);
    // Challenges this event's time shows were never answered: each a failure with reason `scan`.
    for (const s of out.scans) {
      this.stats.scans++;
      this.failure(s.event, s.verdict);
    }
    if (out.duplicate) {
      this.stats.duplicates++;
      return;
    }
    for (const a of out.alerts) {
      this.d.faillog.write(formatAlert(a));
      this.d.log.warn({ alert: a.kind, ip: a.ip, account: a.account }, a.message);
      this.d.notifier?.send(a, this.d.now());
    }
    if (out.ruleBan) this.ban(out.ruleBan, ev);
    const v = out.verdict;
    if (!v || ev.kind !== 'auth_failed') return;
    this.stats.attempts++;
    this.failure(ev, v);
  }

  /** A counted failure (or scan): its failed-auth log line, its failure row, its ban. */
  private failure(ev: AuthFailed, v: FailureVerdict): void {
    this.remember(ev);
    this.d.faillog.write(formatFailure({
      at: ev.at, ip: ev.ip, port: ev.port, service: ev.service, account: ev.account, reason: ev.reason,
      // A banned address's line names the ban in force (its tier, or the rule's name), not only the tier reached now.
      zone: v.zone, counts: this.counts(v), action: v.action, tier: v.ban ? v.ban.tier : v.tier, ban: v.ban?.by ?? undefined,
      until: v.ban ? v.ban.until : undefined, decoys: ev.decoys, source: ev.evidence.source, line: ev.evidence.line,
    }));
    this.pending.push({
      at: ev.at, ip: ev.ip, port: ev.port, service: ev.service, account: ev.account, reason: ev.reason,
      zone: v.zone, action: v.action, source: ev.evidence.source, line: ev.evidence.line, raw: ev.evidence.text,
    });
    if (this.pending.length >= 1000) this.flush();
    if (this.pending.length > (this.d.maxPending ?? 100_000)) this.dropOldest('rows');
    if (v.decision) this.ban(v.decision, ev);
  }

  /**
   * Stores and enforces a ban. The ban is stored before the line's failure row and
   * cursor: after a crash in between, the line is read again, counted once (its row
   * was not stored), and the ban merges into the stored one.
   */
  private ban(d: BanDecision, ev: LocatedEvent): void {
    const seen = this.d.seen;
    if (!seen || isNetwork(d.ip) || ev.at < (this.d.startedAt ?? 0) - 5000) {
      this.commitBan(d, ev);
      return;
    }
    const ip = d.ip;
    // Ban only what the kernel has seen: an address that never sent the PBX a packet can
    // only have come from text in a log line (injection). One check per address at a time:
    // decisions that arrive meanwhile only replace the one to apply, so they cannot land
    // out of order (a 1-hour ban after a permanent one).
    const waiting = this.seenPending.get(ip);
    if (waiting) {
      waiting.d = d;
      waiting.ev = ev;
      return;
    }
    const entry = { d, ev };
    this.seenPending.set(ip, entry);
    // Where the backend can, the check and the ban are one kernel transaction (one tool run).
    const until = this.d.engine.activeBan(ip, this.d.now())?.until ?? d.until;
    const started = performance.now();
    const check: Promise<{ yes: boolean; inKernel?: { until: number | null } }> = seen.banIfSeen
      ? seen.banIfSeen(ip, until, this.d.now()).then((yes) => {
        this.stats.enforcerLatencyMs = performance.now() - started;
        return { yes, inKernel: yes ? { until } : undefined };
      })
      : seen.seen(ip).then((yes) => ({ yes }));
    check.then(({ yes, inKernel }) => {
      this.seenPending.delete(ip);
      if (yes) this.commitBan(entry.d, entry.ev, inKernel);
      else this.notSeen(entry.d, entry.ev);
    }, (e: Error) => {
      this.seenPending.delete(ip);
      this.d.log.error({ ip, err: e.message }, 'cannot ask the firewall whether the address sent packets; banning anyway');
      this.commitBan(entry.d, entry.ev);
    });
  }

  private notSeen(d: BanDecision, ev: LocatedEvent): void {
    this.stats.notSeen++;
    this.d.engine.cancelBan(d.ip);
    this.d.faillog.write(formatInjection({ at: ev.at, service: ev.service, candidates: [d.ip], source: ev.evidence.source, line: ev.evidence.line, action: 'not_banned_never_seen' }));
    this.d.log.warn({ ip: d.ip, source: ev.evidence.source, line: ev.evidence.line }, 'not banned: this address never sent the PBX a packet (suspected log injection)');
  }

  /** Stores the ban and enforces it (unless `inKernel` says the kernel already holds exactly it). */
  private commitBan(d: BanDecision, ev: LocatedEvent, inKernel?: { until: number | null }): void {
    this.stats.bans++;
    // Enforce the engine's ban as it stands now (the longest one decided), never an older decision.
    const current = this.d.engine.activeBan(d.ip, this.d.now());
    const until = current ? current.until : d.until;
    const recent = isNetwork(d.ip) ? undefined : (this.recent.get(d.ip) ?? this.older.get(d.ip));
    // Stored in ONE transaction with the pending failure rows and the cursors, and before
    // the firewall is asked (except after banIfSeen, see the top): the kernel never holds a
    // ban the store does not know, and after a crash the lines behind it are not counted
    // twice. The transaction is made once the current batch of lines is handled (the next
    // turn of the event loop), so a burst of bans costs one transaction and one nft run.
    this.pendingBans.push({
      ip: d.ip, reason: d.reason, tier: Math.max(d.tier, current?.tier ?? 0), source: 'policy', failures: d.failures,
      evidence: recent?.evidence.length ? [...recent.evidence] : [ev.evidence],
      accounts: recent?.accounts.length ? [...recent.accounts] : [ev.account],
      createdAt: d.at, expiresAt: until,
    });
    if (this.pendingBans.length > (this.d.maxPending ?? 100_000)) this.dropOldest('bans');
    if (!inKernel || inKernel.until !== until) this.pendingOps.push({ op: 'ban', ip: d.ip, until });
    this.flushSoon();
    this.d.log.warn({ ip: d.ip, tier: d.tier, until: formatInstant(until), reason: d.reason }, 'banned');
    if (!isNetwork(d.ip)) this.escalate(d.ip, d.at, ev);
  }

  /** Flushes (store, then firewall) once the lines being handled now are done. */
  private flushSoon(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      try {
        this.flush();
      } catch (e) {
        this.d.log.error({ err: (e as Error).message }, 'cannot write to the store; the bans and failures are kept and written at the next try');
      }
    });
  }

  /** An enforced address ban may complete its network's count (subnet escalation). */
  private escalate(ip: IpAddress, at: number, ev: LocatedEvent): void {
    const { decision, spared } = this.d.engine.escalate(ip, at);
    if (spared) {
      this.d.faillog.write(formatSubnet({ at, net: spared.net, action: 'spared', trigger: ip, why: spared.why }));
      this.d.log.warn({ net: spared.net, trigger: ip, why: spared.why }, 'network reached the subnet-escalation count but is not banned');
    }
    if (!decision) return;
    this.d.faillog.write(formatSubnet({ at, net: decision.ip, action: 'banned', trigger: ip, addresses: decision.failures, until: decision.until }));
    this.commitBan(decision, ev);
  }

  private remember(ev: LocatedEvent): void {
    const r = this.recent.get(ev.ip);
    if (r) {
      r.evidence.push(ev.evidence);
      if (r.evidence.length > 12) r.evidence.shift();
      if (!r.accounts.includes(ev.account)) r.accounts.push(ev.account);
      if (r.accounts.length > 20) r.accounts.shift();
      return;
    }
    if (this.recent.size >= RECENT_GENERATION) {
      this.older = this.recent;
      this.recent = new Map();
    }
    const old = this.older.get(ev.ip);
    // Arrays of exactly one when new: most addresses of a flood fail once (a push onto [] reserves 17).
    this.recent.set(ev.ip, old ?? { evidence: [ev.evidence], accounts: [ev.account] });
    if (old) this.remember(ev);
  }

  /**
   * Writes the failed-auth log, then the batched failure rows, bans, the sources'
   * cursors and the log's position in one store transaction; then hands the bans to
   * the firewall — whether or not the store took them. Never throws: what the log or
   * the store refused stays pending and is retried once `storeFaults` says it is due
   * (`force`: try now anyway, as at stop).
   */
  flush(force = false): void {
    const ops = this.pendingOps;
    this.pendingOps = [];
    this.persist(force);
    if (ops.length) this.enforce(ops);
  }

  private persist(force: boolean): void {
    const now = this.d.now();
    if (!force && !this.faults.due(now)) return;
    // The store waits for the log: a failure it holds must be in the log, even after a crash.
    if (!this.d.faillog.flush(force)) return;
    const rows = this.pending;
    const bans = this.pendingBans;
    const position = this.d.faillog.position();
    const ep = this.faults.current();
    try {
      // A read-only connection (or a copy in memory, after a start on a full disk) stays so until reopened.
      if (ep && (this.d.store.isSnapshot || ep.kind === 'read_only')) this.d.store.reopen();
      this.d.store.commitProgress(rows, this.d.cursors(), bans, position ? [[FAILLOG_POSITION_KEY, position]] : []);
    } catch (e) {
      this.faults.fail(e, now);
      return;
    }
    this.pending = [];
    this.pendingBans = [];
    this.faults.ok(now);
    if (rows.length) this.d.onStored?.(rows);
  }

  /** Drops the oldest tenth of what waits for the store (it has waited too long), counts it and says so loudly. */
  private dropOldest(what: 'rows' | 'bans'): void {
    const list = what === 'rows' ? this.pending : this.pendingBans;
    const n = Math.max(1, Math.ceil(list.length / 10));
    list.splice(0, n);
    if (what === 'rows') this.droppedRows += n;
    else this.droppedBans += n;
    const ep = this.faults.current();
    this.d.log.error({ dropped: n, what, droppedRows: this.droppedRows, droppedBans: this.droppedBans, fault: ep?.kind ?? null, fix: ep?.advice ?? null },
      `the store has not taken anything for too long: dropped the ${n} oldest waiting ${what === 'rows' ? 'failure rows' : 'bans'} (the firewall and the failed-auth log still have them)`);
  }

  /** Applies firewall ops; failures are logged, counted, and repaired by the next reconcile. */
  enforce(ops: Parameters<Enforcer['apply']>[0]): void {
    const started = performance.now();
    this.d.enforcer.apply(ops, this.d.now()).then(() => {
      this.stats.enforcerLatencyMs = performance.now() - started;
    }, (e: Error) => {
      this.stats.enforcerErrors++;
      this.d.log.error({ err: e.message, backend: this.d.enforcer.name }, 'firewall change failed');
    });
  }

  private counts(v: FailureVerdict): Array<{ n: number; within: string }> {
    const tiers = this.d.tiers();
    return v.counts.map((n, i) => ({ n, within: formatDuration(v.windows[i] ?? tiers[i]?.within ?? 0) }));
  }
}
