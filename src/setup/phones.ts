/**
 * Remote phones for `sipwarden init` (issue 13): the extensions the PBX's configuration
 * defines, and those the existing Asterisk logs show logging in successfully from an
 * address outside the default internal networks — phones at home or on the road, which
 * `accounts.extensions_internal_only: true` would otherwise block. Init proposes them as
 * roaming; `--yes` takes the proposal. Reads files (under the root), writes nothing; a
 * log is read from its last {@link TAIL_BYTES} only.
 *
 * An account name in a log is attacker text: only names the PBX's configuration defines
 * as extensions are proposed, and chan_sip's "Registered" lines (the address there is
 * the client's own Contact) are no evidence.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { discoverAccounts } from '../asterisk/index.js';
import { DEFAULTS } from '../config/defaults.js';
import { parseCidr, type Cidr } from '../domain/index.js';
import { compileZones } from '../engine/zones.js';
import { newDateCache, parseLine } from '../parsers/index.js';
import type { AsteriskSetup } from './detect.js';
import { onHost } from './paths.js';

/** How much of each log is read, from its end. */
export const TAIL_BYTES = 16 * 1024 * 1024;

/** An extension seen logging in from outside: where from, when last, and in which log. */
export interface SeenOutside {
  readonly account: string;
  readonly ip: string;
  readonly at: number;
  readonly log: string;
}

/** What init found about phones. */
export interface Phones {
  /** The extensions the PBX's configuration defines, sorted. */
  readonly extensions: readonly string[];
  /** Extensions that logged in from an external address, one (the latest) per account, sorted by account. */
  readonly outside: readonly SeenOutside[];
}

/** Reads the PBX's extensions and its logs' successful logins from outside; `now` anchors log dates without a year. */
export function findPhones(setup: AsteriskSetup, now: number): Phones {
  const accounts = setup.flavour === 'none' ? new Map() : discoverAccounts({ configDir: setup.asteriskDir, root: setup.root }).accounts;
  const extensions = [...accounts].filter(([, c]) => c.cls === 'extension').map(([a]) => a as string).sort();
  const isExtension = new Set(extensions);
  const zoneOf = compileZones({ internal: DEFAULTS.networks.internal.map((n) => parseCidr(n) as Cidr), trusted: [] });
  const latest = new Map<string, SeenOutside>();
  for (const log of setup.logs) {
    const cache = newDateCache();
    tail(onHost(setup.root, log)).split('\n').forEach((line, i) => {
      const ev = parseLine(line, { source: log, line: i + 1, refTime: now, cache, interest: 'auth' });
      if (ev?.kind !== 'auth_succeeded' || ev.signature === 'chansip-registered') return;
      if (!isExtension.has(ev.account) || zoneOf(ev.ip) !== 'external') return;
      const before = latest.get(ev.account);
      if (!before || before.at <= ev.at) latest.set(ev.account, { account: ev.account, ip: ev.ip, at: ev.at, log });
    });
  }
  return { extensions, outside: [...latest.values()].sort((a, b) => a.account.localeCompare(b.account)) };
}

/** The last {@link TAIL_BYTES} of a file ('' if it cannot be read), from its first whole line. */
function tail(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return '';
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    const text = buf.toString('utf8');
    return start === 0 ? text : text.slice(text.indexOf('\n') + 1);
  } finally {
    closeSync(fd);
  }
}
