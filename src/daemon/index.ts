/**
 * The daemon: `createDaemon` (create.ts) is the composition root — the only place that
 * reads the clock, opens files, the store and the firewall, and wires sources → parsers
 * → engine → store/log/firewall; `runDaemon` runs it with the real parts.
 *
 * Start-up order matters: the store's active bans are restored into the engine and
 * the firewall (reconcile) BEFORE any source is followed, so a restart never leaves a
 * window in which a banned attacker gets through or a released address stays
 * blocked. Stop runs in the reverse order. Every part and its place in that order:
 * create.ts.
 */
import type { Logger } from 'pino';
import { DEFAULT_CONFIG_PATH, loadConfig, type LoadedConfig } from '../config/index.js';
import { createDaemon } from './create.js';

export { createDaemon, type Daemon, type DaemonDeps, type EnforcerFactory } from './create.js';

export interface DaemonOptions {
  readonly configPath?: string;
  /** The config already loaded (the CLI reads it first for log.format); else `configPath` is loaded. */
  readonly loaded?: LoadedConfig;
  readonly log: Logger;
  /** Resolves when the daemon should stop (signals are wired by the CLI). */
  readonly stopped: Promise<unknown>;
  /** Called on SIGHUP-like requests to reopen the failed-auth log. */
  readonly onReopen?: (reopen: () => void) => void;
}

/** Loads the config, starts the daemon with the real parts, runs until `stopped` resolves, stops it. */
export async function runDaemon(opts: DaemonOptions): Promise<void> {
  const { log } = opts;
  const { path: configPath, config } = opts.loaded ?? loadConfig(opts.configPath);
  log.info({ config: configPath ?? '(built-in defaults: no config file)' }, 'sipwarden starting');
  // The dashboard's changes go into the file read (or, with none, the default path, created then).
  const daemon = createDaemon({ config, configFile: configPath ?? DEFAULT_CONFIG_PATH, log, now: () => Date.now(), stopped: opts.stopped });
  opts.onReopen?.(() => {
    if (daemon.running) daemon.reopen();
  });
  try {
    await daemon.start();
    if (daemon.running) await opts.stopped;
  } finally {
    await daemon.stop();
  }
}
