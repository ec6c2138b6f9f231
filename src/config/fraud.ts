/**
 * The `fraud:` section: the toll-fraud guard's rules as data, checked like every other
 * section (each problem at its key path, in plain words), normalised to exactly what the
 * guard consumes (`FraudInput`, src/fraud/rules.ts): durations in ms, `permanent` null,
 * the word `default` in `high_risk` expanded to the shipped list, actions ordered.
 */
import * as z from 'zod';
import { isSupportedCountry } from 'libphonenumber-js/min';
import type { AccountClass } from '../engine/accounts.js';
import { DEFAULT_HIGH_RISK, PREFIX, type HighRiskPrefix } from '../fraud/high-risk.js';
import { ACTIONS, sortActions, type FraudInput, type FraudRule, type FraudRuleKind } from '../fraud/rules.js';
import { DEFAULTS } from './defaults.js';
import { distinct, list, mapping, section } from './shapes.js';
import { banLength, bool, closest, describe, duration, expected, leaf, oneOf, text, wholeNumber, type Checked } from './values.js';

/** The normalised section: the guard's input. */
export type FraudConfig = FraudInput;

const D = DEFAULTS.fraud;

/** Digits in quotes: YAML reads `011` as the number 11 (and `00` as 0), losing the zeros that matter. */
function digits(what: string) {
  return leaf((raw): Checked<string> => {
    if (typeof raw === 'string' && /^[0-9]{1,15}$/.test(raw)) return { value: raw };
    const hint = typeof raw === 'number' ? `put it in quotes: YAML reads ${raw} as a number and drops leading zeros` : undefined;
    return expected(`${what} in quotes, like "011"`, raw, hint);
  });
}

/** A country: ISO 3166-1 alpha-2 as libphonenumber knows it, or `001` (non-geographic numbers). */
const country = leaf((raw): Checked<string> => {
  if (raw === '001' || (typeof raw === 'string' && isSupportedCountry(raw))) return { value: raw };
  const upper = typeof raw === 'string' && isSupportedCountry(raw.toUpperCase()) ? raw.toUpperCase() : undefined;
  return expected('a country code like US, DE or GB (or 001 for non-geographic numbers)', raw, upper && `did you mean '${upper}'?`);
});

const prefix = leaf((raw): Checked<string> =>
  typeof raw === 'string' && PREFIX.test(raw) ? { value: raw } : expected('a destination prefix like "+882" (+ and digits, in quotes)', raw));

/** `default` (the shipped list) or a prefix. */
const highRiskEntry = leaf((raw): Checked<'default' | string> => {
  if (raw === 'default') return { value: 'default' };
  return typeof raw === 'string' && PREFIX.test(raw) ? { value: raw } : expected('default (the shipped list) or a prefix like "+882"', raw);
});

const context = text('a dial plan context name').refine((c) => /^[\w.@-]{1,80}$/.test(c), { message: 'expected a dial plan context name (letters, digits, _ . @ -)' });

const timeZone = leaf((raw): Checked<string> => {
  if (typeof raw === 'string') {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: raw });
      return { value: raw };
    } catch {
      // falls through to the message
    }
  }
  return expected('an IANA time zone like Europe/Berlin or America/New_York', raw);
});

/** `08:00` → minutes after midnight; `24:00` allowed as the end of the day. */
const clock = leaf((raw): Checked<number> => {
  const m = typeof raw === 'string' ? /^([01]?\d|2[0-4]):([0-5]\d)$/.exec(raw) : null;
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
  return m && minutes <= 1440 ? { value: minutes } : expected('a time of day in quotes like "08:00"', raw);
});

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const actions = list(`actions (${ACTIONS.join(', ')})`, oneOf(ACTIONS)).transform((a, ctx) => {
  if (a.length === 0) ctx.issues.push({ code: 'custom', message: 'expected at least one action, got an empty list', input: a });
  return sortActions(a);
});
const max = (what: string) => wholeNumber(what, 1, 100_000);

const RULES: Record<FraudRuleKind, z.ZodType<FraudRule>> = {
  calls: mapping('a calls rule like { rule: calls, max: 8, within: 1m, action: [hangup, alert] }', { rule: z.literal('calls'), max: max('a whole number of calls'), within: duration, action: actions }),
  international: mapping('an international rule like { rule: international, max: 5, within: 1h, action: [alert] }', { rule: z.literal('international'), max: max('a whole number of calls'), within: duration, action: actions }),
  concurrent: mapping('a concurrent rule like { rule: concurrent, max: 4, action: [hangup, alert] }', { rule: z.literal('concurrent'), max: max('a whole number of calls'), action: actions }),
  high_risk: mapping('a high_risk rule like { rule: high_risk, action: [hangup, suspend, ban, alert] }', { rule: z.literal('high_risk'), action: actions }),
  country: mapping('a country rule like { rule: country, action: [hangup, alert] }', { rule: z.literal('country'), action: actions }),
  new_country: mapping('a new_country rule like { rule: new_country, learn: 14d, action: [alert] }', { rule: z.literal('new_country'), learn: duration, action: actions }),
  hours: mapping('an hours rule like { rule: hours, from: "08:00", to: "18:00", days: [mon, tue, wed, thu, fri], action: [alert] }', {
    rule: z.literal('hours'), from: clock, to: clock, days: list('days (mon … sun)', oneOf(DAYS)).transform((d) => distinct(d.map((x) => DAYS.indexOf(x)))), action: actions,
  }),
  minutes: mapping('a minutes rule like { rule: minutes, max: 600, within: 24h, action: [hangup, alert] }', { rule: z.literal('minutes'), max: max('a whole number of minutes'), within: duration, action: actions }),
};
const KINDS = Object.keys(RULES);

/** One rule: its `rule` word picks its shape, and the shape's problems keep their key paths. */
const rule = z.unknown().transform((raw, ctx): FraudRule => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    ctx.issues.push({ code: 'custom', message: `expected a rule like { rule: calls, max: 8, within: 1m, action: [hangup, alert] }, got ${describe(raw)}`, input: raw });
    return z.NEVER;
  }
  const kind = (raw as { rule?: unknown }).rule;
  const schema = typeof kind === 'string' ? RULES[kind as FraudRuleKind] : undefined;
  if (!schema) {
    const near = typeof kind === 'string' ? closest(kind, KINDS) : undefined;
    ctx.issues.push({ code: 'custom', path: ['rule'], input: kind, message: `expected one of ${KINDS.join(', ')}, got ${describe(kind)}${near ? ` (did you mean '${near}'?)` : ''}` });
    return z.NEVER;
  }
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  for (const iss of r.error.issues) ctx.issues.push({ code: 'custom', path: iss.path, message: iss.message, input: raw });
  return z.NEVER;
});

const CLASSES = ['extension', 'roaming', 'trunk', 'unknown'] as const satisfies readonly AccountClass[];

const allowedCountries = z.preprocess((v) => v ?? {}, mapping('countries per account class, like { extension: [US, CA] }', {
  extension: list('country codes', country).optional(),
  roaming: list('country codes', country).optional(),
  trunk: list('country codes', country).optional(),
  unknown: list('country codes', country).optional(),
})).transform((m) => Object.fromEntries(CLASSES.flatMap((c) => (m[c] ? [[c, distinct(m[c])]] : []))) as FraudInput['allowedCountries']);

/** The `fraud:` section. */
export const fraudSection = section('fraud', {
  enabled: bool.prefault(D.enabled),
  home_country: country.nullable().prefault(D.home_country),
  international_prefixes: list('dialling prefixes in quotes, like ["00", "011"]', digits('a dialling prefix')).prefault(() => [...D.international_prefixes]),
  trunk_contexts: list('dial plan context names', context).prefault(() => [...D.trunk_contexts]),
  outbound_contexts: list('dial plan context names', context).prefault(() => [...D.outbound_contexts]),
  never_stop: list('numbers in quotes, like ["911", "112"]', digits('a number')).prefault(() => [...D.never_stop]),
  high_risk: list('destination prefixes like "+882", or default', highRiskEntry).prefault(() => [...D.high_risk]),
  not_high_risk: list('destination prefixes like "+1876"', prefix).prefault(() => [...D.not_high_risk]),
  allowed_countries: allowedCountries,
  ban: banLength.prefault(D.ban),
  time_zone: timeZone.nullable().prefault(D.time_zone),
  rules: list('rules like { rule: calls, max: 8, within: 1m, action: [hangup, alert] }', rule).prefault(() => D.rules.map((r) => ({ ...r, action: [...r.action] }))),
}).transform((f): FraudConfig => ({
  enabled: f.enabled,
  homeCountry: f.home_country,
  internationalPrefixes: distinct(f.international_prefixes),
  trunkContexts: distinct(f.trunk_contexts),
  outboundContexts: distinct(f.outbound_contexts),
  neverStop: distinct(f.never_stop),
  highRisk: expandHighRisk(f.high_risk),
  notHighRisk: distinct(f.not_high_risk),
  allowedCountries: f.allowed_countries,
  ban: f.ban,
  timeZone: f.time_zone,
  rules: f.rules,
}));

function expandHighRisk(entries: readonly string[]): HighRiskPrefix[] {
  const out = new Map<string, HighRiskPrefix>();
  for (const e of entries) {
    if (e === 'default') for (const p of DEFAULT_HIGH_RISK) out.set(p.prefix, p);
    else if (!out.has(e)) out.set(e, { prefix: e, what: 'listed in the config (fraud.high_risk)' });
  }
  return [...out.values()];
}
