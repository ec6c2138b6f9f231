/**
 * The conversation of a system-changing command (`init`, `asterisk-acl`) around its
 * plan: who may run it, the yes/no before anything changes, and the report after.
 */
import { SipwardenError } from '../domain/errors.js';
import type { ApplyResult } from './flow.js';

/** Refuses to change the live system (not --dry-run, not another --root tree) unless root; `what` says what it changes. */
export function requireRoot(o: { live: boolean; dryRun?: boolean; uid: number; command: string; what: string }): void {
  if (o.live && !o.dryRun && o.uid !== 0) {
    throw new SipwardenError('USAGE', `sipwarden ${o.command} changes files in ${o.what}: run it as root (or with --dry-run to see the plan)`);
  }
}

/** Yes with --yes; else the terminal's answer; with no terminal to ask on, a usage error. */
export async function confirm(yes: boolean | undefined, ask: ((question: string) => Promise<boolean>) | null): Promise<boolean> {
  if (yes) return true;
  if (ask === null) throw new SipwardenError('USAGE', 'not on a terminal, so nobody can confirm: add --yes to go ahead (or --dry-run)');
  return ask('Go ahead? [y/N] ');
}

/** What an apply did, as lines: files changed, backups, commands run (first lines of their output), commands not run. */
export function formatApplied(r: ApplyResult): string[] {
  const out: string[] = [];
  if (r.changed.length > 0) out.push('Done:');
  for (const p of r.changed) out.push(`  ${p}`);
  if (r.backups.length > 0) out.push('Backups:');
  for (const b of r.backups) out.push(`  ${b}`);
  for (const c of r.commands) {
    const text = `${c.result.stdout}\n${c.result.stderr}`.trim().split('\n').filter((l) => l.trim() !== '').slice(0, 3).join(' / ');
    out.push(`${c.command}: ${c.result.code === 0 ? 'ok' : `failed (exit ${c.result.code})`}${text ? ` — ${text}` : ''}`);
  }
  for (const s of r.skipped) out.push(`not run: ${s}`);
  return out;
}
