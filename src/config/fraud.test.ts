/** The `fraud:` section: defaults, normalisation, and one clear line per mistake. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_HIGH_RISK } from '../fraud/high-risk.js';
import { defaultConfig, parseConfigText, renderDefaultConfig } from './index.js';

const opts = { fileExists: () => false };
const load = (yaml: string) => parseConfigText(yaml, 'test.yaml', opts).fraud;
const problem = (yaml: string) => {
  try {
    load(yaml);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('no error');
};

describe('fraud defaults', () => {
  const f = defaultConfig(opts).fraud;
  it('judge calls with the shipped high-risk list, the 00/011 prefixes and the FreePBX trunk contexts', () => {
    expect(f).toMatchObject({
      enabled: true, homeCountry: null, internationalPrefixes: ['00', '011'], trunkContexts: ['from-trunk', 'from-pstn'], outboundContexts: [],
      notHighRisk: [], allowedCountries: {}, ban: null, timeZone: null,
    });
    expect(f.highRisk).toEqual(DEFAULT_HIGH_RISK);
    expect(f.neverStop).toContain('911');
    expect(f.neverStop).toContain('112');
  });
  it('hang up, suspend, ban and alert on a high-risk destination or a burst', () => {
    expect(f.rules).toContainEqual({ rule: 'high_risk', action: ['hangup', 'suspend', 'ban', 'alert'] });
    expect(f.rules).toContainEqual({ rule: 'calls', max: 8, within: 60_000, action: ['hangup', 'suspend', 'ban', 'alert'] });
  });
  it('are written, commented, in the file init renders', () => {
    const text = renderDefaultConfig();
    expect(text).toContain('\nfraud:\n');
    expect(text).toContain('    - { rule: high_risk, action: [hangup, suspend, ban, alert] }');
    expect(parseConfigText(text, 'rendered', opts).fraud).toEqual(f);
  });
});

describe('fraud normalisation', () => {
  it('turns durations into ms, days into numbers, orders actions, expands default and drops repeats', () => {
    const f = load([
      'fraud:',
      '  home_country: DE',
      '  international_prefixes: ["00", "00"]',
      '  high_risk: ["+371", default, "+371"]',
      '  allowed_countries: { extension: [AT, CH, AT], trunk: ["001"] }',
      '  time_zone: Europe/Berlin',
      '  ban: 7d',
      '  rules:',
      '    - { rule: hours, from: "08:00", to: "18:30", days: [fri, mon, mon], action: [alert, hangup] }',
      '    - { rule: minutes, max: 600, within: 24h, action: [alert] }',
      '    - { rule: new_country, learn: 14d, action: [unregister, alert, ban] }',
    ].join('\n'));
    expect(f).toMatchObject({ homeCountry: 'DE', internationalPrefixes: ['00'], allowedCountries: { extension: ['AT', 'CH'], trunk: ['001'] }, timeZone: 'Europe/Berlin', ban: 7 * 86_400_000 });
    expect(f.highRisk[0]).toEqual({ prefix: '+371', what: 'listed in the config (fraud.high_risk)' });
    expect(f.highRisk).toHaveLength(DEFAULT_HIGH_RISK.length + 1);
    expect(f.rules).toEqual([
      { rule: 'hours', from: 480, to: 1110, days: [5, 1], action: ['hangup', 'alert'] },
      { rule: 'minutes', max: 600, within: 86_400_000, action: ['alert'] },
      { rule: 'new_country', learn: 14 * 86_400_000, action: ['ban', 'unregister', 'alert'] },
    ]);
  });
  it('takes rules: [] as no rules, and enabled: false', () => {
    expect(load('fraud:\n  enabled: false\n  rules: []\n')).toMatchObject({ enabled: false, rules: [] });
  });
});

describe('fraud mistakes', () => {
  it('asks for quotes around prefixes YAML would read as numbers', () => {
    expect(problem('fraud:\n  international_prefixes: [00, "011"]\n')).toBe(
      'config error in test.yaml at fraud.international_prefixes[0]: expected a dialling prefix in quotes, like "011", got 0 (put it in quotes: YAML reads 0 as a number and drops leading zeros)');
    expect(problem('fraud:\n  never_stop: [911]\n')).toContain('at fraud.never_stop[0]: expected a number in quotes');
  });
  it('names an unknown rule with the closest one, and each bad key of a rule at its path', () => {
    const msg = problem([
      'fraud:', '  rules:',
      '    - { rule: calsl, max: 3 }',
      '    - { rule: calls, max: 0, within: 1m, action: [hangup, kill] }',
      '    - { rule: concurrent, max: 3, action: [], within: 1m }',
      '    - hangup',
    ].join('\n'));
    const lines = msg.split('\n');
    expect(lines[0]).toBe("config error in test.yaml at fraud.rules[0].rule: expected one of calls, international, concurrent, high_risk, country, new_country, hours, minutes, got \"calsl\" (did you mean 'calls'?) (and 5 more problems, listed below)");
    expect(lines.slice(1)).toEqual([
      '  at fraud.rules[1].max: expected a whole number of calls, from 1 to 100000, got 0',
      '  at fraud.rules[1].action[1]: expected one of hangup, suspend, ban, unregister, alert, got "kill"',
      '  at fraud.rules[2].action: expected at least one action, got an empty list',
      "  at fraud.rules[2]: unknown key 'within'",
      '  at fraud.rules[3]: expected a rule like { rule: calls, max: 8, within: 1m, action: [hangup, alert] }, got "hangup"',
    ]);
  });
  it('explains countries, prefixes, time zones and times of day', () => {
    expect(problem('fraud:\n  home_country: us\n')).toContain("at fraud.home_country: expected a country code like US, DE or GB (or 001 for non-geographic numbers), got \"us\" (did you mean 'US'?)");
    expect(problem('fraud:\n  high_risk: ["882"]\n')).toContain('at fraud.high_risk[0]: expected default (the shipped list) or a prefix like "+882"');
    expect(problem('fraud:\n  not_high_risk: [default]\n')).toContain('at fraud.not_high_risk[0]: expected a destination prefix like "+882"');
    expect(problem('fraud:\n  allowed_countries: { phones: [US] }\n')).toContain("at fraud.allowed_countries: unknown key 'phones'");
    expect(problem('fraud:\n  time_zone: Mars/Base\n')).toContain('at fraud.time_zone: expected an IANA time zone');
    expect(problem('fraud:\n  rules:\n    - { rule: hours, from: "8", to: "25:00", days: [mon], action: [alert] }\n')).toContain('at fraud.rules[0].from: expected a time of day in quotes like "08:00", got "8"');
    expect(problem('fraud:\n  ruels: []\n')).toContain("unknown key 'ruels' (did you mean 'rules'?)");
  });
});
