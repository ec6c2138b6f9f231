/**
 * PBX nodes for the cluster tests: each a whole daemon (createDaemon) with its own store
 * in a temp dir, a firewall that records what it is asked (dry run), no log files, no
 * dashboard, and a log that is kept to be read; all in cluster mode on one redis-server.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { defaultConfig, type Config } from '../../../src/config/index.js';
import { createDaemon, type Daemon } from '../../../src/daemon/create.js';
import type { Sources } from '../../../src/daemon/sources.js';
import type { AuthFailed } from '../../../src/domain/events.js';
import { parseBanTarget, parseCidr, type BanTarget, type Cidr, type IpAddress } from '../../../src/domain/ip.js';
import type { Enforcer, EnforcerOp } from '../../../src/enforcers/index.js';
import { Store } from '../../../src/store/index.js';

export interface NodeOptions {
  readonly group: string;
  readonly redisUrl: string;
  /** Networks internal on this node. */
  readonly internal?: readonly string[];
  /** Tiers (ms) instead of the defaults. */
  readonly tiers?: Config['policy']['tiers'];
  readonly count?: 'shared' | 'local';
  /** The node's directory (store, failed-auth log): given to start a node again where it stopped. */
  readonly dir?: string;
}

export interface TestNode {
  readonly name: string;
  readonly dir: string;
  readonly daemon: Daemon;
  /** Every firewall change, in order. */
  readonly ops: EnforcerOp[];
  /** The daemon's log records (pino JSON objects). */
  readonly logs: Array<Record<string, unknown>>;
  /** One failed login from `ip` now (or at `at`), as the PBX's security log reports it. */
  fail(ip: string, account?: string, at?: number): void;
  /** Whether the firewall holds `target` now (its latest op for it is a ban). */
  blocks(target: string): boolean;
  /** The failed-auth log's lines. */
  faillog(): string[];
  stop(): Promise<void>;
}

let seq = 0;

/** A started node named `name`; see the module comment. */
export async function startNode(name: string, o: NodeOptions): Promise<TestNode> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), `sipwarden-cluster-${name}-`));
  const d = defaultConfig({ fileExists: () => false });
  const config: Config = {
    ...d,
    store: { ...d.store, path: join(dir, 'sipwarden.db') },
    failedAuthLog: { path: join(dir, 'failed-auth.log') },
    asterisk: { ...d.asterisk, logs: [], ami: null },
    networks: { ...d.networks, internal: (o.internal ?? []).map((c) => parseCidr(c) as Cidr) },
    policy: { ...d.policy, tiers: o.tiers ?? d.policy.tiers },
    cluster: {
      ...d.cluster, enabled: true, name, group: o.group, count: o.count ?? 'shared',
      redis: { ...d.cluster.redis, ...urlParts(o.redisUrl) },
    },
  };
  const ops: EnforcerOp[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const enforcer: Enforcer = {
    name: 'dry-run', init: async () => undefined, reconcile: async (bans) => void ops.push(...bans.map((b) => ({ op: 'ban' as const, ...b }))),
    apply: async (o2) => void ops.push(...o2), close: async () => undefined,
  };
  const sources = (): Sources => ({
    start: () => undefined, drain: async () => undefined, close: () => undefined,
    cursors: () => [], followers: () => [], ami: () => null, health: () => ({ sources: [], ami: null }),
  });
  const log = pino({ level: 'info' }, { write: (s: string) => void logs.push(JSON.parse(s) as Record<string, unknown>) });
  const daemon = createDaemon({
    config, log, now: () => Date.now(), store: Store.open(config.store.path), hostAddresses: [], web: false,
    pbx: { accounts: () => undefined, ports: () => ({ ok: true, ports: [], notes: [] }) },
    enforcer: () => enforcer, sources,
  });
  await daemon.start();
  return {
    name, dir, daemon, ops, logs,
    fail(ip, account = '100', at = Date.now()) {
      const n = ++seq;
      const ev: AuthFailed = {
        kind: 'auth_failed', at, service: 'PJSIP', ip: parseBanTarget(ip) as IpAddress, port: 5060, account, session: `${name}-${n}`,
        signature: 'security-log', decoys: [], reason: 'wrong_password', detail: 'ChallengeResponseFailed',
        evidence: { source: '/var/log/asterisk/security', line: n, text: `SecurityEvent="ChallengeResponseFailed" ${n}` },
      };
      daemon.handle(ev);
    },
    blocks(target) {
      const t = parseBanTarget(target) as BanTarget;
      const last = ops.filter((x) => x.ip === t).at(-1);
      return last?.op === 'ban' && (last.until === null || last.until > Date.now());
    },
    faillog: () => {
      try {
        return readFileSync(config.failedAuthLog.path, 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
    stop: () => daemon.stop(),
  };
}

/** Removes a node's directory (after stop). */
export function removeNode(n: TestNode): void {
  rmSync(n.dir, { recursive: true, force: true });
}

function urlParts(url: string): { host: string; port: number; db: number; user: string | null; password: string | null } {
  const u = new URL(url);
  return {
    host: u.hostname, port: Number(u.port), db: Number(u.pathname.slice(1) || 0),
    user: u.username ? decodeURIComponent(u.username) : null, password: u.password ? decodeURIComponent(u.password) : null,
  };
}
