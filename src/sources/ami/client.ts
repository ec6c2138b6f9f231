/**
 * A hand-written Asterisk Manager Interface client: connects (TCP, or TLS verified
 * against the system's CAs or the PBX's own CA file), checks the `Asterisk Call
 * Manager/` banner, logs in (MD5 challenge; plain `Secret` only if the server refuses
 * the challenge) asking only for the configured event classes, hands every event
 * frame to `onFrame`, pings to detect a dead peer, and on any failure (a refused
 * certificate or an unusable CA file too) reconnects after a capped, jittered
 * exponential backoff.
 *
 * It supervises nothing but its own connection; it never throws out of a socket or
 * timer handler (errors end the connection and are retried).
 *
 * Invariants:
 * - At most one socket is live; every socket and timer belongs to the generation
 *   `gen` that created it, and callbacks of an older generation do nothing.
 * - In `backing_off` exactly one retry timer is pending; in `stopped` none is, and
 *   no socket is open once `stop()` has resolved.
 * - The secret and the MD5 key are written to the socket only, never logged or kept
 *   in the state.
 * - Frames reach `onFrame` in the order the server sent them, numbered 1, 2, 3, … for
 *   the life of the client — except the events answering one of our list actions
 *   (actions.ts), which go to that action.
 * - `action()` never waits for the socket and never blocks the reader: it writes at
 *   once and its promise settles on the response with its ActionID, its timeout, or
 *   the connection's end (every waiting action fails then; nothing is re-sent).
 */
import net from 'node:net';
import tls from 'node:tls';
import { AmiActionError, PendingActions, type ActionOptions, type AmiReply } from './actions.js';
import { backoffDelay } from './backoff.js';
import { cleanFrame, header, md5Key, printable, renderAction } from './frame.js';
import { describeError, Notices, type FailureKind } from './notices.js';
import { resolveOptions, type AmiClientOptions, type AmiState, type AmiStatus, type ResolvedOptions } from './options.js';
import { AmiReader } from './reader.js';
import { describeTlsError, readCaFile } from './trust.js';

const BANNER_PREFIX = 'Asterisk Call Manager/';
/** How long `stop()` waits for a polite Logoff to flush before destroying the socket. */
const STOP_GRACE_MS = 1000;

/** The AMI client. Construct, `start()`, and `stop()` once done. */
export class AmiClient {
  private readonly opts: ResolvedOptions;
  private readonly reader: AmiReader;
  private readonly notices: Notices;
  private status: AmiStatus = 'stopped';
  private since: number;
  private reason: string | undefined = 'not started';
  private nextAttemptAt: number | undefined;
  private banner: string | undefined;
  private framesReceived = 0;
  private framesDropped = 0;
  private reconnects = 0;
  private malformedLines = 0;
  private gen = 0;
  private failures = 0;
  private socket: net.Socket | null = null;
  private retryTimer: unknown = null;
  private connectTimer: unknown = null;
  private pingTimer: unknown = null;
  private seq = 0;
  private challengeId = '';
  private loginId = '';
  private pingId = '';
  private readonly actions: PendingActions;

  /** Checks the options (throws on bad ones, without echoing the secret); does not connect. */
  constructor(options: AmiClientOptions) {
    this.opts = resolveOptions(options);
    this.since = this.opts.now();
    this.notices = new Notices(this.opts.log, { ami: `${this.opts.host}:${this.opts.port}`, user: this.opts.username });
    this.reader = new AmiReader(this.opts.maxFrameBytes, {
      banner: (line) => this.onBanner(line),
      frame: (raw) => this.onRawFrame(raw),
      oversized: () => this.dropFrame(`larger than ${this.opts.maxFrameBytes} bytes`),
    });
    this.actions = new PendingActions(this.opts.timers);
  }

  /** True while logged in (actions can be sent). */
  get connected(): boolean {
    return this.status === 'connected' && this.socket !== null;
  }

  /**
   * Sends one action (`Action: name`, our ActionID, then `fields`) and resolves with the
   * server's answer — `ok` false when the server refused it (`Response: Error`). Rejects
   * with an {@link AmiActionError} when not logged in, on timeout, on a value with CR/LF,
   * or when the connection ends first. Written at once: a Hangup leaves before this returns.
   */
  action(name: string, fields: ReadonlyArray<readonly [string, string]>, opts: ActionOptions = {}): Promise<AmiReply> {
    if (!this.connected) return Promise.reject(new AmiActionError('not_connected', `not logged in to the AMI (${this.status})`));
    const id = this.nextId();
    return this.actions.add(id, opts, () => this.send(renderAction(name, [['ActionID', id], ...fields])));
  }

  /** A snapshot for `sipwarden status`. */
  state(): AmiState {
    return {
      status: this.status,
      since: this.since,
      ...(this.reason !== undefined ? { reason: this.reason } : {}),
      ...(this.nextAttemptAt !== undefined ? { nextAttemptAt: this.nextAttemptAt } : {}),
      framesReceived: this.framesReceived,
      framesDropped: this.framesDropped,
      reconnects: this.reconnects,
      malformedLines: this.malformedLines,
      bufferHighWater: this.reader.highWater,
      ...(this.banner !== undefined ? { banner: this.banner } : {}),
    };
  }

  /** Starts connecting (and keeps reconnecting until `stop()`). No-op unless stopped. */
  start(): void {
    if (this.status !== 'stopped') return;
    this.failures = 0;
    this.connect();
  }

  /** Logs off if logged in, closes the socket and cancels every timer; resolves once the socket is closed. */
  stop(): Promise<void> {
    const sock = this.socket;
    const wasConnected = this.status === 'connected';
    this.socket = null;
    this.gen++;
    this.clearTimers();
    this.actions.rejectAll('stopped', 'the AMI client stopped');
    if (this.status !== 'stopped') this.setStatus('stopped', 'stopped by request', undefined);
    if (sock === null || sock.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      sock.once('close', () => resolve());
      if (!wasConnected) {
        sock.destroy();
        return;
      }
      const grace = this.opts.timers.setTimeout(() => sock.destroy(), STOP_GRACE_MS);
      sock.once('close', () => this.opts.timers.clearTimeout(grace));
      sock.end(renderAction('Logoff', [['ActionID', this.nextId()]]), () => sock.destroy());
    });
  }

  private connect(): void {
    const gen = ++this.gen;
    if (gen > 1) this.reconnects++;
    this.reader.reset();
    this.challengeId = this.loginId = this.pingId = '';
    this.setStatus('connecting', undefined, undefined);
    const { host, port, caFile } = this.opts;
    let ca: { ca: string } | undefined;
    if (caFile !== undefined) {
      const read = readCaFile(caFile);
      if (!read.ok) {
        this.fail(gen, 'tls', read.error);
        return;
      }
      ca = { ca: read.pem };
    }
    let sock: net.Socket;
    try {
      // Verification stays on: the chain must end at `ca` (or a system CA) and name `host`.
      sock = this.opts.tls
        ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...this.opts.tlsOptions, ...ca })
        : net.connect({ host, port });
    } catch (e) {
      this.fail(gen, 'network', describeError(e));
      return;
    }
    this.socket = sock;
    sock.setNoDelay(true);
    sock.on('data', (chunk: Buffer) => this.guard(gen, () => {
      if (gen === this.gen) this.reader.push(chunk);
    }));
    sock.on('error', (e) => this.guard(gen, () => {
      const tlsReason = this.opts.tls ? describeTlsError(e, { host, port, caFile }) : undefined;
      if (tlsReason !== undefined) this.fail(gen, 'tls', tlsReason);
      else this.fail(gen, 'network', describeError(e));
    }));
    sock.on('close', () => this.guard(gen, () => this.fail(gen, 'network', 'connection closed by the server')));
    this.connectTimer = this.opts.timers.setTimeout(() => this.guard(gen, () => {
      this.connectTimer = null;
      this.fail(gen, 'network', `not logged in within ${this.opts.connectTimeoutMs} ms`);
    }), this.opts.connectTimeoutMs);
  }

  private onBanner(line: string): void {
    const gen = this.gen;
    if (this.status !== 'connecting' || this.socket === null) return;
    if (!line.startsWith(BANNER_PREFIX)) {
      this.fail(gen, 'protocol', `not an Asterisk manager (banner "${printable(line, 60)}")`);
      return;
    }
    this.banner = printable(line, 80);
    this.setStatus('authenticating', undefined, undefined);
    this.challengeId = this.nextId();
    this.send(renderAction('Challenge', [['ActionID', this.challengeId], ['AuthType', 'MD5']]));
  }

  private onRawFrame(raw: string): void {
    if (this.socket === null) return;
    const f = cleanFrame(raw);
    this.malformedLines += f.malformed;
    if (f.malformed > 0) this.notices.oncePerClient('malformed', 'warn', { lines: f.malformed }, 'AMI frame with malformed lines: lines skipped');
    if (f.kind === 'Event') {
      if (this.actions.listening && this.actions.event(f.text)) return;
      const n = ++this.framesReceived;
      try {
        this.opts.onFrame(f.text, n);
      } catch (e) {
        this.notices.oncePerClient('onFrame', 'error', { frame: n, err: describeError(e) }, 'AMI frame handler threw');
      }
    } else if (f.kind === 'Response') {
      this.onResponse(f.text);
    } else {
      this.dropFrame(f.kind === '' ? 'no valid header line' : `unknown frame type "${printable(f.kind, 40)}"`);
    }
  }

  private dropFrame(why: string): void {
    this.framesDropped++;
    this.notices.oncePerClient('dropped', 'warn', { why, framesDropped: this.framesDropped }, 'AMI frame dropped');
  }

  private onResponse(text: string): void {
    const gen = this.gen;
    const id = header(text, 'ActionID');
    const ok = header(text, 'Response').toLowerCase() === 'success';
    if (id === '') return;
    if (id === this.pingId) {
      this.pingId = '';
    } else if (this.actions.response(id, text)) {
      // An answer to action(): settled there.
    } else if (id === this.challengeId && this.status === 'authenticating') {
      this.challengeId = '';
      const challenge = header(text, 'Challenge');
      if (ok && challenge !== '') {
        this.login([['AuthType', 'MD5'], ['Key', md5Key(challenge, this.opts.secret)]]);
      } else {
        this.notices.info({ message: printable(header(text, 'Message')) }, 'AMI server refused the MD5 challenge; logging in with the plain secret');
        this.login([['Secret', this.opts.secret]]);
      }
    } else if (id === this.loginId && this.status === 'authenticating') {
      this.loginId = '';
      if (ok) this.loggedIn(gen);
      else this.fail(gen, 'auth', printable(header(text, 'Message') || 'login refused'));
    }
  }

  private login(credentials: ReadonlyArray<readonly [string, string]>): void {
    this.loginId = this.nextId();
    this.send(renderAction('Login', [
      ['ActionID', this.loginId], ['Username', this.opts.username], ...credentials, ['Events', this.opts.events],
    ]));
  }

  private loggedIn(gen: number): void {
    this.opts.timers.clearTimeout(this.connectTimer);
    this.connectTimer = null;
    this.failures = 0;
    this.notices.connected(this.banner ?? '');
    this.setStatus('connected', undefined, undefined);
    this.schedulePing(gen);
  }

  private schedulePing(gen: number): void {
    this.pingTimer = this.opts.timers.setTimeout(() => this.guard(gen, () => {
      this.pingTimer = null;
      if (gen !== this.gen || this.socket === null) return;
      if (this.pingId !== '') {
        // Judge only after the I/O already waiting has been read: a stalled event loop
        // must not pass for a dead manager.
        setImmediate(() => this.guard(gen, () => {
          if (this.pingId !== '') this.fail(gen, 'network', `no answer to Ping within ${this.opts.pingMs} ms`);
          else if (gen === this.gen && this.socket !== null) this.sendPing(gen);
        }));
        return;
      }
      this.sendPing(gen);
    }), this.opts.pingMs);
  }

  private sendPing(gen: number): void {
    this.pingId = this.nextId();
    this.send(renderAction('Ping', [['ActionID', this.pingId]]));
    this.schedulePing(gen);
  }

  /** Ends the attempt of generation `gen` (once) and schedules the next one. */
  private fail(gen: number, kind: FailureKind, reason: string): void {
    if (gen !== this.gen || this.status === 'backing_off' || this.status === 'stopped') return;
    const sock = this.socket;
    this.socket = null;
    this.clearTimers();
    sock?.destroy();
    this.actions.rejectAll('disconnected', `the AMI connection ended: ${reason}`);
    this.failures++;
    const delay = backoffDelay(this.opts.backoff, this.failures, this.opts.random);
    this.notices.failure(kind, reason, delay);
    this.setStatus('backing_off', kind === 'auth' ? `login refused: ${reason}` : reason, this.opts.now() + delay);
    this.retryTimer = this.opts.timers.setTimeout(() => this.guard(gen, () => {
      this.retryTimer = null;
      if (gen === this.gen && this.status === 'backing_off') this.connect();
    }), delay);
  }

  private send(text: string): void {
    const sock = this.socket;
    if (sock !== null && !sock.destroyed && sock.writable) sock.write(text);
  }

  private nextId(): string {
    return `sipwarden-${++this.seq}`;
  }

  private clearTimers(): void {
    for (const t of [this.retryTimer, this.connectTimer, this.pingTimer]) if (t !== null) this.opts.timers.clearTimeout(t);
    this.retryTimer = this.connectTimer = this.pingTimer = null;
  }

  private setStatus(status: AmiStatus, reason: string | undefined, nextAttemptAt: number | undefined): void {
    this.status = status;
    this.since = this.opts.now();
    this.reason = reason;
    this.nextAttemptAt = nextAttemptAt;
    try {
      this.opts.onState(this.state());
    } catch (e) {
      this.notices.oncePerClient('onState', 'error', { err: describeError(e) }, 'AMI state handler threw');
    }
  }

  /** Runs a socket/timer callback; a bug inside ends the connection instead of escaping. */
  private guard(gen: number, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.notices.oncePerClient('internal', 'error', { err: describeError(e) }, 'AMI client internal error');
      try {
        this.fail(gen, 'protocol', `internal error: ${describeError(e)}`);
      } catch {
        // Nothing more can be done safely here; the next event or stop() recovers.
      }
    }
  }
}
