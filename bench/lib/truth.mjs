// @ts-check
/**
 * Ground truth from the planned attempts and the ordinary traffic's counted events:
 * failures per address (attempts, not lines), scans per address (challenges nobody
 * answered), the innocents, and the bans the default policy implies (policy.mjs).
 *
 * A challenge is answered by a failure or success of the same address and session
 * (PJSIP: the Call-ID; chan_sip: the SessionID pointer, fresh for every attempt) within
 * GRACE before or after it; one nobody answers is a scan. chan_sip's challenges of an
 * INVITE name the whole From URI and are not judged (chansip_noext; ordinary traffic's
 * are left out by ordinary.mjs).
 */
import { bannable, borderline, expectedBans, GRACE, SCAN } from './policy.mjs';

/** @typedef {import('./attacks.mjs').Attempt} Attempt */
/**
 * @typedef {{ failures: Map<string, number[]>, scans: Map<string, number[]>, trunkRejected: number }} OrdinaryTruth
 *   what ordinary traffic adds: counted failures (calls to a number the dial plan lacks) and
 *   unanswered challenges, ms times per address; and how many of the trunk's calls were
 *   rejected (never counted: the benchmark's config classes the trunk's account as one)
 */

const sec = (/** @type {number} */ ms) => Math.floor(ms / 1000) * 1000;

/**
 * The sessions of an attempt's challenge (if it has one the policy judges) and of its
 * answer (its failure or success, if any), as keys `ip|session`. A chan_sip attempt's
 * SessionID is a fresh pointer nothing else carries, so its key is the attempt's own.
 * @param {Attempt} a
 * @param {number} i the attempt's index (for chan_sip's own key)
 * @returns {{ challenge: string | null, answer: string | null }}
 */
export function sessions(a, i) {
  const pj = (/** @type {string} */ callid) => `${a.ip}|${callid}`;
  const own = `${a.ip}|#${i}`;
  switch (a.kind) {
    case 'pjsip_nomatch':
    case 'pjsip_unknown_digest': return { challenge: pj(a.callid), answer: pj(a.callid) };
    case 'pjsip_badauth': return { challenge: a.withChallenge ? pj(a.callid) : null, answer: pj(a.callid) };
    case 'pjsip_probe': return { challenge: pj(a.callid), answer: null };
    case 'pjsip_cracked': return { challenge: null, answer: pj(a.callid) };
    case 'pjsip_noext': return { challenge: pj(a.callid), answer: pj(a.callid) };
    case 'chansip_noext': return { challenge: null, answer: own }; // an INVITE's challenge (From URI): not judged
    case 'chansip_wrongpass':
    case 'chansip_cracked': return { challenge: own, answer: own };
    case 'chansip_probe': return { challenge: own, answer: null };
    default: return { challenge: null, answer: null }; // AMI, IAX2: no challenge
  }
}

/**
 * Which attempts carry a challenge nobody answered within GRACE (a scan), and which
 * carry one whose answer lies within `margin` of GRACE (so it depends on sub-second
 * EventTVs: borderline). Times are the lines' whole seconds.
 * @param {readonly Attempt[]} attempts sorted by time
 * @param {number} margin ms
 * @returns {{ scans: Set<number>, borderline: Set<number> }} attempt indices
 */
export function unanswered(attempts, margin = 0) {
  /** @type {Map<string, number[]>} */
  const answers = new Map();
  /** @type {Array<[number, string]>} */
  const challenges = [];
  attempts.forEach((a, i) => {
    const s = sessions(a, i);
    if (s.answer) {
      let list = answers.get(s.answer);
      if (!list) answers.set(s.answer, (list = []));
      list.push(sec(a.t));
    }
    if (s.challenge) challenges.push([i, s.challenge]);
  });
  const scans = new Set();
  const border = new Set();
  for (const [i, key] of challenges) {
    const t = sec(attempts[i].t);
    let nearest = Infinity;
    for (const u of answers.get(key) ?? []) nearest = Math.min(nearest, Math.abs(u - t));
    if (nearest > GRACE) scans.add(i);
    if (nearest > GRACE - margin && nearest <= GRACE + margin) border.add(i);
  }
  return { scans, borderline: border };
}

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
 * Scan times (whole seconds) per address, ascending: the attempts whose challenge nobody answered.
 * @param {readonly Attempt[]} attempts sorted by time
 */
export function scanTimes(attempts) {
  /** @type {Map<string, number[]>} */
  const byIp = new Map();
  for (const i of [...unanswered(attempts).scans].sort((x, y) => x - y)) {
    const a = attempts[i];
    let list = byIp.get(a.ip);
    if (!list) byIp.set(a.ip, (list = []));
    list.push(sec(a.t));
  }
  return byIp;
}

/**
 * Drops the attempts whose effect depends on which side of an edge they fall, repeating
 * until none is left (bounded): failures within `margin` ms of a tier's window edge, scans
 * within `margin` of the scan window's edge (see policy.borderline), and challenges whose
 * answer comes within `margin` of GRACE. Returns the kept attempts and how many went.
 * @param {Attempt[]} attempts sorted by time
 */
export function dropBorderline(attempts, margin = 2000, rounds = 50) {
  let kept = attempts;
  let dropped = 0;
  let droppedScans = 0;
  for (let round = 0; round < rounds; round++) {
    /** @type {Map<string, number[]>} */
    const failures = new Map();
    /** @type {Map<string, number[]>} */
    const scans = new Map();
    const judged = unanswered(kept, margin);
    const add = (/** @type {Map<string, number[]>} */ m, /** @type {string} */ ip, /** @type {number} */ i) => {
      let list = m.get(ip);
      if (!list) m.set(ip, (list = []));
      list.push(i);
    };
    kept.forEach((a, i) => {
      if (!bannable(a.ip)) return;
      if (a.fail) add(failures, a.ip, i);
      if (judged.scans.has(i)) add(scans, a.ip, i);
    });
    /** @type {Set<number>} */
    const drop = new Set(judged.borderline);
    let scanDrops = judged.borderline.size;
    for (const idx of failures.values()) {
      // kept is sorted by time, so idx is in time order as well.
      const times = idx.map((i) => sec(kept[i].t));
      for (const k of borderline(times, margin)) drop.add(idx[k]);
    }
    for (const idx of scans.values()) {
      const times = idx.map((i) => sec(kept[i].t));
      for (const k of borderline(times, margin, [SCAN])) if (!drop.has(idx[k])) { drop.add(idx[k]); scanDrops++; }
    }
    if (drop.size === 0) return { attempts: kept, dropped, droppedScans };
    dropped += drop.size;
    droppedScans += scanDrops;
    kept = kept.filter((_, i) => !drop.has(i));
  }
  throw new Error('borderline failures did not settle');
}

/**
 * Merges two maps of ascending times into a new one (ascending).
 * @param {Map<string, number[]>} a  @param {Map<string, number[]>} b
 */
function mergeTimes(a, b) {
  /** @type {Map<string, number[]>} */
  const out = new Map();
  for (const [ip, list] of a) out.set(ip, [...list]);
  for (const [ip, list] of b) out.set(ip, [...(out.get(ip) ?? []), ...list].sort((x, y) => x - y));
  return out;
}

/** @param {Map<string, number[]>} m  @returns {Record<string, number>} */
function countsByIp(m) {
  /** @type {Record<string, number>} */
  const out = {};
  for (const [ip, list] of [...m].sort((x, y) => (x[0] < y[0] ? -1 : 1))) out[ip] = list.length;
  return out;
}

/** @param {Map<string, number[]>} m ms times  @returns {Map<string, number[]>} whole seconds, ascending */
function inSeconds(m) {
  /** @type {Map<string, number[]>} */
  const out = new Map();
  for (const [ip, list] of m) out.set(ip, list.map(sec).sort((x, y) => x - y));
  return out;
}

/**
 * Builds the truth object (without the line count, which the writer fills in).
 * @param {readonly Attempt[]} attempts sorted by time, borderline ones already dropped
 * @param {readonly string[]} innocents
 * @param {OrdinaryTruth} [ordinary] what ordinary traffic counts
 */
export function buildTruth(attempts, innocents, ordinary = { failures: new Map(), scans: new Map(), trunkRejected: 0 }) {
  const attackFailures = failureTimes(attempts);
  const attackScans = scanTimes(attempts);
  const innocentSet = new Set(innocents);
  for (const ip of [...attackFailures.keys(), ...attackScans.keys()]) {
    if (innocentSet.has(ip)) throw new Error(`innocent ${ip} has attack failures or scans`);
  }
  const ordFailures = inSeconds(ordinary.failures);
  const ordScans = inSeconds(ordinary.scans);
  for (const ip of [...ordFailures.keys(), ...ordScans.keys()]) {
    if (attackFailures.has(ip) || attackScans.has(ip)) throw new Error(`ordinary address ${ip} is also an attacker`);
  }
  const times = mergeTimes(attackFailures, ordFailures);
  const scans = mergeTimes(attackScans, ordScans);
  // Ordinary traffic is innocent: it must never be banned, nor sit on an edge (it cannot be dropped).
  const ordinaryBans = expectedBans(ordFailures, ordScans);
  if (ordinaryBans.length > 0) throw new Error(`ordinary traffic would be banned: ${ordinaryBans.map((b) => b.ip).join(', ')}`);
  for (const [ip, list] of ordFailures) {
    if (bannable(ip) && borderline(list, 2000).length > 0) throw new Error(`ordinary failures of ${ip} sit on a window edge`);
  }
  for (const [ip, list] of ordScans) {
    if (bannable(ip) && borderline(list, 2000, [SCAN]).length > 0) throw new Error(`ordinary scans of ${ip} sit on a window edge`);
  }
  const failuresByIp = countsByIp(times);
  const scansByIp = countsByIp(scans);
  /** @type {Record<string, { attempts: number, lines: number, failures: boolean, scans?: number }>} */
  const variants = {};
  const judged = unanswered(attempts);
  attempts.forEach((a, i) => {
    const key = a.inj ? `${a.kind}+injection` : a.kind;
    const v = (variants[key] ??= { attempts: 0, lines: 0, failures: a.fail });
    v.attempts++;
    v.lines += a.n;
    if (judged.scans.has(i)) v.scans = (v.scans ?? 0) + 1;
  });
  const total = (/** @type {Record<string, number>} */ r) => Object.values(r).reduce((n, x) => n + x, 0);
  return {
    attempts: total(failuresByIp),
    failuresByIp,
    scans: total(scansByIp),
    scansByIp,
    innocents: [...innocentSet].sort(),
    expectedBans: expectedBans(times, scans),
    variants,
    ordinary: {
      noExtensionCounted: total(countsByIp(ordFailures)),
      noExtensionOfTrunk: ordinary.trunkRejected,
      unansweredChallenges: total(countsByIp(ordScans)),
    },
  };
}
