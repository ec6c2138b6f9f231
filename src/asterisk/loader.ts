/**
 * Reading a real Asterisk config tree (under an optional root prefix) with the pure
 * reader of asterisk-conf.ts. The only I/O: reading regular files and listing
 * directories for glob includes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { onHost } from '../domain/root.js';
import { assembleConf, type ConfSource, type ConfTree } from './conf.js';

/** Where Asterisk keeps its configuration (its `astetcdir`). */
export const ASTERISK_CONFIG_DIR = '/etc/asterisk';

/** Where to read from. `configDir` is logical (default /etc/asterisk); `root` prefixes it. */
export interface LoadConfOptions {
  readonly root?: string;
  readonly configDir?: string;
}

/** A regular file's text, or null if it is missing or not a regular file. Other read errors throw. */
export function readIfFile(hostPath: string): string | null {
  try {
    if (!statSync(hostPath).isFile()) return null;
    return readFileSync(hostPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw err;
  }
}

/** A shell glob (only `*`, `?` and `[...]` in the last path element) as a RegExp. */
function globToRegExp(glob: string): RegExp {
  const re = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`);
}

/** A `ConfSource` over the files under `root`. */
export function fsSource(root: string): ConfSource {
  return {
    read: (path) => readIfFile(onHost(root, path)),
    expand: (pattern) => {
      const dir = dirname(pattern);
      if (/[*?[]/.test(dir)) return [];
      const re = globToRegExp(basename(pattern));
      try {
        return readdirSync(onHost(root, dir)).filter((n) => re.test(n) && !n.startsWith('.')).sort().map((n) => join(dir, n));
      } catch {
        return [];
      }
    },
  };
}

/**
 * Reads `name` (e.g. `logger.conf`, or an absolute logical path) from the Asterisk
 * config directory and everything it includes. A missing file gives `found: false`.
 */
export function loadConf(name: string, opts: LoadConfOptions = {}): ConfTree {
  const root = opts.root ?? '/';
  const configDir = opts.configDir ?? ASTERISK_CONFIG_DIR;
  const entry = name.startsWith('/') ? name : join(configDir, name);
  return assembleConf(entry, fsSource(root), configDir);
}
