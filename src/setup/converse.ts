/**
 * The conversation of a system-changing command (`init`, `asterisk-acl`) around its
 * plan: who may run it, the plan in plain words, the yes/no before anything changes,
 * carrying it out through the flow (flow.ts, undo.ts), and the report after. The
 * terminal comes in as a `Conversation` (tests give fakes; src/cli/terminal.ts the real
 * one).
 */
import { SipwardenError, type ErrorCode } from '../domain/errors.js';
import { applyChanges, type ApplyOptions, type ApplyResult, type Change, type Planned } from './flow.js';
import { applyUndo, type Undo } from './undo.js';
import { PATHS } from './paths.js';

/** What a command needs from the world to talk to the person running it. */
export interface Conversation extends ApplyOptions {
  readonly out: (line: string) => void;
  /** Asks a yes/no question; null when there is no terminal to ask on. */
  readonly ask: ((question: string) => Promise<boolean>) | null;
  /** The effective user id (0: root). */
  readonly uid: number;
}

/** The command line's answers the conversation goes by. */
export interface Answers {
  readonly dryRun?: boolean;
  readonly yes?: boolean;
}

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

/** What a command says around its changes in a plan. */
export interface PlanWords<C extends Change> {
  /** The first lines: what the plan was worked out from. */
  readonly head: readonly string[];
  /** Lines after the note on the root (asterisk-acl: the accounts and their classes). */
  readonly context?: readonly string[];
  /** The lines shown under a change (the blocks it adds; none: the change is one line). */
  readonly detail: (c: C) => readonly string[];
  /** Said when there is nothing to do. */
  readonly nothing: string;
  /** What `--uninstall` undoes: `it`, `it all`. */
  readonly undoes: string;
}

/** The plan as lines: the command's head, each change, the follow-ups, what is in place, warnings. */
export function formatPlanned<C extends Change>(plan: Planned, changes: readonly C[], words: PlanWords<C>): string[] {
  const out = [...words.head];
  if (plan.root !== '/') out.push(`(every path below is under ${plan.root})`);
  out.push(...(words.context ?? []));
  if (changes.length === 0) out.push('', words.nothing);
  else {
    out.push('', `sipwarden ${plan.command} will:`);
    for (const [i, c] of changes.entries()) {
      const detail = words.detail(c);
      out.push(`  ${i + 1}. ${c.say}${detail.length > 0 ? ':' : ''}`, ...detail.map((l) => (l === '' ? '' : `       ${l}`)));
    }
    if (plan.followUps.length > 0) out.push(`  then run: ${plan.followUps.map((f) => f.say).join('; ')}`);
    out.push(`Every file it changes is backed up first (<file>.sipwarden-backup-<time>) and listed in ${PATHS.manifest};`,
      `"sipwarden ${plan.command} --uninstall" undoes ${words.undoes}.`);
  }
  if (plan.done.length > 0) out.push('', 'Already in place:', ...plan.done.map((d) => `  - ${d}`));
  if (plan.warnings.length > 0) out.push('', 'Warnings:', ...plan.warnings.map((w) => `  - ${w}`));
  return out;
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

/**
 * Says the plan (`lines`); then, if there is something to do, no --dry-run, no blocker
 * and a yes, carries it out and reports. Returns whether it was carried out.
 */
export async function carryOut(plan: Planned, changes: readonly Change[], lines: readonly string[], answers: Answers, talk: Conversation): Promise<boolean> {
  for (const l of lines) talk.out(l);
  if (changes.length === 0) return false;
  if (answers.dryRun) {
    talk.out(plan.blocker ? `(--dry-run: nothing was changed; without --dry-run this refuses: ${plan.blocker})` : '(--dry-run: nothing was changed)');
    return false;
  }
  if (plan.blocker) throw new SipwardenError('USAGE', `nothing was changed: ${plan.blocker}`);
  if (!(await confirm(answers.yes, talk.ask))) { talk.out('Nothing was changed.'); return false; }
  for (const l of formatApplied(await applyChanges(plan, changes, talk))) talk.out(l);
  return true;
}

/** Says what `--uninstall` will do (`nothing`: when there is nothing), asks, carries it out and reports. */
export async function carryOutUndo(plan: Undo, nothing: string, answers: Answers, talk: Conversation): Promise<void> {
  for (const n of plan.notes) talk.out(n);
  if (plan.steps.length === 0) { talk.out(nothing); return; }
  talk.out(`sipwarden ${plan.command} --uninstall will:`);
  for (const s of [...plan.first, ...plan.steps]) talk.out(`  - ${s.say}`);
  if (answers.dryRun) { talk.out('(--dry-run: nothing was changed)'); return; }
  if (!(await confirm(answers.yes, talk.ask))) { talk.out('Nothing was changed.'); return; }
  for (const l of formatApplied(await applyUndo(plan, talk))) talk.out(l);
}

// Write failures have no code of their own in the catalogue yet (a SETUP_FAILED would fit); USAGE gives exit 2.
const SETUP_FAILED: ErrorCode = 'USAGE';

/** Runs `run`; a file-system error (it names a path) becomes one line: `sipwarden <command>: <path>: <what>`. */
export async function inOneLine(command: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (err instanceof SipwardenError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (typeof e.code === 'string' && typeof e.path === 'string') throw new SipwardenError(SETUP_FAILED, `sipwarden ${command}: ${e.path}: ${e.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')}`);
    throw err;
  }
}
