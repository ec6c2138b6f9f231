/**
 * Pull-based line reader over a file: reads in large chunks, decodes UTF-8 only at
 * newline boundaries (so no character is split), strips a trailing CR, and skips
 * lines longer than `maxLine` bytes (counted in `oversized`, never buffered whole).
 * Invalid UTF-8 becomes U+FFFD; nothing throws on content.
 */
import fs from 'node:fs';

/**
 * The longest line read whole. Asterisk's PJSIP takes SIP messages of at most 65,535 bytes
 * (PJSIP_MAX_PKT_LEN in its pjproject config_site.h), so a line carrying the attacker's
 * fields of one message (From and Call-ID, or AccountID, SessionID and the digest) stays
 * under 66 KB: twice that leaves no attacker a way to push a report over the limit. A
 * longer line is still never dropped silently (the follower keeps its head and tail).
 */
export const DEFAULT_MAX_LINE = 128 * 1024;
const CHUNK = 4 * 1024 * 1024;

export class LineReader {
  /** Lines returned so far (1-based number of the last line). */
  lineNo = 0;
  /** Lines skipped because they exceeded the cap. */
  oversized = 0;
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private carry: Buffer = Buffer.alloc(0);
  private text = '';
  private pos = 0;
  private eof = false;
  private skipping = false;

  constructor(path: string, private readonly maxLine = DEFAULT_MAX_LINE) {
    this.fd = fs.openSync(path, 'r');
  }

  /** The next line without its newline, or null at end of file. */
  next(): string | null {
    for (;;) {
      const nl = this.text.indexOf('\n', this.pos);
      if (nl >= 0) {
        let line = this.text.slice(this.pos, nl);
        this.pos = nl + 1;
        this.lineNo++;
        if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
        if (line.length > this.maxLine) {
          this.oversized++;
          continue;
        }
        return line;
      }
      if (this.pos < this.text.length) {
        // A decoded tail without newline can only be the file's last line.
        if (!this.eof || this.carry.length > 0) throw new Error('line reader invariant: tail before end of file');
        const line = this.text.slice(this.pos);
        this.pos = this.text.length;
        this.lineNo++;
        if (line.length > this.maxLine) {
          this.oversized++;
          continue;
        }
        return line;
      }
      if (this.eof) return null;
      this.fill();
    }
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  /** Reads the next chunk and decodes everything up to its last newline. */
  private fill(): void {
    const n = fs.readSync(this.fd, this.buf, 0, CHUNK, null);
    if (n === 0) {
      this.eof = true;
      if (this.skipping) {
        this.skipping = false;
        this.carry = Buffer.alloc(0);
        this.oversized++;
        this.lineNo++;
      }
      this.text = this.carry.length ? this.carry.toString('utf8') : '';
      this.carry = Buffer.alloc(0);
      this.pos = 0;
      return;
    }
    let data = this.buf.subarray(0, n);
    if (this.skipping) {
      const nl = data.indexOf(10);
      if (nl < 0) {
        this.text = '';
        this.pos = 0;
        return; // still inside an oversized line
      }
      this.skipping = false;
      this.oversized++;
      this.lineNo++;
      data = data.subarray(nl + 1);
    }
    const last = data.lastIndexOf(10);
    if (last < 0) {
      const pending = this.carry.length + data.length;
      if (pending > this.maxLine * 4 + CHUNK) {
        // No newline for far longer than any acceptable line: drop it, resync at the next newline.
        this.carry = Buffer.alloc(0);
        this.skipping = true;
      } else {
        this.carry = Buffer.concat([this.carry, data]);
      }
      this.text = '';
      this.pos = 0;
      return;
    }
    const head = this.carry.length ? Buffer.concat([this.carry, data.subarray(0, last + 1)]) : data.subarray(0, last + 1);
    this.text = head.toString('utf8');
    this.pos = 0;
    this.carry = Buffer.from(data.subarray(last + 1));
  }
}
