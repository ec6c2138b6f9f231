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
import { expectedBans, finalBan, HOUR, mergeBans, SCAN } from './policy.mjs';
import { TRUNK_ACCOUNT } from './population.mjs';
import { dropBorderline, unanswered } from './truth.mjs';
import { verifyLog } from './verify.mjs';
import type { Attempt } from './attacks.mjs';

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

  it('counts attempts and scans per address, never bans an innocent, and bans only what the policy bans', () => {
    const t = a.truth;
    expect(Object.values(t.failuresByIp).reduce((s, n) => s + n, 0)).toBe(t.attempts);
    expect(Object.values(t.scansByIp).reduce((s, n) => s + n, 0)).toBe(t.scans);
    const banned = new Set(t.expectedBans.map((b) => b.ip));
    for (const ip of t.innocents) expect(banned.has(ip)).toBe(false);
    expect(t.expectedBans.length).toBeGreaterThan(0);
    for (const b of t.expectedBans) {
      if (b.tier > 0) expect(t.failuresByIp[b.ip]).toBeGreaterThanOrEqual(2);
      else expect(t.scansByIp[b.ip]).toBeGreaterThanOrEqual(SCAN.count);
    }
  });

  it('counts the phones\' calls to missing numbers and their unanswered challenges, never the trunk\'s', () => {
    const o = a.truth.ordinary;
    expect(o.noExtensionCounted).toBeGreaterThan(0);
    expect(o.noExtensionOfTrunk).toBeGreaterThan(0);
    expect(o.unansweredChallenges).toBeGreaterThan(0);
    expect(a.truth.attempts).toBeGreaterThan(o.noExtensionCounted);
  });

  it('runs with the config that knows the generated trunk', () => {
    const yaml = fs.readFileSync(path.join(import.meta.dirname, '..', 'config', 'owner-policy.yaml'), 'utf8');
    expect(yaml).toMatch(new RegExp(`^accounts:\\n  trunks: \\[${TRUNK_ACCOUNT}\\]$`, 'm'));
  });
});

describe('the truth of challenges', () => {
  const T = Date.UTC(2026, 10, 24, 12);
  const probe = (t: number, callid: string, ip = '203.0.113.9') =>
    ({ t, ip, port: 5060, account: '100', kind: 'pjsip_probe', callid, fail: false, n: 1 }) as Attempt;
  const guess = (t: number, callid: string, ip = '203.0.113.9') =>
    ({ t, ip, port: 5060, account: '100', kind: 'pjsip_badauth', withChallenge: false, from: '', callid, nonce: '', fail: true, n: 2 }) as Attempt;

  it('a challenge is answered by a failure of the same address and Call-ID within the grace, before or after', () => {
    const list = [guess(T - 4000, 'a'), probe(T, 'a'), probe(T, 'b'), probe(T, 'c', '198.51.100.7'), guess(T + 3000, 'c')];
    expect([...unanswered(list).scans]).toEqual([2, 3]);
  });

  it('toll fraud: a chan_sip INVITE\'s challenge is not judged; a PJSIP one is answered by its success', () => {
    const sip = { t: T, ip: '203.0.113.9', port: 5060, account: '200', kind: 'chansip_noext', exten: '9011441234567', fail: true, n: 4 } as Attempt;
    const pj = { t: T, ip: '203.0.113.9', port: 5060, account: '100', kind: 'pjsip_noext', exten: '011491234567', callid: '1-7@x', fail: true, n: 3 } as Attempt;
    expect(unanswered([sip, pj]).scans.size).toBe(0);
  });

  it('an answer near the end of the grace is borderline and dropped', () => {
    const list = [probe(T, 'a'), guess(T + 5000, 'a'), probe(T + 60_000, 'b'), guess(T + 70_000, 'b')];
    expect([...unanswered(list, 2000).borderline]).toEqual([0]);
    expect(dropBorderline(list).attempts).toEqual(list.slice(1));
  });

  it('20 scans spanning about a minute are borderline; 20 within seconds are not', () => {
    const slow = Array.from({ length: 20 }, (_, i) => probe(T + i * 3158, `s${i}`));
    const fast = Array.from({ length: 20 }, (_, i) => probe(T + i * 300, `f${i}`, '198.51.100.7'));
    const { attempts, droppedScans } = dropBorderline([...slow, ...fast].sort((x, y) => x.t - y.t));
    expect(droppedScans).toBeGreaterThan(0);
    expect(attempts.filter((x) => x.ip === '198.51.100.7')).toHaveLength(20);
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

  it('20 scans within a minute ban for an hour (tier 0); 20 spanning a minute do not', () => {
    const within = Array.from({ length: 20 }, (_, i) => T + i * 3000);
    expect(finalBan(within, [SCAN])).toEqual({ tier: 0, until: T + 57_000 + HOUR });
    expect(finalBan([...within.slice(0, 19), T + 60_000], [SCAN])).toBeNull();
    expect(finalBan(within)).toEqual({ tier: 2, until: null }); // the same times as failures: the tiers
  });

  it('merges a tier ban and a scan ban as check does: the highest tier, the latest end', () => {
    expect(mergeBans({ tier: 1, until: T }, { tier: 0, until: T + 1000 })).toEqual({ tier: 1, until: T + 1000 });
    expect(mergeBans({ tier: 2, until: null }, { tier: 0, until: T })).toEqual({ tier: 2, until: null });
    expect(mergeBans(null, { tier: 0, until: T })).toEqual({ tier: 0, until: T });
    const bans = expectedBans(new Map([['203.0.113.9', [T]]]), new Map([['203.0.113.9', Array.from({ length: 20 }, (_, i) => T + i * 100)]]));
    expect(bans).toEqual([{ ip: '203.0.113.9', tier: 0, until: new Date(T + 1900 + HOUR).toISOString() }]);
  });

  it('never bans internal or loopback addresses', () => {
    const twice = [T, T + 1000];
    const bans = expectedBans(new Map([['10.1.2.3', twice], ['127.0.0.1', twice], ['fd00::5', twice], ['203.0.113.9', twice]]));
    expect(bans.map((b) => b.ip)).toEqual(['203.0.113.9']);
  });
});

describe('compareReport', () => {
  const truth = {
    lines: 100, attempts: 4, failuresByIp: { '203.0.113.9': 2, '2001:db8::5': 1, '198.51.100.7': 1 }, innocents: ['198.51.100.7'],
    scans: 21, scansByIp: { '192.0.2.50': 20, '198.51.100.7': 1 },
    expectedBans: [{ ip: '192.0.2.50', tier: 0, until: '2026-11-24T13:00:00.000Z' }, { ip: '203.0.113.9', tier: 1, until: '2026-11-24T13:00:00.000Z' }],
  };
  const report = {
    lines: 100, events: 5, attempts: 4, scans: 21,
    addresses: [
      { ip: '192.0.2.50', failures: 0, scans: 20, zone: 'external' }, { ip: '198.51.100.7', failures: 1, scans: 1, zone: 'external' },
      { ip: '203.0.113.9', failures: 2, zone: 'external' }, { ip: '2001:DB8::5', failures: 1, zone: 'external' },
    ],
    bans: [
      { ip: '192.0.2.50', tier: 0, until: '2026-11-24T13:00:00.900Z', failures: 0 },
      { ip: '203.0.113.9', tier: 1, until: '2026-11-24T13:00:00.400Z', failures: 2 },
    ],
  };

  it('passes a right report (addresses in any spelling, an end within the same second, an innocent\'s own misdial and scan)', () => {
    const c = compareReport(report, truth);
    expect(c.checks.filter((x) => !x.ok)).toEqual([]);
  });

  it('fails an innocent charged with another\'s failure, a missed failure, a missed scan and a ban a second off', () => {
    const bad = {
      ...report,
      scans: 20,
      addresses: [
        { ip: '192.0.2.50', failures: 0, scans: 19 }, { ip: '198.51.100.7', failures: 2, scans: 1 }, ...report.addresses.slice(3),
      ],
      bans: [report.bans[0], { ip: '203.0.113.9', tier: 1, until: '2026-11-24T13:00:01.000Z' }],
    };
    const failed = compareReport(bad, truth).checks.filter((x) => !x.ok).map((x) => x.name);
    expect(failed).toEqual([
      'scans (challenges never answered)', 'addresses with failures missed (failures)',
      'addresses with failures too many (failures)', 'addresses with scans missed (scans)',
      'innocent addresses banned or charged beyond their own traffic', 'bans with wrong until (off by 1 s or more)',
    ]);
  });

  it('fails an innocent banned, and a scan ban reported as a tier', () => {
    const bad = { ...report, bans: [{ ...report.bans[0], tier: 1 }, report.bans[1], { ip: '198.51.100.7', tier: 1, until: 'permanent' }] };
    const failed = compareReport(bad, truth).checks.filter((x) => !x.ok).map((x) => x.name);
    expect(failed).toEqual(['innocent addresses banned or charged beyond their own traffic', 'bans not expected', 'bans with wrong tier']);
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
