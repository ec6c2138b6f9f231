/**
 * What `sipwarden run` does differently under systemd, and only there:
 *
 * - **Journal lines.** Whether stdout is the journal (`JOURNAL_STREAM` names it), and a
 *   log record as one readable line with its syslog priority prefix
 *   (`<4>cannot reach the AMI host=127.0.0.1 port=5038`), which journald files under that
 *   priority (logging.ts decides when to write them). Values are escaped for a terminal
 *   (attacker text never steers `journalctl`'s display).
 * - **Readiness and the watchdog** (`Type=notify`, `WatchdogSec=`). Node cannot send the
 *   datagram `sd_notify` needs, so the messages go through systemd's own
 *   `systemd-notify` (the unit sets `NotifyAccess=all`). systemd-notify waits until the
 *   manager has taken the message (its barrier), so the message is never lost to the
 *   helper exiting first. `READY=1` goes when the daemon logs that it runs (the log
 *   line the tests wait for too); `WATCHDOG=1` every third of `WATCHDOG_USEC`, from the
 *   event loop, so a hung loop stops the pings and systemd restarts the service.
 * Without `NOTIFY_SOCKET` (a terminal, a test) nothing is sent.
 */
import { spawn } from 'node:child_process';
import { fstatSync } from 'node:fs';
import { terminalJson, terminalText } from '../domain/strings.js';

/** The message the daemon logs once it is up (create.ts); readiness is announced then. */
export const READY_MESSAGE = 'sipwarden running';

/** Whether fd 1 is the journal stream systemd gave this process (`JOURNAL_STREAM=<dev>:<ino>`). */
export function stdoutIsJournal(env: NodeJS.ProcessEnv = process.env, fd = 1): boolean {
  const want = env.JOURNAL_STREAM;
  if (!want) return false;
  try {
    const st = fstatSync(fd);
    return want === `${st.dev}:${st.ino}`;
  } catch {
    return false;
  }
}

/** pino's numeric level → syslog priority (debug 7, info 6, warn 4, error 3, fatal 2). */
export function syslogPriority(level: number): number {
  if (level >= 60) return 2;
  if (level >= 50) return 3;
  if (level >= 40) return 4;
  if (level >= 30) return 6;
  return 7;
}

const PLAIN = /^[\w.:/@+,=-]+$/;
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

/** One pino JSON record as a journal line: `<priority>message key=value ...` (no newline inside). */
export function journalLine(json: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return `<6>${terminalText(json.trimEnd())}`;
  }
  const level = typeof rec.level === 'number' ? rec.level : 30;
  const fields = Object.entries(rec).filter(([k]) => !SKIP.has(k)).map(([k, v]) => {
    const text = typeof v === 'string' && PLAIN.test(v) ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : terminalJson(v);
    return `${terminalText(k)}=${text}`;
  });
  const msg = typeof rec.msg === 'string' ? terminalText(rec.msg) : '';
  return `<${syslogPriority(level)}>${[msg, ...fields].filter((s) => s !== '').join(' ')}`;
}

/** Sends `sd_notify` assignments through systemd-notify. */
export interface Notifier {
  readonly active: boolean;
  notify(...assignments: string[]): void;
  /** Starts the watchdog pings if systemd asked for them; returns the stop function. */
  watchdog(): () => void;
}

/** The notifier for this process: a no-op without NOTIFY_SOCKET. `run` spawns the helper (tests replace it). */
export function systemdNotifier(env: NodeJS.ProcessEnv = process.env, run: (args: string[]) => void = spawnNotify): Notifier {
  const active = !!env.NOTIFY_SOCKET;
  return {
    active,
    notify: (...assignments) => { if (active) run(assignments); },
    watchdog: () => {
      const usec = Number(env.WATCHDOG_USEC);
      const forUs = !env.WATCHDOG_PID || env.WATCHDOG_PID === String(process.pid);
      if (!active || !forUs || !Number.isFinite(usec) || usec <= 0) return () => undefined;
      const timer = setInterval(() => run(['WATCHDOG=1']), Math.max(1000, Math.floor(usec / 3000)));
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}

function spawnNotify(args: string[]): void {
  try {
    const child = spawn('systemd-notify', args, { stdio: 'ignore' });
    child.on('error', () => undefined);
  } catch {
    // systemd-notify missing: readiness cannot be told; systemd's start timeout says so.
  }
}
