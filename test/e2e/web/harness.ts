/**
 * A small but real sipwarden for the browser tests: the daemon's own wiring
 * (`createDaemon`: engine with subnet escalation on, as by default, pipeline, manual
 * bans and releases, live settings, the one scheduler with its 250 ms control loop, and
 * the API server with the built dashboard on 127.0.0.1 only) over injected parts: a
 * store in a temp dir, a dry-run firewall, a stand-in for the PBX's security log that
 * `replay` feeds (no file, no AMI), and the PBX of a FreePBX 17 for the ports the
 * kernel watches.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pino } from 'pino';
import { DEFAULT_WEB_ROOT, setAdminPassword, type SettingsControls } from '../../../src/api/index.js';
import type { PortDiscovery } from '../../../src/asterisk/index.js';
import type { AuthSucceeded, CallEvent, ParsedEvent } from '../../../src/domain/events.js';
import { defaultConfig, type Config } from '../../../src/config/index.js';
import { createDaemon, type Daemon } from '../../../src/daemon/index.js';
import type { Engine } from '../../../src/engine/index.js';
import { DryRunEnforcer } from '../../../src/enforcers/index.js';
import { newDateCache, parseLine } from '../../../src/parsers/index.js';
import { Store } from '../../../src/store/index.js';

export const PASSWORD = 'dashboard test password';
/** Debian's chromium, which the browser tests drive. */
export const CHROMIUM = '/usr/bin/chromium';
/** Where the browser tests save screenshots (gitignored). */
export const SHOTS = join(process.cwd(), 'test-artifacts', 'screenshots');

/** Launches headless Debian chromium for a browser test. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    timeout: 30_000,
  });
}

/** Logs `page` in to the harness's dashboard at `url` and waits for the overview. */
export async function logIn(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Protection is ON').waitFor();
}

export interface Harness {
  readonly url: string;
  readonly store: Store;
  readonly enforcer: DryRunEnforcer;
  readonly controls: SettingsControls;
  readonly engine: Engine;
  /** Feeds Asterisk log lines through parser → engine → store → firewall, as the daemon's sources do. */
  replay(lines: readonly string[], source: string): void;
  /** The daemon's toll-fraud guard, live. */
  readonly fraud: Daemon['fraud'];
  /** Feeds call events and successful logins to the toll-fraud guard, as the AMI source does. */
  calls(events: ReadonlyArray<CallEvent | AuthSucceeded>): void;
  close(): Promise<void>;
}

/** Builds web/dist if it is missing (the CI runs scripts/setup, which builds it). */
export function ensureDashboardBuilt(): void {
  if (existsSync(join(DEFAULT_WEB_ROOT, 'index.html'))) return;
  execFileSync('npx', ['vite', 'build', 'web', '--logLevel', 'warn'], { stdio: 'inherit', timeout: 120_000 });
}

const SECURITY_LOG = '/var/log/asterisk/security';

/** The ports a FreePBX 17 listens on (what discoverPorts learns from its configuration). */
const FREEPBX_PORTS: PortDiscovery = {
  ok: true, notes: [],
  ports: [
    { port: 5060, proto: 'udp', service: 'PJSIP', from: '/etc/asterisk/pjsip.transports.conf:4 bind = 0.0.0.0:5060' },
    { port: 5160, proto: 'udp', service: 'SIP', from: '/etc/asterisk/sip_general_additional.conf:2 bindport = 5160' },
  ],
};

/** Starts the harness; `configFile`: where the dashboard's changes are written, `tune`: the config to run with. */
export async function startHarness(o: { configFile?: string; tune?: (c: Config) => Config } = {}): Promise<Harness> {
  ensureDashboardBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'sipwarden-web-'));
  const store = Store.open(join(dir, 'sipwarden.db'));
  await setAdminPassword(store, PASSWORD);
  // Built-in defaults (web.listen 127.0.0.1:8472: the dashboard's port in the watch), with the files in the temp dir.
  const defaults = defaultConfig({ fileExists: () => false });
  const config: Config = (o.tune ?? ((c: Config) => c))({
    ...defaults,
    store: { ...defaults.store, path: join(dir, 'sipwarden.db') },
    failedAuthLog: { ...defaults.failedAuthLog, path: join(dir, 'failed-auth.log') },
    asterisk: { ...defaults.asterisk, logs: [], ami: null },
  });
  const made: { enforcer?: DryRunEnforcer; handle?: (ev: ParsedEvent) => void } = {};
  const log = { path: SECURITY_LOG, exists: true, offset: 0, lines: 0, lagMs: 0 };
  const daemon = createDaemon({
    config, store, log: pino({ level: 'silent' }), now: () => Date.now(), hostAddresses: [], ...(o.configFile ? { configFile: o.configFile } : {}),
    enforcer: ({ zoneOf, log }) => (made.enforcer = new DryRunEnforcer(zoneOf, log)),
    pbx: { accounts: () => undefined, ports: () => FREEPBX_PORTS },
    // The security log as the overview shows it; its lines come from replay(), through the daemon's own handle.
    sources: ({ handle }) => {
      made.handle = handle;
      return {
        start() {}, async drain() {}, close() {}, cursors: () => [], followers: () => [], ami: () => null,
        health: () => ({ sources: [{ ...log }], ami: null }),
      };
    },
    // Any free port; the tests' own wrong-password login must not count among the attack's failures.
    web: { listen: { host: '127.0.0.1', port: 0 }, statsMemoMs: 0, ignoreLoginFailures: true },
  });
  await daemon.start();
  const { enforcer, handle } = made;
  if (!enforcer || !handle || !daemon.url) throw new Error('the harness daemon started without its firewall, sources or dashboard');
  // Asterisk's logger reported a queue overflow: the overview says so.
  const dropped = parseLine(`${stampOf(Date.now())} WARNING[16583] logger: Logging resumed.  4711 messages discarded.`, { source: '/var/log/asterisk/messages', line: 1, refTime: Date.now(), logLoss: true });
  if (dropped) handle(dropped);
  return {
    url: daemon.url.replace(/\/$/, ''),
    store, enforcer, controls: daemon.controls, engine: daemon.engine, fraud: daemon.fraud,
    calls(events) {
      for (const ev of events) daemon.fraud.handle(ev);
    },
    replay(lines, source) {
      const cache = newDateCache();
      lines.forEach((line, i) => {
        const ev = parseLine(line, { source, line: i + 1, refTime: Date.now(), cache, interest: 'auth' });
        if (ev) handle(ev);
        log.lines++;
        log.offset += Buffer.byteLength(line) + 1;
      });
      daemon.pipeline.flush();
    },
    async close() {
      await daemon.stop();
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
  const tv = `${d.toISOString().slice(0, 23)}+0000`;
  const extra = event === 'InvalidPassword' ? ',Challenge="5e6f7a8b",ReceivedChallenge="5e6f7a8b",ReceivedHash="0123456789abcdef0123456789abcdef"' : '';
  return `${stampOf(at)} SECURITY[16648] res_security_log.c: SecurityEvent="${event}",EventTV="${tv}",Severity="Error",Service="PJSIP",EventVersion="${event === 'InvalidPassword' ? 2 : 1}",AccountID="${account}",SessionID="${session}",LocalAddress="IPV4/UDP/10.0.0.2/5060",RemoteAddress="IPV4/UDP/${ip}/5060"${extra}`;
}

/** An Asterisk log line's time stamp (`[Nov 24 18:30:02]`); local time is UTC in the tests. */
function stampOf(at: number): string {
  const d = new Date(at);
  return `[${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}]`;
}
