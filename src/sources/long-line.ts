/**
 * A line longer than the reader's limit, kept in bounded memory: its first `headBytes`,
 * its last `tailBytes`, its length, and whether text that could be an IP address lies
 * in the part cut away or within {@link CUT_MARGIN} bytes of either side of the cut.
 *
 * Why the last one matters (log injection): a parser reads an address only from a slot
 * in an exact form, and decides from the slot's near surroundings and from Asterisk's
 * own words at the line's start and end. When the cut-away part and its margins hold no
 * address text, every slot of the line — the real one and any an attacker forged — is
 * kept whole with its surroundings, at the same distance from the line's start (head)
 * or end (tail), and none is cut through: the head and the tail then give the parser
 * the same answer as the whole line (`oversize.test.ts` checks this against the
 * parser on hostile lines). Otherwise the cut might have removed the real slot, or a
 * second candidate that makes the line ambiguous, and the line is `clean: false`.
 *
 * "Address text" is any maximal run of hex digits, dots and colons holding at least
 * three dots or two colons: every IPv4 or IPv6 literal lies inside such a run.
 */

/** Bytes either side of the cut that must be free of address text too (a slot's reach). */
export const CUT_MARGIN = 512;

/** The pieces of an over-long line that a parser may be given. */
export interface LongLine {
  readonly head: string;
  readonly tail: string;
  /** The whole line's length in bytes (without the newline). */
  readonly bytes: number;
  /** No address text in the cut-away middle or within CUT_MARGIN of it. */
  readonly clean: boolean;
}

/** 1: hex digit, 2: dot, 3: colon, 0: anything else. */
const CLASS = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') CLASS[c.charCodeAt(0)] = 1;
CLASS[46] = 2;
CLASS[58] = 3;

/** Builds a {@link LongLine} from the bytes of one line pushed in order. */
export class LongLineBuilder {
  private readonly head: Buffer;
  private headLen = 0;
  private tail: Buffer = Buffer.alloc(0);
  private n = 0;
  // The current run of address characters.
  private runStart = -1;
  private dots = 0;
  private colons = 0;
  /** Smallest start of an address run that ends after `headBytes - CUT_MARGIN`. */
  private firstLateRun = Infinity;

  constructor(private readonly headBytes: number, private readonly tailBytes: number) {
    this.head = Buffer.alloc(headBytes);
  }

  /** Appends bytes of the line (no newline). */
  push(chunk: Buffer): void {
    if (this.headLen < this.headBytes) {
      const k = Math.min(chunk.length, this.headBytes - this.headLen);
      chunk.copy(this.head, this.headLen, 0, k);
      this.headLen += k;
    }
    this.tail = chunk.length >= this.tailBytes
      ? Buffer.from(chunk.subarray(chunk.length - this.tailBytes))
      : Buffer.concat([this.tail, chunk]).subarray(-this.tailBytes);
    this.scan(chunk);
  }

  private scan(chunk: Buffer): void {
    const base = this.n;
    for (let i = 0; i < chunk.length; i++) {
      const k = CLASS[chunk[i] as number] as number;
      if (k === 0) {
        if (this.runStart >= 0) this.endRun(base + i);
        continue;
      }
      if (this.runStart < 0) {
        this.runStart = base + i;
        this.dots = 0;
        this.colons = 0;
      }
      if (k === 2) this.dots++;
      else if (k === 3) this.colons++;
    }
    this.n += chunk.length;
  }

  private endRun(end: number): void {
    if ((this.dots >= 3 || this.colons >= 2) && end > this.headBytes - CUT_MARGIN) this.firstLateRun = Math.min(this.firstLateRun, this.runStart);
    this.runStart = -1;
  }

  /** The line's head, tail and verdict; a trailing CR is dropped, as for any line. */
  finish(): LongLine {
    if (this.runStart >= 0) this.endRun(this.n);
    let tail = this.tail;
    if (tail.length > 0 && tail[tail.length - 1] === 13) tail = tail.subarray(0, -1);
    const cutEnd = this.n - this.tailBytes;
    return {
      head: this.head.toString('utf8', 0, this.headLen),
      tail: tail.toString('utf8'),
      bytes: this.n,
      clean: this.n > this.headBytes + this.tailBytes && !(this.firstLateRun < cutEnd + CUT_MARGIN),
    };
  }
}
