/**
 * A PBX under attack, in network namespaces (root only): the `pbx` namespace runs the
 * PBX simulator (SIP on its 10.x and ULA addresses, UDP and TCP; AMI on 127.0.0.1
 * inside it) and `sipwarden run` with the nftables backend; the `attacker`
 * namespace reaches it over a veth pair (see netns.ts for the addresses).
 *
 * Invariants:
 * - Everything runs inside the two namespaces this lab made; the root namespace's
 *   addresses, routes and ruleset are never touched (`hostRuleset()` lets a test check).
 * - close() kills every process the lab started, removes both namespaces and the
 *   temp directory, and is safe to call after a failed start or twice.
 * - The config keeps every file in the lab's temp directory and names the simulator's
 *   messages and security logs and its AMI; 10.x and ULA are internal by default, so
 *   the lab sets networks.internal itself (none unless the test says).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI, ROOT } from './cli.js';
import { createNsPair, exec, must, type ExecResult, type NsPair } from './netns.js';
import { json, Procs, type Proc } from './procs.js';
import { startItsp } from './sipp-calls.js';

export const SIM_HOST = path.join(ROOT, 'test/support/sim-host.mjs');
export const SIP_UDP = path.join(ROOT, 'test/support/sip-udp.mjs');
/** The right secret of account 100 (no dictionary in the tests may reach it). */
export const SECRET_100 = 'Kx7-right-horse-battery';
const AMI_SECRET = 'lab-ami-secret';
/** The lab's own counting table in the pbx namespace: packets that reached the kernel, before sipwarden's chain. */
const COUNTERS = 'table inet swlab {\n  chain pre { type filter hook prerouting priority raw; policy accept; }\n}\n';

export interface LabOptions {
  readonly purpose: string;
  /** networks.internal. Default []: every lab address is external. */
  readonly internal?: readonly string[];
  /** More YAML appended to the daemon's config (top-level keys). */
  readonly configExtra?: string;
  /** More accounts on the simulated PBX. */
  readonly accounts?: ReadonlyArray<{ name: string; secret: string }>;
  /** More SIP listeners of the simulator (e.g. a chan_sip-style registrar on the pbx's address, port 5160). */
  readonly extraSip?: ReadonlyArray<{ host: string; port: number; driver?: 'pjsip' | 'chan_sip'; udp?: boolean; tcp?: boolean }>;
  /** Where the simulator's AMI listens (default 127.0.0.1, reachable only inside the pbx namespace). */
  readonly amiHost?: string;
  /**
   * Calls: the simulator sends numbers that are no account to the trunk `itsp`, an ITSP
   * played by a sipp UAS on the pbx's address, port 5090, that rings `ringMs` before it
   * answers; the AMI user gets the rights `sipwarden init` gives (read security, system,
   * call, cdr; write system, call).
   */
  readonly calls?: { readonly ringMs: number };
  /**
   * The PBX's configuration files the daemon reads (its `accounts.asterisk_config`), by
   * name. Default: a pjsip.conf with one transport on 5060, as the simulator listens.
   */
  readonly asteriskConf?: Readonly<Record<string, string>>;
}

/** The lab's default Asterisk configuration: PJSIP on 5060 (UDP and TCP), as the simulator listens. */
export const LAB_PJSIP_CONF = '[transport-udp]\ntype=transport\nprotocol=udp\nbind=0.0.0.0:5060\n\n[transport-tcp]\ntype=transport\nprotocol=tcp\nbind=0.0.0.0:5060\n';

/** One element of a ban set: its address and timeout in seconds (null: permanent). */
export interface SetElement {
  readonly ip: string;
  readonly timeout: number | null;
}

export interface SimStats {
  readonly sipMessages: number;
  readonly bySource: Record<string, number>;
  readonly securityEvents: Record<string, number>;
  /** With calls: started, refused by the suspension check, hung up over the AMI, live; answered and talk seconds per account. */
  readonly calls: {
    readonly started: number; readonly refused: number; readonly hungUpByAmi: number; readonly live: number;
    readonly answered: Record<string, number>; readonly talk: Record<string, number>;
  } | null;
  /** The AstDB's sipwarden/suspended keys. */
  readonly suspended: Record<string, string>;
}

export class Lab {
  readonly procs = new Procs();
  daemon: Proc | null = null;
  private sim: Proc | null = null;
  private extraAccounts: ReadonlyArray<{ name: string; secret: string }> = [];
  private extraSip: NonNullable<LabOptions['extraSip']> = [];
  private amiHost = '127.0.0.1';
  private calls: LabOptions['calls'] | null = null;
  /** The ITSP (sipp UAS) of a lab with calls. */
  itsp: Proc | null = null;

  private constructor(readonly pair: NsPair, readonly dir: string, readonly config: string) {}

  /** Makes the namespaces, starts the simulator and the daemon; cleans up if any step fails. */
  static async start(o: LabOptions): Promise<Lab> {
    const pair = await createNsPair(o.purpose);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sipwarden-${o.purpose}-`));
    const lab = new Lab(pair, dir, path.join(dir, 'sipwarden.yaml'));
    try {
      fs.mkdirSync(path.join(dir, 'logs'));
      fs.mkdirSync(path.join(dir, 'asterisk'));
      for (const [name, text] of Object.entries(o.asteriskConf ?? { 'pjsip.conf': LAB_PJSIP_CONF })) fs.writeFileSync(path.join(dir, 'asterisk', name), text);
      lab.extraSip = o.extraSip ?? [];
      lab.amiHost = o.amiHost ?? '127.0.0.1';
      lab.calls = o.calls ?? null;
      fs.writeFileSync(lab.config, `${lab.yaml(o.internal ?? [])}\n${o.configExtra ? `${o.configExtra}\n` : ''}`);
      lab.extraAccounts = o.accounts ?? [];
      await must(pair.pbx, 'nft', ['-f', '-'], COUNTERS);
      await lab.startSim();
      await lab.startDaemon();
      return lab;
    } catch (e) {
      await lab.close();
      throw e;
    }
  }

  private yaml(internal: readonly string[]): string {
    const f = (n: string) => path.join(this.dir, n);
    return [
      'networks:', `  internal: [${internal.join(', ')}]`,
      'asterisk:', `  logs: [${f('logs/messages')}, ${f('logs/security')}]`,
      `  ami: { host: 127.0.0.1, port: 5038, username: sipwarden, secret: ${AMI_SECRET} }`,
      '  start_at: beginning',
      'firewall:', '  backend: nftables', '  scope: all',
      'store:', `  path: ${f('sipwarden.db')}`,
      'failed_auth_log:', `  path: ${f('failed-auth.log')}`,
      'accounts:', '  discover: false', `  asterisk_config: ${f('asterisk')}`,
    ].join('\n');
  }

  private async startSim(): Promise<void> {
    const { pbx4, pbx6 } = this.pair;
    const logs = (n: string) => path.join(this.dir, 'logs', n);
    const rights = this.calls ? { read: 'security,system,call,cdr', write: 'system,call' } : {};
    if (this.calls) this.itsp = startItsp(this.procs, this.pair.pbx, { ip: pbx4, port: 5090, ringMs: this.calls.ringMs, dir: this.dir });
    const opts = {
      sip: [{ host: pbx4, port: 5060 }, { host: pbx6, port: 5060 }, ...this.extraSip],
      ami: { host: this.amiHost, port: 5038, users: [{ username: 'sipwarden', secret: AMI_SECRET, ...rights }] },
      ...(this.calls ? { calls: { trunk: { name: 'itsp', host: pbx4, port: 5090 } } } : {}),
      accounts: [{ name: '100', secret: SECRET_100 }, { name: '101', secret: 'another-secret-101' }, ...this.extraAccounts],
      logs: { messages: logs('messages'), security: logs('security') },
      maxSeconds: 300,
    };
    this.sim = this.procs.start(this.pair.pbx, process.execPath, [SIM_HOST, JSON.stringify(opts)], { stdin: 'pipe', maxMs: 300_000 });
    if (!(await this.sim.waitLine((l) => l.startsWith('{"ready":true'), 10_000))) throw new Error(`simulator did not start: ${this.sim.lines.join(' | ')}`);
  }

  /** Starts `sipwarden run` in the pbx namespace; resolves once it says it is running. */
  async startDaemon(): Promise<Proc> {
    const d = this.procs.start(this.pair.pbx, process.execPath, [CLI, 'run', '--config', this.config], { maxMs: 300_000 });
    this.daemon = d;
    if (!(await d.waitLine((l) => json(l)?.msg === 'sipwarden running', 15_000))) throw new Error(`sipwarden did not start: ${d.lines.slice(-5).join(' | ')}`);
    return d;
  }

  /** The current daemon's JSON log lines with this `msg`. */
  daemonSaid(msg: string | RegExp): Array<Record<string, unknown>> {
    return (this.daemon?.lines ?? []).map(json).filter((l): l is Record<string, unknown> =>
      l !== null && typeof l.msg === 'string' && (typeof msg === 'string' ? l.msg === msg : msg.test(l.msg)));
  }

  /** The simulator's live counters. */
  async simStats(): Promise<SimStats> {
    const sim = this.sim;
    if (!sim) throw new Error('simulator not running');
    const from = sim.lines.length;
    sim.child.stdin!.write('stats\n');
    const line = await sim.waitLine((l) => l.startsWith('{"stats"'), 5_000, from);
    if (!line) throw new Error('simulator did not answer "stats"');
    return (JSON.parse(line) as { stats: SimStats }).stats;
  }

  /** SIP messages the simulator received from `ip`. */
  async received(ip: string): Promise<number> {
    return (await this.simStats()).bySource[ip] ?? 0;
  }

  /** The elements of `inet sipwarden <set>` as the kernel lists them (duplicates would show twice); networks as `addr/len`. */
  async banSet(set: 'ban4' | 'ban6' | 'net4' | 'net6'): Promise<SetElement[]> {
    const r = await exec(this.pair.pbx, 'nft', ['-j', 'list', 'set', 'inet', 'sipwarden', set]);
    if (r.code !== 0) return [];
    type Prefix = { prefix: { addr: string; len: number } };
    type Val = string | Prefix;
    type Elem = Val | { elem?: { val: Val; timeout?: number } };
    const out = JSON.parse(r.stdout) as { nftables: Array<{ set?: { elem?: Elem[] } }> };
    const elems = out.nftables.find((x) => x.set)?.set?.elem ?? [];
    const text = (v: Val | undefined) => (v === undefined ? '?' : typeof v === 'string' ? v : `${v.prefix.addr}/${v.prefix.len}`);
    return elems.map((e) => (typeof e === 'string' || 'prefix' in e ? { ip: text(e), timeout: null } : { ip: text(e.elem?.val), timeout: e.elem?.timeout ?? null }));
  }

  /** Starts counting, in the kernel, the SIP packets that arrive from `ip` (before any firewall rule). */
  async countPackets(ip: string): Promise<void> {
    await must(this.pair.pbx, 'nft', ['add', 'rule', 'inet', 'swlab', 'pre', ip.includes(':') ? 'ip6' : 'ip', 'saddr', ip, 'udp', 'dport', '5060', 'counter']);
  }

  /** Packets from `ip` to UDP 5060 that reached the pbx namespace's kernel since countPackets(ip). */
  async packetsFrom(ip: string): Promise<number> {
    type Expr = { match?: { right?: unknown }; counter?: { packets: number } };
    const out = JSON.parse(await must(this.pair.pbx, 'nft', ['-j', 'list', 'table', 'inet', 'swlab'])) as { nftables: Array<{ rule?: { expr: Expr[] } }> };
    for (const r of out.nftables) {
      const expr = r.rule?.expr ?? [];
      if (expr.some((e) => e.match?.right === ip)) return expr.find((e) => e.counter)?.counter?.packets ?? 0;
    }
    throw new Error(`no packet counter for ${ip}`);
  }

  /** Polls the kernel set until it holds `ip` (an address, or a network `addr/len`); its element, or null after `timeoutMs`. */
  async waitBanned(ip: string, timeoutMs: number): Promise<SetElement | null> {
    const set = ip.includes('/') ? (ip.includes(':') ? 'net6' : 'net4') : ip.includes(':') ? 'ban6' : 'ban4';
    const end = Date.now() + timeoutMs;
    do {
      const hit = (await this.banSet(set)).find((e) => e.ip === ip);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 25));
    } while (Date.now() < end);
    return null;
  }

  /** True if an OPTIONS from `from` (an attacker address) to the PBX gets any answer. */
  async probe(from: string): Promise<boolean> {
    const to = from.includes(':') ? this.pair.pbx6 : this.pair.pbx4;
    const out = await must(this.pair.attacker, process.execPath, [SIP_UDP, 'probe', '--from', from, '--to', to]);
    return (JSON.parse(out) as { answered: boolean }).answered;
  }

  /** Gives the attacker namespace one more address (`10.77.0.x` or `fd77:5757::x`, in the pair's subnet). */
  async addAttackerAddress(ip: string): Promise<string> {
    const v6 = ip.includes(':');
    await must(this.pair.attacker, 'ip', [...(v6 ? ['-6'] : []), 'addr', 'add', `${ip}/${v6 ? 64 : 24}`, 'dev', 'swa0', ...(v6 ? ['nodad'] : [])]);
    return ip;
  }

  /**
   * Gives the attacker namespace addresses of another network (`10.78.5.11` in
   * `10.78.5.0/24`: not the pbx's own subnet, which is never banned whole), routed
   * on-link from the pbx with permanent neighbour entries (no ARP/ND, see netns.ts).
   */
  async addOffLinkAttackers(network: string, addresses: readonly string[]): Promise<readonly string[]> {
    const v6 = network.includes(':');
    const fam = v6 ? ['-6'] : [];
    const len = network.split('/')[1];
    const mac = (JSON.parse(await must(this.pair.attacker, 'ip', ['-j', 'link', 'show', 'swa0'])) as Array<{ address: string }>)[0]?.address as string;
    await must(this.pair.pbx, 'ip', [...fam, 'route', 'replace', network, 'dev', 'swp0']);
    for (const a of addresses) {
      await must(this.pair.attacker, 'ip', [...fam, 'addr', 'add', `${a}/${len}`, 'dev', 'swa0', ...(v6 ? ['nodad'] : [])]);
      await must(this.pair.pbx, 'ip', ['neigh', 'replace', a, 'lladdr', mac, 'dev', 'swp0', 'nud', 'permanent']);
    }
    return addresses;
  }

  /** Runs a sip-udp.mjs mode in the attacker namespace; its JSON answer. */
  async sipUdp(args: readonly string[]): Promise<Record<string, unknown>> {
    const out = await must(this.pair.attacker, process.execPath, [SIP_UDP, ...args]);
    return JSON.parse(out) as Record<string, unknown>;
  }

  /** failed-auth.log lines about `ip`. */
  failedAuth(ip: string): string[] {
    return this.read('failed-auth.log').split('\n').filter((l) => l.includes(` ip=${ip} `));
  }

  /** Runs the sipwarden CLI inside the pbx namespace with the lab's config. */
  sipwarden(args: readonly string[]): Promise<ExecResult> {
    return exec(this.pair.pbx, process.execPath, [CLI, ...args, '--config', this.config], { timeoutMs: 20_000 });
  }

  /** A file of the lab (e.g. `logs/security`, `failed-auth.log`); '' if missing. */
  read(name: string): string {
    try {
      return fs.readFileSync(path.join(this.dir, name), 'latin1');
    } catch {
      return '';
    }
  }

  /** Kills every process, removes the namespaces and the temp directory. */
  async close(): Promise<void> {
    await this.procs.killAll();
    await this.pair.remove();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The root namespace's whole ruleset, to show a test never touched it. */
export async function hostRuleset(): Promise<string> {
  return must(null, 'nft', ['list', 'ruleset']);
}
