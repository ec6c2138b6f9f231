/**
 * Options shared by the kernel backends (nftables, ipset), checked once at
 * construction so that every name or number later written into a firewall command
 * is known to be safe: ports are integers in 1..65535, names match strict patterns.
 */
import { SipwardenError } from '../domain/errors.js';
import { parseDuration } from '../domain/duration.js';
import type { ZoneOf } from '../engine/zones.js';
import type { EnforcerLog } from './dry-run.js';

/** `all`: drop every packet from a banned address; `sip`: only to the SIP/IAX ports. */
export type BanScope = 'all' | 'sip';

/**
 * The ports a rule matches: a sorted list of distinct port numbers, or `'all'` (every
 * packet, whatever its protocol or port). The daemon falls back to `'all'` when it
 * cannot learn the PBX's ports: a missed attacker is worse than a wider seen set.
 */
export type PortSet = readonly number[] | 'all';

/** What a kernel backend is told by the composition root. */
export interface FirewallOptions {
  readonly zoneOf: ZoneOf;
  readonly log: EnforcerLog;
  /** Default `all` (what the owner asked for). */
  readonly scope?: BanScope;
  /** SIP/IAX ports dropped under scope `sip` (`'all'`: every packet). Default 5060, 5061, 4569. */
  readonly ports?: PortSet;
  /** Ports whose senders are remembered in the kernel ("seen" sets; `'all'`: any packet). Default: `ports`. */
  readonly seenPorts?: PortSet;
  /** How long a sender stays "seen" after its last packet. Default `10m`. */
  readonly seenTimeout?: string;
  /** Run every tool inside this network namespace (`ip netns exec`); tests use it. */
  readonly netns?: string;
}

/** The same options after checking, with defaults filled in. */
export interface CheckedFirewallOptions {
  readonly zoneOf: ZoneOf;
  readonly log: EnforcerLog;
  readonly scope: BanScope;
  readonly ports: PortSet;
  readonly seenPorts: PortSet;
  readonly seenTimeoutSeconds: number;
  readonly netns: string | undefined;
}

export const DEFAULT_PORTS: readonly number[] = Object.freeze([5060, 5061, 4569]);

/** Fills defaults and refuses anything that could not be written safely into a rule. */
export function checkFirewallOptions(opts: FirewallOptions): CheckedFirewallOptions {
  const scope = opts.scope ?? 'all';
  if (scope !== 'all' && scope !== 'sip') throw bad(`scope must be 'all' or 'sip', not ${JSON.stringify(scope)}`);
  const ports = checkPorts('ports', opts.ports ?? DEFAULT_PORTS);
  const seenPorts = checkPorts('seenPorts', opts.seenPorts ?? ports);
  const timeoutMs = parseDuration(opts.seenTimeout ?? '10m');
  if (timeoutMs === null || timeoutMs < 1000) throw bad(`seenTimeout must be a duration of at least 1s such as '10m', not ${JSON.stringify(opts.seenTimeout)}`);
  return { zoneOf: opts.zoneOf, log: opts.log, scope, ports, seenPorts, seenTimeoutSeconds: Math.ceil(timeoutMs / 1000), netns: opts.netns };
}

/** Checks a firewall object name (table, set, chain) against `pattern`. */
export function checkName(what: string, value: string, pattern: RegExp): string {
  if (!pattern.test(value)) throw bad(`${what} ${JSON.stringify(value)} is not a valid name (expected ${pattern.source})`);
  return value;
}

/** Checks a port set (see {@link PortSet}) so it can be written into a rule; throws the one-line error. */
export function checkPorts(what: string, ports: PortSet): PortSet {
  if (ports === 'all') return 'all';
  if (!Array.isArray(ports) || ports.length === 0) throw bad(`${what} must name at least one port`);
  for (const p of ports) if (!Number.isInteger(p) || p < 1 || p > 65535) throw bad(`${what} holds ${JSON.stringify(p)}, not a port number 1-65535`);
  return Object.freeze([...new Set(ports)].sort((a, b) => a - b));
}

function bad(message: string): SipwardenError {
  return new SipwardenError('ENFORCER_FAILED', `invalid firewall option: ${message}`);
}

/** True if two checked port sets are the same. */
export function samePorts(a: PortSet, b: PortSet): boolean {
  return a === 'all' || b === 'all' ? a === b : a.length === b.length && a.every((p, i) => p === b[i]);
}

/** The rule text matching `ports` (nftables): empty for `'all'`, else `meta l4proto { tcp, udp } th dport { … } `. */
export function nftPortMatch(ports: PortSet): string {
  return ports === 'all' ? '' : `meta l4proto { tcp, udp } th dport { ${ports.join(', ')} } `;
}

/** Seconds left until `until` (rounded up, so a ban never ends before the store says); 0 if already over. */
export function remainingSeconds(until: number, now: number): number {
  return until <= now ? 0 : Math.ceil((until - now) / 1000);
}
