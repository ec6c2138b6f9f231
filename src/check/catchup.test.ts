/**
 * Same files, same result: `sipwarden check` (files merged by time), the daemon's
 * pipeline fed live (reports in the order Asterisk wrote them) and the daemon catching
 * up after downtime (`start_at: beginning`: its followers read `messages` whole, then
 * `security` whole) count the same attempts, and the same scans, of the real Asterisk
 * 20 captures.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../config/index.js';
import { policyInput, ruleInput, zoneInput } from '../daemon/inputs.js';
import type { Pipeline } from '../daemon/pipeline.js';
import type { SecurityEvent } from '../domain/events.js';
import { newDateCache, parseLine } from '../parsers/index.js';
import { Follower } from '../sources/follow.js';
import { replayFiles } from '../sources/replay.js';
import { collectingPipeline } from '../../test/support/pipeline.js';
import { runCheck } from './index.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../test/fixtures/asterisk-20');
const FILES = [path.join(FIXTURES, 'messages.log'), path.join(FIXTURES, 'security.log')];
const config = parseConfigText('accounts:\n  discover: false\n', 'test');
const NOW = Date.UTC(2026, 10, 24, 20, 0, 0);

/** The daemon's pipeline, collecting its failed-auth log lines. */
function pipeline(): { p: Pipeline; lines: string[] } {
  const c = collectingPipeline(config, () => NOW);
  return { p: c.pipeline, lines: c.lines };
}

const followers: Follower[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Feeds `files` to a pipeline as runDaemon does with `start_at: beginning`: each follower reads its whole file in turn. */
function catchUp(files: readonly string[], p: Pipeline): void {
  for (const file of files) {
    const cache = newDateCache();
    followers.push(new Follower(file, {
      startAt: 'beginning',
      onLine: (line, lineNo) => {
        const ev = parseLine(line, { source: file, line: lineNo, refTime: NOW, cache, interest: 'all' });
        if (ev) p.handle(ev);
      },
    }));
  }
  for (const f of followers) f.start();
}
afterEach(() => {
  for (const f of followers.splice(0)) f.stop();
});

describe('catch-up counts like check', () => {
  it('check, live order and catch-up (start_at: beginning) count the same attempts of the same files', () => {
    const checked = runCheck(FILES, policyInput(config), zoneInput(config), { rules: ruleInput(config) });

    // Live: each report as Asterisk wrote it, the two files interleaved by time.
    const live = pipeline();
    replayFiles(FILES, (ev: SecurityEvent) => live.p.handle(ev), 'all');

    // Catch-up: what runDaemon wires, with start_at: beginning and no cursor yet.
    const catchup = pipeline();
    catchUp(FILES, catchup.p);

    const failedLines = (l: string[]) => l.filter((x) => x.includes(' FAILED ')).length;
    // The captures hold 70-odd attempts (their exact number follows the parsers); catching up
    // used to count 97 of the 70 then, merging no report of `security` with its NOTICE.
    expect(checked.attempts).toBeGreaterThan(60);
    expect(live.p.stats.attempts).toBe(checked.attempts);
    expect(catchup.p.stats.attempts).toBe(checked.attempts);
    // Challenges never answered (svwar, svmap) are scans, counted apart and logged as well.
    expect(checked.scans).toBeGreaterThan(40);
    expect(live.p.stats.scans).toBe(checked.scans);
    expect(catchup.p.stats.scans).toBe(checked.scans);
    expect(failedLines(live.lines)).toBe(checked.attempts + checked.scans);
    expect(failedLines(catchup.lines)).toBe(checked.attempts + checked.scans);
    expect(catchup.p.stats.duplicates).toBe(live.p.stats.duplicates);
  });

  it('and bans the same, to the same end: the captures replayed from an outside address', async () => {
    // The rig's traffic all came from loopback (never banned); from 203.0.113.7 it is an attack.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-catchup-'));
    dirs.push(dir);
    const files = FILES.map((f) => {
      const to = path.join(dir, path.basename(f));
      fs.writeFileSync(to, fs.readFileSync(f, 'utf8').replaceAll('127.0.0.1', '203.0.113.7'));
      fs.utimesSync(to, fs.statSync(f).atime, fs.statSync(f).mtime);
      return to;
    });
    // Without learned trust: a success read after the failures that followed it (its security event
    // comes after the whole of messages) cannot raise the threshold of decisions already taken.
    const strict = parseConfigText('accounts:\n  discover: false\ntrust:\n  learn: false\n', 'test');
    const checked = runCheck(files, policyInput(strict), zoneInput(strict), { rules: ruleInput(strict) });
    const c = collectingPipeline(strict, () => NOW);
    catchUp(files, c.pipeline);
    await new Promise((r) => setImmediate(r)); // the pipeline hands its batch of bans to the firewall
    await new Promise((r) => setImmediate(r));
    const enforced = new Map<string, number | null>();
    for (const op of c.ops) if (op.op === 'ban') enforced.set(op.ip, op.until);
    expect(checked.bans).toHaveLength(1);
    expect([...enforced]).toEqual(checked.bans.map((b) => [b.ip, b.until]));
    expect(c.pipeline.stats.attempts).toBe(checked.attempts);
    expect(c.pipeline.stats.scans).toBe(checked.scans);
  });
});
