/**
 * Parsing `sipwarden check`'s log files on worker threads (parse-worker.ts), the
 * decisions staying on the calling thread: each file is cut into blocks of
 * {@link BLOCK} bytes, the workers parse blocks ahead (at most {@link AHEAD} per file),
 * and each file's events come out in line order, block after block, as from a
 * single-thread reader — so the replay's merge across files and every decision are
 * unchanged.
 *
 * Synchronous on purpose (the replay is a pull loop): while the next block is not done,
 * the caller sleeps on a shared counter the workers bump after each batch
 * (Atomics.wait), and takes the batches with receiveMessageOnPort. Memory stays
 * bounded: a few blocks' events per file, whatever the file's size.
 */
import fs from 'node:fs';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { SecurityEvent } from '../domain/events.js';
import type { Interest } from '../parsers/index.js';
import type { LogSource } from '../sources/replay.js';
import { type Batch, BatchReader } from './event-codec.js';
import type { Job } from './parse-worker.js';

/** Bytes per block. */
const BLOCK = 2 * 1024 * 1024;
/** Blocks per file parsed ahead of the one being decided. */
const AHEAD = 6;
/** A worker silent this long while a block is awaited has failed. */
const STALL_MS = 60_000;

interface Done {
  readonly job: number;
  readonly lines?: number;
  readonly oversized?: number;
  readonly batch?: Batch;
  readonly error?: string;
}

interface Slot {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly reader: BatchReader;
}

/** A pool of parse workers; `close()` ends them. */
export class ParsePool {
  private readonly slots: Slot[] = [];
  private readonly wake = new Int32Array(new SharedArrayBuffer(4));
  private readonly done = new Map<number, { done: Done; reader: BatchReader }>();
  private nextJob = 0;
  private turn = 0;

  /** `block`: bytes per block (tests cut small files into many). */
  constructor(size: number, script: URL, private readonly block = BLOCK) {
    for (let i = 0; i < size; i++) {
      const { port1, port2 } = new MessageChannel();
      // A worker holds a read buffer, a batch and its shared strings: a small young generation keeps its RSS down.
      const worker = new Worker(script, { workerData: { port: port2, signal: this.wake.buffer }, transferList: [port2], resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      worker.unref();
      this.slots.push({ worker, port: port1, reader: new BatchReader() });
    }
  }

  /** The events of the log file `path`, in line order. */
  open(path: string, refTime: number, interest: Interest): LogSource {
    const size = fs.statSync(path).size;
    const blocks = Math.max(1, Math.ceil(size / this.block));
    const jobs: number[] = [];
    let sent = 0;
    let block = 0;
    let events: SecurityEvent[] = [];
    let at = 0;
    const stats = { lines: 0, events: 0, oversized: 0 };
    const send = (): void => {
      while (sent < blocks && sent < block + AHEAD) {
        const start = sent * this.block;
        jobs.push(this.send({ job: 0, path, start, end: sent === blocks - 1 ? Number.POSITIVE_INFINITY : start + this.block, refTime, interest }));
        sent++;
      }
    };
    return {
      stats,
      pull: () => {
        while (at >= events.length) {
          if (block >= blocks) return null;
          send();
          const { done, reader } = this.await(jobs[block] as number);
          const firstLine = stats.lines + 1;
          stats.lines += done.lines ?? 0;
          stats.oversized += done.oversized ?? 0;
          events = reader.decode(done.batch as Batch, path, firstLine);
          stats.events += events.length;
          at = 0;
          block++;
        }
        const ev = events[at] as SecurityEvent;
        events[at++] = undefined as unknown as SecurityEvent; // decided events are not kept
        return ev;
      },
      close: () => undefined,
    };
  }

  /** Ends the workers (they close their files). */
  close(): void {
    for (const s of this.slots) {
      s.worker.postMessage('stop');
      s.port.close();
    }
  }

  private send(j: Job): number {
    const job = this.nextJob++;
    const slot = this.slots[this.turn++ % this.slots.length] as Slot;
    slot.worker.postMessage({ ...j, job });
    return job;
  }

  /** Waits (blocking) for `job`'s batch; batches of other jobs that come first are kept. */
  private await(job: number): { done: Done; reader: BatchReader } {
    let quietSince = Date.now();
    for (;;) {
      const got = this.done.get(job);
      if (got) {
        this.done.delete(job);
        if (got.done.error !== undefined) throw new Error(`check: a parse worker failed: ${got.done.error}`);
        return got;
      }
      const seen = Atomics.load(this.wake, 0);
      let any = false;
      for (const s of this.slots) {
        for (let m = receiveMessageOnPort(s.port); m; m = receiveMessageOnPort(s.port)) {
          const done = m.message as Done;
          if (done.batch) s.reader.receive(done.batch);
          this.done.set(done.job, { done, reader: s.reader });
          any = true;
        }
      }
      if (any) {
        quietSince = Date.now();
        continue;
      }
      if (Atomics.wait(this.wake, 0, seen, 1000) === 'timed-out' && Date.now() - quietSince > STALL_MS) {
        throw new Error('check: the parse workers stopped answering');
      }
    }
  }
}
