/**
 * The filter of a `[name](+filter)` header, as Asterisk applies it (main/config.c,
 * `does_category_match`, called through `ast_category_get` from `process_text_line`):
 *
 *   - pairs `name_regex=value_regex`, joined by `&` (a `,` would end the header option);
 *     surrounding spaces are stripped; a pair without `=` matches no section;
 *   - each pair must match ONE variable of the section, name and value alike — inherited
 *     variables and earlier additions included. The regexes are POSIX extended, unanchored
 *     and case-sensitive (read here as JavaScript regexes: the same for the usual
 *     `type=endpoint`, `type=aor`, `default_.*=36[0-9][0-9]`); one that does not compile
 *     matches no section;
 *   - templates are left out, unless a pair `TEMPLATES=include` lets them in or
 *     `TEMPLATES=restrict` takes only them;
 *   - no filter (a bare `(+)`) matches any section that is not a template.
 *
 * Pure; compiled once per header.
 */
import type { ConfSection } from './conf.js';

/** A compiled filter: whether a section matches, and why it can match none (null: it can). */
export interface ConfFilter {
  readonly matches: (s: ConfSection) => boolean;
  readonly problem: string | null;
}

type Pair = { readonly name: RegExp; readonly value: RegExp };

const never: ConfFilter['matches'] = () => false;

/** Compiles the text after `+` in a section header (`''` for a bare `(+)`). */
export function compileFilter(text: string): ConfFilter {
  const pairs: Pair[] = [];
  let templates: 'exclude' | 'include' | 'restrict' = 'exclude';
  for (const raw of text.split('&').map((p) => p.trim()).filter((p) => p !== '')) {
    const [name, value] = raw.split('=').map((p) => p.trim()) as [string, string | undefined];
    if (value === undefined) return { matches: never, problem: `the filter pair "${raw}" has no '='` };
    if (name === 'TEMPLATES') {
      const v = value.toLowerCase();
      if (v !== 'include' && v !== 'restrict') return { matches: never, problem: `TEMPLATES=${value} is neither include nor restrict` };
      templates = v;
      continue;
    }
    try {
      pairs.push({ name: new RegExp(name), value: new RegExp(value) });
    } catch {
      return { matches: never, problem: `"${raw}" is not a regular expression pair Asterisk can compile` };
    }
  }
  const allowed = (s: ConfSection) => (templates === 'exclude' ? !s.template : templates === 'restrict' ? s.template : true);
  return {
    matches: (s) => allowed(s) && pairs.every((p) => s.entries.some((e) => p.name.test(e.key) && p.value.test(e.value))),
    problem: null,
  };
}
