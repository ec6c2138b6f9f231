/**
 * Parsing on worker threads changes nothing: the same events (every field, in the
 * parser's key order, line numbers file-wide) in the same order as the single-thread
 * replay, and the same report — on the real captures (several files merged by time, an
 * AMI capture among them), on a generated log of 5,000 lines cut into many blocks, and
 * on lines with non-ASCII and invalid bytes. The workers run from dist/ (npm run build).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../config/index.js';
import { policyInput, ruleInput, zoneInput } from '../daemon/inputs.js';
import type { SecurityEvent } from '../domain/events.js';
import { replayFiles } from '../sources/replay.js';
import { reportJson, runCheck } from './index.js';
import { ParsePool } from './parallel.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCRIPT = new URL('../../dist/check/parse-worker.js', import.meta.url);
const FIXTURES = path.join(ROOT, 'test/fixtures/asterisk-20');
const CAPTURES = ['full.log', 'messages.log', 'security.log', 'ami-events.txt', 'iso-dateformat/full.log'].map((f) => path.join(FIXTURES, f));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-parallel-'));
let generated = '';

beforeAll(() => {
  expect(fs.existsSync(SCRIPT), 'dist/ is built (npm run build)').toBe(true);
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bench/gen-asterisk-log.mjs'), '--lines', '5000', '--seed', '7', '--out', path.join(dir, 'x'), '--quiet'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  generated = path.join(dir, 'x.log');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every event of a replay, as JSON (key order included). */
function events(paths: string[], pool?: ParsePool): string[] {
  const out: string[] = [];
  replayFiles(paths, (ev: SecurityEvent) => out.push(JSON.stringify(ev)), 'all', pool ? (p, refTime, interest) => pool.open(p, refTime, interest) : undefined);
  return out;
}

function withPool<T>(workers: number, block: number, f: (pool: ParsePool) => T): T {
  const pool = new ParsePool(workers, SCRIPT, block);
  try {
    return f(pool);
  } finally {
    pool.close();
  }
}

describe('parse workers', () => {
  it('give the real captures\' events exactly, merged across files by time', () => {
    const want = events(CAPTURES);
    expect(want.length).toBeGreaterThan(300);
    for (const block of [997, 8192, 1 << 20]) {
      expect(withPool(2, block, (pool) => events(CAPTURES, pool))).toEqual(want);
    }
  });

  it('give a generated log\'s events exactly, cut into blocks anywhere', () => {
    const want = events([generated]);
    expect(want.length).toBeGreaterThan(1000);
    for (const [workers, block] of [[1, 4099], [2, 4099], [2, 65536]] as const) {
      expect(withPool(workers, block, (pool) => events([generated], pool))).toEqual(want);
    }
  });

  it('carry non-ASCII text, invalid bytes and a character cut by the evidence limit unchanged', () => {
    const sec = (account: string, tail = '') =>
      `[Nov 24 18:05:31] SECURITY[16648] res_security_log.c: SecurityEvent="InvalidAccountID",EventTV="2026-11-24T18:05:31.765+0000",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="${account}",SessionID="s-${account}",LocalAddress="IPV4/UDP/192.0.2.2/5060",RemoteAddress="IPV4/UDP/203.0.113.9/5091"${tail}`;
    // An emoji (two UTF-16 units) across the 2,048th character, where the evidence is cut.
    const long = sec('x', `,Challenge="${'a'.repeat(2047 - sec('x').length - 12)}😀😀"`);
    const file = path.join(dir, 'mixed.log');
    // Invalid UTF-8 in the account (and so in the session): the bytes 0xff 0xc3 where `QQ` stands.
    const bad = Buffer.from(`${sec('bQQ')}\n`, 'latin1');
    for (let i = bad.indexOf('QQ'); i >= 0; i = bad.indexOf('QQ', i)) bad.set([0xff, 0xc3], i);
    fs.writeFileSync(file, Buffer.concat([
      Buffer.from(`${sec('é😀')}\r\n${long}\n`), bad,
      Buffer.from(`${sec('plain')}\n[Nov 24 18:05:32] NOTICE[1] chan_iax2.c: Host 203.0.113.7 failed to authenticate as bob\n`),
    ]));
    const want = events([file]);
    expect(want).toHaveLength(5);
    expect(want.some((e) => e.includes('\\ud83d"'))).toBe(true); // the limit cut a surrogate pair
    expect(withPool(2, 300, (pool) => events([file], pool))).toEqual(want);
  });

  it('give the same report as parsing on this thread', () => {
    const config = parseConfigText('accounts:\n  discover: false\n', 'test');
    const run = (workers: number) => reportJson(runCheck([generated, ...CAPTURES], policyInput(config), zoneInput(config), { rules: ruleInput(config), workers, workerScript: SCRIPT }));
    expect(run(2)).toEqual(run(0));
  });
});
