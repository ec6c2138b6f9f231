/**
 * What the nftables enforcer last put in its address sets (ban4/ban6), in compact
 * storage: each address an integer key in the engine's open-addressing table
 * (engine/address-table.ts: one word for IPv4, four for IPv6) and its ban's end in a
 * Float64Array beside it: about 30–45 bytes an address where a Map of address strings
 * took about 90 (a million bans: ~30 MB instead of ~90).
 *
 * Invariants:
 * - An end is a finite time on the caller's clock, or `null` (permanent), stored as
 *   Infinity (the guard lets no non-finite ban end through, so the two never mix).
 * - Keys are hosts as parseIp sees them: any spelling of an address (upper case,
 *   leading zeros, uncompressed, IPv4-mapped IPv6) is the same entry, and every address
 *   handed back is its canonical text (dotted quad; RFC 5952 lower-case, first longest
 *   zero run compressed), exactly what parseIp returns for it.
 * - Only addresses: networks stay with the enforcer (`nets`, `segments`).
 */
import { parseIp, type IpAddress } from '../domain/ip.js';
import { AddressTable, grown, keyOfIp, type Key } from '../engine/address-table.js';

/** How long after a timed ban's end the kernel might still hold it (rounding, clocks). */
export const EXPIRY_MARGIN_MS = 5_000;

/** Whether an element with this end (undefined: not held) may still be in the kernel at `mono`. */
export function mayBeThere(end: number | null | undefined, mono: number): boolean {
  return end !== undefined && (end === null || end + EXPIRY_MARGIN_MS > mono);
}

/** One address family: the table and the ends, indexed by record id. */
class Family {
  readonly table: AddressTable;
  ends = new Float64Array(0);

  constructor(words: number, initial: number) {
    this.table = new AddressTable(words, (cap) => {
      this.ends = grown(this.ends, cap);
    }, initial);
    this.ends = new Float64Array(this.table.capacity);
  }
}

/** Addresses -> the end of their ban (null: permanent), in typed storage; see the invariants above. */
export class HeldAddresses {
  private readonly v4: Family;
  private readonly v6: Family;
  private readonly key: Key = new Uint32Array(4);

  /** `initial`: record slots each family starts with (grows by half when full). */
  constructor(initial = 1024) {
    this.v4 = new Family(1, initial);
    this.v6 = new Family(4, initial);
  }

  /** Addresses held. */
  get size(): number {
    return this.v4.table.size + this.v6.table.size;
  }

  /** The end held for `ip` (null: permanent), or undefined when it is not held. */
  get(ip: IpAddress): number | null | undefined {
    const f = this.family(ip);
    const id = f.table.find(this.key);
    return id < 0 ? undefined : endOf(f.ends[id] as number);
  }

  /** Addresses held per family. */
  counts(): { v4: number; v6: number } {
    return { v4: this.v4.table.size, v6: this.v6.table.size };
  }

  /** Holds `ip` until `end` (null: permanent), replacing what was held. */
  set(ip: IpAddress, end: number | null): this {
    const f = this.family(ip);
    const id = f.table.add(this.key);
    f.ends[id] = end === null ? Infinity : end;
    return this;
  }

  /**
   * Holds `ip` until `end` unless it is held already: undefined when it was added, else
   * the end it keeps (unchanged). One lookup where get-then-set takes two.
   */
  claim(ip: IpAddress, end: number | null): number | null | undefined {
    const f = this.family(ip);
    const id = f.table.add(this.key);
    if (!f.table.added) return endOf(f.ends[id] as number);
    f.ends[id] = end === null ? Infinity : end;
    return undefined;
  }

  /** Forgets `ip`; whether it was held. */
  delete(ip: IpAddress): boolean {
    const f = this.family(ip);
    const id = f.table.find(this.key);
    if (id < 0) return false;
    f.table.remove(id);
    return true;
  }

  /** Each address (canonical text) with its end, IPv4 first, each family in no set order: to read what is held (tests, logs); a restore uses {@link keys}. */
  entries(): Array<[IpAddress, number | null]> {
    const out: Array<[IpAddress, number | null]> = [];
    for (const v6 of [false, true]) {
      const { table, ends } = v6 ? this.v6 : this.v4;
      for (let id = 0; id < table.bound; id++) {
        if (table.live(id)) out.push([v6 ? v6Text(table, id) : v4Text(table.word(id, 0)), endOf(ends[id] as number)]);
      }
    }
    return out;
  }

  /**
   * One family's addresses as netlink keys (network order: 4 bytes each for IPv4, 16 for
   * IPv6) with `timeoutOf(end)` of each beside it, in the same order: a restore writes
   * the kernel's sets from these without any text.
   */
  keys(v6: boolean, timeoutOf: (end: number | null) => number): { keys: Uint8Array; timeoutsMs: Float64Array } {
    const { table, ends } = v6 ? this.v6 : this.v4;
    const words = table.words;
    const keys = new Uint8Array(table.size * words * 4);
    const timeoutsMs = new Float64Array(table.size);
    let n = 0;
    for (let id = 0; id < table.bound; id++) {
      if (!table.live(id)) continue;
      for (let w = 0; w < words; w++) {
        const x = table.word(id, w);
        const o = (n * words + w) * 4;
        keys[o] = x >>> 24;
        keys[o + 1] = (x >>> 16) & 255;
        keys[o + 2] = (x >>> 8) & 255;
        keys[o + 3] = x & 255;
      }
      timeoutsMs[n++] = timeoutOf(endOf(ends[id] as number));
    }
    return { keys, timeoutsMs };
  }

  /** Adds `delta` to every timed end (permanent ones stay): from one clock to another, in place. */
  shift(delta: number): void {
    for (const { table, ends } of [this.v4, this.v6]) {
      for (let id = 0; id < table.bound; id++) if (table.live(id) && Number.isFinite(ends[id])) ends[id] = (ends[id] as number) + delta;
    }
  }

  /** Forgets every address whose end `keep` refuses, then gives back the memory of a pruned flood; how many went. */
  sweep(keep: (end: number | null) => boolean): number {
    let gone = 0;
    for (const f of [this.v4, this.v6]) {
      const { table } = f;
      for (let id = 0; id < table.bound; id++) {
        if (!table.live(id) || keep(endOf(f.ends[id] as number))) continue;
        table.remove(id);
        gone++;
      }
      table.compact((from, to) => {
        f.ends[to] = f.ends[from] as number;
      });
    }
    return gone;
  }

  /** Fills the scratch key with `ip`'s words; its family (an IPv4-mapped IPv6 address is IPv4). */
  private family(ip: string): Family {
    const key = this.key;
    if (keyOfIp(ip, key) === 1) return this.v4;
    if (key[0] === 0 && key[1] === 0 && key[2] === 0xffff) {
      key[0] = key[3] as number;
      return this.v4;
    }
    return this.v6;
  }
}

function endOf(stored: number): number | null {
  return stored === Infinity ? null : stored;
}

/** The dotted quad of a uint32. */
function v4Text(a: number): IpAddress {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}` as IpAddress;
}

/** The canonical text of the IPv6 key of `id`: its eight groups written out, read back by parseIp (the one canonical form). */
function v6Text(table: AddressTable, id: number): IpAddress {
  let long = '';
  for (let w = 0; w < 4; w++) {
    const x = table.word(id, w);
    long += `${w === 0 ? '' : ':'}${(x >>> 16).toString(16)}:${(x & 0xffff).toString(16)}`;
  }
  return parseIp(long) as IpAddress;
}
