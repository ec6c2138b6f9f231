/**
 * What the PBX's own configuration tells the daemon, and keeping it in step when the
 * admin edits it: the accounts (extension, trunk, …) go into the engine's rules, the
 * ports the PBX listens on into the kernel's watch. Read at start and again every
 * minute and on SIGHUP; a configuration that cannot be read keeps what was known.
 */
import type { Logger } from 'pino';
import { discoverAccounts, discoverPorts, type PortDiscovery } from '../asterisk/index.js';
import type { Config } from '../config/index.js';
import type { Classified, Engine } from '../engine/index.js';
import { canTellSeen, type Enforcer } from '../enforcers/index.js';
import type { Store } from '../store/index.js';
import type { LiveSettings } from '../api/index.js';
import { ruleInput } from './inputs.js';
import { planWatch, PortWatch, type WatchEffects, type WatchPlan } from './watch.js';
import { withSettings } from './web.js';

/** Reads the PBX's configuration. */
export interface PbxReader {
  /** The accounts by name (undefined: discovery is off). May throw: the caller keeps what it knew. */
  accounts(): ReadonlyMap<string, Classified> | undefined;
  /** The ports the PBX listens on, or why they cannot be known. */
  ports(): PortDiscovery;
}

/** The reader of `config.accounts.asteriskConfigDir` (accounts only with `accounts.discover`). */
export function pbxFromFiles(config: Config): PbxReader {
  const configDir = config.accounts.asteriskConfigDir;
  return {
    accounts: () => (config.accounts.discover ? discoverAccounts({ configDir }).accounts : undefined),
    ports: () => discoverPorts({ configDir }),
  };
}

/** The first plan of the kernel's watch: the PBX's ports, the dashboard's, or the `firewall.ports` override. */
export function planFor(config: Config, discovery: PortDiscovery): WatchPlan {
  const webPort = { port: config.web.listen.port, proto: 'tcp' as const, service: 'HTTP' as const, from: 'web.listen (the dashboard)' };
  return planWatch(config.firewall.ports, discovery, webPort);
}

/** Says at start (and when it changes) which ports the kernel watches, and what was left out. */
export function sayWatch(plan: WatchPlan, log: Logger): void {
  if (plan.mode === 'all') log.warn({ watch: 'all' }, `the kernel watches EVERY port for senders: ${plan.why}`);
  else log.info({ watch: plan.ports.map((p) => `${p.port}${p.proto ? `/${p.proto}` : ''} ${p.service ?? '?'} (${p.from})`) }, 'the kernel watches the ports the PBX listens on');
  for (const n of plan.notes) log.warn({}, n);
}

export interface PbxSyncDeps {
  /** The config file's as read at start (the settings in force go over it at each re-read). */
  readonly fileConfig: Config;
  /** The live settings in force now (the dashboard may have changed them since the start). */
  readonly settings: () => LiveSettings;
  readonly config: Config;
  readonly store: Store;
  readonly engine: Engine;
  readonly enforcer: Enforcer;
  readonly reader: PbxReader;
  readonly first: { readonly plan: WatchPlan; readonly discovery: PortDiscovery };
  readonly unwatched: WatchEffects['unwatched'];
  readonly log: Logger;
}

/** The port watch in force, and `reread()`: the accounts into the engine, the ports into the watch. */
export function pbxSync(d: PbxSyncDeps): { portWatch: PortWatch; reread(): void } {
  const { log } = d;
  const watcher = canTellSeen(d.enforcer) ? d.enforcer : null;
  const portWatch = new PortWatch(d.first.plan, d.first.discovery, {
    apply: (ports) => (watcher ? watcher.watch(ports).catch((e: Error) => log.error({ err: e.message }, 'cannot change the ports the firewall watches')) : Promise.resolve()),
    unwatched: d.unwatched,
  });
  const rediscover = () => {
    try {
      // With the settings in force now: the dashboard may have changed subnet escalation or roaming accounts since the start.
      d.engine.setRules(ruleInput(withSettings(d.fileConfig, d.settings()), d.reader.accounts()));
    } catch (e) {
      log.error({ err: (e as Error).message }, 'cannot re-read the PBX configuration; keeping the accounts known so far');
    }
  };
  const rewatch = () => {
    const discovery = d.reader.ports();
    const before = JSON.stringify(portWatch.current());
    void portWatch.update(planFor(d.config, discovery), discovery).then(() => {
      if (JSON.stringify(portWatch.current()) !== before) sayWatch(portWatch.current(), log);
    });
  };
  return {
    portWatch,
    reread() {
      rediscover();
      rewatch();
    },
  };
}
