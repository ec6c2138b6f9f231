/**
 * Addresses as integers in an open-addressing hash table: the key of the engine's
 * per-address state, a few bytes an address instead of a string and a Map entry.
 *
 * A key is `words` 32-bit integers: an IPv4 address is one (its uint32), an IPv6 address
 * four, a network five (four words of its masked address and its prefix length). Each
 * key gets a record id, small and stable while the key lives; the owner keeps its data
 * in typed arrays indexed by id (struct of arrays), and grows them in `onGrow`.
 *
 * Invariants: `index` is a linear-probing table of `id + 1` (0: empty), a power of two
 * at least 1.5 times the records' capacity, so at most two thirds full; every live id is in it
 * exactly once, reachable from its key's home slot without crossing an empty slot
 * (deletion shifts later entries back, so there are no tombstones). The records grow
 * by half when full. Ids of deleted keys are reused (a free chain through `keys`); after a
 * flood is pruned away, `compact` renumbers the rest and gives the memory back.
 */

/** Scratch for a key: filled by {@link keyOfIp}, read by the table. */
export type Key = Uint32Array;

/** Where a key's bytes go: one word for IPv4, four for IPv6, five for a network. */
export class AddressTable {
  private keys: Uint32Array;
  private used: Uint8Array;
  private index: Int32Array;
  private mask: number;
  private count = 0;
  /** Ids ever handed out (live or free); ids are below it. */
  private high = 0;
  /** Head of the chain of freed ids (-1: none); `keys[id * words]` links to the next. */
  private free = -1;

  private readonly initial: number;

  /** `onGrow(capacity)`: the owner resizes its arrays to hold exactly the ids below `capacity` (larger, or smaller after compact). */
  constructor(readonly words: number, private readonly onGrow: (capacity: number) => void = () => {}, initial = 1024) {
    const cap = Math.max(8, 2 ** Math.ceil(Math.log2(initial)));
    this.initial = cap;
    this.keys = new Uint32Array(cap * words);
    this.used = new Uint8Array(cap);
    this.index = new Int32Array(cap * 2);
    this.mask = cap * 2 - 1;
  }

  /** Live keys. */
  get size(): number {
    return this.count;
  }

  /** Ids below this bound; a loop over them checks {@link live}. */
  get bound(): number {
    return this.high;
  }

  /** Record slots the arrays hold now (the owner's arrays are at least this long). */
  get capacity(): number {
    return this.used.length;
  }

  /** Whether `id` holds a key. */
  live(id: number): boolean {
    return this.used[id] === 1;
  }

  /** Word `w` of the key of `id`. */
  word(id: number, w: number): number {
    return this.keys[id * this.words + w] as number;
  }

  /** The id of `key`, or -1. */
  find(key: Key): number {
    const { index, mask } = this;
    for (let s = this.home(key, 0); ; s = (s + 1) & mask) {
      const e = index[s] as number;
      if (e === 0) return -1;
      if (this.equals(e - 1, key)) return e - 1;
    }
  }

  /** The id of `key`, added if absent (`added` then true until the next call). */
  add(key: Key): number {
    const found = this.find(key);
    this.added = found < 0;
    if (found >= 0) return found;
    if (this.count + 1 > this.used.length) this.grow();
    let id: number;
    if (this.free >= 0) {
      id = this.free;
      this.free = this.keys[id * this.words] === 0xffffffff ? -1 : (this.keys[id * this.words] as number);
    } else id = this.high++;
    const w = this.words;
    for (let i = 0; i < w; i++) this.keys[id * w + i] = key[i] as number;
    this.used[id] = 1;
    this.count++;
    this.place(id);
    return id;
  }

  /** Whether the last {@link add} made a new key. */
  added = false;

  /** Removes the key of `id` (live); its id may be handed out again. */
  remove(id: number): void {
    const { index, mask } = this;
    let i = this.home(this.keys, id * this.words);
    while ((index[i] as number) !== id + 1) i = (i + 1) & mask;
    // Backward-shift deletion: move later entries of the run into the hole when their home allows.
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const e = index[j] as number;
      if (e === 0) break;
      const k = this.home(this.keys, (e - 1) * this.words);
      const stays = i <= j ? i < k && k <= j : i < k || k <= j;
      if (stays) continue;
      index[i] = e;
      i = j;
    }
    index[i] = 0;
    this.used[id] = 0;
    this.keys[id * this.words] = this.free < 0 ? 0xffffffff : this.free;
    this.free = id;
    this.count--;
  }

  /**
   * After many removals (a flood pruned away): renumbers the live keys to 0 … size − 1,
   * calling `move(from, to)` for each key whose id changes (the owner moves its data; `to`
   * is always free and below `from`), and shrinks to twice the live keys, so the memory
   * goes back. Does nothing while a quarter or more is in use. Returns whether it compacted.
   */
  compact(move: (from: number, to: number) => void): boolean {
    const cap = Math.max(this.initial, this.count * 2);
    if (cap * 2 > this.used.length) return false;
    const w = this.words;
    let to = 0;
    for (let from = 0; from < this.high; from++) {
      if (this.used[from] !== 1) continue;
      if (from !== to) {
        this.keys.copyWithin(to * w, from * w, from * w + w);
        move(from, to);
      }
      to++;
    }
    this.keys = this.keys.slice(0, cap * w);
    this.used = new Uint8Array(cap).fill(1, 0, this.count);
    this.high = this.count;
    this.free = -1;
    this.reindex(cap);
    this.onGrow(cap);
    return true;
  }

  private equals(id: number, key: Key): boolean {
    const w = this.words;
    const keys = this.keys;
    for (let i = 0; i < w; i++) if (keys[id * w + i] !== key[i]) return false;
    return true;
  }

  /** The home slot of the key at `words[at..]`. */
  private home(words: Uint32Array, at: number): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < this.words; i++) {
      h = Math.imul(h ^ (words[at + i] as number), 0x9e3779b1);
      h ^= h >>> 16;
    }
    return Math.imul(h, 0x85ebca6b) >>> 0 & this.mask;
  }

  private place(id: number): void {
    const { index, mask } = this;
    let s = this.home(this.keys, id * this.words);
    while ((index[s] as number) !== 0) s = (s + 1) & mask;
    index[s] = id + 1;
  }

  private grow(): void {
    // By half (not doubling): at most a third of the records' arrays stand empty after a growth.
    const cap = Math.ceil(this.used.length * 1.5);
    const keys = new Uint32Array(cap * this.words);
    keys.set(this.keys);
    this.keys = keys;
    const used = new Uint8Array(cap);
    used.set(this.used);
    this.used = used;
    if (this.index.length < cap * 1.5) this.reindex(cap);
    this.onGrow(cap);
  }

  /** A new index (a power of two, at least 1.5 × `cap` slots) holding every live id. */
  private reindex(cap: number): void {
    const slots = 2 ** Math.ceil(Math.log2(cap * 1.5));
    this.index = new Int32Array(slots);
    this.mask = slots - 1;
    for (let id = 0; id < this.high; id++) if (this.used[id] === 1) this.place(id);
  }
}

/** A typed array of `length` holding `old`'s first elements (any beyond them zero, or `fill`). */
export function grown<T extends Float64Array | Uint32Array | Uint16Array | Uint8Array | Int32Array>(old: T, length: number, fill = 0): T {
  const next = new (old.constructor as new (n: number) => T)(length);
  next.set(old.length > length ? old.subarray(0, length) : old);
  if (fill !== 0 && length > old.length) next.fill(fill, old.length);
  return next;
}

/**
 * Fills `key` with the words of a canonical address (IpAddress): one for IPv4 (returns 1),
 * four for IPv6 (returns 4).
 */
export function keyOfIp(ip: string, key: Key): 1 | 4 {
  if (ip.indexOf(':') < 0) {
    key[0] = ipv4Words(ip, 0);
    return 1;
  }
  if (!hexV6Key(ip, key)) v6Words(ip, key);
  return 4;
}

/** A dotted quad (already checked) from `at` as a uint32. */
function ipv4Words(s: string, at: number): number {
  let value = 0;
  let octet = 0;
  for (let i = at; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      value = value * 256 + octet;
      octet = 0;
    } else octet = octet * 10 + (c - 48);
  }
  return (value * 256 + octet) >>> 0;
}

/** The four words of an IPv6 address (`::` compressed, a dotted tail allowed). */
function v6Words(ip: string, key: Key): void {
  const groups = new Array<number>(8).fill(0);
  const gap = ip.indexOf('::');
  const parse = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (g.indexOf('.') >= 0) {
        const v = ipv4Words(g, 0);
        out.push(v >>> 16, v & 0xffff);
      } else out.push(parseInt(g, 16));
    }
    return out;
  };
  if (gap < 0) parse(ip).forEach((g, i) => { groups[i] = g; });
  else {
    const head = parse(ip.slice(0, gap));
    const tail = parse(ip.slice(gap + 2));
    head.forEach((g, i) => { groups[i] = g; });
    tail.forEach((g, i) => { groups[8 - tail.length + i] = g; });
  }
  for (let w = 0; w < 4; w++) key[w] = (((groups[2 * w] as number) << 16) | (groups[2 * w + 1] as number)) >>> 0;
}

/**
 * The key of an IPv6 address written in hex groups alone (every canonical one) in one
 * pass without allocating (a restore reads 400,000 of them); false, with `key`
 * untouched, for anything else (a dotted tail), which {@link v6Words} then reads.
 */
function hexV6Key(ip: string, key: Key): boolean {
  const groups = scratch;
  let n = 0;
  let gap = -1;
  let value = 0;
  let digits = 0;
  let i = 0;
  if (ip.charCodeAt(0) === 58) {
    if (ip.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
  }
  for (; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 58) {
      if (digits === 0 || n === 8) return false; // an empty group (`:::`, a stray colon) or too many
      groups[n++] = value;
      value = 0;
      digits = 0;
      if (ip.charCodeAt(i + 1) === 58) {
        if (gap >= 0) return false; // a second `::`
        gap = n;
        i++;
      }
      continue;
    }
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0 || ++digits > 4) return false;
    value = value * 16 + d;
  }
  if (digits > 0) {
    if (n === 8) return false;
    groups[n++] = value;
  } else if (gap !== n) return false; // ends in a single colon (or is empty)
  if (gap < 0 ? n !== 8 : n > 7) return false;
  const fill = 8 - n;
  for (let w = 0; w < 4; w++) key[w] = ((groupAt(groups, 2 * w, gap, fill) << 16) | groupAt(groups, 2 * w + 1, gap, fill)) >>> 0;
  return true;
}

const scratch = new Uint16Array(8);

/** Group `g` of the full address, from the `n = 8 - fill` groups read with the zeros of `::` at `gap`. */
function groupAt(groups: Uint16Array, g: number, gap: number, fill: number): number {
  if (gap < 0 || g < gap) return groups[g] as number;
  if (g < gap + fill) return 0;
  return groups[g - fill] as number;
}

/** Masks an IPv6 key in place to its first `prefix` bits and puts the prefix in word 4. */
export function maskV6(key: Key, prefix: number): void {
  for (let w = 0; w < 4; w++) {
    const bits = Math.max(0, Math.min(32, prefix - 32 * w));
    key[w] = bits === 0 ? 0 : bits === 32 ? (key[w] as number) : ((key[w] as number) & (0xffffffff << (32 - bits))) >>> 0;
  }
  key[4] = prefix;
}
