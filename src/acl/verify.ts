/**
 * Checks a planned block the way Asterisk will read it: the tree is assembled again with
 * the planned file contents in place of the real ones, and every `(+)` section of the
 * block must land in the account's own section — the endpoint (not its aor or auth), or
 * the chan_sip peer. An account whose section Asterisk would not find above the block
 * (it would then refuse the whole file) or would find another section for is reported
 * with the problem, so it can be left out and named for a manual fix. Pure given the
 * `ConfSource`.
 */
import { assembleConf, type ConfSection, type ConfSource, type ConfTree } from '../asterisk/index.js';
import { blockAppends } from './resolve.js';
import { endpointSections, peerSections, type Driver } from './select.js';

/** A `ConfSource` giving `planned` contents for some files and `under` for the rest. */
export function overlay(under: ConfSource, planned: ReadonlyMap<string, string>): ConfSource {
  const src: ConfSource = { read: (p) => (planned.has(p) ? (planned.get(p) as string) : under.read(p)) };
  return under.expand ? { ...src, expand: (g) => under.expand!(g) } : src;
}

/** The account's own section in `tree`: the endpoint or the peer named `name` (case-insensitive). */
export function ownSection(tree: ConfTree, driver: Driver, name: string): ConfSection | undefined {
  const all = driver === 'pjsip' ? endpointSections(tree) : peerSections(tree);
  return all.find((s) => s.name.toLowerCase() === name.toLowerCase());
}

/** An account whose `(+)` section would not land where it should, and why. */
export interface Misplaced {
  readonly name: string;
  readonly problem: string;
}

const at = (s: ConfSection) => `${s.file}:${s.line}`;

/**
 * Assembles `entry` with `planned` in place and checks every `(+)` section of
 * sipwarden's block in `file`. Returns the accounts whose additions would go astray.
 */
export function verifyBlock(entry: string, configDir: string, source: ConfSource, planned: ReadonlyMap<string, string>, file: string, driver: Driver): Misplaced[] {
  const text = planned.get(file);
  if (text === undefined) return [];
  const tree = assembleConf(entry, overlay(source, planned), configDir);
  const out: Misplaced[] = [];
  for (const a of blockAppends(tree, file, text)) {
    const own = ownSection(tree, driver, a.name);
    const what = driver === 'pjsip' ? 'endpoint' : 'chan_sip peer';
    if (own === undefined) out.push({ name: a.name, problem: `Asterisk would find no ${what} [${a.name}]` });
    else if (a.target === null) out.push({ name: a.name, problem: `[${a.name}] is defined at ${at(own)}, after ${file}: Asterisk would find no [${a.name}] there and refuse ${entry}` });
    else if (a.target !== own) out.push({ name: a.name, problem: `Asterisk would add to [${a.name}] at ${at(a.target)}, not to the ${what} at ${at(own)}` });
  }
  return out;
}
