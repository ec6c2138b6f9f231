/**
 * Events from the parse workers to the main thread, compactly: structured cloning a
 * SecurityEvent per line costs the main thread more than parsing it did. A batch is
 * numbers (one row of {@link STRIDE} per event, transferred), the strings the events do
 * not share (Call-ID, the line's text, decoys) as bytes (transferred), and the strings
 * they share (kinds, services, signatures, reasons, addresses, accounts) once each, as
 * ids into a table that grows with each batch (capped: beyond it, strings go inline).
 *
 * Exact: the decoded event equals the parser's, field for field and in its key order.
 * Strings go as latin1 when their line was ASCII (the same bytes) and as UTF-16
 * otherwise, so no character (a lone surrogate cut by the evidence limit included)
 * changes on the way.
 */
import type { SecurityEvent } from '../domain/events.js';
import type { IpAddress } from '../domain/ip.js';

/** Numbers per event. */
export const STRIDE = 13;
/** Shared strings per worker at most; the table is never reset, so ids stay valid. */
const TABLE_MAX = 100_000;
const INLINE = -1;
const ABSENT = -2;
const NO_STRINGS: readonly string[] = Object.freeze([]);

/** One batch: the events of one block of a log file, in line order. */
export interface Batch {
  readonly count: number;
  readonly nums: Float64Array;
  /** Length of each inline string, in order: latin1 bytes, or (negative) UTF-16 bytes negated. */
  readonly lens: Int32Array;
  /** The latin1 strings' bytes, then the UTF-16 ones' (two buffers, each transferred whole). */
  readonly narrow: Uint8Array;
  readonly wide: Uint8Array;
  /** Strings added to the shared table by this batch, in id order. */
  readonly added: string[];
}

/** The worker's side: collects events into a batch. */
export class BatchWriter {
  private readonly ids = new Map<string, number>();
  private nums = new Float64Array(STRIDE * 256);
  private lens: number[] = [];
  private narrow: Buffer = Buffer.allocUnsafeSlow(1 << 20);
  private narrowLen = 0;
  private wide: Buffer = Buffer.allocUnsafeSlow(1 << 10);
  private wideLen = 0;
  private added: string[] = [];
  private count = 0;
  private ascii = true;

  /** Adds `ev`, parsed from a line that is ASCII when `ascii`; `line` is its number in the block. */
  add(ev: SecurityEvent, line: number, ascii: boolean): void {
    if (this.nums.length < (this.count + 1) * STRIDE) {
      const grown = new Float64Array(this.nums.length * 2);
      grown.set(this.nums);
      this.nums = grown;
    }
    this.ascii = ascii;
    const n = this.nums;
    const o = this.count++ * STRIDE;
    n[o] = this.shared(ev.kind);
    n[o + 1] = ev.at;
    n[o + 2] = line;
    n[o + 3] = this.shared(ev.service);
    n[o + 4] = this.shared(ev.signature);
    this.inline(ev.evidence.text);
    const list = ev.kind === 'injection_suspected' ? ev.candidates : ev.decoys;
    n[o + 5] = list.length;
    for (const c of list) this.inline(c);
    if (ev.kind === 'injection_suspected') return;
    n[o + 6] = this.shared(ev.ip);
    n[o + 7] = ev.port === null ? Number.NaN : ev.port;
    n[o + 8] = this.shared(ev.account);
    if (ev.session === null) n[o + 9] = ABSENT;
    else {
      n[o + 9] = INLINE;
      this.inline(ev.session);
    }
    if (ev.kind !== 'auth_failed') return;
    n[o + 10] = this.shared(ev.reason);
    n[o + 11] = this.shared(ev.detail);
    n[o + 12] = ev.extension === undefined ? ABSENT : this.shared(ev.extension);
  }

  /** The batch so far (its buffers transferable) and a fresh start. */
  take(): Batch {
    const narrow = this.narrow.subarray(0, this.narrowLen);
    const wide = this.wide.subarray(0, this.wideLen);
    const batch: Batch = { count: this.count, nums: this.nums.slice(0, this.count * STRIDE), lens: Int32Array.from(this.lens), narrow, wide, added: this.added };
    // The buffers go with the batch: the next one starts in new ones of the size this one needed.
    this.narrow = Buffer.allocUnsafeSlow(Math.max(this.narrowLen, 1 << 16));
    this.wide = Buffer.allocUnsafeSlow(Math.max(this.wideLen, 1 << 10));
    this.lens = [];
    this.narrowLen = 0;
    this.wideLen = 0;
    this.added = [];
    this.count = 0;
    return batch;
  }

  private shared(s: string): number {
    const id = this.ids.get(s);
    if (id !== undefined) return id;
    if (this.ids.size >= TABLE_MAX) {
      this.inline(s);
      return INLINE;
    }
    this.ids.set(s, this.ids.size);
    this.added.push(s);
    return this.ids.size - 1;
  }

  private inline(s: string): void {
    if (this.ascii) {
      if (this.narrow.length - this.narrowLen < s.length) this.narrow = grow(this.narrow, this.narrowLen + s.length);
      this.narrowLen += this.narrow.write(s, this.narrowLen, 'latin1');
      this.lens.push(s.length);
    } else {
      if (this.wide.length - this.wideLen < 2 * s.length) this.wide = grow(this.wide, this.wideLen + 2 * s.length);
      this.wideLen += this.wide.write(s, this.wideLen, 'utf16le');
      this.lens.push(-2 * s.length);
    }
  }
}

function grow(b: Buffer, need: number): Buffer {
  const next = Buffer.allocUnsafeSlow(Math.max(need, b.length * 2));
  b.copy(next);
  return next;
}

/** The main thread's side: one per worker (its shared table). */
export class BatchReader {
  private readonly table: string[] = [];

  /** Takes the batch's new shared strings; call in the order the worker sent its batches. */
  receive(b: Batch): void {
    for (const s of b.added) this.table.push(s);
  }

  /** The events of `b` (received before), with `source` and line numbers offset by `firstLine - 1`. */
  decode(b: Batch, source: string, firstLine: number): SecurityEvent[] {
    const out: SecurityEvent[] = [];
    const narrow = Buffer.from(b.narrow.buffer, b.narrow.byteOffset, b.narrow.byteLength);
    const wide = Buffer.from(b.wide.buffer, b.wide.byteOffset, b.wide.byteLength);
    let li = 0;
    let narrowAt = 0;
    let wideAt = 0;
    const str = (): string => {
      const len = b.lens[li++] as number;
      if (len >= 0) return narrow.toString('latin1', narrowAt, (narrowAt += len));
      return wide.toString('utf16le', wideAt, (wideAt -= len));
    };
    const ref = (id: number): string => (id === INLINE ? str() : (this.table[id] as string));
    const n = b.nums;
    for (let e = 0; e < b.count; e++) {
      const o = e * STRIDE;
      const kind = ref(n[o] as number) as SecurityEvent['kind'];
      const at = n[o + 1] as number;
      const service = ref(n[o + 3] as number);
      const signature = ref(n[o + 4] as number) as SecurityEvent['signature'];
      const evidence = { source, line: (n[o + 2] as number) + firstLine - 1, text: str() };
      const many = n[o + 5] as number;
      const list: string[] = many === 0 ? (NO_STRINGS as string[]) : [];
      for (let k = 0; k < many; k++) list.push(str());
      if (kind === 'injection_suspected') {
        out.push({ kind, at, service, candidates: list, signature, evidence });
        continue;
      }
      const ip = ref(n[o + 6] as number) as IpAddress;
      const port = Number.isNaN(n[o + 7]) ? null : (n[o + 7] as number);
      const account = ref(n[o + 8] as number);
      const session = n[o + 9] === ABSENT ? null : str();
      if (kind !== 'auth_failed') {
        out.push({ kind, at, service, ip, port, account, session, signature, decoys: list, evidence });
        continue;
      }
      const reason = ref(n[o + 10] as number) as 'other';
      const detail = ref(n[o + 11] as number);
      if (n[o + 12] === ABSENT) out.push({ kind, at, service, ip, port, account, session, signature, decoys: list, evidence, reason, detail });
      else out.push({ kind, at, service, ip, port, account, session, signature, decoys: list, evidence, reason, detail, extension: ref(n[o + 12] as number) });
    }
    return out;
  }
}
