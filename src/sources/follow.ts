/**
 * Follows one growing log file like `tail -F`: reads only appended bytes, splits
 * lines across partial writes (a line is delivered only once its newline arrives),
 * and survives rotation by rename-and-create (the old file is drained, then the new
 * one is read from its start), copytruncate (the file shrinks: read from 0), and a
 * file that does not exist yet (waits for it and says so once). Wakes on inotify
 * (fs.watch on the directory) with a slow poll as a safety net.
 *
 * A source does not supervise itself (STYLE.md): I/O errors go to `onError` and the
 * follower keeps polling; `stop()` ends it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_MAX_LINE } from './line-reader.js';

export interface FollowOptions {
  readonly startAt: 'end' | 'beginning';
  readonly pollMs?: number;
  readonly maxLine?: number;
  readonly onLine: (line: string, lineNo: number) => void;
  readonly onNotice?: (msg: string) => void;
  readonly onError?: (err: Error) => void;
}

export interface FollowerState {
  readonly path: string;
  readonly exists: boolean;
  readonly offset: number;
  readonly lines: number;
  readonly oversized: number;
  readonly rotations: number;
}

const READ = 1024 * 1024;

export class Follower {
  private fd: number | null = null;
  private ino = -1;
  private offset = 0;
  private lineNo = 0;
  private oversized = 0;
  private rotations = 0;
  private carry: Buffer = Buffer.alloc(0);
  private skipping = false;
  private timer: NodeJS.Timeout | null = null;
  private watcher: fs.FSWatcher | null = null;
  private saidMissing = false;
  private reading = false;
  private readonly buf = Buffer.allocUnsafe(READ);

  constructor(readonly file: string, private readonly opts: FollowOptions) {}

  /** Opens the file (or starts waiting for it) and begins following. */
  start(): void {
    this.open(this.opts.startAt === 'end');
    try {
      this.watcher = fs.watch(path.dirname(this.file), { persistent: false }, () => this.poll());
      this.watcher.on('error', () => undefined);
    } catch {
      // Directory missing: the poll below still finds the file when it appears.
    }
    this.timer = setInterval(() => this.poll(), this.opts.pollMs ?? 500);
    this.timer.unref?.();
    this.poll();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.watcher?.close();
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  state(): FollowerState {
    return { path: this.file, exists: this.fd !== null, offset: this.offset, lines: this.lineNo, oversized: this.oversized, rotations: this.rotations };
  }

  /** Reads whatever is new; safe to call at any time. */
  poll(): void {
    if (this.reading) return;
    this.reading = true;
    try {
      if (this.fd === null) this.open(false);
      if (this.fd === null) return;
      this.drain();
      let st: fs.Stats | null = null;
      try {
        st = fs.statSync(this.file);
      } catch {
        st = null;
      }
      if (st && st.ino !== this.ino) {
        // Rotated by rename: the old descriptor is drained above; switch to the new file from its start.
        this.rotations++;
        fs.closeSync(this.fd);
        this.fd = null;
        this.flushCarry();
        this.open(false);
        if (this.fd !== null) this.drain();
      } else if (st && st.size < this.offset) {
        // copytruncate: the file was emptied in place.
        this.rotations++;
        this.offset = 0;
        this.flushCarry();
        this.drain();
      }
    } catch (e) {
      this.opts.onError?.(e as Error);
    } finally {
      this.reading = false;
    }
  }

  private open(atEnd: boolean): void {
    try {
      const fd = fs.openSync(this.file, 'r');
      const st = fs.fstatSync(fd);
      this.fd = fd;
      this.ino = st.ino;
      this.offset = atEnd ? st.size : 0;
      if (this.saidMissing) this.opts.onNotice?.(`${this.file} appeared; following it`);
      this.saidMissing = false;
    } catch {
      if (!this.saidMissing) this.opts.onNotice?.(`${this.file} does not exist yet; waiting for it`);
      this.saidMissing = true;
    }
  }

  private drain(): void {
    const fd = this.fd as number;
    for (;;) {
      const n = fs.readSync(fd, this.buf, 0, READ, this.offset);
      if (n <= 0) return;
      this.offset += n;
      this.consume(this.buf.subarray(0, n));
    }
  }

  private consume(data: Buffer): void {
    const max = this.opts.maxLine ?? DEFAULT_MAX_LINE;
    let start = 0;
    for (;;) {
      const nl = data.indexOf(10, start);
      if (nl < 0) break;
      const piece = data.subarray(start, nl);
      start = nl + 1;
      if (this.skipping) {
        this.skipping = false;
        this.carry = Buffer.alloc(0);
        this.lineNo++;
        this.oversized++;
        continue;
      }
      const bytes = this.carry.length ? Buffer.concat([this.carry, piece]) : piece;
      this.carry = Buffer.alloc(0);
      this.emit(bytes, max);
    }
    if (start < data.length && !this.skipping) {
      const rest = data.subarray(start);
      if (this.carry.length + rest.length > max) {
        this.carry = Buffer.alloc(0);
        this.skipping = true; // counted and skipped when its newline arrives
      } else {
        this.carry = Buffer.concat([this.carry, rest]);
      }
    }
  }

  private emit(bytes: Buffer, max: number): void {
    this.lineNo++;
    if (bytes.length > max) {
      this.oversized++;
      return;
    }
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 13) end--;
    this.opts.onLine(bytes.toString('utf8', 0, end), this.lineNo);
  }

  /** A partial last line of a rotated file is complete now: deliver it. */
  private flushCarry(): void {
    if (this.carry.length && !this.skipping) this.emit(this.carry, this.opts.maxLine ?? DEFAULT_MAX_LINE);
    this.carry = Buffer.alloc(0);
    this.skipping = false;
  }
}
