/**
 * Test support for the simulator: a tiny UDP SIP client, request builders in the
 * exact shapes sipvicious and sipp send (see ../shared/fixtures/asterisk-20/), and a
 * raw AMI client. Loopback only; every wait has a timeout; callers close what they open.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { digestResponse } from './sip-digest.js';

/** A UDP socket that sends SIP text and waits for the answers, in order. */
export class UdpSipClient {
  private readonly inbox: string[] = [];
  private waiter: ((text: string) => void) | null = null;

  private constructor(private readonly socket: dgram.Socket, readonly port: number) {
    socket.on('message', (msg) => {
      const text = msg.toString('latin1');
      const w = this.waiter;
      this.waiter = null;
      if (w) w(text);
      else this.inbox.push(text);
    });
  }

  /** Opens a client on an ephemeral port of `host`. */
  static async open(host = '127.0.0.1'): Promise<UdpSipClient> {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve) => socket.bind(0, host, () => resolve()));
    return new UdpSipClient(socket, socket.address().port);
  }

  /** Sends raw bytes (a string is sent as latin1). */
  send(data: string | Buffer, port: number, host = '127.0.0.1'): void {
    this.socket.send(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, port, host);
  }

  /** The next datagram, or null after `timeoutMs`. */
  next(timeoutMs = 2000): Promise<string | null> {
    const queued = this.inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve(null);
      }, timeoutMs);
      this.waiter = (text) => {
        clearTimeout(timer);
        resolve(text);
      };
    });
  }

  /** Sends and waits for one answer; throws when none comes. */
  async request(text: string, port: number, host = '127.0.0.1', timeoutMs = 2000): Promise<string> {
    this.send(text, port, host);
    const answer = await this.next(timeoutMs);
    if (answer === null) throw new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`);
    return answer;
  }

  close(): void {
    this.socket.close();
  }
}

/** Status code and headers (lower-case names, first value) of a response. */
export function parseResponse(text: string): { code: number; headers: Map<string, string>; lines: string[] } {
  const lines = text.split('\r\n');
  const code = Number(/^SIP\/2\.0 (\d{3}) /.exec(lines[0] ?? '')?.[1] ?? NaN);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !headers.has(line.slice(0, colon).toLowerCase())) {
      headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
    }
  }
  return { code, headers, lines };
}

/** nonce, opaque and realm of a 401's WWW-Authenticate. */
export function challengeOf(response: string): { nonce: string; opaque: string; realm: string } {
  const h = parseResponse(response).headers.get('www-authenticate') ?? '';
  const get = (k: string): string => new RegExp(`${k}="([^"]*)"`).exec(h)?.[1] ?? '';
  return { nonce: get('nonce'), opaque: get('opaque'), realm: get('realm') };
}

/**
 * REGISTER as sipvicious 0.3.3 builds it: svwar writes `"100"<sip:…>` (no space),
 * svcrack `"100" <sip:…>` (`tool: 'svcrack'`).
 */
export function svRegister(o: {
  user: string; display?: string; callId: string; branch: string; tag: string; localPort: number;
  cseq?: number; authorization?: string; tool?: 'svwar' | 'svcrack';
}): string {
  const display = `${o.display ?? `"${o.user}"`}${o.tool === 'svcrack' ? ' ' : ''}`;
  const auth = o.authorization ? `Authorization: ${o.authorization}\r\n` : '';
  return `REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${o.localPort};branch=${o.branch};rport\r\n`
    + `Max-Forwards: 70\r\nTo: ${display}<sip:${o.user}@127.0.0.1>\r\n`
    + `From: ${display}<sip:${o.user}@127.0.0.1>;tag=${o.tag}\r\nUser-Agent: friendly-scanner\r\n`
    + `Call-ID: ${o.callId}\r\nContact: sip:123@1.1.1.1\r\nCSeq: ${o.cseq ?? 1} REGISTER\r\n`
    + `Accept: application/sdp\r\n${auth}Content-Length: 0\r\n\r\n`;
}

/** REGISTER or INVITE as a sipp scenario sends it (no display name, Call-ID `1-<pid>@ip`). */
export function sippRequest(o: {
  method?: 'REGISTER' | 'INVITE'; user: string; to?: string; callId: string; localPort: number;
  serverPort: number; cseq?: number; authorization?: string;
}): string {
  const method = o.method ?? 'REGISTER';
  const ruri = method === 'REGISTER' ? `sip:127.0.0.1:${o.serverPort}` : `sip:${o.to}@127.0.0.1:${o.serverPort}`;
  const to = method === 'REGISTER' ? `<sip:${o.user}@127.0.0.1>` : `<sip:${o.to}@127.0.0.1:${o.serverPort}>`;
  const auth = o.authorization ? `Authorization: ${o.authorization}\r\n` : '';
  return `${method} ${ruri} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${o.localPort};branch=z9hG4bK-${o.callId.length}-${o.cseq ?? 1}-0\r\n`
    + `From: <sip:${o.user}@127.0.0.1>;tag=${o.localPort}SIPpTag00${o.cseq ?? 1}\r\nTo: ${to}\r\n`
    + `Call-ID: ${o.callId}\r\nCSeq: ${o.cseq ?? 1} ${method}\r\nContact: <sip:${o.user}@127.0.0.1:${o.localPort}>\r\n`
    + `Max-Forwards: 70\r\n${method === 'REGISTER' ? 'Expires: 3600\r\n' : ''}${auth}Content-Length: 0\r\n\r\n`;
}

/** An Authorization value; with `qop` it carries cnonce and nc (RFC 2617/8760 MD5). */
export function authorization(o: {
  username: string; password: string; method: string; uri: string; nonce: string; opaque: string;
  realm?: string; qop?: boolean;
}): string {
  const realm = o.realm ?? 'asterisk';
  const cnonce = '6b8b4567';
  const nc = '00000001';
  const response = digestResponse({
    username: o.username, realm, password: o.password, method: o.method, uri: o.uri, nonce: o.nonce,
    ...(o.qop === false ? {} : { qop: 'auth', nc, cnonce }),
  });
  const qop = o.qop === false ? '' : `,cnonce="${cnonce}",nc=${nc},qop=auth`;
  return `Digest username="${o.username}",realm="${realm}"${qop},uri="${o.uri}",nonce="${o.nonce}",response="${response}",algorithm=MD5,opaque="${o.opaque}"`;
}

/** A raw AMI connection that collects frames. */
export class AmiTestClient {
  private text = '';

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (b: Buffer) => {
      this.text += b.toString('latin1');
    });
    socket.on('error', () => undefined);
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<AmiTestClient> {
    const socket = net.connect({ port, host });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new AmiTestClient(socket);
  }

  /** Everything received so far, verbatim. */
  get received(): string {
    return this.text;
  }

  write(text: string): void {
    this.socket.write(text);
  }

  /** Waits until the received text satisfies `done`, or throws after `timeoutMs`. */
  async until(done: (text: string) => boolean, timeoutMs = 3000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.text)) {
      if (Date.now() > deadline) throw new Error(`AMI: condition not met; received ${JSON.stringify(this.text.slice(-300))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.text;
  }

  close(): void {
    this.socket.destroy();
  }
}
