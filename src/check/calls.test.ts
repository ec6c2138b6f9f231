/**
 * `sipwarden check` over call inputs: the asterisk-20-calls capture and its Master.csv
 * report what the guard would have done (account 100's burst, nobody else), a capture
 * and its CDRs together are one set of calls, and a month of generated CDRs is read in
 * seconds (measured once and printed; no timing is asserted).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../config/index.js';
import { policyInput, ruleInput, zoneInput } from '../daemon/inputs.js';
import { splitCsv } from '../parsers/cdr.js';
import { reportJson, runCheck } from './index.js';
import { mulberry32 as random } from '../../test/support/prng.js';

const DIR = path.resolve(import.meta.dirname, '../../test/fixtures/asterisk-20-calls');
const AMI = path.join(DIR, 'ami-events.txt');
const CSV = path.join(DIR, 'Master.csv');

function check(files: string[], config: Config = defaultConfig({ fileExists: () => false })) {
  return runCheck(files, policyInput(config), zoneInput(config), { rules: ruleInput(config), fraud: config.fraud });
}

/** The burst's numbers in the order they were dialled (README's table, calls 4 to 18), normalised by hand. */
const BURST = ['+8823456789', '+881612345678', '+88101234567', '+2521234567', '+882167890123', '+882345678901', '+252612345678', '+88163123456',
  '+88213000111', '+2399912345', '+24321234567', '+252907123456', '+8816312345678', '+5351234567', '+882990001234'];

describe('check on asterisk-20-calls', () => {
  it('reports account 100 and no other from the AMI capture, stopped at its first burst call', () => {
    const json = reportJson(check([AMI])) as { fraud: Array<Record<string, unknown>> };
    expect(new Set(json.fraud.map((f) => f.account))).toEqual(new Set(['100']));
    expect(json.fraud.map((f) => f.destination)).toEqual(BURST);
    expect(json.fraud[0]).toEqual({ account: '100', rule: 'high_risk', at: '2026-11-24T18:58:25.516Z', destination: '+8823456789', country: '001', action: ['hangup', 'suspend', 'ban', 'alert'], calls: 1 });
    expect(json.fraud.slice(1).every((f) => f.rule === 'suspended' && JSON.stringify(f.action) === '["hangup"]')).toBe(true);
    const times = json.fraud.map((f) => f.at as string);
    expect([...times].sort()).toEqual(times);
  });

  it('gives each call the time of its login in the capture (the clock of a capture without Timestamp headers)', () => {
    // Call 4's SuccessfulAuth EventTV is 18:58:25.516, its Newchannel was received at 25.519 (README): the clock lags by ms, never by calls.
    const r = check([AMI]);
    expect(r.calls?.trunkCalls).toBe(22);
    expect(r.calls?.files).toEqual([{ path: AMI, format: 'ami', records: 1736, calls: 194, duplicates: 0 }]);
  });

  it('reports the same from Master.csv, at the CDRs\' whole seconds, in start order', () => {
    const json = reportJson(check([CSV])) as { fraud: Array<Record<string, unknown>> };
    expect(new Set(json.fraud.map((f) => f.account))).toEqual(new Set(['100']));
    expect(json.fraud[0]).toEqual({ account: '100', rule: 'high_risk', at: '2026-11-24T18:58:25.000Z', destination: '+8823456789', country: '001', action: ['hangup', 'suspend', 'ban', 'alert'], calls: 1 });
    // Calls 17 and 18 started in the same second (18:58:36): the CDRs cannot tell their order, the file's is kept.
    expect(new Set(json.fraud.map((f) => f.destination))).toEqual(new Set(BURST));
    expect(json.fraud).toHaveLength(15);
  });

  it('reads a capture and its CDRs as one set of calls', () => {
    const r = check([CSV, AMI]);
    expect(r.calls?.trunkCalls).toBe(22);
    expect(r.calls?.files.find((f) => f.format === 'cdr')).toMatchObject({ calls: 22, duplicates: 22 });
    expect(r.calls?.fraud).toHaveLength(15);
  });

  it('leaves the report of log files as it was: no fraud key without call inputs', () => {
    const json = reportJson(check([path.join(DIR, 'security.log')]));
    expect(json).not.toHaveProperty('fraud');
  });

  it('judges nothing with fraud.enabled false', () => {
    const config = defaultConfig({ fileExists: () => false });
    expect(check([AMI], { ...config, fraud: { ...config.fraud, enabled: false } }).calls).toBeNull();
  });
});


const pad = (n: number) => String(n).padStart(2, '0');
const cdrTime = (t: number) => { const d = new Date(t); return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`; };

/** US area codes the generated office calls. */
const NPAS = ['212', '312', '415', '617', '713', '206', '303', '404'];

/**
 * A month of an office's CDRs: 60 extensions (100-159), weekdays 08:00-18:00, a call every
 * 4 to 12 minutes each, 5% international (to GB and DE, which each called on its first day),
 * 20% unanswered or busy; and on day 17 at 03:12 extension 142's secret in an attacker's
 * hands: 40 calls to +882 and +53 numbers in two minutes.
 */
function month(): { text: string; rows: number; attack: number; after142: number } {
  const rnd = random(14);
  const digits = (n: number) => String(Math.floor(rnd() * 10 ** n)).padStart(n, '0');
  const start = Date.UTC(2026, 9, 1);
  const lines: string[] = [];
  let channel = 0;
  const row = (account: number, number: string, t: number, answered: boolean, seconds: number) => {
    const ch = `PJSIP/${account}-${(channel++).toString(16).padStart(8, '0')}`;
    const dst = `PJSIP/itsp-${(channel++).toString(16).padStart(8, '0')}`;
    const end = t + (answered ? seconds : 20) * 1000;
    lines.push([
      '""', `"${account}"`, `"${number}"`, '"from-internal"', `""""" <${account}>"`, `"${ch}"`, `"${dst}"`, '"Dial"', `"PJSIP/${number}@itsp,30"`,
      `"${cdrTime(t)}"`, answered ? `"${cdrTime(t)}"` : '', `"${cdrTime(end)}"`, String(Math.round((end - t) / 1000)), String(answered ? seconds : 0),
      answered ? '"ANSWERED"' : rnd() < 0.5 ? '"BUSY"' : '"NO ANSWER"', '"DOCUMENTATION"',
    ].join(','));
  };
  for (let day = 0; day < 31; day++) {
    const weekday = new Date(start + day * 86_400_000).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (let account = 100; account < 160; account++) {
      let t = start + day * 86_400_000 + 8 * 3_600_000 + Math.floor(rnd() * 600_000);
      if (day === 0) {
        row(account, '011442079460123', t, true, 60);
        row(account, '0114930901820', t + 120_000, true, 60);
        t += 240_000;
      }
      while (t < start + day * 86_400_000 + 18 * 3_600_000) {
        const international = rnd() < 0.05;
        const number = international ? (rnd() < 0.5 ? `01144207946${digits(4)}` : `011493090${digits(5)}`)
          : `${NPAS[Math.floor(rnd() * NPAS.length)]}${2 + Math.floor(rnd() * 8)}${digits(6)}`;
        const seconds = 20 + Math.floor(rnd() * 240);
        row(account, number, t, rnd() < 0.8, seconds);
        t += (4 + Math.floor(rnd() * 8)) * 60_000 + seconds * 1000;
      }
    }
  }
  const attack = start + 16 * 86_400_000 + 3 * 3_600_000 + 12 * 60_000;
  for (let i = 0; i < 40; i++) row(142, i % 2 ? `0115351${String(i).padStart(6, '0')}` : `011882${String(i).padStart(8, '0')}`, attack + i * 3000, true, 90);
  // Every call 142 places from the attack on (its own calls of the following days too): a suspended account's calls are all refused.
  const after142 = lines.map((l) => splitCsv(l) as string[]).filter((f) => f[1] === '142' && Date.parse(`${(f[9] as string).replace(' ', 'T')}Z`) >= attack).length;
  return { text: `${lines.join('\n')}\n`, rows: lines.length, attack, after142 };
}

describe('a month of CDRs', () => {
  it('is checked in seconds and finds the one hijacked extension, at its first fraudulent call', () => {
    const { text, rows, attack, after142 } = month();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-cdr-'));
    try {
      const file = path.join(dir, 'Master.csv');
      fs.writeFileSync(file, text);
      const config = defaultConfig({ fileExists: () => false });
      const t = performance.now();
      const r = check([file], { ...config, fraud: { ...config.fraud, homeCountry: 'US' } });
      const ms = performance.now() - t;
      console.log(`a month of CDRs: ${rows} rows (${(text.length / 1e6).toFixed(1)} MB) checked in ${(ms / 1000).toFixed(2)} s`);
      expect(r.calls?.trunkCalls).toBe(rows);
      const fraud = r.calls?.fraud ?? [];
      expect(new Set(fraud.map((f) => f.account))).toEqual(new Set(['142']));
      expect(fraud[0]).toMatchObject({ rule: 'high_risk', at: attack, destination: '+88200000000', country: '001' });
      // Suspended from the first: every later call of 142 is refused until a person allows it again.
      expect(fraud.slice(1).every((f) => f.rule === 'suspended')).toBe(true);
      expect(fraud).toHaveLength(after142);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
