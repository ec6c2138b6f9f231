/**
 * The AMI client's options, state shape and defaults, and the check of options at
 * construction. Invariant: options that pass {@link resolveOptions} cannot put a CR,
 * LF or NUL on the wire, cannot make the client retry in a tight loop, and every
 * wait the client makes is bounded by one of them.
 */
import type tls from 'node:tls';
import { checkBackoff, DEFAULT_BACKOFF, type Backoff } from './backoff.js';
import { isSafeValue } from './frame.js';
import type { Log } from '../../domain/log.js';

/** Where the client is in its life cycle (shown by `sipwarden status`). */
export type AmiStatus = 'connecting' | 'authenticating' | 'connected' | 'backing_off' | 'stopped';

/** A snapshot of the client for `sipwarden status`; a new object on every call. */
export interface AmiState {
  readonly status: AmiStatus;
  /** When `status` last changed (ms, from the client's clock). */
  readonly since: number;
  /** Why the client is backing off or stopped; absent while healthy. */
  readonly reason?: string;
  /** While backing off: when the next attempt starts (ms). */
  readonly nextAttemptAt?: number;
  /** Event frames handed to `onFrame` since construction (across connections). */
  readonly framesReceived: number;
  /** Frames not handed on: larger than `maxFrameBytes`, or without an `Event`/`Response` header. */
  readonly framesDropped: number;
  /** Connection attempts after the first one. */
  readonly reconnects: number;
  /** Malformed lines removed from frames (the rest of such a frame is still used). */
  readonly malformedLines: number;
  /** The most bytes ever held for an incomplete frame; never above `maxFrameBytes`. */
  readonly bufferHighWater: number;
  /** The server's banner of the current or last connection, e.g. `Asterisk Call Manager/9.0.0`. */
  readonly banner?: string;
}

/** A pino-compatible logger; `debug` is optional. */
export type AmiLog = Log;

/** Timer functions, injectable so tests control time. */
export interface AmiTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What the client needs to reach and use one Asterisk manager. */
export interface AmiClientOptions {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** Written to the socket only (as the MD5 key, or plain when the server has no challenge). */
  readonly secret: string;
  readonly tls: boolean;
  /**
   * With `tls`: a PEM file of the CA(s) the manager's certificate must chain to, read
   * again at every connection attempt (a fixed file is picked up at the next retry);
   * absent: the system's CAs. The host name is checked either way.
   */
  readonly caFile?: string;
  /** Extra TLS settings (`ca`, …); the certificate is verified by default. */
  readonly tlsOptions?: Omit<tls.ConnectionOptions, 'host' | 'port' | 'socket'>;
  /** Event classes to receive (the Login `Events:` header). Default `security,system`. */
  readonly events?: string;
  /** Keep-alive period, and how long a Ping may go unanswered. Default 20 000 ms. */
  readonly pingMs?: number;
  /** Time from starting to connect until logged in. Default 10 000 ms. */
  readonly connectTimeoutMs?: number;
  /** Retry delays. Default 1 s doubling to 60 s, ±20 % jitter. */
  readonly backoff?: Partial<Backoff>;
  /** Largest frame accepted, in bytes. Default 64 KiB. */
  readonly maxFrameBytes?: number;
  /** Gets each event frame (header lines joined by CRLF, no blank line) and its 1-based number. */
  readonly onFrame: (frame: string, n: number) => void;
  /** Gets the new state on every status change. */
  readonly onState?: (state: AmiState) => void;
  readonly log: AmiLog;
  /** Clock (ms). Default `Date.now`. */
  readonly now?: () => number;
  /** Random numbers in [0, 1) for jitter. Default `Math.random`. */
  readonly random?: () => number;
  /** Default: the global `setTimeout`/`clearTimeout`. */
  readonly timers?: AmiTimers;
}

/** Options with every default filled in. */
export interface ResolvedOptions extends Required<Omit<AmiClientOptions, 'caFile' | 'tlsOptions' | 'onState' | 'backoff'>> {
  readonly caFile: string | undefined;
  readonly tlsOptions: Omit<tls.ConnectionOptions, 'host' | 'port' | 'socket'>;
  readonly onState: (state: AmiState) => void;
  readonly backoff: Backoff;
}

/** Defaults of the optional settings (backoff: {@link DEFAULT_BACKOFF}). */
export const AMI_CLIENT_DEFAULTS = Object.freeze({
  events: 'security,system',
  pingMs: 20_000,
  connectTimeoutMs: 10_000,
  maxFrameBytes: 64 * 1024,
});

const REAL_TIMERS: AmiTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

function positive(name: string, v: number, min = 1): number {
  if (!Number.isFinite(v) || v < min) throw new RangeError(`AMI client: ${name} must be a number >= ${min}`);
  return v;
}

/**
 * Fills in defaults and checks the options; throws a TypeError/RangeError naming the
 * bad option (never echoing the secret).
 */
export function resolveOptions(o: AmiClientOptions): ResolvedOptions {
  if (typeof o.host !== 'string' || o.host.length === 0 || !isSafeValue(o.host)) throw new TypeError('AMI client: host is required');
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65_535) throw new RangeError('AMI client: port must be 1..65535');
  if (typeof o.username !== 'string' || o.username.length === 0 || !isSafeValue(o.username)) {
    throw new TypeError('AMI client: username must be a non-empty single line');
  }
  if (typeof o.secret !== 'string' || !isSafeValue(o.secret)) throw new TypeError('AMI client: secret must be a single line');
  if (o.caFile !== undefined) {
    if (typeof o.caFile !== 'string' || o.caFile.length === 0) throw new TypeError('AMI client: caFile must be a file path');
    if (!o.tls) throw new TypeError('AMI client: caFile needs tls');
    if (o.tlsOptions?.ca !== undefined) throw new TypeError('AMI client: give caFile or tlsOptions.ca, not both');
  }
  const events = o.events ?? AMI_CLIENT_DEFAULTS.events;
  if (!isSafeValue(events)) throw new TypeError('AMI client: events must be a single line');
  const backoff = { ...DEFAULT_BACKOFF, ...o.backoff };
  checkBackoff(backoff);
  return {
    host: o.host,
    port: o.port,
    username: o.username,
    secret: o.secret,
    tls: o.tls,
    caFile: o.caFile,
    tlsOptions: o.tlsOptions ?? {},
    events,
    pingMs: positive('pingMs', o.pingMs ?? AMI_CLIENT_DEFAULTS.pingMs),
    connectTimeoutMs: positive('connectTimeoutMs', o.connectTimeoutMs ?? AMI_CLIENT_DEFAULTS.connectTimeoutMs),
    backoff,
    maxFrameBytes: positive('maxFrameBytes', o.maxFrameBytes ?? AMI_CLIENT_DEFAULTS.maxFrameBytes, 1024),
    onFrame: o.onFrame,
    onState: o.onState ?? (() => undefined),
    log: o.log,
    now: o.now ?? Date.now,
    random: o.random ?? Math.random,
    timers: o.timers ?? REAL_TIMERS,
  };
}
