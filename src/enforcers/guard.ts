/**
 * Second line of defence, shared by every backend: re-validate each ban target (an
 * address or a network) from its text, so no string that is not a canonical target
 * reaches a privileged command, and refuse targets that must never be banned,
 * whatever asked for it.
 *
 * Invariants:
 * - A target passes only if it equals its own canonical form (`parseBanTarget`): no
 *   spaces, brackets, upper case, host bits set (`203.0.113.7/24`) or full-length
 *   prefixes (`203.0.113.7/32` is spelled `203.0.113.7`).
 * - A network ban takes the zone of the most protected address inside it
 *   (`zoneOf.network`); a classifier without `network` cannot vouch for a network,
 *   so every network ban is refused then. A network of prefix 0 is everyone: refused.
 * - Unbans are never refused (after the canonical check): releasing is always safe.
 */
import { SipwardenError } from '../domain/errors.js';
import { isNetwork, parseBanTarget, parseIp, type BanTarget, type IpAddress } from '../domain/ip.js';
import type { Zone, ZoneOf } from '../engine/zones.js';
import type { BanEntry, EnforcerOp } from './types.js';

/** Returns the ops that are safe to run; throws on anything that is not a canonical address or network. */
export function guardOps(ops: readonly EnforcerOp[], zoneOf: ZoneOf, onRefused: (target: BanTarget) => void): EnforcerOp[] {
  const safe: EnforcerOp[] = [];
  for (const op of ops) {
    const target = checkTarget(op.ip);
    if (op.op === 'ban') {
      if (!bannable(target, zoneOf)) {
        onRefused(target);
        continue;
      }
      if (op.until !== null && !Number.isFinite(op.until)) throw new SipwardenError('ENFORCER_FAILED', `invalid ban end for ${target}`);
    }
    safe.push(op);
  }
  return safe;
}

/** Filters a full ban set the same way. */
export function guardBans(bans: readonly BanEntry[], zoneOf: ZoneOf, onRefused: (target: BanTarget) => void): BanEntry[] {
  return guardOps(bans.map((b) => ({ op: 'ban' as const, ip: b.ip, until: b.until })), zoneOf, onRefused).map((o) => ({
    ip: o.ip,
    until: o.op === 'ban' ? o.until : null,
  }));
}

/** The address as a canonical string, or an error: never trust a string to be one. */
export function checkAddress(text: string): IpAddress {
  const ip = typeof text === 'string' ? parseIp(text) : null;
  if (!ip || ip !== text) throw nonCanonical(text);
  return ip;
}

/** The address or network as a canonical string, or the same error as checkAddress. */
export function checkTarget(text: string): BanTarget {
  const target = typeof text === 'string' ? parseBanTarget(text) : null;
  if (!target || target !== text) throw nonCanonical(text);
  return target;
}

function bannable(target: BanTarget, zoneOf: ZoneOf): boolean {
  let zone: Zone | undefined;
  if (!isNetwork(target)) zone = zoneOf(target);
  else if (!target.endsWith('/0')) zone = zoneOf.network?.(target);
  return zone !== undefined && zone !== 'never' && zone !== 'trusted';
}

function nonCanonical(text: unknown): SipwardenError {
  return new SipwardenError('BAD_ADDRESS', `refusing to pass a non-canonical address to the firewall: ${JSON.stringify(String(text).slice(0, 80))}`);
}
