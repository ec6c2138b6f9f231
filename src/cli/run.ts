/** `sipwarden run`: the daemon, stopped by SIGTERM/SIGINT; SIGHUP reopens the failed-auth log. */
import pino from 'pino';
import { runDaemon } from '../daemon/index.js';
import { escapeJsonText } from '../domain/strings.js';

export async function runCommand(opts: { config?: string }): Promise<void> {
  // Attacker text (account names in alerts) reaches a terminal or journalctl: C1 and bidi controls escaped like C0.
  const log = pino({ name: 'sipwarden', base: { pid: process.pid }, hooks: { streamWrite: escapeJsonText } });
  let reopen: () => void = () => undefined;
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  process.on('SIGHUP', () => {
    log.info({}, 'SIGHUP: reopening the failed-auth log');
    reopen();
  });
  await runDaemon({ configPath: opts.config, log, stopped, onReopen: (fn) => (reopen = fn) });
}
