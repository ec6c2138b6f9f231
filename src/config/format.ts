/**
 * Turns what went wrong in a config file into one `SipwardenError` for a person:
 * the first line names the file, the place and the problem and makes sense alone;
 * any further problems follow one per line. Never a stack trace, never raw zod output.
 */
import type { LineCounter, YAMLError } from 'yaml';
import type * as z from 'zod';
import { SipwardenError } from '../domain/index.js';

/** `['policy', 'tiers', 0, 'within']` → `policy.tiers[0].within`; the top level is ''. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

/** Keeps a message on one line. */
function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** One problem: where it is (a key path or `file:line:col`, '' for the whole file) and what is wrong. */
interface Problem {
  readonly where: string;
  readonly what: string;
}

/**
 * Joins problems into one message. The first line is `<lead><where>: <what>` and says
 * how many more follow; each other problem gets a line `  <where>: <what>`.
 */
function joinProblems(lead: string, problems: readonly Problem[]): string {
  const [first = { where: '', what: 'unknown problem' }, ...rest] = problems;
  const more = rest.length === 0 ? '' : ` (and ${rest.length} more problem${rest.length === 1 ? '' : 's'}, listed below)`;
  const line = (p: Problem) => `${p.where}${p.where === '' ? '' : ': '}${p.what}`;
  const head = first.where === '' ? `${lead.trimEnd()}: ${first.what}` : `${lead}${line(first)}`;
  return [`${head}${more}`, ...rest.map((p) => `  ${line(p)}`)].join('\n');
}

/** A `CONFIG_INVALID` error for the issues of a failed schema parse of the file `source`. */
export function schemaError(source: string, issues: readonly z.core.$ZodIssue[]): SipwardenError {
  const problems = issues.map((iss): Problem => {
    const path = formatPath(iss.path);
    return { where: path === '' ? '' : `at ${path}`, what: oneLine(iss.message) };
  });
  return new SipwardenError('CONFIG_INVALID', joinProblems(`config error in ${source} `, problems));
}

/** A `CONFIG_INVALID` error for YAML syntax errors, each as `file:line:column: invalid YAML: <problem>`. */
export function yamlError(source: string, errors: readonly YAMLError[], lines: LineCounter): SipwardenError {
  const problems = errors.map((e): Problem => {
    const { line, col } = lines.linePos(e.pos[0]);
    return { where: `${source}:${line}:${col}`, what: `invalid YAML: ${oneLine(e.message)}` };
  });
  return new SipwardenError('CONFIG_INVALID', joinProblems('config error in ', problems));
}

/** A `CONFIG_UNREADABLE` error: `cannot read config file <path>: <reason>`. */
export function unreadableError(path: string, err: unknown): SipwardenError {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'it is a directory, not a file',
    ENOTDIR: 'a part of the path is not a directory',
  };
  const reason = (code && reasons[code]) ?? oneLine(err instanceof Error ? err.message : String(err));
  return new SipwardenError('CONFIG_UNREADABLE', `cannot read config file ${path}: ${reason}`);
}
