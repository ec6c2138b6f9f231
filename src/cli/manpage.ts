/**
 * The man pages, generated: sipwarden(8) from the command tree that `--help` prints
 * (program.ts), and sipwarden.yaml(5) from the commented default config that `init`
 * writes (config/render.ts). Pure functions returning roff text; the Debian package
 * build (scripts/package) writes and compresses them.
 */
import type { Command, Option } from 'commander';
import { DEFAULT_CONFIG_PATH, renderDefaultConfig } from '../config/index.js';
import { EXAMPLES } from './program.js';

/** Text safe in roff: backslashes doubled, hyphens literal, no line starting as a request. */
export function roff(text: string): string {
  const t = text.replace(/\\/g, '\\e').replace(/-/g, '\\-');
  return t.replace(/^([.'])/gm, '\\&$1');
}

/** What the pages are stamped with. */
export interface PageStamp {
  readonly version: string;
  /** YYYY-MM-DD. */
  readonly date: string;
}

const head = (name: string, section: number, s: PageStamp, title: string) =>
  `.TH ${name.toUpperCase()} ${section} "${s.date}" "sipwarden ${roff(s.version)}" "${title}"`;

function synopsisOf(cmd: Command): string {
  const args = cmd.registeredArguments.map((a) => (a.required ? `\\fI${a.name()}\\fR` : `[\\fI${a.name()}\\fR]`) + (a.variadic ? '\\&...' : ''));
  return [`\\fBsipwarden ${roff(cmd.name())}\\fR`, ...(cmd.options.length > 0 ? ['[\\fIoptions\\fR]'] : []), ...args].join(' ');
}

function optionLines(o: Option): string[] {
  const [, names = o.flags, arg] = /^(.*?)(?: ([<[].*))?$/.exec(o.flags) ?? [];
  const dflt = o.defaultValue !== undefined && typeof o.defaultValue !== 'boolean' ? ` (default: ${roff(String(o.defaultValue))})` : '';
  return ['.TP', `\\fB${roff(names)}\\fR${arg ? ` \\fI${roff(arg)}\\fR` : ''}`, `${roff(o.description)}${dflt}`];
}

function examples(name: string): string[] {
  return (EXAMPLES[name] ?? []).flatMap((e) => ['.TP', `\\fB${roff(e.line)}\\fR`, roff(e.says)]);
}

/** sipwarden(8): NAME, SYNOPSIS, every command with its options and examples, FILES, SEE ALSO. */
export function renderCommandManPage(program: Command, stamp: PageStamp): string {
  const cmds = program.commands.filter((c) => c.name() !== 'help');
  return [
    head('sipwarden', 8, stamp, 'System Administration'),
    '.SH NAME',
    `sipwarden \\- ${roff(program.description().replace(/\.$/, '').replace(/^Stops/, 'stops'))}`,
    '.SH SYNOPSIS',
    ...cmds.flatMap((c) => [synopsisOf(c), '.br']),
    '\\fBsipwarden \\-\\-version\\fR | \\fB\\-\\-help\\fR | \\fIcommand\\fR \\fB\\-\\-help\\fR',
    '.SH DESCRIPTION',
    'sipwarden reads what Asterisk reports about authentication (its log files and the manager\'s security events),',
    'counts every failed attempt against its real source address, and bans attackers in the host firewall',
    '(an nftables table of its own, \\fBinet sipwarden\\fR) before password guessing and extension scanning turn into toll fraud.',
    'The daemon (\\fBsipwarden run\\fR) runs as the systemd service \\fBsipwarden.service\\fR;',
    'the other commands inspect and steer it through its database.',
    '.PP',
    'Expected failures print one line on standard error. Exit status: 0 on success, 2 for bad usage or unreadable input,',
    'other values for the errors each command documents.',
    '.PP',
    'With \\fB\\-\\-json\\fR (or \\fB\\-o json\\fR) a command that prints data prints one JSON object on one line, and an error is',
    `one line ${roff('{"error":{"code","message","fix"}}')} on standard error, with the same exit status.`,
    '.SH COMMANDS',
    ...cmds.flatMap((c) => [
      '.SS',
      synopsisOf(c),
      roff(c.description()),
      ...(c.options.length > 0 ? ['.RS', ...c.options.flatMap(optionLines), '.RE'] : []),
      ...(EXAMPLES[c.name()]?.length ? ['.PP', 'Examples:', '.RS', ...examples(c.name()), '.RE'] : []),
    ]),
    '.SH EXAMPLES',
    ...examples(''),
    '.SH FILES',
    '.TP', `\\fI${roff(DEFAULT_CONFIG_PATH)}\\fR`, 'The configuration, see \\fBsipwarden.yaml\\fR(5). Optional: without it every key takes its default.',
    '.TP', '\\fI/var/lib/sipwarden/sipwarden.db\\fR', 'The store (SQLite): bans with their evidence, failure history, audit trail, positions in the logs.',
    '.TP', '\\fI/var/log/sipwarden/failed\\-auth.log\\fR', 'One line per failed authentication; reopened on SIGHUP (logrotate).',
    '.TP', '\\fI/usr/share/zsh/vendor\\-completions/_sipwarden\\fR, \\fI/usr/share/bash\\-completion/completions/sipwarden\\fR',
    'Shell completion, generated from the same command tree (\\fBsipwarden completion zsh\\fR|\\fBbash\\fR prints it).',
    '.TP', '\\fI/var/lib/sipwarden/install\\-manifest.json\\fR', 'What \\fBsipwarden init\\fR changed, with the backups \\fBinit \\-\\-uninstall\\fR restores.',
    '.SH SEE ALSO',
    '\\fBsipwarden.yaml\\fR(5), \\fBnft\\fR(8), \\fBsystemctl\\fR(1), \\fBjournalctl\\fR(1), \\fBasterisk\\fR(8)',
    '',
  ].join('\n');
}

/** One key of the config as the renderer writes it. */
interface ConfigKey {
  readonly path: string;
  readonly depth: number;
  readonly value: string;
  readonly comments: readonly string[];
}

/** Reads the commented default config back into keys, their defaults and the comments above them. */
export function configKeys(text: string): { intro: string[]; keys: ConfigKey[] } {
  const intro: string[] = [];
  const keys: Array<{ path: string; depth: number; value: string; comments: string[] }> = [];
  const stack: string[] = [];
  let pending: string[] = [];
  let inIntro = true; // the first comment block, up to its blank line, describes the file
  for (const line of text.split('\n')) {
    const comment = /^\s*# ?(.*)$/.exec(line);
    if (comment) { (inIntro ? intro : pending).push(comment[1] ?? ''); continue; }
    if (line.trim() === '' && intro.length > 0) inIntro = false;
    const key = /^( *)([a-z_0-9]+):(?: (.*))?$/.exec(line);
    if (key) {
      inIntro = false;
      const depth = (key[1] ?? '').length / 2;
      stack.length = depth;
      stack.push(key[2] ?? '');
      keys.push({ path: stack.join('.'), depth, value: key[3] ?? '', comments: pending });
      pending = [];
      continue;
    }
    const item = /^\s+- (.*)$/.exec(line);
    const last = keys.at(-1);
    if (item && last) last.value = last.value === '' ? `- ${item[1]}` : `${last.value}\n- ${item[1]}`;
    if (line.trim() === '') pending = [];
  }
  return { intro, keys };
}

/** sipwarden.yaml(5): every key of the config with its default and its comment, as init writes them. */
export function renderConfigManPage(stamp: PageStamp, text: string = renderDefaultConfig()): string {
  const { intro, keys } = configKeys(text);
  const body = keys.flatMap((k) => {
    if (k.depth === 0) return ['.SS', `\\fB${roff(k.path)}\\fR`, ...k.comments.map(roff), ...(k.value ? ['.PP', `Default: \\fB${roff(k.value)}\\fR`] : [])];
    const dflt = k.value === '' ? [] : k.value.includes('\n')
      ? ['.br', 'Default:', '.nf', ...k.value.split('\n').map(roff), '.fi']
      : ['.br', `Default: \\fB${roff(k.value)}\\fR`];
    return ['.TP', `\\fB${roff(k.path)}\\fR`, ...k.comments.map(roff), ...dflt];
  });
  return [
    head('sipwarden.yaml', 5, stamp, 'File Formats'),
    '.SH NAME',
    'sipwarden.yaml \\- configuration of sipwarden',
    '.SH SYNOPSIS',
    `\\fI${roff(DEFAULT_CONFIG_PATH)}\\fR`,
    '.SH DESCRIPTION',
    `One YAML file, read by \\fBsipwarden run\\fR at start (and by every command given \\fB\\-\\-config\\fR).`,
    ...intro.map(roff),
    'A bad file stops sipwarden with one message naming the file, the key and what was expected.',
    '\\fBsipwarden init\\fR writes it (mode 0600: it holds the AMI secret) with every key below, each with its comment;',
    'a copy with the defaults is \\fI/usr/share/doc/sipwarden/examples/sipwarden.yaml\\fR.',
    '.SH KEYS',
    ...body,
    '.SH SEE ALSO',
    '\\fBsipwarden\\fR(8)',
    '',
  ].join('\n');
}
