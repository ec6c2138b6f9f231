/**
 * The failed-auth log file: appends lines in order, none twice, and survives a full
 * or unwritable disk.
 *
 * Invariants:
 * - `write()` only queues; the queue goes to the file with synchronous writes, at the
 *   end of the current turn of the event loop and whenever `flush()` is called. A line
 *   is removed from the queue only once the kernel took all of its bytes; a short write
 *   (disk full mid-line) keeps the rest, so after the disk has room again the file holds
 *   every line exactly once, in order.
 * - `flush()` returns true only when nothing is queued: the pipeline commits the store
 *   after it, so the file always holds every failure the store holds, and `position()`
 *   (stored in the same transaction) says how far the file was complete at that commit.
 * - At most `maxPendingLines` lines wait; beyond that the oldest are dropped and counted
 *   (`state().dropped`), and `onDrop` says so. Nothing here throws for an I/O error:
 *   errors go to `faults` (retry backoff) and the lines stay queued.
 * - At start, {@link trimUncommittedTail} removes the lines written after the last store
 *   commit: their log lines are read again from the sources and written again, once.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Where failures of the file are reported, and whether a retry is due (a FaultTracker). */
export interface WriterFaults {
  due(now: number): boolean;
  fail(err: unknown, now: number): unknown;
  ok(now: number): void;
}

export interface FailedAuthLogOptions {
  /** The clock for the retry backoff (ms since the epoch). */
  readonly now?: () => number;
  readonly faults?: WriterFaults;
  /** Most lines kept waiting while the file cannot be written. Default 100,000. */
  readonly maxPendingLines?: number;
  /** Lines were dropped because the queue was full (`total` dropped so far). */
  readonly onDrop?: (dropped: number, total: number) => void;
}

/** What the writer holds back, for status. */
export interface FailedAuthLogState {
  /** Lines waiting to be written. */
  readonly pending: number;
  /** Lines dropped since start because too many were waiting. */
  readonly dropped: number;
}

/** Where the file was complete: its identity and size (JSON in the store's meta). */
interface Position {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
}

/** Bytes handed to one write call at most. */
const CHUNK = 1 << 20;

export class FailedAuthLog {
  private fd: number | null = null;
  /** Lines not yet started, oldest first (without their newline). */
  private queue: string[] = [];
  /** Index of the first live entry of `queue` (entries before it are written). */
  private head = 0;
  /**
   * The chunk being written (its bytes, or what a short write left of them) and how many
   * lines it completes.
   */
  private partial: Buffer | null = null;
  /**
   * Where chunks are encoded, made once: each line is written into it as UTF-8 and its
   * newline after it. (Joining the lines into one string first cost about 1 µs a line in
   * a flood, more than encoding them.)
   */
  private chunkBuf: Buffer | null = null;
  private partialLines = 0;
  private dropped = 0;
  private scheduled = false;
  private closed = false;

  constructor(private readonly file: string, private readonly opts: FailedAuthLogOptions = {}) {
    this.tryOpen();
  }

  /** Queues one line (a newline is added); it reaches the file at the end of this turn of the event loop. */
  write(line: string): void {
    this.queue.push(line);
    const max = this.opts.maxPendingLines ?? 100_000;
    if (this.queue.length - this.head > max) this.drop(Math.max(1, Math.ceil(max / 10)));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  /**
   * Writes everything queued, in order. True when nothing is left queued; false if
   * the file refused (the rest stays queued) or a retry is not due yet (`force`: try anyway).
   */
  flush(force = false): boolean {
    if (this.pendingLines() === 0) return true;
    if (this.closed) return false; // a flush scheduled before close() must not open the file again
    const now = this.opts.now?.() ?? 0;
    if (!force && this.opts.faults && this.opts.now && !this.opts.faults.due(now)) return false;
    try {
      const fd = this.fd ?? this.openNow();
      for (;;) {
        if (!this.partial) {
          if (this.head === this.queue.length) break;
          this.takeChunk();
        }
        const chunk = this.partial as Buffer;
        const n = fs.writeSync(fd, chunk);
        if (n < chunk.length) {
          for (let i = 0; i < n; i++) if (chunk[i] === 10) this.partialLines--; // lines the short write completed
          this.partial = chunk.subarray(n);
          continue; // the next write says why (ENOSPC) or takes the rest
        }
        this.partial = null;
        this.partialLines = 0;
      }
      this.compact();
      this.opts.faults?.ok(now);
      return true;
    } catch (e) {
      this.opts.faults?.fail(e, now);
      return false;
    }
  }

  /** Where the file is complete (after a successful flush): JSON for the store, or null if it is not open. */
  position(): string | null {
    if (this.fd === null) return null;
    try {
      const st = fs.fstatSync(this.fd);
      const p: Position = { dev: st.dev, ino: st.ino, size: st.size };
      return JSON.stringify(p);
    } catch {
      return null;
    }
  }

  /** Lines waiting and lines dropped. */
  state(): FailedAuthLogState {
    return { pending: this.pendingLines(), dropped: this.dropped };
  }

  /** Closes and reopens the file by name (after logrotate moved it): what is queued goes to the new file. */
  reopen(): void {
    this.flush();
    const old = this.fd;
    this.fd = null;
    if (old !== null) fs.closeSync(old);
    this.tryOpen();
  }

  /** Writes what it can and closes; lines still queued are lost (the sources' lines are read again at the next start). */
  async close(): Promise<void> {
    this.flush(true);
    this.closed = true;
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  private pendingLines(): number {
    return this.queue.length - this.head + this.partialLines;
  }

  /** Encodes the next lines, up to CHUNK bytes (at least one line, however long), into `partial`. */
  private takeChunk(): void {
    this.chunkBuf ??= Buffer.allocUnsafeSlow(CHUNK);
    const buf = this.chunkBuf;
    let end = this.head;
    let off = 0;
    while (end < this.queue.length) {
      const line = this.queue[end] as string;
      // UTF-8 takes at most 3 bytes per UTF-16 unit (4 per surrogate pair), and 1 for the newline.
      if (off + line.length * 3 + 1 > CHUNK) {
        if (end === this.head) {
          // One line bigger than a chunk: bytes of its own.
          this.partial = Buffer.from(`${line}\n`, 'utf8');
          this.partialLines = 1;
          this.head = end + 1;
          return;
        }
        break;
      }
      off += buf.write(line, off, 'utf8');
      buf[off++] = 10;
      end++;
    }
    this.partial = buf.subarray(0, off);
    this.partialLines = end - this.head;
    this.head = end;
  }

  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /** Drops the `n` oldest lines not yet started (never a half-written one). */
  private drop(n: number): void {
    const k = Math.min(n, this.queue.length - this.head);
    this.head += k;
    this.dropped += k;
    this.compact();
    this.opts.onDrop?.(k, this.dropped);
  }

  private tryOpen(): void {
    try {
      this.openNow();
    } catch (e) {
      this.opts.faults?.fail(e, this.opts.now?.() ?? 0);
    }
  }

  private openNow(): number {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o750 });
    this.fd = fs.openSync(this.file, 'a', 0o640);
    return this.fd;
  }
}

/**
 * After a crash: cuts the failed-auth log back to where it was complete at the last
 * store commit (`committed`, from {@link FailedAuthLog.position}), because the sources
 * will be read again from that commit's cursors and their lines written again. Lines
 * in the cut tail for which `keep` is true (failures from sources that cannot be read
 * again: the AMI, the dashboard) are appended back. Does nothing if the file is another
 * one now (rotated), shorter, or `committed` is null. Returns the lines cut and kept.
 */
export function trimUncommittedTail(file: string, committed: string | null, keep: (line: string) => boolean): { cut: number; kept: number } {
  const none = { cut: 0, kept: 0 };
  if (!committed) return none;
  let pos: Position;
  try {
    pos = JSON.parse(committed) as Position;
  } catch {
    return none;
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return none;
  }
  if (st.dev !== pos.dev || st.ino !== pos.ino || st.size <= pos.size) return none;
  const fd = fs.openSync(file, 'r+');
  try {
    const tail = Buffer.alloc(st.size - pos.size);
    fs.readSync(fd, tail, 0, tail.length, pos.size);
    const complete = tail.toString('utf8').split('\n');
    const half = complete.pop(); // after the last newline: '' or a half-written line
    const kept = complete.filter(keep);
    fs.ftruncateSync(fd, pos.size);
    if (kept.length) fs.writeSync(fd, `${kept.join('\n')}\n`, pos.size);
    return { cut: complete.length + (half ? 1 : 0) - kept.length, kept: kept.length };
  } finally {
    fs.closeSync(fd);
  }
}
