/**
 * Admin commands that work on the store: status, ban, release (bans: bans.ts). A ban or
 * release is written to the store with its audit entry and a change record in one
 * transaction (`storeBans`); the running daemon's control loop applies it to the
 * firewall within 250 ms. Without a running daemon it is applied at the daemon's next
 * start (reconcile).
 *
 * `ban` refuses, before anything is written: protected zones; the client of the SSH
 * session it runs in and any address with an established connection to this host's SSH
 * port (daemon/ssh.ts), whatever the options; a network wider than `limits` without
 * `--force`. `status` exits 3 when the daemon is not running (LSB).
 */
import type { WatchPlan } from '../daemon/watch.js';
import { loadConfig } from '../config/index.js';
import { formatInstant, MAX_DURATION_TEXT, readDuration } from '../domain/duration.js';
import { terminalJson, terminalText } from '../domain/strings.js';
import { SipwardenError } from '../domain/errors.js';
import { isNetwork, parseBanTarget, type BanTarget } from '../domain/ip.js';
import { compileZones, manualBanRefusal, zoneOfTarget } from '../engine/index.js';
import type { ManualBanRules } from '../engine/zones.js';
import { hostAddresses, zoneInput } from '../daemon/inputs.js';
import { connectedInside, establishedSsh, readSshdConfig, sshSessionClient } from '../daemon/ssh.js';
import { liveSettings } from '../daemon/web.js';
import { Store } from '../store/index.js';
import type { StoreHealth } from '../api/index.js';
import { storeBans } from '../api/controls.js';
import { clusterLines, liveOnly, protectionLine, readLive, storeLines } from './status-live.js';
import { geoLines, openConfiguredLocator, STDERR } from '../geo/open.js';
import { blockingLine, blockingOf } from './status-blocking.js';

const iso = (t: number | null) => (t === null ? 'until released' : formatInstant(t));
const ACTOR = `cli:${process.env.SUDO_USER ?? process.env.USER ?? 'root'}`;

function openStore(configPath?: string): { store: Store; config: ReturnType<typeof loadConfig>['config'] } {
  const { config } = loadConfig(configPath);
  return { store: Store.open(config.store.path), config };
}

function address(text: string): BanTarget {
  const target = parseBanTarget(text);
  if (!target) throw new SipwardenError('BAD_ADDRESS', `not an IP address or network: ${JSON.stringify(text)}`);
  return target;
}

function daemonAlive(store: Store, now: number): boolean {
  const beat = Number(store.getMeta('heartbeat') ?? 0);
  return now - beat < 3000;
}

export async function statusCommand(opts: { config?: string; json?: boolean }): Promise<void> {
  const { config } = loadConfig(opts.config);
  // The daemon's own word first: with a failing store its heartbeat there goes stale, or the store cannot be opened at all.
  const live = await readLive(config);
  let store: Store;
  try {
    store = Store.open(config.store.path);
  } catch (e) {
    if (!live) throw e;
    process.stdout.write(liveOnly(live, config.store.path, (e as Error).message, opts.json === true));
    return;
  }
  try {
    const now = Date.now();
    const running = daemonAlive(store, now) || live !== null;
    const stats = JSON.parse(store.getMeta('stats') ?? '{}') as Record<string, unknown>;
    const active = store.listBans({ state: 'active', limit: 1 }, now).total;
    const recent = store.listFailures({ from: now - 86_400_000, limit: 1 }).total;
    const geo = (await openConfiguredLocator(config.geo, STDERR))?.databases ?? null;
    const status = {
      running, pid: live?.pid ?? (running ? Number(store.getMeta('pid')) : null), protection: live?.protection ?? config.protection,
      protectionInFile: config.protection,
      backend: stats.backend ?? null,
      blocking: blockingOf(live?.protection ?? config.protection, typeof stats.backend === 'string' ? stats.backend : config.firewall.backend === 'auto' ? null : config.firewall.backend),
      activeBans: active, failuresLast24h: recent, sources: stats.followers ?? [],
      ami: (stats.ami as Record<string, unknown> | null | undefined) ?? null,
      reports: { events: stats.events ?? 0, attempts: stats.attempts ?? 0, duplicates: stats.duplicates ?? 0, injections: stats.injections ?? 0 },
      logs: config.asterisk.logs, store: config.store.path,
      watch: (stats.watch as WatchPlan | undefined) ?? null,
      asteriskLoss: (stats.asteriskLoss as { dropped: number; episodes: number } | undefined) ?? null,
      storeHealth: live?.store ?? (running ? (stats.store as StoreHealth | undefined) ?? null : null),
      geo,
      cluster: config.cluster.enabled ? live?.cluster ?? null : null,
    };
    // LSB: `status` exits 3 when the program is not running (scripts and monitoring read it).
    if (!running) process.exitCode = 3;
    if (opts.json) {
      process.stdout.write(`${terminalJson(status)}\n`);
      return;
    }
    process.stdout.write([
      `sipwarden is ${running ? `running (pid ${status.pid})` : 'NOT running'}`,
      `protection:       ${protectionLine(live, config.protection)}${status.backend ? ` (firewall: ${status.backend})` : ''}`,
      `blocking:         ${blockingLine(status.blocking)}`,
      `active bans:      ${active}`,
      `failures (24 h):  ${recent}`,
      `watching:         ${config.asterisk.logs.join(', ') || 'no log files (set asterisk.logs)'}`,
      `AMI:              ${amiLine(config.asterisk.ami ? status.ami : undefined)}`,
      ...geoLines(geo),
      ...clusterLines(live?.cluster, config.cluster.enabled, now, terminalText),
      ...storeLines(status.storeHealth, config.store.path),
      ...watchLines(status.watch),
      ...(status.asteriskLoss?.episodes ? [`Asterisk logger: DROPPED ${status.asteriskLoss.dropped || 'some'} log lines (${status.asteriskLoss.episodes} time${status.asteriskLoss.episodes === 1 ? '' : 's'}): failures in that gap were never written; keep the AMI source on`] : []),
    ].join('\n') + '\n');
  } finally {
    store.close();
  }
}

/** Which ports the kernel watches for senders, one per line, with where each came from. */
function watchLines(w: WatchPlan | null): string[] {
  if (w === null) return ['kernel watches:   unknown (is the daemon running?)'];
  const head = w.mode === 'all'
    ? [`kernel watches:   every port (${w.why})`]
    : ['kernel watches:', ...w.ports.map((p) => `  ${`${p.port}${p.proto ? `/${p.proto}` : ''}`.padEnd(10)} ${(p.service ?? '').padEnd(6)} ${p.from}`)];
  return [...head, ...w.notes.map((n) => `  note: ${n}`)];
}

function amiLine(ami: Record<string, unknown> | null | undefined): string {
  if (ami === undefined) return 'off (asterisk.ami not set)';
  if (ami === null) return 'configured; state unknown (is the daemon running?)';
  const since = typeof ami.since === 'number' ? ` since ${new Date(ami.since).toISOString()}` : '';
  const reason = typeof ami.reason === 'string' ? ` (${terminalText(ami.reason)})` : '';
  return `${String(ami.status)}${since}${reason}`;
}

/** What a person's ban from this command is checked against: `limits`, this SSH session's client, this host's SSH connections. */
export function cliBanRules(config: ReturnType<typeof loadConfig>['config'], env: NodeJS.ProcessEnv = process.env): ManualBanRules {
  return {
    widest: { ipv4: config.limits.widestIpv4Ban, ipv6: config.limits.widestIpv6Ban },
    sshPeer: (target) => {
      const session = sshSessionClient(env);
      if (session && connectedInside(target, [session])) return { ip: session, how: 'is the client of the SSH session this command runs in' };
      const sshd = readSshdConfig();
      const ip = connectedInside(target, establishedSsh(sshd.ports).map((c) => c.ip));
      return ip ? { ip, how: `has an established connection to this host's SSH port (${sshd.ports.join(', ')})` } : null;
    },
  };
}

export function banCommand(text: string, opts: { config?: string; for?: string; permanent?: boolean; reason: string; force?: boolean; json?: boolean }): void {
  const ip = address(text);
  if (opts.for && opts.permanent) throw new SipwardenError('USAGE', 'give either --for or --permanent, not both');
  let length: number | null = null;
  if (opts.for) {
    const r = readDuration(opts.for);
    if ('problem' in r) {
      const what = r.problem === 'too_long' ? `a duration of at most ${MAX_DURATION_TEXT} (longer: --permanent)` : 'a duration like 30m, 1h, 7d';
      throw new SipwardenError('USAGE', `--for expects ${what}, got ${JSON.stringify(opts.for)}`);
    }
    length = r.ms;
  }
  const { store, config } = openStore(opts.config);
  const now = Date.now();
  try {
    const zone = zoneOfTarget(compileZones(zoneInput(config, hostAddresses())), ip);
    const refusal = manualBanRefusal(ip, zone, cliBanRules(config), { force: opts.force === true, how: 'add --force' });
    if (refusal) throw new SipwardenError('NEVER_BAN', refusal);
    const ban = storeBans(store).ban({ ip, expiresAt: length === null ? null : now + length, reason: opts.reason, actor: ACTOR, at: now });
    const alive = daemonAlive(store, now);
    const protection = liveSettings(config, store).protection;
    const notes = [
      ...(zone === 'internal' ? [isNetwork(ip) ? 'it overlaps internal networks' : 'an internal address'] : []),
      ...(protection === 'off' ? ['protection is off: the ban is stored and reaches the firewall when protection is switched on'] : []),
      ...(alive ? [] : ['the daemon is not running; the ban is stored and enforced when sipwarden starts']),
    ];
    if (opts.json) {
      process.stdout.write(`${terminalJson({ ...ban, state: 'active', zone, protection, daemonRunning: alive, notes })}\n`);
      return;
    }
    const internal = zone === 'internal' ? ` (note: ${notes[0]})` : '';
    process.stdout.write(`banned ${ban.ip} ${iso(ban.expiresAt)}${internal}\n`);
    for (const n of notes.slice(zone === 'internal' ? 1 : 0)) process.stdout.write(`note: ${n}\n`);
  } finally {
    store.close();
  }
}

export function releaseCommand(text: string, opts: { config?: string; json?: boolean }): void {
  const ip = address(text);
  const { store } = openStore(opts.config);
  const now = Date.now();
  try {
    const released = storeBans(store).release({ ip, actor: ACTOR, at: now });
    if (!released) throw new SipwardenError('NOT_BANNED', `${ip} is not banned`);
    const alive = daemonAlive(store, now);
    const net = released.stillBlockedBy;
    if (opts.json) {
      process.stdout.write(`${terminalJson({ ...released.ban, state: 'released', stillBlockedBy: net?.ip ?? null, daemonRunning: alive })}\n`);
      return;
    }
    process.stdout.write(`released ${ip}${alive ? '' : ' (the daemon is not running; it will not be blocked at the next start)'}\n`);
    if (net) process.stdout.write(`note: ${ip} is still blocked: its network ${net.ip} is banned (${terminalJson(net.reason)}); release that with: sipwarden release ${net.ip}\n`);
  } finally {
    store.close();
  }
}
