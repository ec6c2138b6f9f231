/**
 * The benchmark's own yardsticks, checked small and fast: the log generator and its
 * ground truth, the reference ban policy, the report comparison, and the fail2ban
 * model of bench/compare. A wrong yardstick would make every benchmark figure wrong.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../gen-asterisk-log.mjs';
import { parseRows, parseSummary, simulateJail } from '../compare-lib/fail2ban.mjs';
import { normalizeIp } from './addresses.mjs';
import { compareReport } from './compare.mjs';
import { expectedBans, finalBan, HOUR } from './policy.mjs';
import { verifyLog } from './verify.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-bench-test-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const options = (out: string) => ({ lines: 6000, seed: 7, out, ratio: 0.05, format: 'default' as const, hours: 6, verify: false, quiet: true });

describe('gen-asterisk-log', () => {
  const a = generate(options(path.join(dir, 'a')));

  it('writes exactly the lines asked for, which its own verifier accepts', () => {
    expect(a.truth.lines).toBe(6000);
    expect(fs.readFileSync(path.join(dir, 'a.log'), 'utf8').split('\n')).toHaveLength(6001);
    const res = verifyLog(path.join(dir, 'a.log'), {
      lines: a.truth.lines, start: Date.parse(a.truth.generator.start), end: a.lastSec * 1000, year: 2026,
      innocents: a.truth.innocents, records: a.records,
    });
    expect(res.problems).toEqual([]);
    expect(res.ok).toBe(true);
  });

  it('is the same log for the same seed, byte for byte', () => {
    generate(options(path.join(dir, 'b')));
    expect(fs.readFileSync(path.join(dir, 'b.log')).equals(fs.readFileSync(path.join(dir, 'a.log')))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'b.truth.json'), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'a.truth.json'), 'utf8'));
  });

  it('counts attempts per address, never an innocent, and bans only what the policy bans', () => {
    const t = a.truth;
    expect(Object.values(t.failuresByIp).reduce((s, n) => s + n, 0)).toBe(t.attempts);
    for (const ip of t.innocents) expect(t.failuresByIp[ip]).toBeUndefined();
    expect(t.expectedBans.length).toBeGreaterThan(0);
    for (const b of t.expectedBans) expect(t.failuresByIp[b.ip]).toBeGreaterThanOrEqual(2);
  });
});

describe('the reference policy', () => {
  const T = Date.UTC(2026, 10, 24, 12);

  it('2 failures within an hour ban for an hour from the second; exactly an hour apart is not within', () => {
    expect(finalBan([T, T + HOUR - 1000])).toEqual({ tier: 1, until: T + 2 * HOUR - 1000 });
    expect(finalBan([T, T + HOUR])).toBeNull();
  });

  it('12 failures within 24 hours ban for good', () => {
    const times = Array.from({ length: 12 }, (_, i) => T + i * 2 * HOUR);
    expect(finalBan(times)).toEqual({ tier: 2, until: null });
  });

  it('never bans internal or loopback addresses', () => {
    const twice = [T, T + 1000];
    const bans = expectedBans(new Map([['10.1.2.3', twice], ['127.0.0.1', twice], ['fd00::5', twice], ['203.0.113.9', twice]]));
    expect(bans.map((b) => b.ip)).toEqual(['203.0.113.9']);
  });
});

describe('compareReport', () => {
  const truth = {
    lines: 100, attempts: 3, failuresByIp: { '203.0.113.9': 2, '2001:db8::5': 1 }, innocents: ['198.51.100.7'],
    expectedBans: [{ ip: '203.0.113.9', tier: 1, until: '2026-11-24T13:00:00.000Z' }],
  };
  const report = {
    lines: 100, events: 5, attempts: 3,
    addresses: [{ ip: '203.0.113.9', failures: 2, zone: 'external' }, { ip: '2001:DB8::5', failures: 1, zone: 'external' }],
    bans: [{ ip: '203.0.113.9', tier: 1, until: '2026-11-24T13:00:00.400Z', failures: 2 }],
  };

  it('passes a right report (addresses in any spelling, an end within the same second)', () => {
    const c = compareReport(report, truth);
    expect(c.checks.filter((x) => !x.ok)).toEqual([]);
  });

  it('fails an innocent, a missed failure and a ban a second off', () => {
    const bad = {
      ...report,
      addresses: [...report.addresses.slice(1), { ip: '198.51.100.7', failures: 1 }],
      bans: [{ ip: '203.0.113.9', tier: 1, until: '2026-11-24T13:00:01.000Z' }],
    };
    const failed = compareReport(bad, truth).checks.filter((x) => !x.ok).map((x) => x.name);
    expect(failed).toEqual(expect.arrayContaining([
      'addresses with failures missed (failures)', 'innocent addresses in addresses or bans', 'bans with wrong until (off by 1 s or more)',
    ]));
  });

  it('folds IPv4-mapped IPv6 and bracketed addresses', () => {
    expect(normalizeIp('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(normalizeIp('[2001:DB8:0:0::5]')).toBe('2001:db8::5');
    expect(normalizeIp('not an address')).toBeNull();
  });
});

describe("bench/compare's fail2ban model", () => {
  it('reads fail2ban-regex output', () => {
    expect(parseSummary('Lines: 10 lines, 0 ignored, 4 matched, 6 missed\n[processed in 0.25 sec]')).toEqual({ lines: 10, ignored: 0, matched: 4, missed: 6, processedS: 0.25 });
    expect(parseRows("['203.0.113.9',\t1795413694.0,\t{}],\nnoise\n['2001:db8::5', 1795413700.5, {}],")).toEqual([
      { ip: '203.0.113.9', t: 1795413694 }, { ip: '2001:db8::5', t: 1795413700.5 },
    ]);
  });

  it('bans at maxretry within findtime, counting lines, and leaves ignored addresses alone', () => {
    const rows = [
      { ip: '203.0.113.9', t: 0 }, { ip: '203.0.113.9', t: 10 },
      { ip: '198.51.100.7', t: 0 }, { ip: '198.51.100.7', t: 4000 },
      { ip: '10.0.0.5', t: 0 }, { ip: '10.0.0.5', t: 1 },
    ];
    const banned = simulateJail(rows, { maxretry: 2, findtime: 3600, ignored: (ip) => ip.startsWith('10.') });
    expect([...banned]).toEqual([['203.0.113.9', 1]]);
  });
});
