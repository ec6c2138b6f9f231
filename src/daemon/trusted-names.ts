/**
 * Trusted entries that move: host names (a home office's dynamic DNS) resolved on a
 * schedule to their IPv4 and IPv6 addresses. A name that stops resolving keeps its
 * last answers for a grace period (and says so), so a DNS hiccup never exposes a
 * trusted office to a ban; after the grace period its old addresses are dropped.
 */
import dns from 'node:dns';
import { parseIp, type IpAddress } from '../domain/ip.js';
import type { Log } from '../domain/log.js';

export type Resolve = (name: string) => Promise<string[]>;

const systemResolve: Resolve = async (name) => (await dns.promises.lookup(name, { all: true, verbatim: true })).map((a) => a.address);

interface Entry {
  addresses: IpAddress[];
  resolvedAt: number;
  failing: boolean;
}

export class TrustedNames {
  private readonly entries = new Map<string, Entry>();
  private current = new Set<string>();

  constructor(
    private readonly names: readonly string[],
    private readonly opts: { graceMs: number; now: () => number; log: Pick<Log, 'warn' | 'info'>; resolve?: Resolve },
  ) {}

  /** Whether `ip` belongs to a trusted name right now. */
  has(ip: IpAddress): boolean {
    return this.current.has(ip);
  }

  /** Every trusted address right now (to keep subnet bans away from them). */
  addresses(): IpAddress[] {
    return [...this.current] as IpAddress[];
  }

  /** The addresses each name stands for now (for status and tests). */
  snapshot(): Record<string, string[]> {
    return Object.fromEntries([...this.entries].map(([n, e]) => [n, [...e.addresses]]));
  }

  /** Resolves every name once; never throws. */
  async refresh(): Promise<void> {
    const resolve = this.opts.resolve ?? systemResolve;
    const now = this.opts.now();
    await Promise.all(this.names.map(async (name) => {
      const prev = this.entries.get(name);
      try {
        const addresses = (await resolve(name)).map(parseIp).filter((a): a is IpAddress => a !== null);
        if (addresses.length === 0) throw new Error('no addresses');
        if (prev?.failing) this.opts.log.info({ name, addresses }, 'trusted name resolves again');
        this.entries.set(name, { addresses, resolvedAt: now, failing: false });
      } catch (e) {
        if (prev && now - prev.resolvedAt <= this.opts.graceMs) {
          if (!prev.failing) this.opts.log.warn({ name, keeping: prev.addresses, err: (e as Error).message }, 'trusted name does not resolve; keeping its last addresses for the grace period');
          prev.failing = true;
        } else {
          if (prev) this.opts.log.warn({ name, dropped: prev.addresses }, 'trusted name has not resolved for longer than the grace period; its old addresses are no longer trusted');
          else this.opts.log.warn({ name, err: (e as Error).message }, 'trusted name does not resolve');
          this.entries.set(name, { addresses: [], resolvedAt: prev?.resolvedAt ?? 0, failing: true });
        }
      }
    }));
    this.current = new Set([...this.entries.values()].flatMap((e) => e.addresses));
  }
}
