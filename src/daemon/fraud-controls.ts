/**
 * The dashboard's handle on the live toll-fraud guard (api/routes-calls.ts): what the
 * guard tracks now, read from its own state, and allowing an account through the
 * runner's reader of `allow_calls` records, so a record is applied once whether the
 * dashboard or the CLI wrote it.
 */
import type { FraudControls } from '../api/routes-calls.js';
import type { FraudGuard, FraudInput } from '../fraud/index.js';
import type { FraudRunner } from './fraud.js';

/** {@link FraudControls} over the daemon's guard and runner. */
export function fraudControls(input: FraudInput, guard: FraudGuard, runner: Pick<FraudRunner, 'pollAllows'>): FraudControls {
  return {
    enabled: input.enabled,
    input,
    liveCalls: () => guard.liveCalls(),
    suspendedAccounts: () => guard.suspendedAccounts(),
    isSuspended: (account) => guard.isSuspended(account),
    applyAllows: () => runner.pollAllows(),
  };
}
