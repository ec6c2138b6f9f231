/**
 * The daemon's pipeline with a store, firewall and failed-auth log that only collect:
 * for tests of what it writes and counts, without SQLite, nftables or files.
 */
import type { Config } from '../../src/config/index.js';
import { policyInput, ruleInput, zoneInput } from '../../src/daemon/inputs.js';
import { Pipeline } from '../../src/daemon/pipeline.js';
import { Engine } from '../../src/engine/index.js';
import type { Enforcer, EnforcerOp } from '../../src/enforcers/index.js';
import type { FailedAuthLog } from '../../src/faillog/index.js';
import type { Store } from '../../src/store/index.js';

export interface CollectingPipeline {
  readonly pipeline: Pipeline;
  readonly engine: Engine;
  /** Every failed-auth log line, in order. */
  readonly lines: string[];
  /** Every firewall change handed to the enforcer. */
  readonly ops: EnforcerOp[];
}

/** A pipeline for `config` whose clock reads `now()`. */
export function collectingPipeline(config: Config, now: () => number): CollectingPipeline {
  const lines: string[] = [];
  const ops: EnforcerOp[] = [];
  const engine = new Engine(policyInput(config), zoneInput(config), ruleInput(config));
  const quiet = { info() {}, warn() {}, error() {} };
  const store = { path: ':memory:', commitProgress() {} } as unknown as Store;
  const enforcer = { name: 'collect', apply: async (o: readonly EnforcerOp[]) => void ops.push(...o) } as unknown as Enforcer;
  const faillog = { write: (l: string) => void lines.push(l), flush: () => true, position: () => null } as unknown as FailedAuthLog;
  const pipeline = new Pipeline({ engine, store, enforcer, faillog, log: quiet, now, cursors: () => [] });
  return { pipeline, engine, lines, ops };
}
