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
 *
 * Scans (policy.scan): a challenge nobody answered within GRACE is a scan; 20 scans
 * within 1 min ban for 1 h. Scans have their own window: they never count in the
 * tiers', and failures never in theirs. An address banned by both keeps the highest
 * tier (a scan ban is tier 0) and the latest end, as `check` merges its decisions.
 */
import { isInternal, isLoopback } from './addresses.mjs';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Default tiers, highest first. */
export const TIERS = Object.freeze([
  { tier: 2, count: 12, within: DAY, ban: null },
  { tier: 1, count: 2, within: HOUR, ban: HOUR },
]);

/** The scan rule, shaped like a tier (`tier` 0: a ban no tier made). */
export const SCAN = Object.freeze({ tier: 0, count: 20, within: 60_000, ban: HOUR });

/** How long a challenge waits for its answer (policy.scan.grace). */
export const GRACE = 5000;

/** @typedef {{ tier: number, count: number, within: number, ban: number | null }} Rule */

/** True if the address may be banned under the default zones.  @param {string} ip */
export function bannable(ip) {
  return !isInternal(ip) && !isLoopback(ip);
}

/**
 * Final ban of one address by one set of rules (by default the tiers; `[SCAN]` for scans).
 * @param {number[]} times failure (or scan) times in ms, ascending
 * @param {readonly Rule[]} [rules] highest first
 * @returns {{tier: number, until: number|null}|null} until null = permanent
 */
export function finalBan(times, rules = TIERS) {
  let result = null;
  for (let i = 0; i < times.length; i++) {
    for (const t of rules) {
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
 * @param {number[]} times failure (or scan) times in ms, ascending
 * @param {number} margin ms
 * @param {readonly Rule[]} [rules] the tiers, or `[SCAN]`
 * @returns {number[]}
 */
export function borderline(times, margin, rules = TIERS) {
  /** @type {number[]} */
  const out = [];
  for (let i = 0; i < times.length; i++) {
    for (const t of rules) {
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
 * The final ban of one address from its tier ban and its scan ban, as `check` merges
 * the decisions it made: the highest tier, the latest end (permanent wins).
 * @param {{tier: number, until: number|null}|null} tierBan
 * @param {{tier: number, until: number|null}|null} scanBan
 * @returns {{tier: number, until: number|null}|null}
 */
export function mergeBans(tierBan, scanBan) {
  if (!tierBan || !scanBan) return tierBan ?? scanBan;
  const until = tierBan.until === null || scanBan.until === null ? null : Math.max(tierBan.until, scanBan.until);
  return { tier: Math.max(tierBan.tier, scanBan.tier), until };
}

/**
 * Expected bans for all addresses, sorted by ip.
 * @param {Map<string, number[]>} timesByIp ascending failure times per address
 * @param {Map<string, number[]>} [scansByIp] ascending scan times per address
 * @returns {Array<{ ip: string, tier: number, until: string }>} until: ISO time or 'permanent'; tier 0: a scan ban only
 */
export function expectedBans(timesByIp, scansByIp = new Map()) {
  /** @type {Array<{ ip: string, tier: number, until: string }>} */
  const bans = [];
  for (const ip of new Set([...timesByIp.keys(), ...scansByIp.keys()])) {
    if (!bannable(ip)) continue;
    const times = timesByIp.get(ip);
    const scans = scansByIp.get(ip);
    const b = mergeBans(times ? finalBan(times) : null, scans ? finalBan(scans, [SCAN]) : null);
    if (b) bans.push({ ip, tier: b.tier, until: b.until === null ? 'permanent' : new Date(b.until).toISOString() });
  }
  return bans.sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
}
