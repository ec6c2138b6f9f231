/**
 * `sipwarden asterisk-acl [--dry-run] [--yes] [--force] [--root DIR] [--config FILE]`
 * and `--uninstall`: the real terminal and real commands around `runAsteriskAcl`
 * (src/acl/command.ts). Commands are not run when --root names another system tree.
 */
import { createInterface } from 'node:readline/promises';
import { runAsteriskAcl, type AclCliOptions } from '../acl/index.js';

/** The real terminal's yes/no question (y or yes, any case, means yes). */
async function askTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^\s*y(es)?\s*$/i.test(await rl.question(question));
  } finally {
    rl.close();
  }
}

/** The `sipwarden asterisk-acl` action. Throws SipwardenError (one line) for expected failures. */
export async function asteriskAclCommand(opts: AclCliOptions): Promise<void> {
  const live = opts.root === undefined || opts.root === '/';
  await runAsteriskAcl(opts, {
    out: (line) => process.stdout.write(`${line}\n`),
    ask: process.stdin.isTTY && process.stdout.isTTY ? askTerminal : null,
    uid: process.getuid?.() ?? 0,
    ...(live ? {} : { runCommand: async () => ({ code: -1, stdout: '', stderr: 'not run: --root names another system tree' }) }),
  });
}
