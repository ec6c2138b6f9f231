/**
 * The real Asterisk 20 call capture (test/fixtures/asterisk-20-calls) replayed through
 * the guard with the default rules, each frame at the time the recorder received it
 * (ami-events.timestamped.txt: the fake clock is the capture's own). Phase B, extension
 * 100's burst of 15 calls to international networks and high-risk countries, is stopped
 * at its first call's DialBegin; phases A, C, D and E (national calls, the UK and
 * Germany, busy, unanswered) pass.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CALLS_FIXTURE_DIR } from '../../test/support/call-samples.js';
import { defaultConfig, type Config } from '../config/index.js';
import { policyInput, ruleInput, zoneInput } from '../daemon/inputs.js';
import { Engine, type Effect } from '../engine/index.js';
import { parseCallFrame } from '../parsers/calls.js';
import { parseAmiFrame } from '../parsers/index.js';
import { FraudDecider } from './decide.js';
import type { FraudInput } from './rules.js';
import type { FraudFinding } from './types.js';

const SOURCE = 'ami-events.timestamped.txt';

/** Each frame of the capture with its receive time. */
function frames(): Array<{ at: number; frame: string; n: number }> {
  const text = readFileSync(new URL(SOURCE, CALLS_FIXTURE_DIR), 'utf8');
  const parts = text.split(/^### recv (\S+)\r\n/m).slice(1);
  const out: Array<{ at: number; frame: string; n: number }> = [];
  for (let i = 0; i < parts.length; i += 2) out.push({ at: Date.parse(parts[i] as string), frame: (parts[i + 1] as string).replace(/(\r\n)+$/, ''), n: i / 2 + 1 });
  return out;
}

/** Replays the capture through a decider over `config` with `fraud` changed; returns every effect. */
function replay(change: (f: FraudInput) => FraudInput = (f) => f, config: Config = defaultConfig({ fileExists: () => false })): Effect[] {
  const engine = new Engine(policyInput(config), zoneInput(config), ruleInput(config));
  const d = new FraudDecider(engine, change(config.fraud));
  const effects: Effect[] = [];
  for (const { at, frame, n } of frames()) {
    const ctx = { source: SOURCE, line: n, refTime: at };
    const ev = parseCallFrame(frame, ctx) ?? parseAmiFrame(frame, ctx);
    if (ev) effects.push(...d.decide(ev, at));
  }
  return effects;
}

const findingsOf = (effects: readonly Effect[]): FraudFinding[] => effects.flatMap((e) => (e.kind === 'fraud' ? [e.finding] : []));

/** The burst's caller channels, in the order of the README's per-call table (calls 4 to 18). */
const BURST = ['0e', '10', '12', '14', '16', '18', '1a', '1c', '1e', '20', '22', '24', '26', '28', '2a'].map((h) => `PJSIP/100-000000${h}`);

describe('the default rules on asterisk-20-calls', () => {
  const effects = replay();
  const found = findingsOf(effects);

  it('has 1,737 frames with their receive times', () => {
    expect(frames()).toHaveLength(1737);
  });

  it('stops phase B at its first call (call 4, +882) when it is dialled, and no call of 101 or 200', () => {
    expect(new Set(found.map((f) => f.account))).toEqual(new Set(['100']));
    expect(found.map((f) => f.call?.channel)).toEqual(BURST);
    const first = found[0] as FraudFinding;
    expect(first).toMatchObject({ rule: 'high_risk', actions: ['hangup', 'suspend', 'ban', 'alert'], hangup: [{ channel: BURST[0], uniqueid: '1795546705.14' }] });
    // Decided at its DialBegin (block 284, received 18:58:25.521582), before the trunk leg went Up (block 292, 2.5 ms later:
    // the capture's trunk is a sipp UAS on loopback that answers at once).
    expect(first.at).toBe(Date.parse('2026-11-24T18:58:25.521582Z'));
    const lines = effects.flatMap((e) => (e.kind === 'log' ? [e.line] : []));
    expect(lines[0]).toBe(
      '2026-11-24T18:58:25.521Z FRAUD account="100" rule=high_risk destination=+8823456789 country=001 dialled="0118823456789" calls=1 '
      + 'action=hangup,suspend,ban,alert ip=127.0.0.1 zone=never banned=no why="a call to +882: International Networks (non-geographic)" '
      + 'channel="PJSIP/100-0000000e" source="ami-events.timestamped.txt":284',
    );
  });

  it('hangs up each of the 14 later burst calls at its DialBegin: the account is suspended', () => {
    for (const f of found.slice(1)) expect(f).toMatchObject({ rule: 'suspended', actions: ['hangup'], hangup: [{ channel: f.call?.channel }] });
    expect(effects.filter((e) => e.kind === 'suspend')).toEqual([{ kind: 'suspend', account: '100', at: found[0]?.at, rule: 'high_risk' }]);
    // 100 logged in from 127.0.0.1 (loopback): never banned, whatever it did.
    expect(effects.some((e) => e.kind === 'ban')).toBe(false);
  });

  it('gives one alert, for the first call', () => {
    expect(effects.filter((e) => e.kind === 'alert')).toMatchObject([{ alert: { kind: 'toll_fraud', account: '100', ip: '127.0.0.1' } }]);
  });

  it('leaves phases A, C, D and E alone with home_country US too (national numbers normalised, the UK and Germany international)', () => {
    const us = findingsOf(replay((f) => ({ ...f, homeCountry: 'US' })));
    expect(us.map((f) => f.call?.channel)).toEqual(BURST);
  });
});

describe('the burst without a destination list (the list can never be complete)', () => {
  const found = findingsOf(replay((f) => ({ ...f, highRisk: [] })));

  it('is still stopped by the volume rules: call 8 (5 calls up at once), then call 9 (6 international calls within an hour) suspends 100', () => {
    expect(found.map((f) => [f.call?.channel, f.rule])).toEqual([
      [BURST[4], 'concurrent'],
      [BURST[5], 'international/1h'],
      ...BURST.slice(6).map((c) => [c, 'suspended']),
    ]);
    expect(found[0]).toMatchObject({ count: 5, actions: ['hangup', 'alert'] });
    expect(found[1]).toMatchObject({ count: 6, actions: ['hangup', 'suspend', 'ban', 'alert'] });
    expect(new Set(found.map((f) => f.account))).toEqual(new Set(['100']));
  });
});
