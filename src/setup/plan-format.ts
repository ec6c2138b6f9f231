/**
 * `sipwarden init`'s plan in plain words, for the person deciding whether to go ahead,
 * in the layout every set-up command shares (converse.ts): what was found, then the
 * actions. The AMI secret is never printed: its line shows only how long it is.
 */
import { renderBlock } from './blocks.js';
import { formatPlanned } from './converse.js';
import { describeDetection } from './describe.js';
import { DEFAULTS } from '../config/defaults.js';
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
    context: phoneLines(plan.phones),
    detail: blockLines,
    nothing: 'Nothing to do: everything sipwarden init sets up is in place.',
    undoes: 'it all',
  });
}

const list = (xs: readonly string[]) => (xs.length ? xs.join(', ') : 'none');
const stamp = (at: number) => new Date(at).toISOString().slice(0, 16).replace('T', ' ');

/** What init says about phones: the extensions, what extensions_internal_only will do, who roams and why. */
export function phoneLines(p: Plan['phones']): string[] {
  const out = ['', 'Phones:', `  extensions in the PBX's configuration: ${list(p.extensions)}`];
  if (p.outside.length) out.push(`  seen logging in from outside your internal networks in the Asterisk logs: ${p.outside.map((o) => `${o.account} from ${o.ip} (${stamp(o.at)})`).join(', ')}`);
  if (!p.written) {
    out.push(`  sipwarden's config is kept: its accounts.extensions_internal_only and roaming (${list(p.roaming)}) stay as they are`);
    return out;
  }
  out.push(
    '  the config gets accounts.extensions_internal_only: true — an attempt on an extension from an address outside',
    `  your internal networks (${DEFAULTS.networks.internal.join(', ')}) is blocked at once for 24 h, and a`,
    '  successful login from there is blocked until you release it, with an alert to change its secret.',
    `  Roaming extensions (accounts.roaming), allowed from anywhere: ${list(p.roaming)}`,
    '  (change it later on the dashboard\'s Settings page, or in accounts.roaming)',
  );
  return out;
}
