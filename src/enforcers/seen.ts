/**
 * "Ban only what the kernel has seen": a backend that keeps, in the kernel, the
 * addresses that recently sent packets to the PBX's service ports can answer whether
 * an address did. The daemon uses it to refuse bans on addresses that only appear in
 * log text (log injection). Not every backend can (dry-run cannot).
 */
import type { IpAddress } from '../domain/ip.js';
import type { PortSet } from './options.js';
import type { Enforcer } from './types.js';

export interface SeenProbe {
  /** True if `ip` sent a packet to a watched port within the seen timeout. */
  seen(ip: IpAddress): Promise<boolean>;
  /**
   * Optional, faster: bans `ip` until `until` in the SAME kernel transaction that checks
   * it was seen — true if it was (and is now banned), false if it never sent a packet
   * (nothing changed). One tool run instead of two.
   */
  banIfSeen?(ip: IpAddress, until: number | null, now: number): Promise<boolean>;
  /**
   * Changes, in place and atomically, the ports whose senders are recorded as seen
   * (and, under scope `sip`, the ports banned addresses are dropped on). The sets and
   * the bans they hold are kept; only the chain's rules are rewritten.
   */
  watch(ports: PortSet): Promise<void>;
  /** The ports watched now. */
  watched(): PortSet;
}

/** True if the backend keeps a kernel "seen" set it can be asked about. */
export function canTellSeen(e: Enforcer): e is Enforcer & SeenProbe {
  return typeof (e as Partial<SeenProbe>).seen === 'function';
}
