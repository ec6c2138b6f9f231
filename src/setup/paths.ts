/**
 * Where `sipwarden init` reads and writes. Paths in this module are *logical*: as the
 * target system sees them (`/etc/asterisk/logger.conf`), and that is what goes into
 * the files it writes (config, unit, manifest). A `root` other than `/` is a prefix for
 * every actual file operation (`onHost`), like a chroot or DESTDIR, so tests and image
 * builders can set up a tree without touching the machine they run on.
 */
import { DEFAULT_CONFIG_PATH } from '../config/index.js';

/** The logical paths sipwarden init knows about. */
export const PATHS = Object.freeze({
  asteriskDir: '/etc/asterisk',
  defaultAsteriskLogDir: '/var/log/asterisk',
  freepbxConf: '/etc/freepbx.conf',
  etcDir: '/etc/sipwarden',
  configFile: DEFAULT_CONFIG_PATH,
  libDir: '/var/lib/sipwarden',
  logDir: '/var/log/sipwarden',
  manifest: '/var/lib/sipwarden/install-manifest.json',
  unit: '/etc/systemd/system/sipwarden.service',
  logrotate: '/etc/logrotate.d/sipwarden',
});

/** The directories searched for a command (a service's PATH may lack the sbin folders). */
export const COMMAND_DIRS: readonly string[] = Object.freeze(['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']);

export { normaliseRoot, onHost } from '../domain/root.js';
