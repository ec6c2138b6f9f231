/**
 * Wires the HTTP API and dashboard into the daemon: live settings (protection, tiers,
 * networks, subnet escalation, roaming accounts) applied to the engine and the firewall
 * without a restart and saved by the daemon's `save` (the config file: settings-file.ts),
 * health and metrics from the running sources, failed dashboard logins fed to the engine
 * as `HTTP` security events.
 */
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import {
  ensureAdminPassword, openReadModel, startApiServer,
  type AmiHealth, type FailureBus, type ApplySettings, type Controls, type LiveSettings, type ReadModel, type SourceHealth, type StoreHealth,
} from '../api/index.js';
import type { ApiDeps, BanActions } from '../api/deps.js';
import type { FraudControls } from '../api/routes-calls.js';
import type { ClusterHealth } from '../cluster/index.js';
import { DEFAULT_WEB_ROOT } from '../api/server.js';
import type { Config, ListenAddress } from '../config/index.js';
import { parseIp } from '../domain/ip.js';
import type { Engine } from '../engine/index.js';
import type { Enforcer } from '../enforcers/index.js';
import type { Store } from '../store/index.js';
import type { Classified } from '../engine/index.js';
import { policyInput, ruleInput, zoneInput } from './inputs.js';
import type { Locator } from '../geo/index.js';
import type { Pipeline } from './pipeline.js';
import type { WatchPlan } from './watch.js';
import type { LogLossHealth } from './log-loss.js';
import type { SecurityEvent } from '../domain/events.js';
import { recountSubnets } from './restore.js';
import type { SshClients } from './ssh.js';
import type { LoopDelay } from './loop-delay.js';

export const SETTINGS_META_KEY = 'settings';

/** The live settings as the config file alone gives them. */
export function fileSettings(config: Config): LiveSettings {
  return {
    protection: config.protection,
    tiers: config.policy.tiers,
    networks: { internal: config.networks.internal, trusted: config.networks.trusted, trustedNames: config.networks.trustedNames },
    subnets: config.policy.subnets,
    accounts: { roaming: config.accounts.roaming, extensionsInternalOnly: config.accounts.extensionsInternalOnly },
    alerts: config.alerts,
  };
}

/**
 * The settings in force: the config file's, overridden by what the dashboard stored.
 * A stored object from before a setting existed lacks its key: the file's value stands.
 */
export function liveSettings(config: Config, store: Store): LiveSettings {
  const base = fileSettings(config);
  const saved = store.getMeta(SETTINGS_META_KEY);
  if (!saved) return base;
  try {
    return { ...base, ...(JSON.parse(saved) as Partial<LiveSettings>) };
  } catch {
    return base;
  }
}

/** The config with the live settings applied. */
export function withSettings(config: Config, s: LiveSettings): Config {
  return {
    ...config,
    protection: s.protection,
    policy: { ...config.policy, tiers: s.tiers, subnets: s.subnets },
    networks: { ...config.networks, internal: s.networks.internal, trusted: s.networks.trusted, trustedNames: s.networks.trustedNames },
    accounts: { ...config.accounts, roaming: s.accounts.roaming, extensionsInternalOnly: s.accounts.extensionsInternalOnly },
    alerts: s.alerts,
  };
}

export interface WebDeps {
  readonly config: Config;
  readonly store: Store;
  readonly engine: Engine;
  readonly enforcer: Enforcer;
  readonly pipeline: Pipeline;
  /** The live settings (made by the daemon with {@link settingsApplier}). */
  readonly controls: Controls;
  /** Manual bans and releases, put into force by the daemon at once. */
  readonly bans: BanActions;
  /** Where a dashboard login failure goes (the daemon passes it through its port watch). */
  readonly handle: (ev: SecurityEvent) => void;
  /** The Asterisk sources' health, for the overview. */
  readonly sources: () => { sources: readonly SourceHealth[]; ami: AmiHealth | null };
  /** How long the event loop was held up lately (daemon/loop-delay.ts), for /metrics; absent: not reported. */
  readonly loopDelay?: () => LoopDelay;
  /** The ports the kernel watches, for the overview. */
  readonly watch: () => WatchPlan;
  /** The store's and the failed-auth log's live health (read here, not from the store, which may be what fails). */
  readonly persistence: () => StoreHealth;
  /** What Asterisk's logger reported as dropped (LogLoss), for the overview. */
  readonly logLoss: () => LogLossHealth;
  readonly bus: FailureBus;
  readonly log: Logger;
  readonly now: () => number;
  /** The clients of this host's SSH: the dashboard may not ban them. */
  readonly ssh?: SshClients;
  /** Where addresses are (geo/): countries and networks on bans, failures and the overview; null or absent: geo off. */
  readonly geo?: Locator | null;
  /** The toll-fraud guard, for the Calls page. */
  readonly fraud?: FraudControls;
  /** The cluster part's health, in cluster mode. */
  readonly cluster?: () => ClusterHealth | null;
  /** Sends a test alert through the given alert settings' channels (the daemon's notifier: its host name and links). */
  readonly testAlert?: ApiDeps['testAlert'];
  /** The country policy the settings page edits (daemon/geo-settings.ts). */
  readonly geoSettings?: ApiDeps['geoSettings'];
}

/** How the dashboard is served; every field has the daemon's default. */
export interface WebOptions {
  /** Where to listen (default `config.web.listen`; tests listen on port 0). */
  readonly listen?: ListenAddress;
  /** How long the overview's statistics are reused, ms (default 2000). */
  readonly statsMemoMs?: number;
  /** Failed dashboard logins are not fed to the engine (for tests whose counts must not include their own wrong passwords). */
  readonly ignoreLoginFailures?: boolean;
}

/** A running dashboard: its address; close it on stop. */
export interface RunningWeb {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The apply hook of the live settings: saves the change first (`save`, default: the
 * whole settings in the store; the daemon with a config file writes it there, and a
 * throw leaves everything as it was), then puts it into force in the engine (and for
 * protection, the firewall) at once.
 */
export function settingsApplier(d: Pick<WebDeps, 'config' | 'store' | 'engine' | 'enforcer' | 'log' | 'now'> & {
  /** The host's own addresses, the resolved trusted names and the SSH clients, for the engine's zones when the networks change. */
  readonly host: Parameters<typeof zoneInput>[1];
  readonly dynamicTrusted: Parameters<typeof zoneInput>[2];
  readonly ssh?: Parameters<typeof zoneInput>[3];
  /** The accounts read from the PBX's configuration, for the engine's rules when the roaming accounts change. */
  readonly discovered?: () => ReadonlyMap<string, Classified> | undefined;
  /** Keeps a change (the config file); throws to refuse it. Default: the store. */
  readonly save?: (next: LiveSettings, changed: keyof LiveSettings) => void;
}): ApplySettings {
  const { config, store, engine, enforcer, log, now } = d;
  const save = d.save ?? ((next: LiveSettings) => store.setMeta(SETTINGS_META_KEY, JSON.stringify(next)));
  return async (next, changed, actor) => {
    save(next, changed);
    const cfg = withSettings(config, next);
    engine.policy.setPolicy(policyInput(cfg));
    if (changed === 'accounts') engine.setRules(ruleInput(cfg, d.discovered?.()));
    if (changed === 'networks') engine.setZones(zoneInput(cfg, d.host, d.dynamicTrusted, d.ssh));
    if (changed === 'subnets') recountSubnets(store, engine, cfg.policy.subnets, now());
    if (changed === 'protection') {
      // The big switch: off lifts every ban from the firewall (they stay in the store), on restores them.
      const bans = next.protection === 'on' ? store.activeBans(now()).map((b) => ({ ip: b.ip, until: b.expiresAt })) : [];
      await enforcer.reconcile(bans, now());
    }
    log.warn({ setting: changed, actor }, 'setting changed from the dashboard');
  };
}

/** Starts the API server; returns a handle to close it, or null if it could not listen (protection goes on without it). */
export async function startWeb(d: WebDeps, o: WebOptions = {}): Promise<RunningWeb | null> {
  const { config, store, engine, enforcer, log, now } = d;
  const listen = o.listen ?? config.web.listen;
  const readModel = readModelOrStandIn(config.store.path, o.statsMemoMs, log, d.geo?.where);
  const password = await ensureAdminPassword(store);
  if (password) {
    // Its own line, the password in the words (a person reads it in `journalctl -u sipwarden`); the field is for JSON readers.
    log.warn({ password }, `dashboard password generated for user admin: ${password} (shown once; set your own with: sipwarden passwd)`);
  }
  try {
    const app = await startApiServer({
      store,
      now,
      controls: d.controls,
      ...(d.testAlert ? { testAlert: d.testAlert } : {}),
      bans: d.bans,
      zoneOf: engine.zoneOf,
      manualBans: {
        widest: { ipv4: config.limits.widestIpv4Ban, ipv6: config.limits.widestIpv6Ban },
        sshPeer: (target) => {
          const ip = d.ssh?.connectedTo(target) ?? null;
          return ip ? { ip, how: `has an established connection to this host's SSH port (${d.ssh?.ports.join(', ')})` } : null;
        },
      },
      health: () => ({
        ...d.sources(),
        firewall: { backend: enforcer.name, watch: d.watch() },
        store: d.persistence(),
        asteriskLoss: d.logLoss(),
      }),
      metrics: () => ({
        events_parsed_total: d.pipeline.stats.events,
        attempts_total: d.pipeline.stats.attempts,
        duplicates_total: d.pipeline.stats.duplicates,
        injections_total: d.pipeline.stats.injections,
        bans_total: d.pipeline.stats.bans,
        not_seen_total: d.pipeline.stats.notSeen,
        enforcer_errors_total: d.pipeline.stats.enforcerErrors,
        enforcer_latency_seconds: d.pipeline.stats.enforcerLatencyMs / 1000,
        ...(d.loopDelay ? loopDelayMetrics(d.loopDelay()) : {}),
      }),
      stats: (t) => readModel.stats(t),
      searchBans: readModel.searchBans,
      ...(d.fraud ? { fraud: d.fraud } : {}),
      ...(d.cluster ? { cluster: d.cluster } : {}),
      onFailure: d.bus.subscribe,
      ...(d.geo ? { where: d.geo.where } : {}),
      ...(d.geoSettings ? { geoSettings: d.geoSettings } : {}),
      onLoginFailure: (ipText, username, at) => {
        const ip = parseIp(ipText);
        if (!ip || o.ignoreLoginFailures) return;
        d.handle({
          kind: 'auth_failed', at, service: 'HTTP', ip, port: null, account: username, session: null,
          signature: 'http-login-failed', decoys: [], reason: 'wrong_password', detail: 'dashboard login failed',
          evidence: { source: 'dashboard', line: 0, text: `failed dashboard login as ${JSON.stringify(username.slice(0, 64))}` },
        });
      },
    }, { listen, webRoot: DEFAULT_WEB_ROOT, exportToken: config.feedsExport.token, ...(config.web.tls ? { tls: config.web.tls } : {}) });
    readModel.warmUp(now).catch((e: Error) => log.error({ err: e.message }, 'cannot read the store for the dashboard\'s statistics'));
    const port = (app.server.address() as AddressInfo | null)?.port ?? listen.port;
    const url = `${config.web.tls ? 'https' : 'http'}://${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${port}/`;
    log.info({ url }, 'dashboard and API listening');
    return {
      url,
      close: async () => {
        await app.close();
        readModel.close();
      },
    };
  } catch (e) {
    readModel.close();
    log.error({ err: (e as Error).message, listen }, 'cannot start the dashboard (is the port in use? set web.listen); protection goes on without it');
    return null;
  }
}

/**
 * The dashboard's read-only view of the store; if the file cannot be opened (a full
 * disk cannot hold its -shm file), a stand-in whose statistics and search say why, so
 * the dashboard still starts and shows the daemon's health.
 */
function readModelOrStandIn(path: string, memoMs: number | undefined, log: Logger, where?: Locator['where']): ReadModel {
  try {
    return openReadModel(path, { ...(memoMs === undefined ? {} : { memoMs }), ...(where ? { where } : {}) });
  } catch (e) {
    log.error({ err: (e as Error).message }, 'cannot open the store for the dashboard\'s statistics; the dashboard starts without them');
    return {
      stats: () => Promise.reject(e),
      warmUp: () => Promise.resolve(),
      searchBans: () => {
        throw e;
      },
      close: () => undefined,
    };
  }
}

/** The event loop's delay as /metrics gauges, in seconds. */
function loopDelayMetrics(l: LoopDelay): Record<string, number> {
  return { event_loop_delay_max_seconds: l.maxMs / 1000, event_loop_delay_p99_seconds: l.p99Ms / 1000 };
}
