/**
 * The command tree of `sipwarden`: every command, option and example, in one place.
 * `--help`, the sipwarden(8) man page and the bash and zsh completions are all generated from
 * it (manpage.ts, completion.ts), so they cannot drift apart. Building it has no side
 * effects; main.ts parses the real command line with it.
 */
import { readFileSync } from 'node:fs';
import { Argument, Command, Option } from 'commander';
import { completionCommand } from './completion-command.js';
import { resolveOutput, withJsonOutput } from './output.js';

/**
 * A command's action, its module loaded only when that command runs: `sipwarden check`
 * or `status` never loads the daemon, the dashboard's server or the set-up planner
 * (loading them all cost 84 MB of resident memory and a slower start for every command).
 */
function lazy<M>(load: () => Promise<M>, name: keyof M & string): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    const action = (await load())[name] as unknown as (...a: unknown[]) => unknown;
    await action(...args);
  };
}

/** The product's version: package.json's, next to dist/ (the Debian package writes its own version there). */
export function productVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

/** One example: the command line and what it does. */
export interface Example {
  readonly line: string;
  readonly says: string;
}

/** Examples per command ('' is the program itself), shown by `--help` and in sipwarden(8). */
export const EXAMPLES: Readonly<Record<string, readonly Example[]>> = {
  '': [
    { line: 'sipwarden init', says: 'set up Asterisk/FreePBX, the config and the service (shows the plan, asks y/N)' },
    { line: 'sipwarden status', says: 'is the daemon running, what it watches, how many bans' },
    { line: 'sipwarden bans --account 104', says: 'which address of extension 104 is banned' },
    { line: 'sipwarden release 203.0.113.7', says: 'lift a ban' },
  ],
  run: [{ line: 'sipwarden run --config /etc/sipwarden/sipwarden.yaml', says: 'the daemon in the foreground (systemd runs it for you)' }],
  check: [
    { line: 'sipwarden check /var/log/asterisk/full /var/log/asterisk/security', says: 'what these logs would have banned' },
    { line: 'sipwarden check -o json /var/log/asterisk/security', says: 'the same as one JSON object' },
  ],
  status: [
    { line: 'sipwarden status', says: 'running? blocking or only detecting? what it watches' },
    { line: 'sipwarden status --json', says: 'the same as JSON, for monitoring (exit 3: not running)' },
  ],
  bans: [
    { line: 'sipwarden bans', says: 'the active bans' },
    { line: 'sipwarden bans --account 104 --all -o json', says: 'every ban ever involving extension 104, as JSON' },
  ],
  ban: [
    { line: 'sipwarden ban 203.0.113.7 --for 1h --reason "svwar from here"', says: 'ban an address for an hour' },
    { line: 'sipwarden ban 203.0.113.0/24', says: 'ban a whole network until released' },
  ],
  release: [
    { line: 'sipwarden release 203.0.113.7', says: 'unblock it (the daemon applies it within a second)' },
    { line: 'sipwarden release 203.0.113.7 --json', says: 'the same, the released ban as JSON' },
  ],
  init: [
    { line: 'sipwarden init --dry-run', says: 'show what it would change, change nothing' },
    { line: 'sipwarden init --dry-run --json', says: 'the plan as JSON' },
    { line: 'sipwarden init --yes', says: 'set up without asking (scripts)' },
    { line: 'sipwarden init --uninstall --purge', says: 'undo it all, also the config and the database' },
  ],
  passwd: [
    { line: 'sipwarden passwd', says: 'asks for the new password twice, without echo' },
    { line: 'printf %s "$PW" | sipwarden passwd --password-stdin --json', says: "set the dashboard's admin password from a script" },
  ],
  'asterisk-acl': [
    { line: 'sipwarden asterisk-acl --dry-run', says: 'show the ACL blocks it would add to Asterisk' },
    { line: 'sipwarden asterisk-acl --dry-run -o json', says: 'the plan as JSON' },
  ],
  accounts: [
    { line: 'sipwarden accounts', says: 'extensions, trunks and roaming accounts, and why each is one' },
    { line: 'sipwarden accounts --json', says: 'the same as JSON' },
  ],
  'allow-calls': [
    { line: 'sipwarden allow-calls 100', says: 'let extension 100, suspended for toll fraud, call out through trunks again' },
    { line: 'sipwarden allow-calls 100 --json', says: 'the same; what was lifted as JSON' },
  ],
  feeds: [
    { line: 'sipwarden feeds', says: 'the blocklist feeds: read when, failing why, how many bans each holds' },
    { line: 'sipwarden feeds --json', says: 'the same as JSON' },
  ],
  completion: [
    { line: 'sipwarden completion zsh > ~/.zfunc/_sipwarden', says: 'zsh completion from a checkout (the package installs it)' },
    { line: 'source <(sipwarden completion bash)', says: 'bash completion in this shell' },
  ],
};

function withExamples(cmd: Command, name: string): Command {
  const ex = EXAMPLES[name] ?? [];
  if (ex.length === 0) return cmd;
  const width = Math.max(...ex.map((e) => e.line.length));
  return cmd.addHelpText('after', `\nExamples:\n${ex.map((e) => `  ${e.line.padEnd(width)}  # ${e.says}`).join('\n')}\n`);
}

/**
 * The whole command tree (actions wired, nothing parsed). With `jsonErrors` (the command
 * line asked for JSON) commander's own usage errors are not printed: main.ts prints them
 * as JSON.
 */
export function buildProgram(opts: { jsonErrors?: boolean } = {}): Command {
  const program = new Command('sipwarden')
    .description('Stops SIP password guessing and extension scanning on Asterisk and FreePBX.')
    .version(productVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), ...(opts.jsonErrors ? { outputError: () => undefined } : {}) })
    .hook('preAction', resolveOutput);
  const config = () => new Option('-c, --config <file>', 'configuration file (default /etc/sipwarden/sipwarden.yaml if it exists)');
  const add = (name: string) => {
    const cmd = program.command(name);
    withExamples(cmd, name);
    return cmd;
  };

  add('run').description('run the daemon: follow Asterisk, ban attackers, keep the firewall in step')
    .addOption(config()).action(lazy(() => import('./run.js'), 'runCommand'));
  withJsonOutput(add('check').description('replay log files offline and report what would be banned')
    .addOption(config()), 'print one JSON object')
    .option('--attempts', 'list every counted attempt')
    .argument('<file...>', 'Asterisk log files (messages, full, security) or raw AMI captures')
    .action(lazy(() => import('./check.js'), 'checkCommand'));
  withJsonOutput(add('status').description('is the daemon running, is it blocking or only detecting, what does it watch, how many bans')
    .addOption(config())).action(lazy(() => import('./admin.js'), 'statusCommand'));
  withJsonOutput(add('bans').description('list active bans (with --all: also expired and released)')
    .addOption(config()).option('--all', 'include expired and released bans'))
    .option('--account <name>', 'only bans of this account (e.g. an extension): bans that named it, and bans of addresses that failed with it')
    .action(lazy(() => import('./bans.js'), 'bansCommand'));
  withJsonOutput(add('ban').description('ban an address now (until released unless --for is given)')
    .addOption(config()).argument('<address>')
    .option('--for <duration>', 'ban length like 30m, 1h, 7d')
    .option('--permanent', 'until released (the default)')
    .option('--reason <text>', 'why, for the audit trail', 'manual ban')
    .option('--force', 'ban a network wider than limits.widest_ipv4_ban / widest_ipv6_ban (default /16, /32)'), 'print the ban as JSON')
    .action(lazy(() => import('./admin.js'), 'banCommand'));
  withJsonOutput(add('init').description('set up Asterisk/FreePBX logging and AMI, the config, a systemd unit and logrotate')
    .option('-y, --yes', 'go ahead without asking')
    .option('--dry-run', 'print the plan, change nothing'), 'with --dry-run: print the plan as JSON')
    .option('--force', 'replace an existing config, unit or logrotate entry (backed up first)')
    .option('--uninstall', 'undo what sipwarden init did and restore the Asterisk files')
    .option('--purge', 'with --uninstall: also remove /etc/sipwarden and /var/lib/sipwarden')
    .option('--root <dir>', 'work on the system tree under DIR (prefixes /etc and /var)')
    .option('--asterisk-dir <dir>', 'Asterisk config directory (default /etc/asterisk)')
    .action(lazy(() => import('./init.js'), 'initCommand'));
  withJsonOutput(add('passwd').description("set the dashboard's admin password (read from stdin, never from the command line)")
    .addOption(config()).option('--password-stdin', 'read the whole of stdin as the password, without a prompt'), 'say what was changed as JSON')
    .action(lazy(() => import('./passwd.js'), 'passwdCommand'));
  withJsonOutput(add('asterisk-acl').description('make Asterisk itself refuse extensions from outside the internal networks (named ACL + acl/contact_acl on each extension)')
    .addOption(config())
    .option('-y, --yes', 'go ahead without asking')
    .option('--dry-run', 'print the files and blocks it would write, change nothing'), 'with --dry-run: print the plan as JSON')
    .option('--force', 'go ahead even when networks.internal is empty (every extension is then refused)')
    .option('--uninstall', 'take out what sipwarden asterisk-acl added, restoring the files from their backups')
    .option('--root <dir>', 'work on the system tree under DIR (prefixes /etc and /var)')
    .action(lazy(() => import('./asterisk-acl.js'), 'asteriskAclCommand'));
  withJsonOutput(add('accounts').description('list extensions, trunks and roaming accounts, and why each is one')
    .addOption(config())).action(lazy(() => import('./accounts.js'), 'accountsCommand'));
  withJsonOutput(add('release').description('lift the ban on an address (the running daemon unblocks it within a second)')
    .addOption(config()).argument('<address>'), 'print the released ban as JSON').action(lazy(() => import('./admin.js'), 'releaseCommand'));
  withJsonOutput(add('allow-calls').description('let an account the toll-fraud guard suspended call out through trunks again (the running daemon lifts it in Asterisk within a second)')
    .addOption(config()).argument('<account>')).action(lazy(() => import('./fraud.js'), 'allowCallsCommand'));
  withJsonOutput(add('feeds').description('list the blocklist feeds (feeds: in the configuration): their state and bans')
    .addOption(config())).action(lazy(() => import('./feeds.js'), 'feedsCommand'));
  add('completion').description('print the shell completion script for bash or zsh (the package installs both)')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
    .action((shell: 'bash' | 'zsh') => completionCommand(program, shell));
  withExamples(program, '');
  return program;
}
