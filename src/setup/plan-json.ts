/**
 * The plan of a system-changing command (`init`, `asterisk-acl`) as JSON, for
 * `--dry-run --json`: the same changes, follow-ups, notes and warnings the text plan says,
 * in a stable shape a script can read. File contents are left out (init's AMI secret is in
 * them); each change says what it does in the plan's words. Pure.
 *
 * Install plan: `{"command", "action": "install", "root", "changes": [{"kind", "path", "say",
 * "creates", "mode"?, "role"?, "secret"?}], "followUps": [{"program", "commands", "say"}],
 * "done", "warnings", "blocker"}`, plus what the command adds (`extra`).
 * Uninstall plan: `{"command", "action": "uninstall", "root", "steps": [{"kind", "path", "say"}],
 * "first", "followUps", "notes"}`.
 */
import { SipwardenError } from '../domain/errors.js';
import { terminalJson } from '../domain/strings.js';
import type { Change, FollowUp, Planned } from './flow.js';
import type { Undo } from './undo.js';

/** One change as `--dry-run --json` prints it. */
export interface ChangeJson {
  readonly kind: Change['kind'];
  readonly path: string;
  readonly say: string;
  /** The file or directory does not exist yet. */
  readonly creates: boolean;
  /** Octal, e.g. "0640" (directories and sipwarden's own files). */
  readonly mode?: string;
  /** Which of sipwarden's own files (config, unit, logrotate…). */
  readonly role?: string;
  /** The file will hold a secret (written without world access). */
  readonly secret?: boolean;
}

/** A follow-up command as JSON. */
export interface FollowUpJson {
  readonly program: string;
  readonly commands: readonly string[][];
  readonly say: string;
}

/** The install plan as `--dry-run --json` prints it. */
export interface PlanJson {
  readonly command: string;
  readonly action: 'install';
  readonly root: string;
  readonly changes: readonly ChangeJson[];
  readonly followUps: readonly FollowUpJson[];
  readonly done: readonly string[];
  readonly warnings: readonly string[];
  readonly blocker: string | null;
}

/** The uninstall plan as `--uninstall --dry-run --json` prints it. */
export interface UndoJson {
  readonly command: string;
  readonly action: 'uninstall';
  readonly root: string;
  readonly steps: readonly { readonly kind: string; readonly path: string; readonly say: string }[];
  readonly first: readonly FollowUpJson[];
  readonly followUps: readonly FollowUpJson[];
  readonly notes: readonly string[];
}

const octal = (mode: number) => `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;

const followUpJson = (f: FollowUp): FollowUpJson => ({ program: f.program, commands: f.commands.map((c) => [...c]), say: f.say });

function changeJson(c: Change): ChangeJson {
  switch (c.kind) {
    case 'mkdir':
      return { kind: c.kind, path: c.path, say: c.say, creates: true, mode: octal(c.mode) };
    case 'edit':
      return { kind: c.kind, path: c.path, say: c.say, creates: c.before === null, secret: c.secret };
    case 'write':
      return { kind: c.kind, path: c.path, say: c.say, creates: c.before === null, mode: octal(c.mode), role: c.role };
  }
}

/** `plan` with its `changes` (in the order they are applied) as JSON; `extra` adds the command's own facts. */
export function planJson<E extends Record<string, unknown>>(plan: Planned, changes: readonly Change[], extra?: E): PlanJson & E {
  return {
    command: plan.command,
    action: 'install',
    root: plan.root,
    changes: changes.map(changeJson),
    followUps: plan.followUps.map(followUpJson),
    done: [...plan.done],
    warnings: [...plan.warnings],
    blocker: plan.blocker ?? null,
    ...(extra ?? ({} as E)),
  };
}

/** An uninstall plan as JSON. */
export function undoJson(plan: Undo): UndoJson {
  return {
    command: plan.command,
    action: 'uninstall',
    root: plan.root,
    steps: plan.steps.map((s) => ({ kind: s.kind, path: s.path, say: s.say })),
    first: plan.first.map(followUpJson),
    followUps: plan.followUps.map(followUpJson),
    notes: [...plan.notes],
  };
}

/** The JSON answers of a set-up command's command line. */
export interface JsonAnswers {
  readonly json?: boolean;
  readonly dryRun?: boolean;
}

function wantsPlanJson(answers: JsonAnswers): boolean {
  if (!answers.json) return false;
  if (!answers.dryRun) throw new SipwardenError('USAGE', '--json prints the plan: it goes with --dry-run (a run that changes files speaks text)');
  return true;
}

/**
 * With `--dry-run --json`: says the plan as one JSON line through `out` and returns true
 * (the command then stops; nothing was changed). Without --json: false. `--json` without
 * `--dry-run` is a usage error.
 */
export function sayPlanJson<E extends Record<string, unknown>>(answers: JsonAnswers, out: (line: string) => void, plan: Planned, changes: readonly Change[], extra?: E): boolean {
  if (!wantsPlanJson(answers)) return false;
  out(terminalJson(planJson(plan, changes, extra)));
  return true;
}

/** {@link sayPlanJson} for an uninstall plan. */
export function sayUndoJson(answers: JsonAnswers, out: (line: string) => void, plan: Undo): boolean {
  if (!wantsPlanJson(answers)) return false;
  out(terminalJson(undoJson(plan)));
  return true;
}
