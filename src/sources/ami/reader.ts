/**
 * Splits the byte stream of one AMI connection into its banner line and its frames.
 * A frame ends at an empty line; lines end with LF or CRLF (a lone CR inside a line
 * is kept for the frame parser to judge). Frames are decoded as UTF-8 only once they
 * are complete, so no character is split; invalid UTF-8 becomes U+FFFD.
 *
 * Invariants:
 * - At most `maxBytes` bytes of an incomplete frame (or banner) are ever held:
 *   `pendingBytes <= maxBytes` after every `push`, and `highWater` is the most it held.
 * - A frame larger than `maxBytes` is reported once through `oversized()` as soon as
 *   it crosses the cap, then skipped up to its end without being stored.
 * - Held bytes are copies, never views of the socket's chunks, so a small remainder
 *   never pins a large chunk in memory.
 * - Nothing here throws on content.
 */

/** Where the reader sends what it found; called synchronously from `push`. */
export interface ReaderSink {
  /** The first line of the connection, without its line end ('' when it was oversized). */
  banner(line: string): void;
  /** One complete frame's raw text (line ends and blank line included), at most `maxBytes` bytes. */
  frame(raw: string): void;
  /** A frame crossed the cap; its bytes up to the next empty line are discarded. */
  oversized(): void;
}

const LF = 10;
const CR = 13;

/** Bounded AMI stream splitter; one per connection (or `reset()` between connections). */
export class AmiReader {
  /** The most bytes ever held for an incomplete frame (across resets). */
  highWater = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private discarding = false;
  /** The current line holds a byte other than CR. */
  private lineContent = false;
  /** The current frame holds a non-empty line. */
  private frameContent = false;
  private wantBanner = true;

  constructor(private readonly maxBytes: number, private readonly sink: ReaderSink) {}

  /** Bytes held now for an incomplete frame. */
  get buffered(): number {
    return this.pendingBytes;
  }

  /** Forgets any partial frame; the next line is a banner again. */
  reset(): void {
    this.clearPending();
    this.discarding = false;
    this.lineContent = false;
    this.frameContent = false;
    this.wantBanner = true;
  }

  /** Consumes one chunk received from the socket. */
  push(chunk: Buffer): void {
    const n = chunk.length;
    let pos = 0;
    /** First byte of the current frame inside `chunk` that is not in `pending`. */
    let start = 0;
    while (pos < n) {
      const nl = chunk.indexOf(LF, pos);
      const end = nl < 0 ? n : nl;
      if (!this.lineContent) {
        for (let i = pos; i < end; i++) {
          if (chunk[i] !== CR) {
            this.lineContent = true;
            break;
          }
        }
      }
      if (nl < 0) break;
      pos = nl + 1;
      if (this.discarding) start = pos;
      else if (this.pendingBytes + (pos - start) > this.maxBytes) {
        this.startDiscard();
        start = pos;
      }
      const content = this.lineContent;
      this.lineContent = false;
      if (this.wantBanner) {
        this.wantBanner = false;
        const line = this.discarding ? '' : this.take(chunk, start, nl).replace(/\r$/, '');
        this.discarding = false;
        this.clearPending();
        start = pos;
        this.sink.banner(line);
      } else if (content) {
        this.frameContent = true;
      } else if (this.frameContent) {
        this.frameContent = false;
        const raw = this.discarding ? null : this.take(chunk, start, pos);
        this.discarding = false;
        this.clearPending();
        start = pos;
        if (raw !== null) this.sink.frame(raw);
      } else {
        // An empty line between frames: nothing to keep.
        this.clearPending();
        start = pos;
      }
    }
    if (this.discarding || start >= n) return;
    const tail = n - start;
    if (this.pendingBytes + tail > this.maxBytes) {
      this.startDiscard();
      return;
    }
    this.pending.push(Buffer.from(chunk.subarray(start)));
    this.pendingBytes += tail;
    if (this.pendingBytes > this.highWater) this.highWater = this.pendingBytes;
  }

  private startDiscard(): void {
    this.clearPending();
    this.discarding = true;
    if (!this.wantBanner) this.sink.oversized();
  }

  private take(chunk: Buffer, from: number, to: number): string {
    if (this.pending.length === 0) return chunk.toString('utf8', from, to);
    this.pending.push(chunk.subarray(from, to));
    const all = Buffer.concat(this.pending);
    this.clearPending();
    return all.toString('utf8');
  }

  private clearPending(): void {
    if (this.pending.length > 0) this.pending = [];
    this.pendingBytes = 0;
  }
}
