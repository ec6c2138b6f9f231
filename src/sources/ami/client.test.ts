/**
 * The AMI client against a real TCP manager on 127.0.0.1 that replays the frames a
 * real Asterisk 20 sent (ami-events.txt): login, delivery in order, reconnection.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseAmiFrame } from '../../parsers/index.js';
import { AmiClient } from './client.js';
import type { AmiClientOptions, AmiState } from './options.js';
import { fixtureEventFrames, freePort, MemoryLog, TestAmiServer, waitFor } from '../../../test/support/kits/ami.js';

const USER = 'sipwarden';
const SECRET = 'W4rdenAMI-secret';
const FRAMES = fixtureEventFrames();

const servers: TestAmiServer[] = [];
const clients: AmiClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(frames: readonly string[] = FRAMES): Promise<{ srv: TestAmiServer; port: number }> {
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
    backoff: { initialMs: 50, maxMs: 200, jitter: 0.2 }, connectTimeoutMs: 3000,
    onFrame: (f) => got.push(f), onState: (s) => states.push(s), log,
    ...extra,
  });
  clients.push(c);
  return { c, got, states, log };
}

describe('AmiClient against a real TCP manager', () => {
  it('logs in with MD5, receives every fixture frame in order, and the parser reads them', async () => {
    const { srv, port } = await server();
    const { c, got, states, log } = client(port);
    c.start();
    await waitFor(() => got.length >= FRAMES.length, 'all fixture frames');

    expect(srv.logins).toEqual([{ authType: 'md5', keyMatched: true, events: 'security,system', ok: true }]);
    expect(got).toEqual(FRAMES);
    const security = got.filter((f) => f.includes('\r\nPrivilege: security,all'));
    expect(security).toEqual(FRAMES.filter((f) => f.includes('\r\nPrivilege: security,all')));
    expect(security.length).toBeGreaterThan(200);
    expect(states.map((s) => s.status)).toEqual(['connecting', 'authenticating', 'connected']);
    expect(c.state()).toMatchObject({
      status: 'connected', framesReceived: FRAMES.length, framesDropped: 0, malformedLines: 0, reconnects: 0,
      banner: 'Asterisk Call Manager/9.0.0',
    });
    expect(c.state().reason).toBeUndefined();

    // Handed to the parsers, the wrong-password reports are failures from 127.0.0.1.
    const failures = got
      .filter((f) => /^Event: (InvalidPassword|ChallengeResponseFailed)\r\n/.test(f))
      .map((f, i) => parseAmiFrame(f, { source: 'ami', line: i + 1, refTime: Date.UTC(2026, 10, 25) }));
    expect(failures).toHaveLength(46);
    for (const ev of failures) expect(ev).toMatchObject({ kind: 'auth_failed', ip: '127.0.0.1', signature: 'ami-event' });

    // The secret and the key went over the wire only.
    const wire = srv.received.join('');
    expect(wire).toContain(`Key: ${srv.expectedKeys[0]}`);
    expect(wire).not.toContain(SECRET);
    expect(log.text()).not.toContain(SECRET);
    expect(log.text()).not.toContain(srv.expectedKeys[0]);
    expect(JSON.stringify(c.state())).not.toContain(SECRET);
  });

  it('numbers frames 1, 2, 3, … and survives a handler that throws', async () => {
    const { port } = await server(FRAMES.slice(0, 5));
    const seen: number[] = [];
    const { c, log } = client(port, {
      onFrame: (_f, n) => {
        seen.push(n);
        if (n === 2) throw new Error('consumer bug');
      },
    });
    c.start();
    await waitFor(() => seen.length === 5, 'five frames');
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(c.state().status).toBe('connected');
    expect(log.at('error')).toHaveLength(1);
  });

  it('falls back to a plain Secret only when the server refuses the challenge', async () => {
    const { srv, port } = await server([]);
    srv.refuseChallenge = true;
    const { c } = client(port);
    c.start();
    await waitFor(() => c.state().status === 'connected', 'connected');
    expect(srv.logins).toEqual([{ authType: '', keyMatched: false, events: 'security,system', ok: true }]);
  });

  it('reconnects when the server closes the connection: backing_off, then connected, and frames flow again', async () => {
    const { srv, port } = await server(FRAMES.slice(0, 3));
    const { c, got, states } = client(port);
    c.start();
    await waitFor(() => got.length === 3, 'first frames');
    srv.dropConnections();
    await waitFor(() => got.length === 6, 'frames after reconnecting');
    const statuses = states.map((s) => s.status);
    expect(statuses).toEqual(['connecting', 'authenticating', 'connected', 'backing_off', 'connecting', 'authenticating', 'connected']);
    const backing = states[3] as AmiState;
    expect(backing.reason).toBe('connection closed by the server');
    expect(backing.nextAttemptAt).toBeGreaterThanOrEqual(backing.since);
    expect(c.state()).toMatchObject({ status: 'connected', reconnects: 1, framesReceived: 6 });
    expect(srv.connections).toBe(2);
  });

  it('stop() logs off, closes the socket, cancels timers and resolves; no reconnection follows', async () => {
    const { srv, port } = await server([]);
    const { c } = client(port, { pingMs: 50 });
    c.start();
    await waitFor(() => c.state().status === 'connected', 'connected');
    await c.stop();
    expect(c.state()).toMatchObject({ status: 'stopped', reason: 'stopped by request' });
    expect(srv.received.join('')).toMatch(/Action: Logoff\r\n/);
    await waitFor(() => srv.loggedIn === 0, 'server saw the close', 2000);
    await new Promise((r) => setTimeout(r, 300));
    expect(srv.connections).toBe(1);
    expect(c.state().status).toBe('stopped');
  });

  it('backs off 50, 100, 200, 200 ms (no jitter) while nothing listens, then connects when it does', async () => {
    const port = await freePort();
    const delays: number[] = [];
    const { c, states } = client(port, {
      backoff: { initialMs: 50, maxMs: 200, jitter: 0.2 }, random: () => 0.5,
      timers: {
        setTimeout: (fn, ms) => {
          if (ms <= 200) delays.push(ms);
          return setTimeout(fn, ms);
        },
        clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
      },
    });
    c.start();
    await waitFor(() => c.state().reconnects >= 4, 'four retries');
    expect(delays.slice(0, 4)).toEqual([50, 100, 200, 200]);
    const backing = states.filter((s) => s.status === 'backing_off');
    expect(backing[0]?.reason).toMatch(/ECONNREFUSED/);
    const srv = new TestAmiServer({ username: USER, secret: SECRET });
    servers.push(srv);
    await srv.listen(port);
    await waitFor(() => c.state().status === 'connected', 'connected once the server is up');
  });
});
