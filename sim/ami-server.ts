/**
 * The simulator's Asterisk Manager Interface: a TCP listener that greets with
 * `Asterisk Call Manager/9.0.0`, runs an {@link AmiSession} per connection, fans
 * security events out to logged-in sessions as AMI frames, and misbehaves on request
 * so clients can be tested against faults. Each connection gets its own thread id in
 * the log lines, as Asterisk's per-session threads do.
 */
import net from 'node:net';
import type { AmiAction } from './ami-frame.js';
import { AmiSession, classSet, type AmiUser } from './ami-session.js';
import type { CallFrame } from './call-events.js';
import type { AsteriskLogs } from './log-writer.js';
import { securityAmiFrame, type EventAddress, type SecurityEventRecord } from './security-event.js';

export type { AmiUser } from './ami-session.js';

export interface AmiServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly users: readonly AmiUser[];
  readonly logs: AsteriskLogs;
  readonly now: () => number;
  /** Where the server's own security events go (the security log and broadcast). */
  readonly report: (e: SecurityEventRecord) => void;
  /** manager.c sleeps 1 s before answering a failed login. Default 1000. */
  readonly failedLoginDelayMs?: number;
  /** Thread id of the first connection; later ones count up. Default 18072. */
  readonly firstLwp?: number;
  readonly maxFrameBytes?: number;
  readonly maxSessions?: number;
  /** Actions beyond login, ping and events (ami-actions.ts). */
  readonly action?: (name: string, a: AmiAction, id: string, write: ReadonlySet<string> | null) => string | null;
  /** Benchmarks: each batch of events as it is written to the sessions, and each action as it arrives. */
  readonly observe?: AmiObserver;
}

/** What a benchmark may watch of the AMI (called synchronously; keep it cheap). */
export interface AmiObserver {
  /** Event frames just written to the sessions that want them, in order. */
  written?(frames: readonly string[]): void;
  /** An action (lower-case name) just received from a logged-in session, before it is answered. */
  action?(name: string, a: AmiAction): void;
}

/** Standing misbehaviours, switched on and off by tests at any time. */
export interface AmiFaults {
  /** Every login fails (`Authentication failed`, no log lines: it is a fault, not Asterisk). */
  refuseLogins: boolean;
  /** New connections are closed at once, before the banner. */
  closeOnConnect: boolean;
  /** New connections get no banner and no answers. */
  silent: boolean;
  /** Security events are not sent to any session. */
  muteEvents: boolean;
}

/** One-shot misbehaviours towards the sessions open now. */
export type AmiInjection =
  | { readonly kind: 'close' }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'huge'; readonly bytes?: number };

/** Counters the tests read. */
export interface AmiCounters {
  connections: number;
  loginsOk: number;
  loginsFailed: number;
}

/** A malformed frame: a header line without a colon, a NUL and 0xff bytes, a bare LF. */
const MALFORMED = 'Event: ChallengeSent\r\nPrivilege security,all\r\nthis is not a header\r\n\0\xff\xfe: \n\r\n\r\n';

/** The AMI listener. Invariant: every socket it accepted is destroyed by `close()`. */
export class AmiServer {
  readonly faults: AmiFaults = { refuseLogins: false, closeOnConnect: false, silent: false, muteEvents: false };
  readonly counters: AmiCounters = { connections: 0, loginsOk: 0, loginsFailed: 0 };
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly sessions = new Set<AmiSession>();
  private nextLwp: number;
  private readonly startedAt: number;
  private readonly users: ReadonlyMap<string, string>;
  private readonly perms: ReadonlyMap<string, { read: ReadonlySet<string> | null; write: ReadonlySet<string> | null }>;
  /** Events waiting for the next turn of the event loop, in order, with their class. */
  private pending: Array<{ frame: string; cls: string }> = [];

  constructor(private readonly opts: AmiServerOptions) {
    this.nextLwp = opts.firstLwp ?? 18072;
    this.startedAt = opts.now();
    this.users = new Map(opts.users.map((u) => [u.username, u.secret]));
    this.perms = new Map(opts.users.map((u) => [u.username, { read: classSet(u.read), write: classSet(u.write) }]));
    this.server = net.createServer((s) => this.accept(s));
    this.server.maxConnections = opts.maxSessions ?? 64;
  }

  /** Starts listening; resolves with the port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: this.opts.host, port: this.opts.port, ipv6Only: this.opts.host.includes(':') }, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  /**
   * Sends a security event to every logged-in session that takes `security` events,
   * on the next turn of the event loop: Asterisk delivers them through stasis, after
   * the action that caused them has answered (a Login+Logoff sent in one packet never
   * sees its own SuccessfulAuth, as in tool-output/S27.out).
   */
  broadcast(e: SecurityEventRecord): void {
    this.enqueue(securityAmiFrame(e), 'security');
  }

  /** Sends a call event (call, cdr or dialplan class) the same way, after the security events before it. */
  broadcastCall(f: CallFrame): void {
    this.enqueue(f.text, f.cls);
  }

  /** Events go out on the next turn of the event loop, in the order they came, one write per session. */
  private enqueue(frame: string, cls: string): void {
    this.pending.push({ frame, cls });
    if (this.pending.length > 1) return;
    setImmediate(() => {
      const batch = this.pending;
      this.pending = [];
      if (this.faults.muteEvents) return;
      for (const s of this.sessions) {
        let out = '';
        for (const e of batch) if (s.wants(e.cls)) out += e.frame;
        if (out) s.send(out);
      }
      this.opts.observe?.written?.(batch.map((e) => e.frame));
    });
  }

  /** Misbehaves towards every open session now; returns how many were affected. */
  inject(injection: AmiInjection): number {
    const targets = [...this.sessions];
    for (const s of targets) {
      if (injection.kind === 'close') s.close();
      else if (injection.kind === 'malformed') s.send(MALFORMED);
      else s.send(`Event: Huge\r\nPrivilege: security,all\r\nData: ${'A'.repeat(injection.bytes ?? 10 * 1024 * 1024)}\r\n\r\n`);
    }
    return targets.length;
  }

  /** Stops listening and destroys every connection. */
  close(): Promise<void> {
    for (const s of this.sessions) s.close();
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.counters.connections++;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (this.faults.closeOnConnect) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    if (this.faults.silent) {
      socket.on('data', () => undefined);
      return;
    }
    const addr = (ip: string | undefined, port: number | undefined): EventAddress => ({
      ip: (ip ?? '').replace(/^::ffff:(?=\d+\.)/, ''), port: port ?? 0, transport: 'TCP',
    });
    const session = new AmiSession(
      socket, this.nextLwp++,
      addr(socket.localAddress, socket.localPort), addr(socket.remoteAddress, socket.remotePort),
      {
        users: this.users, logs: this.opts.logs, now: this.opts.now, startedAt: this.startedAt,
        report: this.opts.report, failedLoginDelayMs: this.opts.failedLoginDelayMs ?? 1000, perms: this.perms,
        action: (name, a, id, write) => {
          this.opts.observe?.action?.(name, a);
          return this.opts.action?.(name, a, id, write) ?? null;
        },
        maxFrameBytes: this.opts.maxFrameBytes ?? 64 * 1024,
        refuseLogins: () => this.faults.refuseLogins,
        onLogin: (ok) => { if (ok) this.counters.loginsOk++; else this.counters.loginsFailed++; },
      },
    );
    this.sessions.add(session);
    socket.on('close', () => {
      session.close();
      this.sessions.delete(session);
    });
    socket.on('data', (chunk: Buffer) => session.receive(chunk.toString('latin1')));
    session.send('Asterisk Call Manager/9.0.0\r\n');
  }
}
