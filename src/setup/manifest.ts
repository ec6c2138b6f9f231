/**
 * The install manifest, /var/lib/sipwarden/install-manifest.json: every file and
 * directory sipwarden init created or changed, with the backup of what was there
 * before, so `sipwarden init --uninstall` can undo exactly that.
 *
 * Invariant: for a file, `changes` is the chain of init's writes, oldest first; each
 * change's `before` is the sha256 of the content its `backup` holds (null: the file did
 * not exist), `after` the sha256 of what init wrote. Uninstall unwinds the chain from
 * the newest while the file still holds that change's `after`.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { onHost, PATHS } from './paths.js';

/** What a file is to sipwarden. */
export type FileRole = 'asterisk' | 'config' | 'unit' | 'logrotate';

/** One write by sipwarden init. */
export interface FileChange {
  readonly at: string;
  /** Logical path of the copy of the previous content; null when the file did not exist. */
  readonly backup: string | null;
  readonly before: string | null;
  readonly after: string;
}

export interface FileRecord {
  readonly kind: 'file';
  readonly path: string;
  readonly role: FileRole;
  readonly changes: FileChange[];
}

export interface DirRecord {
  readonly kind: 'dir';
  readonly path: string;
  readonly at: string;
}

export interface Manifest {
  readonly version: 1;
  readonly entries: (FileRecord | DirRecord)[];
}

/** sha256 of a file's content, hex. */
export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** An empty manifest. */
export function emptyManifest(): Manifest {
  return { version: 1, entries: [] };
}

/** The manifest under `root`, or null if there is none. Throws if it exists but is not a manifest. */
export function readManifest(root: string): Manifest | null {
  let text: string;
  try {
    text = readFileSync(onHost(root, PATHS.manifest), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const m = JSON.parse(text) as Manifest;
  if (m === null || typeof m !== 'object' || m.version !== 1 || !Array.isArray(m.entries)) {
    throw new Error(`${PATHS.manifest} is not a sipwarden install manifest (version 1)`);
  }
  return m;
}

/** Writes the manifest under `root` atomically, mode 0600. */
export function writeManifest(root: string, m: Manifest): void {
  const path = onHost(root, PATHS.manifest);
  mkdirSync(dirname(path), { recursive: true, mode: 0o750 });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(m, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/** Adds a file change to the manifest (creating the file's record on first change). */
export function recordFile(m: Manifest, path: string, role: FileRole, change: FileChange): void {
  const rec = m.entries.find((e): e is FileRecord => e.kind === 'file' && e.path === path);
  if (rec) rec.changes.push(change);
  else m.entries.push({ kind: 'file', path, role, changes: [change] });
}

/** Records a directory init created (once). */
export function recordDir(m: Manifest, path: string, at: string): void {
  if (!m.entries.some((e) => e.kind === 'dir' && e.path === path)) m.entries.push({ kind: 'dir', path, at });
}

/** Takes the newest `n` changes of `path` out of the manifest, and its record once it has none left. */
export function dropChanges(m: Manifest, path: string, n: number): void {
  const rec = fileRecord(m, path);
  if (!rec || n === 0) return;
  rec.changes.splice(rec.changes.length - n, n);
  if (rec.changes.length === 0) m.entries.splice(m.entries.indexOf(rec), 1);
}

/** The record of `path`, if init ever wrote it. */
export function fileRecord(m: Manifest | null, path: string): FileRecord | undefined {
  return m?.entries.find((e): e is FileRecord => e.kind === 'file' && e.path === path);
}
