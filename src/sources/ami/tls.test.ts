/**
 * AMI over TLS against a real TLS manager on 127.0.0.1 (TestAmiServer), with a
 * throwaway CA and certificates made here by `openssl` in a temp dir: the client
 * verifies the manager against the PBX's CA file (`caFile`, the config's
 * asterisk.ami.ca), logs in and receives frames; without that CA, with a wrong one,
 * with a certificate for another address or an unusable CA file it says why in plain
 * words and keeps retrying with backoff.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AmiClient } from './client.js';
import type { AmiClientOptions, AmiState } from './options.js';
import { fixtureEventFrames, MemoryLog, TestAmiServer, waitFor } from '../../../test/support/kits/ami.js';

const USER = 'sipwarden';
const SECRET = 'W4rdenAMI-secret';
const FRAMES = fixtureEventFrames().slice(0, 20);
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

let dir = '';
const file = (name: string) => path.join(dir, name);
const pem = (name: string) => readFileSync(file(name), 'utf8');
const servers: TestAmiServer[] = [];
const clients: AmiClient[] = [];

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', timeout: 15_000 });
}

/** A CA certificate and key: `<name>.pem`, `<name>.key`. */
function makeCa(name: string): void {
  openssl('req', '-x509', ...EC, '-days', '1', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign',
    '-keyout', `${name}.key`, '-out', `${name}.pem`);
}

/** A server certificate `<name>.pem` for the key server.key, issued by `ca` for the IP address `ip`. */
function makeServerCert(name: string, ca: string, ip: string): void {
  writeFileSync(file(`${name}.ext`), `subjectAltName=IP:${ip}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  openssl('req', '-new', '-key', 'server.key', '-subj', '/CN=asterisk.test', '-out', `${name}.csr`);
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-set_serial', '2',
    '-days', '1', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sipwarden-ami-tls-'));
  makeCa('pbx-ca');
  makeCa('other-ca');
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', 'server.key');
  makeServerCert('server', 'pbx-ca', '127.0.0.1');
  makeServerCert('elsewhere', 'pbx-ca', '127.0.0.2');
  openssl('req', '-x509', ...EC, '-days', '1', '-subj', '/CN=asterisk.test', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', 'self.key', '-out', 'self.pem');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

interface Setup {
  readonly srv: TestAmiServer;
  readonly port: number;
  readonly c: AmiClient;
  readonly got: string[];
  readonly states: AmiState[];
  readonly log: MemoryLog;
}

/** A manager (TLS with key/cert, or plain when `cert` is null) and a TLS client for it, not started. */
async function setup(keyCert: { key: string; cert: string } | null, extra: Partial<AmiClientOptions> = {}): Promise<Setup> {
  const srv = new TestAmiServer({ username: USER, secret: SECRET, frames: FRAMES, ...(keyCert ? { tls: keyCert } : {}) });
  servers.push(srv);
  const port = await srv.listen();
  const got: string[] = [];
  const states: AmiState[] = [];
  const log = new MemoryLog();
  const c = new AmiClient({
    host: '127.0.0.1', port, username: USER, secret: SECRET, tls: true,
    backoff: { initialMs: 100, maxMs: 400, jitter: 0.2 }, connectTimeoutMs: 3000,
    onFrame: (f) => got.push(f), onState: (s) => states.push(s), log, ...extra,
  });
  clients.push(c);
  return { srv, port, c, got, states, log };
}

const signed = () => ({ key: pem('server.key'), cert: pem('server.pem') });

/** Waits for at least `n` connection attempts (so the client is seen retrying), bounded by waitFor's timeout. */
async function attempts(states: readonly AmiState[], n: number): Promise<void> {
  await waitFor(() => states.filter((s) => s.status === 'connecting').length >= n, `${n} connection attempts`);
}

/** The reason of every backing-off state so far. */
const reasons = (states: readonly AmiState[]) => states.filter((s) => s.status === 'backing_off').map((s) => s.reason);

describe('AmiClient over TLS with the PBX\'s own CA', () => {
  it('verifies the manager against the CA file, logs in with MD5 and receives the frames', async () => {
    const { srv, c, got, log } = await setup(signed(), { caFile: file('pbx-ca.pem') });
    c.start();
    await waitFor(() => got.length === FRAMES.length, 'frames over TLS');
    expect(got).toEqual(FRAMES);
    expect(srv.logins).toEqual([{ authType: 'md5', keyMatched: true, events: 'security,system', ok: true }]);
    expect(c.state()).toMatchObject({ status: 'connected', reconnects: 0 });
    expect(log.at('error')).toEqual([]);
    expect(log.at('warn')).toEqual([]);
  });

  it('without a CA file refuses the certificate in plain words, logs it once and keeps retrying', async () => {
    const { srv, port, c, states, log } = await setup(signed());
    c.start();
    await attempts(states, 3);
    const expected = 'TLS: certificate signed by an unknown authority (unable to verify the first certificate) — '
      + "set asterisk.ami.ca to the PBX's CA file (for a self-signed certificate: that certificate)";
    expect(new Set(reasons(states))).toEqual(new Set([expected]));
    expect(c.state().reconnects).toBeGreaterThanOrEqual(2);
    expect(log.at('error')).toEqual([`AMI connection to 127.0.0.1:${port} refused over TLS: ${expected}; retrying with backoff, repeats are not logged`]);
    expect(log.at('debug').filter((m) => m === 'AMI attempt failed again').length).toBeGreaterThanOrEqual(1);
    expect(srv.logins).toEqual([]);
  });

  it('refuses a manager whose certificate another CA signed, naming the CA file', async () => {
    const { srv, c, states } = await setup(signed(), { caFile: file('other-ca.pem') });
    c.start();
    await attempts(states, 2);
    expect(reasons(states)[0]).toBe('TLS: certificate signed by an unknown authority (unable to verify the first certificate) — '
      + `it does not chain to a CA in ${file('other-ca.pem')} (asterisk.ami.ca): is that the PBX's CA file?`);
    expect(srv.logins).toEqual([]);
  });

  it('still checks the address: a certificate of the right CA for another address is refused', async () => {
    const { srv, c, states } = await setup({ key: pem('server.key'), cert: pem('elsewhere.pem') }, { caFile: file('pbx-ca.pem') });
    c.start();
    await attempts(states, 2);
    expect(reasons(states)[0]).toBe('TLS: the certificate is not for 127.0.0.1 '
      + "(IP: 127.0.0.1 is not in the cert's list: 127.0.0.2) — set asterisk.ami.host to a name or address the certificate lists");
    expect(srv.logins).toEqual([]);
  });

  it('takes a self-signed certificate as its own CA, and refuses it without', async () => {
    const self = { key: pem('self.key'), cert: pem('self.pem') };
    const refused = await setup(self);
    refused.c.start();
    await attempts(refused.states, 2);
    expect(reasons(refused.states)[0]).toMatch(/^TLS: self-signed certificate that is not trusted \(self-signed certificate\) — set asterisk\.ami\.ca/);

    const trusted = await setup(self, { caFile: file('self.pem') });
    trusted.c.start();
    await waitFor(() => trusted.got.length === FRAMES.length, 'frames from the self-signed manager');
    expect(trusted.c.state().status).toBe('connected');
  });

  it('says a TLS client reached a plain manager port, and which port to use', async () => {
    const { port, c, states } = await setup(null, { caFile: file('pbx-ca.pem') });
    c.start();
    await attempts(states, 2);
    expect(reasons(states)[0]).toMatch(new RegExp(`^TLS: the manager on port ${port} did not answer in TLS \\(.+\\) — `
      + 'set asterisk\\.ami\\.port to its TLS port \\(tlsbindport in manager\\.conf, usually 5039\\), or tls: false$'));
  });
});

describe('the CA file', () => {
  it('missing, then holding no certificate: one error line each naming the file; once fixed, the next retry connects', async () => {
    const ca = file('later-ca.pem');
    const { c, got, states, log } = await setup(signed(), { caFile: ca, backoff: { initialMs: 100, maxMs: 100, jitter: 0 } });
    c.start();
    await attempts(states, 2);
    const missing = `cannot read the CA file ${ca} (asterisk.ami.ca): no such file`;
    expect(reasons(states)).toContain(missing);

    writeFileSync(ca, pem('server.key'));
    const empty = `the CA file ${ca} (asterisk.ami.ca) holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)`;
    await waitFor(() => reasons(states).includes(empty), 'the file without a certificate');
    expect(log.at('error').filter((m) => m.includes(missing))).toHaveLength(1);
    expect(log.at('error').filter((m) => m.includes(empty))).toHaveLength(1);
    expect(log.text()).not.toMatch(/\n\s+at /);

    copyFileSync(file('pbx-ca.pem'), ca);
    await waitFor(() => got.length === FRAMES.length, 'frames once the CA file is fixed');
    expect(c.state().status).toBe('connected');
    expect(log.at('info').at(-1)).toMatch(/^AMI connected to 127\.0\.0\.1:\d+ after \d+ failed attempt\(s\)$/);
  });

  it('is refused without tls, and together with tlsOptions.ca', () => {
    const base = { host: '127.0.0.1', port: 5038, username: USER, secret: SECRET, onFrame: () => undefined, log: new MemoryLog() };
    expect(() => new AmiClient({ ...base, tls: false, caFile: '/etc/ca.pem' })).toThrow('AMI client: caFile needs tls');
    expect(() => new AmiClient({ ...base, tls: true, caFile: '/etc/ca.pem', tlsOptions: { ca: 'x' } }))
      .toThrow('AMI client: give caFile or tlsOptions.ca, not both');
    expect(() => new AmiClient({ ...base, tls: true, caFile: '' })).toThrow('AMI client: caFile must be a file path');
  });
});
