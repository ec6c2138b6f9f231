/**
 * SIP over UDP and TCP for the simulator (node:dgram, node:net) on one host and port.
 * It only moves bytes: each complete message goes to `onMessage` as latin1 text with
 * its local and remote addresses, and the answer goes back the way it came (UDP: to
 * the packet's source address and port, like pjsip with force_rport; TCP: on the same
 * connection). Oversized datagrams and streams are dropped, never buffered.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { EventAddress, SimTransport } from './security-event.js';

/** Called for each complete message; returns the response text or null. */
export type SipMessageHandler = (text: string, local: EventAddress, remote: EventAddress) => string | null;

export interface SipListenerOptions {
  readonly host: string;
  /** 0 picks a free port (the same for UDP and TCP). */
  readonly port: number;
  readonly udp: boolean;
  readonly tcp: boolean;
  /** Larger datagrams, and TCP messages, are dropped. */
  readonly maxMessageBytes: number;
  readonly maxTcpConnections: number;
  readonly tcpIdleMs: number;
  readonly onMessage: SipMessageHandler;
  /** Told about every message dropped before parsing (oversize, bad framing). */
  readonly onDrop: (remoteIp: string) => void;
}

function unmap(ip: string): string {
  return ip.replace(/^::ffff:(?=\d+\.)/, '');
}

/** Splits a TCP byte stream into SIP messages by Content-Length. */
class StreamFramer {
  private buffer = '';

  constructor(private readonly max: number) {}

  /** Returns complete messages, or null when the stream is unusable (too big, bad length). */
  push(chunk: string): string[] | null {
    this.buffer += chunk;
    const out: string[] = [];
    for (let guard = 0; guard < 1000; guard++) {
      this.buffer = this.buffer.replace(/^(\r\n)+/, '');
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) break;
      const head = this.buffer.slice(0, end);
      const m = /^(?:content-length|l)[ \t]*:[ \t]*(\S*)[ \t]*$/im.exec(head);
      const lengthText = m ? (m[1] ?? '') : '0';
      if (!/^\d{1,9}$/.test(lengthText)) return null;
      const total = end + 4 + Number(lengthText);
      if (total > this.max) return null;
      if (this.buffer.length < total) break;
      out.push(this.buffer.slice(0, total));
      this.buffer = this.buffer.slice(total);
    }
    return this.buffer.length > this.max ? null : out;
  }
}

/** A UDP socket and a TCP server on the same host and port. */
export class SipListener {
  private udp: dgram.Socket | null = null;
  private tcp: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly opts: SipListenerOptions) {}

  /** Binds both transports; with port 0 retries a few times until TCP gets UDP's port. */
  async start(): Promise<number> {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await this.bind(this.opts.port);
        return this.port;
      } catch (err) {
        await this.close();
        if (this.opts.port !== 0 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      }
    }
    throw new Error(`sim: could not bind SIP on ${this.opts.host} to one port for UDP and TCP`);
  }

  /** Sends a datagram from this listener's UDP socket (the calls' own requests and responses); dropped without UDP. */
  send(text: string, ip: string, port: number): void {
    this.udp?.send(Buffer.from(text, 'latin1'), port, ip, () => undefined);
  }

  /** Closes the sockets and every TCP connection. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = null;
    this.tcp = null;
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (tcp) await new Promise<void>((resolve) => tcp.close(() => resolve()));
  }

  private local(transport: SimTransport, fallbackIp?: string): EventAddress {
    const wildcard = this.opts.host === '0.0.0.0' || this.opts.host === '::';
    const ip = wildcard && fallbackIp ? unmap(fallbackIp) : this.opts.host;
    return { ip, port: this.port, transport };
  }

  private async bind(port: number): Promise<void> {
    const v6 = this.opts.host.includes(':');
    let bound = port;
    if (this.opts.udp) {
      const udp = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6 });
      this.udp = udp;
      udp.on('message', (msg, rinfo) => this.onDatagram(udp, msg, rinfo));
      udp.on('error', () => undefined);
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind({ address: this.opts.host, port: bound, exclusive: true }, () => {
          udp.off('error', reject);
          resolve();
        });
      });
      bound = udp.address().port;
    }
    if (this.opts.tcp) {
      const tcp = net.createServer((s) => this.onConnection(s));
      tcp.maxConnections = this.opts.maxTcpConnections;
      this.tcp = tcp;
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen({ host: this.opts.host, port: bound, ipv6Only: v6, exclusive: true }, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
      bound = (tcp.address() as net.AddressInfo).port;
    }
    this.port = bound;
  }

  private onDatagram(udp: dgram.Socket, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const remote: EventAddress = { ip: unmap(rinfo.address), port: rinfo.port, transport: 'UDP' };
    if (msg.length > this.opts.maxMessageBytes) {
      this.opts.onDrop(remote.ip);
      return;
    }
    const response = this.opts.onMessage(msg.toString('latin1'), this.local('UDP'), remote);
    if (response !== null && this.udp === udp) {
      udp.send(Buffer.from(response, 'latin1'), rinfo.port, rinfo.address, () => undefined);
    }
  }

  private onConnection(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setTimeout(this.opts.tcpIdleMs, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
    const remote: EventAddress = { ip: unmap(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0, transport: 'TCP' };
    const local = this.local('TCP', socket.localAddress);
    const framer = new StreamFramer(this.opts.maxMessageBytes);
    socket.on('data', (chunk: Buffer) => {
      const messages = framer.push(chunk.toString('latin1'));
      if (messages === null) {
        this.opts.onDrop(remote.ip);
        socket.destroy();
        return;
      }
      for (const text of messages) {
        const response = this.opts.onMessage(text, local, remote);
        if (response !== null && !socket.destroyed) socket.write(Buffer.from(response, 'latin1'));
      }
    });
  }
}
