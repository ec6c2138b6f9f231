/**
 * The failed-auth log file: appends lines, creates its directory, and reopens the
 * file on demand (SIGHUP after logrotate) without losing lines written meanwhile.
 */
import fs from 'node:fs';
import path from 'node:path';

export class FailedAuthLog {
  private stream: fs.WriteStream;

  constructor(private readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o750 });
    this.stream = this.open();
  }

  /** Appends one line (a newline is added). */
  write(line: string): void {
    this.stream.write(`${line}\n`);
  }

  /** Closes and reopens the file by name (after logrotate moved it). */
  reopen(): void {
    const old = this.stream;
    this.stream = this.open();
    old.end();
  }

  /** Flushes and closes. */
  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }

  private open(): fs.WriteStream {
    return fs.createWriteStream(this.file, { flags: 'a', mode: 0o640 });
  }
}
