/**
 * `sipwarden init --uninstall`: undoes what the install manifest records. An Asterisk
 * file still holding what init wrote gets its backup back byte for byte (unwinding
 * several inits newest first); one changed since keeps the changes and loses only
 * init's marked blocks (its backups are kept). The unit and the logrotate entry are
 * removed (or the file init replaced is put back); with `purge`, /etc/sipwarden and
 * /var/lib/sipwarden go too (the failed-auth logs in /var/log/sipwarden stay).
 * Without a manifest it still takes marked blocks out of the Asterisk files and
 * removes a unit and logrotate entry that init wrote. Running it again does nothing.
 */
import { existsSync, rmSync, unlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { findBlocks, removeBlocks } from './blocks.js';
import { detectAsterisk } from './detect.js';
import { readIfFile } from '../asterisk/index.js';
import { readManifest, sha256, type FileRecord, type Manifest } from './manifest.js';
import { normaliseRoot, onHost, PATHS } from './paths.js';
import { metaOf, writeAtomic } from './system.js';
import { followUp, runFollowUps, type ApplyOptions, type ApplyResult } from './flow.js';
import { PACKAGED, WRITTEN_BY } from './templates.js';
import { initFollowUps, type Reload } from './plan.js';

/** One thing uninstall does. `content` null: delete the file. */
export type UninstallStep =
  | { readonly kind: 'file'; readonly path: string; readonly content: string | null; readonly dropBackups: readonly string[]; readonly reload: Reload | 'unit' | null; readonly say: string }
  | { readonly kind: 'purge'; readonly path: string; readonly say: string };

export interface UninstallPlan {
  readonly root: string;
  readonly manifest: Manifest | null;
  readonly steps: readonly UninstallStep[];
  /** Whether the unit file is there (the service is stopped and disabled first): init's, or the Debian package's. */
  readonly stopService: boolean;
  readonly notes: readonly string[];
}

export interface UninstallOptions {
  readonly root?: string;
  readonly asteriskDir?: string;
  /** Also remove /etc/sipwarden (the config) and /var/lib/sipwarden (the database). */
  readonly purge?: boolean;
}

const reloadOf = (path: string): Reload | null => (basename(path).startsWith('logger') ? 'logger' : basename(path).startsWith('manager') ? 'manager' : null);

/** What the file should hold after undoing `rec`, newest change first, while the file holds what init wrote. */
function unwind(root: string, rec: FileRecord, current: string, notes: string[]): { content: string | null; consumed: string[]; intact: boolean } {
  let content: string | null = current;
  const consumed: string[] = [];
  let i = rec.changes.length - 1;
  for (; i >= 0 && content !== null; i--) {
    const c = rec.changes[i];
    if (c === undefined) break;
    const sha = sha256(content);
    if (sha !== c.after && sha !== c.before) break;
    // sha === before: someone already undid this change by hand; its backup is that same content.
    if (c.backup === null) { content = null; continue; }
    const saved = readIfFile(onHost(root, c.backup));
    if (saved === null || sha256(saved) !== c.before) { notes.push(`the backup ${c.backup} is missing or changed: ${rec.path} is cleaned instead of restored`); break; }
    content = saved;
    consumed.push(c.backup);
  }
  return { content, consumed, intact: i < 0 };
}

function fileStep(root: string, rec: FileRecord, notes: string[]): UninstallStep | null {
  const current = readIfFile(onHost(root, rec.path));
  if (current === null) { notes.push(`${rec.path} is gone already`); return null; }
  const { content, consumed, intact } = unwind(root, rec, current, notes);
  const reload = rec.role === 'asterisk' ? reloadOf(rec.path) : rec.role === 'unit' ? 'unit' : null;
  if (rec.role !== 'asterisk' && !intact) {
    notes.push(`${rec.path} was changed after sipwarden init wrote it; it is removed anyway (earlier backups are kept)`);
    return { kind: 'file', path: rec.path, content: null, dropBackups: [], reload, say: `remove ${rec.path}` };
  }
  if (intact) {
    const say = content === null ? `remove ${rec.path} (sipwarden init created it)` : `restore ${rec.path} from its backup`;
    return { kind: 'file', path: rec.path, content, dropBackups: consumed, reload, say };
  }
  const base = content as string;
  const cleaned = removeBlocks(base);
  if (cleaned === current) return null;
  notes.push(`${rec.path} was changed after sipwarden init: only its marked blocks are taken out; backups kept`);
  return { kind: 'file', path: rec.path, content: cleaned, dropBackups: [], reload, say: `take sipwarden's blocks out of ${rec.path}` };
}

/** Steps without a manifest: marked blocks in the Asterisk files, and files init wrote whole. */
function stepsWithoutManifest(root: string, asteriskDir: string | undefined): UninstallStep[] {
  const setup = detectAsterisk({ root, asteriskDir });
  const steps: UninstallStep[] = [];
  for (const f of new Set([...setup.logger.files, ...setup.ami.files])) {
    const text = readIfFile(onHost(root, f)) ?? '';
    if (findBlocks(text).length > 0) steps.push({ kind: 'file', path: f, content: removeBlocks(text), dropBackups: [], reload: reloadOf(f), say: `take sipwarden's blocks out of ${f}` });
  }
  for (const p of [PATHS.unit, PATHS.logrotate]) {
    if (readIfFile(onHost(root, p))?.startsWith(`# ${WRITTEN_BY}`)) steps.push({ kind: 'file', path: p, content: null, dropBackups: [], reload: p === PATHS.unit ? 'unit' : null, say: `remove ${p}` });
  }
  return steps;
}

/** Works out what `--uninstall` would do. Reads only. */
export function planUninstall(opts: UninstallOptions = {}): UninstallPlan {
  const root = normaliseRoot(opts.root);
  const manifest = readManifest(root);
  const notes: string[] = [];
  const steps: UninstallStep[] = [];
  if (manifest === null) {
    notes.push(`no install manifest (${PATHS.manifest}): looking for what sipwarden init adds`);
    steps.push(...stepsWithoutManifest(root, opts.asteriskDir));
  } else {
    const files = manifest.entries.filter((e): e is FileRecord => e.kind === 'file');
    // Service files first (stop before anything else), the config last.
    const order = { unit: 0, logrotate: 1, asterisk: 2, config: 3 } as const;
    for (const rec of [...files].sort((a, b) => order[a.role] - order[b.role])) {
      if (rec.role === 'config' && !opts.purge) { notes.push(`${rec.path} is kept (--purge removes it)`); continue; }
      const s = fileStep(root, rec, notes);
      if (s) steps.push(s);
    }
  }
  if (opts.purge) {
    for (const d of [PATHS.etcDir, PATHS.libDir]) if (existsSync(onHost(root, d))) steps.push({ kind: 'purge', path: d, say: `remove ${d} and everything in it` });
    if (existsSync(onHost(root, PATHS.logDir))) notes.push(`${PATHS.logDir} is kept: it holds the failed-auth log`);
  }
  const ownUnit = existsSync(onHost(root, PATHS.unit)) && steps.some((s) => s.path === PATHS.unit);
  const packagedUnit = existsSync(onHost(root, PACKAGED.unit)) && steps.length > 0;
  return { root, manifest, steps, stopService: ownUnit || packagedUnit, notes };
}

/** Carries out the uninstall plan, then reloads Asterisk and systemd as needed. */
export async function applyUninstall(plan: UninstallPlan, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const changed: string[] = [];
  const reloads = new Set<Reload | 'unit'>();
  const pre = await runFollowUps(plan.stopService ? followUp('systemctl', [['systemctl', 'disable', '--now', 'sipwarden.service']]) : [], plan.root, opts);
  for (const s of plan.steps) {
    const host = onHost(plan.root, s.path);
    if (s.kind === 'purge') rmSync(host, { recursive: true, force: true });
    else {
      if (s.content === null) rmSync(host, { force: true });
      else writeAtomic(host, s.content, metaOf(host));
      for (const b of s.dropBackups) rmSync(onHost(plan.root, b), { force: true });
      if (s.reload) reloads.add(s.reload);
    }
    changed.push(s.path);
  }
  const manifest = onHost(plan.root, PATHS.manifest);
  if (plan.manifest !== null && existsSync(manifest)) unlinkSync(manifest);
  const post = await runFollowUps(initFollowUps(reloads), plan.root, opts);
  return { changed, backups: [], commands: [...pre.commands, ...post.commands], skipped: [...pre.skipped, ...post.skipped] };
}
