/**
 * The side effects of sipwarden init, behind small functions: atomic file writes that
 * keep a file's owner and mode, backups, looking for and running commands. Everything
 * takes host paths (already prefixed with the root) unless it says logical.
 */
import { spawn } from 'node:child_process';
import { accessSync, chmodSync, chownSync, constants, copyFileSync, existsSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMAND_DIRS, onHost } from './paths.js';

/** What a command said and how it ended (`code` -1: it could not be started or timed out). */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program with arguments, without a shell. Never rejects. */
export type RunCommand = (program: string, args: readonly string[]) => Promise<CommandResult>;

/** Whether a program is installed (found as an executable in the usual directories). */
export type CommandExists = (program: string) => boolean;

const TIMEOUT_MS = 30_000;

/** The real `RunCommand`: spawns the program (no shell), kills it after 30 s. */
export const spawnCommand: RunCommand = (program, args) => new Promise((resolve) => {
  let stdout = '';
  let stderr = '';
  const child = spawn(program, [...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
  child.stdout.on('data', (d: Buffer) => { if (stdout.length < 65_536) stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { if (stderr.length < 65_536) stderr += d.toString(); });
  child.on('error', (err) => { clearTimeout(timer); resolve({ code: -1, stdout, stderr: err.message }); });
  child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
});

/** A `CommandExists` looking in $PATH and the sbin/bin directories, all under `root`. */
export function commandExistsUnder(root: string): CommandExists {
  const dirs = root === '/' ? [...(process.env.PATH ?? '').split(':').filter((d) => d.startsWith('/')), ...COMMAND_DIRS] : [...COMMAND_DIRS];
  return (program) => dirs.some((d) => {
    try {
      const p = onHost(root, join(d, program));
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  });
}

/** Owner and mode to give a file. */
export interface FileMeta {
  readonly mode: number;
  readonly uid?: number;
  readonly gid?: number;
}

/** The owner and permission bits of an existing file. */
export function metaOf(hostPath: string): FileMeta {
  const st = statSync(hostPath);
  return { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
}

/**
 * Writes `content` to `hostPath` through a temporary file and a rename, so readers see
 * the old or the new file, never half of one. Mode is set exactly; the owner only when
 * running as root (others cannot give files away).
 */
export function writeAtomic(hostPath: string, content: string | Buffer, meta: FileMeta): void {
  const tmp = `${hostPath}.sipwarden-tmp-${process.pid}`;
  try {
    writeFileSync(tmp, content, { mode: 0o600, flag: 'w' });
    if (process.getuid?.() === 0 && meta.uid !== undefined && meta.gid !== undefined) chownSync(tmp, meta.uid, meta.gid);
    chmodSync(tmp, meta.mode);
    renameSync(tmp, hostPath);
  } catch (err) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw err;
  }
}

/** `20260124T193646Z` for backup names. */
export function stamp(at: Date): string {
  return at.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}

/**
 * Copies the logical file `path` under `root` to `<path>.sipwarden-backup-<stamp>`
 * (with `-2`, `-3`… if that exists), keeping its mode. Returns the backup's logical path.
 */
export function backupFile(root: string, path: string, at: Date): string {
  const base = `${path}.sipwarden-backup-${stamp(at)}`;
  let name = base;
  for (let n = 2; existsSync(onHost(root, name)); n++) name = `${base}-${n}`;
  copyFileSync(onHost(root, path), onHost(root, name), constants.COPYFILE_EXCL);
  chmodSync(onHost(root, name), metaOf(onHost(root, path)).mode);
  return name;
}
