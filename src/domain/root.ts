/**
 * A root prefix for every file operation, like a chroot or DESTDIR: paths elsewhere are
 * *logical* (as the target system sees them, `/etc/asterisk/pjsip.conf`), and a root
 * other than `/` is put in front of them only where a file is really touched, so tests
 * and image builders can work on a tree without touching the machine they run on.
 */
import { join, resolve } from 'node:path';

/** `root` as an absolute path without a trailing slash (`/` stays `/`). */
export function normaliseRoot(root: string | undefined): string {
  return resolve(root ?? '/');
}

/** The path on the machine running sipwarden of the logical `path` under `root`. */
export function onHost(root: string, path: string): string {
  return root === '/' ? path : join(root, path);
}
