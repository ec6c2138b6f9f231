/**
 * Choosing the firewall backend at start.
 *
 * - `auto`: nftables if `nft` is installed and `nft list tables` works here; else
 *   ipset + iptables if their tools answer; else dry-run. The choice, and why each
 *   better backend was not usable, is logged — as a warning whenever it is not
 *   nftables, and loudly when nothing will actually be blocked.
 * - An explicitly requested backend that cannot work is an error: the one-line
 *   SipwardenError naming the fix (no silent fallback the owner did not ask for).
 *
 * Probes only read (list tables / sets / rules); nothing is created until init().
 */
import { SipwardenError } from '../domain/errors.js';
import { DryRunEnforcer, type EnforcerLog } from './dry-run.js';
import { IpsetEnforcer, type IpsetOptions } from './ipset.js';
import { NftablesEnforcer, type NftablesOptions } from './nftables.js';
import type { Enforcer } from './types.js';

export type BackendChoice = 'auto' | 'nftables' | 'ipset' | 'dry-run';

/** Options for whichever backend is picked (each reads its own). */
export type SelectOptions = Omit<NftablesOptions, 'log'> & Omit<IpsetOptions, 'log'>;

/** Returns the backend to use (not yet initialised); throws if an explicit choice cannot work. */
export async function selectEnforcer(backend: BackendChoice, opts: SelectOptions, log: EnforcerLog): Promise<Enforcer> {
  const withLog = { ...opts, log };
  switch (backend) {
    case 'dry-run':
      return new DryRunEnforcer(opts.zoneOf, log);
    case 'nftables': {
      const e = new NftablesEnforcer(withLog);
      await NftablesEnforcer.probe(opts);
      log.info({ backend: e.name }, 'firewall backend: nftables');
      return e;
    }
    case 'ipset': {
      const e = new IpsetEnforcer(withLog);
      await IpsetEnforcer.probe(opts);
      log.info({ backend: e.name }, 'firewall backend: ipset + iptables');
      return e;
    }
    case 'auto':
      return auto(withLog, log);
    default:
      throw new SipwardenError('ENFORCER_FAILED', `unknown firewall backend ${JSON.stringify(backend)} — use auto, nftables, ipset or dry-run`);
  }
}

async function auto(opts: NftablesOptions & IpsetOptions, log: EnforcerLog): Promise<Enforcer> {
  const nft = new NftablesEnforcer(opts);
  const nftProblem = await problem(() => NftablesEnforcer.probe(opts));
  if (nftProblem === null) {
    log.info({ backend: nft.name, choice: 'auto' }, 'firewall backend: nftables');
    return nft;
  }
  const ipset = new IpsetEnforcer(opts);
  const ipsetProblem = await problem(() => IpsetEnforcer.probe(opts));
  if (ipsetProblem === null) {
    log.warn({ backend: ipset.name, choice: 'auto', nftables: nftProblem }, `firewall backend: ipset + iptables, because nftables is not usable: ${nftProblem}`);
    return ipset;
  }
  log.warn(
    { backend: 'dry-run', choice: 'auto', nftables: nftProblem, ipset: ipsetProblem },
    `NO FIREWALL: attackers will be detected and logged but NOT blocked (dry-run). nftables: ${nftProblem}; ipset: ${ipsetProblem}`,
  );
  return new DryRunEnforcer(opts.zoneOf, log);
}

/** The one-line reason a probe failed, or null if it passed; bugs (non-SipwardenErrors) propagate. */
async function problem(probe: () => Promise<void>): Promise<string | null> {
  try {
    await probe();
    return null;
  } catch (e) {
    if (e instanceof SipwardenError) return e.message;
    throw e;
  }
}
