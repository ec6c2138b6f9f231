/**
 * Bash and zsh completion for `sipwarden`, generated from the command tree (program.ts),
 * so a new command or option completes as soon as `--help` shows it. Pure: returns the
 * scripts the Debian package installs as /usr/share/bash-completion/completions/sipwarden
 * and /usr/share/zsh/vendor-completions/_sipwarden (`sipwarden completion bash|zsh`
 * prints them). Bash needs only compgen; zsh uses its own _arguments. File names complete
 * for options that take a file or directory and for `check`'s arguments; an option with
 * fixed choices (`--output`) completes them.
 */
import type { Command, Option } from 'commander';

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

/** Text inside single quotes in a shell script. */
const quoted = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
/** An _arguments description: brackets and backslashes escaped, one line. */
const described = (text: string) => text.replace(/[\\[\]]/g, '\\$&').replace(/\s+/g, ' ');

/** One option as _arguments specs (one per spelling, excluding each other). */
function zshOptionSpecs(o: Option): string[] {
  const names = [o.short, o.long].filter((f): f is string => !!f);
  const exclusive = names.length > 1 ? `(${names.join(' ')})` : '';
  let value = '';
  if (o.required || o.optional) {
    const what = /<([^>]+)>|\[([^\]]+)\]/.exec(o.flags)?.slice(1).find(Boolean) ?? 'value';
    const action = o.argChoices ? `(${o.argChoices.join(' ')})` : PATH_OPTIONS.has(o.long ?? '') ? '_files' : ' ';
    value = `:${what}:${action}`;
  }
  return names.map((n) => quoted(`${exclusive}${n}[${described(o.description)}]${value}`));
}

/** The positional arguments of `cmd` as _arguments specs. */
function zshArgumentSpecs(cmd: Command): string[] {
  return cmd.registeredArguments.map((a) => {
    const action = a.argChoices ? `(${a.argChoices.join(' ')})` : a.name() === 'file' ? '_files' : ' ';
    return quoted(`${a.variadic ? '*' : ''}:${a.name()}:${action}`);
  });
}

/** The zsh completion script for `program` (an autoloadable `_sipwarden` function file). */
export function renderZshCompletion(program: Command): string {
  const cmds = program.commands.filter((c) => c.name() !== 'help');
  const help = quoted('(- *)--help[show help]');
  return [
    '#compdef sipwarden',
    '# zsh completion for sipwarden (generated from its --help; do not edit)',
    '',
    '_sipwarden_commands() {',
    '  local -a commands',
    '  commands=(',
    ...cmds.map((c) => `    ${quoted(`${c.name()}:${c.description().replace(/\s+/g, ' ')}`)}`),
    '  )',
    "  _describe -t commands 'sipwarden command' commands",
    '}',
    '',
    '_sipwarden() {',
    '  local curcontext="$curcontext" state line ret=1',
    '  typeset -A opt_args',
    '  _arguments -C \\',
    "    '(- *)'{-h,--help}'[show help]' \\",
    `    '(- *)'{-V,--version}'[print the version]' \\`,
    "    '1: :_sipwarden_commands' \\",
    "    '*:: :->args' && ret=0",
    '  [[ $state == args ]] || return ret',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text, expanded by zsh
    '  curcontext="${curcontext%:*:*}:sipwarden-$words[1]:"',
    '  case $words[1] in',
    ...cmds.map((c) => [`    ${c.name()})`, `      _arguments -s -S ${[...c.options.flatMap(zshOptionSpecs), help, ...zshArgumentSpecs(c)].join(' \\\n        ')} && ret=0`, '      ;;'].join('\n')),
    '  esac',
    '  return ret',
    '}',
    '',
    '_sipwarden "$@"',
    '',
  ].join('\n');
}
