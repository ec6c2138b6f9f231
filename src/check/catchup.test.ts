/**
 * Same files, same result: `sipwarden check` (files merged by time), the daemon's
 * pipeline fed live (reports in the order Asterisk wrote them) and the daemon catching
 * up after downtime (`start_at: beginning`: its followers read `messages` whole, then
 * `security` whole) count the same attempts of the real Asterisk 20 captures.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../config/index.js';
import { policyInput, ruleInput, zoneInput } from '../daemon/inputs.js';
import { Pipeline } from '../daemon/pipeline.js';
import type { SecurityEvent } from '../domain/events.js';
import { Engine } from '../engine/index.js';
import type { Enforcer } from '../enforcers/index.js';
import type { FailedAuthLog } from '../faillog/index.js';
import { newDateCache, parseLine } from '../parsers/index.js';
import { Follower } from '../sources/follow.js';
import { replayFiles } from '../sources/replay.js';
import type { Store } from '../store/index.js';
import { runCheck } from './index.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../test/fixtures/asterisk-20');
const FILES = [path.join(FIXTURES, 'messages.log'), path.join(FIXTURES, 'security.log')];
const config = parseConfigText('accounts:\n  discover: false\n', 'test');
const NOW = Date.UTC(2026, 10, 24, 20, 0, 0);

/** The daemon's pipeline with a store, firewall and failed-auth log that only collect. */
function pipeline(): { p: Pipeline; lines: string[] } {
  const lines: string[] = [];
  const engine = new Engine(policyInput(config), zoneInput(config), ruleInput(config));
  const quiet = { info() {}, warn() {}, error() {} };
  const store = { commitProgress() {} } as unknown as Store;
  const enforcer = { name: 'collect', apply: async () => undefined } as unknown as Enforcer;
  const faillog = { write: (l: string) => lines.push(l) } as unknown as FailedAuthLog;
  const p = new Pipeline({ engine, store, enforcer, faillog, log: quiet, tiers: () => engine.policy.tiers(), now: () => NOW, cursors: () => [] });
  return { p, lines };
}

const followers: Follower[] = [];
afterEach(() => {
  for (const f of followers.splice(0)) f.stop();
});

describe('catch-up counts like check', () => {
  it('check, live order and catch-up (start_at: beginning) count the same attempts of the same files', () => {
    const checked = runCheck(FILES, policyInput(config), zoneInput(config), { rules: ruleInput(config) });

    // Live: each report as Asterisk wrote it, the two files interleaved by time.
    const live = pipeline();
    replayFiles(FILES, (ev: SecurityEvent) => live.p.handle(ev), 'auth');

    // Catch-up: what runDaemon wires, with start_at: beginning and no cursor yet.
    const catchup = pipeline();
    for (const file of FILES) {
      const cache = newDateCache();
      const f = new Follower(file, {
        startAt: 'beginning',
        onLine: (line, lineNo) => {
          const ev = parseLine(line, { source: file, line: lineNo, refTime: NOW, cache, interest: 'auth' });
          if (ev) catchup.p.handle(ev);
        },
      });
      followers.push(f);
    }
    for (const f of followers) f.start(); // each reads its whole (small) file before the next starts

    const failedLines = (l: string[]) => l.filter((x) => x.includes(' FAILED ')).length;
    expect(checked.attempts).toBe(70);
    expect(live.p.stats.attempts).toBe(70);
    expect(catchup.p.stats.attempts).toBe(70);
    expect(failedLines(live.lines)).toBe(70);
    expect(failedLines(catchup.lines)).toBe(70);
    expect(catchup.p.stats.duplicates).toBe(live.p.stats.duplicates);
  });
});
