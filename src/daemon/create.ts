/**
 * `createDaemon(deps)`: the composition root. Builds the daemon from its config and
 * the parts it is given (each has the real one as default) and owns their lifecycle —
 * the service orders start and stop, not the parts (the OpenTelemetry Collector's model).
 *
 * Start order; a step starts only once the one before it succeeded:
 *   1. store      opened (waiting while locked, a damaged one kept aside), or the given one
 *   2. engine     the config (stored dashboard settings of older versions moved into its file); bans and failures restored
 *   3. firewall   chosen, initialised, reconciled with the store's active bans
 *   4. pipeline   failed-auth log, pipeline (behind the protection gate: protection.ts), port
 *                 watch, manual changes, the toll-fraud guard (fraud.ts: its suspensions
 *                 restored); sources built (no I/O)
 *   5. timers     one scheduler: control loop, heartbeat, PBX re-read, DNS, SSH clients, pruning
 *      cluster   in cluster mode (cluster/): joins the group's Redis streams in the background,
 *                 never waiting for Redis
 *   6. sources    log files and AMI followed — only now, so no event is judged before the
 *                 store's bans are in force in the engine and the kernel
 *   7. dashboard  the API server; failing to listen is said, and protection goes on
 * `stop()` stops what started in reverse: dashboard closed, sources drained, timers
 * cleared, the last rows stored with the final cursors, files closed, failed-auth log
 * closed, firewall closed with its bans kept, heartbeat cleared, store closed. A step that
 * throws stops the steps already started, then `start()` rejects with its error.
 *
 * The daemon owns what it is given: `stop()` closes an injected store and firewall too.
 */
import type { Logger } from 'pino';
import { FailureBus, SettingsControls, type LiveSettings } from '../api/index.js';
import { createCluster } from '../cluster/index.js';
import { createFeeds, feedsWanted } from '../feeds/index.js';
import type { Config } from '../config/index.js';
import type { ParsedEvent } from '../domain/events.js';
import type { IpAddress } from '../domain/ip.js';
import { Engine } from '../engine/index.js';
import { canTellSeen, selectEnforcer, type Enforcer, type PortSet } from '../enforcers/index.js';
import type { ZoneOf } from '../engine/zones.js';
import { formatAlert } from '../faillog/index.js';
import { FraudDecider } from '../fraud/index.js';
import type { Store } from '../store/index.js';
import { hostAddresses, policyInput, ruleInput, zoneInput } from './inputs.js';
import { openConfiguredLocator } from '../geo/open.js';
import { GeoSettingsControl, geoPolicyInput, withLiveGeo } from './geo-settings.js';
import { StopStack } from './lifecycle.js';
import { LogLoss } from './log-loss.js';
import { ManualChanges } from './manual.js';
import { Notifier } from './notify.js';
import { dashboardUrl, SourceWatch } from '../alerts/index.js';
import { pbxFromFiles, pbxSync, planFor, sayWatch, type PbxReader } from './pbx.js';
import { daemonStoreWriter, openDaemonFailedAuthLog, openDaemonStore, Persistence } from './persistence.js';
import { Pipeline } from './pipeline.js';
import { restoreEngine } from './restore.js';
import { FraudRunner } from './fraud.js';
import { fraudControls } from './fraud-controls.js';
import { LoopDelayMonitor } from './loop-delay.js';
import { MemorySettler } from './memory.js';
import { Scheduler } from './scheduler.js';
import { asteriskSources, type SourceDeps, type Sources } from './sources.js';
import { TrustedNames } from './trusted-names.js';
import { portSetOf } from './watch.js';
import { gatedSeen, protectionGate } from './protection.js';
import { readSshdConfig, SshClients } from './ssh.js';
import { liveSettings, settingsApplier, startWeb, withSettings, type WebOptions } from './web.js';
import { migrateStoredSettings, saveSetting } from './settings-file.js';

/** Makes the firewall for the daemon (it then inits, reconciles and closes it). */
export type EnforcerFactory = (o: { config: Config; zoneOf: ZoneOf; ports: PortSet; log: Logger }) => Enforcer | Promise<Enforcer>;

export interface DaemonDeps {
  /** The config file's settings. */
  readonly config: Config;
  /**
   * The config file the dashboard's changes are written into (settings-file.ts; created if
   * missing); settings an older version kept in the store are moved into it at start.
   * Absent: changes are kept in the store (tests and a daemon without a file of its own).
   */
  readonly configFile?: string;
  readonly log: Logger;
  /** The clock, ms since the epoch: the only one the daemon reads. */
  readonly now: () => number;
  /** Resolves when a start still waiting for a locked store should give up (default: never). */
  readonly stopped?: Promise<unknown>;
  /** An open store (default: `config.store.path`, opened with the daemon's resilience). */
  readonly store?: Store;
  /** The firewall (default: `config.firewall.backend`, chosen by `selectEnforcer`). */
  readonly enforcer?: EnforcerFactory;
  /** The PBX's configuration: accounts and listening ports (default: read from `accounts.asterisk_config`). */
  readonly pbx?: PbxReader;
  /** The event sources (default: the log followers and AMI client of `config.asterisk`). */
  readonly sources?: (d: SourceDeps) => Sources;
  /** The host's own addresses, never banned (default: the network interfaces'). */
  readonly hostAddresses?: readonly IpAddress[];
  /** The dashboard: false for none (default: on `config.web.listen`). */
  readonly web?: WebOptions | false;
  /** The clients of this host's SSH, never banned (default: sshd's ports from its config, connections from /proc/net/tcp). */
  readonly ssh?: SshClients;
}

/** A daemon; see the module comment for its lifecycle. */
export interface Daemon {
  /** Starts every part in order; resolves once running (or, told to stop while waiting for its store, without starting). Once only. */
  start(): Promise<void>;
  /** Stops what started, in reverse order; bans stay in the kernel. Idempotent; waits for a start in progress first. */
  stop(): Promise<void>;
  /** Whether start() completed and stop() has not begun. */
  readonly running: boolean;
  /** SIGHUP: reopens the failed-auth log and re-reads the PBX's accounts and ports. */
  reopen(): void;
  /** Takes one event as the sources give it (port watch, Asterisk's log loss, pipeline). */
  handle(ev: ParsedEvent): void;
  // The parts, once start() resolved (they throw before): for tests and the browser harness.
  readonly store: Store;
  readonly engine: Engine;
  readonly enforcer: Enforcer;
  readonly pipeline: Pipeline;
  readonly controls: SettingsControls;
  /** Manual bans and releases, put into force at once (what the dashboard calls). */
  readonly bans: ManualChanges;
  /** The toll-fraud guard, live (hang-ups, suspensions, allow-calls). */
  readonly fraud: FraudRunner;
  /** Where the dashboard listens (null: none). */
  readonly url: string | null;
}

type Parts = Pick<Daemon, 'store' | 'engine' | 'enforcer' | 'pipeline' | 'controls' | 'bans' | 'fraud' | 'url' | 'reopen' | 'handle'>;

const NEVER = new Promise<never>(() => undefined);

const selectFirewall: EnforcerFactory = ({ config, zoneOf, ports, log }) =>
  // Senders to every port the PBX listens on are remembered in the kernel ("seen"); under scope sip, only those ports are dropped.
  selectEnforcer(config.firewall.backend, { zoneOf, scope: config.firewall.scope, ports, seenPorts: ports }, log);

/** Builds a daemon from `deps`; nothing is opened before `start()`. */
export function createDaemon(deps: DaemonDeps): Daemon {
  const stops = new StopStack(deps.log);
  let parts: Parts | null = null;
  let starting: Promise<void> | null = null;
  let stopping: Promise<void> | null = null;
  const part = <K extends keyof Parts>(k: K): Parts[K] => {
    if (!parts) throw new Error(`the daemon's ${k} exists once start() resolved`);
    return parts[k];
  };
  return {
    start() {
      if (starting) return Promise.reject(new Error('a daemon starts once'));
      starting = startParts(deps, stops).then((p) => {
        parts = p;
      }, async (e: unknown) => {
        await stops.unwind();
        throw e;
      });
      return starting;
    },
    stop() {
      stopping ??= (async () => {
        await starting?.catch(() => undefined);
        const wasRunning = parts !== null && stops.names().length > 0;
        if (wasRunning) deps.log.info({}, 'sipwarden stopping');
        await stops.unwind();
        if (wasRunning) deps.log.info({}, 'sipwarden stopped; bans stay in force');
      })();
      return stopping;
    },
    get running() {
      return parts !== null && stopping === null;
    },
    reopen: () => part('reopen')(),
    handle: (ev) => part('handle')(ev),
    get store() { return part('store'); },
    get engine() { return part('engine'); },
    get enforcer() { return part('enforcer'); },
    get pipeline() { return part('pipeline'); },
    get controls() { return part('controls'); },
    get bans() { return part('bans'); },
    get fraud() { return part('fraud'); },
    get url() { return part('url'); },
  };
}

/** Steps 1–7 of the module comment; null if told to stop while waiting for the store. */
async function startParts(deps: DaemonDeps, stops: StopStack): Promise<Parts | null> {
  const { config: fileConfig, log, now } = deps;
  // 1. The store. A broken one never stops the daemon (persistence.ts): it waits for a locked or full one, keeps a damaged one aside.
  const alerts = new Notifier({ settings: fileConfig.alerts, dashboard: dashboardUrl(fileConfig.web), log, now }); // one notifier: its de-duplication and digest see every alert
  stops.push('alerts', () => alerts.stop()); // what a flood held back goes out as its digest
  const persistence = new Persistence({ storePath: fileConfig.store.path, logPath: fileConfig.failedAuthLog.path, log, notify: (a, t, key) => alerts.send(a, t, key) });
  const store = deps.store ?? await openDaemonStore(fileConfig, persistence, { now, log, stopped: deps.stopped ?? NEVER });
  if (!store) return null;
  if (deps.store) persistence.useStore(store, fileConfig, now);
  stops.push('store', () => {
    persistence.guard(now(), () => store.setMeta('heartbeat', '0'));
    store.close();
  });

  // 2. The engine, with the settings in force (older versions' stored dashboard settings moved into the file first).
  const settings = deps.configFile ? migrateStoredSettings(deps.configFile, fileConfig, store, log, now()) : liveSettings(fileConfig, store);
  const current = { settings: () => settings };
  let geoInForce = fileConfig.geo; // the country policy, changed from the dashboard (daemon/geo-settings.ts): every later reading sees it
  const config = withLiveGeo(withSettings(fileConfig, settings), () => geoInForce);
  alerts.configure(config.alerts);
  const reader = deps.pbx ?? pbxFromFiles(config);
  const discovered = reader.accounts();
  const trustedNames = new TrustedNames(config.networks.trustedNames, { graceMs: 86_400_000, now, log });
  if (config.networks.trustedNames.length) {
    await trustedNames.refresh();
    log.info({ names: trustedNames.snapshot() }, 'trusted host names resolved');
  }
  const host = deps.hostAddresses ?? hostAddresses();
  // Whoever is logged in over SSH is never banned: a ban would cut the session the owner works from.
  const ssh = deps.ssh ?? new SshClients({ sshd: readSshdConfig() });
  ssh.refresh(now());
  const engine = new Engine(policyInput(config), zoneInput(config, host, trustedNames, ssh), ruleInput(config, discovered));
  // Where addresses are (geo/): the country policy decides with it; log lines, alerts and the dashboard show it.
  const geo = await openConfiguredLocator(config.geo, log);
  if (geo) engine.locate(geo.country);
  // The countries each account used (new_country alerts) survive a restart: kept in the store's meta at stop.
  engine.restoreAccountCountries(parseJson(store.getMeta(ACCOUNT_COUNTRIES)));
  stops.push('account countries', () => persistence.guard(now(), () => store.setMeta(ACCOUNT_COUNTRIES, JSON.stringify(engine.accountCountries()))));
  if (discovered) {
    const n = [...discovered.values()];
    log.info({ extensions: n.filter((c) => c.cls === 'extension').length, trunks: n.filter((c) => c.cls === 'trunk').length, dir: config.accounts.asteriskConfigDir }, 'accounts read from the PBX configuration');
  }
  const changesFrom = store.latestChangeId(); // a CLI change written from here on is applied by the control loop
  const restored = restoreEngine(store, engine, config, now());
  log.info(restored, 'restored bans and counters from the store');

  // 3. The firewall, reconciled with the store before anything is followed.
  const discovery = reader.ports();
  const firstPlan = planFor(config, discovery);
  sayWatch(firstPlan, log);
  const enforcer = await (deps.enforcer ?? selectFirewall)({ config, zoneOf: engine.zoneOf, ports: portSetOf(firstPlan), log });
  await enforcer.init();
  stops.push('firewall', () => enforcer.close({ keepBans: true }));
  const inForce = config.protection === 'on' ? store.activeBans(now()).map((b) => ({ ip: b.ip, until: b.expiresAt })) : [];
  // After a damaged store was reset without reading the kernel's sets back: add to them, never wipe them.
  if (persistence.reset?.keepKernel) await enforcer.apply(inForce.map((b) => ({ op: 'ban' as const, ...b })), now());
  else await enforcer.reconcile(inForce, now());
  if (config.protection === 'off') log.warn({}, 'protection is OFF: attacks are detected and logged, nothing is blocked');

  // 4. The pipeline and what feeds it.
  const faillog = openDaemonFailedAuthLog(config, store, persistence, { now, log });
  stops.push('failed-auth log', () => faillog.close());
  const pbx = pbxSync({
    fileConfig: withLiveGeo(fileConfig, () => geoInForce), config, store, engine, enforcer, reader, first: { plan: firstPlan, discovery }, log, settings: () => current.settings(),
    unwatched: (service, sentence) => {
      const alert = { at: now(), kind: 'unwatched_port' as const, ip: '-', account: '', service, message: sentence };
      log.warn({ service }, sentence);
      faillog.write(formatAlert(alert));
      alerts.send(alert, now(), `unwatched_port|${service}`);
    },
  });
  const seen = config.firewall.requireSeen && canTellSeen(enforcer) ? enforcer : null;
  if (config.firewall.requireSeen && !seen && enforcer.name !== 'dry-run') log.warn({ backend: enforcer.name }, 'firewall.require_seen is on but this backend cannot tell which addresses sent packets; bans are not checked against the kernel');
  const bus = new FailureBus();
  let sources: Sources | null = null;
  const windowMs = Math.max(...[...config.policy.tiers, ...config.trust.knownTiers].map((t) => t.within));
  const cluster = config.cluster.enabled ? createCluster({ config: config.cluster, windowMs, store, engine, log, now, guard: (fn) => persistence.guard(now(), fn) }) : null;
  // protection: off keeps every ban out of the kernel, a person's too (protection.ts); switching it on restores them.
  const protectionOn = () => engine.policy.protectionOn;
  // Failure rows are committed on a second thread (store/writer-thread.ts) when the daemon opened the store's file itself.
  const writer = deps.store ? null : daemonStoreWriter(fileConfig);
  if (writer) stops.push('store writer', () => writer.close());
  const pipeline = new Pipeline({
    engine, store, writer, enforcer: protectionGate(enforcer, protectionOn), faillog, log, now, cursors: () => sources?.cursors() ?? [], notifier: alerts,
    seen: gatedSeen(seen, protectionOn),
    startedAt: now(), onStored: (rows) => bus.publish(rows), storeFaults: persistence.storeFaults, cluster, geo: geo?.where,
  });
  persistence.watch(pipeline, faillog);
  // Asterisk's own reports that its logger dropped messages: one alert per episode.
  const logLoss = new LogLoss((a) => {
    const alert = { kind: 'asterisk_dropped_lines' as const, at: a.at, ip: '-', account: '', service: 'logger', message: a.message };
    faillog.write(formatAlert(alert));
    log.warn({ source: a.source, line: a.line }, a.message);
    alerts.send(alert, now());
  });
  /** Every event goes through here: the port watch looks at it first (a failure of an unwatched service widens the watch). */
  const handle = (ev: ParsedEvent) => {
    if (ev.kind === 'log_dropped') return logLoss.report(ev);
    pbx.portWatch.observe(ev);
    pipeline.handle(ev);
  };
  const manual = new ManualChanges({ store, engine, pipeline, log, now }, changesFrom);
  // The toll-fraud guard: judges the AMI's call events in its frame handler and acts through the AMI client (fraud.ts).
  const fraudDecider = new FraudDecider(engine, config.fraud, { startedAt: now(), askAddress: true });
  const fraud = new FraudRunner({
    decider: fraudDecider, pipeline, store, log, now,
    ami: () => sources?.amiClient?.() ?? null,
  });
  stops.push('toll fraud', () => fraud.flush()); // its last audit records and suspensions, before the store closes
  const fraudRestored = persistence.guard(now(), () => fraud.restore());
  if (fraudRestored?.suspended) log.warn(fraudRestored, 'toll fraud: accounts still suspended (sipwarden allow-calls ACCOUNT lets one call out again)');
  const calls = config.fraud.enabled ? { calls: fraud } : {};
  // The AMI lost and back, a followed log missing or stale: said once per episode (alerts/watch.ts).
  const watch = new SourceWatch({ staleMs: config.alerts.staleLog, alert: (a, key) => {
    log.warn({ alert: a.kind }, a.message);
    faillog.write(formatAlert(a));
    alerts.send(a, now(), key);
  } });
  const src = (deps.sources ?? asteriskSources)({ config, store, faillog, log, now, handle, ...calls, onAmiState: (st, source) => watch.ami(st, source, now()) });
  sources = src;
  stops.push('log files', () => src.close());
  stops.push('pipeline', async () => {
    await pipeline.settle(); // the batch the store writer thread is committing, if any
    pipeline.flush(true); // stores the last rows with the final cursors
    const left = pipeline.backlog();
    if (left.rows || left.bans) log.error({ failures: left.rows, bans: left.bans }, 'stopping with failures and bans the store did not take; the firewall keeps the bans, and the Asterisk logs are read again from the last stored position at the next start');
  });

  // 5. The timers: one scheduler, cleared at stop.
  persistence.guard(now(), () => {
    store.setMeta('pid', String(process.pid));
    store.setMeta('started_at', String(now()));
  });
  const timers = new Scheduler(log);
  stops.push('timers', () => timers.stop());
  timers.every(250, 'control loop', () => { // CLI bans and releases within 250 ms; batched rows written
    persistence.guard(now(), () => manual.poll());
    fraud.pollAllows();
    pipeline.flush();
  });
  timers.every(1000, 'toll fraud', () => fraud.tick()); // minutes caps; AstDB changes the AMI has not taken yet
  if (persistence.guard(now(), () => feedsWanted(config, store, now()))) { // blocklists (feeds/): each on its own schedule, its bans through the store, engine and runner
    const feeds = createFeeds({ config, store, engine, pipeline, log, now, guard: (fn) => persistence.guard(now(), fn) });
    stops.push('feeds', () => feeds.stop());
    timers.every(1000, 'feeds', () => feeds.tick());
  }
  timers.every(1000, 'heartbeat', () => void persistence.guard(now(), () => {
    store.setMeta('heartbeat', String(now()));
    store.setMeta('stats', JSON.stringify({ ...pipeline.stats, followers: src.followers(), ami: src.ami(), backend: enforcer.name, watch: pbx.portWatch.current(), asteriskLoss: logLoss.health(), store: persistence.health(), cluster: cluster?.health() ?? null }));
  }));
  timers.every(10_000, 'sources watch', () => {
    const ami = src.ami();
    watch.tick(src.followers(), ami && config.asterisk.ami ? { state: ami, source: `ami:${config.asterisk.ami.host}:${config.asterisk.ami.port}` } : null, now());
  });
  // After a burst, once quiet: the burst's garbage given back (memory.ts).
  const memory = new MemorySettler({
    activity: () => { const s = pipeline.stats; return s.events + s.bans; },
    settled: (before, after, ms) => log.info({ rssMbBefore: Math.round(before / 1048576), rssMbAfter: Math.round(after / 1048576), ms: Math.round(ms) }, 'memory of a burst given back'),
  });
  timers.every(1000, 'memory', () => void memory.tick());
  // How long the event loop was held up, for /metrics (loop-delay.ts).
  const loopDelay = new LoopDelayMonitor();
  stops.push('event-loop delay monitor', () => loopDelay.stop());
  timers.every(60_000, 'event-loop delay window', () => loopDelay.roll());
  timers.every(60_000, 'PBX configuration re-read', () => pbx.reread()); // its accounts and ports change when the admin edits them
  if (config.networks.trustedNames.length) timers.every(300_000, 'trusted names', () => trustedNames.refresh());
  timers.every(5000, 'SSH clients', () => ssh.refresh(now()));
  timers.every(3_600_000, 'pruning', () => {
    engine.prune(now());
    persistence.guard(now(), () => store.pruneFailures(now() - config.store.retention));
  });
  persistence.guard(now(), () => store.setMeta('heartbeat', String(now())));

  if (cluster) { // other PBXs' failures and bans are one more input from here on
    cluster.start(pipeline);
    stops.push('cluster', () => cluster.stop());
    timers.every(250, 'cluster', () => cluster.tick());
  }

  // 6. The sources.
  src.start();
  stops.push('sources', () => src.drain());

  // 7. The dashboard.
  const file = deps.configFile;
  const save = file ? (next: LiveSettings, changed: keyof LiveSettings) => void saveSetting(file, next, changed) : undefined;
  const applySettings = settingsApplier({ config, store, engine, enforcer, host, dynamicTrusted: trustedNames, ssh, log, now, discovered: () => reader.accounts(), ...(save ? { save } : {}) });
  const controls = new SettingsControls(settings, async (next, changed, actor) => {
    await applySettings(next, changed, actor);
    if (changed === 'alerts') alerts.configure(next.alerts); // the channels and kinds saved are the ones used from now on
  });
  current.settings = () => controls.current;
  const web = deps.web === false ? null : await startWeb({
    config, store, engine, enforcer, pipeline, controls, bans: manual, handle, bus, log, now, ssh, sources: () => src.health(), loopDelay: () => loopDelay.read(),
    watch: () => pbx.portWatch.current(), logLoss: () => logLoss.health(), persistence: () => persistence.health(),
    fraud: fraudControls(config.fraud, fraudDecider.guard, fraud, { file, decider: fraudDecider, log }), cluster: () => cluster?.health() ?? null, geo,
    testAlert: (s, actor) => alerts.test(s, actor),
    geoSettings: new GeoSettingsControl(fileConfig.geo, {
      file, database: geo?.databases.country ?? null, log, apply: (g) => { geoInForce = g; engine.setGeo(geoPolicyInput(g)); },
    }),
  }, deps.web).catch((e: Error) => {
    log.error({ err: e.message }, 'cannot start the dashboard; protection goes on without it');
    return null;
  });
  if (web) stops.push('dashboard', () => web.close());
  log.info({ backend: enforcer.name, protection: config.protection, bans: restored.bans }, 'sipwarden running');

  const reopen = () => {
    faillog.reopen();
    pbx.reread();
  };
  return { store, engine, enforcer, pipeline, controls, bans: manual, fraud, url: web?.url ?? null, reopen, handle };
}

/** The store's meta key of the countries each account logged in from (engine/geo-policy.ts). */
const ACCOUNT_COUNTRIES = 'geo_account_countries';

/** JSON text read back from the store, or null when there is none or it is damaged. */
function parseJson(text: string | null): unknown {
  try {
    return text === null ? null : JSON.parse(text);
  } catch {
    return null;
  }
}
