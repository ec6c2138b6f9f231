/**
 * A long-lived `nft -i` process: one kernel transaction per request without starting a
 * process per ban (starting `nft` costs ~10–25 ms; a request here well under 1 ms).
 *
 * Invariants:
 * - One request is one line of commands joined with `; `, and nft -i runs each line as
 *   ONE batch: all or nothing, exactly like `nft -f -` on the same commands.
 * - Each request line is followed by a marker line `sipwarden-mark-<n>`, which nft
 *   refuses as a syntax error and echoes on stderr. Whatever stderr holds before that
 *   error is the request's reply (nothing: committed). Replies are matched to requests
 *   by `n`, in order; text that matches no waiting request breaks the channel.
 * - When the process dies, cannot start, or gives no reply within the timeout (it is
 *   then killed), every request still waiting is rejected with NftChannelBroken: it may
 *   or may not have been applied, so the caller runs it again another way (every
 *   script sipwarden sends may run twice). The next request starts a new process.
 * - nft -i keeps each line in its history and writes it to $HOME/.nft.history at exit:
 *   the child gets HOME=/dev/null (nothing written), and after RECYCLE_BYTES of input the
 *   process is ended and a fresh one started at once, so its memory stays bounded.
 * - Only text built by nft-script.ts from checked targets is sent; a request holding a
 *   line break is refused before anything is written.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { toolArgv, type Tool } from './exec.js';

/** Input after which the process is replaced (its history grows by every line). */
export const RECYCLE_BYTES = 1024 * 1024;
/** How long a request may wait for its reply, plus 1 ms per 100 bytes of it. */
const REPLY_TIMEOUT_MS = 5_000;
const MARK = 'sipwarden-mark-';

/** The channel lost a request's reply (the process died, stopped answering, or could not start). */
export class NftChannelBroken extends Error {}

/** What nft said about one request: `ok` when it printed no error (the transaction committed). */
export interface NftReply {
  readonly ok: boolean;
  readonly stderr: string;
}

interface Waiting {
  readonly n: number;
  resolve(r: NftReply): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

interface Proc {
  readonly child: ChildProcessWithoutNullStreams;
  readonly waiting: Waiting[];
  err: string;
  bytes: number;
  dead: boolean;
}

/** One `nft -i` at a time for `tool` (netns included), started on demand, replaced when it breaks. */
export class NftSession {
  private proc: Proc | null = null;
  private seq = 0;
  private closed = false;
  /** Processes started so far (the first one included). */
  starts = 0;

  /** `recycleBytes`: input after which the process is replaced (default RECYCLE_BYTES). */
  constructor(private readonly tool: Tool, private readonly recycleBytes = RECYCLE_BYTES) {}

  /** Runs `commands` as one transaction; rejects with NftChannelBroken if the reply was lost. */
  request(commands: readonly string[]): Promise<NftReply> {
    const line = commands.join('; ');
    if (this.closed) return Promise.reject(new NftChannelBroken('the nft channel is closed'));
    if (/[\r\n]/.test(line)) return Promise.reject(new Error('an nft request must be one line'));
    const p = this.current();
    const n = ++this.seq;
    return new Promise<NftReply>((resolve, reject) => {
      const ms = REPLY_TIMEOUT_MS + Math.ceil(line.length / 100);
      const timer = setTimeout(() => this.kill(p, `no reply from nft within ${Math.round(ms / 1000)} s`), ms);
      timer.unref();
      if (p.waiting.length === 0) hold(p, true);
      p.waiting.push({ n, resolve, reject, timer });
      const text = `${line}\n${MARK}${n}\n`;
      p.bytes += text.length;
      p.child.stdin.write(text);
    });
  }

  /** Ends the process (its stdin closed; killed if it lingers) and resolves once it exited; later requests are refused. */
  close(): Promise<void> {
    this.closed = true;
    const p = this.proc;
    this.proc = null;
    return p ? this.retire(p) : Promise.resolve();
  }

  private current(): Proc {
    if (this.proc && !this.proc.dead) return this.proc;
    const { program, argv } = toolArgv(this.tool, ['-i']);
    const child = spawn(program, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C', HOME: '/dev/null' } });
    this.starts++;
    const p: Proc = { child, waiting: [], err: '', bytes: 0, dead: false };
    this.proc = p;
    hold(p, false);
    child.stdout.resume(); // nft -i prints nothing sipwarden asks for; keep the pipe drained
    child.stderr.on('data', (b: Buffer) => {
      p.err += b.toString('utf8');
      this.answer(p);
    });
    child.stdin.on('error', () => undefined); // a dead process: its close event rejects what waits
    child.on('error', (e: NodeJS.ErrnoException) => this.broken(p, `nft could not be started (${e.code ?? e.message})`));
    child.on('close', (code, signal) => this.broken(p, `nft exited (${signal ?? `status ${code}`})`));
    return p;
  }

  /** Settles every request whose marker has come back, oldest first. */
  private answer(p: Proc): void {
    for (;;) {
      const w = p.waiting[0];
      if (!w) {
        if (p.err.length > 0) this.kill(p, `nft said something nobody asked for: ${p.err.slice(0, 200)}`);
        return;
      }
      const echo = `\n${MARK}${w.n}\n`;
      const at = p.err.indexOf(echo);
      if (at < 0) return;
      const caretEnd = p.err.indexOf('\n', at + echo.length);
      if (caretEnd < 0) return; // the caret line is still to come
      const markErr = p.err.lastIndexOf('\n', at - 1) + 1; // start of the marker's own "Error:" line
      const reply = p.err.slice(0, markErr);
      p.err = p.err.slice(caretEnd + 1);
      p.waiting.shift();
      clearTimeout(w.timer);
      w.resolve({ ok: reply.trim().length === 0, stderr: reply });
      if (p.waiting.length === 0) hold(p, false);
      if (p.waiting.length === 0 && p.bytes > this.recycleBytes && this.proc === p) {
        this.proc = null;
        void this.retire(p);
        if (!this.closed) this.current();
      }
    }
  }

  /** Closes the process's stdin (nft -i then exits); SIGKILL after 2 s. Resolves once it exited. */
  private retire(p: Proc): Promise<void> {
    if (p.dead) return Promise.resolve();
    p.child.stdin.end();
    const t = setTimeout(() => p.child.kill('SIGKILL'), 2_000);
    t.unref();
    return new Promise((resolve) => {
      p.child.once('close', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  private kill(p: Proc, why: string): void {
    p.child.kill('SIGKILL');
    this.broken(p, why);
  }

  private broken(p: Proc, why: string): void {
    p.dead = true;
    if (this.proc === p) this.proc = null;
    for (const w of p.waiting.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new NftChannelBroken(why));
    }
  }
}

/** An idle process does not keep Node running (the daemon's stop need not end it first); one with requests waiting does. */
function hold(p: Proc, busy: boolean): void {
  const handles = [p.child, p.child.stdin, p.child.stdout, p.child.stderr] as Array<{ ref?: () => void; unref?: () => void }>;
  for (const h of handles) {
    if (busy) h.ref?.();
    else h.unref?.();
  }
}

/**
 * For a reply that failed: the index in `commands` (as joined by request()) of the
 * command nft's first error points at with its carets, or null if it points nowhere.
 */
export function failedCommand(stderr: string, commands: readonly string[]): number | null {
  const lines = stderr.split('\n');
  const i = lines.findIndex((l) => l.startsWith('Error:'));
  const carets = i < 0 ? undefined : lines.slice(i + 1).find((l) => /^ *\^/.test(l));
  if (carets === undefined) return null;
  const col = carets.length - carets.trimStart().length;
  let start = 0;
  for (let k = 0; k < commands.length; k++) {
    const end = start + (commands[k] as string).length;
    if (col >= start && col < end) return k;
    start = end + 2;
  }
  return null;
}
