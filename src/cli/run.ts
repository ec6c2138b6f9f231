/**
 * `sipwarden run`: the daemon, stopped by SIGTERM/SIGINT; SIGHUP reopens the failed-auth
 * log. Under systemd its log lines go to the journal with their priorities, and it tells
 * systemd when it is ready and that it is alive (systemd.ts).
 */
import pino from 'pino';
import { runDaemon } from '../daemon/index.js';
import { escapeJsonText } from '../domain/strings.js';
import { journalDestination, READY_MESSAGE, stdoutIsJournal, systemdNotifier } from './systemd.js';

export async function runCommand(opts: { config?: string }): Promise<void> {
  const sd = systemdNotifier();
  let stopWatchdog: () => void = () => undefined;
  // Attacker text (account names in alerts) reaches a terminal or journalctl: C1 and bidi controls escaped like C0.
  const log = pino({
    name: 'sipwarden',
    base: { pid: process.pid },
    hooks: {
      streamWrite: escapeJsonText,
      logMethod(args, method) {
        method.apply(this, args);
        if (args.at(-1) === READY_MESSAGE && sd.active) {
          sd.notify('READY=1', 'STATUS=protecting');
          stopWatchdog();
          stopWatchdog = sd.watchdog();
        }
      },
    },
  }, stdoutIsJournal() ? journalDestination() : undefined);
  let reopen: () => void = () => undefined;
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  process.on('SIGHUP', () => {
    log.info({}, 'SIGHUP: reopening the failed-auth log');
    reopen();
  });
  try {
    await runDaemon({ configPath: opts.config, log, stopped, onReopen: (fn) => (reopen = fn) });
  } finally {
    stopWatchdog();
  }
}
