/**
 * `sipwarden run`: the daemon, stopped by SIGTERM/SIGINT; SIGHUP reopens the failed-auth
 * log. Its log lines are written as `log.format` says (logging.ts): under systemd they go
 * to the journal with their priorities, on a terminal as text, otherwise as JSON; and it
 * tells systemd when it is ready and that it is alive (systemd.ts).
 */
import pino from 'pino';
import { loadConfig } from '../config/index.js';
import { runDaemon } from '../daemon/index.js';
import { escapeJsonText } from '../domain/strings.js';
import { logDestination, stdoutLogStyle } from './logging.js';
import { READY_MESSAGE, systemdNotifier } from './systemd.js';

export async function runCommand(opts: { config?: string }): Promise<void> {
  // The config first: its log.format decides how every line is written (a bad file is one line on stderr).
  const loaded = loadConfig(opts.config);
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
  }, logDestination(stdoutLogStyle(loaded.config.log.format)));
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
    await runDaemon({ loaded, log, stopped, onReopen: (fn) => (reopen = fn) });
  } finally {
    stopWatchdog();
  }
}
