/**
 * Test support for the AMI client: a real TCP (or TLS) AMI server on 127.0.0.1 that
 * speaks enough of manager.c — banner, Challenge, Login (MD5 key checked against its
 * own md5, or plain Secret), Ping, Logoff — and then replays event frames captured
 * from a real Asterisk 20; plus the fixture's frames and small bounded waits.
 * Loopback only; every socket it accepted is destroyed by `close()`. Lives under test/
 * so that dist/ holds only the product.
 */
import { createHash, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

/** Raw bytes a real Asterisk 20 manager sent (banner, login response, events; CRLF). */
export const FIXTURE = new URL('../../fixtures/asterisk-20/ami-events.txt', import.meta.url);

/** The event frames of ami-events.txt (everything after the banner but the login response), CRLF-joined. */
export function fixtureEventFrames(): string[] {
  const text = readFileSync(FIXTURE, 'utf8');
  const body = text.slice(text.indexOf('\r\n') + 2);
  return body.split('\r\n\r\n').filter((f) => f.startsWith('Event: '));
}

/** Polls `cond` every 10 ms; throws `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A free port on 127.0.0.1 with nothing listening on it (just released). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface TestAmiOptions {
  readonly username: string;
  readonly secret: string;
  /** Event frames sent (in one write) right after each successful login. */
  readonly frames?: readonly string[];
  /** TLS key and certificate (PEM); plain TCP when absent. */
  readonly tls?: { readonly key: string; readonly cert: string };
}

/** What the server saw of one login. */
export interface LoginRecord {
  readonly authType: string;
  readonly keyMatched: boolean;
  readonly events: string;
  readonly ok: boolean;
}

/** The fake manager. Behaviour flags may be flipped by tests at any time. */
export class TestAmiServer {
  refuseLogins = false;
  refuseChallenge = false;
  answerPings = true;
  connections = 0;
  pingsReceived = 0;
  readonly logins: LoginRecord[] = [];
  /** The MD5 keys the server computed itself (to check they never reach a log). */
  readonly expectedKeys: string[] = [];
  /** Every byte string received, for checking what went over the wire. */
  readonly received: string[] = [];
  /**
   * Answers other actions (Hangup, DBPut, list actions…) for the action API's tests:
   * given the action's headers (keys lower-cased) and its ActionID, returns the raw
   * text to write (frames with their blank lines), or null for manager.c's
   * "Invalid/unknown command". Logged-in sessions only.
   */
  answer: ((action: ReadonlyMap<string, string>, id: string) => string | null) | null = null;
  private server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly authed = new Set<net.Socket>();

  constructor(private readonly opts: TestAmiOptions) {
    this.server = this.create();
  }

  /** Listens on 127.0.0.1 (`port` 0: ephemeral); resolves with the port. */
  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  /** Sends raw bytes to every logged-in connection. */
  send(data: string | Buffer): void {
    for (const s of this.authed) s.write(data);
  }

  /** Destroys every open connection (the listener stays). */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  /** Stops listening and destroys every connection; a new `listen()` may follow. */
  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server = this.create();
  }

  get loggedIn(): number {
    return this.authed.size;
  }

  private create(): net.Server {
    const handler = (s: net.Socket): void => this.accept(s);
    return this.opts.tls ? tls.createServer({ key: this.opts.tls.key, cert: this.opts.tls.cert }, handler) : net.createServer(handler);
  }

  private accept(s: net.Socket): void {
    this.connections++;
    this.sockets.add(s);
    s.on('close', () => {
      this.sockets.delete(s);
      this.authed.delete(s);
    });
    s.on('error', () => s.destroy());
    let buf = '';
    let challenge = '';
    s.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.received.push(text);
      buf += text;
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        const action = parseAction(buf.slice(0, end));
        buf = buf.slice(end + 4);
        challenge = this.handle(s, action, challenge);
      }
    });
    s.write('Asterisk Call Manager/9.0.0\r\n');
  }

  /** Answers one action; returns the session's challenge. */
  private handle(s: net.Socket, a: Map<string, string>, challenge: string): string {
    const id = a.get('actionid') ?? '';
    /** `Response:` first, then the ActionID, then the rest, as manager.c orders them. */
    const reply = (response: string, ...fields: string[]): void => {
      s.write(`Response: ${response}\r\nActionID: ${id}\r\n${fields.map((l) => `${l}\r\n`).join('')}\r\n`);
    };
    const action = (a.get('action') ?? '').toLowerCase();
    if (action === 'challenge') {
      if (this.refuseChallenge) {
        reply('Error', 'Message: Must specify AuthType');
        return challenge;
      }
      const c = challenge || String(randomInt(1, 2 ** 31 - 1));
      reply('Success', `Challenge: ${c}`);
      return c;
    }
    if (action === 'login') {
      const authType = (a.get('authtype') ?? '').toLowerCase();
      const expected = createHash('md5').update(challenge + this.opts.secret).digest('hex');
      const keyMatched = authType === 'md5' && challenge !== '' && a.get('key') === expected;
      const plainOk = authType !== 'md5' && a.get('secret') === this.opts.secret;
      const ok = !this.refuseLogins && a.get('username') === this.opts.username && (keyMatched || plainOk);
      this.logins.push({ authType, keyMatched, events: a.get('events') ?? '', ok });
      if (authType === 'md5') this.expectedKeys.push(expected);
      if (!ok) {
        // manager.c answers a failed login after a pause, then ends the session.
        setTimeout(() => {
          if (s.destroyed) return;
          reply('Error', 'Message: Authentication failed');
          s.end();
        }, 20);
        return challenge;
      }
      reply('Success', 'Message: Authentication accepted');
      this.authed.add(s);
      if (this.opts.frames && this.opts.frames.length > 0) s.write(this.opts.frames.map((f) => `${f}\r\n\r\n`).join(''));
      return challenge;
    }
    if (action === 'ping') {
      this.pingsReceived++;
      if (this.answerPings) reply('Success', 'Ping: Pong', 'Timestamp: 1764007524.754586');
      return challenge;
    }
    if (action === 'logoff') {
      reply('Goodbye', 'Message: Thanks for all the fish.');
      s.end();
      return challenge;
    }
    const scripted = this.authed.has(s) && this.answer ? this.answer(a, id) : null;
    if (scripted !== null) s.write(scripted);
    else reply('Error', 'Message: Invalid/unknown command');
    return challenge;
  }
}

function parseAction(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) out.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return out;
}

/** A log that keeps every record, for assertions. */
export class MemoryLog {
  readonly records: Array<{ level: 'debug' | 'info' | 'warn' | 'error'; obj: object; msg: string }> = [];
  debug(obj: object, msg: string): void { this.records.push({ level: 'debug', obj, msg }); }
  info(obj: object, msg: string): void { this.records.push({ level: 'info', obj, msg }); }
  warn(obj: object, msg: string): void { this.records.push({ level: 'warn', obj, msg }); }
  error(obj: object, msg: string): void { this.records.push({ level: 'error', obj, msg }); }
  at(level: 'debug' | 'info' | 'warn' | 'error'): string[] {
    return this.records.filter((r) => r.level === level).map((r) => r.msg);
  }
  /** Everything logged, as one string (to search for secrets). */
  text(): string {
    return JSON.stringify(this.records);
  }
}
