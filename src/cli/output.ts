/**
 * How the commands that print data speak JSON: `--json` or its alias `-o json` /
 * `--output json` (every such command takes both), and, in that mode, errors as one JSON
 * object on stderr — `{"error":{"code","message","fix"}}` — with the exit code the text
 * mode uses (the catalogue in domain/errors.ts). `code` is the catalogue's code; `fix`
 * says what to do in a sentence. Attacker-written text inside a message is escaped as on
 * the terminal (terminalJson).
 */
import { CommanderError, Option, type Command } from 'commander';
import { ERROR_CODES, SipwardenError, type ErrorCode } from '../domain/errors.js';
import { terminalJson } from '../domain/strings.js';

/** What to do about each expected error, in one sentence (the message says what happened); a code not here gets {@link GENERIC_FIX}. */
const FIXES: Readonly<Partial<Record<ErrorCode, string>>> = {
  CONFIG_INVALID: 'correct the key the message names (man sipwarden.yaml describes each)',
  CONFIG_UNREADABLE: 'check the path given with --config and that this user may read it',
  USAGE: 'see sipwarden <command> --help for the options and examples',
  INPUT_UNREADABLE: 'check the path and that this user may read it',
  BAD_ADDRESS: 'give an address like 203.0.113.7 or 2001:db8::7, or a network like 203.0.113.0/24',
  NEVER_BAN: 'this address is protected on purpose; ban another one, or follow the message if it names an option',
  NOT_BANNED: 'sipwarden bans --all lists every ban, with released and expired ones',
  STORE_UNAVAILABLE: 'check store.path in the configuration, the disk space and that this user may write the database',
  ENFORCER_FAILED: 'see journalctl -u sipwarden for what the firewall said',
  INVALID_REQUEST: 'see sipwarden <command> --help',
  AUTH_REQUIRED: 'log in to the dashboard first',
  LOGIN_FAILED: 'check the user name and password; sipwarden passwd sets a new one',
  CSRF_REJECTED: 'reload the dashboard',
  NOT_FOUND: 'see sipwarden --help',
  UNSUPPORTED_MEDIA_TYPE: 'send JSON',
  PAYLOAD_TOO_LARGE: 'send less',
  RATE_LIMITED: 'wait a minute',
  BUSY: 'try again shortly',
  INTERNAL: 'this is a bug in sipwarden: please report it with the message',
};

const GENERIC_FIX = 'see the message, and sipwarden <command> --help';

/** The output formats `-o` takes. */
export const OUTPUT_FORMATS = ['text', 'json'] as const;

/** Adds `--json` and `-o, --output <format>` to `cmd` (a command that prints data). */
export function withJsonOutput(cmd: Command, what = 'print JSON'): Command {
  return cmd
    .option('--json', what)
    .addOption(new Option('-o, --output <format>', 'output format: text or json (-o json is the same as --json)').choices(OUTPUT_FORMATS));
}

/**
 * Commander's pre-action hook: `-o json` sets `json`, so every action reads one flag;
 * `--json -o text` is a contradiction (USAGE).
 */
export function resolveOutput(_program: Command, action: Command): void {
  const o = action.opts<{ json?: boolean; output?: string }>();
  if (o.output === 'json') action.setOptionValue('json', true);
  else if (o.output === 'text' && o.json) throw new SipwardenError('USAGE', '--json and -o text contradict each other; give one');
}

/** Whether the command line asks for JSON (`--json`, `-o json`, `-ojson`, `--output json`, `--output=json`), before parsing. */
export function jsonRequested(argv: readonly string[]): boolean {
  return argv.some((a, i) => a === '--json' || a === '-ojson' || a === '--output=json' || ((a === '-o' || a === '--output') && argv[i + 1] === 'json'));
}

/** The JSON error object and exit code of an expected failure (a SipwardenError, commander's usage error, a database error). */
export function errorJson(e: unknown): { text: string; exitCode: number } | null {
  let code: ErrorCode;
  let message: string;
  if (e instanceof SipwardenError) {
    code = e.code;
    message = e.message;
  } else if (e instanceof CommanderError) {
    code = 'USAGE';
    message = e.message.replace(/^error: /, '');
  } else if (e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && String((e as { code?: unknown }).code).startsWith('SQLITE_')) {
    code = 'STORE_UNAVAILABLE';
    message = `database error: ${e.message}`;
  } else return null;
  return { text: terminalJson({ error: { code, message, fix: FIXES[code] ?? GENERIC_FIX } }), exitCode: ERROR_CODES[code].exitCode };
}
