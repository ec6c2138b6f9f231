/**
 * Scanners that never fail a login, on the real Asterisk 20 captures: svwar and svmap
 * collect challenges they never answer (only `ChallengeSent`, nothing in `messages`);
 * phones answer theirs. `check` and the daemon's pipeline count the same scans.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../config/index.js';
import { policyInput, ruleInput, zoneInput } from '../daemon/inputs.js';
import { replayFiles } from '../sources/replay.js';
import { collectingPipeline } from '../../test/support/pipeline.js';
import { runCheck, type CheckReport } from './index.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../test/fixtures/asterisk-20');
const MESSAGES = path.join(FIXTURES, 'messages.log');
const SECURITY = path.join(FIXTURES, 'security.log');
const config = parseConfigText('accounts:\n  discover: false\n', 'test');
const check = (files: string[]): CheckReport =>
  runCheck(files, policyInput(config), zoneInput(config), { listAttempts: true, rules: ruleInput(config) });
const iso = (s: string) => Date.parse(`2026-11-24T${s}Z`);

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tempFile(name: string, lines: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-scan-'));
  dirs.push(dir);
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
const securityLines = () => fs.readFileSync(SECURITY, 'utf8').split('\n');
/** Line `n` (1-based) of the captured security log, its remote address moved to `ip`. */
const moved = (n: number, ip: string) => (securityLines()[n - 1] as string).replace(/RemoteAddress="IPV4\/UDP\/127\.0\.0\.1\//, `RemoteAddress="IPV4/UDP/${ip}/`);

describe('scans in the real captures', () => {
  it('counts exactly the challenges nobody answered (step-breakdown.txt), none of the answered ones', () => {
    const r = check([MESSAGES, SECURITY]);
    const scans = r.attemptList.filter((a) => a.reason === 'scan');
    const inStep = (from: string, to: string) => scans.filter((a) => a.at >= iso(from) && a.at <= iso(to)).length;
    // S01 svmap OPTIONS: 1 challenge. S02 svwar 90-110: 2 challenges, both of unknown accounts, answered by InvalidAccountID.
    expect(inStep('18:05:26.469', '18:05:29.629')).toBe(1);
    expect(inStep('18:05:31.644', '18:05:34.797')).toBe(0);
    // S03 svwar per extension: 42 challenges, 39 of unknown accounts (answered by InvalidAccountID): 100, 101 and 102 remain.
    expect(scans.filter((a) => a.at >= iso('18:05:36.812') && a.at <= iso('18:06:43.261')).map((a) => a.account)).toEqual(['100', '101', '102']);
    // S04-S09: svcrack and sipp answer every challenge (failures, successes).
    expect(inStep('18:06:45.311', '18:06:56.398')).toBe(0);
    // S10: an INVITE without auth from 100, never answered.
    expect(inStep('18:06:58.417', '18:06:58.568')).toBe(1);
    // S14 + S15: svwar against chan_sip with alwaysauthreject: 2 + 42 challenges, the only trace of the scan.
    expect(inStep('18:07:07.196', '18:08:18.739')).toBe(44);
    // S16-S21 answered; S22/S23 are chan_sip INVITEs, whose answers chan_sip never reports: not judged.
    expect(inStep('18:08:20.757', '18:09:30.000')).toBe(0);
    expect(r.scans).toBe(49);
    expect(scans).toHaveLength(49);
    // Loopback is never banned, and nothing else changed: failed attempts are counted as before.
    expect(r.bans).toEqual([]);
    expect(r.attempts).toBe(r.attemptList.length - 49);
  });

  it('bans a chan_sip enumerator from outside at its 20th unanswered challenge within a minute; the phone beside it is not touched', () => {
    // S14 + S15 (lines 116-159) from an attacker's address; S17 (lines 178-179): a phone registering, answered.
    const lines = [];
    for (let n = 116; n <= 159; n++) lines.push(moved(n, '203.0.113.7'));
    lines.push(moved(178, '198.51.100.20'), moved(179, '198.51.100.20'));
    const r = check([tempFile('security', lines)]);
    expect(r.scans).toBe(44);
    expect(r.attempts).toBe(0);
    expect(r.addresses).toEqual([{ ip: '203.0.113.7', failures: 0, scans: 44, zone: 'external' }]);
    // Each scan after the 20th renews the ban to an hour after it: it ends an hour after the last one (18:08:15.715).
    expect(r.bans).toEqual([{ ip: '203.0.113.7', tier: 0, until: iso('19:08:15.715'), failures: 0 }]);
  });

  it('the daemon writes each scan to the failed-auth log, and the ban at the 20th names itself', () => {
    const lines = [];
    for (let n = 116; n <= 159; n++) lines.push(moved(n, '203.0.113.7'));
    const file = tempFile('security', lines);
    const { pipeline, lines: log } = collectingPipeline(config, () => iso('18:10:00.000'));
    replayFiles([file], (ev) => pipeline.handle(ev), 'all');
    const scans = log.filter((l) => l.includes(' FAILED ') && l.includes(' reason=scan '));
    // The last challenges wait for a later report of the security log: the daemon judges them then.
    expect(pipeline.stats.scans).toBe(scans.length);
    expect(scans.length).toBeGreaterThanOrEqual(40);
    expect(scans[18]).toContain('counts=19/1m action=counted');
    expect(scans[19]).toMatch(/^2026-11-24T18:07:37\.909Z FAILED ip=203\.0\.113\.7 port=5093 service=SIP account="198" reason=scan zone=external counts=20\/1m action=banned ban=scan until=2026-11-24T19:07:37\.909Z source=".*security":20$/);
    expect(pipeline.stats.bans).toBeGreaterThanOrEqual(1);
  });
});

describe('phones are not scanners', () => {
  /**
   * A remote office: `phones` phones behind one public address, each re-registering every
   * `every` ms for `hours`, in the captured lines of a phone's registration (S05); phone
   * `p`'s `k`-th registration goes unanswered when `off(p, k)` (switched off in between).
   */
  function office(phones: number, every: number, hours: number, off: (p: number, k: number) => boolean = () => false): string[] {
    const [challengeLine, successLine] = [moved(99, '198.51.100.20'), moved(100, '198.51.100.20')] as [string, string];
    const out: Array<[number, string]> = [];
    const start = iso('08:00:00.000');
    for (let p = 0; p < phones; p++) {
      const account = String(300 + p);
      const callId = `${p + 1}-${4000 + p}@192.168.1.${10 + p}`;
      for (let k = 0, t = start + p * 1_937; t < start + hours * 3_600_000; k++, t += every) {
        const at = new Date(t).toISOString();
        const fill = (l: string, when: string) => l
          .replace(/EventTV="[^"]+"/, `EventTV="${when.replace('Z', '+0000')}"`)
          .replace(/^\[Nov 24 [\d:]+\]/, `[Nov 24 ${when.slice(11, 19)}]`)
          .replace('AccountID="101"', `AccountID="${account}"`)
          .replace('SessionID="1-16983@127.0.0.1"', `SessionID="${callId}"`)
          .replace(/\/5061"/, `/${20_000 + p}"`);
        out.push([t, fill(challengeLine, at)]);
        // Switched off between the REGISTER and its authenticated retry: the challenge stays unanswered.
        if (off(p, k)) continue;
        // Answered within milliseconds, or after retransmissions on a bad line (up to 3 s).
        const delay = p % 10 === 9 ? 3_000 : 2 + (p % 5);
        out.push([t + delay, fill(successLine, new Date(t + delay).toISOString())]);
      }
    }
    return out.sort((a, b) => a[0] - b[0]).map(([, l]) => l);
  }

  it('30 phones behind one address re-registering every minute for 2 hours: no scan, no ban', () => {
    const lines = office(30, 60_000, 2);
    expect(lines.length).toBeGreaterThan(7000);
    const r = check([tempFile('security', lines)]);
    expect(r.scans).toBe(0);
    expect(r.bans).toEqual([]);
  });

  it('phones switched off mid-registration leave a few unanswered challenges: counted, far from a ban', () => {
    // Phones 0-4 each switched off once, in minutes 5 to 9.
    const r = check([tempFile('security', office(30, 60_000, 1, (p, k) => p < 5 && k === 5 + p))]);
    expect(r.scans).toBe(5);
    expect(r.bans).toEqual([]);
  });
});
