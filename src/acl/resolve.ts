/**
 * Where Asterisk puts the lines of the `[name](+type=endpoint)` / `[name](+)` sections in
 * sipwarden's blocks. The shared reader (src/setup/asterisk-conf.ts) applies each `(+)`
 * header as Asterisk does — to the first section of that name read so far that matches
 * the filter — and records where it went in `ConfTree.appends`; this module only picks
 * out the headers inside sipwarden's blocks. Pure functions over an assembled `ConfTree`.
 */
import { parseConfText, type ConfSection, type ConfTree } from '../asterisk/index.js';
import { findAclBlocks } from './marks.js';

/** Where a `(+)` header is written: the logical file and its 1-based line. */
export interface HeaderAt {
  readonly file: string;
  readonly line: number;
}

/** The section Asterisk adds the header's lines to, or null when none matches (Asterisk then refuses the file). */
export function appendTarget(tree: ConfTree, h: HeaderAt): ConfSection | null {
  return tree.appends.find((a) => a.file === h.file && a.line === h.line)?.target ?? null;
}

/** A `(+)` section inside one of sipwarden's blocks, with its lines and where Asterisk puts them. */
export interface BlockAppend extends HeaderAt {
  readonly name: string;
  /** The text after `+` (`type=endpoint`; `''` for a bare `(+)`). */
  readonly filter: string;
  readonly entries: readonly { readonly key: string; readonly value: string }[];
  readonly target: ConfSection | null;
}

/**
 * The `(+)` sections of sipwarden's blocks in `text` (the content of the logical `file`,
 * as read into `tree`), each with the section Asterisk gives its lines to.
 */
export function blockAppends(tree: ConfTree, file: string, text: string): BlockAppend[] {
  const lines = parseConfText(text);
  const out: BlockAppend[] = [];
  for (const b of findAclBlocks(text)) {
    // Block content is 0-based lines first+1 .. last-1, i.e. 1-based lines first+2 .. last.
    let entries: { key: string; value: string }[] | null = null;
    for (const l of lines.filter((x) => x.line > b.first + 1 && x.line <= b.last)) {
      if (l.kind === 'section') {
        entries = l.append ? [] : null;
        if (entries) out.push({ file, line: l.line, name: l.name, filter: l.filter, entries, target: appendTarget(tree, { file, line: l.line }) });
      } else if (l.kind === 'entry') entries?.push({ key: l.key, value: l.value });
    }
  }
  return out;
}

/** The value of the last entry `key` (case-insensitive) of a section, as res_pjsip and chan_sip read it. */
export function entryValue(s: ConfSection, key: string): string | undefined {
  const k = key.toLowerCase();
  for (let i = s.entries.length - 1; i >= 0; i--) {
    const e = s.entries[i];
    if (e?.key.toLowerCase() === k) return e.value;
  }
  return undefined;
}
