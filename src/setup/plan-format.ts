/**
 * `sipwarden init`'s plan in plain words, for the person deciding whether to go ahead,
 * in the layout every set-up command shares (converse.ts): what was found, then the
 * actions. The AMI secret is never printed: its line shows only how long it is.
 */
import { renderBlock } from './blocks.js';
import { formatPlanned } from './converse.js';
import { describeDetection } from './describe.js';
import type { Action, Plan } from './plan.js';

/** The lines of the blocks an edit adds, with the secret masked. */
function blockLines(a: Action): string[] {
  if (a.kind !== 'edit') return [];
  return a.blocks.flatMap((b) => renderBlock(b).trimEnd().split('\n'))
    .map((l) => l.replace(/^(secret\s*=\s*)(.+)$/, (_, k: string, v: string) => `${k}${'*'.repeat(8)} (${v.length} random characters)`));
}

/** The plan as lines: what was found, what init will do, what is in place, warnings. */
export function formatPlan(plan: Plan): string[] {
  return formatPlanned(plan, plan.actions, {
    head: describeDetection(plan.setup).map((l, i) => (i === 0 ? `Found: ${l}` : `  ${l}`)),
    detail: blockLines,
    nothing: 'Nothing to do: everything sipwarden init sets up is in place.',
    undoes: 'it all',
  });
}
