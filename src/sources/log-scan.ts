/**
 * Reads the lines of a log file that start in a byte range, and decodes only those the
 * byte prefilter (parsers/prefilter.ts) keeps: the offline replay's reader. Every line
 * is still counted, and over-long lines are still skipped and counted, exactly as
 * LineReader does (the same line numbers, the same `oversized`, the same text for the
 * lines it returns): a line is its bytes up to a newline (the file's last line may
 * have none), one CR before the newline is dropped, invalid UTF-8 becomes U+FFFD, and a
 * line whose decoded length exceeds `maxLine` is skipped.
 *
 * Ranges split a file for parallel readers: a range holds the lines that START in it
 * (the last one is read to its end past the range), so adjacent ranges share no line
 * and miss none. Memory: one buffer of {@link CHUNK} bytes, whatever the file's size.
 */
import { isAscii } from 'node:buffer';
import fs from 'node:fs';
import { candidateLines } from '../parsers/prefilter.js';
import { DEFAULT_MAX_LINE } from './line-reader.js';

/** Read size; also the longest line held whole (a longer one is skipped unread). */
const CHUNK = 4 * 1024 * 1024;
/** Read size past the end of a range. */
const TAIL_READ = 64 * 1024;
const NL = 10;
const CR = 13;

export class LogScan {
  /** Lines seen so far (those starting in the range); after the end, all of them. */
  lines = 0;
  /** Lines skipped because they exceed `maxLine`. */
  oversized = 0;
  /** The 1-based number, in the range, of the line {@link next} returned last. */
  line = 0;
  /** True when that line is ASCII (its bytes are its characters). */
  ascii = true;
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  /** File offset of buf[0]. */
  private base: number;
  /** Bytes held in buf. */
  private len = 0;
  /** Index in buf where the next line starts. */
  private p = 0;
  /** Whole lines of buf ready to walk: [p, regionEnd). */
  private regionEnd = 0;
  private regionAscii = true;
  private readonly cands: number[] = [];
  private ci = 0;
  private eof = false;
  private done = false;

  /**
   * Scans the lines of the open file `fd` that start at a byte offset in [start, end);
   * `end` may be Infinity (to the end of the file, as it grows).
   */
  constructor(private readonly fd: number, start: number, private readonly end: number, private readonly maxLine = DEFAULT_MAX_LINE) {
    this.base = start === 0 ? 0 : start - 1;
    if (start > 0) this.skipLine(); // the byte before `start` ends the line it belongs to
  }

  /** The next line that may give an event (its number in {@link line}), or null at the end. No allocation for the lines it passes over. */
  next(): string | null {
    for (;;) {
      if (this.p >= this.regionEnd && !this.region()) return null;
      const start = this.p;
      if (this.base + start >= this.end) {
        this.finish();
        return null;
      }
      const nl = this.buf.indexOf(NL, start);
      const stop = nl >= 0 && nl < this.regionEnd ? nl : this.regionEnd;
      this.p = Math.min(stop + 1, this.regionEnd);
      this.lines++;
      while (this.ci < this.cands.length && (this.cands[this.ci] as number) < start) this.ci++;
      const candidate = this.ci < this.cands.length && this.cands[this.ci] === start;
      // As the line reader: one CR dropped before a newline (a last line without newline keeps it).
      const last = stop > start && stop < this.regionEnd && this.buf[stop - 1] === CR ? stop - 1 : stop;
      const bytes = last - start;
      const ascii = this.regionAscii;
      if (bytes > this.maxLine) {
        // A decoded line is at least a quarter of its bytes long; only non-ASCII lines in between need decoding to tell.
        const text = ascii || bytes > 4 * this.maxLine ? null : this.buf.toString('utf8', start, last);
        if (text === null || text.length > this.maxLine) {
          this.oversized++;
          continue;
        }
        if (!candidate) continue;
        this.line = this.lines;
        this.ascii = false;
        return text;
      }
      if (!candidate) continue;
      this.line = this.lines;
      this.ascii = ascii;
      return this.buf.toString(ascii ? 'latin1' : 'utf8', start, last);
    }
  }

  /** Finds the next run of whole lines (reading as needed); false at the end. */
  private region(): boolean {
    for (;;) {
      if (this.done) return false;
      if (this.base + this.p >= this.end) {
        this.finish();
        return false;
      }
      const last = this.len > this.p ? this.buf.lastIndexOf(NL, this.len - 1) : -1;
      let regionEnd = -1;
      if (last >= this.p) regionEnd = last + 1;
      else if (this.eof) regionEnd = this.len > this.p ? this.len : -1;
      if (regionEnd > this.p) {
        this.regionEnd = regionEnd;
        const view = this.buf.subarray(this.p, regionEnd);
        this.regionAscii = isAscii(view);
        candidateLines(view, this.cands);
        for (let i = 0; i < this.cands.length; i++) this.cands[i] = (this.cands[i] as number) + this.p;
        this.ci = 0;
        return true;
      }
      if (this.eof) {
        this.finish();
        return false;
      }
      if (this.p === 0 && this.len === this.buf.length) {
        // One line longer than the buffer: over any limit. Count it and skip to its end unread.
        this.lines++;
        this.oversized++;
        this.skipLine();
        continue;
      }
      this.fill();
    }
  }

  /** Drops bytes up to and including the next newline (or to the end of the file). */
  private skipLine(): void {
    for (;;) {
      const nl = this.len > this.p ? this.buf.indexOf(NL, this.p) : -1;
      if (nl >= 0 && nl < this.len) {
        this.p = nl + 1;
        this.regionEnd = this.p;
        return;
      }
      this.p = this.len;
      this.regionEnd = this.p;
      if (this.eof) return;
      this.fill();
    }
  }

  /** Keeps the unread bytes [p, len) at the front of the buffer and reads more after them. */
  private fill(): void {
    if (this.p > 0) {
      this.buf.copy(this.buf, 0, this.p, this.len);
      this.base += this.p;
      this.len -= this.p;
      this.regionEnd = 0;
      this.p = 0;
    }
    // Past the range, only the rest of its last line is wanted: read in small steps there.
    const left = this.end - (this.base + this.len);
    const want = Math.min(this.buf.length - this.len, Math.max(left, TAIL_READ));
    const n = fs.readSync(this.fd, this.buf, this.len, want, this.base + this.len);
    if (n === 0) this.eof = true;
    this.len += n;
  }

  private finish(): void {
    this.done = true;
    this.p = this.regionEnd = this.len = 0;
  }
}
