/**
 * The toll-fraud guard: judges calls that leave through a trunk, per account, against
 * rules given as data (`fraud:` in the config), and decides — as effects, in the engine's
 * shape — to hang calls up, suspend the account, ban its address, remove its
 * registrations, and alert. See README "Toll fraud".
 */
export { addressVariable, FraudDecider, HANGUP_CAUSE, type FraudDeciderOptions } from './decide.js';
export { compileDestinations, NON_GEOGRAPHIC, type DestinationOf, type Destination, type DialPlan } from './destinations.js';
export { formatFraud, type BanOutcome } from './format.js';
export { FraudGuard, type GuardStats } from './guard.js';
export { compileHighRisk, DEFAULT_HIGH_RISK, PREFIX, type HighRiskLookup, type HighRiskPrefix } from './high-risk.js';
export {
  ACTIONS, describeRule, RULE_KINDS, ruleName, sortActions,
  type FraudAction, type FraudInput, type FraudRule, type FraudRuleKind,
} from './rules.js';
export { compileTrunkTest, dialStringOfCdr, numberSentTo } from './trunk.js';
export type { CallRef, FraudCall, FraudFinding } from './types.js';
