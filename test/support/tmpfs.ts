/**
 * A real small filesystem for disk-full tests (root only): a tmpfs of a given size
 * mounted on a fresh temp directory, grown or refilled on demand, and unmounted with
 * its directory removed by `close()` (safe to call twice, also after a failed test).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Tmpfs {
  /** Where it is mounted. */
  readonly dir: string;
  /** A path inside it. */
  file(name: string): string;
  /** Remounts it with a new size (`64m`): "space returns". */
  resize(size: string): void;
  /** Remounts it read-only (true) or read-write (false). */
  readOnly(on: boolean): void;
  /** Fills what is left with a file (the disk is full); returns the file (delete it to give the space back). */
  fill(): string;
  /** Bytes free now. */
  free(): number;
  /** Unmounts it and removes the directory. */
  close(): void;
}

function run(cmd: string, args: readonly string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error?.message || `exit ${r.status}`}`);
}

/** Mounts a tmpfs of `size` (`2m`, `64k`) on a new temp directory. */
export function mountTmpfs(size: string, purpose = 'tmpfs'): Tmpfs {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sipwarden-${purpose}-`));
  try {
    run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir]);
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  let mounted = true;
  return {
    dir,
    file: (name) => path.join(dir, name),
    resize: (s) => run('mount', ['-o', `remount,size=${s}`, dir]),
    readOnly: (on) => run('mount', ['-o', `remount,${on ? 'ro' : 'rw'}`, dir]),
    fill: () => {
      const filler = path.join(dir, `filler-${Date.now()}`);
      const fd = fs.openSync(filler, 'w');
      const block = Buffer.alloc(64 * 1024);
      try {
        for (;;) fs.writeSync(fd, block);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      }
      // The last bytes: a write smaller than a block may still fit.
      try {
        for (;;) fs.writeSync(fd, Buffer.alloc(512));
      } catch {
        /* full */
      }
      fs.closeSync(fd);
      return filler;
    },
    free: () => fs.statfsSync(dir).bavail * fs.statfsSync(dir).bsize,
    close: () => {
      if (mounted) {
        mounted = false;
        // A file still open in it (a test that failed half-way) makes umount refuse: detach it anyway.
        if (spawnSync('umount', [dir], { timeout: 10_000 }).status !== 0) spawnSync('umount', ['-l', dir], { timeout: 10_000 });
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
