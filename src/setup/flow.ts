/**
 * The one plan → apply → uninstall flow of the commands that change the system
 * (`sipwarden init`, `sipwarden asterisk-acl`). A command plans *changes* — directories
 * to create, files to take from the content it read to the content it wants — and the
 * *follow-ups* to run after them (Asterisk reloads, systemctl); this module carries them
 * out the same way for both:
 *
 * - before a file is changed its content is copied to `<file>.sipwarden-backup-<time>`,
 *   and each change is recorded in the install manifest as soon as it is made, so an
 *   interrupted run can still be undone by `--uninstall`;
 * - a file that no longer holds what planning read is left alone and the run stops
 *   (plan again): what is written is always what the plan showed;
 * - a follow-up runs only if its program is installed (looked for under the root),
 *   through the injectable runner; otherwise the result says what to run by hand.
 *
 * Undoing works from the same manifest (undo.ts).
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { readIfFile } from '../asterisk/index.js';
import { SipwardenError } from '../domain/errors.js';
import { emptyManifest, readManifest, recordDir, recordFile, sha256, writeManifest, type FileRole, type Manifest } from './manifest.js';
import { onHost } from './paths.js';
import { backupFile, commandExistsUnder, metaOf, spawnCommand, writeAtomic, type CommandExists, type CommandResult, type FileMeta, type RunCommand } from './system.js';

/** Commands to run after the changes, if `program` is installed. */
export interface FollowUp {
  readonly program: string;
  readonly commands: readonly (readonly string[])[];
  /** The commands in the plan's words. */
  readonly say: string;
  /** Said instead of running them when the program is not installed. */
  readonly missing: string;
}

/** What a command planned, as the flow needs it; the command's plan adds its changes and its own facts. */
export interface Planned {
  /** The command (`init`, `asterisk-acl`), named in what the flow says. */
  readonly command: string;
  /** Root prefix of every path (`/`: the live system). */
  readonly root: string;
  /** What runs after the changes, in order. */
  readonly followUps: readonly FollowUp[];
  /** What is already in place. */
  readonly done: readonly string[];
  readonly warnings: readonly string[];
  /** Why the plan must not be carried out (absent or null: it may). */
  readonly blocker?: string | null;
}

/** A directory to create, with exactly `mode` (whatever the umask). */
export interface DirChange {
  readonly kind: 'mkdir';
  readonly path: string;
  readonly mode: number;
  readonly say: string;
}

/**
 * Someone else's file (Asterisk's) taken from `before` (null: no such file) to `after`.
 * It keeps its owner and mode; a new one copies those of `ownerFrom` (Asterisk must read
 * it), without world access when it holds a secret (0644 when there is nothing to copy).
 */
export interface FileEdit {
  readonly kind: 'edit';
  readonly path: string;
  readonly before: string | null;
  readonly after: string;
  readonly ownerFrom: string | null;
  readonly secret: boolean;
  readonly say: string;
}

/** A whole file of sipwarden's own, written with exactly `mode` (owned by whoever runs the command: root). */
export interface FileWrite {
  readonly kind: 'write';
  readonly path: string;
  readonly role: Exclude<FileRole, 'asterisk'>;
  readonly before: string | null;
  readonly after: string;
  readonly mode: number;
  readonly say: string;
}

/** One planned change, in the order it is applied. */
export type Change = DirChange | FileEdit | FileWrite;

/** The side effects apply and uninstall may be given (tests give fakes). */
export interface ApplyOptions {
  /** The clock for backup names and the manifest (default: real time). */
  readonly now?: () => Date;
  /** Runs asterisk / systemctl (default: spawn, no shell). */
  readonly runCommand?: RunCommand;
  /** Whether a program is installed (default: looked for under the plan's root). */
  readonly commandExists?: CommandExists;
}

/** One command run, and how it went. */
export interface CommandRun {
  readonly command: string;
  readonly result: CommandResult;
}

/** What was done. Paths are logical. */
export interface ApplyResult {
  /** Files and directories created or changed. */
  readonly changed: readonly string[];
  readonly backups: readonly string[];
  readonly commands: readonly CommandRun[];
  /** Commands not run, with why. */
  readonly skipped: readonly string[];
}

/** A command as a person types it: `asterisk -rx "logger reload"`. */
function shown(argv: readonly string[]): string {
  return argv.map((a, i) => (i > 0 && /\s/.test(a) ? `"${a}"` : a)).join(' ');
}

/** `commands` of `program` as a follow-up (none without commands); `say` defaults to the commands themselves. */
export function followUp(program: string, commands: readonly (readonly string[])[], say?: string): FollowUp[] {
  if (commands.length === 0) return [];
  const words = commands.map(shown).join('; ');
  return [{ program, commands, say: say ?? words, missing: `${program} is not installed here: not run: ${words}` }];
}

/** Asterisk CLI commands (`asterisk -rx "<c>"`) as a follow-up; `ordered`: each needs the one before (said with "then"). */
export function asteriskReloads(cli: readonly string[], ordered: boolean): FollowUp[] {
  if (cli.length === 0) return [];
  const commands = cli.map((c) => ['asterisk', '-rx', c]);
  const words = commands.map(shown);
  return [{
    program: 'asterisk', commands,
    say: `${words.join(ordered ? '; ' : ' and ')} (when Asterisk is installed here)`,
    missing: `asterisk is not installed here: once it runs, reload it with ${words.join(ordered ? ', then ' : ' and ')}`,
  }];
}

/** Runs the follow-ups whose program is installed, in order; says what the others would have run. */
export async function runFollowUps(followUps: readonly FollowUp[], root: string, opts: ApplyOptions): Promise<{ commands: CommandRun[]; skipped: string[] }> {
  const exists = opts.commandExists ?? commandExistsUnder(root);
  const run = opts.runCommand ?? spawnCommand;
  const installed = followUps.map((f) => exists(f.program));
  const skipped = followUps.filter((_, i) => !installed[i]).map((f) => f.missing);
  const commands: CommandRun[] = [];
  for (const [program, ...args] of followUps.filter((_, i) => installed[i]).flatMap((f) => f.commands)) {
    commands.push({ command: shown([program as string, ...args]), result: await run(program as string, args) });
  }
  return { commands, skipped };
}

/** Mutable state of one apply run. */
interface Run {
  readonly command: string;
  readonly root: string;
  readonly now: () => Date;
  readonly manifest: Manifest;
  readonly changed: string[];
  readonly backups: string[];
}

function makeDir(r: Run, c: DirChange): void {
  const host = onHost(r.root, c.path);
  if (existsSync(host)) return;
  mkdirSync(host, { recursive: true, mode: c.mode });
  chmodSync(host, c.mode); // the umask may have taken bits off
  // The manifest is saved with the next file change (or at the end): saving it now
  // would create /var/lib/sipwarden before its own mkdir is recorded.
  recordDir(r.manifest, c.path, r.now().toISOString());
  r.changed.push(c.path);
}

/** Owner and mode for the file `c` writes (`exists`: it is there now). */
function metaFor(root: string, c: FileEdit | FileWrite, exists: boolean): FileMeta {
  if (c.kind === 'write') return { mode: c.mode };
  if (exists) return metaOf(onHost(root, c.path));
  const mask = c.secret ? 0o660 : 0o666;
  if (c.ownerFrom === null) return { mode: 0o644 & mask };
  const from = metaOf(onHost(root, c.ownerFrom));
  return { ...from, mode: from.mode & mask };
}

/** Writes one file: backup, atomic write with its owner and mode, manifest entry saved at once. */
function writeFile(r: Run, c: FileEdit | FileWrite): void {
  const host = onHost(r.root, c.path);
  const current = readIfFile(host);
  if (current !== c.before) throw new SipwardenError('USAGE', `${c.path} changed while sipwarden ${r.command} was planning: run it again`);
  let backup: string | null = null;
  if (current !== null) {
    backup = backupFile(r.root, c.path, r.now());
    r.backups.push(backup);
  } else mkdirSync(dirname(host), { recursive: true, mode: 0o755 });
  writeAtomic(host, c.after, metaFor(r.root, c, current !== null));
  recordFile(r.manifest, c.path, c.kind === 'edit' ? 'asterisk' : c.role, { at: r.now().toISOString(), backup, before: current === null ? null : sha256(current), after: sha256(c.after) });
  writeManifest(r.root, r.manifest);
  r.changed.push(c.path);
}

/**
 * Carries out `changes` in order, then runs the plan's follow-ups. Throws a
 * SipwardenError if the plan has a blocker or a file changed since planning, and on
 * I/O errors (what was done so far is in the manifest).
 */
export async function applyChanges(plan: Planned, changes: readonly Change[], opts: ApplyOptions = {}): Promise<ApplyResult> {
  if (plan.blocker) throw new SipwardenError('USAGE', plan.blocker);
  const r: Run = { command: plan.command, root: plan.root, now: opts.now ?? (() => new Date()), manifest: readManifest(plan.root) ?? emptyManifest(), changed: [], backups: [] };
  for (const c of changes) {
    if (c.kind === 'mkdir') makeDir(r, c);
    else writeFile(r, c);
  }
  if (r.changed.length > 0) writeManifest(r.root, r.manifest);
  const { commands, skipped } = await runFollowUps(plan.followUps, plan.root, opts);
  return { changed: r.changed, backups: r.backups, commands, skipped };
}
