/**
 * `sipwarden asterisk-acl --uninstall`: takes out what this command added. A file that
 * still holds what it wrote gets its backup back byte for byte (several runs are
 * unwound newest first), and a file it created is removed; a file changed since keeps
 * the changes and loses only the marked blocks (its backups are kept). A change in the
 * manifest counts as this command's when its content and the backup's differ only by
 * asterisk-acl blocks — so `sipwarden init`'s changes are never undone here. Its own
 * entries leave the manifest (the file goes when nothing else is in it). Files with
 * blocks but no manifest entry are cleaned too. Running it again does nothing.
 */
import { rmSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runFollowUps, type ApplyOptions, type ApplyResult } from '../setup/flow.js';
import { loadConf } from '../asterisk/index.js';
import { readIfFile } from '../asterisk/index.js';
import { fileRecord, readManifest, sha256, writeManifest, type FileRecord, type Manifest } from '../setup/manifest.js';
import { normaliseRoot, onHost, PATHS } from '../setup/paths.js';
import { metaOf, writeAtomic } from '../setup/system.js';
import { findAclBlocks, removeAclBlocks } from './marks.js';
import { reloadsAfter, SUBSYSTEMS, type AclReload } from './targets.js';

/** One file to put back. `content` null: delete it. `pop`: how many of its manifest changes this undoes. */
export interface AclUninstallStep {
  readonly path: string;
  readonly content: string | null;
  readonly dropBackups: readonly string[];
  readonly pop: number;
  readonly reloads: readonly AclReload[];
  readonly say: string;
}

export interface AclUninstallPlan {
  readonly root: string;
  readonly manifest: Manifest | null;
  readonly steps: readonly AclUninstallStep[];
  readonly notes: readonly string[];
}

/** What the file's blocks and name say Asterisk must reload once it changes. */
function reloadsOf(path: string, text: string): AclReload[] {
  const purposes = new Set(findAclBlocks(text).map((b) => b.purpose));
  return SUBSYSTEMS.filter((s) => purposes.has(s.purpose) || basename(path) === s.entry || basename(path) === s.custom).map((s) => s.reload);
}

/** Undoes this command's newest changes while the file holds what it wrote. */
function unwind(root: string, rec: FileRecord | undefined, current: string, notes: string[]): { content: string | null; consumed: string[]; pop: number } {
  let content: string | null = current;
  const consumed: string[] = [];
  let pop = 0;
  for (let i = (rec?.changes.length ?? 0) - 1; i >= 0 && content !== null; i--) {
    const c = rec!.changes[i]!;
    if (sha256(content) !== c.after) break;
    const prev = c.backup === null ? null : readIfFile(onHost(root, c.backup));
    if (c.backup !== null && (prev === null || sha256(prev) !== c.before)) { notes.push(`the backup ${c.backup} is missing or changed: ${rec!.path} is cleaned instead of restored`); break; }
    if (removeAclBlocks(prev ?? '') !== removeAclBlocks(content)) break; // not this command's change
    content = prev;
    if (c.backup !== null) consumed.push(c.backup);
    pop++;
  }
  return { content, consumed, pop };
}

function stepFor(root: string, m: Manifest | null, path: string, notes: string[]): AclUninstallStep | null {
  const current = readIfFile(onHost(root, path));
  if (current === null) return null;
  const { content, consumed, pop } = unwind(root, fileRecord(m, path), current, notes);
  const reloads = reloadsOf(path, current);
  if (pop > 0) {
    const rest = content === null ? null : removeAclBlocks(content);
    const say = rest === null ? `remove ${path} (sipwarden asterisk-acl created it)` : `restore ${path} from its backup`;
    return { path, content: rest, dropBackups: consumed, pop, reloads, say };
  }
  if (findAclBlocks(current).length === 0) return null;
  notes.push(`${path} was changed after sipwarden asterisk-acl wrote it: only its marked blocks are taken out; backups kept`);
  return { path, content: removeAclBlocks(current), dropBackups: [], pop: 0, reloads, say: `take sipwarden asterisk-acl's blocks out of ${path}` };
}

/** Works out what `--uninstall` would do. Reads only. */
export function planAclUninstall(opts: { readonly root?: string; readonly asteriskDir?: string } = {}): AclUninstallPlan {
  const root = normaliseRoot(opts.root);
  const dir = opts.asteriskDir ?? PATHS.asteriskDir;
  const manifest = readManifest(root);
  const notes: string[] = [];
  const recorded = (manifest?.entries ?? []).filter((e): e is FileRecord => e.kind === 'file' && e.role === 'asterisk').map((e) => e.path);
  const known = SUBSYSTEMS.flatMap((s) => [join(dir, s.entry), join(dir, s.custom), ...loadConf(s.entry, { root, configDir: dir }).files]);
  const steps: AclUninstallStep[] = [];
  for (const path of new Set([...recorded, ...known])) {
    const s = stepFor(root, manifest, path, notes);
    if (s) steps.push(s);
  }
  return { root, manifest, steps, notes };
}

/** Drops the undone changes from the manifest; deletes it when nothing is left in it. */
function updateManifest(root: string, m: Manifest, steps: readonly AclUninstallStep[]): void {
  for (const s of steps) {
    const rec = fileRecord(m, s.path);
    if (!rec || s.pop === 0) continue;
    rec.changes.splice(rec.changes.length - s.pop, s.pop);
    if (rec.changes.length === 0) m.entries.splice(m.entries.indexOf(rec), 1);
  }
  if (m.entries.length === 0) unlinkSync(onHost(root, PATHS.manifest));
  else writeManifest(root, m);
}

/** Carries out the uninstall plan, then asks Asterisk to reload (if it is installed). */
export async function applyAclUninstall(plan: AclUninstallPlan, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const reloads = new Set<AclReload>();
  for (const s of plan.steps) {
    const host = onHost(plan.root, s.path);
    if (s.content === null) rmSync(host, { force: true });
    else writeAtomic(host, s.content, metaOf(host));
    for (const b of s.dropBackups) rmSync(onHost(plan.root, b), { force: true });
    for (const r of s.reloads) reloads.add(r);
  }
  if (plan.manifest !== null && plan.steps.some((s) => s.pop > 0)) updateManifest(plan.root, plan.manifest, plan.steps);
  const { commands, skipped } = await runFollowUps(reloadsAfter(reloads), plan.root, opts);
  return { changed: plan.steps.map((s) => s.path), backups: [], commands, skipped };
}
