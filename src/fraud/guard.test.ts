/**
 * The toll-fraud guard's rules, one at a time, with a fake clock (every event carries
 * the time the test gives it; nothing sleeps), through the FraudDecider so the effects
 * are checked as the runner will receive them.
 */
import { describe, expect, it } from 'vitest';
import { call, login, T0 } from '../../test/support/calls.js';
import { defaultConfig, parseConfigText } from '../config/index.js';
import { policyInput, ruleInput, zoneInput } from '../daemon/inputs.js';
import type { CallEvent, SecurityEvent } from '../domain/events.js';
import { Engine, type Effect } from '../engine/index.js';
import { FraudDecider } from './decide.js';
import type { FraudInput, FraudRule } from './rules.js';

const M = 60_000;
const H = 60 * M;

/** A decider over the default config with `fraud` replaced in part (YAML, as a person writes it). */
function setup(fraudYaml = '', extra = ''): { d: FraudDecider; input: FraudInput; feed: (evs: CallEvent | SecurityEvent | Array<CallEvent | SecurityEvent>) => Effect[] } {
  const config = fraudYaml || extra ? parseConfigText(`${extra}\nfraud:\n${fraudYaml}`, 'test.yaml', { fileExists: () => false }) : defaultConfig({ fileExists: () => false });
  const engine = new Engine(policyInput(config), zoneInput(config), ruleInput(config));
  const d = new FraudDecider(engine, config.fraud);
  const feed = (evs: CallEvent | SecurityEvent | Array<CallEvent | SecurityEvent>) => (Array.isArray(evs) ? evs : [evs]).flatMap((e) => [...d.decide(e, e.at)]);
  return { d, input: config.fraud, feed };
}

/** Only these rules (YAML flow mappings). */
const only = (...rules: string[]) => `  rules:\n${rules.map((r) => `    - ${r}\n`).join('')}`;
const findings = (effects: readonly Effect[]) => effects.flatMap((e) => (e.kind === 'fraud' ? [e.finding] : []));
const hangups = (effects: readonly Effect[]) => effects.flatMap((e) => (e.kind === 'hangup' ? e.calls.map((c) => c.channel) : []));

describe('calls started per window', () => {
  const { feed } = setup(only('{ rule: calls, max: 3, within: 1m, action: [hangup, alert] }'));
  it('stops the call that makes more than max within the window, at its DialBegin', () => {
    const calls = [0, 1, 2, 3].map(() => call('100', '5551234567'));
    expect(findings(feed(calls.slice(0, 3).map((c, i) => c.begin(T0 + i * 10_000))))).toEqual([]);
    const fourth = feed((calls[3] as ReturnType<typeof call>).begin(T0 + 30_000));
    expect(fourth[0]).toEqual({ kind: 'hangup', account: '100', calls: [{ channel: calls[3]?.channel, uniqueid: calls[3]?.uniqueid }], rule: 'calls/1m', cause: 21 });
    expect(findings(fourth)).toMatchObject([{ rule: 'calls/1m', count: 4, actions: ['hangup', 'alert'] }]);
  });
  it('counts only the window: a call a minute after the first three passes', () => {
    const { feed: f2 } = setup(only('{ rule: calls, max: 3, within: 1m, action: [hangup] }'));
    const cs = [0, 1, 2, 3].map(() => call('100', '5551234567'));
    const times = [T0, T0 + 1000, T0 + 2000, T0 + 61_000];
    expect(findings(f2(cs.map((c, i) => c.begin(times[i] as number))))).toEqual([]);
  });
  it('counts per account', () => {
    const { feed: f3 } = setup(only('{ rule: calls, max: 1, within: 1h, action: [alert] }'));
    expect(findings(f3([call('100', '5551').begin(T0), call('101', '5552').begin(T0 + 1)]))).toEqual([]);
    expect(findings(f3(call('100', '5553').begin(T0 + 2)))).toMatchObject([{ account: '100', rule: 'calls/1h', actions: ['alert'] }]);
  });
  it('with alert only, hangs nothing up', () => {
    const { feed: f4 } = setup(only('{ rule: calls, max: 1, within: 1h, action: [alert] }'));
    const effects = f4([call('100', '5551').begin(T0), call('100', '5552').begin(T0 + 1)]);
    expect(hangups(effects)).toEqual([]);
    expect(effects.filter((e) => e.kind === 'alert')).toHaveLength(1);
  });
});

describe('concurrent calls', () => {
  it('stops the call over max calls up at once, and lets a new one through once one ended', () => {
    const { feed } = setup(only('{ rule: concurrent, max: 2, action: [hangup, alert] }'));
    const [a, b, c, d] = [0, 1, 2, 3].map(() => call('100', '5551234567')) as [ReturnType<typeof call>, ReturnType<typeof call>, ReturnType<typeof call>, ReturnType<typeof call>];
    feed([a.begin(T0), a.answer(T0 + 100), b.begin(T0 + 1000), b.answer(T0 + 1100)]);
    expect(hangups(feed(c.begin(T0 + 2000)))).toEqual([c.channel]);
    feed(c.end(T0 + 2100));
    feed(a.end(T0 + 3000));
    expect(hangups(feed(d.begin(T0 + 4000)))).toEqual([]);
  });
  it('does not count a call the trunk refused (busy) or one already being hung up', () => {
    const { feed } = setup(only('{ rule: concurrent, max: 1, action: [hangup] }'));
    const [a, b, c] = [0, 1, 2].map(() => call('100', '5553330486')) as [ReturnType<typeof call>, ReturnType<typeof call>, ReturnType<typeof call>];
    feed([a.begin(T0), a.fail(T0 + 1000, 'BUSY')]);
    expect(hangups(feed(b.begin(T0 + 2000)))).toEqual([]);
    expect(hangups(feed(c.begin(T0 + 3000)))).toEqual([c.channel]); // b is up: c is the second
    const d = call('100', '5553330486');
    const effects = feed(d.begin(T0 + 4000));
    expect(hangups(effects)).toEqual([d.channel]);
    expect(findings(effects)[0]?.count).toBe(2); // b and d: c, being hung up, is not counted
  });
});

describe('international calls per window', () => {
  it('counts only international destinations (home country US: national numbers do not count)', () => {
    const { feed } = setup(`  home_country: US\n${only('{ rule: international, max: 2, within: 1h, action: [hangup, suspend, alert] }')}`);
    expect(findings(feed([
      call('200', '011442079460123').begin(T0), call('200', '5551234567').begin(T0 + M), call('200', '0114930901820').begin(T0 + 2 * M), call('200', '2125551234').begin(T0 + 3 * M),
    ]))).toEqual([]);
    expect(findings(feed(call('200', '0033140000000').begin(T0 + 4 * M)))).toMatchObject([{ rule: 'international/1h', count: 3, call: { destination: { e164: '+33140000000', country: 'FR' } } }]);
  });
  it('has a daily window too', () => {
    const { feed } = setup(only('{ rule: international, max: 2, within: 24h, action: [alert] }'));
    expect(findings(feed([call('200', '0044207946').begin(T0), call('200', '0049309018').begin(T0 + 5 * H)]))).toEqual([]);
    expect(findings(feed(call('200', '0033140000').begin(T0 + 23 * H)))).toHaveLength(1);
    expect(findings(feed(call('200', '0033140001').begin(T0 + 29 * H)))).toEqual([]); // the first two left the 24 h window
  });
  it('finds an international number dialled as a national one (US home: 1-876 is Jamaica)', () => {
    const { feed } = setup(`  home_country: US\n${only('{ rule: international, max: 1, within: 1h, action: [alert] }')}`);
    feed(call('100', '8762345678').begin(T0));
    expect(findings(feed(call('100', '18762345679').begin(T0 + 1)))).toMatchObject([{ call: { destination: { country: 'JM', international: true } } }]);
  });
});

describe('high-risk destinations', () => {
  it('hangs the call up at its DialBegin, before any answer, with the listed entry as the reason', () => {
    const { feed } = setup(only('{ rule: high_risk, action: [hangup, suspend, ban, alert] }'));
    const c = call('100', '0118823456789');
    const effects = feed(c.begin(T0));
    expect(effects.map((e) => e.kind)).toEqual(['hangup', 'log', 'say', 'fraud', 'suspend', 'alert']);
    expect(findings(effects)[0]).toMatchObject({ rule: 'high_risk', why: 'a call to +882: International Networks (non-geographic)', call: { destination: { e164: '+8823456789', country: '001' } } });
  });
  it('takes the longest prefix, and never flags what not_high_risk exempts', () => {
    const { feed } = setup(`  high_risk: [default, "+371"]\n  not_high_risk: ["+1268", "+8816"]\n${only('{ rule: high_risk, action: [alert] }')}`);
    expect(findings(feed(call('100', '0037120000000').begin(T0)))).toHaveLength(1);
    expect(findings(feed(call('100', '0112684601234').begin(T0)))).toEqual([]);
    expect(findings(feed(call('100', '008816312345678').begin(T0)))).toEqual([]);
    expect(findings(feed(call('100', '008817123456789').begin(T0)))).toHaveLength(1); // +8817: still under +881
  });
});

describe('allowed countries per account class', () => {
  const { feed } = setup(`  home_country: US\n  allowed_countries: { extension: [GB, CA] }\n${only('{ rule: country, action: [hangup, alert] }')}`, 'accounts:\n  extensions: ["1??"]');
  it('stops a class\'s call to a country not in its list; home, listed and other classes pass', () => {
    expect(findings(feed(call('100', '0114930901820').begin(T0)))).toMatchObject([{ rule: 'country', accountClass: 'extension', why: expect.stringContaining('DE') }]);
    expect(findings(feed(call('100', '011442079460123').begin(T0 + 1)))).toEqual([]);
    expect(findings(feed(call('100', '2125551234').begin(T0 + 2)))).toEqual([]);
    expect(findings(feed(call('200', '0114930901820').begin(T0 + 3)))).toEqual([]); // 200: class unknown, no list
  });
});

describe('the first call to a new country', () => {
  it('is said once the account was watched for `learn`, once per country', () => {
    const { feed } = setup(only('{ rule: new_country, learn: 7d, action: [alert] }'));
    expect(findings(feed(call('100', '0044207946').begin(T0)))).toEqual([]); // learning: GB becomes known
    expect(findings(feed(call('100', '0049309018').begin(T0 + 6 * 24 * H)))).toEqual([]); // still learning
    expect(findings(feed(call('100', '0044207947').begin(T0 + 8 * 24 * H)))).toEqual([]); // GB known
    expect(findings(feed(call('100', '0033140000').begin(T0 + 8 * 24 * H + 1)))).toMatchObject([{ rule: 'new_country', why: 'the first call of this account to FR' }]);
    expect(findings(feed(call('100', '0033140001').begin(T0 + 8 * 24 * H + 2)))).toEqual([]);
  });
});

describe('business hours', () => {
  it('flags a call outside them, in the configured zone', () => {
    const { feed } = setup(`  time_zone: America/New_York\n${only('{ rule: hours, from: "08:00", to: "18:00", days: [mon, tue, wed, thu, fri], action: [alert] }')}`);
    expect(findings(feed(call('100', '5551234567').begin(T0)))).toMatchObject([{ rule: 'hours' }]); // 10:00Z is 05:00 in New York
    expect(findings(feed(call('100', '5551234567').begin(T0 + 4 * H)))).toEqual([]); // 09:00 there
  });
  it('passes a call inside them and flags the weekend', () => {
    const { feed } = setup(`  time_zone: UTC\n${only('{ rule: hours, from: "08:00", to: "18:00", days: [mon, tue, wed, thu, fri], action: [alert] }')}`);
    expect(findings(feed(call('100', '5551234567').begin(T0)))).toEqual([]); // Tue 10:00
    expect(findings(feed(call('100', '5551234567').begin(T0 + 9 * H)))).toHaveLength(1); // Tue 19:00
    expect(findings(feed(call('100', '5551234567').begin(T0 + 4 * 24 * H)))).toHaveLength(1); // Sat 10:00
  });
});

describe('daily minutes cap', () => {
  const rule = '{ rule: minutes, max: 10, within: 24h, action: [hangup, alert] }';
  it('refuses a new call once the minutes are used, counting ended and live calls', () => {
    const { feed } = setup(only(rule));
    const a = call('100', '5551');
    const b = call('100', '5552');
    feed([a.begin(T0), a.answer(T0 + 1000), ...a.end(T0 + 1000 + 6 * M), b.begin(T0 + 7 * M), b.answer(T0 + 7 * M)]);
    expect(findings(feed(call('100', '5553').begin(T0 + 8 * M)))).toEqual([]); // 6 + 1 minutes
    expect(findings(feed(call('100', '5554').begin(T0 + 11 * M + 1000)))).toMatchObject([{ rule: 'minutes/1d', count: 10 }]);
  });
  it('hangs up live calls that cross it as time passes (tick), once', () => {
    const { d, feed } = setup(only(rule));
    const a = call('100', '5551');
    feed([a.begin(T0), a.answer(T0)]);
    expect(d.tick(T0 + 9 * M)).toEqual([]);
    const crossed = d.tick(T0 + 10 * M);
    expect(hangups(crossed)).toEqual([a.channel]);
    expect(d.tick(T0 + 11 * M)).toEqual([]);
  });
  it('takes the CDR\'s billable seconds over its own reckoning', () => {
    const { feed } = setup(only(rule));
    const a = call('100', '5551');
    feed([a.begin(T0), a.answer(T0), ...a.end(T0 + M)]);
    feed({
      kind: 'cdr', at: T0 + M, evidence: { source: 't', line: 1, text: '' }, channel: a.channel, account: '100', destChannel: a.dest, destAccount: 'itsp', destination: '5551',
      context: 'from-internal', lastApp: 'Dial', lastData: '', start: T0, answer: T0, end: T0 + M, duration: 600, billsec: 600, disposition: 'ANSWERED', uniqueid: a.uniqueid,
    });
    expect(findings(feed(call('100', '5552').begin(T0 + 2 * M)))).toMatchObject([{ rule: 'minutes/1d', count: 10 }]);
  });
});

describe('suspension', () => {
  it('hangs up every later trunk call of a suspended account until a person allows it', () => {
    const { d, feed } = setup(only('{ rule: high_risk, action: [hangup, suspend] }'));
    feed(call('100', '0118823456789').begin(T0));
    const later = call('100', '5551234567');
    const effects = feed(later.begin(T0 + M));
    expect(findings(effects)).toMatchObject([{ rule: 'suspended', actions: ['hangup'], why: expect.stringContaining('high_risk') }]);
    expect(hangups(effects)).toEqual([later.channel]);
    expect(d.allow('100', T0 + 2 * M, 'admin').map((e) => e.kind)).toEqual(['resume', 'log', 'say']);
    expect(findings(feed(call('100', '5551234567').begin(T0 + 3 * M)))).toEqual([]);
    expect(d.allow('100', T0 + 4 * M, 'admin')).toEqual([]);
  });
  it('with hangup, ends the account\'s other live trunk calls too; other accounts keep theirs', () => {
    const { feed } = setup(only('{ rule: high_risk, action: [hangup, suspend, alert] }'));
    const a = call('100', '5551');
    const b = call('100', '5552');
    const other = call('101', '5553');
    feed([a.begin(T0), a.answer(T0 + 1), b.begin(T0 + 2), other.begin(T0 + 3), other.answer(T0 + 4)]);
    const bad = call('100', '0118823456789');
    const effects = feed(bad.begin(T0 + 5));
    expect(hangups(effects)).toEqual([bad.channel, a.channel, b.channel]);
    expect(effects.find((e) => e.kind === 'log')).toMatchObject({ line: expect.stringContaining(' hangup=3 ') });
  });
  it('never stops an emergency call, even from a suspended account', () => {
    const { d, feed } = setup();
    d.guard.suspend('100', T0, 'manual');
    expect(feed(call('100', '911').begin(T0 + 1))).toEqual([]);
    expect(findings(feed(call('100', '5551234567').begin(T0 + 2)))).toMatchObject([{ rule: 'suspended' }]);
  });
});

describe('which calls are judged', () => {
  const { d, feed } = setup(only('{ rule: calls, max: 1, within: 1h, action: [hangup] }'));
  it('ignores calls to phones (no trunk, no outbound context, the dial string names the phone)', () => {
    feed([call('100', '101', { to: '101' }).begin(T0), call('100', '102', { to: '102' }).begin(T0 + 1)]);
    expect(d.guard.stats.calls).toBe(0);
  });
  it('counts a failover to a second trunk as one call, and judges its destination', () => {
    const a = call('101', '5551234567');
    feed([a.begin(T0 + 10), a.fail(T0 + 11, 'CHANUNAVAIL')]);
    const second = { ...(a.begin(T0 + 12) as Extract<CallEvent, { kind: 'dial_begin' }>), destChannel: 'PJSIP/itsp2-00000099', destUniqueid: 'x.99', destAccount: 'itsp2', dialString: '5551234567@itsp2' };
    expect(findings(feed(second))).toEqual([]);
    expect(d.guard.stats.calls).toBe(1);
  });
  it('gives a Local channel\'s trunk call to the account that started the call (its linkedid)', () => {
    const { d: d2, feed: f2 } = setup(only('{ rule: high_risk, action: [alert] }'));
    const first = call('102', '600', { to: '600' });
    f2({ kind: 'channel_created', at: T0, evidence: { source: 't', line: 1, text: '' }, channel: first.channel, uniqueid: first.uniqueid, linkedid: first.uniqueid, account: '102', context: 'from-internal', exten: '600' });
    const local = call('x', '0118823456789', { caller: 'Local/0118823456789@from-internal-00000001;2', linkedid: first.uniqueid });
    expect(findings(f2(local.begin(T0 + 1)))).toMatchObject([{ account: '102' }]);
    const orphan = call('x', '0118823456789', { caller: 'Local/1@x-00000002;2', linkedid: 'nobody.1' });
    expect(f2(orphan.begin(T0 + 2))).toEqual([]);
    expect(d2.guard.stats.unattributed).toBe(1);
  });
  it('judges nothing with enabled: false', () => {
    const { feed: f3 } = setup('  enabled: false');
    expect(f3(call('100', '0118823456789').begin(T0))).toEqual([]);
  });
});

describe('the ban action', () => {
  const rules = only('{ rule: high_risk, action: [hangup, ban, alert] }');
  it('bans the external address the account last authenticated from, with the login and the call as evidence', () => {
    const { feed } = setup(rules);
    feed([login('100', '198.51.100.7', T0 - 5 * M), login('100', '203.0.113.9', T0 - 100)]);
    const effects = feed(call('100', '0118823456789').begin(T0));
    const ban = effects.find((e) => e.kind === 'ban');
    expect(ban).toMatchObject({ kind: 'ban', ban: { ip: '203.0.113.9', reason: 'toll-fraud', accounts: ['100'], expiresAt: null }, ifSeen: true });
    const line = (effects.find((e) => e.kind === 'log') as { line: string }).line;
    expect(line).toContain(' ip=203.0.113.9 zone=external banned=yes also_from="198.51.100.7" ');
    expect(effects.find((e) => e.kind === 'alert')).toMatchObject({ alert: { kind: 'toll_fraud', ip: '203.0.113.9', message: expect.stringContaining('banned 203.0.113.9') } });
  });
  it('never bans an internal, trusted or loopback address: the zones decide', () => {
    for (const [ip, zone] of [['192.168.1.20', 'internal'], ['127.0.0.1', 'never'], ['198.51.100.1', 'trusted']] as const) {
      const { feed } = setup(rules, 'networks:\n  trusted: [198.51.100.1]');
      feed(login('100', ip, T0 - 1));
      const effects = feed(call('100', '0118823456789').begin(T0));
      expect(effects.some((e) => e.kind === 'ban'), ip).toBe(false);
      expect((effects.find((e) => e.kind === 'log') as { line: string }).line).toContain(` ip=${ip} zone=${zone} banned=no `);
    }
  });
  it('says ip=- when no login of the account was seen (chan_sip reports none)', () => {
    const { feed } = setup(rules);
    const effects = feed(call('200', '0118823456789', { tech: 'SIP' }).begin(T0));
    expect((effects.find((e) => e.kind === 'log') as { line: string }).line).toContain(' ip=- ');
  });
});

describe('the unregister action', () => {
  it('names the account, the address to remove the contacts of, and the technology', () => {
    const { feed } = setup(only('{ rule: high_risk, action: [unregister] }'));
    feed(login('100', '203.0.113.9', T0 - 1));
    expect(feed(call('100', '0118823456789').begin(T0)).find((e) => e.kind === 'unregister')).toEqual({ kind: 'unregister', account: '100', ip: '203.0.113.9', tech: 'PJSIP' });
  });
});

describe('the FRAUD line', () => {
  it('quotes and escapes the dialled text and the account', () => {
    const { feed } = setup(only('{ rule: calls, max: 1, within: 1m, action: [alert] }'));
    feed(call('100', '5551').begin(T0));
    const effects = feed(call('100', '555"\u001b[2J\nFRAUD account="x"').begin(T0 + 1));
    const line = (effects.find((e) => e.kind === 'log') as { line: string }).line;
    expect(line).not.toMatch(/[\n\u001b]/);
    expect(line).toContain('dialled="555\\"\\x1b[2J\\x0aFRAUD account=\\"x\\""');
    expect(line.startsWith('2026-11-24T10:00:00.001Z FRAUD account="100" rule=calls/1m destination=- country=- ')).toBe(true);
  });
});

describe('rules as data', () => {
  it('are judged in one fixed order whatever the file\'s order, the first broken naming the finding', () => {
    const { feed } = setup(only('{ rule: calls, max: 1, within: 1h, action: [alert] }', '{ rule: high_risk, action: [hangup] }'));
    feed(call('100', '5551').begin(T0));
    expect(findings(feed(call('100', '0118823456789').begin(T0 + 1)))).toMatchObject([{ rule: 'high_risk', also: ['calls/1h'], actions: ['hangup', 'alert'] }]);
  });
  it('can be replaced while running; windows and suspensions are kept', () => {
    const { d, feed } = setup(only('{ rule: calls, max: 5, within: 1h, action: [alert] }'));
    feed([call('100', '5551').begin(T0), call('100', '5552').begin(T0 + 1)]);
    const stricter: FraudRule = { rule: 'calls', max: 2, within: H, action: ['alert'] };
    d.setInput({ ...setup().input, rules: [stricter] });
    expect(findings(feed(call('100', '5553').begin(T0 + 2)))).toMatchObject([{ rule: 'calls/1h', count: 3 }]);
  });
});
