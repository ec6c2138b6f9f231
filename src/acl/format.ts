/**
 * An `AclPlan` in plain words, for the person deciding whether to go ahead, in the
 * layout every set-up command shares (src/setup/converse.ts): which extensions Asterisk
 * will hold to the internal networks, which accounts are left alone and why, exactly
 * the files and blocks it writes, the reloads, and warnings.
 */
import { formatPlanned } from '../setup/converse.js';
import { blockLines } from './marks.js';
import type { AclPlan } from './plan.js';
import type { Account } from './select.js';

const DRIVER = { pjsip: 'PJSIP', sip: 'chan_sip', iax2: 'IAX2' } as const;
const label = (a: Account) => `${DRIVER[a.driver]} ${a.name}`;

function accountLines(accounts: readonly Account[], cls: boolean): string[] {
  const width = Math.max(0, ...accounts.map((a) => label(a).length));
  return accounts.map((a) => `  ${label(a).padEnd(width)}  ${cls ? `${a.cls.padEnd(9)} ` : ''}${a.why}`);
}

/** The plan as lines. */
export function formatAclPlan(plan: AclPlan): string[] {
  const accounts = ['', plan.protect.length > 0 ? 'Extensions Asterisk will accept only from the internal networks:' : 'No extension to hold to the internal networks.', ...accountLines(plan.protect, false)];
  if (plan.leftAlone.length > 0) accounts.push('', 'Left alone (they may register from anywhere):', ...accountLines(plan.leftAlone, true));
  return formatPlanned(plan, plan.edits, {
    head: [`Asterisk config: ${plan.asteriskDir}; internal networks: ${plan.internal.length > 0 ? plan.internal.join(', ') : '(none)'}`],
    context: accounts,
    detail: (e) => (e.block === null ? [] : blockLines(e.block)),
    nothing: 'Nothing to do: Asterisk already has everything sipwarden asterisk-acl sets up.',
    undoes: 'it',
  });
}
