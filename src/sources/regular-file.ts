/**
 * Opening and identifying log files without ever blocking: only regular files are
 * opened (a FIFO's open blocks until a writer comes; a directory or a device is no
 * log), and a file is recognised after rotation by its first bytes.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';

/** Bytes per read. */
export const READ = 1024 * 1024;
export const FINGERPRINT_BYTES = 128;

/** `<n>:<sha256 of the first n bytes>`, n = min(size, 128); '' for an empty file. */
export function fingerprintOf(fd: number): string {
  const b = Buffer.alloc(FINGERPRINT_BYTES);
  const n = fs.readSync(fd, b, 0, FINGERPRINT_BYTES, 0);
  if (n === 0) return '';
  return `${n}:${crypto.createHash('sha256').update(b.subarray(0, n)).digest('hex').slice(0, 32)}`;
}

/** Whether the file's first bytes still give the fingerprint `fp`. */
export function fingerprintMatches(fd: number, fp: string): boolean {
  if (fp === '') return true;
  const n = Number(fp.slice(0, fp.indexOf(':')));
  const b = Buffer.alloc(n);
  if (fs.readSync(fd, b, 0, n, 0) !== n) return false;
  return `${n}:${crypto.createHash('sha256').update(b).digest('hex').slice(0, 32)}` === fp;
}

/** How many lines end before `upTo` (newlines in the first `upTo` bytes). */
export function countLines(fd: number, upTo: number): number {
  const b = Buffer.allocUnsafe(READ);
  let lines = 0;
  for (let at = 0; at < upTo;) {
    const n = fs.readSync(fd, b, 0, Math.min(READ, upTo - at), at);
    if (n <= 0) break;
    for (let i = b.indexOf(10); i >= 0 && i < n; i = b.indexOf(10, i + 1)) lines++;
    at += n;
  }
  return lines;
}

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

export type Opened = { readonly fd: number; readonly st: fs.Stats } | { readonly problem: string; readonly missing: boolean };

/**
 * Opens `p` for reading if, and only if, it is a regular file. Never blocks: the type is
 * checked before the open, and the open itself is non-blocking (a FIFO swapped in
 * between opens at once and is refused by the check after it).
 */
export function openRegular(p: string): Opened {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const missing = code === 'ENOENT' || code === 'ENOTDIR';
    return { missing, problem: missing ? 'does not exist yet' : `cannot be read (${code ?? (e as Error).message})` };
  }
  if (!st.isFile()) return { missing: false, problem: `is ${kindOf(st)}, not a regular file` };
  let fd: number;
  try {
    fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { missing: code === 'ENOENT', problem: code === 'ENOENT' ? 'does not exist yet' : `cannot be read (${code ?? (e as Error).message})` };
  }
  const real = fs.fstatSync(fd);
  if (!real.isFile()) {
    fs.closeSync(fd);
    return { missing: false, problem: `is ${kindOf(real)}, not a regular file` };
  }
  return { fd, st: real };
}

