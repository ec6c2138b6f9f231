/**
 * A small but real sipwarden for the browser tests: a real store in a temp dir, the
 * real engine (subnet escalation on, as by default), pipeline and dry-run firewall, the daemon's 250 ms change loop
 * (`applyChanges`: what turns a release in the store into a firewall call), and the
 * real API server with the built dashboard, listening on 127.0.0.1 only.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import {
  DEFAULT_WEB_ROOT, FailureBus, openReadModel, SettingsControls, setAdminPassword, startApiServer, type ReadModel,
} from '../../../src/api/index.js';
import { pino } from 'pino';
import { defaultConfig } from '../../../src/config/index.js';
import { policyInput, ruleInput, zoneInput } from '../../../src/daemon/inputs.js';
import { liveSettings, settingsApplier, withSettings } from '../../../src/daemon/web.js';
import { applyChanges } from '../../../src/daemon/restore.js';
import { planWatch } from '../../../src/daemon/watch.js';
import { Pipeline } from '../../../src/daemon/pipeline.js';
import { Engine } from '../../../src/engine/index.js';
import { DryRunEnforcer } from '../../../src/enforcers/index.js';
import { FailedAuthLog } from '../../../src/faillog/index.js';
import { newDateCache, parseLine } from '../../../src/parsers/index.js';
import { Store } from '../../../src/store/index.js';

export const PASSWORD = 'dashboard test password';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface Harness {
  readonly url: string;
  readonly store: Store;
  readonly enforcer: DryRunEnforcer;
  readonly controls: SettingsControls;
  readonly engine: Engine;
  /** Feeds Asterisk log lines through parser → engine → store → firewall, as the daemon does. */
  replay(lines: readonly string[], source: string): void;
  close(): Promise<void>;
}

/** Builds web/dist if it is missing (the CI runs scripts/setup, which builds it). */
export function ensureDashboardBuilt(): void {
  if (existsSync(join(DEFAULT_WEB_ROOT, 'index.html'))) return;
  execFileSync('npx', ['vite', 'build', 'web', '--logLevel', 'warn'], { stdio: 'inherit', timeout: 120_000 });
}

/** Starts the harness. */
export async function startHarness(): Promise<Harness> {
  ensureDashboardBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'sipwarden-web-'));
  const dbPath = join(dir, 'sipwarden.db');
  const store = Store.open(dbPath);
  await setAdminPassword(store, PASSWORD);
  const now = () => Date.now();
  // The daemon's own wiring: built-in defaults, the live settings over them, and its apply hook.
  const config = defaultConfig({ fileExists: () => false });
  const settings = liveSettings(config, store);
  const cfg = withSettings(config, settings);
  const engine = new Engine(policyInput(cfg), zoneInput(cfg), ruleInput(cfg));
  const enforcer = new DryRunEnforcer(engine.zoneOf, quiet);
  await enforcer.init();
  const faillog = new FailedAuthLog(join(dir, 'failed-auth.log'));
  const bus = new FailureBus();
  // As in the daemon: each committed batch goes to the live log.
  const pipeline = new Pipeline({ engine, store, enforcer, faillog, log: quiet, tiers: () => controls.policy(), now, cursors: () => [], onStored: (rows) => bus.publish(rows) });
  const controls = new SettingsControls(settings, settingsApplier({ config, store, engine, enforcer, host: [], dynamicTrusted: undefined, log: pino({ level: 'silent' }), now }));
  let lastChange = store.latestChangeId();
  const tick = setInterval(() => {
    lastChange = applyChanges(store, engine, pipeline, lastChange, now(), quiet);
    pipeline.flush();
  }, 250);
  const read: ReadModel = openReadModel(dbPath, { memoMs: 0 });
  // The ports a FreePBX 17 would give (what discoverPorts learns from its configuration), and the dashboard's.
  const WATCH = planWatch('auto', {
    ok: true, notes: [],
    ports: [
      { port: 5060, proto: 'udp', service: 'PJSIP', from: '/etc/asterisk/pjsip.transports.conf:4 bind = 0.0.0.0:5060' },
      { port: 5160, proto: 'udp', service: 'SIP', from: '/etc/asterisk/sip_general_additional.conf:2 bindport = 5160' },
    ],
  }, { port: 8472, proto: 'tcp', service: 'HTTP', from: 'web.listen (the dashboard)' });
  const app: FastifyInstance = await startApiServer({
    store, now, controls, zoneOf: controls.zoneOf,
    health: () => ({ sources: [{ path: '/var/log/asterisk/security', exists: true, offset: 4096, lines: 42, lagMs: 0 }], ami: null, firewall: { backend: enforcer.name, watch: WATCH }, asteriskLoss: { dropped: 4711, episodes: 1, lastAt: now(), source: '/var/log/asterisk/messages' } }),
    metrics: () => ({ events_parsed_total: pipeline.stats.events, attempts_total: pipeline.stats.attempts }),
    stats: (t) => read.stats(t),
    searchBans: read.searchBans,
    onFailure: bus.subscribe,
    onLoginFailure: () => undefined,
  }, { listen: { host: '127.0.0.1', port: 0 }, webRoot: DEFAULT_WEB_ROOT });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store, enforcer, controls, engine,
    replay(lines, source) {
      const cache = newDateCache();
      lines.forEach((line, i) => {
        const ev = parseLine(line, { source, line: i + 1, refTime: now(), cache, interest: 'auth' });
        if (ev) pipeline.handle(ev);
      });
      pipeline.flush();
    },
    async close() {
      clearInterval(tick);
      await app.close();
      read.close();
      await faillog.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

/**
 * One Asterisk 20 security-log line (the format of ../shared/fixtures/asterisk-20/security.log)
 * for a failed PJSIP registration of `account` from `ip` at `at`. Local time is UTC in the tests.
 */
export function securityLine(at: number, ip: string, account: string, event: 'InvalidPassword' | 'InvalidAccountID', session: number): string {
  const d = new Date(at);
  const stamp = `${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  const tv = `${d.toISOString().slice(0, 23)}+0000`;
  const extra = event === 'InvalidPassword' ? ',Challenge="5e6f7a8b",ReceivedChallenge="5e6f7a8b",ReceivedHash="0123456789abcdef0123456789abcdef"' : '';
  return `[${stamp}] SECURITY[16648] res_security_log.c: SecurityEvent="${event}",EventTV="${tv}",Severity="Error",Service="PJSIP",EventVersion="${event === 'InvalidPassword' ? 2 : 1}",AccountID="${account}",SessionID="${session}",LocalAddress="IPV4/UDP/10.0.0.2/5060",RemoteAddress="IPV4/UDP/${ip}/5060"${extra}`;
}
