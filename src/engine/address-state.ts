/**
 * The policy engine's per-address state in typed storage (issue 18: a botnet of a
 * million addresses in little memory): for each address with state, its failure window,
 * its ban (until, tier, what made it) and its learned trust; and apart, each address's
 * scan window and each IPv6 prefix's shared failure window.
 *
 * An address is its integer key in an {@link AddressTable} (IPv4: one word, IPv6: four);
 * its data are typed arrays indexed by the record id, so an IPv4 address failing once
 * costs about 45 bytes of arrays (key 4 and its flag 1, window 18, ban 12, prefix 1,
 * index slots 8; up to twice that right after the tables doubled) however many there
 * are, and a pruned flood gives its memory back (the tables compact). Rare data stay sparse: learned trust in a Map of the few known addresses,
 * windows longer than two in the windows' overflow, ban makers' names interned.
 *
 * A handle is `id * 2 + family` (0: IPv4, 1: IPv6). Invariants: a handle is valid until
 * its address is deleted; the failure window of an IPv6 address counted per prefix (its
 * `plen` below 128) is the window of its prefix, looked up by key (absent: empty), so
 * every address of a prefix shares one window and a pruned window is never referenced.
 */
import { networkHolds, type Cidr, type IpAddress } from '../domain/ip.js';
import { AddressTable, grown, keyOfIp, maskV6 } from './address-table.js';
import { Windows } from './windows.js';

/** Interned names of ban makers (`manual`, a rule's name); 0 is null, OVERFLOW: in `byText`. */
const OVERFLOW = 0xffff;

/** The state of one address family. */
class Family {
  readonly table: AddressTable;
  readonly windows: Windows;
  banUntil = new Float64Array(0);
  banTier = new Uint16Array(0);
  banBy = new Uint16Array(0);
  /** IPv6: the prefix length its failures are counted under (128: its own window). */
  plen = new Uint8Array(0);
  /** Learned trust: id -> the address and until when it is known. */
  readonly known = new Map<number, { readonly ip: IpAddress; until: number }>();
  /** Names of ban makers beyond the interned ones, by id. */
  readonly byText = new Map<number, string>();

  constructor(words: number) {
    this.windows = new Windows(0);
    this.table = new AddressTable(words, (cap) => this.grow(cap));
    this.grow(this.table.capacity);
  }

  /** Moves the data of `from` to `to` (the table's compact). */
  move(from: number, to: number): void {
    this.windows.move(from, to);
    this.banUntil[to] = this.banUntil[from] as number;
    this.banTier[to] = this.banTier[from] as number;
    this.banBy[to] = this.banBy[from] as number;
    this.plen[to] = this.plen[from] as number;
    for (const m of [this.known, this.byText] as Array<Map<number, unknown>>) {
      if (m.has(from)) {
        m.set(to, m.get(from));
        m.delete(from);
      }
    }
  }

  private grow(cap: number): void {
    this.windows.grow(cap);
    this.banUntil = grown(this.banUntil, cap, Number.NaN);
    this.banTier = grown(this.banTier, cap);
    this.banBy = grown(this.banBy, cap);
    this.plen = grown(this.plen, cap);
  }
}

/** A window table: addresses (or prefixes) and their windows, nothing else. */
class WindowTable {
  readonly windows = new Windows(0);
  readonly table: AddressTable;
  constructor(words: number) {
    this.table = new AddressTable(words, (cap) => this.windows.grow(cap));
    this.windows.grow(this.table.capacity);
  }

  /** Drops entries whose newest time is before `from`, and gives back the memory of a flood pruned away. */
  prune(from: number): void {
    const { table, windows } = this;
    for (let id = 0; id < table.bound; id++) {
      if (table.live(id) && windows.newest(id) < from) {
        windows.clear(id);
        table.remove(id);
      }
    }
    table.compact((a, b) => windows.move(a, b));
  }
}

export class AddressStates {
  private readonly v4 = new Family(1);
  private readonly v6 = new Family(4);
  /** Failure windows shared by the IPv6 addresses of one prefix (key: masked address and prefix length). */
  private readonly prefixes = new WindowTable(5);
  private readonly scans4 = new WindowTable(1);
  private readonly scans6 = new WindowTable(4);
  private readonly key = new Uint32Array(5);
  private readonly names: string[] = [''];
  private readonly nameIds = new Map<string, number>();
  /** The prefix new IPv6 state is counted under (128: per address). */
  v6Prefix = 64;

  /** The handle of `ip`'s state, or -1. */
  find(ip: IpAddress): number {
    const fam = keyOfIp(ip, this.key) === 1 ? 0 : 1;
    const id = (fam === 0 ? this.v4 : this.v6).table.find(this.key);
    return id < 0 ? -1 : id * 2 + fam;
  }

  /** The handle of `ip`'s state, made empty (no failure, no ban, not known) if absent. */
  open(ip: IpAddress): number {
    const fam = keyOfIp(ip, this.key) === 1 ? 0 : 1;
    const f = fam === 0 ? this.v4 : this.v6;
    const id = f.table.add(this.key);
    if (f.table.added) {
      f.windows.clear(id);
      f.banUntil[id] = Number.NaN;
      f.banTier[id] = 0;
      f.banBy[id] = 0;
      f.plen[id] = fam === 0 ? 32 : Math.min(this.v6Prefix, 128);
    }
    return id * 2 + fam;
  }

  /** Addresses with state. */
  get size(): number {
    return this.v4.table.size + this.v6.table.size;
  }

  /** Adds a failure at `at` to the address's window (its prefix's, for IPv6 by prefix), keeping the newest `max`. */
  push(h: number, at: number, max: number): void {
    const id = this.window(h, true);
    this.windowsOf(h).push(id, at, max);
  }

  /** Failures in the address's window within `within` ms of `at` (SAME_SECOND included). */
  count(h: number, at: number, within: number): number {
    const id = this.window(h, false);
    return id < 0 ? 0 : this.windowsOf(h).count(id, at, within);
  }

  /** Failures in the address's window. */
  length(h: number): number {
    const id = this.window(h, false);
    return id < 0 ? 0 : this.windowsOf(h).length(id);
  }

  /** The newest failure in the address's window, or -Infinity. */
  newest(h: number): number {
    const id = this.window(h, false);
    return id < 0 ? Number.NEGATIVE_INFINITY : this.windowsOf(h).newest(id);
  }

  /** Ban end: NaN when never banned, Infinity when until released. */
  banUntil(h: number): number {
    return this.fam(h).banUntil[h >>> 1] as number;
  }

  banTier(h: number): number {
    return this.fam(h).banTier[h >>> 1] as number;
  }

  /** What made a ban no tier made, or null. */
  banBy(h: number): string | null {
    const f = this.fam(h);
    const n = f.banBy[h >>> 1] as number;
    return n === 0 ? null : n === OVERFLOW ? (f.byText.get(h >>> 1) as string) : (this.names[n] as string);
  }

  /** Sets the ban (until NaN: none). */
  setBan(h: number, until: number, tier: number, by: string | null): void {
    const f = this.fam(h);
    const id = h >>> 1;
    f.banUntil[id] = until;
    f.banTier[id] = tier;
    f.byText.delete(id);
    let n = 0;
    if (by !== null) {
      n = this.nameIds.get(by) ?? 0;
      if (n === 0 && this.names.length < OVERFLOW) {
        n = this.names.length;
        this.names.push(by);
        this.nameIds.set(by, n);
      }
      if (n === 0) {
        n = OVERFLOW;
        f.byText.set(id, by);
      }
    }
    f.banBy[id] = n;
  }

  /** Until when the address is known (learned trust); NaN if not. */
  knownUntil(h: number): number {
    return this.fam(h).known.get(h >>> 1)?.until ?? Number.NaN;
  }

  setKnown(h: number, ip: IpAddress, until: number): void {
    const f = this.fam(h);
    const k = f.known.get(h >>> 1);
    if (k) k.until = until;
    else f.known.set(h >>> 1, { ip, until });
  }

  /** An address inside `net` known at `at`, if any. */
  knownInside(net: Cidr, at: number): IpAddress | null {
    for (const f of [this.v4, this.v6]) for (const k of f.known.values()) if (k.until > at && networkHolds(net, k.ip)) return k.ip;
    return null;
  }

  /** Deletes the address's state (release): its window is emptied — for IPv6 by prefix, its prefix's — and its scans. */
  release(ip: IpAddress): void {
    const h = this.find(ip);
    if (h >= 0) {
      const id = this.window(h, false);
      if (id >= 0) this.windowsOf(h).clear(id);
      if (this.isShared(h) && id >= 0) this.prefixes.table.remove(id);
      this.drop(h);
    }
    const s = this.scanTable(ip);
    const sid = s.table.find(this.key);
    if (sid >= 0) {
      s.windows.clear(sid);
      s.table.remove(sid);
    }
  }

  /**
   * Drops state nothing needs: addresses with no failure since `failuresFrom`, no ban
   * after `now` and not known after `now`; prefix windows with none since `failuresFrom`;
   * scan windows with none since `scansFrom`. Returns the addresses dropped.
   */
  prune(now: number, failuresFrom: number, scansFrom: number): number {
    let dropped = 0;
    for (const [fam, f] of [[0, this.v4], [1, this.v6]] as const) {
      for (let id = 0; id < f.table.bound; id++) {
        if (!f.table.live(id)) continue;
        const h = id * 2 + fam;
        if (this.newest(h) < failuresFrom && !((f.banUntil[id] as number) > now) && !((f.known.get(id)?.until ?? Number.NaN) > now)) {
          this.drop(h);
          dropped++;
        }
      }
    }
    for (const f of [this.v4, this.v6]) f.table.compact((from, to) => f.move(from, to));
    this.prefixes.prune(failuresFrom);
    this.scans4.prune(scansFrom);
    this.scans6.prune(scansFrom);
    return dropped;
  }

  /** Adds a scan at `at` to the address's scan window (the newest `max` kept); returns how many lie within `within` of `at`. */
  pushScan(ip: IpAddress, at: number, max: number, within: number): number {
    const s = this.scanTable(ip);
    const id = s.table.add(this.key);
    if (s.table.added) s.windows.clear(id);
    s.windows.push(id, at, max);
    return s.windows.count(id, at, within);
  }

  /** The failure times of `ip`'s window, ascending (tests). */
  times(ip: IpAddress): number[] {
    const h = this.find(ip);
    const id = h < 0 ? -1 : this.window(h, false);
    return id < 0 ? [] : this.windowsOf(h).times(id);
  }

  private fam(h: number): Family {
    return (h & 1) === 0 ? this.v4 : this.v6;
  }

  /** The address's key in `this.key`, and its scan table. */
  private scanTable(ip: IpAddress): WindowTable {
    return keyOfIp(ip, this.key) === 1 ? this.scans4 : this.scans6;
  }

  private isShared(h: number): boolean {
    return (h & 1) === 1 && (this.v6.plen[h >>> 1] as number) < 128;
  }

  private windowsOf(h: number): Windows {
    return this.isShared(h) ? this.prefixes.windows : this.fam(h).windows;
  }

  /** The id of the address's window in {@link windowsOf}: its own, or its prefix's (made with `make`, else -1 if absent). */
  private window(h: number, make: boolean): number {
    if (!this.isShared(h)) return h >>> 1;
    const id = h >>> 1;
    const key = this.key;
    for (let w = 0; w < 4; w++) key[w] = this.v6.table.word(id, w);
    maskV6(key, this.v6.plen[id] as number);
    if (!make) return this.prefixes.table.find(key);
    const pid = this.prefixes.table.add(key);
    if (this.prefixes.table.added) this.prefixes.windows.clear(pid);
    return pid;
  }

  /** Removes the address's own record (a shared prefix window stays). */
  private drop(h: number): void {
    const f = this.fam(h);
    const id = h >>> 1;
    f.windows.clear(id);
    f.known.delete(id);
    f.byText.delete(id);
    f.table.remove(id);
  }
}
