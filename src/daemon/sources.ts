/**
 * The daemon's Asterisk sources: one follower per log file (resuming at its stored
 * cursor) and the AMI client, each line or frame parsed and handed to `handle`.
 *
 * With a call sink (the toll-fraud guard, daemon/fraud.ts), the AMI login also asks for
 * the `call` and `cdr` event classes, and each call event — and each successful login,
 * the address an account uses — goes to the sink synchronously, in the frame handler,
 * so a decision to hang up is acted on before the next frame is read.
 *
 * Lifecycle (the daemon calls these in this order): built without I/O; `start()` opens
 * the files and connects; `drain()` stops the AMI and reads what the files hold now —
 * their cursors stay readable for the last store commit; `close()` closes the files.
 * Sources never supervise themselves: the follower re-opens a rotated or missing file
 * on its poll, the AMI client reconnects with backoff; nothing here restarts them.
 */
import fs from 'node:fs';
import type { AmiHealth, SourceHealth } from '../api/index.js';
import type { Config } from '../config/index.js';
import type { AuthSucceeded, CallEvent, ParsedEvent } from '../domain/events.js';
import type { FailedAuthLog } from '../faillog/index.js';
import { parseCallFrame } from '../parsers/calls.js';
import { newDateCache, parseAmiFrame, parseLine } from '../parsers/index.js';
import { describeWatch, detectAsterisk, formatFinding } from '../setup/index.js';
import { AmiClient, type AmiState } from '../sources/ami/index.js';
import { Follower, type FollowerState } from '../sources/follow.js';
import type { Cursor, Store } from '../store/index.js';
import { OversizeLines } from './oversize.js';
import type { PipelineLog } from './pipeline.js';

/** What the daemon needs from its sources. */
export interface Sources {
  start(): void;
  /** Stops the AMI and reads the files up to their end now; cursors stay readable. */
  drain(): Promise<void>;
  /** Closes the files. */
  close(): void;
  /** Where each followed file stands now (stored with the failure rows). */
  cursors(): Cursor[];
  /** The followed files, for the heartbeat and `sipwarden status`. */
  followers(): FollowerState[];
  /** The AMI connection's state (null: not configured). */
  ami(): AmiState | null;
  /** The AMI client, to send actions through (null: not configured). */
  amiClient?(): AmiClient | null;
  /** The same, as the dashboard's overview shows them. */
  health(): { sources: SourceHealth[]; ami: AmiHealth | null };
}

export interface SourceDeps {
  readonly config: Config;
  readonly store: Store;
  readonly faillog: FailedAuthLog;
  readonly log: PipelineLog;
  readonly now: () => number;
  readonly handle: (ev: ParsedEvent) => void;
  /** The toll-fraud guard: AMI call events and successful logins, and each (re)connection of the AMI. */
  readonly calls?: CallSink;
  /** Each change of the AMI connection's state, with its source (`ami:host:port`): alerts when it is lost and back. */
  readonly onAmiState?: (st: AmiState, source: string) => void;
}

/** Where the AMI's call events go (daemon/fraud.ts). */
export interface CallSink {
  handle(ev: CallEvent | AuthSucceeded): void;
  /** Logged in to the AMI (again): actions can be sent. */
  connected(): void;
}

/** The log followers and the AMI client of `config.asterisk`; says what is watched and what is missing. */
export function asteriskSources(d: SourceDeps): Sources {
  const { config, log, now, handle } = d;
  sayWhatIsWatched(config, log);
  const interest = config.policy.scan.enabled ? 'all' as const : 'auth' as const; // challenges: for scans
  // Lines over the reader's limit: logged as OVERSIZE, and read from their start and end when that is safe.
  const oversize = new OversizeLines({ faillog: d.faillog, log, now, handle });
  const followers = config.asterisk.logs.map((file) => {
    const cache = newDateCache();
    const saved = d.store.getCursor(file);
    log.info({ file, exists: fs.existsSync(file), resumeAt: saved ? saved.offset : config.asterisk.startAt }, 'watching log file');
    return new Follower(file, {
      startAt: config.asterisk.startAt,
      cursor: saved,
      onLine: (line, lineNo) => {
        const ev = parseLine(line, { source: file, line: lineNo, refTime: now(), cache, interest, logLoss: true });
        if (ev) handle(ev);
      },
      onOversize: (long, lineNo) => oversize.handle(file, lineNo, long, (text) => parseLine(text, { source: file, line: lineNo, refTime: now(), cache, interest })),
      onNotice: (msg) => log.warn({ file }, msg),
      onError: (e) => log.error({ file, err: e.message }, 'error while following a log file'),
      now,
    });
  });
  const ami = amiClient(d, interest);
  return {
    start() {
      for (const f of followers) f.start();
      ami?.start();
    },
    async drain() {
      await ami?.stop();
      for (const f of followers) f.poll();
    },
    close() {
      for (const f of followers) f.stop();
    },
    cursors: () => followers.flatMap((f) => {
      const c = f.cursor();
      return c ? [{ source: f.file, ...c, updatedAt: now() }] : [];
    }),
    followers: () => followers.map((f) => f.state()),
    ami: () => ami?.state() ?? null,
    amiClient: () => ami,
    health: () => ({
      sources: followers.map((f) => f.state()),
      ami: config.asterisk.ami ? amiHealth(config.asterisk.ami, ami?.state()) : null,
    }),
  };
}

function amiClient(d: SourceDeps, interest: 'all' | 'auth'): AmiClient | null {
  const a = d.config.asterisk.ami;
  if (!a) {
    d.log.info({}, 'AMI is off (asterisk.ami); reading log files only');
    return null;
  }
  const source = `ami:${a.host}:${a.port}`;
  const calls = d.calls;
  d.log.info({ source, user: a.username, calls: Boolean(calls) }, calls
    ? 'reading security and call events from the Asterisk Manager Interface'
    : 'reading security events from the Asterisk Manager Interface');
  return new AmiClient({
    host: a.host, port: a.port, username: a.username, secret: a.secret, tls: a.tls, caFile: a.ca, log: d.log,
    events: calls ? 'security,system,call,cdr' : 'security,system',
    onFrame: (frame, n) => {
      const refTime = d.now();
      if (calls) {
        const call = parseCallFrame(frame, { source, line: n, refTime });
        if (call) return calls.handle(call);
      }
      const ev = parseAmiFrame(frame, { source, line: n, refTime, interest });
      if (!ev) return;
      d.handle(ev);
      if (calls && ev.kind === 'auth_succeeded') calls.handle(ev);
    },
    onState: (st) => {
      d.log.info({ source, status: st.status, reason: st.reason }, 'AMI connection');
      if (st.status === 'connected') calls?.connected();
      d.onAmiState?.(st, source);
    },
  });
}

/** Says exactly what is watched and what is missing, with the fix. */
function sayWhatIsWatched(config: Config, log: PipelineLog): void {
  try {
    const setup = detectAsterisk({});
    for (const f of describeWatch({ logs: config.asterisk.logs, ami: config.asterisk.ami }, setup)) {
      const line = formatFinding(f);
      if (f.level === 'ok') log.info({ finding: f.level }, line);
      else log.warn({ finding: f.level, fix: f.fix }, line);
    }
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'could not read the Asterisk configuration to check what is watched');
  }
  if (config.asterisk.logs.length === 0) {
    log.warn({}, 'no Asterisk log file found (looked for /var/log/asterisk/messages, full, security); set asterisk.logs in the config, or enable a security log channel in /etc/asterisk/logger.conf');
  }
}

function amiHealth(cfg: { host: string; port: number }, st: AmiState | undefined): AmiHealth {
  return { host: cfg.host, port: cfg.port, connected: st?.status === 'connected', since: st?.since ?? null, lastError: st?.reason ?? null };
}
