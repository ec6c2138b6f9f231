// @ts-check
/**
 * Deterministic pseudo-random numbers for the benchmark generators.
 *
 * mulberry32: a 32-bit state, one multiply-xorshift round per draw. Not for
 * cryptography; chosen because it is tiny, fast and gives the same sequence on
 * every platform, so a seed names one exact log.
 */

/**
 * A mulberry32 generator returning floats in [0, 1).
 * @param {number} seed
 * @returns {() => number}
 */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Mixes a seed with a stream name (FNV-1a over the name, then a murmur finaliser).
 * @param {number} seed
 * @param {string} name
 * @returns {number}
 */
export function streamSeed(seed, name) {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** Convenience draws over one mulberry32 stream. */
export class Rng {
  /** @param {number} seed run seed  @param {string} stream independent stream name */
  constructor(seed, stream = '') {
    this.next = mulberry32(streamSeed(seed, stream));
  }

  /** Integer in [lo, hi], both inclusive.  @param {number} lo  @param {number} hi */
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Float in [lo, hi).  @param {number} lo  @param {number} hi */
  range(lo, hi) {
    return lo + this.next() * (hi - lo);
  }

  /** True with probability p.  @param {number} p */
  chance(p) {
    return this.next() < p;
  }

  /**
   * One element of a non-empty array.
   * @template T
   * @param {readonly T[]} arr
   * @returns {T}
   */
  pick(arr) {
    return arr[Math.floor(this.next() * arr.length)];
  }

  /**
   * Picks a key of `weights` ({key: weight}) with probability proportional to its weight.
   * @template {string} K
   * @param {Readonly<Record<K, number>>} weights non-empty
   * @returns {K}
   */
  weighted(weights) {
    let total = 0;
    for (const k in weights) total += weights[k];
    let r = this.next() * total;
    let last = /** @type {K} */ ('');
    for (const k in weights) {
      last = k;
      r -= weights[k];
      if (r < 0) return k;
    }
    return last;
  }

  /** Exponentially distributed value with the given mean.  @param {number} mean */
  expo(mean) {
    return -Math.log(1 - this.next()) * mean;
  }

  /**
   * Heavy-tailed integer in [lo, hi]: most draws near lo, a few near hi
   * (a Pareto-like tail, the shape of attacker intensities).
   * @param {number} lo
   * @param {number} hi
   */
  tail(lo, hi, alpha = 1.2) {
    const u = 1 - this.next();
    const v = lo * u ** (-1 / alpha);
    return Math.min(hi, Math.floor(v));
  }

  /** `n` lower-case hex digits.  @param {number} n */
  hex(n) {
    let s = '';
    while (s.length < n) s += ((this.next() * 4294967296) >>> 0).toString(16).padStart(8, '0');
    return s.slice(0, n);
  }

  /** A decimal string of `n` digits without a leading zero.  @param {number} n */
  digits(n) {
    let s = String(this.int(1, 9));
    for (let i = 1; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
}
