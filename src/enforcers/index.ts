/** Firewall backends behind one small interface. */
export type { BanEntry, Enforcer, EnforcerOp } from './types.js';
export { checkAddress, guardBans, guardOps } from './guard.js';
export { DryRunEnforcer, type EnforcerLog } from './dry-run.js';
