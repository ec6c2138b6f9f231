/**
 * The composition root: the only place that reads the clock, opens files, the store
 * and the firewall, and wires sources → parsers → engine → store/log/firewall.
 *
 * Start-up order matters: the store's active bans are restored into the engine and
 * the firewall (reconcile) BEFORE any source is followed, so a restart never leaves a
 * window in which a banned attacker gets through or a released address stays
 * blocked.
 */
import fs from 'node:fs';
import type { Logger } from 'pino';
import { loadConfig, type Config } from '../config/index.js';
import { discoverAccounts } from '../asterisk/index.js';
import { describeWatch, detectAsterisk, formatFinding } from '../setup/index.js';
import { Engine } from '../engine/index.js';
import { canTellSeen, selectEnforcer, type Enforcer, type PortSet } from '../enforcers/index.js';
import { discoverPorts } from '../asterisk/index.js';
import { formatAlert } from '../faillog/index.js';
import { planWatch, portSetOf, PortWatch, type WatchPlan } from './watch.js';
import { newDateCache, parseAmiFrame, parseLine } from '../parsers/index.js';
import type { ParsedEvent } from '../domain/events.js';
import { LogLoss } from './log-loss.js';
import { AmiClient } from '../sources/ami/index.js';
import { Follower } from '../sources/follow.js';
import type { Cursor } from '../store/types.js';
import { hostAddresses, policyInput, ruleInput, zoneInput } from './inputs.js';
import { Notifier } from './notify.js';
import { openDaemonFailedAuthLog, openDaemonStore, Persistence } from './persistence.js';
import { liveSettings, startWeb, withSettings } from './web.js';
import { FailureBus } from '../api/index.js';
import { TrustedNames } from './trusted-names.js';
import { Pipeline } from './pipeline.js';
import { OversizeLines } from './oversize.js';
import { applyChanges, restoreEngine } from './restore.js';

export interface DaemonOptions {
  readonly configPath?: string;
  readonly log: Logger;
  /** Resolves when the daemon should stop (signals are wired by the CLI). */
  readonly stopped: Promise<unknown>;
  /** Called on SIGHUP-like requests to reopen the failed-auth log. */
  readonly onReopen?: (reopen: () => void) => void;
}

function chooseEnforcer(config: Config, engine: Engine, ports: PortSet, log: Logger): Promise<Enforcer> {
  // Senders to every port the PBX listens on are remembered in the kernel ("seen"); under scope sip, only those ports are dropped.
  return selectEnforcer(config.firewall.backend, { zoneOf: engine.zoneOf, scope: config.firewall.scope, ports, seenPorts: ports }, log);
}

/** Runs until `stopped` resolves. */
export async function runDaemon(opts: DaemonOptions): Promise<void> {
  const { log } = opts;
  const { path: configPath, config: fileConfig } = loadConfig(opts.configPath);
  log.info({ config: configPath ?? '(built-in defaults: no config file)' }, 'sipwarden starting');
  const now = () => Date.now();

  // A broken store never stops the daemon (persistence.ts): it waits for a locked or full one, keeps a damaged one aside.
  const alerts = new Notifier({ command: fileConfig.alerts.command, webhook: fileConfig.alerts.webhook, log });
  const persistence = new Persistence({ storePath: fileConfig.store.path, logPath: fileConfig.failedAuthLog.path, log, notify: (a, t, key) => alerts.send(a, t, key) });
  const store = await openDaemonStore(fileConfig, persistence, { now, log, stopped: opts.stopped });
  if (!store) return;
  // Settings changed in the dashboard are kept in the store and override the file's values.
  const settings = liveSettings(fileConfig, store);
  const config = withSettings(fileConfig, settings);
  const discover = () => (config.accounts.discover ? discoverAccounts({ configDir: config.accounts.asteriskConfigDir }).accounts : undefined);
  const discovered = discover();
  const trustedNames = new TrustedNames(config.networks.trustedNames, { graceMs: 86_400_000, now, log });
  if (config.networks.trustedNames.length) {
    await trustedNames.refresh();
    log.info({ names: trustedNames.snapshot() }, 'trusted host names resolved');
  }
  const host = hostAddresses();
  const engine = new Engine(policyInput(config), zoneInput(config, host, trustedNames), ruleInput(config, discovered));
  if (discovered) {
    const n = [...discovered.values()];
    log.info({ extensions: n.filter((c) => c.cls === 'extension').length, trunks: n.filter((c) => c.cls === 'trunk').length, dir: config.accounts.asteriskConfigDir }, 'accounts read from the PBX configuration');
  }
  const rediscover = () => {
    try {
      // With the settings in force now: the dashboard may have changed subnet escalation since the start.
      engine.setRules(ruleInput(withSettings(fileConfig, liveSettings(fileConfig, store)), discover()));
    } catch (e) {
      log.error({ err: (e as Error).message }, 'cannot re-read the PBX configuration; keeping the accounts known so far');
    }
  };
  // The ports the kernel watches: learned from the PBX's configuration, re-read with the accounts.
  const webPort = { port: config.web.listen.port, proto: 'tcp' as const, service: 'HTTP' as const, from: 'web.listen (the dashboard)' };
  const learnPorts = () => {
    const discovery = discoverPorts({ configDir: config.accounts.asteriskConfigDir });
    return { discovery, plan: planWatch(config.firewall.ports, discovery, webPort) };
  };
  const firstWatch = learnPorts();
  sayWatch(firstWatch.plan, log);

  const restored = restoreEngine(store, engine, config, now());
  log.info(restored, 'restored bans and counters from the store');

  const enforcer = await chooseEnforcer(config, engine, portSetOf(firstWatch.plan), log);
  await enforcer.init();
  const inForce = config.protection === 'on' ? store.activeBans(now()).map((b) => ({ ip: b.ip, until: b.expiresAt })) : [];
  // After a damaged store was reset without reading the kernel's sets back: add to them, never wipe them.
  if (persistence.reset?.keepKernel) await enforcer.apply(inForce.map((b) => ({ op: 'ban' as const, ...b })), now());
  else await enforcer.reconcile(inForce, now());
  if (config.protection === 'off') log.warn({}, 'protection is OFF: attacks are detected and logged, nothing is blocked');

  const faillog = openDaemonFailedAuthLog(config, store, persistence, { now, log });
  const watcher = canTellSeen(enforcer) ? enforcer : null;
  const portWatch = new PortWatch(firstWatch.plan, firstWatch.discovery, {
    apply: (ports) => (watcher ? watcher.watch(ports).catch((e: Error) => log.error({ err: e.message }, 'cannot change the ports the firewall watches')) : Promise.resolve()),
    unwatched: (service, sentence) => {
      const alert = { at: now(), kind: 'unwatched_port' as const, ip: '-', account: '', service, message: sentence };
      log.warn({ service }, sentence);
      faillog.write(formatAlert(alert));
      alerts.send(alert, now(), `unwatched_port|${service}`);
    },
  });
  const rewatch = () => {
    const next = learnPorts();
    const before = JSON.stringify(portWatch.current());
    void portWatch.update(next.plan, next.discovery).then(() => {
      if (JSON.stringify(portWatch.current()) !== before) sayWatch(portWatch.current(), log);
    });
  };
  opts.onReopen?.(() => {
    faillog.reopen();
    rediscover();
    rewatch();
  });
  const followers: Follower[] = [];
  const cursors = (): Cursor[] => followers.flatMap((f) => {
    const c = f.cursor();
    return c ? [{ source: f.file, ...c, updatedAt: now() }] : [];
  });
  const notifier = alerts; // one notifier: its de-duplication must see every alert
  const startedAt = now();
  const seen = config.firewall.requireSeen && canTellSeen(enforcer) ? enforcer : null;
  if (config.firewall.requireSeen && !seen && enforcer.name !== 'dry-run') log.warn({ backend: enforcer.name }, 'firewall.require_seen is on but this backend cannot tell which addresses sent packets; bans are not checked against the kernel');
  const bus = new FailureBus();
  const pipeline = new Pipeline({
    engine, store, enforcer, faillog, log, tiers: () => engine.policy.tiers(), now, cursors, notifier, seen, startedAt,
    onStored: (rows) => bus.publish(rows), storeFaults: persistence.storeFaults,
  });
  persistence.watch(pipeline, faillog);

  // Asterisk's own reports that its logger dropped messages: one alert per episode.
  const logLoss = new LogLoss((a) => {
    const alert = { kind: 'asterisk_dropped_lines' as const, at: a.at, ip: '-', account: '', service: 'logger', message: a.message };
    faillog.write(formatAlert(alert));
    log.warn({ source: a.source, line: a.line }, a.message);
    notifier.send(alert, now());
  });

  /** Every event goes through here: the port watch looks at it first (a failure of an unwatched service widens the watch). */
  const handle = (ev: ParsedEvent) => {
    if (ev.kind === 'log_dropped') return logLoss.report(ev);
    portWatch.observe(ev);
    pipeline.handle(ev);
  };

  // Sources: say exactly what is watched and what is missing, with the fix.
  try {
    const setup = detectAsterisk({});
    for (const f of describeWatch({ logs: config.asterisk.logs, ami: config.asterisk.ami }, setup)) {
      const line = formatFinding(f);
      if (f.level === 'ok') log.info({ finding: f.level }, line);
      else log.warn({ finding: f.level, fix: f.fix }, line);
    }
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'could not read the Asterisk configuration to check what is watched');
  }
  if (config.asterisk.logs.length === 0) {
    log.warn({}, 'no Asterisk log file found (looked for /var/log/asterisk/messages, full, security); set asterisk.logs in the config, or enable a security log channel in /etc/asterisk/logger.conf');
  }
  // Lines over the reader's limit: logged as OVERSIZE, and read from their start and end when that is safe.
  const oversize = new OversizeLines({ faillog, log, now, handle });
  for (const file of config.asterisk.logs) {
    const cache = newDateCache();
    const saved = store.getCursor(file);
    const f = new Follower(file, {
      startAt: config.asterisk.startAt,
      cursor: saved,
      onLine: (line, lineNo) => {
        const ev = parseLine(line, { source: file, line: lineNo, refTime: now(), cache, interest: config.policy.scan.enabled ? 'all' : 'auth', logLoss: true });
        if (ev) handle(ev);
      },
      onOversize: (long, lineNo) => oversize.handle(file, lineNo, long, (text) => parseLine(text, { source: file, line: lineNo, refTime: now(), cache, interest: config.policy.scan.enabled ? 'all' : 'auth' })),
      onNotice: (msg) => log.warn({ file }, msg),
      onError: (e) => log.error({ file, err: e.message }, 'error while following a log file'),
      now,
    });
    followers.push(f);
    log.info({ file, exists: fs.existsSync(file), resumeAt: saved ? saved.offset : config.asterisk.startAt }, 'watching log file');
  }
  let ami: AmiClient | null = null;
  if (config.asterisk.ami) {
    const a = config.asterisk.ami;
    const source = `ami:${a.host}:${a.port}`;
    ami = new AmiClient({
      host: a.host, port: a.port, username: a.username, secret: a.secret, tls: a.tls, caFile: a.ca, log,
      onFrame: (frame, n) => {
        const ev = parseAmiFrame(frame, { source, line: n, refTime: now(), interest: config.policy.scan.enabled ? 'all' : 'auth' }); // challenges: for scans
        if (ev) handle(ev);
      },
      onState: (st) => log.info({ source, status: st.status, reason: st.reason }, 'AMI connection'),
    });
    log.info({ source, user: a.username }, 'reading security events from the Asterisk Manager Interface');
  } else {
    log.info({}, 'AMI is off (asterisk.ami); reading log files only');
  }

  // Control loop: CLI changes (ban/release) within 250 ms, heartbeat, batching, pruning.
  let lastChange = store.latestChangeId();
  persistence.guard(now(), () => {
    store.setMeta('pid', String(process.pid));
    store.setMeta('started_at', String(now()));
  });
  const tick = setInterval(() => {
    try {
      lastChange = persistence.guard(now(), () => applyChanges(store, engine, pipeline, lastChange, now(), log)) ?? lastChange;
      pipeline.flush();
    } catch (e) {
      log.error({ err: (e as Error).message }, 'control loop error');
    }
  }, 250);
  const heartbeat = setInterval(() => persistence.guard(now(), () => {
    store.setMeta('heartbeat', String(now()));
    store.setMeta('stats', JSON.stringify({ ...pipeline.stats, followers: followers.map((f) => f.state()), ami: ami?.state() ?? null, backend: enforcer.name, watch: portWatch.current(), asteriskLoss: logLoss.health(), store: persistence.health() }));
  }), 1000);
  const minutely = setInterval(() => { rediscover(); rewatch(); }, 60_000); // the PBX's accounts and ports change when the admin edits them
  const dnsTimer = config.networks.trustedNames.length ? setInterval(() => void trustedNames.refresh(), 300_000) : null;
  const hourly = setInterval(() => {
    engine.prune(now());
    persistence.guard(now(), () => store.pruneFailures(now() - config.store.retention));
  }, 3_600_000);
  persistence.guard(now(), () => store.setMeta('heartbeat', String(now())));
  for (const f of followers) f.start();
  ami?.start();
  const web = await startWeb({ config, store, engine, enforcer, pipeline, handle, watch: () => portWatch.current(), logLoss: () => logLoss.health(), persistence: () => persistence.health(), bus, followers, ami, host, dynamicTrusted: trustedNames, log, now }, settings)
    .catch((e: Error) => (log.error({ err: e.message }, 'cannot start the dashboard; protection goes on without it'), null));
  log.info({ backend: enforcer.name, protection: config.protection, bans: restored.bans }, 'sipwarden running');

  await opts.stopped;

  log.info({}, 'sipwarden stopping');
  await web?.close();
  clearInterval(tick);
  clearInterval(heartbeat);
  clearInterval(hourly);
  clearInterval(minutely);
  if (dnsTimer) clearInterval(dnsTimer);
  await ami?.stop();
  for (const f of followers) f.poll();
  pipeline.flush(true); // stores the last rows with the final cursors
  const left = pipeline.backlog();
  if (left.rows || left.bans) log.error({ failures: left.rows, bans: left.bans }, 'stopping with failures and bans the store did not take; the firewall keeps the bans, and the Asterisk logs are read again from the last stored position at the next start');
  for (const f of followers) f.stop();
  await enforcer.close({ keepBans: true });
  await faillog.close();
  persistence.guard(now(), () => store.setMeta('heartbeat', '0'));
  store.close();
  log.info({}, 'sipwarden stopped; bans stay in force');
}

/** Says at start (and when it changes) which ports the kernel watches, and what was left out. */
function sayWatch(plan: WatchPlan, log: Logger): void {
  if (plan.mode === 'all') log.warn({ watch: 'all' }, `the kernel watches EVERY port for senders: ${plan.why}`);
  else log.info({ watch: plan.ports.map((p) => `${p.port}${p.proto ? `/${p.proto}` : ''} ${p.service ?? '?'} (${p.from})`) }, 'the kernel watches the ports the PBX listens on');
  for (const n of plan.notes) log.warn({}, n);
}
