// @ts-check
/**
 * Ground truth from the planned attempts: failures per address (attempts, not
 * lines), the innocents, and the bans the default policy implies (policy.mjs).
 */
import { bannable, borderline, expectedBans } from './policy.mjs';

/** @typedef {import('./attacks.mjs').Attempt} Attempt */

const sec = (/** @type {number} */ ms) => Math.floor(ms / 1000) * 1000;

/**
 * Failure times (whole seconds, as the log shows them) per address, ascending.
 * @param {readonly Attempt[]} attempts
 */
export function failureTimes(attempts) {
  /** @type {Map<string, number[]>} */
  const byIp = new Map();
  for (const a of attempts) {
    if (!a.fail) continue;
    let list = byIp.get(a.ip);
    if (!list) byIp.set(a.ip, (list = []));
    list.push(sec(a.t));
  }
  for (const list of byIp.values()) list.sort((x, y) => x - y);
  return byIp;
}

/**
 * Drops failures that sit within `margin` ms of a window edge (see policy.borderline),
 * repeating until none is left (bounded). Returns the kept attempts and how many went.
 * @param {Attempt[]} attempts sorted by time
 */
export function dropBorderline(attempts, margin = 2000, rounds = 50) {
  let kept = attempts;
  let dropped = 0;
  for (let round = 0; round < rounds; round++) {
    /** @type {Map<string, number[]>} */
    const byIp = new Map();
    kept.forEach((a, i) => {
      if (!a.fail || !bannable(a.ip)) return;
      let list = byIp.get(a.ip);
      if (!list) byIp.set(a.ip, (list = []));
      list.push(i);
    });
    /** @type {Set<number>} */
    const drop = new Set();
    for (const idx of byIp.values()) {
      // kept is sorted by time, so idx is in time order as well.
      const times = idx.map((i) => sec(kept[i].t));
      for (const k of borderline(times, margin)) drop.add(idx[k]);
    }
    if (drop.size === 0) return { attempts: kept, dropped };
    dropped += drop.size;
    kept = kept.filter((_, i) => !drop.has(i));
  }
  throw new Error('borderline failures did not settle');
}

/**
 * Builds the truth object (without the line count, which the writer fills in).
 * @param {readonly Attempt[]} attempts
 * @param {readonly string[]} innocents
 */
export function buildTruth(attempts, innocents) {
  const times = failureTimes(attempts);
  /** @type {Record<string, number>} */
  const failuresByIp = {};
  let total = 0;
  for (const [ip, list] of [...times].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    failuresByIp[ip] = list.length;
    total += list.length;
  }
  const innocentSet = new Set(innocents);
  for (const ip of times.keys()) {
    if (innocentSet.has(ip)) throw new Error(`innocent ${ip} has real failures`);
  }
  /** @type {Record<string, { attempts: number, lines: number, failures: boolean }>} */
  const variants = {};
  for (const a of attempts) {
    const key = a.inj ? `${a.kind}+injection` : a.kind;
    const v = (variants[key] ??= { attempts: 0, lines: 0, failures: a.fail });
    v.attempts++;
    v.lines += a.n;
  }
  return {
    attempts: total,
    failuresByIp,
    innocents: [...innocentSet].sort(),
    expectedBans: expectedBans(times),
    variants,
  };
}
