/**
 * What Asterisk's Manager Interface (AMI) offers, from manager.conf and what it
 * includes (FreePBX's `manager_additional.conf` and `manager_custom.conf`). Plain data.
 */
import { basename, isAbsolute, join } from 'node:path';
import { lastValue, type ConfSection, type ConfTree } from '../asterisk/index.js';
import { astTrue, type DetectOptions } from './detect-logger.js';
import { loadConf } from '../asterisk/index.js';
import { PATHS } from './paths.js';

/** The AMI user name sipwarden init creates and looks for. */
export const AMI_USER = 'sipwarden';

/** Rights an AMI user lacks for the toll-fraud guard (read call and cdr, write call and system); [] when it has them. */
export function missingFraudRights(u: { readonly read: readonly string[]; readonly write: readonly string[] }): string[] {
  const has = (list: readonly string[], c: string) => list.includes(c) || list.includes('all');
  return [...['call', 'cdr'].filter((c) => !has(u.read, c)).map((c) => `read ${c}`), ...['call', 'system'].filter((c) => !has(u.write, c)).map((c) => `write ${c}`)];
}

/** One AMI user (a non-template section other than [general]). */
export interface AmiUser {
  readonly name: string;
  /** null: no `secret` (the user cannot log in with a password). */
  readonly secret: string | null;
  readonly read: readonly string[];
  readonly write: readonly string[];
  readonly permit: readonly string[];
  readonly deny: readonly string[];
  readonly definedIn: { readonly file: string; readonly line: number };
}

/** What the manager configuration says. */
export interface AmiFacts {
  readonly confFile: string;
  readonly found: boolean;
  readonly files: readonly string[];
  /** `enabled` in [general]; Asterisk's default is no. */
  readonly enabled: boolean;
  /** `bindaddr` (default 0.0.0.0: every address). */
  readonly bindaddr: string;
  readonly port: number;
  /** The names of every AMI user, in file order. */
  readonly users: readonly string[];
  /** The `[sipwarden]` user; null when there is none. Its secret is here: never print it. */
  readonly sipwarden: AmiUser | null;
  /** FreePBX's `manager_custom.conf` when manager.conf includes it; else null. */
  readonly customFile: string | null;
  readonly hasGeneralSection: boolean;
  readonly problems: readonly string[];
}

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');

function userOf(s: ConfSection): AmiUser {
  const all = (k: string) => s.entries.filter((e) => e.key.toLowerCase() === k).map((e) => e.value);
  const last = (k: string) => all(k).at(-1);
  return {
    name: s.name,
    secret: last('secret') ?? null,
    read: list(last('read')),
    write: list(last('write')),
    permit: all('permit'),
    deny: all('deny'),
    definedIn: { file: s.file, line: s.line },
  };
}

function customInclude(tree: ConfTree, asteriskDir: string): string | null {
  const inc = tree.includes.find((i) => basename(i.target) === 'manager_custom.conf');
  if (!inc) return null;
  return isAbsolute(inc.target) ? inc.target : join(asteriskDir, inc.target);
}

/** Reads the manager configuration under `opts.root`. Never throws for content. */
export function detectAmi(opts: DetectOptions = {}): AmiFacts {
  const asteriskDir = opts.asteriskDir ?? PATHS.asteriskDir;
  const tree = loadConf('manager.conf', { root: opts.root ?? '/', configDir: asteriskDir });
  const problems = tree.problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
  const general = (k: string) => lastValue(tree, 'general', k)?.value;
  const portText = general('port');
  const port = portText !== undefined && /^\d{1,5}$/.test(portText) && Number(portText) <= 65535 ? Number(portText) : 5038;
  if (portText !== undefined && port === 5038 && portText !== '5038') problems.push(`manager.conf: port ${JSON.stringify(portText)} is not a port number; assuming 5038`);
  // A user written twice is rare and ambiguous; the first section is the one reported.
  const users = new Map<string, AmiUser>();
  for (const s of tree.sections) {
    if (s.template || s.name.toLowerCase() === 'general' || users.has(s.name.toLowerCase())) continue;
    users.set(s.name.toLowerCase(), userOf(s));
  }
  return {
    confFile: tree.entry, found: tree.found, files: tree.files,
    enabled: astTrue(general('enabled')),
    bindaddr: general('bindaddr') ?? '0.0.0.0',
    port,
    users: [...users.values()].map((u) => u.name),
    sipwarden: users.get(AMI_USER) ?? null,
    customFile: customInclude(tree, asteriskDir),
    hasGeneralSection: tree.sections.some((s) => s.name.toLowerCase() === 'general'),
    problems,
  };
}

/** Whether an AMI `bindaddr` accepts connections to 127.0.0.1 (loopback or every address). */
export function reachableOnLoopback(bindaddr: string): boolean {
  return ['0.0.0.0', '::', '[::]', '127.0.0.1', ''].includes(bindaddr.trim()) || bindaddr.startsWith('127.');
}
