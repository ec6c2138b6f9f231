/**
 * Which file each block goes into. FreePBX leaves files for local changes that its own
 * files include and it never rewrites; plain Asterisk has only the main file:
 *
 *   named ACL        acl_custom.conf                   if acl.conf includes it, else acl.conf
 *   PJSIP endpoints  pjsip.endpoint_custom_post.conf   if pjsip.conf includes it, else pjsip.conf
 *   chan_sip peers   sip_custom_post.conf              if sip.conf includes it, else sip.conf
 *
 * A block ends inside the section it opens last; a custom file is used only when no bare
 * `key = value` line follows its `#include` (such a line would land in that section).
 * After a change Asterisk reloads the ACLs first, then PJSIP, then chan_sip.
 * Pure over an assembled tree and a `ConfSource`.
 */
import { basename, isAbsolute, join } from 'node:path';
import { parseConfText, type ConfSource, type ConfTree } from '../asterisk/index.js';
import { asteriskReloads, type FollowUp } from '../setup/flow.js';
import type { AclPurpose } from './marks.js';

/** One of the three things written, with its files. */
export interface Subsystem {
  readonly purpose: AclPurpose;
  /** The file Asterisk reads (pjsip.conf ...). */
  readonly entry: string;
  /** The local-changes file FreePBX includes from it. */
  readonly custom: string;
  /** What Asterisk must reload after a change. */
  readonly reload: AclReload;
}

/** A reload: `module reload acl`, `module reload res_pjsip.so`, `sip reload`. */
export type AclReload = 'acl' | 'pjsip' | 'sip';

/** The three subsystems in the order they are written and reloaded (the ACL first: endpoints name it). */
export const SUBSYSTEMS: readonly Subsystem[] = Object.freeze([
  { purpose: 'internal-acl', entry: 'acl.conf', custom: 'acl_custom.conf', reload: 'acl' },
  { purpose: 'pjsip-endpoints', entry: 'pjsip.conf', custom: 'pjsip.endpoint_custom_post.conf', reload: 'pjsip' },
  { purpose: 'sip-peers', entry: 'sip.conf', custom: 'sip_custom_post.conf', reload: 'sip' },
]);

/** The Asterisk CLI command of each reload. */
export const RELOAD_COMMANDS: Readonly<Record<AclReload, string>> = Object.freeze({
  acl: 'module reload acl',
  pjsip: 'module reload res_pjsip.so',
  sip: 'sip reload',
});

/** What Asterisk must run after files of `reloads` changed, in the order of SUBSYSTEMS (the endpoints name the ACL). */
export function reloadsAfter(reloads: ReadonlySet<AclReload>): FollowUp[] {
  return asteriskReloads(SUBSYSTEMS.filter((s) => reloads.has(s.reload)).map((s) => RELOAD_COMMANDS[s.reload]), true);
}

/** The file chosen for a block, and why not the other one (null: nothing to say). */
export interface Target {
  readonly path: string;
  readonly custom: boolean;
  readonly note: string | null;
}

/** Whether a bare entry follows line `line` of `text` before any section header, include or the end. */
function bareEntryAfter(text: string, line: number): boolean {
  const next = parseConfText(text).find((l) => l.line > line);
  return next?.kind === 'entry';
}

/** Picks the file for `sub`'s block from the tree of its entry file (logical paths under `configDir`). */
export function chooseTarget(tree: ConfTree, sub: Subsystem, configDir: string, source: ConfSource): Target {
  const entry = join(configDir, sub.entry);
  const custom = join(configDir, sub.custom);
  const inc = tree.includes.find((i) => (isAbsolute(i.target) ? i.target : join(configDir, i.target)) === custom || basename(i.target) === sub.custom);
  if (inc === undefined) return { path: entry, custom: false, note: null };
  const includer = source.read(inc.from) ?? '';
  if (bareEntryAfter(includer, inc.line)) {
    return { path: entry, custom: false, note: `${inc.from} has settings right after "#include ${inc.target}" (line ${inc.line}) that a block there would capture: writing to ${entry} instead` };
  }
  const path = isAbsolute(inc.target) ? inc.target : custom;
  return { path, custom: true, note: null };
}
