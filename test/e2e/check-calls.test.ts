/**
 * `sipwarden check --json` as a real process over the real Asterisk 20 call capture
 * (test/fixtures/asterisk-20-calls) and its CDRs: the toll-fraud guard's report names
 * account 100 (phase B's burst) and no other.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, sipwarden } from '../support/cli.js';

const DIR = path.join(ROOT, 'test/fixtures/asterisk-20-calls');

describe('sipwarden check on call captures', () => {
  for (const file of ['ami-events.txt', 'Master.csv']) {
    it(`reports account 100 and no other from ${file}`, () => {
      const r = sipwarden(['check', '--json', path.join(DIR, file)]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { fraud: Array<{ account: string; rule: string; action: string[]; destination: string; country: string | null; at: string; calls: number }> };
      expect([...new Set(out.fraud.map((f) => f.account))]).toEqual(['100']);
      expect(out.fraud).toHaveLength(15);
      expect(out.fraud[0]).toMatchObject({ rule: 'high_risk', destination: '+8823456789', country: '001', action: ['hangup', 'suspend', 'ban', 'alert'], calls: 1 });
      expect(Object.keys(out.fraud[0] ?? {}).sort()).toEqual(['account', 'action', 'at', 'calls', 'country', 'destination', 'rule']);
    });
  }

  it('says what the guard would have done in words', () => {
    const r = sipwarden(['check', path.join(DIR, 'ami-events.txt'), path.join(DIR, 'Master.csv')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Toll fraud: 22 trunk calls judged');
    expect(r.stdout).toContain('22 already in a capture');
    expect(r.stdout).toMatch(/Would stop \(15 decisions, 1 account\):\n {2}2026-11-24T18:58:25\.516Z {2}"100" +high_risk +\+8823456789 +001 +hangup,suspend,ban,alert\n/);
  });
});
