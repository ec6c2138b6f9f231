/**
 * Carrying out `sipwarden init`'s plan. Order: directories, Asterisk edits, whole
 * files, then the reloads. Before each file is changed its current content is copied
 * to `<file>.sipwarden-backup-<time>`; after each change the install manifest is
 * saved, so an interrupted init can still be undone by `--uninstall`.
 *
 * A new Asterisk file takes the owner and group of logger.conf / manager.conf (Asterisk
 * must read it) and their mode, without world access when it holds the AMI secret; an
 * existing file keeps its owner and mode. Commands run only if the program exists
 * (looked for under the root), through the injectable `runCommand`.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { appendBlocks, findBlocks } from './blocks.js';
import { readIfFile } from '../asterisk/index.js';
import { emptyManifest, readManifest, recordDir, recordFile, sha256, writeManifest, type FileRole, type Manifest } from './manifest.js';
import { onHost } from './paths.js';
import { START_PACKAGED_SERVICE, type Action, type Plan, type Reload } from './plan.js';
import { backupFile, commandExistsUnder, metaOf, spawnCommand, writeAtomic, type CommandExists, type CommandResult, type FileMeta, type RunCommand } from './system.js';

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

/** Mutable state of one apply run. */
interface Run {
  readonly root: string;
  readonly now: () => Date;
  readonly manifest: Manifest;
  readonly changed: string[];
  readonly backups: string[];
}

/** Writes `content` to the logical `path`, backing up what was there and recording it. */
function writeTracked(r: Run, path: string, role: FileRole, content: string, metaForNew: () => FileMeta, metaForOld?: FileMeta): void {
  const host = onHost(r.root, path);
  const current = readIfFile(host);
  let backup: string | null = null;
  let meta: FileMeta;
  if (current !== null) {
    backup = backupFile(r.root, path, r.now());
    r.backups.push(backup);
    meta = metaForOld ?? metaOf(host);
  } else {
    mkdirSync(dirname(host), { recursive: true, mode: 0o755 });
    meta = metaForNew();
  }
  writeAtomic(host, content, meta);
  recordFile(r.manifest, path, role, { at: r.now().toISOString(), backup, before: current === null ? null : sha256(current), after: sha256(content) });
  writeManifest(r.root, r.manifest);
  r.changed.push(path);
}

function applyAction(r: Run, a: Action): Reload | 'unit' | null {
  if (a.kind === 'mkdir') {
    const host = onHost(r.root, a.path);
    if (existsSync(host)) return null;
    mkdirSync(host, { recursive: true, mode: a.mode });
    chmodSync(host, a.mode); // the umask may have taken bits off
    // The manifest is saved with the next file change (or at the end): saving it now
    // would create /var/lib/sipwarden before its own mkdir action is recorded.
    recordDir(r.manifest, a.path, r.now().toISOString());
    r.changed.push(a.path);
    return null;
  }
  if (a.kind === 'edit') {
    const current = readIfFile(onHost(r.root, a.path));
    const there = new Set(findBlocks(current ?? '').map((b) => b.purpose));
    const blocks = a.blocks.filter((b) => !there.has(b.purpose));
    if (blocks.length === 0) return null;
    const newMeta = (): FileMeta => {
      const from = metaOf(onHost(r.root, a.ownerFrom));
      return { ...from, mode: from.mode & (a.secret ? 0o660 : 0o666) };
    };
    writeTracked(r, a.path, 'asterisk', appendBlocks(current ?? '', blocks), newMeta);
    return a.reload;
  }
  // Whole files are sipwarden's own: owned by whoever runs init (root), with the planned mode.
  writeTracked(r, a.path, a.role, a.content, () => ({ mode: a.mode }), { mode: a.mode });
  return a.role === 'unit' ? 'unit' : null;
}

/**
 * Runs the reloads a change needs: `asterisk -rx "<x> reload"` if Asterisk is
 * installed, `systemctl daemon-reload` if the unit changed and systemd is there.
 */
export async function runReloads(reloads: ReadonlySet<Reload | 'unit'>, root: string, opts: ApplyOptions, extra: readonly (readonly string[])[] = []): Promise<{ commands: CommandRun[]; skipped: string[] }> {
  const exists = opts.commandExists ?? commandExistsUnder(root);
  const run = opts.runCommand ?? spawnCommand;
  const commands: CommandRun[] = [];
  const skipped: string[] = [];
  const todo: string[][] = [];
  const asterisk = (['logger', 'manager'] as const).filter((k) => reloads.has(k)).map((k) => ['asterisk', '-rx', `${k} reload`]);
  if (asterisk.length > 0 && exists('asterisk')) todo.push(...asterisk);
  else if (asterisk.length > 0) skipped.push(`asterisk is not installed here: once it runs, reload it with ${asterisk.map((c) => `asterisk -rx "${c[2]}"`).join(' and ')}`);
  const systemd = [...extra.map((c) => [...c]), ...(reloads.has('unit') ? [['systemctl', 'daemon-reload']] : [])];
  if (systemd.length > 0 && exists('systemctl')) todo.push(...systemd);
  else if (systemd.length > 0) skipped.push(`systemctl is not installed here: not run: ${systemd.map((c) => c.join(' ')).join('; ')}`);
  for (const [program, ...args] of todo) {
    const result = await run(program as string, args);
    commands.push({ command: [program, ...args.map((a) => (/\s/.test(a) ? `"${a}"` : a))].join(' '), result });
  }
  return { commands, skipped };
}

/** Carries out the plan; see the module comment. Throws on I/O errors (what was done so far is in the manifest). */
export async function applyPlan(plan: Plan, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const r: Run = { root: plan.root, now: opts.now ?? (() => new Date()), manifest: readManifest(plan.root) ?? emptyManifest(), changed: [], backups: [] };
  const reloads = new Set<Reload | 'unit'>();
  for (const a of plan.actions) {
    const needs = applyAction(r, a);
    if (needs) reloads.add(needs);
  }
  if (r.changed.length > 0) writeManifest(r.root, r.manifest);
  const { commands, skipped } = await runReloads(reloads, plan.root, opts, plan.packaged ? START_PACKAGED_SERVICE : []);
  return { changed: r.changed, backups: r.backups, commands, skipped };
}
