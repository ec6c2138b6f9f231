/**
 * Who is connected to this host over SSH, so that no ban cuts the session an
 * administrator works from (with `firewall.scope: all` a ban drops every packet).
 *
 * - **Which port.** sshd's own `Port` and `ListenAddress host:port` lines (with its
 *   `Include` files, as Debian's `sshd_config.d/*.conf`); 22 when it cannot be read.
 * - **Who.** `/proc/net/tcp` and `/proc/net/tcp6`: the remote ends of ESTABLISHED
 *   connections to those ports. Chosen over `ss -tn state established`: no process per
 *   look (the daemon looks every few seconds), no dependence on iproute2 being installed
 *   or on its output format, readable by any user, and it is the network namespace the
 *   firewall works in. A PBX has few TCP connections, so reading the whole table is cheap.
 * - **For how long.** A person banning by hand (CLI, dashboard) is refused any address
 *   with an established connection. The daemon's own bans spare an address only once
 *   its connection has lasted longer than sshd's `LoginGraceTime` (default 120 s): sshd
 *   closes a connection that has not logged in by then, so an attacker cannot buy
 *   immunity from bans by holding an unauthenticated SSH connection open.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { networkHolds, parseIp, type BanTarget, type IpAddress } from '../domain/ip.js';
import { isNetwork } from '../domain/ip.js';

/** Reads a text file (tests give a map). Throws when it cannot. */
export type ReadText = (file: string) => string;
/** Lists a directory's entries (for `Include` globs). Throws when it cannot. */
export type ListDir = (dir: string) => string[];

const readText: ReadText = (f) => readFileSync(f, 'utf8');
const listDir: ListDir = (d) => readdirSync(d);

/** What the daemon needs of sshd's configuration. */
export interface SshdSettings {
  /** The ports sshd listens on (22 when the configuration says nothing or cannot be read). */
  readonly ports: readonly number[];
  /** sshd's LoginGraceTime in ms (0: no limit). */
  readonly loginGraceMs: number;
}

const DEFAULT_SSHD: SshdSettings = { ports: [22], loginGraceMs: 120_000 };

/** sshd's ports and LoginGraceTime from `file` and the files it includes; the defaults for what it does not say. */
export function readSshdConfig(file = '/etc/ssh/sshd_config', read: ReadText = readText, list: ListDir = listDir): SshdSettings {
  const ports = new Set<number>();
  let grace: number | null = null;
  const seen = new Set<string>();
  const visit = (f: string, depth: number): void => {
    if (depth > 8 || seen.has(f)) return;
    seen.add(f);
    let text: string;
    try {
      text = read(f);
    } catch {
      return;
    }
    for (const raw of text.split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      const m = /^(\S+)\s*(?:=\s*|\s)\s*(.*)$/.exec(line);
      if (!m) continue;
      const key = (m[1] as string).toLowerCase();
      const value = (m[2] as string).trim();
      if (key === 'match') return; // what follows applies to some connections only; Port and LoginGraceTime may not appear there
      if (key === 'port') {
        const p = Number(value);
        if (Number.isInteger(p) && p > 0 && p < 65_536) ports.add(p);
      } else if (key === 'listenaddress') {
        const lm = /^(?:\[[^\]]+\]|[^:\s]+):(\d{1,5})(?:\s|$)/.exec(value);
        const p = lm ? Number(lm[1]) : NaN;
        if (Number.isInteger(p) && p > 0 && p < 65_536) ports.add(p);
      } else if (key === 'logingracetime' && grace === null) {
        grace = sshdTime(value); // sshd keeps the first value it reads
      } else if (key === 'include') {
        for (const pattern of value.split(/\s+/)) for (const inc of expand(pattern, list)) visit(inc, depth + 1);
      }
    }
  };
  visit(file, 0);
  return { ports: ports.size ? [...ports] : DEFAULT_SSHD.ports, loginGraceMs: grace ?? DEFAULT_SSHD.loginGraceMs };
}

/** sshd's time format: `120`, `2m`, `1m30s` (s, m, h, d, w); null when unreadable. */
function sshdTime(text: string): number | null {
  const unit: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
  let total = 0;
  let rest = text.toLowerCase();
  if (!/^(\d+[smhdw]?)+$/.test(rest)) return null;
  for (let m = /^(\d+)([smhdw]?)/.exec(rest); m; m = /^(\d+)([smhdw]?)/.exec(rest)) {
    total += Number(m[1]) * (unit[m[2] as string] as number);
    rest = rest.slice(m[0].length);
  }
  return total * 1000;
}

/** An Include pattern's files: relative to /etc/ssh, `*` and `?` in the last part only (what Debian ships). */
function expand(pattern: string, list: ListDir): string[] {
  const full = path.isAbsolute(pattern) ? pattern : path.join('/etc/ssh', pattern);
  const base = path.basename(full);
  if (!/[*?]/.test(base)) return [full];
  const re = new RegExp(`^${base.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  try {
    return list(path.dirname(full)).filter((n) => re.test(n)).sort().map((n) => path.join(path.dirname(full), n));
  } catch {
    return [];
  }
}

/** One established TCP connection to a local SSH port: the client's address and the connection's key. */
export interface SshConnection {
  readonly ip: IpAddress;
  /** `client-address port`: one connection, for how long it has lasted. */
  readonly key: string;
}

/**
 * Established connections to `ports` in /proc/net/tcp and tcp6 (`read` for tests).
 * A table that cannot be read is left out (no IPv6, or not Linux).
 */
export function establishedSsh(ports: readonly number[], read: ReadText = readText): SshConnection[] {
  const out: SshConnection[] = [];
  for (const [file, v6] of [['/proc/net/tcp', false], ['/proc/net/tcp6', true]] as const) {
    let text: string;
    try {
      text = read(file);
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4 || f[3] !== '01') continue; // 01: TCP_ESTABLISHED
      const local = f[1]?.split(':');
      const remote = f[2]?.split(':');
      if (!local || !remote || local.length !== 2 || remote.length !== 2) continue;
      if (!ports.includes(parseInt(local[1] as string, 16))) continue;
      const ip = procAddress(remote[0] as string, v6);
      if (ip) out.push({ ip, key: `${ip} ${parseInt(remote[1] as string, 16)}` });
    }
  }
  return out;
}

/** A /proc/net/tcp{,6} address: 32-bit words in host (little-endian) byte order. */
function procAddress(hex: string, v6: boolean): IpAddress | null {
  if (hex.length !== (v6 ? 32 : 8) || !/^[0-9A-Fa-f]+$/.test(hex)) return null;
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = hex.slice(w, w + 8);
    for (let b = 6; b >= 0; b -= 2) bytes.push(parseInt(word.slice(b, b + 2), 16));
  }
  if (!v6) return parseIp(bytes.join('.'));
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] as number) * 256 + (bytes[i + 1] as number)).toString(16));
  return parseIp(groups.join(':')); // ::ffff:a.b.c.d folds to the IPv4 address
}

/**
 * The clients of this host's SSH: `has()` (the zones' run-time never-ban set) holds those
 * whose connection lasted longer than LoginGraceTime when `refresh()` last looked;
 * `connectedTo()` looks now and counts any established connection (a person's ban).
 */
export class SshClients {
  readonly #firstSeen = new Map<string, number>();
  #settled = new Set<IpAddress>();

  constructor(private readonly o: { sshd: SshdSettings; read?: ReadText }) {}

  /** The ports watched, for the log. */
  get ports(): readonly number[] {
    return this.o.sshd.ports;
  }

  /** Looks at the connection table again (the daemon's timer). */
  refresh(now: number): void {
    const live = establishedSsh(this.o.sshd.ports, this.o.read);
    const keys = new Set(live.map((c) => c.key));
    for (const k of this.#firstSeen.keys()) if (!keys.has(k)) this.#firstSeen.delete(k);
    const settled = new Set<IpAddress>();
    for (const c of live) {
      const first = this.#firstSeen.get(c.key) ?? now;
      this.#firstSeen.set(c.key, first);
      // No LoginGraceTime (0): sshd keeps waiting connections forever, so age proves nothing; count them all.
      if (this.o.sshd.loginGraceMs === 0 || now - first > this.o.sshd.loginGraceMs) settled.add(c.ip);
    }
    this.#settled = settled;
  }

  has(ip: IpAddress): boolean {
    return this.#settled.has(ip);
  }

  addresses(): Iterable<IpAddress> {
    return this.#settled;
  }

  /** An address inside `target` with an established SSH connection right now (any age), or null. */
  connectedTo(target: BanTarget): IpAddress | null {
    return connectedInside(target, establishedSsh(this.o.sshd.ports, this.o.read).map((c) => c.ip));
  }
}

/** The first of `clients` inside `target` (the address itself, or one in the network). */
export function connectedInside(target: BanTarget, clients: Iterable<IpAddress>): IpAddress | null {
  for (const ip of clients) if (isNetwork(target) ? networkHolds(target, ip) : ip === target) return ip;
  return null;
}

/**
 * The client of the SSH session a command runs in (`SSH_CONNECTION` = "client port
 * server port", or the older `SSH_CLIENT` = "client port port"), or null. `sudo` drops
 * these by default; the connection table still shows the session then.
 */
export function sshSessionClient(env: NodeJS.ProcessEnv = process.env): IpAddress | null {
  for (const v of [env.SSH_CONNECTION, env.SSH_CLIENT]) {
    const first = v?.trim().split(/\s+/)[0];
    const ip = first ? parseIp(first.replace(/%.*$/, '')) : null;
    if (ip) return ip;
  }
  return null;
}
