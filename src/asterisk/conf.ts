/**
 * A reader of Asterisk's .conf syntax, as main/config.c reads it:
 *
 *   [section]  [tpl](!)  [name](tpl1,tpl2)                section headers
 *   [name](+)  [name](+type=endpoint)                      additions to a section
 *   key = value   key => value   key += more              entries
 *   ; comment   ;-- block comment --;   \;  (a literal ;)
 *   #include file   #tryinclude file   #exec cmd          directives
 *
 * `#include` is textual: the included file continues in the section that was current
 * where it was included (so FreePBX's `logger_logfiles_custom.conf`, included under
 * `[logfiles]`, holds bare `name => levels` lines). A relative include names a file in
 * the config directory (Asterisk's `astetcdir`), whatever file includes it; globs are
 * expanded. A missing `#include` makes Asterisk refuse the whole file; a missing
 * `#tryinclude` is ignored. `#exec` is recorded, never run.
 *
 * `[name](+)` adds its lines to the FIRST section named `name` read so far that is not
 * a template; `[name](+filter)` to the first whose variables match the filter
 * (asterisk-conf-filter.ts) — so in a pjsip.conf where [6001] is an endpoint, an aor and
 * an auth, `[6001](+)` adds to whichever was written first and `[6001](+type=aor)` to
 * the aor. With no such section Asterisk stops with "Category addition requested, but
 * category '6001' does not exist" and refuses the whole file: the reader reports that
 * as a problem, gives the header's lines to no section and reads on. Inheritance
 * `[name](tpl)` copies the first section named `tpl`, template or not. (main/config.c:
 * `process_text_line`, `ast_category_get`.)
 *
 * `parseConfText` is pure (one file's text to lines); `assembleConf` is pure given its
 * `ConfSource` (it follows includes through it); `loadConf` (loader.ts) reads a real tree.
 */
import { isAbsolute, join } from 'node:path';
import { compileFilter } from './conf-filter.js';

/** One meaningful line of a file. `line` is 1-based. */
export type ConfLine =
  | { readonly kind: 'section'; readonly line: number; readonly name: string; readonly template: boolean; readonly append: boolean; readonly filter: string; readonly inherits: readonly string[] }
  | { readonly kind: 'entry'; readonly line: number; readonly key: string; readonly value: string; readonly object: boolean; readonly add: boolean }
  | { readonly kind: 'include'; readonly line: number; readonly target: string; readonly optional: boolean }
  | { readonly kind: 'exec'; readonly line: number; readonly command: string }
  | { readonly kind: 'invalid'; readonly line: number; readonly problem: string };

/** Removes comments from one line; `depth` carries `;-- --;` nesting across lines. `\;` is a literal `;`. */
function stripComments(raw: string, state: { depth: number }): string {
  let out = '';
  let i = 0;
  while (i < raw.length) {
    if (raw.startsWith(';--', i) && raw[i + 3] !== '-') { state.depth++; i += 3; continue; }
    if (state.depth > 0) {
      if (raw.startsWith('--;', i)) { state.depth--; i += 3; } else i++;
      continue;
    }
    const c = raw[i] as string;
    if (c === '\\' && raw[i + 1] === ';') { out += ';'; i += 2; continue; }
    if (c === ';') break;
    out += c;
    i++;
  }
  return out.trim();
}

/** `"x"` or `<x>` to `x`, as Asterisk dequotes directive arguments. */
function dequote(s: string): string {
  const close = s[0] === '"' ? '"' : s[0] === '<' ? '>' : null;
  return close !== null && s.length >= 2 && s.endsWith(close) ? s.slice(1, -1) : s;
}

function parseHeader(text: string, line: number): ConfLine {
  const close = text.indexOf(']');
  if (close < 0) return { kind: 'invalid', line, problem: "section header without a closing ']'" };
  const name = text.slice(1, close).trim();
  let template = false;
  let append = false;
  let filter = '';
  const inherits: string[] = [];
  if (text[close + 1] === '(') {
    const end = text.indexOf(')', close);
    if (end < 0) return { kind: 'invalid', line, problem: "section options without a closing ')'" };
    for (const opt of text.slice(close + 2, end).split(',').map((o) => o.trim()).filter((o) => o !== '')) {
      if (opt === '!') template = true;
      else if (opt.startsWith('+')) { append = true; filter = opt.slice(1).trim(); }
      else inherits.push(opt);
    }
  }
  return { kind: 'section', line, name, template, append, filter, inherits };
}

function parseDirective(text: string, line: number): ConfLine {
  const m = /^#(\S+)\s*(.*)$/.exec(text);
  const word = (m?.[1] ?? '').toLowerCase();
  const arg = dequote((m?.[2] ?? '').trim());
  if (word !== 'include' && word !== 'tryinclude' && word !== 'exec') return { kind: 'invalid', line, problem: `unknown directive #${word}` };
  if (arg === '') return { kind: 'invalid', line, problem: `#${word} needs an argument` };
  if (word === 'exec') return { kind: 'exec', line, command: arg };
  return { kind: 'include', line, target: arg, optional: word === 'tryinclude' };
}

function parseEntry(text: string, line: number): ConfLine {
  const body = text.startsWith('\\') ? text.slice(1) : text;
  const eq = body.indexOf('=', 1);
  if (eq < 0) return { kind: 'invalid', line, problem: "no '=' in the line" };
  const add = body[eq - 1] === '+';
  const object = !add && body[eq + 1] === '>';
  const key = body.slice(0, add ? eq - 1 : eq).trim();
  const value = body.slice(eq + (object ? 2 : 1)).trim();
  if (key === '') return { kind: 'invalid', line, problem: 'no name before the =' };
  return { kind: 'entry', line, key, value, object, add };
}

/** Splits one file's text into its meaningful lines (comments and blank lines dropped). Pure. */
export function parseConfText(text: string): ConfLine[] {
  const out: ConfLine[] = [];
  const state = { depth: 0 };
  text.split('\n').forEach((raw, i) => {
    const s = stripComments(raw.replace(/\r$/, ''), state);
    if (s === '') return;
    const line = i + 1;
    out.push(s[0] === '[' ? parseHeader(s, line) : s[0] === '#' ? parseDirective(s, line) : parseEntry(s, line));
  });
  return out;
}

/** An entry of an assembled section: where it was written (logical path, line). */
export interface ConfEntry {
  readonly key: string;
  value: string;
  readonly object: boolean;
  readonly file: string;
  readonly line: number;
  /** Copied from a template or section this one inherits from. */
  readonly inherited: boolean;
}

/** A section as Asterisk sees it after includes, `(+)` additions and inheritance. */
export interface ConfSection {
  readonly name: string;
  readonly template: boolean;
  readonly file: string;
  readonly line: number;
  readonly entries: ConfEntry[];
}

/** Something Asterisk would warn about or refuse, with where it is. */
export interface ConfProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** A `[name](+)` or `[name](+filter)` header and the section Asterisk gives its lines to. */
export interface ConfAppend {
  readonly file: string;
  readonly line: number;
  readonly name: string;
  /** The text after `+` (`''` for a bare `(+)`). */
  readonly filter: string;
  /** null: no section matched, and Asterisk refuses the whole file. */
  readonly target: ConfSection | null;
}

/** One `#include`/`#tryinclude` and the files it brought in (logical paths). */
export interface ConfInclude {
  readonly from: string;
  readonly line: number;
  readonly target: string;
  readonly optional: boolean;
  readonly files: readonly string[];
  /** The section current where the include was (its file's bare entries belong there). */
  readonly section: string | null;
}

/** A file and everything it includes, assembled. Paths are logical (as Asterisk sees them). */
export interface ConfTree {
  readonly entry: string;
  /** False when the entry file itself does not exist. */
  readonly found: boolean;
  /** Every file read, in reading order. */
  readonly files: readonly string[];
  readonly sections: readonly ConfSection[];
  readonly includes: readonly ConfInclude[];
  /** Every `(+)` header, in reading order, with where its lines went. */
  readonly appends: readonly ConfAppend[];
  readonly problems: readonly ConfProblem[];
  /** For each file read: the section current after its last line (null: none). */
  readonly endSection: Readonly<Record<string, string | null>>;
}

/** Where `assembleConf` gets file contents; `expand` resolves a glob (default: no globs). */
export interface ConfSource {
  read(path: string): string | null;
  expand?(pattern: string): string[];
}

const MAX_DEPTH = 16;

/**
 * Reads `entry` (a logical path) and every file it includes through `source`, and
 * assembles the sections as Asterisk would. Relative include targets are taken in
 * `configDir`. Never throws for content: problems are listed.
 */
export function assembleConf(entry: string, source: ConfSource, configDir: string): ConfTree {
  const files: string[] = [];
  const sections: ConfSection[] = [];
  const includes: ConfInclude[] = [];
  const appends: ConfAppend[] = [];
  const problems: ConfProblem[] = [];
  const endSection: Record<string, string | null> = {};
  let current: ConfSection | null = null;
  const named = (name: string) => sections.filter((s) => s.name.toLowerCase() === name.toLowerCase());

  const readFile = (file: string, depth: number): boolean => {
    const text = source.read(file);
    if (text === null) return false;
    files.push(file);
    for (const l of parseConfText(text)) {
      if (l.kind === 'invalid') problems.push({ file, line: l.line, message: l.problem });
      else if (l.kind === 'exec') problems.push({ file, line: l.line, message: `#exec ${l.command} is not followed by sipwarden` });
      else if (l.kind === 'section') current = openSection(l, file);
      else if (l.kind === 'include') include(l, file, depth);
      else if (current === null) problems.push({ file, line: l.line, message: `${l.key} is outside any [section]` });
      else addEntry(current, l, file);
    }
    endSection[file] = (current as ConfSection | null)?.name ?? null;
    return true;
  };

  const openSection = (l: Extract<ConfLine, { kind: 'section' }>, file: string): ConfSection => {
    const fresh: ConfSection = { name: l.name, template: l.template, file, line: l.line, entries: [] };
    const target = l.append ? appendTo(l, file) : fresh;
    for (const base of l.inherits) {
      const b = named(base)[0];
      if (b) target.entries.push(...b.entries.map((e) => ({ ...e, inherited: true })));
      else problems.push({ file, line: l.line, message: `[${l.name}] inherits from [${base}], which does not exist` });
    }
    if (!l.append) sections.push(fresh);
    return target;
  };

  /** The section a `(+)` header adds to; with none, a section outside the tree that takes its lines. */
  const appendTo = (l: Extract<ConfLine, { kind: 'section' }>, file: string): ConfSection => {
    const f = compileFilter(l.filter);
    const same = named(l.name);
    const target = same.find(f.matches) ?? null;
    appends.push({ file, line: l.line, name: l.name, filter: l.filter, target });
    if (target) return target;
    const header = `[${l.name}](+${l.filter})`;
    const why = same.length === 0 ? `no [${l.name}] comes before it`
      : l.filter === '' ? `every [${l.name}] before it is a template`
      : `none of the ${same.length} [${l.name}] before it matches ${l.filter}${f.problem ? ` (${f.problem})` : ''}`;
    problems.push({ file, line: l.line, message: `${header} adds to nothing: ${why}, so Asterisk refuses to load ${entry} ("Category addition requested, but category '${l.name}' does not exist"); its lines are left out` });
    return { name: l.name, template: l.template, file, line: l.line, entries: [] };
  };

  const addEntry = (s: ConfSection, l: Extract<ConfLine, { kind: 'entry' }>, file: string) => {
    const prev = l.add ? lastOf(s.entries, (e) => e.key === l.key) : undefined;
    if (prev) prev.value = `${prev.value}${l.value}`.trim();
    else s.entries.push({ key: l.key, value: l.value, object: l.object, file, line: l.line, inherited: false });
  };

  const include = (l: Extract<ConfLine, { kind: 'include' }>, file: string, depth: number) => {
    const section = (current as ConfSection | null)?.name ?? null;
    const path = isAbsolute(l.target) ? l.target : join(configDir, l.target);
    const candidates = /[*?[]/.test(path) ? (source.expand?.(path) ?? []) : [path];
    const got: string[] = [];
    if (depth >= MAX_DEPTH) problems.push({ file, line: l.line, message: `includes nested deeper than ${MAX_DEPTH}: ${l.target} not read` });
    else for (const c of candidates) if (readFile(c, depth + 1)) got.push(c);
    includes.push({ from: file, line: l.line, target: l.target, optional: l.optional, files: got, section });
    if (got.length === 0 && !l.optional) problems.push({ file, line: l.line, message: `#include ${l.target}: no such file (Asterisk refuses to load ${file})` });
  };

  const found = readFile(entry, 0);
  return { entry, found, files, sections, includes, appends, problems, endSection };
}

/** The non-template sections named `name` (case-insensitive), in file order. */
export function sectionsNamed(tree: ConfTree, name: string): ConfSection[] {
  return tree.sections.filter((s) => !s.template && s.name.toLowerCase() === name.toLowerCase());
}

/** The value Asterisk uses for `key` in `[section]`: the last one written (keys are case-insensitive). */
export function lastValue(tree: ConfTree, section: string, key: string): ConfEntry | undefined {
  const k = key.toLowerCase();
  // Templates count here: stock asterisk.conf writes its [directories](!) as a template and Asterisk still reads it.
  const all = tree.sections.filter((s) => s.name.toLowerCase() === section.toLowerCase());
  return lastOf(all.flatMap((s) => s.entries), (e) => e.key.toLowerCase() === k);
}

/** The last element satisfying `pred` (Array.prototype.findLast is ES2023, beyond this build's lib). */
function lastOf<T>(xs: readonly T[], pred: (x: T) => boolean): T | undefined {
  for (let i = xs.length - 1; i >= 0; i--) if (pred(xs[i] as T)) return xs[i];
  return undefined;
}
