/**
 * Where Asterisk puts the lines under a `[name](+)` or `[name](+filter)` header.
 *
 * Asterisk (main/config.c, process_text_line) appends to `ast_category_get(cfg, name,
 * filter)`: the FIRST non-template section of that name read so far whose variables
 * match the filter — not the last one. The filter is `name_regex=value_regex` pairs
 * joined by `&` (POSIX extended regexes, unanchored, case-sensitive); every pair must
 * match one variable, inherited ones included. With no such section Asterisk refuses
 * the whole file. So in a pjsip.conf where [100] is an endpoint, an auth and an aor,
 * `[100](+)` adds to whichever was written first, and `[100](+type=endpoint)` adds to
 * the endpoint wherever it stands (Asterisk's "Adding to an existing section").
 *
 * The shared reader (src/setup/asterisk-conf.ts) files a `(+)` section's lines under the
 * LAST section of that name and ignores the filter. `appendTarget` works from its tree
 * all the same: every section of the name up to the one the reader chose existed when
 * the header was read, and Asterisk's choice is the first of them that matches.
 * Pure functions over an assembled `ConfTree`.
 */
import { sectionsNamed, type ConfSection, type ConfTree } from '../setup/index.js';
import { findAclBlocks } from './marks.js';

/** One `name_regex=value_regex` pair of a `(+...)` filter. */
export interface FilterPair {
  readonly name: RegExp;
  readonly value: RegExp;
}

/** `type=endpoint&foo=bar` as pairs; null when a pair has no `=` (Asterisk then matches nothing). */
export function parseFilter(text: string): FilterPair[] | null {
  const pairs: FilterPair[] = [];
  for (const raw of text.split('&').map((p) => p.trim()).filter((p) => p !== '')) {
    const eq = raw.indexOf('=');
    if (eq < 0) return null;
    pairs.push({ name: new RegExp(raw.slice(0, eq).trim()), value: new RegExp(raw.slice(eq + 1).trim()) });
  }
  return pairs;
}

/** Whether Asterisk's filter matches the section: each pair matches one of its entries (inherited ones too). */
export function sectionMatches(s: ConfSection, filter: readonly FilterPair[]): boolean {
  return filter.every((p) => s.entries.some((e) => p.name.test(e.key) && p.value.test(e.value)));
}

/** A `(+)` header as written: where, the section name, its filter (empty: none). */
export interface AppendHeader {
  readonly file: string;
  /** 1-based line of the header. */
  readonly line: number;
  readonly name: string;
  readonly filter: readonly FilterPair[];
}

/**
 * The section Asterisk appends the header's lines to, or null when it would refuse the
 * file (no matching section of that name before the header). The header must have an
 * entry on the line right below it (sipwarden's blocks always do).
 */
export function appendTarget(tree: ConfTree, h: AppendHeader): ConfSection | null {
  const named = sectionsNamed(tree, h.name);
  const holder = named.findIndex((s) => s.entries.some((e) => !e.inherited && e.file === h.file && e.line === h.line + 1));
  if (holder < 0) return null;
  const held = named[holder] as ConfSection;
  // The reader opened a section of its own for the header: none of that name existed.
  if (held.file === h.file && held.line === h.line) return null;
  return named.slice(0, holder + 1).find((s) => sectionMatches(s, h.filter)) ?? null;
}

/** A `(+)` section inside one of sipwarden's blocks, with its lines and where Asterisk puts them. */
export interface BlockAppend extends AppendHeader {
  readonly entries: readonly { readonly key: string; readonly value: string }[];
  readonly target: ConfSection | null;
}

const HEADER_RE = /^\[([^\]]+)\]\(\+([^)]*)\)\s*$/;
const ENTRY_RE = /^([^=;\s][^=]*?)\s*=\s*(.*?)\s*$/;

/**
 * The `(+)` sections of sipwarden's blocks in `text` (the content of the logical `file`,
 * as read into `tree`), each with the section Asterisk gives its lines to.
 */
export function blockAppends(tree: ConfTree, file: string, text: string): BlockAppend[] {
  const lines = text.split('\n');
  const out: BlockAppend[] = [];
  for (const b of findAclBlocks(text)) {
    let cur: { name: string; line: number; filter: FilterPair[]; entries: { key: string; value: string }[] } | null = null;
    const flush = () => { if (cur) out.push({ file, ...cur, target: appendTarget(tree, { file, ...cur }) }); };
    for (let i = b.first + 1; i < b.last; i++) {
      const l = (lines[i] as string).trim();
      const h = HEADER_RE.exec(l);
      const e = h ? null : ENTRY_RE.exec(l);
      if (h) {
        flush();
        cur = { name: (h[1] as string).trim(), line: i + 1, filter: parseFilter(h[2] as string) ?? [], entries: [] };
      } else if (e && cur) cur.entries.push({ key: e[1] as string, value: e[2] as string });
    }
    flush();
  }
  return out;
}

/** The value of the last entry `key` (case-insensitive) of a section, as res_pjsip and chan_sip read it. */
export function valueOf(s: ConfSection, key: string): string | undefined {
  const k = key.toLowerCase();
  for (let i = s.entries.length - 1; i >= 0; i--) {
    const e = s.entries[i];
    if (e?.key.toLowerCase() === k) return e.value;
  }
  return undefined;
}
