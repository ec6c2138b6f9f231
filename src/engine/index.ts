/**
 * The engine: attempts de-duplicated across every report of them, then the policy.
 * Takes events with their own times and returns outcomes; no I/O, no clock.
 */
import type { SecurityEvent } from '../domain/events.js';
import { AttemptCounter } from './attempts.js';
import { PolicyEngine, type FailureVerdict, type PolicyInput } from './policy.js';
import { compileZones, type ZoneInput, type ZoneOf } from './zones.js';

export { AttemptCounter, classify } from './attempts.js';
export { PolicyEngine, sortTiers, type Action, type BanDecision, type FailureVerdict, type PolicyInput, type Tier } from './policy.js';
export { compileZones, type Zone, type ZoneInput, type ZoneOf } from './zones.js';

/** What happened to one event. `verdict` is set for each newly counted failed attempt. */
export interface Outcome {
  readonly event: SecurityEvent;
  /** True for a failure report that repeats an attempt already counted. */
  readonly duplicate: boolean;
  readonly verdict: FailureVerdict | null;
}

/** Events in, decisions out. */
export class Engine {
  readonly attempts: AttemptCounter;
  readonly policy: PolicyEngine;
  readonly zoneOf: ZoneOf;

  constructor(policy: PolicyInput, zones: ZoneInput) {
    this.zoneOf = compileZones(zones);
    this.attempts = new AttemptCounter();
    this.policy = new PolicyEngine(policy, this.zoneOf);
  }

  /** Processes one event at its own time. */
  handle(event: SecurityEvent): Outcome {
    if (event.kind !== 'auth_failed') return { event, duplicate: false, verdict: null };
    if (!this.attempts.record(event)) return { event, duplicate: true, verdict: null };
    return { event, duplicate: false, verdict: this.policy.failure(event.ip, event.at, event.reason) };
  }
}
