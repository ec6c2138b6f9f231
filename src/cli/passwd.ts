/**
 * `sipwarden passwd`: sets the dashboard's admin password. The password is read from
 * stdin — prompted twice without echo on a terminal, else the first line (or, with
 * `--password-stdin`, all of stdin minus one trailing newline) — and NEVER taken from
 * the command line, where other users could read it in the process list. Stores a
 * salted scrypt hash, writes an audit entry; the running daemon logs out every
 * dashboard session at their next request (the hash they logged in under is gone).
 */
import { Writable, type Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { loadConfig } from '../config/index.js';
import { SipwardenError } from '../domain/errors.js';
import { MIN_PASSWORD_LENGTH, setAdminPassword } from '../api/password.js';
import { Store } from '../store/index.js';

export interface PasswdOptions {
  readonly config?: string;
  /** Read all of stdin as the password, no prompt (scripts, `echo … |`). */
  readonly passwordStdin?: boolean;
  /** Say what was changed as JSON: `{"user":"admin","changed":true,"at":ISO,"sessionsLoggedOut":true}`. */
  readonly json?: boolean;
}

/** Where the command reads and writes; the process's streams unless a test gives others. */
export interface PasswdIo {
  readonly stdin: Readable & { isTTY?: boolean };
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly now: () => number;
}

const MAX_STDIN = 4096;

async function readAll(stdin: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    if (text.length > MAX_STDIN) throw new SipwardenError('USAGE', `the password on stdin is longer than ${MAX_STDIN} characters`);
  }
  return text;
}

/** Prompts on the terminal with echo off; resolves with the line typed. */
function promptHidden(io: PasswdIo, question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let muted = false;
    // Everything readline echoes after the prompt (the typed characters) is swallowed.
    const output = new Writable({
      write(chunk: Buffer, _enc, done) {
        if (!muted) io.stderr.write(chunk);
        done();
      },
    });
    const rl = createInterface({ input: io.stdin, output, terminal: true });
    rl.question(question, (answer) => {
      rl.close();
      io.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
    rl.once('SIGINT', () => {
      rl.close();
      reject(new SipwardenError('USAGE', 'cancelled; the password was not changed'));
    });
  });
}

/** Reads the new password as described in the module comment. */
export async function readNewPassword(opts: PasswdOptions, io: PasswdIo): Promise<string> {
  if (!opts.passwordStdin && io.stdin.isTTY) {
    const first = await promptHidden(io, 'New dashboard password for admin: ');
    const again = await promptHidden(io, 'The same again: ');
    if (first !== again) throw new SipwardenError('USAGE', 'the two passwords differ; nothing was changed');
    return first;
  }
  const text = await readAll(io.stdin);
  return opts.passwordStdin ? text.replace(/\r?\n$/, '') : (text.split(/\r?\n/)[0] ?? '');
}

/** Checks a new password; returns it or throws USAGE with the reason in plain words. */
export function checkNewPassword(password: string): string {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new SipwardenError('USAGE', `the password must be at least ${MIN_PASSWORD_LENGTH} characters long; nothing was changed`);
  }
  if (password.length > 1024) throw new SipwardenError('USAGE', 'the password must be at most 1024 characters long');
  if (/[\u0000-\u001f\u007f]/.test(password)) throw new SipwardenError('USAGE', 'the password must not contain control characters (tabs, newlines)');
  return password;
}

/** `passwd` with explicit streams and clock (tests); see {@link passwdCommand}. */
export async function runPasswd(opts: PasswdOptions, io: PasswdIo): Promise<void> {
  const password = checkNewPassword(await readNewPassword(opts, io));
  const { config } = loadConfig(opts.config);
  const store = Store.open(config.store.path);
  const at = io.now();
  try {
    await setAdminPassword(store, password);
    const actor = `cli:${process.env.SUDO_USER ?? process.env.USER ?? 'root'}`;
    store.addAudit({ at, actor, action: 'passwd', detail: null });
  } finally {
    store.close();
  }
  io.stdout.write(opts.json
    ? `${JSON.stringify({ user: 'admin', changed: true, at: new Date(at).toISOString(), sessionsLoggedOut: true })}\n`
    : 'dashboard password for admin changed; open dashboard sessions are logged out\n');
}

/** The `sipwarden passwd [--config FILE] [--password-stdin]` action (commander calls it with the options). */
export async function passwdCommand(opts: PasswdOptions): Promise<void> {
  await runPasswd(opts, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, now: () => Date.now() });
}
