/**
 * The fast path to nf_tables: set-element changes sent as one netlink batch straight
 * from the daemon's thread to the kernel, with no `nft` process in between (a request
 * over `nft -i` costs ~0.5 ms alone and 2–3 ms when the PBX keeps both cores busy; a
 * batch here ~0.1 ms). Used for the ban that must be fast — the seen check and the
 * ban of single addresses in one transaction (nftables.ts); networks, reconcile and
 * everything else keep going through nft.
 *
 * Invariants:
 * - A batch is one nf_tables transaction (BATCH_BEGIN … BATCH_END): all or nothing,
 *   exactly like the same commands in one `nft -f`. Every message asks for an answer
 *   (NLM_F_ACK), so the kernel answers each one, 0 or its errno, even when another
 *   message made it abort the whole batch; answers are matched to messages by sequence
 *   number, and a batch whose answers do not all come back within the timeout counts
 *   as lost (it may or may not have been applied: the caller runs it again through nft).
 * - Only checked addresses are encoded (their bytes from ipaddr.js), and table and set
 *   names are the enforcer's own checked names; nothing else reaches the kernel.
 * - The native part (native/nfnetlink.c, built by scripts/build-native) only sends bytes
 *   and returns answers. Without it (not built, another platform) `openNetlink` says
 *   why and the enforcer keeps using nft for everything.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import ipaddr from 'ipaddr.js';
import type { IpAddress } from '../domain/ip.js';

/** One change of a set element. `timeoutMs` only for `add`: absent or null, no timeout of its own (the set's default, or none). */
export interface ElementOp {
  readonly op: 'add' | 'delete';
  readonly set: string;
  readonly ip: IpAddress;
  readonly timeoutMs?: number | null;
}

interface Native {
  open(netnsPath: string | null): number;
  transact(fd: number, batch: Buffer, count: number, ms: number): Int32Array;
  close(fd: number): void;
}

const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
const NLM_F_CREATE = 0x400;
const NLA_F_NESTED = 0x8000;
const NFNL_MSG_BATCH_BEGIN = 0x10;
const NFNL_MSG_BATCH_END = 0x11;
const NFNL_SUBSYS_NFTABLES = 10;
const NFT_MSG_NEWSETELEM = 12;
const NFT_MSG_DELSETELEM = 14;
const NFPROTO_INET = 1;
const NFTA_SET_ELEM_LIST_TABLE = 1;
const NFTA_SET_ELEM_LIST_SET = 2;
const NFTA_SET_ELEM_LIST_ELEMENTS = 3;
const NFTA_LIST_ELEM = 1;
const NFTA_SET_ELEM_KEY = 1;
const NFTA_SET_ELEM_TIMEOUT = 4;
const NFTA_DATA_VALUE = 1;
/** How long a batch may wait for its answers. */
const ANSWER_TIMEOUT_MS = 2_000;

/** Where scripts/build-native puts the addon (the same path from src/ and from dist/). */
export const ADDON_PATH = fileURLToPath(new URL('../../build/native/nfnetlink.node', import.meta.url));

/** A batch's answers could not all be read (timeout, socket error): it may or may not have been applied. */
export class NetlinkLost extends Error {}

/** Appends one netlink attribute (header, payload, padding to 4 bytes). */
function attr(parts: Buffer[], type: number, payload: Buffer): void {
  const h = Buffer.alloc(4);
  h.writeUInt16LE(4 + payload.length, 0);
  h.writeUInt16LE(type, 2);
  parts.push(h, payload);
  const pad = (4 - (payload.length % 4)) % 4;
  if (pad) parts.push(Buffer.alloc(pad));
}

function cstring(s: string): Buffer {
  return Buffer.from(`${s}\0`, 'latin1');
}

/** A netlink message: header, nfgenmsg, attributes. */
function message(type: number, flags: number, seq: number, family: number, resId: number, attrs: Buffer[]): Buffer {
  const body = Buffer.concat(attrs);
  const h = Buffer.alloc(20);
  h.writeUInt32LE(20 + body.length, 0);
  h.writeUInt16LE(type, 4);
  h.writeUInt16LE(flags, 6);
  h.writeUInt32LE(seq >>> 0, 8);
  h.writeUInt32LE(0, 12); // the kernel's port
  h.writeUInt8(family, 16);
  h.writeUInt8(0, 17); // NFNETLINK_V0
  h.writeUInt16BE(resId, 18);
  return Buffer.concat([h, body]);
}

/** The element's key bytes: 4 for IPv4, 16 for IPv6 (network order). */
export function keyBytes(ip: IpAddress): Buffer {
  const v6 = ip.indexOf(':') >= 0;
  const b = Buffer.alloc(v6 ? 16 : 4);
  if (v6) writeV6(b, 0, ip);
  else writeV4(b, 0, ip);
  return b;
}

/**
 * The batch for `ops` in table `inet <table>`, messages numbered from `seq0 + 1`
 * (BEGIN is `seq0`, END `seq0 + ops.length + 1`); op i's answer carries `seq0 + 1 + i`.
 */
export function encodeBatch(table: string, ops: readonly ElementOp[], seq0: number): Buffer {
  const parts: Buffer[] = [message(NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, seq0, 0, NFNL_SUBSYS_NFTABLES, [])];
  ops.forEach((o, i) => {
    const v6 = o.ip.indexOf(':') >= 0;
    const timeoutMs = o.op === 'add' && o.timeoutMs != null ? o.timeoutMs : Number.NaN;
    const size = elementSize(v6 ? 16 : 4, timeoutMs);
    const elems = Buffer.allocUnsafe(4 + size);
    elems.writeUInt16LE(4 + size, 0);
    elems.writeUInt16LE(NFTA_SET_ELEM_LIST_ELEMENTS | NLA_F_NESTED, 2);
    writeKey(elems, writeElement(elems, 4, v6 ? 16 : 4, timeoutMs), o.ip, v6);
    const attrs: Buffer[] = [];
    attr(attrs, NFTA_SET_ELEM_LIST_TABLE, cstring(table));
    attr(attrs, NFTA_SET_ELEM_LIST_SET, cstring(o.set));
    attrs.push(elems);
    const type = (NFNL_SUBSYS_NFTABLES << 8) | (o.op === 'add' ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM);
    const flags = NLM_F_REQUEST | NLM_F_ACK | (o.op === 'add' ? NLM_F_CREATE : 0);
    parts.push(message(type, flags, seq0 + 1 + i, NFPROTO_INET, 0, attrs));
  });
  parts.push(message(NFNL_MSG_BATCH_END, NLM_F_REQUEST, seq0 + ops.length + 1, 0, NFNL_SUBSYS_NFTABLES, []));
  return Buffer.concat(parts);
}

/** Bytes of one list element: its header, the key nest (key header, value header, key) and the timeout if any (NaN: none). */
function elementSize(keyLen: number, timeoutMs: number): number {
  return 12 + keyLen + (Number.isNaN(timeoutMs) ? 0 : 12);
}

/**
 * Writes one list element at `o` (elementSize bytes) but its key, and returns where the
 * key's `keyLen` bytes go (the caller writes them): the one place the element layout is spelled out.
 */
function writeElement(b: Buffer, o: number, keyLen: number, timeoutMs: number): number {
  b.writeUInt16LE(elementSize(keyLen, timeoutMs), o);
  b.writeUInt16LE(NFTA_LIST_ELEM | NLA_F_NESTED, o + 2);
  b.writeUInt16LE(8 + keyLen, o + 4);
  b.writeUInt16LE(NFTA_SET_ELEM_KEY | NLA_F_NESTED, o + 6);
  b.writeUInt16LE(4 + keyLen, o + 8);
  b.writeUInt16LE(NFTA_DATA_VALUE, o + 10);
  if (!Number.isNaN(timeoutMs)) {
    b.writeUInt16LE(12, o + 12 + keyLen);
    b.writeUInt16LE(NFTA_SET_ELEM_TIMEOUT, o + 14 + keyLen);
    b.writeBigUInt64BE(BigInt(Math.max(1, Math.round(timeoutMs))), o + 16 + keyLen);
  }
  return o + 12;
}

/** Writes a canonical address's key at `o`: 16 bytes for IPv6, 4 for IPv4. */
function writeKey(b: Buffer, o: number, ip: string, v6: boolean): void {
  if (v6) writeV6(b, o, ip);
  else writeV4(b, o, ip);
}

/**
 * One set's whole new contents for `fillBatch`: flushed, then these addresses (one
 * family per set), `timeoutsMs[i]` the timeout of address i (NaN: none of its own).
 * The addresses as text (`ips`), or as their keys already (`keys`: `keyLen` bytes each,
 * network order; the enforcer's compact record, held.ts, writes no text for a restore).
 * Parallel arrays, not objects: a reconcile writes a million of them.
 */
export type SetFill = { readonly set: string; readonly timeoutsMs: ArrayLike<number> } & (
  | { readonly ips: readonly IpAddress[] }
  | { readonly keys: Uint8Array; readonly keyLen: 4 | 16 }
);

/** Elements per NEWSETELEM message of a fill (the elements attribute's length is 16 bits: 1,024 × 40 bytes fits). */
const FILL_PER_MESSAGE = 1024;

/** Writes a canonical IPv4 address's 4 bytes at `o`. */
function writeV4(b: Buffer, o: number, ip: string): void {
  let part = 0;
  let k = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      b[o + k++] = part;
      part = 0;
    } else part = part * 10 + (c - 48);
  }
  b[o + k] = part;
}

/** Writes a canonical IPv6 address's 16 bytes at `o` (hex groups around at most one `::`; a dotted tail through ipaddr.js). */
function writeV6(b: Buffer, o: number, ip: string): void {
  if (ip.indexOf('.') >= 0) {
    const bytes = ipaddr.parse(ip).toByteArray();
    for (let i = 0; i < 16; i++) b[o + i] = bytes[i] as number;
    return;
  }
  b.fill(0, o, o + 16);
  const gap = ip.indexOf('::');
  const head = gap < 0 ? ip : ip.slice(0, gap);
  const tail = gap < 0 ? '' : ip.slice(gap + 2);
  const put = (groups: string, at: number) => {
    if (groups.length === 0) return;
    let i = at;
    for (const g of groups.split(':')) {
      const v = Number.parseInt(g, 16);
      b[o + i] = v >> 8;
      b[o + i + 1] = v & 0xff;
      i += 2;
    }
  };
  put(head, 0);
  if (tail.length > 0) put(tail, 16 - 2 * tail.split(':').length);
}

/**
 * The batch that makes each set in `fills` hold exactly its addresses, in one
 * transaction: a flush of each set (DELSETELEM without elements), then NEWSETELEM
 * messages of up to FILL_PER_MESSAGE elements. Every message but BEGIN and END asks
 * for an answer; `count` is how many.
 */
export function fillBatch(table: string, fills: readonly SetFill[], seq0: number): { batch: Buffer; count: number } {
  const parts: Buffer[] = [message(NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, seq0, 0, NFNL_SUBSYS_NFTABLES, [])];
  let seq = seq0 + 1;
  const head = (setName: string): Buffer[] => {
    const attrs: Buffer[] = [];
    attr(attrs, NFTA_SET_ELEM_LIST_TABLE, cstring(table));
    attr(attrs, NFTA_SET_ELEM_LIST_SET, cstring(setName));
    return attrs;
  };
  for (const f of fills) parts.push(message((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_DELSETELEM, NLM_F_REQUEST | NLM_F_ACK, seq++, NFPROTO_INET, 0, head(f.set)));
  for (const f of fills) {
    const ips = 'ips' in f ? f.ips : null;
    const keys = 'keys' in f ? f.keys : null;
    const n = f.timeoutsMs.length;
    const v6 = ips !== null ? ips.length > 0 && (ips[0] as string).indexOf(':') >= 0 : 'keyLen' in f && f.keyLen === 16;
    const keyLen = v6 ? 16 : 4;
    if (ips !== null ? ips.length !== n : keys?.length !== n * keyLen) throw new Error(`fillBatch: set ${f.set} has ${n} timeouts for another number of addresses`);
    const attrs = Buffer.concat(head(f.set));
    for (let i = 0; i < n; i += FILL_PER_MESSAGE) {
      const end = Math.min(n, i + FILL_PER_MESSAGE);
      let size = 0;
      for (let k = i; k < end; k++) size += elementSize(keyLen, f.timeoutsMs[k] as number);
      const elems = Buffer.allocUnsafe(4 + size);
      elems.writeUInt16LE(4 + size, 0);
      elems.writeUInt16LE(NFTA_SET_ELEM_LIST_ELEMENTS | NLA_F_NESTED, 2);
      let o = 4;
      for (let k = i; k < end; k++) {
        const t = f.timeoutsMs[k] as number;
        const at = writeElement(elems, o, keyLen, t);
        if (ips !== null) {
          const ip = ips[k] as string;
          if ((ip.indexOf(':') >= 0) !== v6) throw new Error(`fillBatch: ${ip} is not of the family of set ${f.set}`);
          writeKey(elems, at, ip, v6);
        } else for (let j = 0; j < keyLen; j++) elems[at + j] = (keys as Uint8Array)[k * keyLen + j] as number;
        o += elementSize(keyLen, t);
      }
      parts.push(message((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWSETELEM, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, seq++, NFPROTO_INET, 0, [attrs, elems]));
    }
  }
  const count = seq - seq0 - 1;
  parts.push(message(NFNL_MSG_BATCH_END, NLM_F_REQUEST, seq, 0, NFNL_SUBSYS_NFTABLES, []));
  return { batch: Buffer.concat(parts), count };
}

/** What one batch did: null when committed, else each op's errno (0: that op was fine, another aborted the batch) and the batch's own error. */
export type BatchResult = null | { readonly errnos: readonly number[]; readonly batchErrno: number };

/** One netlink socket to nf_tables, in the daemon's network namespace or in `netns`. */
export class NetlinkChannel {
  private seq = 1;
  private closed = false;

  private constructor(private readonly native: Native, private readonly fd: number) {}

  /** Runs `ops` in table `inet <table>` as one transaction. Throws NetlinkLost if its answers were not all read. */
  transact(table: string, ops: readonly ElementOp[]): BatchResult {
    if (ops.length === 0) return null;
    const seq0 = this.next(ops.length);
    return this.send(encodeBatch(table, ops, seq0), seq0, ops.length, ANSWER_TIMEOUT_MS);
  }

  /**
   * Makes each set of `fills` hold exactly its elements, in one transaction (a reconcile);
   * the answers are per message (flushes first, then the fills' messages in order).
   * Throws NetlinkLost if its answers were not all read within `timeoutMs`.
   */
  fill(table: string, fills: readonly SetFill[], timeoutMs: number): BatchResult {
    const seq0 = this.seq;
    const { batch, count } = fillBatch(table, fills, seq0);
    this.next(count);
    return this.send(batch, seq0, count, timeoutMs);
  }

  /** Reserves the sequence numbers of a batch of `count` messages; returns its first (BEGIN's). */
  private next(count: number): number {
    const seq0 = this.seq;
    this.seq = (this.seq + count + 2) % 0x4000_0000;
    return seq0;
  }

  private send(batch: Buffer, seq0: number, count: number, timeoutMs: number): BatchResult {
    if (this.closed) throw new NetlinkLost('the netlink channel is closed');
    let answers: Int32Array;
    try {
      answers = this.native.transact(this.fd, batch, count, timeoutMs);
    } catch (e) {
      throw new NetlinkLost(`netlink: ${(e as Error).message}`);
    }
    const errnos = new Array<number>(count).fill(-1);
    let batchErrno = 0;
    let failed = false;
    for (let k = 0; k + 1 < answers.length; k += 2) {
      const seq = answers[k] as number;
      const errno = answers[k + 1] as number;
      if (errno !== 0) failed = true;
      const i = seq - seq0 - 1;
      if (seq === seq0) batchErrno = errno;
      else if (i >= 0 && i < count) errnos[i] = errno;
      else throw new NetlinkLost(`netlink: an answer to a message of another batch (seq ${seq})`);
    }
    if (!failed && errnos.every((e) => e === 0)) return null;
    if (!failed) throw new NetlinkLost('netlink: an answer is missing');
    return { errnos, batchErrno };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.native.close(this.fd);
  }
}

/** Opens a channel (in `/run/netns/<netns>` when given), or says why it cannot: the caller then uses nft. */
export function openNetlink(netns: string | undefined, addonPath = ADDON_PATH): NetlinkChannel | { readonly unavailable: string } {
  if (!existsSync(addonPath)) return { unavailable: 'the netlink addon is not built (scripts/build-native)' };
  try {
    const native = createRequire(import.meta.url)(addonPath) as Native;
    const fd = native.open(netns === undefined ? null : `/run/netns/${netns}`);
    return new (NetlinkChannel as unknown as new (n: Native, fd: number) => NetlinkChannel)(native, fd);
  } catch (e) {
    return { unavailable: `the netlink addon cannot be used: ${(e as Error).message}` };
  }
}
