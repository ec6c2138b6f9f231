/**
 * The firewall backend contract (sshguard's init/block/release/flush/fin, as data):
 *
 * - `init()` prepares what the backend owns (its own table/sets/chain); idempotent.
 * - `apply(ops)` applies a batch of bans and unbans as ONE transaction: all or nothing.
 * - `reconcile(bans, now)` makes the firewall hold exactly `bans` (the store's active
 *   set) in one atomic step: used at start so a reboot or crash never leaves an
 *   attacker unblocked or a released address blocked.
 * - `close({ keepBans })` releases resources; with keepBans the kernel keeps
 *   enforcing (timed bans still expire on their own).
 *
 * Every backend validates every address again and refuses protected ones before
 * anything privileged runs (see guard.ts): a second line of defence behind the
 * policy engine. The dry-run backend is just another backend.
 */
import type { BanTarget } from '../domain/ip.js';

/**
 * One change. `until` is the ban's end in ms since the epoch; null means until released.
 * `ip` is one address or a whole network (`203.0.113.0/24`: subnet escalation).
 */
export type EnforcerOp =
  | { readonly op: 'ban'; readonly ip: BanTarget; readonly until: number | null }
  | { readonly op: 'unban'; readonly ip: BanTarget };

/** An active ban as the store holds it (an address or a network). */
export interface BanEntry {
  readonly ip: BanTarget;
  readonly until: number | null;
}

export interface Enforcer {
  readonly name: string;
  init(): Promise<void>;
  apply(ops: readonly EnforcerOp[], now: number): Promise<void>;
  reconcile(bans: readonly BanEntry[], now: number): Promise<void>;
  close(opts: { keepBans: boolean }): Promise<void>;
}
