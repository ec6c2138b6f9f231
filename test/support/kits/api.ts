/**
 * Test support (not used in production): an API server over a REAL store in a temp
 * directory, the real `SettingsControls`, `FailureBus` and stats reader, and helpers
 * to log in and send authenticated requests through `inject` (no socket). Lives under
 * test/ so that dist/ holds only the product.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { SettingsControls, type LiveSettings } from '../../../src/api/controls.js';
import type { ApiDeps, Health } from '../../../src/api/deps.js';
import { FailureBus } from '../../../src/api/failure-bus.js';
import { setAdminPassword } from '../../../src/api/password.js';
import { openReadModel, type ReadModel } from '../../../src/api/read-model.js';
import { createApiServer, type ApiOptions } from '../../../src/api/server.js';
import { DEFAULT_TIERS } from '../../../src/config/defaults.js';
import { defaultConfig } from '../../../src/config/index.js';
import { GeoSettingsControl } from '../../../src/daemon/geo-settings.js';
import { parseCidr, type Cidr } from '../../../src/domain/index.js';
import { Store } from '../../../src/store/index.js';

export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestApi {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly dir: string;
  readonly dbPath: string;
  readonly controls: SettingsControls;
  readonly bus: FailureBus;
  /** Every settings change the controls applied, in order. */
  readonly applied: Array<{ changed: keyof LiveSettings; actor: string; next: LiveSettings }>;
  /** Every failed login reported to the daemon. */
  readonly loginFailures: Array<{ ip: string; username: string; at: number }>;
  readonly deps: ApiDeps;
  /** The clock the API reads; tests may move it. */
  clock: { now: number };
  close(): Promise<void>;
}

const cidrs = (xs: string[]): Cidr[] => xs.map((x) => parseCidr(x) as Cidr);

/** Default live settings: the config defaults. */
export function defaultSettings(): LiveSettings {
  return {
    protection: 'on',
    tiers: DEFAULT_TIERS,
    networks: { internal: cidrs(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7']), trusted: [], trustedNames: [] },
    subnets: { enabled: true, addresses: 5, within: 86_400_000, ban: 86_400_000, ipv4Prefix: 24, ipv6Prefix: 64 },
    accounts: { roaming: [], extensionsInternalOnly: false },
    alerts: defaultConfig({ fileExists: () => false }).alerts,
  };
}

/** Starts a test API (not listening) over a fresh store with the admin password {@link TEST_PASSWORD}. */
export async function startTestApi(opts: Partial<ApiOptions> & { now?: number; health?: Health; controls?: SettingsControls; manualBans?: ApiDeps['manualBans']; where?: ApiDeps['where']; cluster?: ApiDeps['cluster']; geoSettings?: ApiDeps['geoSettings']; fraud?: ApiDeps['fraud'] } = {}): Promise<TestApi> {
  const dir = mkdtempSync(join(tmpdir(), 'sipwarden-api-'));
  const dbPath = join(dir, 'sipwarden.db');
  const store = Store.open(dbPath);
  await setAdminPassword(store, TEST_PASSWORD);
  const clock = { now: opts.now ?? Date.UTC(2026, 10, 24, 19, 30) };
  const applied: TestApi['applied'] = [];
  const loginFailures: TestApi['loginFailures'] = [];
  const controls = opts.controls ?? new SettingsControls(defaultSettings(), (next, changed, actor) => {
    applied.push({ next, changed, actor });
  });
  const bus = new FailureBus();
  const read: ReadModel = openReadModel(dbPath, { memoMs: 0, ...(opts.where ? { where: opts.where } : {}) });
  const deps: ApiDeps = {
    store,
    now: () => clock.now,
    controls,
    zoneOf: controls.zoneOf,
    ...(opts.manualBans ? { manualBans: opts.manualBans } : {}),
    ...(opts.where ? { where: opts.where } : {}),
    ...(opts.cluster ? { cluster: opts.cluster } : {}),
    ...(opts.fraud ? { fraud: opts.fraud } : {}),
    // The country policy saved into a config file of the test's own (created on the first change), put into force nowhere.
    geoSettings: opts.geoSettings ?? new GeoSettingsControl(defaultConfig().geo, { file: join(dir, 'sipwarden.yaml'), database: null, log: { warn: () => undefined }, apply: () => undefined }),
    health: () => opts.health ?? {
      sources: [{ path: '/var/log/asterisk/security', exists: true, offset: 1234, lines: 10, lagMs: 0 }],
      ami: null,
      firewall: { backend: 'dry-run' },
    },
    metrics: () => ({ events_parsed_total: 7, attempts_total: 5, enforcer_latency_seconds: 0.004 }),
    stats: (now) => read.stats(now),
    searchBans: read.searchBans,
    onFailure: bus.subscribe,
    onLoginFailure: (ip, username, at) => {
      loginFailures.push({ ip, username, at });
    },
  };
  const app = createApiServer(deps, { listen: { host: '127.0.0.1', port: 0 }, ...opts });
  await app.ready();
  return {
    app, store, dir, dbPath, controls, bus, applied, loginFailures, deps, clock,
    async close() {
      await app.close();
      read.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A logged-in client: its cookie and CSRF token, and `req` sending both. */
export interface Client {
  readonly cookie: string;
  readonly csrf: string;
  req(o: InjectOptions): Promise<LightMyRequestResponse>;
}

/** Logs in as admin through `/api/login` and returns a client. Throws if login fails. */
export async function login(app: FastifyInstance, password = TEST_PASSWORD): Promise<Client> {
  const res = await app.inject({ method: 'POST', url: '/api/login', payload: { username: 'admin', password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const set = res.cookies.find((c) => c.name.includes('sipwarden'));
  if (!set) throw new Error('login set no cookie');
  const cookie = `${set.name}=${set.value}`;
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  return {
    cookie, csrf,
    req: (o) => app.inject({ ...o, headers: { cookie, 'x-csrf-token': csrf, ...(o.headers ?? {}) } }),
  };
}
