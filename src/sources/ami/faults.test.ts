/**
 * Fault injection (issue 4, item 5, AMI part) against a real TCP manager on
 * 127.0.0.1: refused logins, malformed and 10 MB frames, the manager going away and
 * coming back on the same port, and a manager that stops answering Ping.
 * Every wait is bounded; no assertion times milliseconds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AmiClient } from './client.js';
import type { AmiClientOptions, AmiState } from './options.js';
import { fixtureEventFrames, MemoryLog, TestAmiServer, waitFor } from '../../../test/support/kits/ami.js';

const USER = 'sipwarden';
const SECRET = 'W4rdenAMI-secret';
const FRAMES = fixtureEventFrames();

const servers: TestAmiServer[] = [];
const clients: AmiClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(frames: readonly string[]): Promise<{ srv: TestAmiServer; port: number }> {
  const srv = new TestAmiServer({ username: USER, secret: SECRET, frames });
  servers.push(srv);
  return { srv, port: await srv.listen() };
}

function client(port: number, extra: Partial<AmiClientOptions> = {}): { c: AmiClient; got: string[]; states: AmiState[]; log: MemoryLog } {
  const got: string[] = [];
  const states: AmiState[] = [];
  const log = new MemoryLog();
  const c = new AmiClient({
    host: '127.0.0.1', port, username: USER, secret: SECRET, tls: false,
    backoff: { initialMs: 100, maxMs: 400, jitter: 0.2 }, connectTimeoutMs: 3000,
    onFrame: (f) => got.push(f), onState: (s) => states.push(s), log,
    ...extra,
  });
  clients.push(c);
  return { c, got, states, log };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('AMI faults', () => {
  it('refused logins: one error line for the whole run, attempts spaced by the backoff', async () => {
    const { srv, port } = await server([]);
    srv.refuseLogins = true;
    const { c, log } = client(port);
    c.start();
    await waitFor(() => srv.logins.length >= 3, 'three refused logins');
    await sleep(1500);
    // Delays of ≥80, 160, 320, 320, … ms: a tight loop would make hundreds of attempts.
    expect(srv.connections).toBeGreaterThanOrEqual(3);
    expect(srv.connections).toBeLessThanOrEqual(12);
    expect(srv.logins.every((l) => !l.ok && l.keyMatched)).toBe(true);
    const errors = log.records.filter((r) => r.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.msg).toMatch(/AMI login refused for user "sipwarden" \(Authentication failed\)/);
    expect(log.at('warn')).toHaveLength(0);
    expect(log.text()).not.toContain(SECRET);
    for (const k of srv.expectedKeys) expect(log.text()).not.toContain(k);
    const s = c.state();
    expect(['backing_off', 'connecting', 'authenticating']).toContain(s.status);
    const last = s.status === 'backing_off' ? s : undefined;
    if (last) {
      expect(last.reason).toBe('login refused: Authentication failed');
      expect(last.nextAttemptAt).toBeGreaterThan(last.since);
    }

    // Credentials fixed on the server side: the next attempt logs in and says after how many failures.
    srv.refuseLogins = false;
    await waitFor(() => c.state().status === 'connected', 'connected after the refusals', 3000);
    expect(log.at('info').some((m) => /after \d+ failed attempt/.test(m))).toBe(true);
  });

  it('a malformed frame and a 10 MB frame are dropped and counted; later frames arrive; the buffer stays under the cap', async () => {
    const { srv, port } = await server([]);
    const max = 64 * 1024;
    const { c, got } = client(port, { maxFrameBytes: max });
    c.start();
    await waitFor(() => srv.loggedIn === 1, 'login');
    const heapBefore = process.memoryUsage().heapUsed;

    srv.send('this is not a header\r\n\0\xff\xfe garbage\r\n\r\n');
    srv.send(`${(FRAMES[0] as string).replace('\r\n', '\r\nPrivilege security,all\r\n')}\r\n\r\n`);
    srv.send('Event: Huge\r\nPrivilege: security,all\r\nData: ');
    const mb = Buffer.alloc(1024 * 1024, 0x41);
    for (let i = 0; i < 10; i++) srv.send(mb);
    srv.send('\r\n\r\n');
    for (const f of FRAMES.slice(1, 4)) srv.send(`${f}\r\n\r\n`);

    await waitFor(() => got.length === 4, 'the frames after the faults', 10_000);
    expect(got).toEqual([FRAMES[0], ...FRAMES.slice(1, 4)]);
    const s = c.state();
    expect(s).toMatchObject({ status: 'connected', framesDropped: 2, malformedLines: 3, framesReceived: 4, reconnects: 0 });
    expect(s.bufferHighWater).toBeGreaterThan(0);
    expect(s.bufferHighWater).toBeLessThanOrEqual(max);
    // Generous: the 10 MB went through this process's sockets, but was never kept.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('the manager goes away for ~2 s and comes back on the same port: the client reconnects and frames flow again', async () => {
    const { srv, port } = await server(FRAMES.slice(0, 2));
    const { c, got, states } = client(port);
    c.start();
    await waitFor(() => got.length === 2, 'frames before the outage');
    await srv.close();
    await waitFor(() => c.state().status === 'backing_off', 'backing off');
    await sleep(2000);
    expect(c.state().status).not.toBe('connected');
    await srv.listen(port);
    await waitFor(() => got.length === 4, 'frames after the outage', 5000);
    expect(c.state().status).toBe('connected');
    const backing = states.filter((s) => s.status === 'backing_off');
    expect(backing.length).toBeGreaterThanOrEqual(2);
    expect(backing.some((s) => /ECONNREFUSED/.test(s.reason ?? ''))).toBe(true);
    // Capped backoff (≤400 ms): about 2 s / 0.4 s attempts, far from a tight loop.
    expect(c.state().reconnects).toBeLessThanOrEqual(20);
  });

  it('a manager that stops answering Ping is taken for dead: reconnect', async () => {
    const { srv, port } = await server(FRAMES.slice(0, 1));
    const { c, got, states } = client(port, { pingMs: 200 });
    c.start();
    await waitFor(() => got.length === 1 && srv.pingsReceived >= 2, 'pings answered');
    expect(c.state()).toMatchObject({ status: 'connected', reconnects: 0 });
    srv.answerPings = false;
    await waitFor(() => states.some((s) => s.status === 'backing_off'), 'ping timeout', 3000);
    expect(states.find((s) => s.status === 'backing_off')?.reason).toBe('no answer to Ping within 200 ms');
    srv.answerPings = true;
    await waitFor(() => got.length === 2 && c.state().status === 'connected', 'reconnected', 3000);
    expect(c.state().reconnects).toBe(1);
  });

  it('a server that is not an Asterisk manager is refused, and so is one that never greets', async () => {
    const net = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const fake = net.createServer((s) => {
      sockets.push(s);
      s.on('error', () => undefined);
      s.write('SSH-2.0-OpenSSH_9.2\r\n');
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
    const port = (fake.address() as import('node:net').AddressInfo).port;
    try {
      const { c, states } = client(port, { connectTimeoutMs: 300 });
      c.start();
      await waitFor(() => states.some((s) => s.status === 'backing_off'), 'refused banner');
      expect(states.find((s) => s.status === 'backing_off')?.reason).toBe('not an Asterisk manager (banner "SSH-2.0-OpenSSH_9.2")');
      await c.stop();
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => fake.close(() => r()));
    }
    const silent = net.createServer((s) => { sockets.push(s); s.on('error', () => undefined); });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    try {
      const { c, states } = client((silent.address() as import('node:net').AddressInfo).port, { connectTimeoutMs: 200 });
      c.start();
      await waitFor(() => states.some((s) => s.status === 'backing_off'), 'connect timeout');
      expect(states.find((s) => s.status === 'backing_off')?.reason).toBe('not logged in within 200 ms');
      await c.stop();
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});
