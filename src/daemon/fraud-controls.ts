/**
 * The dashboard's handle on the live toll-fraud guard (api/routes-calls.ts): what the
 * guard tracks now, read from its own state, and allowing an account through the
 * runner's reader of `allow_calls` records, so a record is applied once whether the
 * dashboard or the CLI wrote it. Rules edited in the dashboard are saved into the config
 * file first (config/write-back.ts: atomic, backup, comments kept; a file that cannot be
 * written changes nothing), then put into force in the guard, which keeps its windows.
 */
import type { Logger } from 'pino';
import type { FraudControls } from '../api/routes-calls.js';
import { writeConfigEdits } from '../config/index.js';
import { SipwardenError } from '../domain/index.js';
import type { FraudDecider, FraudGuard, FraudInput } from '../fraud/index.js';
import type { FraudRunner } from './fraud.js';

/** Where edited rules go: the config file the daemon was started with (absent: refused), and the guard that takes them. */
export interface FraudRulesSaving {
  readonly file: string | undefined;
  readonly decider: Pick<FraudDecider, 'setInput'>;
  readonly log: Pick<Logger, 'warn'>;
}

/** {@link FraudControls} over the daemon's guard and runner. */
export function fraudControls(input: FraudInput, guard: FraudGuard, runner: Pick<FraudRunner, 'pollAllows'>, saving?: FraudRulesSaving): FraudControls {
  let current = input;
  return {
    get enabled() { return current.enabled; },
    get input() { return current; },
    liveCalls: () => guard.liveCalls(),
    suspendedAccounts: () => guard.suspendedAccounts(),
    isSuspended: (account) => guard.isSuspended(account),
    applyAllows: () => runner.pollAllows(),
    ...(saving ? {
      saveRules(edits, next, actor) {
        if (!saving.file) throw new SipwardenError('CONFIG_UNWRITABLE', 'sipwarden was started without a config file, so the toll-fraud rules cannot be saved; nothing was changed (edit fraud: in the config file)');
        writeConfigEdits(saving.file, edits);
        current = next;
        saving.decider.setInput(next);
        saving.log.warn({ setting: 'fraud.rules', actor }, 'setting changed from the dashboard');
      },
    } satisfies Pick<FraudControls, 'saveRules'> : {}),
  };
}
