/**
 * One firewall transaction at a time, in call order, with waiting apply() batches
 * merged into one transaction (a flood of single bans then costs one tool run per
 * busy period, not one per ban).
 *
 * Invariants:
 * - Jobs run strictly one after another, in the order they were queued.
 * - ops() calls made while an earlier ops job is still WAITING join that job (their
 *   order inside it is kept); once the job has started, or once an exclusive job
 *   (reconcile, close) has been queued behind it, later ops() start a new job. So a
 *   ban requested after a reconcile is never overwritten by that reconcile.
 * - Every caller's promise settles with the outcome of the transaction that carried
 *   its ops: if it fails, every apply() merged into it is rejected.
 */
export class TransactionQueue<Op> {
  private tail: Promise<unknown> = Promise.resolve();
  private open: { ops: Op[]; now: number } | null = null;
  private lastOpsJob: Promise<void> = Promise.resolve();

  constructor(private readonly runOps: (ops: readonly Op[], now: number) => Promise<void>) {}

  /** Queues `ops`; resolves when the transaction that carried them has been committed. */
  ops(ops: readonly Op[], now: number): Promise<void> {
    const joinable = this.open;
    if (joinable !== null) {
      joinable.ops.push(...ops);
      joinable.now = Math.max(joinable.now, now);
      return this.lastOpsJob;
    }
    const batch = { ops: [...ops], now };
    this.open = batch;
    const job = this.exclusiveInternal(() => {
      if (this.open === batch) this.open = null;
      return this.runOps(batch.ops, batch.now);
    });
    this.lastOpsJob = job;
    return job;
  }

  /** Runs `fn` alone, after everything queued before it; ops queued later wait for it. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.open = null;
    return this.exclusiveInternal(fn);
  }

  private exclusiveInternal<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(() => fn());
    this.tail = run.catch(() => undefined);
    return run;
  }
}
