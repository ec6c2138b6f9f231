/**
 * `sipwarden init --uninstall`: undoes what the install manifest records, through the
 * shared flow (undo.ts). An Asterisk file still holding what init wrote gets its backup
 * back byte for byte (unwinding several inits newest first); one changed since keeps
 * the changes and loses only init's marked blocks (its backups are kept). The unit and
 * the logrotate entry are removed (or the file init replaced is put back); with `purge`,
 * /etc/sipwarden and /var/lib/sipwarden go too (the failed-auth logs in
 * /var/log/sipwarden stay), and the manifest always does. Without a manifest it still
 * takes marked blocks out of the Asterisk files and removes a unit and logrotate entry
 * that init wrote. Running it again does nothing.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { findBlocks, removeBlocks } from './blocks.js';
import { detectAsterisk } from './detect.js';
import { readIfFile } from '../asterisk/index.js';
import { followUp, type ApplyOptions, type ApplyResult } from './flow.js';
import { applyUndo, unwind, type Undo, type UndoStep } from './undo.js';
import { readManifest, type FileRecord } from './manifest.js';
import { normaliseRoot, onHost, PATHS } from './paths.js';
import { PACKAGED, WRITTEN_BY } from './templates.js';
import { initFollowUps, type Reload } from './plan.js';
import { dialplanFiles } from './plan-dialplan.js';

export type { UndoStep as UninstallStep } from './undo.js';

export interface UninstallPlan extends Undo {
  readonly command: 'init';
  /** Whether the unit file is there (the service is stopped and disabled first): init's, or the Debian package's. */
  readonly stopService: boolean;
}

export interface UninstallOptions {
  readonly root?: string;
  readonly asteriskDir?: string;
  /** Also remove /etc/sipwarden (the config) and /var/lib/sipwarden (the database). */
  readonly purge?: boolean;
}

/** A step and what must reload after it. */
type Todo = { readonly step: UndoStep; readonly reload: Reload | 'unit' | null };

const reloadOf = (path: string): Reload | null => (basename(path).startsWith('logger') ? 'logger' : basename(path).startsWith('manager') ? 'manager' : basename(path).startsWith('extensions') ? 'dialplan' : null);

function fileStep(root: string, rec: FileRecord, notes: string[]): Todo | null {
  const current = readIfFile(onHost(root, rec.path));
  if (current === null) { notes.push(`${rec.path} is gone already`); return null; }
  const { content, consumed, pop, intact } = unwind(root, rec, current, notes, { handUndone: true });
  const reload = rec.role === 'asterisk' ? reloadOf(rec.path) : rec.role === 'unit' ? 'unit' : null;
  const step = (content: string | null, dropBackups: readonly string[], say: string, undone = 0): Todo => ({ step: { kind: 'file', path: rec.path, content, dropBackups, pop: undone, say }, reload });
  if (rec.role !== 'asterisk' && !intact) {
    notes.push(`${rec.path} was changed after sipwarden init wrote it; it is removed anyway (earlier backups are kept)`);
    return step(null, [], `remove ${rec.path}`);
  }
  if (intact) return step(content, consumed, content === null ? `remove ${rec.path} (sipwarden init created it)` : `restore ${rec.path} from its backup`, pop);
  const cleaned = removeBlocks(content as string);
  if (cleaned === current) return null;
  notes.push(`${rec.path} was changed after sipwarden init: only its marked blocks are taken out; backups kept`);
  return step(cleaned, [], `take sipwarden's blocks out of ${rec.path}`);
}

/** Steps without a manifest: marked blocks in the Asterisk files, and files init wrote whole. */
function stepsWithoutManifest(root: string, asteriskDir: string | undefined): Todo[] {
  const setup = detectAsterisk({ root, asteriskDir });
  const out: Todo[] = [];
  const step = (path: string, content: string | null, say: string, reload: Reload | 'unit' | null): Todo => ({ step: { kind: 'file', path, content, dropBackups: [], pop: 0, say }, reload });
  for (const f of new Set([...setup.logger.files, ...setup.ami.files, ...(setup.flavour === 'none' ? [] : [dialplanFiles(setup).target])])) {
    const text = readIfFile(onHost(root, f)) ?? '';
    if (findBlocks(text).length > 0) out.push(step(f, removeBlocks(text), `take sipwarden's blocks out of ${f}`, reloadOf(f)));
  }
  for (const p of [PATHS.unit, PATHS.logrotate]) {
    if (readIfFile(onHost(root, p))?.startsWith(`# ${WRITTEN_BY}`)) out.push(step(p, null, `remove ${p}`, p === PATHS.unit ? 'unit' : null));
  }
  return out;
}

/** Works out what `--uninstall` would do. Reads only. */
export function planUninstall(opts: UninstallOptions = {}): UninstallPlan {
  const root = normaliseRoot(opts.root);
  const manifest = readManifest(root);
  const notes: string[] = [];
  const planned: Todo[] = [];
  if (manifest === null) {
    notes.push(`no install manifest (${PATHS.manifest}): looking for what sipwarden init adds`);
    planned.push(...stepsWithoutManifest(root, opts.asteriskDir));
  } else {
    const files = manifest.entries.filter((e): e is FileRecord => e.kind === 'file');
    // Service files first (stop before anything else), the config last.
    const order = { unit: 0, logrotate: 1, asterisk: 2, config: 3 } as const;
    for (const rec of [...files].sort((a, b) => order[a.role] - order[b.role])) {
      if (rec.role === 'config' && !opts.purge) { notes.push(`${rec.path} is kept (--purge removes it)`); continue; }
      const s = fileStep(root, rec, notes);
      if (s) planned.push(s);
    }
  }
  const steps: UndoStep[] = planned.map((p) => p.step);
  if (opts.purge) {
    for (const d of [PATHS.etcDir, PATHS.libDir]) if (existsSync(onHost(root, d))) steps.push({ kind: 'purge', path: d, say: `remove ${d} and everything in it` });
    if (existsSync(onHost(root, PATHS.logDir))) notes.push(`${PATHS.logDir} is kept: it holds the failed-auth log`);
  }
  const ownUnit = existsSync(onHost(root, PATHS.unit)) && steps.some((s) => s.path === PATHS.unit);
  const packagedUnit = existsSync(onHost(root, PACKAGED.unit)) && steps.length > 0;
  const stopService = ownUnit || packagedUnit;
  const reloads = new Set(planned.flatMap((p) => (p.reload ? [p.reload] : [])));
  return {
    command: 'init', root, manifest, steps, notes, stopService, dropManifest: true,
    first: stopService ? followUp('systemctl', [['systemctl', 'disable', '--now', 'sipwarden.service']], 'stop and disable sipwarden.service') : [],
    followUps: initFollowUps(reloads),
  };
}

/** Carries out the uninstall plan: stops the service, puts the files back, then reloads Asterisk and systemd as needed. */
export function applyUninstall(plan: UninstallPlan, opts: ApplyOptions = {}): Promise<ApplyResult> {
  return applyUndo(plan, opts);
}
