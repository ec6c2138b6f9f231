/** Firewall backends behind one small interface. */
export type { BanEntry, Enforcer, EnforcerOp } from './types.js';
export { checkAddress, checkTarget, guardBans, guardOps } from './guard.js';
export { DryRunEnforcer, type EnforcerLog } from './dry-run.js';
export { NftablesEnforcer, type NftablesOptions } from './nftables.js';
export { canTellSeen, type SeenProbe } from './seen.js';
export { DEFAULT_PORTS, samePorts, type BanScope, type FirewallOptions, type PortSet } from './options.js';
export { IpsetEnforcer, type IpsetOptions } from './ipset.js';
export { selectEnforcer, type BackendChoice, type SelectOptions } from './select.js';
