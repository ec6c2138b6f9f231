/**
 * AMI over TLS against a real TLS manager on 127.0.0.1 with a self-signed
 * certificate made here by Debian's `openssl req` (IP SAN 127.0.0.1): the client
 * verifies it against the given CA, logs in and receives frames; without that CA it
 * refuses the server and backs off.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AmiClient } from './client.js';
import type { AmiState } from './options.js';
import { fixtureEventFrames, MemoryLog, TestAmiServer, waitFor } from './testkit.js';

const USER = 'sipwarden';
const SECRET = 'W4rdenAMI-secret';
const FRAMES = fixtureEventFrames().slice(0, 20);

let dir = '';
let key = '';
let cert = '';
const servers: TestAmiServer[] = [];
const clients: AmiClient[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sipwarden-ami-tls-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=asterisk.test', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
  ], { stdio: 'pipe', timeout: 15_000 });
  key = readFileSync(path.join(dir, 'key.pem'), 'utf8');
  cert = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function tlsSetup(ca: string | undefined): Promise<{ srv: TestAmiServer; c: AmiClient; got: string[]; states: AmiState[] }> {
  const srv = new TestAmiServer({ username: USER, secret: SECRET, frames: FRAMES, tls: { key, cert } });
  servers.push(srv);
  const port = await srv.listen();
  const got: string[] = [];
  const states: AmiState[] = [];
  const c = new AmiClient({
    host: '127.0.0.1', port, username: USER, secret: SECRET, tls: true,
    ...(ca !== undefined ? { tlsOptions: { ca } } : {}),
    backoff: { initialMs: 100, maxMs: 400, jitter: 0.2 }, connectTimeoutMs: 3000,
    onFrame: (f) => got.push(f), onState: (s) => states.push(s), log: new MemoryLog(),
  });
  clients.push(c);
  return { srv, c, got, states };
}

describe('AmiClient over TLS', () => {
  it('verifies the manager\'s certificate, logs in with MD5 and receives the frames', async () => {
    const { srv, c, got } = await tlsSetup(cert);
    c.start();
    await waitFor(() => got.length === FRAMES.length, 'frames over TLS');
    expect(got).toEqual(FRAMES);
    expect(srv.logins).toEqual([{ authType: 'md5', keyMatched: true, events: 'security,system', ok: true }]);
    expect(c.state().status).toBe('connected');
  });

  it('refuses a manager whose certificate it cannot verify, and backs off', async () => {
    const { srv, c, states } = await tlsSetup(undefined);
    c.start();
    await waitFor(() => states.some((s) => s.status === 'backing_off'), 'certificate refused');
    expect(states.find((s) => s.status === 'backing_off')?.reason).toMatch(/self-signed certificate/);
    expect(srv.logins).toHaveLength(0);
  });
});
