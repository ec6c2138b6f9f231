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
import { basename, join } from 'node:path';
import { loadConf, readIfFile } from '../asterisk/index.js';
import type { ApplyOptions, ApplyResult } from '../setup/flow.js';
import { applyUndo, unwind, type Undo, type UndoStep } from '../setup/undo.js';
import { fileRecord, readManifest, type FileRecord, type Manifest } from '../setup/manifest.js';
import { normaliseRoot, onHost, PATHS } from '../setup/paths.js';
import { findAclBlocks, removeAclBlocks } from './marks.js';
import { reloadsAfter, SUBSYSTEMS, type AclReload } from './targets.js';

export type { UndoStep as AclUninstallStep } from '../setup/undo.js';

/** What `--uninstall` will do; its changes leave the manifest, the rest of it stays. */
export interface AclUninstallPlan extends Undo {
  readonly command: 'asterisk-acl';
}

/** What the file's blocks and name say Asterisk must reload once it changes. */
function reloadsOf(path: string, text: string): AclReload[] {
  const purposes = new Set(findAclBlocks(text).map((b) => b.purpose));
  return SUBSYSTEMS.filter((s) => purposes.has(s.purpose) || basename(path) === s.entry || basename(path) === s.custom).map((s) => s.reload);
}

/** A change is this command's when its content and the backup's differ only by asterisk-acl blocks. */
const ownChange = (prev: string | null, content: string) => removeAclBlocks(prev ?? '') === removeAclBlocks(content);

function stepFor(root: string, m: Manifest | null, path: string, notes: string[]): { step: UndoStep; reloads: AclReload[] } | null {
  const current = readIfFile(onHost(root, path));
  if (current === null) return null;
  const { content, consumed, pop } = unwind(root, fileRecord(m, path), current, notes, { handUndone: false, owns: ownChange });
  const reloads = reloadsOf(path, current);
  if (pop > 0) {
    const rest = content === null ? null : removeAclBlocks(content);
    const say = rest === null ? `remove ${path} (sipwarden asterisk-acl created it)` : `restore ${path} from its backup`;
    return { step: { kind: 'file', path, content: rest, dropBackups: consumed, pop, say }, reloads };
  }
  if (findAclBlocks(current).length === 0) return null;
  notes.push(`${path} was changed after sipwarden asterisk-acl wrote it: only its marked blocks are taken out; backups kept`);
  return { step: { kind: 'file', path, content: removeAclBlocks(current), dropBackups: [], pop: 0, say: `take sipwarden asterisk-acl's blocks out of ${path}` }, reloads };
}

/** Works out what `--uninstall` would do. Reads only. */
export function planAclUninstall(opts: { readonly root?: string; readonly asteriskDir?: string } = {}): AclUninstallPlan {
  const root = normaliseRoot(opts.root);
  const dir = opts.asteriskDir ?? PATHS.asteriskDir;
  const manifest = readManifest(root);
  const notes: string[] = [];
  const recorded = (manifest?.entries ?? []).filter((e): e is FileRecord => e.kind === 'file' && e.role === 'asterisk').map((e) => e.path);
  const known = SUBSYSTEMS.flatMap((s) => [join(dir, s.entry), join(dir, s.custom), ...loadConf(s.entry, { root, configDir: dir }).files]);
  const found = [...new Set([...recorded, ...known])].flatMap((path) => stepFor(root, manifest, path, notes) ?? []);
  return {
    command: 'asterisk-acl', root, manifest, steps: found.map((f) => f.step), notes, first: [], dropManifest: false,
    followUps: reloadsAfter(new Set(found.flatMap((f) => f.reloads))),
  };
}

/** Carries out the uninstall plan, then asks Asterisk to reload (if it is installed). */
export function applyAclUninstall(plan: AclUninstallPlan, opts: ApplyOptions = {}): Promise<ApplyResult> {
  return applyUndo(plan, opts);
}
