/**
 * An `AclPlan` in plain words, for the person deciding whether to go ahead: which
 * extensions Asterisk will hold to the internal networks, which accounts are left alone
 * and why, exactly the files and blocks it writes, the reloads, and warnings.
 */
import { PATHS } from '../setup/paths.js';
import { blockLines } from './marks.js';
import type { AclEdit, AclPlan } from './plan.js';
import type { Account } from './select.js';

const DRIVER = { pjsip: 'PJSIP', sip: 'chan_sip', iax2: 'IAX2' } as const;
const label = (a: Account) => `${DRIVER[a.driver]} ${a.name}`;

function accountLines(accounts: readonly Account[], cls: boolean): string[] {
  const width = Math.max(0, ...accounts.map((a) => label(a).length));
  return accounts.map((a) => `  ${label(a).padEnd(width)}  ${cls ? `${a.cls.padEnd(9)} ` : ''}${a.why}`);
}

function editLines(e: AclEdit, n: number): string[] {
  const head = `  ${n}. ${e.say}`;
  if (e.block === null) return [head];
  return [`${head}:`, ...blockLines(e.block).map((l) => (l === '' ? '' : `       ${l}`))];
}

/** The plan as lines. */
export function formatAclPlan(plan: AclPlan): string[] {
  const out = [`Asterisk config: ${plan.asteriskDir}; internal networks: ${plan.internal.length > 0 ? plan.internal.join(', ') : '(none)'}`];
  if (plan.root !== '/') out.push(`(every path below is under ${plan.root})`);
  out.push('', plan.protect.length > 0 ? 'Extensions Asterisk will accept only from the internal networks:' : 'No extension to hold to the internal networks.');
  out.push(...accountLines(plan.protect, false));
  if (plan.leftAlone.length > 0) out.push('', 'Left alone (they may register from anywhere):', ...accountLines(plan.leftAlone, true));
  if (plan.edits.length === 0) out.push('', 'Nothing to do: Asterisk already has everything sipwarden asterisk-acl sets up.');
  else {
    out.push('', 'sipwarden asterisk-acl will:');
    for (const [i, e] of plan.edits.entries()) out.push(...editLines(e, i + 1));
    out.push(`  then run: ${plan.followUps.map((f) => f.say).join('; ')}`);
    out.push(`Every file it changes is backed up first (<file>.sipwarden-backup-<time>) and listed in ${PATHS.manifest};`,
      '"sipwarden asterisk-acl --uninstall" undoes it.');
  }
  if (plan.done.length > 0) out.push('', 'Already in place:', ...plan.done.map((d) => `  - ${d}`));
  if (plan.warnings.length > 0) out.push('', 'Warnings:', ...plan.warnings.map((w) => `  - ${w}`));
  return out;
}
