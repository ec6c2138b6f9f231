/**
 * Second line of defence, shared by every backend: re-validate each address from its
 * text (so no string that is not a canonical address reaches a privileged command)
 * and refuse addresses that must never be banned, whatever asked for it.
 */
import { SipwardenError } from '../domain/errors.js';
import { parseIp, type IpAddress } from '../domain/ip.js';
import type { ZoneOf } from '../engine/zones.js';
import type { BanEntry, EnforcerOp } from './types.js';

/** Returns the ops that are safe to run; throws on anything that is not a canonical address. */
export function guardOps(ops: readonly EnforcerOp[], zoneOf: ZoneOf, onRefused: (ip: IpAddress) => void): EnforcerOp[] {
  const safe: EnforcerOp[] = [];
  for (const op of ops) {
    const ip = checkAddress(op.ip);
    if (op.op === 'ban') {
      const zone = zoneOf(ip);
      if (zone === 'never' || zone === 'trusted') {
        onRefused(ip);
        continue;
      }
      if (op.until !== null && !Number.isFinite(op.until)) throw new SipwardenError('ENFORCER_FAILED', `invalid ban end for ${ip}`);
    }
    safe.push(op);
  }
  return safe;
}

/** Filters a full ban set the same way. */
export function guardBans(bans: readonly BanEntry[], zoneOf: ZoneOf, onRefused: (ip: IpAddress) => void): BanEntry[] {
  return guardOps(bans.map((b) => ({ op: 'ban' as const, ip: b.ip, until: b.until })), zoneOf, onRefused).map((o) => ({
    ip: o.ip,
    until: o.op === 'ban' ? o.until : null,
  }));
}

/** The address as a canonical string, or an error: never trust a string to be one. */
export function checkAddress(text: string): IpAddress {
  const ip = parseIp(text);
  if (!ip || ip !== text) throw new SipwardenError('BAD_ADDRESS', `refusing to pass a non-canonical address to the firewall: ${JSON.stringify(String(text).slice(0, 80))}`);
  return ip;
}
