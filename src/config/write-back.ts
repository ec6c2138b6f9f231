/**
 * Writing settings back into the config file: the file is the one truth, and a change
 * made in the dashboard edits it. The YAML document is edited in place through the
 * `yaml` library's document API, so comments, key order and the rest of the file are
 * kept; only the keys changed are touched (a scalar keeps its node and comments, a list
 * keeps its flow or block style and the comments around it).
 *
 * Writing is atomic: the new text is validated by the config schema (an edit never
 * leaves a file sipwarden would refuse at its next start), the old file is copied to
 * `<file>.bak`, the new text written to a temporary file beside it with the old file's
 * mode and owner, fsynced, renamed over the file, and the directory fsynced. A file
 * that does not exist is created (mode 0640). Any failure throws `CONFIG_UNWRITABLE`
 * naming the file and the reason; the file is then as it was.
 */
import { chownSync, closeSync, copyFileSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isCollection, isScalar, parseDocument, type Document } from 'yaml';
import { SipwardenError } from '../domain/index.js';
import { parseConfigText } from './load.js';

/** One key to set: its path in the file (`['networks', 'internal']`) and its new plain value. */
export interface ConfigEdit {
  readonly path: readonly string[];
  readonly value: unknown;
}

/** What a write did: the file, whether it was created, and the backup of its old text (null when created). */
export interface WriteBackResult {
  readonly file: string;
  readonly created: boolean;
  readonly backup: string | null;
}

/**
 * The config text with `edits` applied, comments and order kept; the text is parsed
 * as YAML only (the caller validates). Throws `CONFIG_INVALID` if `text` is not YAML.
 */
export function editConfigText(text: string, edits: readonly ConfigEdit[]): string {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length) throw new SipwardenError('CONFIG_INVALID', `the config file is not valid YAML (${doc.errors[0]?.message.split('\n')[0]}); fix it by hand first`);
  if (doc.contents === null || isScalar(doc.contents)) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  for (const e of edits) setKeepingStyle(doc, e.path, e.value);
  return doc.toString({ lineWidth: 0 });
}

/** Sets one key; an existing node keeps its comments and (for a list) its flow or block style. */
function setKeepingStyle(doc: Document, path: readonly string[], value: unknown): void {
  const old = doc.getIn(path, true);
  if (isScalar(old) && (value === null || typeof value !== 'object')) {
    old.value = value;
    return;
  }
  const node = doc.createNode(value);
  if (isCollection(old) && isCollection(node)) {
    node.flow = old.flow;
    node.comment = old.comment;
    node.commentBefore = old.commentBefore;
  } else if (isCollection(node) && Array.isArray(value)) {
    node.flow = true; // a new list is written as the file init renders them: [a, b]
  }
  doc.setIn(path, node);
}

/**
 * Applies `edits` to the config file at `file` (created if missing), atomically with a
 * backup; see the module comment. Throws `CONFIG_UNWRITABLE` (the file untouched) or
 * `CONFIG_INVALID` (the edited file would not load).
 */
export function writeConfigEdits(file: string, edits: readonly ConfigEdit[]): WriteBackResult {
  let text = '';
  let st: Stats | null = null;
  try {
    st = statSync(file);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw unwritable(file, e);
  }
  const next = editConfigText(text, edits);
  parseConfigText(next, file); // never write a file the daemon would refuse at its next start
  const backup = st ? `${file}.bak` : null;
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    if (backup) copyFileSync(file, backup);
    const fd = openSync(tmp, 'w', st ? st.mode & 0o7777 : 0o640);
    try {
      if (st && (process.getuid?.() === 0)) chownSync(tmp, st.uid, st.gid);
      writeSync(fd, next);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written there
    }
    throw unwritable(file, e);
  }
  syncDir(dirname(file));
  return { file, created: st === null, backup };
}

/** Fsyncs a directory so the rename survives a power cut; some file systems refuse, which loses nothing already renamed. */
function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // best effort
  }
}

function unwritable(file: string, e: unknown): SipwardenError {
  const err = e as NodeJS.ErrnoException;
  const why = err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied'
    : err.code === 'EROFS' ? 'the file system is read-only'
      : err.code === 'ENOENT' ? 'its directory does not exist'
        : err.code === 'ENOSPC' ? 'the disk is full' : (err.message ?? String(e)).split('\n')[0];
  return new SipwardenError('CONFIG_UNWRITABLE', `cannot write the config file ${file}: ${why}; nothing was changed (edit the file by hand, or make it writable by the sipwarden daemon)`);
}
