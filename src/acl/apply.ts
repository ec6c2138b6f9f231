/**
 * Carrying out an `AclPlan`, the way `sipwarden init` carries out its own: before a
 * file is changed its content is copied to `<file>.sipwarden-backup-<time>`, and each
 * change is recorded in the install manifest (/var/lib/sipwarden/install-manifest.json)
 * as soon as it is made, so an interrupted run can still be undone by `--uninstall`.
 * A new file copies the owner and mode of an existing Asterisk file (Asterisk must read
 * it). Then Asterisk reloads the named ACLs first, then PJSIP, then chan_sip — only if
 * the asterisk program is installed, through the injectable runner.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { SipwardenError } from '../domain/errors.js';
import type { ApplyOptions, ApplyResult, CommandRun } from '../setup/index.js';
import { readIfFile } from '../asterisk/index.js';
import { emptyManifest, readManifest, recordFile, sha256, writeManifest, type Manifest } from '../setup/manifest.js';
import { onHost } from '../setup/paths.js';
import { backupFile, commandExistsUnder, metaOf, spawnCommand, writeAtomic, type FileMeta } from '../setup/system.js';
import type { AclEdit, AclPlan } from './plan.js';
import { SUBSYSTEMS, type AclReload } from './targets.js';

/** The Asterisk CLI command of each reload. */
export const RELOAD_COMMANDS: Readonly<Record<AclReload, string>> = Object.freeze({
  acl: 'module reload acl',
  pjsip: 'module reload res_pjsip.so',
  sip: 'sip reload',
});

/** Owner and mode for a file that does not exist yet: those of `ownerFrom`, without execute bits. */
function newMeta(root: string, e: AclEdit): FileMeta {
  if (e.ownerFrom === null) return { mode: 0o644 };
  const from = metaOf(onHost(root, e.ownerFrom));
  return { ...from, mode: from.mode & 0o666 };
}

/** Writes one edit: backup, atomic write keeping owner and mode, manifest entry. */
function writeEdit(root: string, now: () => Date, m: Manifest, e: AclEdit, backups: string[]): void {
  const host = onHost(root, e.path);
  const current = readIfFile(host);
  if (current !== e.before) throw new SipwardenError('USAGE', `${e.path} changed while sipwarden asterisk-acl was planning: run it again`);
  let backup: string | null = null;
  let meta: FileMeta;
  if (current !== null) {
    backup = backupFile(root, e.path, now());
    backups.push(backup);
    meta = metaOf(host);
  } else {
    mkdirSync(dirname(host), { recursive: true, mode: 0o755 });
    meta = newMeta(root, e);
  }
  writeAtomic(host, e.after, meta);
  recordFile(m, e.path, 'asterisk', { at: now().toISOString(), backup, before: current === null ? null : sha256(current), after: sha256(e.after) });
  writeManifest(root, m);
}

/**
 * Asks Asterisk to reload what changed, in the order of SUBSYSTEMS, if asterisk is
 * installed (looked for under `root`); else says which commands to run once it is.
 */
export async function runAclReloads(reloads: ReadonlySet<AclReload>, root: string, opts: ApplyOptions): Promise<{ commands: CommandRun[]; skipped: string[] }> {
  const wanted = SUBSYSTEMS.map((s) => s.reload).filter((r) => reloads.has(r)).map((r) => RELOAD_COMMANDS[r]);
  if (wanted.length === 0) return { commands: [], skipped: [] };
  const exists = opts.commandExists ?? commandExistsUnder(root);
  if (!exists('asterisk')) return { commands: [], skipped: [`asterisk is not installed here: once it runs, reload it with ${wanted.map((c) => `asterisk -rx "${c}"`).join(', then ')}`] };
  const run = opts.runCommand ?? spawnCommand;
  const commands: CommandRun[] = [];
  for (const c of wanted) commands.push({ command: `asterisk -rx "${c}"`, result: await run('asterisk', ['-rx', c]) });
  return { commands, skipped: [] };
}

/** Carries out the plan. Throws a SipwardenError if the plan has a blocker or a file changed since planning. */
export async function applyAclPlan(plan: AclPlan, opts: ApplyOptions = {}): Promise<ApplyResult> {
  if (plan.blocker !== null) throw new SipwardenError('USAGE', plan.blocker);
  const now = opts.now ?? (() => new Date());
  const manifest = readManifest(plan.root) ?? emptyManifest();
  const backups: string[] = [];
  const reloads = new Set<AclReload>();
  for (const e of plan.edits) {
    writeEdit(plan.root, now, manifest, e, backups);
    reloads.add(e.reload);
  }
  const { commands, skipped } = await runAclReloads(reloads, plan.root, opts);
  return { changed: plan.edits.map((e) => e.path), backups, commands, skipped };
}
