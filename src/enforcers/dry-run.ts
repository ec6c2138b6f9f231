/**
 * The dry-run backend: logs what it would do and keeps the resulting set in memory
 * (so `sipwarden status`, the tests and the dashboard can see it). Never touches the
 * system. Networks (subnet bans) are logged and held exactly like addresses.
 */
import type { BanTarget } from '../domain/ip.js';
import type { ZoneOf } from '../engine/zones.js';
import { guardBans, guardOps } from './guard.js';
import type { BanEntry, Enforcer, EnforcerOp } from './types.js';
import type { Log } from '../domain/log.js';

export type EnforcerLog = Pick<Log, 'info' | 'warn'>;

export class DryRunEnforcer implements Enforcer {
  readonly name = 'dry-run';
  /** What a real firewall would hold now: address or network -> end of its ban (null: permanent). */
  readonly held = new Map<BanTarget, number | null>();
  /** Every batch applied, in order (for tests and diagnostics). */
  readonly batches: EnforcerOp[][] = [];

  constructor(private readonly zoneOf: ZoneOf, private readonly log: EnforcerLog) {}

  async init(): Promise<void> {
    this.log.warn({ backend: this.name }, 'dry-run firewall: attackers are detected and logged but NOT blocked');
  }

  async apply(ops: readonly EnforcerOp[], now: number): Promise<void> {
    const safe = guardOps(ops, this.zoneOf, (ip) => this.log.warn({ ip }, 'refused to ban a protected address or network'));
    this.batches.push(safe);
    for (const op of safe) {
      if (op.op === 'ban') {
        this.held.set(op.ip, op.until);
        this.log.info({ ip: op.ip, until: op.until === null ? 'permanent' : new Date(op.until).toISOString() }, 'would block');
      } else {
        this.held.delete(op.ip);
        this.log.info({ ip: op.ip }, 'would unblock');
      }
    }
    this.expire(now);
  }

  async reconcile(bans: readonly BanEntry[], now: number): Promise<void> {
    const safe = guardBans(bans, this.zoneOf, (ip) => this.log.warn({ ip }, 'refused to restore a ban on a protected address or network'));
    this.held.clear();
    for (const b of safe) this.held.set(b.ip, b.until);
    this.expire(now);
    this.log.info({ bans: this.held.size }, 'would hold these bans');
  }

  async close(): Promise<void> {
    // Nothing held outside this process.
  }

  private expire(now: number): void {
    for (const [ip, until] of this.held) if (until !== null && until <= now) this.held.delete(ip);
  }
}
