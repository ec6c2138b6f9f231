/**
 * The control loop's hand-over of CLI and dashboard bans: one change it cannot apply is
 * reported and skipped — the changes after it still apply — and a stored ban that ends
 * beyond any date sipwarden accepts (an older version wrote `--for 99999999d`) is
 * enforced as permanent instead of stalling the loop or being dropped.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { parseBanTarget, type BanTarget } from '../domain/ip.js';
import { Engine } from '../engine/index.js';
import type { EnforcerOp } from '../enforcers/index.js';
import { Store } from '../store/index.js';
import { policyInput, ruleInput, zoneInput } from './inputs.js';
import type { Pipeline } from './pipeline.js';
import { applyChanges } from './restore.js';

const NOW = Date.UTC(2026, 10, 24, 12);
const target = (t: string) => parseBanTarget(t) as BanTarget;

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipwarden-restore-'));
  store = Store.open(join(dir, 'sipwarden.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function rig(throwFor?: string) {
  writeFileSync(join(dir, 'sipwarden.yaml'), 'firewall:\n  backend: dry-run\n');
  const { config } = loadConfig(join(dir, 'sipwarden.yaml'));
  const engine = new Engine(policyInput(config), zoneInput(config, []), ruleInput(config, undefined));
  const ops: EnforcerOp[] = [];
  const pipeline = {
    enforce: (o: EnforcerOp[]) => {
      if (o.some((x) => x.ip === throwFor)) throw new Error('backend refused the address');
      ops.push(...o);
    },
  } as unknown as Pipeline;
  const logged: Array<[string, object, string]> = [];
  const log = {
    info: (o: object, m: string) => logged.push(['info', o, m]),
    warn: (o: object, m: string) => logged.push(['warn', o, m]),
    error: (o: object, m: string) => logged.push(['error', o, m]),
  };
  return { engine, ops, pipeline, logged, log };
}

const ban = (ip: string, expiresAt: number | null) => store.manualBan({ ip: target(ip), expiresAt, reason: 'test', actor: 'cli:test', at: NOW });

describe('applying changes from the CLI and the dashboard', () => {
  it('a ban no date can hold is enforced as permanent, and the bans after it still apply', () => {
    const r = rig();
    ban('203.0.113.5', NOW + 99_999_999 * 86_400_000); // what --for 99999999d stored before durations were bounded
    ban('203.0.113.6', NOW + 3_600_000);
    const last = applyChanges(store, r.engine, r.pipeline, 0, NOW, r.log);
    expect(last).toBe(store.latestChangeId());
    expect(r.ops).toEqual([{ op: 'ban', ip: '203.0.113.5', until: null }, { op: 'ban', ip: '203.0.113.6', until: NOW + 3_600_000 }]);
    expect(r.engine.activeBan(target('203.0.113.5'), NOW)).toMatchObject({ until: null });
    expect(r.engine.activeBan(target('203.0.113.6'), NOW)).toMatchObject({ until: NOW + 3_600_000 });
    expect(r.logged.map(([level, , m]) => [level, m])).toEqual([
      ['warn', 'ban ends beyond any date sipwarden accepts; enforced as permanent'],
      ['info', 'banned by a person'],
    ]);
  });

  it('a change that throws is reported once and skipped; the loop goes past it and never retries it', () => {
    const r = rig('203.0.113.7');
    ban('203.0.113.7', NOW + 3_600_000);
    ban('203.0.113.8', NOW + 3_600_000);
    ban('203.0.113.9', NOW + 3_600_000);
    store.manualRelease({ ip: target('203.0.113.9'), actor: 'cli:test', at: NOW + 1 });
    const last = applyChanges(store, r.engine, r.pipeline, 0, NOW + 2, r.log);
    expect(last).toBe(store.latestChangeId());
    // .9 was released before the loop saw its ban: only the release is applied.
    expect(r.ops).toEqual([{ op: 'ban', ip: '203.0.113.8', until: NOW + 3_600_000 }, { op: 'unban', ip: '203.0.113.9' }]);
    const errors = r.logged.filter(([level]) => level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]![1]).toMatchObject({ kind: 'ban', ip: '203.0.113.7', err: 'backend refused the address' });
    // The next tick starts after it.
    expect(applyChanges(store, r.engine, r.pipeline, last, NOW + 3, r.log)).toBe(last);
    expect(r.logged.filter(([level]) => level === 'error')).toHaveLength(1);
  });
});
