/**
 * The owner's emergency exits, against the real kernel firewall in network namespaces
 * (root only; see test/support/pbx-lab.ts):
 * - `protection: off` (the dashboard's switch) lifts every block sipwarden holds in the
 *   kernel — the engine's bans, a person's address and network bans — and keeps every
 *   new one out, from the CLI and from the dashboard; switching it on puts them all
 *   back. Before, a person's ban made while protection was off reached the kernel.
 * - An address with an established connection to this host's SSH port is never banned
 *   by a person (CLI or dashboard): the connection table of the namespace says so.
 * - The dashboard's login: wrong passwords from outside end in a kernel ban (service
 *   HTTP); a local user's flood of wrong passwords never refuses the owner's right one.
 * About 60 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSshdConfig } from '../../../src/daemon/ssh.js';
import { exec } from '../../support/netns.js';
import { hostRuleset, Lab } from '../../support/pbx-lab.js';

let lab: Lab;
let rulesetBefore: string;
let password: string;

const NET = '10.78.9.0/24';
const IN_NET = '10.78.9.5';
const DASH_WHILE_OFF = '10.79.0.9';
const SSH_CLIENT = '10.79.1.5';
const GUESSER = '10.79.2.7';

beforeAll(async () => {
  rulesetBefore = await hostRuleset();
  // The dashboard on the PBX's address: reachable from the attacker namespace (and from inside, as an SSH tunnel would).
  lab = await Lab.start({ purpose: 'owner', configExtra: 'web:\n  listen: 10.77.0.1:8472' });
  await lab.addOffLinkAttackers(NET, [IN_NET]);
  await lab.addOffLinkAttackers('10.79.1.0/24', [SSH_CLIENT]);
  await lab.addOffLinkAttackers('10.79.2.0/24', [GUESSER]);
  password = String(lab.daemonSaid(/^dashboard password generated/)[0]?.password ?? '');
  expect(password).not.toBe('');
}, 30_000);

afterAll(async () => {
  await lab?.close();
  if (rulesetBefore !== undefined) expect(await hostRuleset()).toBe(rulesetBefore);
}, 20_000);

// Logs in to the dashboard inside the pbx namespace and sends one request: { status, body }.
const API = `
const [base, password, method, path, body] = process.argv.slice(1);
const login = await fetch(base + '/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
const { csrfToken } = await login.json();
const res = await fetch(base + path, { method, headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' }, body: body || undefined });
console.log(JSON.stringify({ status: res.status, body: await res.json().catch(() => null) }));
`;

async function api(method: string, path: string, body?: object): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await exec(lab.pair.pbx, process.execPath, ['--input-type=module', '-e', API, 'http://10.77.0.1:8472', password, method, path, body ? JSON.stringify(body) : ''], { timeoutMs: 20_000 });
  if (r.code !== 0) throw new Error(`dashboard request failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { status: number; body: Record<string, unknown> };
}

const ips = async (set: 'ban4' | 'net4') => (await lab.banSet(set)).map((e) => e.ip).sort();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await sleep(50);
  }
  return cond();
}

describe('protection off, the emergency exit', () => {
  it('lifts every block, keeps new bans out of the kernel (CLI and dashboard), and switching on restores them all', async () => {
    const [a, b, c] = lab.pair.attacker4 as [string, string, string];
    // In force: an engine ban (two wrong passwords), a person's address ban, a person's network ban.
    await lab.sipUdp(['guess', '--from', a, '--to', lab.pair.pbx4, '--count', '3', '--rate', '50', '--timeout-ms', '1500']);
    expect(await lab.waitBanned(a, 3_000), 'the engine banned the guesser').not.toBeNull();
    expect((await lab.sipwarden(['ban', b])).code).toBe(0);
    expect((await lab.sipwarden(['ban', NET])).code).toBe(0);
    expect(await lab.waitBanned(b, 3_000)).not.toBeNull();
    expect(await lab.waitBanned(NET, 3_000)).not.toBeNull();
    expect(await lab.probe(a)).toBe(false);
    expect(await lab.probe(IN_NET)).toBe(false);

    const off = await api('PUT', '/api/settings/protection', { protection: 'off' });
    expect(off).toMatchObject({ status: 200, body: { protection: 'off' } });
    expect(await until(async () => (await ips('ban4')).length === 0 && (await ips('net4')).length === 0, 3_000), 'every block lifted').toBe(true);
    expect(await lab.probe(a)).toBe(true);
    expect(await lab.probe(IN_NET)).toBe(true);

    // While off, a person's bans are stored but never reach the kernel.
    const cli = await lab.sipwarden(['ban', c]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain('note: protection is off: the ban is stored and reaches the firewall when protection is switched on');
    expect((await api('POST', '/api/bans', { ip: DASH_WHILE_OFF, duration: '1h' })).status).toBe(201);
    await sleep(1_000); // the control loop applies CLI bans within 250 ms
    expect(await ips('ban4'), 'nothing in the kernel while protection is off').toEqual([]);
    expect(await ips('net4')).toEqual([]);
    expect(await lab.probe(c)).toBe(true);

    const on = await api('PUT', '/api/settings/protection', { protection: 'on' });
    expect(on).toMatchObject({ status: 200, body: { protection: 'on' } });
    expect(await until(async () => (await ips('ban4')).length === 4, 3_000)).toBe(true);
    expect(await ips('ban4')).toEqual([DASH_WHILE_OFF, a, b, c].sort());
    expect(await ips('net4')).toEqual([NET]);
    expect(await lab.probe(a)).toBe(false);
    expect(await lab.probe(c)).toBe(false);
    expect(await lab.probe(IN_NET)).toBe(false);
  }, 60_000);
});

describe('an SSH client is never banned by a person', () => {
  it('refuses the CLI\'s and the dashboard\'s ban of an address connected to the SSH port, and bans it once the connection ended', async () => {
    const port = readSshdConfig().ports[0] as number;
    const server = lab.procs.start(lab.pair.pbx, process.execPath, ['-e', `require('net').createServer(() => {}).listen(${port}, '${lab.pair.pbx4}', () => console.log('listening'))`], { maxMs: 60_000 });
    expect(await server.waitLine((l) => l === 'listening', 5_000)).not.toBeNull();
    const client = lab.procs.start(lab.pair.attacker, process.execPath, ['-e', `const s = require('net').connect({ host: '${lab.pair.pbx4}', port: ${port}, localAddress: '${SSH_CLIENT}' }, () => console.log('connected')); setInterval(() => {}, 1000)`], { maxMs: 60_000 });
    expect(await client.waitLine((l) => l === 'connected', 5_000)).not.toBeNull();

    const cli = await lab.sipwarden(['ban', SSH_CLIENT, '--force']);
    expect(cli.code).toBe(3);
    expect(cli.stderr).toBe(`sipwarden: refusing to ban ${SSH_CLIENT}: it has an established connection to this host's SSH port (${readSshdConfig().ports.join(', ')}); a ban would cut that session (and lock you out)\n`);
    const net = await lab.sipwarden(['ban', '10.79.1.0/24']);
    expect(net.code).toBe(3);
    const dash = await api('POST', '/api/bans', { ip: SSH_CLIENT, duration: '1h' });
    expect(dash.status).toBe(409);
    expect(String(dash.body.message)).toContain("has an established connection to this host's SSH port");
    expect(await ips('ban4')).not.toContain(SSH_CLIENT);

    client.child.kill('SIGKILL');
    await client.exited;
    expect(await until(async () => (await lab.sipwarden(['ban', SSH_CLIENT])).code === 0, 5_000), 'banned once the connection ended').toBe(true);
    expect(await lab.waitBanned(SSH_CLIENT, 3_000)).not.toBeNull();
    server.child.kill('SIGKILL');
  }, 60_000);
});

// One login from `from` (the attacker namespace): its status, or 0 when no answer came (blocked).
const LOGIN = `
const [host, from, password] = process.argv.slice(1);
const req = require('http').request({ host, port: 8472, path: '/api/login', method: 'POST', localAddress: from, timeout: 1500, headers: { 'content-type': 'application/json' } }, (res) => { console.log(res.statusCode); res.resume(); });
req.on('timeout', () => { console.log(0); req.destroy(); });
req.on('error', () => console.log(0));
req.end(JSON.stringify({ username: 'admin', password }));
`;

async function loginFrom(ns: string, from: string, pw: string): Promise<number> {
  const r = await exec(ns, process.execPath, ['-e', LOGIN, lab.pair.pbx4, from, pw], { timeoutMs: 10_000 });
  return Number(r.stdout.trim().split('\n')[0]);
}

describe('the dashboard login', () => {
  it('wrong passwords from outside end in a kernel ban; a local flood never refuses the owner\'s right password', async () => {
    expect(await loginFrom(lab.pair.attacker, GUESSER, 'guess-1')).toBe(401);
    expect(await loginFrom(lab.pair.attacker, GUESSER, 'guess-2')).toBe(401);
    expect(await lab.waitBanned(GUESSER, 3_000), 'the guesser is banned in the kernel').not.toBeNull();
    expect(await loginFrom(lab.pair.attacker, GUESSER, password), 'no answer any more, not even to the right password').toBe(0);
    expect(lab.failedAuth(GUESSER).some((l) => / service=HTTP .* action=banned /.test(l))).toBe(true);

    // Inside the host (every SSH tunnel arrives from the host itself): never banned, and never locked out.
    for (let i = 0; i < 7; i++) expect(await loginFrom(lab.pair.pbx, lab.pair.pbx4, `local-guess-${i}`)).toBe(i < 5 ? 401 : 429);
    expect(await loginFrom(lab.pair.pbx, lab.pair.pbx4, password), 'the owner logs in').toBe(200);
  }, 60_000);
});
