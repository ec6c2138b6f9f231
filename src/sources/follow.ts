/**
 * Follows one growing log file like `tail -F`, and never loses or repeats a line:
 *
 * - reads only appended bytes; a line is delivered once its newline arrives (partial
 *   writes are joined), lines over `maxLine` bytes are counted and skipped, never
 *   buffered whole; invalid UTF-8 becomes U+FFFD;
 * - rotation by rename-and-create: the old descriptor is read to its end, then the new
 *   file from its start;
 * - copytruncate: the file shrinks under us; the lines we had not read yet are in the
 *   copy, which is found by its first bytes (fingerprint) and read from our offset;
 * - a file that does not exist yet: waits for it and says so once; deletion and
 *   re-creation are a rotation;
 * - a persistent cursor (device, inode, offset, fingerprint): after a restart the
 *   follower resumes exactly where it stopped, in the file itself or in the file it
 *   was rotated to while sipwarden was down.
 *
 * Invariant: `delivered` is the byte offset just after the last newline whose line
 * was handed to `onLine` (it is advanced BEFORE the call, so a cursor taken while the
 * line is being handled already counts it). Wakes on inotify (fs.watch of the
 * directory) with a slow poll as a safety net. A source does not supervise itself:
 * I/O errors go to `onError` and polling goes on until `stop()`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_MAX_LINE } from './line-reader.js';

/** Where a follower stands in a file. */
export interface FileCursor {
  readonly dev: string;
  readonly ino: string;
  readonly offset: number;
  readonly fingerprint: string;
}

export interface FollowOptions {
  readonly startAt: 'end' | 'beginning';
  /** Where to resume (from the store); takes precedence over `startAt`. */
  readonly cursor?: FileCursor | null;
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
/** Most bytes one poll reads before yielding to the event loop. */
const MAX_PER_POLL = 4 * READ;
const FINGERPRINT_BYTES = 128;

/** `<n>:<sha256 of the first n bytes>`, n = min(size, 128); '' for an empty file. */
export function fingerprintOf(fd: number): string {
  const b = Buffer.alloc(FINGERPRINT_BYTES);
  const n = fs.readSync(fd, b, 0, FINGERPRINT_BYTES, 0);
  if (n === 0) return '';
  return `${n}:${crypto.createHash('sha256').update(b.subarray(0, n)).digest('hex').slice(0, 32)}`;
}

function fingerprintMatches(fd: number, fp: string): boolean {
  if (fp === '') return true;
  const n = Number(fp.slice(0, fp.indexOf(':')));
  const b = Buffer.alloc(n);
  if (fs.readSync(fd, b, 0, n, 0) !== n) return false;
  return `${n}:${crypto.createHash('sha256').update(b).digest('hex').slice(0, 32)}` === fp;
}

export class Follower {
  private fd: number | null = null;
  private dev = '';
  private ino = '';
  private fingerprint = '';
  private readOffset = 0;
  private delivered = 0;
  private lineNo = 0;
  private oversized = 0;
  private rotations = 0;
  private carry: Buffer = Buffer.alloc(0);
  private skipping = false;
  private timer: NodeJS.Timeout | null = null;
  private again: NodeJS.Immediate | null = null;
  private watcher: fs.FSWatcher | null = null;
  private saidMissing = false;
  private reading = false;
  private readonly buf = Buffer.allocUnsafe(READ);

  constructor(readonly file: string, private readonly opts: FollowOptions) {}

  /** Resumes from the cursor (or opens at `startAt`) and begins following. */
  start(): void {
    this.guard(() => (this.opts.cursor ? this.resume(this.opts.cursor) : this.open(this.opts.startAt === 'end')));
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
    if (this.again) clearImmediate(this.again);
    this.watcher?.close();
    this.close();
  }

  /** The position after the last delivered line, or null if no file is open. */
  cursor(): FileCursor | null {
    if (this.fd === null) return null;
    if (!this.fingerprint.startsWith(`${FINGERPRINT_BYTES}:`)) this.fingerprint = fingerprintOf(this.fd);
    return { dev: this.dev, ino: this.ino, offset: this.delivered, fingerprint: this.fingerprint };
  }

  state(): FollowerState {
    return { path: this.file, exists: this.fd !== null, offset: this.delivered, lines: this.lineNo, oversized: this.oversized, rotations: this.rotations };
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
        this.rotations++;
        while (!this.drain()); // the old file does not grow any more: read it to its end
        this.endOfFile();
        this.close();
        this.open(false);
        if (this.fd !== null) this.schedule();
      } else if (st.size < this.readOffset || (this.readOffset > 0 && this.fingerprint.startsWith(`${FINGERPRINT_BYTES}:`) && !fingerprintMatches(this.fd, this.fingerprint))) {
        // Truncated in place (copytruncate), possibly already refilled past our offset.
        this.rotations++;
        this.fromCopy(this.delivered, this.fingerprint);
        this.carry = Buffer.alloc(0);
        this.skipping = false;
        this.readOffset = 0;
        this.delivered = 0;
        this.fingerprint = fingerprintOf(this.fd);
        this.schedule();
      }
    });
    this.reading = false;
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
      this.opts.onError?.(e as Error);
    }
  }

  private open(atEnd: boolean): void {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      if (!this.saidMissing) this.opts.onNotice?.(`${this.file} does not exist yet; waiting for it`);
      this.saidMissing = true;
      return;
    }
    const st = fs.fstatSync(fd);
    this.fd = fd;
    this.dev = String(st.dev);
    this.ino = String(st.ino);
    this.fingerprint = fingerprintOf(fd);
    this.readOffset = atEnd ? st.size : 0;
    this.delivered = this.readOffset;
    this.carry = Buffer.alloc(0);
    this.skipping = false;
    if (this.saidMissing) this.opts.onNotice?.(`${this.file} appeared; following it`);
    this.saidMissing = false;
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
      return;
    }
    // Rotated (or truncated and copied) while we were down: finish the old file first.
    const found = this.fromCopy(c.offset, c.fingerprint, c.ino);
    if (!found) this.opts.onNotice?.(`${this.file} changed while sipwarden was stopped and its old content was not found; reading it from the start`);
  }

  /**
   * Reads the rest of a rotated copy of this file from `offset`: the sibling
   * (`messages.1`, `messages-20261124`, …) with the given inode or fingerprint.
   * Returns whether one was found.
   */
  private fromCopy(offset: number, fp: string, ino?: string): boolean {
    const dir = path.dirname(this.file);
    const base = path.basename(this.file);
    let names: string[];
    try {
      names = fs.readdirSync(dir).filter((n) => n !== base && n.startsWith(base) && !/\.(gz|bz2|xz|zst)$/.test(n));
    } catch {
      return false;
    }
    for (const name of names) {
      const p = path.join(dir, name);
      let fd: number | null = null;
      try {
        fd = fs.openSync(p, 'r');
        const st = fs.fstatSync(fd);
        const same = ino !== undefined && String(st.ino) === ino ? true : fp !== '' && fingerprintMatches(fd, fp);
        if (!same || st.size < offset) continue;
        this.rotations++;
        this.drainFd(fd, offset, st.size);
        this.endOfFile();
        return true;
      } catch {
        continue;
      } finally {
        if (fd !== null) fs.closeSync(fd);
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
    this.skipping = false;
    let at = from;
    while (at < to) {
      const n = fs.readSync(fd, this.buf, 0, Math.min(READ, to - at), at);
      if (n <= 0) break;
      this.consume(this.buf.subarray(0, n), at);
      at += n;
    }
  }

  private consume(data: Buffer, base: number): void {
    const max = this.opts.maxLine ?? DEFAULT_MAX_LINE;
    let start = 0;
    for (;;) {
      const nl = data.indexOf(10, start);
      if (nl < 0) break;
      const piece = data.subarray(start, nl);
      start = nl + 1;
      this.delivered = base + nl + 1;
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

  /** The file ended for good (rotated away): a last line without newline is complete now. */
  private endOfFile(): void {
    if (this.carry.length && !this.skipping) this.emit(this.carry, this.opts.maxLine ?? DEFAULT_MAX_LINE);
    this.carry = Buffer.alloc(0);
    this.skipping = false;
  }
}
