/**
 * Follows one growing log file like `tail -F`, and never loses or repeats a line:
 *
 * - reads only appended bytes; a line is delivered once its newline arrives (partial
 *   writes are joined); invalid UTF-8 becomes U+FFFD;
 * - a line over `maxLine` bytes is never buffered whole and never dropped silently: its
 *   head and tail go to `onOversize` (see long-line.ts for when they may be parsed);
 * - rotation by rename-and-create: the old descriptor is read to its end, then the new
 *   file from its start;
 * - copytruncate: the file shrinks under us; the lines we had not read yet are in the
 *   copy, which is found by its first bytes (fingerprint) and read from our offset;
 * - a file that does not exist yet: waits for it and says so once; deletion and
 *   re-creation are a rotation;
 * - only regular files are opened, and never with a blocking open: a FIFO, a
 *   directory or a device at the path is reported once and the path is watched until
 *   it is a regular file again (a FIFO's open used to block the whole daemon);
 * - a persistent cursor (device, inode, offset, fingerprint, line number): after a
 *   restart the follower resumes exactly where it stopped, in the file itself or in
 *   the file it was rotated to while sipwarden was down, and line numbers go on from
 *   where they were; a new file (rotation) starts again at line 1.
 *
 * Invariant: `delivered` is the byte offset just after the last newline whose line
 * was handed on, and `lineNo` its line number, both advanced BEFORE the call, so a
 * cursor taken while the line is being handled already counts it. While a rotated copy
 * is being read, the cursor names that copy. Wakes on inotify (fs.watch of the
 * directory) with a slow poll as a safety net. A source does not supervise itself:
 * I/O errors and errors thrown by the callbacks go to `onError` (the same message at
 * most once a minute, with a count) and polling goes on until `stop()`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_MAX_LINE } from './line-reader.js';
import { LongLineBuilder, type LongLine } from './long-line.js';
import { countLines, fingerprintMatches, fingerprintOf, FINGERPRINT_BYTES, openRegular, READ } from './regular-file.js';

export type { LongLine } from './long-line.js';

/** Where a follower stands in a file. */
export interface FileCursor {
  readonly dev: string;
  readonly ino: string;
  readonly offset: number;
  readonly fingerprint: string;
  /** Lines before `offset` (the number of the last line delivered); absent in cursors of older versions. */
  readonly line?: number;
}

export interface FollowOptions {
  readonly startAt: 'end' | 'beginning';
  /** Where to resume (from the store); takes precedence over `startAt`. */
  readonly cursor?: FileCursor | null;
  readonly pollMs?: number;
  readonly maxLine?: number;
  readonly onLine: (line: string, lineNo: number) => void;
  /** A line over `maxLine` bytes: its head and tail (each maxLine/2 bytes) and its length. */
  readonly onOversize?: (line: LongLine, lineNo: number) => void;
  readonly onNotice?: (msg: string) => void;
  readonly onError?: (err: Error) => void;
  /** The clock, for limiting repeated errors (default Date.now). */
  readonly now?: () => number;
}

export interface FollowerState {
  readonly path: string;
  readonly exists: boolean;
  readonly offset: number;
  readonly lines: number;
  readonly oversized: number;
  readonly rotations: number;
  /** Why the path cannot be read now (missing, not a regular file), or null. */
  readonly problem: string | null;
}

/**
 * Most bytes one poll reads before yielding to the event loop: about 5,000 log lines,
 * 50-100 ms of work in a flood, so timers, firewall answers and the API keep their turn.
 */
const MAX_PER_POLL = READ;
/** The same error is passed on at most once in this time. */
const ERROR_REPEAT_MS = 60_000;

export class Follower {
  private fd: number | null = null;
  private dev = '';
  private ino = '';
  private fingerprint = '';
  /** The rotated copy being read (fromCopy), which the cursor names meanwhile. */
  private copy: { dev: string; ino: string; fingerprint: string } | null = null;
  private readOffset = 0;
  private delivered = 0;
  private lineNo = 0;
  private oversized = 0;
  private rotations = 0;
  private carry: Buffer = Buffer.alloc(0);
  /** The line being received while it is over `maxLine` (its head, tail and length only). */
  private long: LongLineBuilder | null = null;
  private timer: NodeJS.Timeout | null = null;
  private again: NodeJS.Immediate | null = null;
  private watcher: fs.FSWatcher | null = null;
  /** What was last said about the path being unreadable (said once until it changes). */
  private problem: string | null = null;
  private reading = false;
  private readonly reported = new Map<string, { at: number; repeats: number }>();
  private readonly buf = Buffer.allocUnsafe(READ);

  constructor(readonly file: string, private readonly opts: FollowOptions) {}

  /** Resumes from the cursor (or opens at `startAt`) and begins following. */
  start(): void {
    this.guard(() => (this.opts.cursor ? this.resume(this.opts.cursor) : this.open(this.opts.startAt === 'end')));
    try {
      this.watcher = fs.watch(path.dirname(this.file), { persistent: false }, () => this.wake());
      this.watcher.on('error', () => undefined);
    } catch {
      // Directory missing: the poll below still finds the file when it appears.
    }
    this.timer = setInterval(() => this.wake(), this.opts.pollMs ?? 500);
    this.timer.unref?.();
    this.poll();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.again) clearImmediate(this.again);
    this.watcher?.close();
    this.close();
  }

  /** The position after the last delivered line, or null if no file is open. */
  cursor(): FileCursor | null {
    if (this.copy) return { ...this.copy, offset: this.delivered, line: this.lineNo };
    if (this.fd === null) return null;
    if (!this.fingerprint.startsWith(`${FINGERPRINT_BYTES}:`)) this.fingerprint = fingerprintOf(this.fd);
    return { dev: this.dev, ino: this.ino, offset: this.delivered, fingerprint: this.fingerprint, line: this.lineNo };
  }

  state(): FollowerState {
    return {
      path: this.file, exists: this.fd !== null, offset: this.delivered, lines: this.lineNo, oversized: this.oversized,
      rotations: this.rotations, problem: this.fd === null ? this.problem : null,
    };
  }

  /** Reads whatever is new; safe to call at any time. */
  poll(): void {
    if (this.reading) return;
    this.reading = true;
    this.guard(() => {
      if (this.fd === null) this.open(false);
      if (this.fd === null) return;
      if (!this.drain()) {
        // More to read: come back after the event loop has had a turn.
        this.schedule();
        return;
      }
      let st: fs.Stats | null = null;
      try {
        st = fs.statSync(this.file);
      } catch {
        return; // deleted or renamed away: keep reading the old descriptor until a new file appears
      }
      if (String(st.ino) !== this.ino || String(st.dev) !== this.dev) {
        // Another file at the path (rotation), or something that is no file at all.
        this.rotations++;
        while (!this.drain()); // the old file does not grow any more: read it to its end
        this.endOfFile();
        this.close();
        this.open(false);
        if (this.fd !== null) this.schedule();
      } else if (st.size < this.readOffset || (this.readOffset > 0 && this.fingerprint.startsWith(`${FINGERPRINT_BYTES}:`) && !fingerprintMatches(this.fd, this.fingerprint))) {
        // Truncated in place (copytruncate), possibly already refilled past our offset.
        this.rotations++;
        this.fromCopy(this.delivered, this.fingerprint, undefined, this.lineNo);
        this.carry = Buffer.alloc(0);
        this.long = null;
        this.readOffset = 0;
        this.delivered = 0;
        this.lineNo = 0;
        this.fingerprint = fingerprintOf(this.fd);
        this.schedule();
      }
    });
    this.reading = false;
  }

  /**
   * The file (or its directory) changed: read now, unless a read is already scheduled
   * because there was more than one poll's worth. Then that read comes after the event
   * loop's turn, as it should: while a flood outruns the reader, every write raises
   * another change event, and reading on each of them kept the loop in its I/O phase
   * for as long as the flood lasted (17 s at 200,000 lines/s), with no timer, no
   * firewall answer and no API request served meanwhile.
   */
  private wake(): void {
    if (this.again === null) this.poll();
  }

  /** Polls again after the event loop has had a turn (at most one pending). */
  private schedule(): void {
    this.again ??= setImmediate(() => {
      this.again = null;
      this.poll();
    });
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.report(e as Error);
    }
  }

  /** Passes an error on, the same message at most once per ERROR_REPEAT_MS (then with how often it recurred). */
  private report(e: Error): void {
    const now = (this.opts.now ?? Date.now)();
    const seen = this.reported.get(e.message);
    if (seen && now - seen.at < ERROR_REPEAT_MS) {
      seen.repeats++;
      return;
    }
    if (this.reported.size >= 100) this.reported.clear();
    this.reported.set(e.message, { at: now, repeats: 0 });
    this.opts.onError?.(seen?.repeats ? new Error(`${e.message} (${seen.repeats} more times since it was last reported)`) : e);
  }

  /** Opens the path if it is a regular file; otherwise says why, once per reason. */
  private open(atEnd: boolean): void {
    const r = openRegular(this.file);
    if (!('fd' in r)) {
      if (r.problem !== this.problem) this.opts.onNotice?.(`${this.file} ${r.problem}; waiting for it`);
      this.problem = r.problem;
      return;
    }
    const { fd, st } = r;
    this.fd = fd;
    this.dev = String(st.dev);
    this.ino = String(st.ino);
    this.fingerprint = fingerprintOf(fd);
    this.readOffset = atEnd ? st.size : 0;
    this.delivered = this.readOffset;
    this.lineNo = atEnd ? countLines(fd, st.size) : 0;
    this.carry = Buffer.alloc(0);
    this.long = null;
    if (this.problem !== null) this.opts.onNotice?.(`${this.file} ${this.problem === 'does not exist yet' ? 'appeared' : 'is a regular file again'}; following it`);
    this.problem = null;
  }

  private close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  /** Resumes at a stored cursor: in the file itself, or in the file it was rotated to. */
  private resume(c: FileCursor): void {
    this.open(false);
    if (this.fd !== null && this.ino === c.ino && this.dev === c.dev && fs.fstatSync(this.fd).size >= c.offset && fingerprintMatches(this.fd, c.fingerprint)) {
      this.readOffset = c.offset;
      this.delivered = c.offset;
      this.lineNo = c.line ?? countLines(this.fd, c.offset);
      return;
    }
    // Rotated (or truncated and copied) while we were down: finish the old file first,
    // then the file now at the path from its start.
    const found = this.fromCopy(c.offset, c.fingerprint, c.ino, c.line);
    this.readOffset = 0;
    this.delivered = 0;
    this.lineNo = 0;
    if (!found) this.opts.onNotice?.(`${this.file} changed while sipwarden was stopped and its old content was not found; reading it from the start`);
  }

  /**
   * Reads the rest of a rotated copy of this file from `offset` (line `line` ends
   * there; counted when unknown): the sibling (`messages.1`, `messages-20261124`, …)
   * with the given inode or fingerprint. Returns whether one was found.
   */
  private fromCopy(offset: number, fp: string, ino?: string, line?: number): boolean {
    const dir = path.dirname(this.file);
    const base = path.basename(this.file);
    let names: string[];
    try {
      names = fs.readdirSync(dir).filter((n) => n !== base && n.startsWith(base) && !/\.(gz|bz2|xz|zst)$/.test(n));
    } catch {
      return false;
    }
    for (const name of names) {
      const r = openRegular(path.join(dir, name));
      if (!('fd' in r)) continue;
      const { fd, st } = r;
      let reading = false;
      try {
        const same = ino !== undefined && String(st.ino) === ino ? true : fp !== '' && fingerprintMatches(fd, fp);
        if (!same || st.size < offset) continue;
        reading = true;
        this.rotations++;
        this.copy = { dev: String(st.dev), ino: String(st.ino), fingerprint: fingerprintOf(fd) };
        this.lineNo = line ?? countLines(fd, offset);
        this.drainFd(fd, offset, st.size);
        this.endOfFile();
        return true;
      } catch (e) {
        this.report(e as Error);
        if (reading) return true; // its lines so far were handed on; the rest cannot be read
      } finally {
        this.copy = null;
        fs.closeSync(fd);
      }
    }
    return false;
  }

  /**
   * Reads what is new, at most MAX_PER_POLL bytes: a file that grows as fast as it is read
   * must not keep the event loop from flushing writes and running timers. Returns true
   * when the end of the file was reached.
   */
  private drain(): boolean {
    const fd = this.fd as number;
    for (let read = 0; read < MAX_PER_POLL;) {
      const n = fs.readSync(fd, this.buf, 0, READ, this.readOffset);
      if (n <= 0) return true;
      this.consume(this.buf.subarray(0, n), this.readOffset);
      this.readOffset += n;
      read += n;
    }
    return false;
  }

  /** Reads another descriptor from `from` to `to` through the same line splitter. */
  private drainFd(fd: number, from: number, to: number): void {
    this.carry = Buffer.alloc(0);
    this.long = null;
    this.delivered = from;
    let at = from;
    while (at < to) {
      const n = fs.readSync(fd, this.buf, 0, Math.min(READ, to - at), at);
      if (n <= 0) break;
      this.consume(this.buf.subarray(0, n), at);
      at += n;
    }
  }

  private get maxLine(): number {
    return this.opts.maxLine ?? DEFAULT_MAX_LINE;
  }

  private consume(data: Buffer, base: number): void {
    const max = this.maxLine;
    let start = 0;
    for (;;) {
      const nl = data.indexOf(10, start);
      if (nl < 0) break;
      const piece = data.subarray(start, nl);
      start = nl + 1;
      this.delivered = base + nl + 1;
      if (this.long) {
        const long = this.long;
        this.long = null;
        long.push(piece);
        this.emitLong(long);
        continue;
      }
      const bytes = this.carry.length ? Buffer.concat([this.carry, piece]) : piece;
      this.carry = Buffer.alloc(0);
      this.emit(bytes, max);
    }
    if (start < data.length) {
      const rest = data.subarray(start);
      if (this.long) this.long.push(rest);
      else if (this.carry.length + rest.length > max) {
        // Over the limit before its newline: from now on only its head and tail are kept.
        this.long = this.longLine();
        this.long.push(this.carry);
        this.long.push(rest);
        this.carry = Buffer.alloc(0);
      } else {
        this.carry = Buffer.concat([this.carry, rest]);
      }
    }
  }

  private longLine(): LongLineBuilder {
    const half = Math.floor(this.maxLine / 2);
    return new LongLineBuilder(half, half);
  }

  private emit(bytes: Buffer, max: number): void {
    if (bytes.length > max) {
      const long = this.longLine();
      long.push(bytes);
      this.emitLong(long);
      return;
    }
    this.lineNo++;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 13) end--;
    const text = bytes.toString('utf8', 0, end);
    try {
      this.opts.onLine(text, this.lineNo);
    } catch (e) {
      this.report(e as Error); // the line was handed on; its handler's failure must not stop the file
    }
  }

  private emitLong(long: LongLineBuilder): void {
    this.lineNo++;
    this.oversized++;
    const line = long.finish();
    try {
      this.opts.onOversize?.(line, this.lineNo);
    } catch (e) {
      this.report(e as Error);
    }
  }

  /** The file ended for good (rotated away): a last line without newline is complete now. */
  private endOfFile(): void {
    if (this.long) this.emitLong(this.long);
    else if (this.carry.length) this.emit(this.carry, this.maxLine);
    this.carry = Buffer.alloc(0);
    this.long = null;
  }
}
