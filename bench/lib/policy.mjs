// @ts-check
/**
 * The reference ban policy for the benchmark's ground truth: the brief's defaults,
 * written as plainly as possible and independently of src/engine.
 *
 *   tier 1: 2 failures within 1 h   -> ban 1 h (until = time of that failure + 1 h)
 *   tier 2: 12 failures within 24 h -> ban permanently
 *
 * Windows slide per address and are checked after each failure, highest tier first.
 * "Within" means strictly less than the window apart (failure times are whole
 * seconds, as the log lines carry them). Failures while banned still count.
 * Internal and loopback addresses are never banned. The result per address is its
 * final state: permanent if it ever reached tier 2, else its last tier-1 ban.
 */
import { isInternal, isLoopback } from './addresses.mjs';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Default tiers, highest first. */
export const TIERS = Object.freeze([
  { tier: 2, count: 12, within: DAY, ban: null },
  { tier: 1, count: 2, within: HOUR, ban: HOUR },
]);

/** True if the address may be banned under the default zones.  @param {string} ip */
export function bannable(ip) {
  return !isInternal(ip) && !isLoopback(ip);
}

/**
 * Final ban of one address.
 * @param {number[]} times failure times in ms, ascending
 * @returns {{tier: number, until: number|null}|null} until null = permanent
 */
export function finalBan(times) {
  let result = null;
  for (let i = 0; i < times.length; i++) {
    for (const t of TIERS) {
      const j = i - (t.count - 1);
      if (j >= 0 && times[i] - times[j] < t.within) {
        if (t.ban === null) return { tier: t.tier, until: null };
        result = { tier: t.tier, until: times[i] + t.ban };
        break;
      }
    }
  }
  return result;
}

/**
 * Indices of failures whose tier decision would flip if times moved by up to
 * `margin` ms (the k-th previous failure is almost exactly one window earlier).
 * The generator drops such failures so the truth does not depend on whether a
 * window is open or closed at its edge, or on sub-second EventTV precision.
 * @param {number[]} times failure times in ms, ascending
 * @param {number} margin ms
 * @returns {number[]}
 */
export function borderline(times, margin) {
  /** @type {number[]} */
  const out = [];
  for (let i = 0; i < times.length; i++) {
    for (const t of TIERS) {
      const j = i - (t.count - 1);
      if (j >= 0 && Math.abs(times[i] - times[j] - t.within) <= margin) {
        out.push(i);
        break;
      }
    }
  }
  return out;
}

/**
 * Expected bans for all addresses, sorted by ip.
 * @param {Map<string, number[]>} timesByIp ascending failure times per address
 * @returns {Array<{ ip: string, tier: number, until: string }>} until: ISO time or 'permanent'
 */
export function expectedBans(timesByIp) {
  /** @type {Array<{ ip: string, tier: number, until: string }>} */
  const bans = [];
  for (const [ip, times] of timesByIp) {
    if (!bannable(ip)) continue;
    const b = finalBan(times);
    if (b) bans.push({ ip, tier: b.tier, until: b.until === null ? 'permanent' : new Date(b.until).toISOString() });
  }
  return bans.sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
}
