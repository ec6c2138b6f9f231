/**
 * createDaemon's lifecycle with fake parts (a firewall and sources that record what is
 * asked of them, a real store in a temp dir): the start order (store → engine restore →
 * firewall reconcile → sources) and its reverse at stop, stop idempotent, a part failing
 * to start stops those already started; and a manual ban or release from the dashboard
 * in force at once and never applied a second time by the control loop, while the CLI's
 * still arrive through it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { storeBans } from '../api/controls.js';
import { defaultConfig, type Config } from '../config/index.js';
import { parseBanTarget, type BanTarget, type IpAddress } from '../domain/ip.js';
import type { Enforcer, EnforcerOp } from '../enforcers/index.js';
import { Store } from '../store/index.js';
import { createDaemon, type Daemon, type DaemonDeps } from './create.js';
import type { Sources } from './sources.js';

const target = (t: string) => parseBanTarget(t) as BanTarget;
const H = 3_600_000;

let dir: string;
let store: Store;
let calls: string[];
let ops: EnforcerOp[][];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipwarden-create-'));
  store = Store.open(join(dir, 'sipwarden.db'));
  calls = [];
  ops = [];
  const close = store.close.bind(store);
  vi.spyOn(store, 'close').mockImplementation(() => {
    calls.push('store close');
    close();
  });
});
afterEach(() => {
  store.close(); // idempotent
  rmSync(dir, { recursive: true, force: true });
});

function config(): Config {
  const d = defaultConfig({ fileExists: () => false });
  return {
    ...d,
    store: { ...d.store, path: join(dir, 'sipwarden.db') },
    failedAuthLog: { ...d.failedAuthLog, path: join(dir, 'failed-auth.log') },
    asterisk: { ...d.asterisk, logs: [], ami: null },
  };
}

/** A firewall that records; `fail` names the call that throws. */
function firewall(fail?: 'init'): Enforcer {
  return {
    name: 'fake',
    init: async () => {
      calls.push('firewall init');
      if (fail === 'init') throw new Error('nft: permission denied');
    },
    apply: async (o) => void ops.push([...o]),
    reconcile: async (bans) => void calls.push(`firewall reconcile ${bans.map((b) => b.ip).join(',')}`),
    close: async () => void calls.push('firewall close'),
  };
}

/** Sources that record; `fail` makes start() throw. */
function sources(fail?: 'start'): Sources {
  calls.push('sources built');
  return {
    start: () => {
      calls.push('sources start');
      if (fail === 'start') throw new Error('cannot watch the log directory');
    },
    drain: async () => void calls.push('sources drain'),
    close: () => void calls.push('sources close'),
    cursors: () => [], followers: () => [], ami: () => null, health: () => ({ sources: [], ami: null }),
  };
}

function daemon(fail: { firewall?: 'init'; sources?: 'start' } = {}, more: Partial<DaemonDeps> = {}): Daemon {
  return createDaemon({
    config: config(), log: pino({ level: 'silent' }), now: () => Date.now(), store, hostAddresses: [], web: false,
    pbx: { accounts: () => undefined, ports: () => ({ ok: true, ports: [], notes: [] }) },
    enforcer: () => firewall(fail.firewall),
    sources: () => sources(fail.sources),
    ...more,
  });
}

describe('createDaemon: start and stop', () => {
  it('starts store → engine → firewall → sources, and stops in reverse with the last rows stored before the files close', async () => {
    storeBans(store).ban({ ip: target('203.0.113.9'), expiresAt: Date.now() + H, reason: 'by hand', actor: 'cli:test', at: Date.now() });
    const d = daemon();
    expect(() => d.engine).toThrow('once start() resolved');
    await d.start();
    expect(d.running).toBe(true);
    // The store's ban is in the engine and reconciled into the firewall before any source exists.
    expect(d.engine.activeBan(target('203.0.113.9'), Date.now())).not.toBeNull();
    expect(calls).toEqual(['firewall init', 'firewall reconcile 203.0.113.9', 'sources built', 'sources start']);
    vi.spyOn(d.pipeline, 'flush').mockImplementation((force) => void calls.push(`pipeline flush ${force === true ? 'forced' : ''}`));

    calls = [];
    await d.stop();
    expect(d.running).toBe(false);
    expect(calls).toEqual(['sources drain', 'pipeline flush forced', 'sources close', 'firewall close', 'store close']);
  });

  it('stop is idempotent: concurrent and later calls stop each part once', async () => {
    const d = daemon();
    await d.start();
    calls = [];
    const [a, b] = [d.stop(), d.stop()];
    expect(a).toBe(b);
    await Promise.all([a, b, d.stop()]);
    await d.stop();
    expect(calls).toEqual(['sources drain', 'sources close', 'firewall close', 'store close']);
    await expect(d.start()).rejects.toThrow('a daemon starts once');
  });

  it('a part failing to start stops the parts already started, in reverse, and start rejects with its error', async () => {
    const d = daemon({ sources: 'start' });
    await expect(d.start()).rejects.toThrow('cannot watch the log directory');
    // The sources never ran: their files are closed, but nothing is drained.
    expect(calls).toEqual(['firewall init', 'firewall reconcile ', 'sources built', 'sources start', 'sources close', 'firewall close', 'store close']);
    expect(d.running).toBe(false);
    await d.stop();
    expect(calls.filter((c) => c === 'store close')).toHaveLength(1);
  });

  it('a firewall that cannot start: the store is closed, the firewall is not', async () => {
    const d = daemon({ firewall: 'init' });
    await expect(d.start()).rejects.toThrow('nft: permission denied');
    expect(calls).toEqual(['firewall init', 'store close']);
  });

  it('a part that cannot stop cleanly does not keep the others from stopping', async () => {
    const d = daemon({}, {
      enforcer: () => ({ ...firewall(), close: async () => { throw new Error('nft: table busy'); } }),
    });
    await d.start();
    calls = [];
    await d.stop();
    expect(calls).toEqual(['sources drain', 'sources close', 'store close']);
  });

  it('stop during start waits for it, then stops everything', async () => {
    const d = daemon();
    const started = d.start();
    const stopped = d.stop();
    await started;
    await stopped;
    expect(calls).toEqual(['firewall init', 'firewall reconcile ', 'sources built', 'sources start', 'sources drain', 'sources close', 'firewall close', 'store close']);
  });

  it('serves the dashboard on the given address and closes it at stop', async () => {
    const d = daemon({}, { web: { listen: { host: '127.0.0.1', port: 0 }, statsMemoMs: 0 } });
    await d.start();
    expect(d.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(`${d.url}healthz`);
    expect(await res.json()).toEqual({ ok: true });
    // /metrics says how long the event loop was held up: a stall of the daemon's thread shows.
    await new Promise((r) => setTimeout(r, 60));
    const end = performance.now() + 150;
    while (performance.now() < end); // the loop held up, as by a long read
    await new Promise((r) => setTimeout(r, 60));
    const metrics = await (await fetch(`${d.url}metrics`)).text();
    const max = /^sipwarden_event_loop_delay_max_seconds ([\d.e+-]+)$/m.exec(metrics);
    expect(metrics).toContain('# TYPE sipwarden_event_loop_delay_max_seconds gauge');
    expect(Number(max?.[1])).toBeGreaterThanOrEqual(0.12);
    expect(metrics).toMatch(/^sipwarden_event_loop_delay_p99_seconds [\d.e+-]+$/m);
    await d.stop();
    await expect(fetch(`${d.url}healthz`)).rejects.toThrow();
  });
});

describe('createDaemon: manual bans and releases', () => {
  const ip = '198.51.100.44' as IpAddress;
  const at = () => Date.now();

  it('the dashboard\'s ban and release are in force before the call returns, audited, and never applied again by the control loop', async () => {
    const d = daemon();
    await d.start();
    const ban = d.bans.ban({ ip, expiresAt: at() + H, reason: 'scanner', actor: 'web:admin@127.0.0.1', at: at() });
    expect(ops).toEqual([[{ op: 'ban', ip, until: ban.expiresAt }]]);
    expect(d.engine.activeBan(ip, at())).toMatchObject({ until: ban.expiresAt });
    const released = d.bans.release({ ip, actor: 'web:admin@127.0.0.1', at: at() });
    expect(released).toMatchObject({ ban: { ip, releasedBy: 'web:admin@127.0.0.1' }, stillBlockedBy: null });
    expect(ops).toEqual([[{ op: 'ban', ip, until: ban.expiresAt }], [{ op: 'unban', ip }]]);
    expect(d.engine.activeBan(ip, at())).toBeNull();
    expect(store.listAudit(5).map((a) => a.action)).toEqual(['release', 'ban']);
    // The change rows stay in the store (the record of what was done); the loop has moved past them.
    expect(store.changesSince(0).map((c) => c.kind)).toEqual(['ban', 'release']);
    expect(d.bans.last).toBe(store.latestChangeId());
    await new Promise((r) => setTimeout(r, 600)); // two turns of the control loop
    expect(ops).toHaveLength(2);
    await d.stop();
  });

  it('the CLI\'s changes still come through the change queue, within the control loop\'s 250 ms', async () => {
    const d = daemon();
    await d.start();
    storeBans(store).ban({ ip, expiresAt: null, reason: 'cli', actor: 'cli:root', at: at() });
    expect(ops).toEqual([]);
    await vi.waitFor(() => expect(ops).toEqual([[{ op: 'ban', ip, until: null }]]), { timeout: 1000, interval: 20 });
    // A dashboard release right after applies once, and the CLI's ban is not applied again.
    d.bans.release({ ip, actor: 'web:admin@127.0.0.1', at: at() });
    await new Promise((r) => setTimeout(r, 400));
    expect(ops).toEqual([[{ op: 'ban', ip, until: null }], [{ op: 'unban', ip }]]);
    await d.stop();
  });

  it('a CLI ban written while the daemon starts, after its engine was restored, still reaches the engine', async () => {
    const d = daemon({}, {
      enforcer: () => {
        storeBans(store).ban({ ip, expiresAt: null, reason: 'cli', actor: 'cli:root', at: at() });
        return firewall();
      },
    });
    await d.start();
    expect(calls).toContain(`firewall reconcile ${ip}`);
    await vi.waitFor(() => expect(d.engine.activeBan(ip, at())).toMatchObject({ until: null }), { timeout: 1000, interval: 20 });
    await d.stop();
  });

  it('a release inside a banned network says which network still blocks it', async () => {
    const d = daemon();
    await d.start();
    d.bans.ban({ ip: target('198.51.100.0/24'), expiresAt: at() + H, reason: 'net', actor: 'web:admin@127.0.0.1', at: at() });
    d.bans.ban({ ip, expiresAt: at() + H, reason: 'one', actor: 'web:admin@127.0.0.1', at: at() });
    expect(d.bans.release({ ip, actor: 'web:admin@127.0.0.1', at: at() })?.stillBlockedBy).toMatchObject({ ip: '198.51.100.0/24' });
    expect(d.bans.release({ ip: target('198.51.100.0/24'), actor: 'web:admin@127.0.0.1', at: at() })?.stillBlockedBy).toBeNull();
    expect(d.bans.release({ ip, actor: 'web:admin@127.0.0.1', at: at() })).toBeNull();
    await d.stop();
  });
});
