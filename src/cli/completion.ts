/**
 * Bash completion for `sipwarden`, generated from the command tree (program.ts), so a
 * new command or option completes as soon as `--help` shows it. Pure: returns the
 * script the Debian package installs as /usr/share/bash-completion/completions/sipwarden.
 * Needs only bash (compgen); file names complete for options that take a file or
 * directory and for `check`'s arguments.
 */
import type { Command } from 'commander';

/** Options whose value is a path. */
const PATH_OPTIONS = new Set(['--config', '--root', '--asterisk-dir']);

/** The bash completion script for `program`. */
export function renderBashCompletion(program: Command): string {
  const cmds = program.commands.filter((c) => c.name() !== 'help');
  const names = cmds.map((c) => c.name());
  const optionsOf = (c: Command) => [...c.options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f)), '--help'];
  const valueOptions = [...new Set(cmds.flatMap((c) => c.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short].filter((f): f is string => !!f))))];
  const pathOptions = valueOptions.filter((o) => PATH_OPTIONS.has(o) || o === '-c');
  const fileArgs = cmds.filter((c) => c.registeredArguments.some((a) => a.name() === 'file')).map((c) => c.name());
  return [
    '# bash completion for sipwarden (generated from its --help; do not edit)',
    '_sipwarden() {',
    '    local cur prev cmd i',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text, expanded by bash
    '    cur="${COMP_WORDS[COMP_CWORD]}"',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text, expanded by bash
    '    prev="${COMP_WORDS[COMP_CWORD-1]}"',
    '    cmd=""',
    '    for ((i = 1; i < COMP_CWORD; i++)); do',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text, expanded by bash
    '        case "${COMP_WORDS[i]}" in',
    '            -*) ;;',
    `            *) cmd="\${COMP_WORDS[i]}"; break ;;`,
    '        esac',
    '    done',
    '    case "$prev" in',
    `        ${pathOptions.join('|')})`,
    '            COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;',
    `        ${valueOptions.filter((o) => !pathOptions.includes(o)).join('|')})`,
    '            COMPREPLY=(); return 0 ;;',
    '    esac',
    '    if [[ -z "$cmd" ]]; then',
    `        COMPREPLY=($(compgen -W "${names.join(' ')} --help --version" -- "$cur"))`,
    '        return 0',
    '    fi',
    '    case "$cmd" in',
    ...cmds.map((c) => `        ${c.name()}) opts="${optionsOf(c).join(' ')}" ;;`),
    '        *) opts="" ;;',
    '    esac',
    '    if [[ "$cur" == -* ]]; then',
    '        COMPREPLY=($(compgen -W "$opts" -- "$cur"))',
    ...(fileArgs.length > 0 ? [`    elif [[ "$cmd" == @(${fileArgs.join('|')}) ]]; then`, '        COMPREPLY=($(compgen -f -- "$cur"))'] : []),
    '    fi',
    '    return 0',
    '}',
    'complete -o filenames -F _sipwarden sipwarden',
    '',
  ].join('\n');
}
