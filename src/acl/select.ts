/**
 * Which accounts Asterisk should hold to the internal networks: every PJSIP endpoint and
 * chan_sip peer whose class is `extension` — config patterns first, then what discovery
 * read from the PBX's own files (the engine's `compileAccounts`, as `sipwarden accounts`
 * shows it). Trunks and roaming extensions are left alone, each with the reason. Pure
 * over assembled trees.
 */
import { peerAccounts, pjsipAccounts } from '../asterisk/index.js';
import { compileAccounts, type AccountClass, type Classified } from '../engine/index.js';
import { sectionsNamed, type ConfSection, type ConfTree } from '../asterisk/index.js';
import { entryValue } from './resolve.js';

/** The channel driver an account belongs to (IAX2 accounts are only listed, never changed). */
export type Driver = 'pjsip' | 'sip' | 'iax2';

/** Account name patterns from the config (`accounts.extensions`, `.trunks`, `.roaming`). */
export interface Patterns {
  readonly extensions: readonly string[];
  readonly trunks: readonly string[];
  readonly roaming: readonly string[];
}

/** An account and its class, with why; `section` is where it is defined. */
export interface Account {
  readonly driver: Driver;
  readonly name: string;
  readonly cls: AccountClass;
  readonly why: string;
  readonly section: ConfSection;
}

/** The accounts of one driver: to protect, left alone, and those that cannot be given an ACL automatically. */
export interface Selection {
  readonly protect: Account[];
  readonly leftAlone: Account[];
  /** Extensions sipwarden cannot safely add to, with the problem and the manual fix. */
  readonly refused: { readonly account: Account; readonly problem: string }[];
}

const byName = (a: Account, b: Account) => a.name.localeCompare(b.name, 'en', { numeric: true });

/** The PJSIP endpoint sections (not templates), in file order. */
export function endpointSections(tree: ConfTree): ConfSection[] {
  return tree.sections.filter((s) => !s.template && entryValue(s, 'type')?.toLowerCase() === 'endpoint');
}

/** The chan_sip sections discovery counts as peers (a host= line, not [general]). */
export function peerSections(tree: ConfTree): ConfSection[] {
  return tree.sections.filter((s) => !s.template && entryValue(s, 'host') !== undefined && !['general', 'authentication'].includes(s.name.toLowerCase()));
}

/** Whether a section already names the ACL in `key` (e.g. an admin wrote it by hand). */
export function hasAcl(s: ConfSection, key: string, acl: string): boolean {
  return s.entries.some((e) => e.key.toLowerCase() === key && e.value.split(',').some((v) => v.trim() === acl));
}

function classifier(p: Patterns, discovered: ReadonlyMap<string, Classified>): (name: string) => Classified {
  return compileAccounts({ extensions: p.extensions, trunks: p.trunks, roaming: p.roaming, discovered });
}

/** The auth user name of a PJSIP endpoint, when it differs from the endpoint's name. */
function authUser(tree: ConfTree, ep: ConfSection): string | undefined {
  const auth = entryValue(ep, 'auth')?.split(',')[0]?.trim();
  if (!auth) return undefined;
  const sec = sectionsNamed(tree, auth).find((s) => entryValue(s, 'type')?.toLowerCase() === 'auth');
  const user = sec && entryValue(sec, 'username');
  return user && user !== ep.name ? user : undefined;
}

function split(accounts: Account[], duplicates: (a: Account) => string | null): Selection {
  const out: Selection = { protect: [], leftAlone: [], refused: [] };
  const seen = new Set<string>();
  for (const a of accounts.sort(byName)) {
    if (seen.has(a.name.toLowerCase())) continue; // a name written twice is reported once, at its first section
    seen.add(a.name.toLowerCase());
    if (a.cls !== 'extension') { out.leftAlone.push(a); continue; }
    const problem = duplicates(a);
    if (problem) out.refused.push({ account: a, problem });
    else out.protect.push(a);
  }
  return out;
}

/**
 * The PJSIP endpoints of `tree` by class. An endpoint counts as an extension only if
 * its auth user name (when it has its own) is one too: a pattern naming either as a
 * trunk or roaming wins.
 */
export function selectEndpoints(tree: ConfTree, p: Patterns): Selection {
  const classify = classifier(p, pjsipAccounts(tree));
  const eps = endpointSections(tree);
  const accounts = eps.map((s): Account => {
    const c = classify(s.name);
    const user = authUser(tree, s);
    const u = user === undefined ? null : classify(user);
    const pick = u !== null && c.cls === 'extension' && u.cls !== 'extension' && u.cls !== 'unknown' ? { cls: u.cls, why: `its auth user name ${JSON.stringify(user)}: ${u.why}` } : c;
    return { driver: 'pjsip', name: s.name, cls: pick.cls, why: pick.why, section: s };
  });
  return split(accounts, (a) => {
    const same = eps.filter((s) => s.name.toLowerCase() === a.name.toLowerCase());
    return same.length > 1 ? `[${a.name}] is defined as an endpoint ${same.length} times (${same.map((s) => `${s.file}:${s.line}`).join(', ')})` : null;
  });
}

/** The chan_sip peers of `tree` by class; a name written as several sections is refused (`(+)` would pick the first). */
export function selectPeers(tree: ConfTree, p: Patterns): Selection {
  const classify = classifier(p, peerAccounts(tree, 'sip'));
  const accounts = peerSections(tree).map((s): Account => ({ driver: 'sip', name: s.name, ...classify(s.name), section: s }));
  return split(accounts, (a) => {
    const same = sectionsNamed(tree, a.name);
    return same.length > 1 ? `[${a.name}] is written as ${same.length} sections in sip.conf (${same.map((s) => `${s.file}:${s.line}`).join(', ')})` : null;
  });
}

/** IAX2 peers, all left alone: this command covers PJSIP and chan_sip; an IAX2 extension is named for a manual fix. */
export function selectIax(tree: ConfTree, p: Patterns): Selection {
  const classify = classifier(p, peerAccounts(tree, 'iax2'));
  const leftAlone = peerSections(tree).map((s): Account => {
    const c = classify(s.name);
    const why = c.cls === 'extension' ? `${c.why}; IAX2 is not covered by sipwarden asterisk-acl (limit it in iax.conf yourself)` : c.why;
    return { driver: 'iax2', name: s.name, cls: c.cls, why, section: s };
  });
  return { protect: [], leftAlone: leftAlone.sort(byName), refused: [] };
}
