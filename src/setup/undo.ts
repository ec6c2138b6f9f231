/**
 * The uninstall half of the set-up commands' flow (flow.ts), from the install manifest.
 * `unwind` finds how far a file can be put back from its backups — byte for byte while
 * it still holds what the command wrote — the command turns that into steps (restore,
 * delete, take its marked blocks out, purge a directory), and `applyUndo` carries them
 * out: what runs first (stopping a service), the steps, the manifest, the reloads.
 */
import { existsSync, rmSync, unlinkSync } from 'node:fs';
import { readIfFile } from '../asterisk/index.js';
import { runFollowUps, type ApplyOptions, type ApplyResult, type FollowUp } from './flow.js';
import { dropChanges, sha256, writeManifest, type FileRecord, type Manifest } from './manifest.js';
import { onHost, PATHS } from './paths.js';
import { metaOf, writeAtomic } from './system.js';

/** One thing an uninstall does: put a file back (`content` null: delete it; `pop`: how many of its manifest changes that undoes), or remove a directory with everything in it. */
export type UndoStep =
  | { readonly kind: 'file'; readonly path: string; readonly content: string | null; readonly dropBackups: readonly string[]; readonly pop: number; readonly say: string }
  | { readonly kind: 'purge'; readonly path: string; readonly say: string };

/** What an uninstall will do. */
export interface Undo {
  /** The command whose work is undone (`init`, `asterisk-acl`). */
  readonly command: string;
  readonly root: string;
  /** The manifest the steps were worked out from (null: there was none). */
  readonly manifest: Manifest | null;
  readonly steps: readonly UndoStep[];
  /** What runs before the steps (stopping the service), and after them (reloads). */
  readonly first: readonly FollowUp[];
  readonly followUps: readonly FollowUp[];
  /** The whole manifest goes afterwards; else only the changes the steps undo leave it (and it goes once empty). */
  readonly dropManifest: boolean;
  readonly notes: readonly string[];
}

/** How far a file can be put back: its content then (null: the file goes), the backups used, the changes undone, and whether all were. */
export interface Unwound {
  readonly content: string | null;
  readonly consumed: readonly string[];
  readonly pop: number;
  readonly intact: boolean;
}

/** Which of a file's recorded changes an uninstall may undo. */
export interface UnwindRules {
  /** A change the file no longer holds because someone put its backup back by hand counts as undone. */
  readonly handUndone: boolean;
  /** Whether the change from `prev` (the backup) to `content` is the command's own (default: every change is). */
  readonly owns?: (prev: string | null, content: string) => boolean;
}

/**
 * Undoes the changes of `rec` newest first while the file holds what the change wrote
 * and its backup is intact (a missing or changed backup stops it, with a note).
 */
export function unwind(root: string, rec: FileRecord | undefined, current: string, notes: string[], rules: UnwindRules): Unwound {
  const changes = rec?.changes ?? [];
  let content: string | null = current;
  const consumed: string[] = [];
  let i = changes.length - 1;
  for (; i >= 0 && content !== null; i--) {
    const c = changes[i]!;
    const sha = sha256(content);
    if (sha !== c.after && !(rules.handUndone && sha === c.before)) break;
    const prev = c.backup === null ? null : readIfFile(onHost(root, c.backup));
    if (c.backup !== null && (prev === null || sha256(prev) !== c.before)) { notes.push(`the backup ${c.backup} is missing or changed: ${rec!.path} is cleaned instead of restored`); break; }
    if (rules.owns && !rules.owns(prev, content)) break;
    content = prev;
    if (c.backup !== null) consumed.push(c.backup);
  }
  return { content, consumed, pop: changes.length - 1 - i, intact: i < 0 };
}

/** Takes out of the manifest what the undo undid: all of it, or the changes the steps popped. */
function forget(plan: Undo, m: Manifest): void {
  const path = onHost(plan.root, PATHS.manifest);
  if (plan.dropManifest) {
    if (existsSync(path)) unlinkSync(path);
    return;
  }
  const popped = plan.steps.filter((s) => s.kind === 'file' && s.pop > 0);
  if (popped.length === 0) return;
  for (const s of popped) if (s.kind === 'file') dropChanges(m, s.path, s.pop);
  if (m.entries.length === 0) unlinkSync(path);
  else writeManifest(plan.root, m);
}

/** Carries out the uninstall: what runs first, the steps, the manifest, then the follow-ups. */
export async function applyUndo(plan: Undo, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const pre = await runFollowUps(plan.first, plan.root, opts);
  for (const s of plan.steps) {
    const host = onHost(plan.root, s.path);
    if (s.kind === 'purge') rmSync(host, { recursive: true, force: true });
    else {
      if (s.content === null) rmSync(host, { force: true });
      else writeAtomic(host, s.content, metaOf(host));
      for (const b of s.dropBackups) rmSync(onHost(plan.root, b), { force: true });
    }
  }
  if (plan.manifest !== null) forget(plan, plan.manifest);
  const post = await runFollowUps(plan.followUps, plan.root, opts);
  return { changed: plan.steps.map((s) => s.path), backups: [], commands: [...pre.commands, ...post.commands], skipped: [...pre.skipped, ...post.skipped] };
}
