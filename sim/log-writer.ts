/**
 * The simulator's Asterisk log files (`messages`, `security`, optionally `full`),
 * written the way Asterisk's logger writes them: one `write(2)` per line on a file
 * opened for append, so a follower sees each line as soon as it is logged.
 *
 * Strings are written as latin1: the simulator decodes packets as latin1, so every
 * byte an attacker sent comes out as the same byte (Asterisk copies bytes, it does
 * not validate UTF-8).
 */
import fs from 'node:fs';
import path from 'node:path';
import { securityLogBody, type SecurityEventRecord } from './security-event.js';
import { logDate, type LogDateFormat } from './time-format.js';

/** Where each log goes. `full` gets the NOTICE lines and manager VERBOSE lines. */
export interface LogFiles {
  readonly messages: string;
  readonly security: string;
  readonly full?: string;
}

export interface AsteriskLogOptions {
  readonly files: LogFiles;
  /** Default `default` (`[Nov 24 18:05:31]`). */
  readonly dateFormat?: LogDateFormat;
  /** The clock (ms since the epoch). Default Date.now. */
  readonly now?: () => number;
  /** The thread id in `SECURITY[…]`. Default 16648 (as captured). */
  readonly securityLwp?: number;
  /** Write Asterisk's "Asterisk 20.20.1 built by …" line when each file is opened. */
  readonly banner?: boolean;
}

type Target = 'messages' | 'security' | 'full';

/**
 * Appends Asterisk-format lines. Invariant: each call writes whole lines with one
 * write each, in call order; nothing is buffered, so `flush()` has nothing to wait for.
 */
export class AsteriskLogs {
  private readonly fds = new Map<Target, number>();
  private readonly format: LogDateFormat;
  private readonly now: () => number;
  private readonly securityLwp: number;
  private closed = false;

  constructor(private readonly opts: AsteriskLogOptions) {
    this.format = opts.dateFormat ?? 'default';
    this.now = opts.now ?? Date.now;
    this.securityLwp = opts.securityLwp ?? 16648;
    this.openAll();
  }

  /** `[date] NOTICE[lwp] source: text` into messages and full. */
  notice(lwp: number, source: string, text: string): void {
    const line = `[${logDate(this.now(), this.format)}] NOTICE[${lwp}] ${source}: ${text}\n`;
    this.write('messages', line);
    this.write('full', line);
  }

  /** `[date] VERBOSE[lwp] source: text` into full only (messages takes notice and up); `at` (ms) instead of the clock when given. */
  verbose(lwp: number, source: string, text: string, at?: number): void {
    this.write('full', `[${logDate(at ?? this.now(), this.format)}] VERBOSE[${lwp}] ${source}: ${text}\n`);
  }

  /** `[date] SECURITY[lwp] res_security_log.c: SecurityEvent="…",…` into security. */
  security(e: SecurityEventRecord): void {
    const body = securityLogBody(e);
    this.write('security', `[${logDate(e.at, this.format)}] SECURITY[${this.securityLwp}] res_security_log.c: ${body}\n`);
  }

  /** Reopens every file by name, as `logger reload` does after a rotation. */
  reopen(): void {
    if (this.closed) return;
    this.closeFds();
    this.openAll();
  }

  /** Nothing is buffered; kept so callers can flush before reading the files. */
  flush(): void {
    for (const fd of this.fds.values()) fs.fsyncSync(fd);
  }

  /** Closes the files; later writes are ignored. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeFds();
  }

  private openAll(): void {
    const entries: Array<[Target, string | undefined]> = [
      ['messages', this.opts.files.messages], ['security', this.opts.files.security], ['full', this.opts.files.full],
    ];
    for (const [target, file] of entries) {
      if (!file) continue;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const fd = fs.openSync(file, 'a', 0o640);
      this.fds.set(target, fd);
      if (this.opts.banner) {
        const date = logDate(this.now(), this.format);
        fs.writeSync(fd, `[${date}] Asterisk 20.20.1 built by root @ sim on a x86_64 running Linux\n`, null, 'latin1');
      }
    }
  }

  private closeFds(): void {
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
  }

  private write(target: Target, line: string): void {
    const fd = this.fds.get(target);
    if (fd === undefined || this.closed) return;
    fs.writeSync(fd, line, null, 'latin1');
  }
}
