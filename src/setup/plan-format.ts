/**
 * A plan in plain words, for the person deciding whether to go ahead. The AMI secret
 * is never printed: its line shows only how long it is.
 */
import { renderBlock } from './blocks.js';
import { describeDetection } from './describe.js';
import { PATHS } from './paths.js';
import type { Action, Plan } from './plan.js';

/** The block's lines with the secret masked, indented for the plan. */
function blockLines(a: Extract<Action, { kind: 'edit' }>): string[] {
  return a.blocks.flatMap((b) => renderBlock(b).trimEnd().split('\n'))
    .map((l) => l.replace(/^(secret\s*=\s*)(.+)$/, (_, k: string, v: string) => `${k}${'*'.repeat(8)} (${v.length} random characters)`))
    .map((l) => `       ${l}`);
}

function actionLines(a: Action, n: number): string[] {
  const head = `  ${n}. ${a.say}`;
  return a.kind === 'edit' ? [`${head}:`, ...blockLines(a)] : [head];
}

/** The plan as lines: what was found, what init will do, what is in place, warnings. */
export function formatPlan(plan: Plan): string[] {
  const out = [...describeDetection(plan.setup).map((l, i) => (i === 0 ? `Found: ${l}` : `  ${l}`))];
  if (plan.root !== '/') out.push(`(every path below is under ${plan.root})`);
  if (plan.actions.length === 0) out.push('', 'Nothing to do: everything sipwarden init sets up is in place.');
  else {
    out.push('', 'sipwarden init will:');
    for (const [i, a] of plan.actions.entries()) out.push(...actionLines(a, i + 1));
    const then = plan.followUps.map((f) => f.say);
    if (then.length > 0) out.push(`  then run: ${then.join('; ')}`);
    out.push(`Every file it changes is backed up first (<file>.sipwarden-backup-<time>) and listed in ${PATHS.manifest};`,
      '"sipwarden init --uninstall" undoes it all.');
  }
  if (plan.done.length > 0) out.push('', 'Already in place:', ...plan.done.map((d) => `  - ${d}`));
  if (plan.warnings.length > 0) out.push('', 'Warnings:', ...plan.warnings.map((w) => `  - ${w}`));
  return out;
}
