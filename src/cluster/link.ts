/**
 * The node's two connections to Redis (ioredis): a writer that appends (XADD with
 * MAXLEN ~, pipelined) and a reader that waits on both streams with a blocking XREAD —
 * no polling interval: an entry reaches the reader as soon as Redis has it.
 *
 * Invariants:
 * - Nothing waits for Redis but this link: the writer never queues offline (the
 *   outbox holds what waits, bounded), the reader's loop runs on its own.
 * - One episode of "cluster unreachable" is said once when it starts (warn) and once
 *   when it ends (info, with how long it lasted); ioredis reconnects with backoff, and
 *   the reader waits for it (at most 5 s between tries), never spinning.
 * - The reader asks from the ID after the last entry it handed on, so a link that was
 *   down catches up on everything still in the streams, in order, once.
 * - A dead socket (no answer to a blocking read 10 s after its BLOCK) is destroyed and
 *   reconnected (`socketTimeout`).
 */
import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import type { RedisEndpoint } from '../config/cluster.js';
import type { Log } from '../domain/log.js';
import type { Entry } from './outbox.js';

/** Stream entries as XREAD returns them: [id, [field, value…]]. */
export type StreamEntry = readonly [id: string, fields: readonly string[]];

/** The Redis keys of one group. */
export interface Keys {
  readonly bans: string;
  readonly failures: string;
  readonly nodes: string;
}

/** The keys of `group` (a checked plain word, config/cluster.ts): attacker text never names a key. */
export function keysOf(group: string): Keys {
  return { bans: `${group}:bans`, failures: `${group}:failures`, nodes: `${group}:nodes` };
}

/** Where the reader stands: the ID of the last entry handed on per stream (null: that stream is not read). */
export interface Positions {
  bans: string;
  failures: string | null;
}

/** What a person sees of the link. */
export interface LinkHealth {
  readonly state: 'connecting' | 'up' | 'down';
  /** When the current state began (ms). */
  readonly since: number;
  readonly lastError: string | null;
}

export interface LinkDeps {
  readonly endpoint: RedisEndpoint;
  readonly keys: Keys;
  /** Entries kept per stream (MAXLEN ~). */
  readonly keep: { readonly failures: number; readonly bans: number };
  readonly log: Pick<Log, 'info' | 'warn'>;
  readonly now: () => number;
  /** Entries read from `stream`, in order; called synchronously, before the position moves past them. */
  readonly onEntries: (stream: 'bans' | 'failures', entries: readonly StreamEntry[]) => void;
  /** The link came up or went down. */
  readonly onState?: (up: boolean) => void;
}

const BLOCK_MS = 5000;
const READ_COUNT = 1000;

/** ioredis options for `e` (TLS with its CA read now: a missing file is said at start). */
export function redisOptions(e: RedisEndpoint, name: string): RedisOptions {
  const base: RedisOptions = {
    db: e.db, username: e.user ?? undefined, password: e.password ?? undefined, connectionName: name,
    lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false,
    protocol: 2, connectTimeout: 5000, socketTimeout: BLOCK_MS + 10_000, keepAlive: 10_000,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 5000) + Math.floor(Math.random() * 100),
  };
  if (e.path) return { ...base, path: e.path };
  const tls = e.tls ? { tls: e.ca ? { ca: readFileSync(e.ca), servername: e.host } : { servername: e.host } } : {};
  return { ...base, host: e.host, port: e.port, ...tls };
}

/** The reader and writer connections; see the module comment. */
export class RedisLink {
  readonly #writer: Redis;
  readonly #reader: Redis;
  #positions: Positions = { bans: '0-0', failures: null };
  #stopped = false;
  #reading: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #health: LinkHealth;

  constructor(private readonly deps: LinkDeps) {
    this.#health = { state: 'connecting', since: deps.now(), lastError: null };
    const opts = redisOptions(deps.endpoint, 'sipwarden');
    this.#writer = new Redis(opts);
    this.#reader = new Redis(opts);
    for (const r of [this.#writer, this.#reader]) {
      r.on('error', (e: Error) => this.#down(e));
      r.on('ready', () => this.#wake?.());
    }
    this.#writer.on('ready', () => this.#up());
    this.#writer.on('close', () => this.#down(new Error('connection closed')));
  }

  /** Starts reading from `from` (IDs of the last entries already handled). Returns at once. */
  start(from: Positions): void {
    this.#positions = { ...from };
    this.#writer.connect().catch((e: Error) => this.#down(e));
    this.#reader.connect().catch((e: Error) => this.#down(e));
    this.#reading = this.#read();
  }

  /** Where the reader stands now. */
  positions(): Positions {
    return { ...this.#positions };
  }

  health(): LinkHealth {
    return this.#health;
  }

  /**
   * Appends `batch` in one pipelined round trip; resolves with how many of its first
   * entries are done with (appended, or refused by Redis for good: said, not retried).
   */
  send = async (batch: readonly Entry[]): Promise<number> => {
    const p = this.#writer.pipeline();
    for (const e of batch) p.call('XADD', this.deps.keys[e.stream], 'MAXLEN', '~', String(this.deps.keep[e.stream]), '*', ...e.fields);
    const results = await p.exec();
    let done = 0;
    for (const [err] of results ?? []) {
      if (err && !isReplyError(err)) break;
      if (err) this.deps.log.warn({ err: err.message }, 'cluster: Redis refused a message (check the ACL user\'s rights on the group\'s keys)');
      done++;
    }
    if (done === 0 && batch.length > 0) throw new Error('nothing appended');
    return done;
  };

  /** Says this node is alive (a hash of node → last seen) and reads every node's last-seen time. */
  async beat(name: string, at: number): Promise<Map<string, number>> {
    if (this.#writer.status !== 'ready') return new Map();
    await this.#writer.call('HSET', this.deps.keys.nodes, name, String(at));
    const flat = (await this.#writer.call('HGETALL', this.deps.keys.nodes)) as string[];
    const out = new Map<string, number>();
    for (let i = 0; i + 1 < flat.length && out.size < 1000; i += 2) out.set(flat[i] as string, Number(flat[i + 1]));
    return out;
  }

  /** Raw Redis access for the tests and the benchmark (MEMORY USAGE, XLEN). */
  get writer(): Redis {
    return this.#writer;
  }

  /** Stops reading and closes both connections. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    this.#reader.disconnect();
    await this.#reading?.catch(() => undefined);
    await this.#writer.quit().catch(() => this.#writer.disconnect());
  }

  async #read(): Promise<void> {
    let backoff = 100;
    while (!this.#stopped) {
      if (this.#reader.status !== 'ready') {
        // Connecting or reconnecting (ioredis's backoff): the 'error' event says why, once.
        await this.#pause(backoff);
        backoff = Math.min(backoff * 2, 5000);
        continue;
      }
      try {
        const p = this.#positions;
        const streams = p.failures === null ? [this.deps.keys.bans] : [this.deps.keys.bans, this.deps.keys.failures];
        const ids = p.failures === null ? [p.bans] : [p.bans, p.failures];
        const reply = await this.#reader.call('XREAD', 'COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', ...streams, ...ids);
        backoff = 100;
        this.#handle(reply);
      } catch (e) {
        if (this.#stopped) return;
        this.#down(e as Error);
        await this.#pause(backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  /** Hands the entries of an XREAD reply on, stream by stream, and moves past them. */
  #handle(reply: unknown): void {
    if (!Array.isArray(reply)) return;
    for (const s of reply as Array<[string, Array<[string, string[]]>]>) {
      const stream = s[0] === this.deps.keys.bans ? 'bans' : s[0] === this.deps.keys.failures ? 'failures' : null;
      const entries = s[1];
      if (!stream || !Array.isArray(entries) || entries.length === 0) continue;
      this.deps.onEntries(stream, entries);
      this.#positions[stream] = (entries[entries.length - 1] as [string, string[]])[0];
    }
  }

  /** Waits `ms`, or less if a connection becomes ready or the link stops. */
  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.#wake = () => {
        this.#wake = null;
        done();
      };
    });
  }

  #up(): void {
    const was = this.#health;
    if (was.state === 'up') return;
    this.#health = { state: 'up', since: this.deps.now(), lastError: null };
    if (was.state === 'down') this.deps.log.info({ downForMs: this.#health.since - was.since }, 'cluster reachable again: catching up from the stored position');
    this.deps.onState?.(true);
  }

  #down(e: Error): void {
    if (this.#stopped) return;
    const was = this.#health;
    if (was.state === 'down') return;
    this.#health = { state: 'down', since: this.deps.now(), lastError: e.message };
    this.deps.log.warn({ err: e.message }, 'cluster unreachable: this PBX goes on protecting itself and catches up when Redis is back');
    this.deps.onState?.(false);
  }
}

function isReplyError(e: Error): boolean {
  return e.name === 'ReplyError';
}
