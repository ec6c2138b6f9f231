/**
 * `sipwarden asterisk-acl`'s plan: the named ACL of the internal networks, and for every
 * extension (PJSIP endpoint or chan_sip peer; not trunks, not roaming) the settings that
 * name it — each as a marked block in the file chosen by targets.ts. Reads files (under
 * the root prefix), writes nothing; `applyAclPlan` carries it out through the shared
 * flow (src/setup/flow.ts: backups, the install manifest, then Asterisk's reloads).
 *
 * The plan is worked out from the tree as it would be WITHOUT sipwarden's blocks, and
 * sets each file to hold exactly the blocks wanted now: planning again after applying
 * gives no edits (idempotence); a changed network list or account class replaces the
 * block in place; an account that stops being an extension leaves the block.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assembleConf, sectionsNamed, type ConfSource, type ConfTree } from '../asterisk/index.js';
import { fsSource } from '../asterisk/index.js';
import { applyChanges, type ApplyOptions, type ApplyResult, type FileEdit, type Planned } from '../setup/flow.js';
import { normaliseRoot, onHost, PATHS } from '../setup/paths.js';
import { putAclBlock, removeAclBlocks, type AclBlock, type AclPurpose } from './marks.js';
import { ACL_NAME, aclBlock, endpointsBlock, peersBlock, PJSIP_KEYS, SIP_KEYS, type Addition } from './render.js';
import { loopbackWarning } from './hints.js';
import { hasAcl, selectEndpoints, selectIax, selectPeers, type Account, type Patterns, type Selection } from './select.js';
import { chooseTarget, reloadsAfter, SUBSYSTEMS, type AclReload, type Subsystem, type Target } from './targets.js';
import { verifyBlock } from './verify.js';

/** What planning needs; paths are logical. */
export interface AclPlanOptions {
  /** Root prefix for every file (default `/`). */
  readonly root?: string;
  /** Asterisk's config directory (default /etc/asterisk; the config's accounts.asterisk_config). */
  readonly asteriskDir?: string;
  /** networks.internal, as CIDR strings. */
  readonly internal: readonly string[];
  readonly patterns: Patterns;
  /** networks.trusted entries (addresses, networks and names): not in the ACL, so warned about. */
  readonly trusted?: readonly string[];
  /** Go ahead although networks.internal is empty (every extension is then refused). */
  readonly force?: boolean;
}

/** One file to change (content before and after; `ownerFrom`: an existing Asterisk file a new one copies), and the block it ends up holding. */
export interface AclEdit extends FileEdit {
  /** The block written (null: the edit only takes one out). */
  readonly block: AclBlock | null;
  readonly reload: AclReload;
}

/** An extension sipwarden leaves to the admin, with the problem and the lines to add by hand. */
export interface Refused {
  readonly account: Account;
  readonly problem: string;
}

/** The whole plan. `edits` are in the order they are applied (the ACL first); the reloads follow in that order. */
export interface AclPlan extends Planned {
  readonly command: 'asterisk-acl';
  readonly asteriskDir: string;
  readonly internal: readonly string[];
  readonly edits: readonly AclEdit[];
  /** Extensions Asterisk will hold to the internal networks (including those already set by hand). */
  readonly protect: readonly Account[];
  readonly leftAlone: readonly Account[];
  readonly refused: readonly Refused[];
  /** Why the plan must not be carried out (null: it may). */
  readonly blocker: string | null;
}

const NONE: Selection = { protect: [], leftAlone: [], refused: [] };
const keysOf = (a: Account) => (a.driver === 'pjsip' ? PJSIP_KEYS : SIP_KEYS);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Reads each file once, so the plan and its `before` contents agree. */
function cachedSource(disk: ConfSource): ConfSource & { cache: Map<string, string | null> } {
  const cache = new Map<string, string | null>();
  const read = (p: string) => {
    if (!cache.has(p)) cache.set(p, disk.read(p));
    return cache.get(p) ?? null;
  };
  return disk.expand ? { cache, read, expand: (g) => disk.expand!(g) } : { cache, read };
}

/** The files of `sub` and the contents they should have with `block` in `target` (unchanged files left out). */
function contents(src: ConfSource, sub: Subsystem, dir: string, target: Target, block: AclBlock | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of new Set([target.path, join(dir, sub.entry), join(dir, sub.custom)])) {
    const cur = src.read(p);
    const next = p === target.path ? (cur === null && block === null ? null : putAclBlock(cur ?? '', sub.purpose, block)) : cur === null ? null : removeAclBlocks(cur, sub.purpose);
    if (next !== null && next !== cur) out.set(p, next);
  }
  return out;
}

/** The first existing of the Asterisk files, whose owner and mode a new file copies. */
function ownerFile(src: ConfSource, dir: string, sub: Subsystem): string | null {
  return [sub.entry, 'pjsip.conf', 'sip.conf', 'asterisk.conf'].map((n) => join(dir, n)).find((p) => src.read(p) !== null) ?? null;
}

function sayEdit(sub: Subsystem, path: string, before: string | null, block: AclBlock | null, adds: number, internal: number): string {
  const created = before === null ? ' (a new file)' : '';
  if (block === null) return `take sipwarden's ${sub.purpose} block out of ${path} (nothing of it is wanted there now)`;
  const had = before !== null && removeAclBlocks(before, sub.purpose) !== before;
  if (sub.purpose === 'internal-acl') {
    return `${had ? 'replace' : 'add'} the named ACL [${ACL_NAME}] ${had ? 'in' : 'to'} ${path}${created}: deny every address, permit ${plural(internal, 'internal network')}`;
  }
  const what = sub.purpose === 'pjsip-endpoints' ? plural(adds, 'PJSIP endpoint') : plural(adds, 'chan_sip peer');
  return `${had ? 'rewrite' : 'add'} the ${sub.purpose} block ${had ? 'in' : 'to'} ${path}${created}: ${what} may register only from [${ACL_NAME}]`;
}

/** Splits protected accounts into additions (settings still missing) and those already set by hand. */
function additions(accounts: readonly Account[], done: string[]): { adds: Addition[]; complete: Account[] } {
  const adds: Addition[] = [];
  const complete: Account[] = [];
  for (const a of accounts) {
    const keys = keysOf(a).filter((k) => !hasAcl(a.section, k, ACL_NAME));
    if (keys.length > 0) adds.push({ name: a.name, keys });
    else { complete.push(a); done.push(`${a.driver === 'pjsip' ? 'endpoint' : 'peer'} [${a.name}] already names ${ACL_NAME} (${a.section.file}:${a.section.line})`); }
  }
  return { adds, complete };
}

/** Plans the block of one driver, leaving out accounts whose additions would go astray. */
function driverBlock(src: ConfSource, sub: Subsystem, dir: string, target: Target, sel: Selection, done: string[], refused: Refused[]): { block: AclBlock | null; files: Map<string, string>; count: number; anyAcl: boolean } {
  const driver = sub.purpose === 'pjsip-endpoints' ? 'pjsip' : 'sip';
  const render = driver === 'pjsip' ? endpointsBlock : peersBlock;
  const { adds, complete } = additions(sel.protect, done);
  let keep = adds;
  for (let round = 0; round < 3; round++) {
    const files = contents(src, sub, dir, target, render(keep));
    const bad = verifyBlock(join(dir, sub.entry), dir, src, files, target.path, driver);
    if (bad.length === 0) return { block: render(keep), files, count: keep.length, anyAcl: keep.length + complete.length > 0 };
    for (const m of bad) {
      const acc = sel.protect.find((a) => a.name === m.name);
      if (acc) refused.push({ account: acc, problem: m.problem });
    }
    keep = keep.filter((a) => !bad.some((m) => m.name === a.name));
  }
  throw new Error(`sipwarden asterisk-acl: could not place the ${sub.purpose} block in ${target.path}`); // a bug if reached
}

/** What the warnings are worked out from. */
interface Facts {
  readonly opts: AclPlanOptions;
  readonly root: string;
  readonly dir: string;
  readonly trees: Readonly<Record<AclPurpose, ConfTree>>;
  readonly targets: Readonly<Record<AclPurpose, Target>>;
  readonly edits: readonly AclEdit[];
  readonly refused: readonly Refused[];
  /** Whether the ACL is written (some extension names it). */
  readonly acl: boolean;
}

/** Everything the person deciding should hear about, most serious first. */
function warningsOf(f: Facts): string[] {
  const out: string[] = [];
  const { internal, force, trusted = [] } = f.opts;
  if (f.acl && internal.length === 0) {
    out.push(`networks.internal is empty: the ACL would deny every address, so Asterisk would refuse EVERY phone listed above — set networks.internal in sipwarden's config${force ? ' (going ahead: --force)' : ' (or add --force to do it anyway)'}`);
  }
  const loopback = f.acl ? loopbackWarning(internal, f.trees['pjsip-endpoints'], f.trees['sip-peers']) : null;
  if (loopback) out.push(loopback);
  if (f.acl && trusted.length > 0) out.push(`networks.trusted (${trusted.join(', ')}) is not in the ACL: an extension registering from there is refused by Asterisk; list such extensions in accounts.roaming`);
  const freepbx = existsSync(onHost(f.root, PATHS.freepbxConf));
  for (const sub of SUBSYSTEMS) {
    const t = f.targets[sub.purpose];
    if (t.note && f.edits.some((e) => e.path === t.path)) out.push(t.note);
    if (freepbx && !t.custom && sub.purpose !== 'internal-acl' && f.edits.some((e) => e.path === t.path && e.block)) {
      out.push(`FreePBX rewrites ${t.path}: the block is lost at its next "Apply Config" (${t.path} should "#include ${sub.custom}")`);
    }
  }
  for (const r of f.refused) {
    out.push(`${r.account.driver === 'pjsip' ? 'endpoint' : 'peer'} [${r.account.name}] is NOT protected: ${r.problem}; add ${keysOf(r.account).map((k) => `"${k} = ${ACL_NAME}"`).join(' and ')} to it yourself (${r.account.section.file}:${r.account.section.line})`);
  }
  if (!f.trees['pjsip-endpoints'].found && !f.trees['sip-peers'].found) out.push(`no pjsip.conf or sip.conf in ${f.dir}: there are no extensions to protect`);
  return out;
}

/** Why the plan must not be carried out, or null. */
function blockerOf(f: Facts): string | null {
  const clash = sectionsNamed(f.trees['internal-acl'], ACL_NAME)[0];
  if (f.acl && clash) return `${clash.file}:${clash.line} already defines [${ACL_NAME}], and sipwarden did not write it: rename that section (or delete it) and run sipwarden asterisk-acl again`;
  if (f.acl && f.opts.internal.length === 0 && !f.opts.force) return 'networks.internal is empty: that would lock every phone out (set networks.internal, or add --force)';
  return null;
}

const bySub = <T>(make: (s: Subsystem) => T) => Object.fromEntries(SUBSYSTEMS.map((s) => [s.purpose, make(s)])) as Record<AclPurpose, T>;

/** Plans `sipwarden asterisk-acl`. Throws only for I/O errors (e.g. unreadable files). */
export function planAcl(opts: AclPlanOptions): AclPlan {
  const root = normaliseRoot(opts.root);
  const dir = opts.asteriskDir ?? PATHS.asteriskDir;
  const src = cachedSource(fsSource(root));
  // The tree as it would be without sipwarden's blocks: what there is to protect, and where.
  const base: ConfSource = { read: (p) => { const t = src.read(p); return t === null ? null : removeAclBlocks(t); }, expand: (g) => src.expand!(g) };
  const trees = bySub((s) => assembleConf(join(dir, s.entry), base, dir));
  const targets = bySub((s) => chooseTarget(trees[s.purpose], s, dir, base));
  const [aclSub, pjsipSub, sipSub] = SUBSYSTEMS as [Subsystem, Subsystem, Subsystem];
  const eps = trees['pjsip-endpoints'].found ? selectEndpoints(trees['pjsip-endpoints'], opts.patterns) : NONE;
  const peers = trees['sip-peers'].found ? selectPeers(trees['sip-peers'], opts.patterns) : NONE;
  const iax = selectIax(assembleConf(join(dir, 'iax.conf'), base, dir), opts.patterns);
  const done: string[] = [];
  const refused: Refused[] = [...eps.refused, ...peers.refused];
  const p = driverBlock(src, pjsipSub, dir, targets['pjsip-endpoints'], eps, done, refused);
  const s = driverBlock(src, sipSub, dir, targets['sip-peers'], peers, done, refused);
  const acl = p.anyAcl || s.anyAcl ? aclBlock(opts.internal) : null;

  const edits: AclEdit[] = [];
  const add = (sub: Subsystem, files: Map<string, string>, block: AclBlock | null, count: number) => {
    for (const [path, after] of files) {
      const before = src.read(path);
      const written = path === targets[sub.purpose].path ? block : null;
      edits.push({ kind: 'edit', path, before, after, block: written, reload: sub.reload, ownerFrom: ownerFile(src, dir, sub), secret: false, say: sayEdit(sub, path, before, written, count, opts.internal.length) });
    }
  };
  add(aclSub, contents(src, aclSub, dir, targets['internal-acl'], acl), acl, 0);
  add(pjsipSub, p.files, p.block, p.count);
  add(sipSub, s.files, s.block, s.count);

  const facts: Facts = { opts, root, dir, trees, targets, edits, refused, acl: acl !== null };
  const out = new Set(refused.map((r) => `${r.account.driver}:${r.account.name}`));
  const protect = [...eps.protect, ...peers.protect].filter((a) => !out.has(`${a.driver}:${a.name}`));
  return {
    command: 'asterisk-acl', root, asteriskDir: dir, internal: opts.internal, edits, protect, leftAlone: [...eps.leftAlone, ...peers.leftAlone, ...iax.leftAlone],
    refused, done, warnings: warningsOf(facts), blocker: blockerOf(facts), followUps: reloadsAfter(new Set(edits.map((e) => e.reload))),
  };
}

/** Carries out the plan (see src/setup/flow.ts). Throws a SipwardenError if the plan has a blocker or a file changed since planning. */
export function applyAclPlan(plan: AclPlan, opts: ApplyOptions = {}): Promise<ApplyResult> {
  return applyChanges(plan, plan.edits, opts);
}
