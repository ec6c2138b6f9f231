/**
 * The daemon's side of the live settings: what the store keeps overrides the config
 * file (an object stored before a setting existed still loads, the file's value
 * standing for the missing key), and a change reaches the running engine at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsControls } from '../api/index.js';
import { DEFAULT_TIERS, parseConfigText, type Config } from '../config/index.js';
import { parseIp, type IpAddress } from '../domain/index.js';
import { Engine } from '../engine/index.js';
import { DryRunEnforcer } from '../enforcers/index.js';
import { Store } from '../store/index.js';
import { policyInput, ruleInput, zoneInput } from './inputs.js';
import { liveSettings, settingsApplier, SETTINGS_META_KEY, withSettings } from './web.js';

const ip = (s: string) => parseIp(s) as IpAddress;
const H = 3_600_000;
const NOW = Date.UTC(2026, 10, 24, 19, 30);
const log = pino({ level: 'silent' });

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipwarden-web-settings-'));
  store = Store.open(join(dir, 'sipwarden.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const config = (yaml: string): Config => parseConfigText(yaml, 'sipwarden.yaml', { fileExists: () => false });

/** The settings object as the dashboard stored it before subnet escalation was a setting. */
const OLD_STORED = { protection: 'off', tiers: DEFAULT_TIERS, networks: { internal: ['10.0.0.0/8'], trusted: [], trustedNames: [] } };

describe('liveSettings', () => {
  it('loads an older stored object without subnets: its settings override the file, the file\'s subnet numbers stand', () => {
    const file = config('policy:\n  subnets:\n    addresses: 7\n    within: 12h\n    ipv4_prefix: 23\n');
    store.setMeta(SETTINGS_META_KEY, JSON.stringify(OLD_STORED));
    const s = liveSettings(file, store);
    expect(s.protection).toBe('off');
    expect(s.networks.internal).toEqual(['10.0.0.0/8']);
    expect(s.subnets).toEqual({ enabled: true, addresses: 7, within: 12 * H, ban: 24 * H, ipv4Prefix: 23, ipv6Prefix: 64 });
    expect(withSettings(file, s).policy.subnets).toEqual(s.subnets);
  });

  it('shows the file\'s own numbers, switched off, when the file switches escalation off', () => {
    const file = config('policy:\n  subnets:\n    enabled: false\n    addresses: 9\n');
    const s = liveSettings(file, store);
    expect(s.subnets).toEqual({ enabled: false, addresses: 9, within: 24 * H, ban: 24 * H, ipv4Prefix: 24, ipv6Prefix: 64 });
    expect(ruleInput(withSettings(file, s)).subnets).toBeUndefined();
  });

  it('prefers stored subnet settings to the file\'s', () => {
    const stored = { enabled: false, addresses: 3, within: H, ban: null, ipv4Prefix: 20, ipv6Prefix: 48 };
    store.setMeta(SETTINGS_META_KEY, JSON.stringify({ ...OLD_STORED, subnets: stored }));
    const s = liveSettings(config(''), store);
    expect(s.subnets).toEqual(stored);
    expect(ruleInput(withSettings(config(''), s)).subnets).toBeUndefined();
  });
});

describe('settingsApplier', () => {
  it('puts a subnet change into force in the running engine at once and keeps it for the next start', async () => {
    const file = config('policy:\n  subnets:\n    enabled: false\n');
    const engine = new Engine(policyInput(file), zoneInput(file), ruleInput(file));
    const enforcer = new DryRunEnforcer(engine.zoneOf, log);
    const controls = new SettingsControls(liveSettings(file, store), settingsApplier({
      config: file, store, engine, enforcer, host: [], dynamicTrusted: undefined, log, now: () => NOW,
    }));
    // Two addresses of 198.51.100.0/24 were banned while escalation was off.
    for (const a of ['198.51.100.1', '198.51.100.2']) {
      store.addBan({ ip: ip(a), reason: 'tier 1', tier: 1, source: 'policy', failures: 2, evidence: [], accounts: [], createdAt: NOW - H, expiresAt: NOW + H });
    }
    expect(engine.subnets.enabled).toBe(false);

    await controls.setSubnets({ enabled: true, addresses: 3, within: 24 * H, ban: 2 * H, ipv4Prefix: 24, ipv6Prefix: 64 }, 'web:admin@127.0.0.1');
    expect(engine.subnets.enabled).toBe(true);
    // The bans already stored count: the third address completes the network.
    const { decision } = engine.escalate(ip('198.51.100.3'), NOW);
    expect(decision).toMatchObject({ kind: 'ban', ip: '198.51.100.0/24', until: NOW + 2 * H, failures: 3 });

    await controls.setSubnets({ enabled: true, addresses: 3, within: 24 * H, ban: 2 * H, ipv4Prefix: 16, ipv6Prefix: 48 }, 'web:admin@127.0.0.1');
    expect(engine.subnets.networkOf(ip('198.51.100.3'))).toBe('198.51.0.0/16');
    expect(engine.subnets.networkOf(ip('2001:db8:1:2::7'))).toBe('2001:db8:1::/48');
    expect(liveSettings(file, store).subnets).toEqual({ enabled: true, addresses: 3, within: 24 * H, ban: 2 * H, ipv4Prefix: 16, ipv6Prefix: 48 });
    // The daemon's minutely account re-read (setRules) goes through the stored settings and keeps them.
    engine.setRules(ruleInput(withSettings(file, liveSettings(file, store))));
    expect(engine.subnets.networkOf(ip('198.51.100.3'))).toBe('198.51.0.0/16');

    await controls.setSubnets({ ...controls.subnets(), enabled: false }, 'web:admin@127.0.0.1');
    expect(engine.subnets.enabled).toBe(false);
    expect(engine.escalate(ip('198.51.100.4'), NOW).decision).toBeNull();
    const restarted = liveSettings(file, store);
    expect(restarted.subnets).toMatchObject({ enabled: false, addresses: 3, ipv4Prefix: 16 });
    expect(ruleInput(withSettings(file, restarted)).subnets).toBeUndefined();
  });
});
