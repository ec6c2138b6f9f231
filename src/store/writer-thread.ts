/**
 * The store's failure-row commits on a second thread (the machine's other core), so a
 * flood's SQLite inserts (~5 µs a row, indexes included) stay off the thread that reads,
 * decides and bans.
 *
 * The thread has its own connection to the same file (WAL: the daemon's connection
 * still reads and writes meanwhile; SQLite's write lock orders the two). It commits a
 * batch — failure rows, the sources' cursors and meta values (the failed-auth log's
 * position) — in ONE transaction, exactly what `Store.commitProgress` does without bans;
 * the SQL is the store's own (failures.ts, meta.ts), handed to the thread.
 *
 * Invariants:
 * - One batch at a time: `commit()` refuses a second while one is in flight, so batches
 *   are committed in the order they were handed over. Its `done` callback runs once, with
 *   null or the error; `waitIdle()` lets the caller block until then (back-pressure: a
 *   thread slower than its caller must slow the caller, not drop what waits).
 * - Exactly once: each batch carries a number (`seq`, with this writer's random run id)
 *   stored in the same transaction; a batch handed over again after its answer was lost
 *   (the thread died between COMMIT and its reply) is recognised and not written twice.
 * - A failed commit rejects with an Error carrying SQLite's or the system's `code`
 *   (SQLITE_FULL, SQLITE_BUSY…), so `classifyFault` tells its kind; the thread is then
 *   ended and the next commit starts a fresh one (a fresh connection: after a reopen,
 *   a damaged file kept aside). A thread that dies rejects the batch in flight the same way.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { connectionPragmas } from './db.js';
import { FAILURE_INSERT_SQL } from './failures.js';
import { CURSOR_PUT_SQL, META_PUT_SQL } from './meta.js';
import type { Cursor, FailureRow } from './types.js';

/** What one commit writes. */
export interface WriterBatch {
  readonly rows: readonly FailureRow[];
  readonly cursors: readonly Cursor[];
  readonly meta: ReadonlyArray<readonly [string, string]>;
  /** Set by the writer when first handed over; kept for a retry of the same batch. */
  seq?: number;
}

/** The meta key of the last batch committed by a writer thread (`<run id>:<seq>`). */
export const WRITER_BATCH_KEY = 'store_writer_batch';

/** The thread's code (CommonJS, run with `eval`: no build step, the same in dist/ and in tests). */
const WORKER_SOURCE = `
const { workerData: w } = require('node:worker_threads');
const answered = new Int32Array(w.answered);
const Database = require(w.sqlite);
const db = new Database(w.file);
for (const p of w.pragmas) db.pragma(p);
const insert = db.prepare(w.insertFailure);
const putMeta = db.prepare(w.putMeta);
const putCursor = db.prepare(w.putCursor);
const getMeta = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
const done = (value) => {
  const i = typeof value === 'string' ? value.lastIndexOf(':') : -1;
  return i > 0 && value.slice(0, i) === w.run ? Number(value.slice(i + 1)) : 0;
};
const commit = db.transaction((b) => {
  if (done(getMeta.get(w.key)) >= b.seq) return;
  for (const r of b.rows) insert.run(r.at, r.ip, r.port, r.service, r.account, r.reason, r.zone, r.action, r.source, r.line, r.raw);
  for (const c of b.cursors) putCursor.run({ source: c.source, dev: c.dev, ino: c.ino, offset: c.offset, fingerprint: c.fingerprint, line: c.line ?? null, updatedAt: c.updatedAt });
  for (const [k, v] of b.meta) putMeta.run(k, v);
  putMeta.run(w.key, w.run + ':' + b.seq);
});
w.port.on('message', (b) => {
  let reply;
  try {
    commit.immediate(b);
    reply = { seq: b.seq, ok: true };
  } catch (e) {
    reply = { seq: b.seq, ok: false, code: e && e.code, message: String(e && e.message || e) };
  }
  w.port.postMessage(reply);
  Atomics.add(answered, 0, 1);
  Atomics.notify(answered, 0);
});
`;

interface Reply {
  readonly seq: number;
  readonly ok: boolean;
  readonly code?: string;
  readonly message?: string;
}

/** Commits batches of failure rows on a thread of its own; see the invariants at the top. */
export class StoreWriter {
  #worker: Worker | null = null;
  /** This side of the thread's channel, and the count of answers it sent (shared memory: waitIdle blocks on it). */
  #port: MessagePort | null = null;
  #answered = new Int32Array(new SharedArrayBuffer(4));
  #inFlight: { seq: number; done: (err: Error | null) => void } | null = null;
  #seq = 0;
  readonly #run = randomUUID();
  #closed = false;

  constructor(readonly file: string, private readonly opts: { readonly busyTimeoutMs?: number } = {}) {}

  /** True while a batch is being committed. */
  get busy(): boolean {
    return this.#inFlight !== null;
  }

  /**
   * Commits `b` in one transaction on the thread; `done` runs once, later, with null when
   * it is committed or the error (with `code`) when not. Throws if closed or busy.
   */
  commit(b: WriterBatch, done: (err: Error | null) => void): void {
    if (this.#closed) throw new Error('the store writer is closed');
    if (this.#inFlight) throw new Error('the store writer takes one batch at a time');
    b.seq ??= ++this.#seq;
    const seq = b.seq;
    this.#inFlight = { seq, done };
    try {
      this.#thread();
      this.#port?.postMessage({ seq, rows: b.rows, cursors: b.cursors, meta: b.meta });
    } catch (e) {
      queueMicrotask(() => this.#settle({ seq, ok: false, code: (e as NodeJS.ErrnoException).code, message: (e as Error).message }));
    }
  }

  /** {@link commit} as a promise: resolves when committed, rejects with the error. */
  commitAsync(b: WriterBatch): Promise<void> {
    return new Promise((resolve, reject) => this.commit(b, (err) => (err ? reject(err) : resolve())));
  }

  /**
   * Blocks this thread until the batch in flight is answered (its `done` has run) or
   * `timeoutMs` passed; true when nothing is in flight any more. Never throws.
   */
  waitIdle(timeoutMs: number): boolean {
    const deadline = Date.now() + timeoutMs;
    while (this.#inFlight && this.#port) {
      const seen = Atomics.load(this.#answered, 0);
      const m = receiveMessageOnPort(this.#port);
      if (m) {
        this.#settle(m.message as Reply);
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) break;
      Atomics.wait(this.#answered, 0, seen, left);
    }
    return this.#inFlight === null;
  }

  /**
   * Whether `b` is committed, read through another connection (`read`: the store's
   * getMeta): for a batch whose thread died, which may have been after its COMMIT.
   */
  landed(b: WriterBatch, read: (key: string) => string | null): boolean {
    return b.seq !== undefined && read(WRITER_BATCH_KEY) === `${this.#run}:${b.seq}`;
  }

  /** Ends the thread at once, as a crash would (the batch in flight, if any, is rejected); the next commit starts a new one. */
  async kill(): Promise<void> {
    const w = this.#worker;
    if (w) await w.terminate();
  }

  /** Ends the thread; later commits are refused. A batch in flight is rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.kill();
  }

  #thread(): Worker {
    if (this.#worker) return this.#worker;
    const { port1, port2 } = new MessageChannel();
    const w = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file: this.file, run: this.#run, key: WRITER_BATCH_KEY, sqlite: createRequire(import.meta.url).resolve('better-sqlite3'),
        pragmas: connectionPragmas(this.opts.busyTimeoutMs), insertFailure: FAILURE_INSERT_SQL, putMeta: META_PUT_SQL, putCursor: CURSOR_PUT_SQL,
        port: port2, answered: this.#answered.buffer,
      },
      transferList: [port2],
      // Its rows live for one batch: a small young generation (V8's default grows to 48 MB) is enough.
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    w.unref();
    port1.unref();
    port1.on('message', (r: Reply) => this.#settle(r));
    this.#port = port1;
    w.on('error', (e: Error & { code?: string }) => this.#gone(w, e));
    w.on('exit', (code) => this.#gone(w, new Error(`the store writer thread ended (exit code ${code})`)));
    this.#worker = w;
    return w;
  }

  /** The thread failed or ended: forget it, and fail the batch in flight. */
  #gone(w: Worker, e: Error & { code?: string }): void {
    if (this.#worker !== w) return;
    this.#drop();
    const f = this.#inFlight;
    if (f) this.#settle({ seq: f.seq, ok: false, code: e.code ?? 'WRITER_THREAD', message: e.message });
  }

  #settle(r: Reply): void {
    const f = this.#inFlight;
    if (!f || f.seq !== r.seq) return;
    this.#inFlight = null;
    if (r.ok) {
      f.done(null);
      return;
    }
    this.#drop(); // a fresh connection for the next batch: after a reopen, or a damaged file kept aside
    f.done(Object.assign(new Error(r.message ?? 'store writer failed'), { code: r.code ?? 'UNKNOWN' }));
  }

  /** Forgets the thread and its channel (ending the thread); the next commit starts new ones. */
  #drop(): void {
    const w = this.#worker;
    this.#worker = null;
    this.#port?.close();
    this.#port = null;
    if (w) void w.terminate();
  }
}
