// @ts-check
/**
 * Compares a `sipwarden check --json` report with a generator's truth file.
 *
 * Report contract: {lines, events, attempts, scans, addresses: [{ip, failures, scans?, zone}],
 * bans: [{ip, tier, until: 'permanent' | ISO, failures}]}. Scans (challenges nobody
 * answered) are counted apart from failed attempts, as the report does; a ban of tier 0
 * is a scan ban. Addresses are compared in canonical form (normalizeIp), so `2001:DB8::5`
 * and `2001:db8::5` are one address.
 *
 * An innocent (an address attackers name in text they control) may have traffic of its
 * own (a remote phone that misdials or gives up a call): it is wronged when it is
 * banned, or charged with more failures or scans than its own traffic has.
 */
import { expectedZone, normalizeIp } from './addresses.mjs';

/**
 * @typedef {{ ip: string, failures: number, scans?: number, zone?: string }} ReportAddress
 * @typedef {{ ip: string, tier: number, until: string | number | null, failures?: number }} ReportBan
 * @typedef {{ lines?: number, events?: number, attempts?: number, scans?: number, addresses?: ReportAddress[], bans?: ReportBan[],
 *   [other: string]: unknown }} CheckReport `check --json` output as parsed (not trusted to be complete)
 * @typedef {{ lines: number, attempts: number, failuresByIp: Record<string, number>, scans: number,
 *   scansByIp: Record<string, number>, innocents: string[], expectedBans: Array<{ ip: string, tier: number, until: string }> }} Truth
 *   the parts of a truth file compared here
 * @typedef {{ name: string, expected: number, actual: number | string | undefined, ok: boolean }} Check
 */

const MAX_DETAILS = 12;

/** @param {string | number | null | undefined} u  @returns {number | null} */
function untilMs(u) {
  if (u === 'permanent' || u === null || u === undefined) return null;
  const t = typeof u === 'number' ? u : Date.parse(u);
  return Number.isNaN(t) ? NaN : t;
}

/**
 * @param {CheckReport} report
 * @param {Truth} truth
 * @returns {{checks: Check[], info: [string, string][], details: string[]}}
 */
export function compareReport(report, truth) {
  /** @type {Check[]} */
  const checks = [];
  /** @type {[string, string][]} */
  const info = [];
  /** @type {string[]} */
  const details = [];
  const detail = (/** @type {string} */ s) => { if (details.length < MAX_DETAILS * 5) details.push(s); };
  const addresses = Array.isArray(report.addresses) ? report.addresses : [];
  const bans = Array.isArray(report.bans) ? report.bans : [];

  checks.push({ name: 'lines read', expected: truth.lines, actual: report.lines, ok: report.lines === truth.lines });
  checks.push({ name: 'failed attempts', expected: truth.attempts, actual: report.attempts, ok: report.attempts === truth.attempts });
  checks.push({ name: 'scans (challenges never answered)', expected: truth.scans, actual: report.scans, ok: report.scans === truth.scans });

  // Failures and scans per address.
  /** @type {Map<string, number>} */
  const got = new Map();
  /** @type {Map<string, number>} */
  const gotScans = new Map();
  let unparsable = 0;
  for (const a of addresses) {
    const ip = normalizeIp(a.ip);
    if (!ip) { unparsable++; continue; }
    got.set(ip, (got.get(ip) ?? 0) + (Number(a.failures) || 0));
    gotScans.set(ip, (gotScans.get(ip) ?? 0) + (Number(a.scans) || 0));
  }
  let nd = 0;
  /** @param {string} what  @param {Map<string, number>} want  @param {Map<string, number>} have */
  const perAddress = (what, want, have) => {
    let missedIps = 0, missedN = 0, falseIps = 0, falseN = 0;
    for (const [ip, n] of want) {
      const g = have.get(ip) ?? 0;
      if (g < n) {
        missedIps++; missedN += n - g;
        if (nd++ < MAX_DETAILS) detail(`${what} ${ip}: expected ${n}, reported ${g}`);
      }
    }
    for (const [ip, g] of have) {
      const n = want.get(ip) ?? 0;
      if (g > n) {
        falseIps++; falseN += g - n;
        if (nd++ < MAX_DETAILS) detail(`${what} ${ip}: expected ${n}, reported ${g}`);
      }
    }
    checks.push({ name: `addresses with ${what} missed (${what})`, expected: 0, actual: `${missedIps} (${missedN})`, ok: missedIps === 0 });
    checks.push({ name: `addresses with ${what} too many (${what})`, expected: 0, actual: `${falseIps} (${falseN})`, ok: falseIps === 0 && unparsable === 0 });
  };
  const want = new Map(Object.entries(truth.failuresByIp));
  const wantScans = new Map(Object.entries(truth.scansByIp));
  perAddress('failures', want, got);
  perAddress('scans', wantScans, gotScans);
  if (unparsable) info.push(['unparsable addresses in report', String(unparsable)]);

  // Innocents: never banned, never charged beyond their own traffic.
  const innocents = new Set(truth.innocents);
  /** @type {Set<string>} */
  const hit = new Set();
  for (const ip of innocents) {
    if ((got.get(ip) ?? 0) > (want.get(ip) ?? 0)) hit.add(`failures:${ip}`);
    if ((gotScans.get(ip) ?? 0) > (wantScans.get(ip) ?? 0)) hit.add(`scans:${ip}`);
  }
  let innocentsBanned = 0;
  for (const b of bans) { const ip = normalizeIp(b.ip); if (ip && innocents.has(ip)) { hit.add(`bans:${ip}`); innocentsBanned++; } }
  checks.push({ name: 'innocent addresses banned or charged beyond their own traffic', expected: 0, actual: hit.size, ok: hit.size === 0 });
  for (const h of [...hit].slice(0, MAX_DETAILS)) detail(`innocent wronged: ${h}`);
  info.push(['innocents banned', String(innocentsBanned)]);

  // Bans: exact ip and tier; until to the second. The truth dates attempts by their log line
  // (second resolution); sipwarden prefers a security event's EventTV (milliseconds), which
  // Asterisk stamps within the same second, so a sub-second difference is the same ban.
  const wantBans = new Map(truth.expectedBans.map((b) => [b.ip, b]));
  /** @type {Map<string, ReportBan>} */
  const gotBans = new Map();
  for (const b of bans) { const ip = normalizeIp(b.ip); if (ip) gotBans.set(ip, b); }
  let missing = 0, extra = 0, tier = 0, until = 0, untilNear = 0, bd = 0;
  for (const [ip, w] of wantBans) {
    const g = gotBans.get(ip);
    if (!g) { missing++; if (bd++ < MAX_DETAILS) detail(`ban missing: ${ip} tier ${w.tier} until ${w.until}`); continue; }
    if (Number(g.tier) !== w.tier) { tier++; if (bd++ < MAX_DETAILS) detail(`ban tier ${ip}: expected ${w.tier}, reported ${g.tier}`); }
    const wu = untilMs(w.until);
    const gu = untilMs(g.until);
    if (wu !== gu) {
      if (wu !== null && gu !== null && Math.abs(wu - gu) < 1000) untilNear++;
      else {
        until++;
        if (bd++ < MAX_DETAILS) detail(`ban until ${ip}: expected ${w.until}, reported ${g.until}`);
      }
    }
  }
  for (const [ip, g] of gotBans) {
    if (!wantBans.has(ip)) { extra++; if (bd++ < MAX_DETAILS) detail(`ban not expected: ${ip} tier ${g.tier} until ${g.until}`); }
  }
  checks.push({ name: 'bans missing', expected: 0, actual: missing, ok: missing === 0 });
  checks.push({ name: 'bans not expected', expected: 0, actual: extra, ok: extra === 0 });
  checks.push({ name: 'bans with wrong tier', expected: 0, actual: tier, ok: tier === 0 });
  checks.push({ name: 'bans with wrong until (off by 1 s or more)', expected: 0, actual: until, ok: until === 0 });
  if (untilNear) info.push(['bans whose until differs by less than 1 s (EventTV milliseconds vs line second)', String(untilNear)]);

  // Zones: information only (the brief's defaults: private ranges internal, loopback never).
  let zoneOff = 0;
  for (const a of addresses) {
    const ip = normalizeIp(a.ip);
    if (ip && a.zone && a.zone !== expectedZone(ip) && !(a.zone === 'internal' && expectedZone(ip) === 'never')) {
      if (zoneOff++ < 5) detail(`zone ${ip}: reported ${a.zone}, expected ${expectedZone(ip)}`);
    }
  }
  info.push(['addresses with an unexpected zone', String(zoneOff)]);
  info.push(['events reported', String(report.events ?? 'n/a')]);
  for (const k of Object.keys(report)) {
    if (!['lines', 'events', 'attempts', 'scans', 'addresses', 'bans'].includes(k) && typeof report[k] !== 'object') info.push([`report.${k}`, String(report[k])]);
  }
  info.push(['expected bans (permanent / tier 1 / scan only)', `${truth.expectedBans.length} (${truth.expectedBans.filter((b) => b.until === 'permanent').length} / ${truth.expectedBans.filter((b) => b.tier === 1).length} / ${truth.expectedBans.filter((b) => b.tier === 0).length})`]);
  info.push(['reported bans', String(bans.length)]);
  return { checks, info, details };
}
