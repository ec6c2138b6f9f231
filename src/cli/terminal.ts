/**
 * What the system-changing commands (`init`, `asterisk-acl`) get from the real world:
 * lines to stdout, a yes/no question on a terminal (none when not interactive), the
 * user id, and — when `--root` names another system tree — a command runner that runs
 * nothing, so a tree under test never makes this host's Asterisk or systemd reload.
 */
import { createInterface } from 'node:readline/promises';

/** The real terminal's yes/no question (y or yes, any case, means yes). */
async function askTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^\s*y(es)?\s*$/i.test(await rl.question(question));
  } finally {
    rl.close();
  }
}

/** The real terminal's question for a line of text. */
async function askLineTerminal(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/** The real-world dependencies of a system-changing command working on `root`. */
export function realWorld(root: string | undefined) {
  const live = root === undefined || root === '/';
  return {
    out: (line: string) => {
      process.stdout.write(`${line}\n`);
    },
    ask: process.stdin.isTTY && process.stdout.isTTY ? askTerminal : null,
    askLine: process.stdin.isTTY && process.stdout.isTTY ? askLineTerminal : null,
    uid: process.getuid?.() ?? 0,
    ...(live ? {} : { runCommand: async () => ({ code: -1, stdout: '', stderr: 'not run: --root names another system tree' }) }),
  };
}
