#!/usr/bin/env node
/**
 * The `sipwarden` command. Every expected failure is one clear line on stderr and an
 * exit code from the error catalogue (2 for usage and unreadable input); a stack
 * trace means a bug.
 */
import { Command, CommanderError, Option } from 'commander';
import { SipwardenError } from '../domain/errors.js';
import { banCommand, bansCommand, releaseCommand, statusCommand } from './admin.js';
import { accountsCommand } from './accounts.js';
import { asteriskAclCommand } from './asterisk-acl.js';
import { checkCommand } from './check.js';
import { initCommand } from './init.js';
import { passwdCommand } from './passwd.js';
import { runCommand } from './run.js';

function fail(message: string, code: number): never {
  process.stderr.write(`sipwarden: ${message.split('\n').join('\n  ')}\n`);
  process.exit(code);
}

export function buildProgram(): Command {
  const program = new Command('sipwarden')
    .description('Stops SIP password guessing and extension scanning on Asterisk and FreePBX.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const config = () => new Option('-c, --config <file>', 'configuration file (default /etc/sipwarden/sipwarden.yaml if it exists)');

  program.command('run').description('run the daemon: follow Asterisk, ban attackers, keep the firewall in step')
    .addOption(config()).action(runCommand);
  program.command('check').description('replay log files offline and report what would be banned')
    .addOption(config())
    .option('--json', 'print one JSON object')
    .option('--attempts', 'list every counted attempt')
    .argument('<file...>', 'Asterisk log files (messages, full, security) or raw AMI captures')
    .action(checkCommand);
  program.command('status').description('is the daemon running, what does it watch, how many bans')
    .addOption(config()).option('--json', 'print JSON').action(statusCommand);
  program.command('bans').description('list active bans (with --all: also expired and released)')
    .addOption(config()).option('--all', 'include expired and released bans').option('--json', 'print JSON')
    .option('--account <name>', 'only bans that involved this account (e.g. an extension)')
    .action(bansCommand);
  program.command('ban').description('ban an address now (until released unless --for is given)')
    .addOption(config()).argument('<address>')
    .option('--for <duration>', 'ban length like 30m, 1h, 7d')
    .option('--permanent', 'until released (the default)')
    .option('--reason <text>', 'why, for the audit trail', 'manual ban')
    .action(banCommand);
  program.command('init').description('set up Asterisk/FreePBX logging and AMI, the config, a systemd unit and logrotate')
    .option('-y, --yes', 'go ahead without asking')
    .option('--dry-run', 'print the plan, change nothing')
    .option('--force', 'replace an existing config, unit or logrotate entry (backed up first)')
    .option('--uninstall', 'undo what sipwarden init did and restore the Asterisk files')
    .option('--purge', 'with --uninstall: also remove /etc/sipwarden and /var/lib/sipwarden')
    .option('--root <dir>', 'work on the system tree under DIR (prefixes /etc and /var)')
    .option('--asterisk-dir <dir>', 'Asterisk config directory (default /etc/asterisk)')
    .action(initCommand);
  program.command('passwd').description("set the dashboard's admin password (read from stdin, never from the command line)")
    .addOption(config()).option('--password-stdin', 'read the whole of stdin as the password, without a prompt')
    .action(passwdCommand);
  program.command('asterisk-acl').description('make Asterisk itself refuse extensions from outside the internal networks (named ACL + acl/contact_acl on each extension)')
    .addOption(config())
    .option('-y, --yes', 'go ahead without asking')
    .option('--dry-run', 'print the files and blocks it would write, change nothing')
    .option('--force', 'go ahead even when networks.internal is empty (every extension is then refused)')
    .option('--uninstall', 'take out what sipwarden asterisk-acl added, restoring the files from their backups')
    .option('--root <dir>', 'work on the system tree under DIR (prefixes /etc and /var)')
    .action(asteriskAclCommand);
  program.command('accounts').description('list extensions, trunks and roaming accounts, and why each is one')
    .addOption(config()).option('--json', 'print JSON').action(accountsCommand);
  program.command('release').description('lift the ban on an address (the running daemon unblocks it within a second)')
    .addOption(config()).argument('<address>').action(releaseCommand);
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) process.exit(0);
      // commander already printed its one-line message
      process.exit(2);
    }
    if (e instanceof SipwardenError) fail(e.message, e.exitCode);
    // better-sqlite3 errors after open (disk full, locked too long): one line, not a trace.
    const code = (e as { code?: unknown }).code;
    if (e instanceof Error && typeof code === 'string' && code.startsWith('SQLITE_')) fail(`database error: ${e.message}`, 4);
    throw e;
  }
}

void main();
