/**
 * What the guard finds: one {@link FraudFinding} per call (or per crossed minutes cap)
 * that breaks a rule, with the actions its rules ask for. Plain data: the fraud decider
 * (decide.ts) turns it into effects, `check` into its report.
 */
import type { AuthSucceeded, Evidence } from '../domain/events.js';
import type { AccountClass } from '../engine/accounts.js';
import type { Destination } from './destinations.js';
import type { FraudAction } from './rules.js';

/** A caller channel to hang up (AMI `Hangup` takes the channel name). */
export interface CallRef {
  readonly channel: string;
  readonly uniqueid: string;
}

/** The call that broke a rule. */
export interface FraudCall extends CallRef {
  /** What the caller dialled (its channel's extension). Attacker-chosen. */
  readonly exten: string;
  /** Where the number sent to the trunk goes. */
  readonly destination: Destination;
  /** The trunk leg's channel (`PJSIP/itsp-0000000f`); '' when unknown (a CDR without one). */
  readonly trunk: string;
}

/**
 * A broken rule. `rule` is the rule's name (`calls/1m`, `high_risk`, …) or `suspended`:
 * a trunk call from an account the guard suspended (the dial plan check should have
 * refused it; the guard hangs it up when it did not).
 */
export interface FraudFinding {
  readonly at: number;
  readonly account: string;
  readonly accountClass: AccountClass;
  readonly rule: string;
  /** The rule in plain words, with the destination's high-risk entry when there is one. */
  readonly why: string;
  /** Other rules the same call broke. */
  readonly also: readonly string[];
  /** Every action of the broken rules, in order (rules.ts ACTIONS). */
  readonly actions: readonly FraudAction[];
  /** The count the rule reached: calls within its window, calls at once, minutes; 1 for a destination rule. */
  readonly count: number;
  readonly call: FraudCall | null;
  /** Caller channels to hang up: the offending call, and with `suspend` the account's other live trunk calls. Empty without `hangup`. */
  readonly hangup: readonly CallRef[];
  /** The account's last successful authentication (SuccessfulAuth): the address to ban. Null when none was seen (chan_sip reports none). */
  readonly lastAuth: AuthSucceeded | null;
  /** Other addresses the account authenticated from in the last 15 minutes: which one placed the call is then ambiguous. */
  readonly otherAddresses: readonly string[];
  readonly evidence: Evidence;
}
