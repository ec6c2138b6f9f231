/**
 * One AMI connection of the simulated Asterisk manager: Login (plain `Secret`, or
 * `Action: Challenge` + MD5 `Key`), Ping, Events, Logoff, the call and database actions
 * of ami-actions.ts; the NOTICE/VERBOSE lines and security events manager.c writes for
 * them; and the event filter set by `Events:` within the user's `read` classes.
 * Invariant: after `close()` nothing more is written to the socket.
 */
import { randomInt } from 'node:crypto';
import type net from 'node:net';
import { AmiFramer, amiHeader, amiResponse, fullyBootedFrame, parseAmiAction, type AmiAction } from './ami-frame.js';
import type { AsteriskLogs } from './log-writer.js';
import {
  amiChallengeResponseFailed, amiLoginEvent, type EventAddress, type SecurityEventRecord,
} from './security-event.js';
import { md5 } from './sip-digest.js';

/** A manager account. */
export interface AmiUser {
  readonly username: string;
  readonly secret: string;
  /** manager.conf `read`: the event classes it may receive (absent: all). */
  readonly read?: string;
  /** manager.conf `write`: the action classes it may use (absent: all). */
  readonly write?: string;
}

/** A `read`/`write` list as a set of classes; null for absent or `all`. */
export function classSet(list: string | undefined): ReadonlySet<string> | null {
  if (list === undefined) return null;
  const s = new Set(list.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c.length > 0));
  return s.has('all') ? null : s;
}

/** What a session needs from its server. */
export interface AmiSessionEnv {
  readonly users: ReadonlyMap<string, string>;
  /** Each user's read and write classes (a user not here may read and write everything). */
  readonly perms?: ReadonlyMap<string, { read: ReadonlySet<string> | null; write: ReadonlySet<string> | null }>;
  /** Other actions (lower-case name): the answer to write, or null for "Invalid/unknown command". */
  readonly action?: (name: string, a: AmiAction, id: string, write: ReadonlySet<string> | null) => string | null;
  readonly logs: AsteriskLogs;
  readonly now: () => number;
  readonly startedAt: number;
  readonly report: (e: SecurityEventRecord) => void;
  readonly failedLoginDelayMs: number;
  readonly maxFrameBytes: number;
  /** True while the server is told to refuse every login (fault injection). */
  readonly refuseLogins: () => boolean;
  readonly onLogin: (ok: boolean) => void;
}

/** `Events:` / `EventMask:`: on (all), off, or a list of categories. */
function eventMask(value: string): 'all' | 'none' | Set<string> {
  const v = value.trim().toLowerCase();
  if (['on', 'yes', 'true', 'y', 't', '1', 'all'].includes(v)) return 'all';
  if (['off', 'no', 'false', 'n', 'f', '0', ''].includes(v)) return 'none';
  return new Set(v.split(',').map((s) => s.trim()).filter((s) => s.length > 0));
}

/** One manager connection. */
export class AmiSession {
  authenticated = false;
  private username = '';
  private challenge = '';
  private events: 'all' | 'none' | Set<string> = 'all';
  private closed = false;
  private busy = false;
  private readonly framer: AmiFramer;
  private readonly queue: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** The fake `%p` of the session that Asterisk prints as SessionID. */
  readonly id = `0x7f${randomInt(0x10000000, 0xffffffff).toString(16)}${randomInt(0x10, 0xff).toString(16)}`;

  constructor(
    private readonly socket: net.Socket,
    readonly lwp: number,
    private readonly local: EventAddress,
    private readonly remote: EventAddress,
    private readonly env: AmiSessionEnv,
  ) {
    this.framer = new AmiFramer(env.maxFrameBytes);
  }

  /** Feeds received bytes; actions run one at a time, in order. */
  receive(chunk: string): void {
    if (this.closed) return;
    const frames = this.framer.push(chunk);
    if (frames === null) {
      this.close();
      return;
    }
    this.queue.push(...frames);
    this.drain();
  }

  /** True when this session takes events of the category. */
  wants(category: string): boolean {
    if (!this.authenticated || this.closed) return false;
    const read = this.env.perms?.get(this.username)?.read ?? null;
    if (read !== null && !read.has(category)) return false;
    return this.events === 'all' || (this.events !== 'none' && this.events.has(category));
  }

  /** Writes raw text (latin1) unless closed. */
  send(text: string): void {
    if (!this.closed && !this.socket.destroyed) this.socket.write(Buffer.from(text, 'latin1'));
  }

  /** Ends the session and logs its end as manager.c does (`at`: the simulated time of the end, default the clock). Idempotent. */
  close(at?: number): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const ip = this.remote.ip;
    if (this.authenticated) this.env.logs.verbose(this.lwp, 'manager.c', `Manager '${this.username}' logged off from ${ip}`, at);
    else this.env.logs.verbose(this.lwp, 'manager.c', `Connect attempt from '${ip}' unable to authenticate`, at);
    this.socket.end();
  }

  private drain(): void {
    for (let guard = 0; guard < 1000 && !this.busy && !this.closed; guard++) {
      const next = this.queue.shift();
      if (next === undefined) return;
      this.handle(parseAmiAction(next));
    }
  }

  private handle(a: AmiAction): void {
    const action = amiHeader(a, 'Action').toLowerCase();
    const id = amiHeader(a, 'ActionID');
    if (action === '') {
      this.send(amiResponse('Error', id, [['Message', 'Missing action in request']]));
    } else if (action === 'login') {
      this.login(a, id);
    } else if (action === 'challenge') {
      if (amiHeader(a, 'AuthType').toLowerCase() !== 'md5') {
        this.send(amiResponse('Error', id, [['Message', 'Must specify AuthType']]));
        return;
      }
      if (this.challenge === '') this.challenge = String(randomInt(1, 2 ** 31 - 1));
      this.send(amiResponse('Success', id, [['Challenge', this.challenge]]));
    } else if (action === 'logoff') {
      this.send(amiResponse('Goodbye', id, [['Message', 'Thanks for all the fish.']]));
      this.close();
    } else if (!this.authenticated) {
      this.send(amiResponse('Error', id, [['Message', 'Permission denied']]));
    } else if (action === 'ping') {
      const ms = this.env.now();
      const ts = `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;
      this.send(amiResponse('Success', id, [['Ping', 'Pong'], ['Timestamp', ts]]));
    } else if (action === 'events') {
      this.events = eventMask(amiHeader(a, 'EventMask'));
      this.send(amiResponse('Success', id, [['Events', this.events === 'none' ? 'Off' : 'On']]));
    } else {
      const answer = this.env.action?.(action, a, id, this.env.perms?.get(this.username)?.write ?? null) ?? null;
      if (answer !== null) {
        this.send(answer);
        return;
      }
      const name = amiHeader(a, 'Action');
      this.send(amiResponse('Error', id, [['Message', `Invalid/unknown command: ${name}. Use Action: ListCommands to show available commands.`]]));
    }
  }

  private login(a: AmiAction, id: string): void {
    if (this.authenticated) {
      this.send(amiResponse('Success', id, [['Message', 'Already authenticated']]));
      return;
    }
    if (!this.env.refuseLogins() && this.authenticate(a)) {
      this.authenticated = true;
      this.env.onLogin(true);
      const mask = amiHeader(a, 'Events');
      if (mask !== '') this.events = eventMask(mask);
      this.send(amiResponse('Success', id, [['Message', 'Authentication accepted']]));
      this.env.logs.verbose(this.lwp, 'manager.c', `Manager '${this.username}' logged on from ${this.remote.ip}`);
      if (this.wants('system')) this.send(fullyBootedFrame((this.env.now() - this.env.startedAt) / 1000));
      this.env.report(amiLoginEvent('SuccessfulAuth', this.eventBase()));
      return;
    }
    // manager.c action_login(): sleep(1), then the error, then the session ends — one
    // second after the login on Asterisk's clock, however long the real wait (failedLoginDelayMs) took.
    this.env.onLogin(false);
    this.busy = true;
    const endsAt = this.env.now() + 1000;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.send(amiResponse('Error', id, [['Message', 'Authentication failed']]));
      this.close(endsAt);
    }, this.env.failedLoginDelayMs);
  }

  /** manager.c authenticate(): true on success; logs and reports every failure. */
  private authenticate(a: AmiAction): boolean {
    const username = amiHeader(a, 'Username');
    if (username === '') return false;
    this.username = username.slice(0, 79);
    const ip = this.remote.ip;
    const secret = this.env.users.get(username);
    if (secret === undefined) {
      this.env.report(amiLoginEvent('InvalidAccountID', this.eventBase()));
      this.env.logs.notice(this.lwp, 'manager.c', `${ip} tried to authenticate with nonexistent user '${username}'`);
    } else if (amiHeader(a, 'AuthType').toLowerCase() === 'md5') {
      const key = amiHeader(a, 'Key');
      if (key !== '' && this.challenge !== '') {
        const expected = md5(`${this.challenge}${secret}`);
        if (key === expected) return true;
        this.env.report(amiChallengeResponseFailed(this.eventBase(), this.challenge, key, expected));
      }
    } else {
      if (amiHeader(a, 'Secret') === secret) return true;
      this.env.report(amiLoginEvent('InvalidPassword', this.eventBase()));
    }
    this.env.logs.notice(this.lwp, 'manager.c', `${ip} failed to authenticate as '${username}'`);
    return false;
  }

  private eventBase(): { at: number; accountId: string; sessionId: string; local: EventAddress; remote: EventAddress } {
    return { at: this.env.now(), accountId: this.username, sessionId: this.id, local: this.local, remote: this.remote };
  }
}
