/**
 * Network namespaces for firewall tests (root only): a `pbx` and an `attacker`
 * namespace joined by a veth pair, with 10.x IPv4 and ULA IPv6 addresses, plus tools
 * to send and receive UDP datagrams inside them.
 *
 * Invariants:
 * - Names are unique per process and call: `sw-<purpose>-<pid>-<n>`; remove()
 *   deletes exactly the namespaces this helper created (with their veth ends), and a
 *   half-built pair is removed before the error is thrown.
 * - Nothing here touches the root namespace's addresses, routes or firewall.
 * - Neighbour entries are static, so a ban never blocks another address's ARP/ND.
 * - Every spawned process is bounded by a timeout and killed when it runs over.
 */
import { spawn } from 'node:child_process';

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface NsPair {
  readonly pbx: string;
  readonly attacker: string;
  readonly pbx4: string;
  readonly pbx6: string;
  /** The attacker's addresses; [0] is the primary, the others are extra senders. */
  readonly attacker4: readonly string[];
  readonly attacker6: readonly string[];
  /** Deletes both namespaces (and so the veth pair). Safe to call twice. */
  remove(): Promise<void>;
}

let counter = 0;

/** Runs `cmd args` (inside `ns` if given), with `input` on stdin; bounded by `timeoutMs`. */
export function exec(ns: string | null, cmd: string, args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
  const [program, argv] = ns === null ? [cmd, [...args]] : ['ip', ['netns', 'exec', ns, cmd, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(program, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 10_000);
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.on('error', () => undefined); // a command may exit without reading its input
    child.stdin.end(opts.input ?? '');
  });
}

/** Like exec, but throws with the command's stderr on a non-zero exit. */
export async function must(ns: string | null, cmd: string, args: readonly string[], input?: string): Promise<string> {
  const r = await exec(ns, cmd, args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** Creates the pbx/attacker pair. The attacker has 3 addresses of each family. */
export async function createNsPair(purpose: string): Promise<NsPair> {
  const made: string[] = [];
  const name = () => `sw-${purpose}-${process.pid}-${++counter}`;
  const remove = async () => {
    while (made.length > 0) await exec(null, 'ip', ['netns', 'del', made.pop() as string]);
  };
  const pbx = name();
  const attacker = name();
  const pair: NsPair = {
    pbx,
    attacker,
    pbx4: '10.77.0.1',
    pbx6: 'fd77:5757::1',
    attacker4: ['10.77.0.2', '10.77.0.3', '10.77.0.4'],
    attacker6: ['fd77:5757::2', 'fd77:5757::3', 'fd77:5757::4'],
    remove,
  };
  try {
    for (const ns of [pbx, attacker]) {
      await must(null, 'ip', ['netns', 'add', ns]);
      made.push(ns);
      await must(ns, 'ip', ['link', 'set', 'lo', 'up']);
    }
    await must(pbx, 'ip', ['link', 'add', 'swp0', 'type', 'veth', 'peer', 'name', 'swa0', 'netns', attacker]);
    await must(pbx, 'ip', ['addr', 'add', `${pair.pbx4}/24`, 'dev', 'swp0']);
    await must(pbx, 'ip', ['-6', 'addr', 'add', `${pair.pbx6}/64`, 'dev', 'swp0', 'nodad']);
    for (const a of pair.attacker4) await must(attacker, 'ip', ['addr', 'add', `${a}/24`, 'dev', 'swa0']);
    for (const a of pair.attacker6) await must(attacker, 'ip', ['-6', 'addr', 'add', `${a}/64`, 'dev', 'swa0', 'nodad']);
    await must(pbx, 'ip', ['link', 'set', 'swp0', 'up']);
    await must(attacker, 'ip', ['link', 'set', 'swa0', 'up']);
    await staticNeighbours(pair);
    return pair;
  } catch (e) {
    await remove();
    throw e;
  }
}

/**
 * Gives the attacker namespace more addresses, outside the pair's own /24 and /64 (a
 * network ban must not hold the pbx's own address): each one goes on the attacker's
 * veth as a host address, gets a host route and a permanent neighbour entry in the pbx
 * namespace, and disappears with the namespaces.
 */
export async function addAttackerAddresses(pair: NsPair, addresses: readonly string[]): Promise<void> {
  const mac = (JSON.parse(await must(pair.attacker, 'ip', ['-j', 'link', 'show', 'swa0'])) as Array<{ address: string }>)[0]?.address as string;
  for (const a of addresses) {
    const v6 = a.includes(':');
    const host = `${a}/${v6 ? 128 : 32}`;
    await must(pair.attacker, 'ip', v6 ? ['-6', 'addr', 'add', host, 'dev', 'swa0', 'nodad'] : ['addr', 'add', host, 'dev', 'swa0']);
    await must(pair.pbx, 'ip', [v6 ? '-6' : '-4', 'route', 'replace', host, 'dev', 'swp0']);
    await must(pair.pbx, 'ip', ['neigh', 'replace', a, 'lladdr', mac, 'dev', 'swp0', 'nud', 'permanent']);
  }
}

/**
 * Permanent neighbour entries both ways, so no ARP/ND is needed: with a ban of scope
 * `all`, the pbx drops neighbour solicitations from a banned address, and the kernel
 * may pick that address as the source of the solicitation for another one on the same
 * interface, which would make the other address look banned too.
 */
async function staticNeighbours(pair: NsPair): Promise<void> {
  const mac = async (ns: string, dev: string) => (JSON.parse(await must(ns, 'ip', ['-j', 'link', 'show', dev])) as Array<{ address: string }>)[0]?.address as string;
  const pbxMac = await mac(pair.pbx, 'swp0');
  const attackerMac = await mac(pair.attacker, 'swa0');
  for (const a of [pair.pbx4, pair.pbx6]) await must(pair.attacker, 'ip', ['neigh', 'replace', a, 'lladdr', pbxMac, 'dev', 'swa0', 'nud', 'permanent']);
  for (const a of [...pair.attacker4, ...pair.attacker6]) await must(pair.pbx, 'ip', ['neigh', 'replace', a, 'lladdr', attackerMac, 'dev', 'swp0', 'nud', 'permanent']);
}

const LISTENER = `
const dgram = require('node:dgram');
const ports = process.argv.slice(1).map(Number);
let ready = 0;
for (const port of ports) for (const type of ['udp4', 'udp6']) {
  const s = dgram.createSocket({ type, ipv6Only: type === 'udp6' });
  s.on('message', (m, r) => process.stdout.write(port + ' ' + r.address + ' ' + m.toString().replace(/[^\\x21-\\x7e]/g, '?') + '\\n'));
  s.bind(port, type === 'udp4' ? '0.0.0.0' : '::', () => { if (++ready === ports.length * 2) process.stdout.write('ready\\n'); });
}
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

export interface UdpListener {
  /** Waits up to `timeoutMs` for a datagram carrying `token`; returns the sender's address, or null. */
  waitFor(token: string, timeoutMs: number): Promise<string | null>;
  close(): Promise<void>;
}

/** Listens on `ports` (UDP, IPv4 and IPv6) inside `ns`, until close(); at most 5 minutes. */
export function startUdpListener(ns: string, ports: readonly number[]): Promise<UdpListener> {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', LISTENER, ...ports.map(String)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const seen = new Map<string, string>(); // token -> "port sender"
  const waiters = new Set<() => void>();
  const killer = setTimeout(() => child.kill('SIGKILL'), 300_000);
  let buffered = '';
  return new Promise((resolve, reject) => {
    const failStart = setTimeout(() => reject(new Error('UDP listener did not start within 5 s')), 5_000);
    child.on('exit', () => clearTimeout(killer));
    child.stdout.on('data', (b: Buffer) => {
      buffered += b.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line === 'ready') {
          clearTimeout(failStart);
          resolve(listener);
          continue;
        }
        const [, from, token] = line.split(' ');
        if (from !== undefined && token !== undefined) seen.set(token, from);
        for (const w of waiters) w();
      }
    });
    const listener: UdpListener = {
      waitFor(token, timeoutMs) {
        return new Promise((done) => {
          const check = () => {
            const from = seen.get(token);
            if (from === undefined) return false;
            finish(from);
            return true;
          };
          const finish = (v: string | null) => {
            clearTimeout(timer);
            waiters.delete(onLine);
            done(v);
          };
          const onLine = () => void check();
          const timer = setTimeout(() => finish(null), timeoutMs);
          waiters.add(onLine);
          check();
        });
      },
      close() {
        return new Promise((done) => {
          if (child.exitCode !== null) return done();
          child.on('exit', () => done());
          child.stdin.end();
          setTimeout(() => child.kill('SIGKILL'), 2_000).unref();
        });
      },
    };
  });
}

const SENDER = `
const dgram = require('node:dgram');
const [to, port, from, payload] = process.argv.slice(1);
const s = dgram.createSocket(to.includes(':') ? 'udp6' : 'udp4');
s.bind({ address: from }, () => s.send(payload, Number(port), to, (e) => { s.close(); process.exit(e ? 1 : 0); }));
`;

/** Sends one datagram `payload` from `from` (an address of `ns`) to `to`:`port`. */
export async function sendUdp(ns: string, from: string, to: string, port: number, payload: string): Promise<void> {
  await must(ns, process.execPath, ['-e', SENDER, to, String(port), from, payload]);
}

let tokens = 0;

/**
 * True if a datagram from `from` (in the pair's attacker namespace) to `to`:`port`
 * reaches the listener within `timeoutMs`. Sends twice (the first may wait for
 * neighbour discovery); each call uses fresh tokens, so old datagrams never count.
 */
export async function udpArrives(pair: NsPair, listener: UdpListener, from: string, to: string, port: number, timeoutMs = 700): Promise<boolean> {
  const token = `probe-${process.pid}-${++tokens}`;
  await sendUdp(pair.attacker, from, to, port, token);
  let sender = await listener.waitFor(token, timeoutMs / 2);
  if (sender === null) {
    await sendUdp(pair.attacker, from, to, port, token);
    sender = await listener.waitFor(token, timeoutMs / 2);
  }
  if (sender !== null && sender !== from) throw new Error(`probe from ${from} arrived from ${sender}`);
  return sender !== null;
}
