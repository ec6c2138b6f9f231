/** `/api/calls`: what the toll-fraud guard sees now (live trunk calls, suspended accounts), its findings, its rules; and allowing an account again. */
import Type, { type Static } from 'typebox';
import { Closed, Nullable } from './common.js';

/** A trunk call up now. `account`, `channel` and `dialled` are attacker-controlled (render as text only). */
export const LiveCall = Closed({
  account: Type.String(),
  channel: Type.String(),
  dialled: Type.String(),
  /** `+` and digits; null when the number could not be normalised. */
  e164: Nullable(Type.String()),
  /** ISO code (`001`: non-geographic), null when unknown. */
  country: Nullable(Type.String()),
  international: Type.Boolean(),
  /** The high-risk list's entry for the destination, if any (`International Networks`). */
  highRisk: Nullable(Type.String()),
  start: Type.Integer(),
  /** Null: not answered (yet). */
  answeredAt: Nullable(Type.Integer()),
});
export type LiveCall = Static<typeof LiveCall>;

/** An account the guard suspended: its trunk calls are refused until a person allows it again. */
export const Suspension = Closed({ account: Type.String(), at: Type.Integer(), rule: Type.String(), words: Type.String() });
export type Suspension = Static<typeof Suspension>;

/** One finding of the guard, from its `toll_fraud` audit record. `account` and `dialled` are attacker-controlled. */
export const FraudAlert = Closed({
  id: Type.Integer(),
  at: Type.Integer(),
  account: Type.String(),
  /** The rule's name (`calls/1m`, `high_risk`, `suspended`) and the same in plain words. */
  rule: Type.String(),
  words: Type.String(),
  destination: Nullable(Type.String()),
  country: Nullable(Type.String()),
  dialled: Nullable(Type.String()),
  /** The count the rule reached (calls, minutes; 1 for a destination rule). */
  calls: Type.Integer(),
  actions: Type.Array(Type.String()),
  /** Calls hung up for this finding. */
  hangups: Type.Integer(),
  /** The address the account last logged in from (the `ban` action's target), when known. */
  ip: Nullable(Type.String()),
});
export type FraudAlert = Static<typeof FraudAlert>;

/**
 * A rule of `fraud.rules` as the config file writes it (`within: 1m`, `from: "08:00"`,
 * `days: [mon, fri]`): what the editor shows and sends back. Each kind has only its own
 * fields; the config schema checks them (src/config/fraud.ts).
 */
export const FraudRuleFile = Closed({
  rule: Type.String({ maxLength: 40 }),
  max: Type.Optional(Type.Integer()),
  within: Type.Optional(Type.String({ maxLength: 40 })),
  learn: Type.Optional(Type.String({ maxLength: 40 })),
  from: Type.Optional(Type.String({ maxLength: 10 })),
  to: Type.Optional(Type.String({ maxLength: 10 })),
  days: Type.Optional(Type.Array(Type.String({ maxLength: 10 }), { maxItems: 7 })),
  action: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 10 }),
});
export type FraudRuleFile = Static<typeof FraudRuleFile>;

/** A rule of `fraud.rules`: its name, plain words, what it does, and the same as the config file writes it. */
export const FraudRuleView = Closed({ name: Type.String(), words: Type.String(), actions: Type.Array(Type.String()), file: FraudRuleFile });
export type FraudRuleView = Static<typeof FraudRuleView>;

/** `GET /api/calls`. `enabled: false`: calls are not judged (fraud.enabled, or no AMI). */
export const Calls = Closed({
  enabled: Type.Boolean(),
  now: Type.Integer(),
  live: Type.Array(LiveCall),
  suspended: Type.Array(Suspension),
  alerts: Type.Array(FraudAlert),
  rules: Type.Array(FraudRuleView),
  /** The rest of `fraud:` in plain data. */
  settings: Closed({
    homeCountry: Nullable(Type.String()),
    neverStop: Type.Array(Type.String()),
    highRisk: Type.Integer(),
    notHighRisk: Type.Array(Type.String()),
    /** Ban length of the `ban` action, ms; null: until released. */
    ban: Nullable(Type.Integer()),
    timeZone: Nullable(Type.String()),
    allowedCountries: Type.Array(Closed({ accounts: Type.String(), countries: Type.Array(Type.String()) })),
  }),
});
export type Calls = Static<typeof Calls>;

/** `POST /api/calls/allow`: let a suspended account call out through trunks again. */
export const AllowCallsBody = Closed({ account: Type.String({ minLength: 1, maxLength: 200 }) });
export type AllowCallsBody = Static<typeof AllowCallsBody>;

/** What allowing did: whether the guard held the account suspended. */
export const AllowedCalls = Closed({ account: Type.String(), wasSuspended: Type.Boolean() });
export type AllowedCalls = Static<typeof AllowedCalls>;

/**
 * `PUT /api/calls/rules`: the rules in force (a rule left out is no longer judged),
 * `fraud.never_stop` and `fraud.home_country`, saved into the config file and put into
 * force at once. A list that drops every emergency number (112, 911) is refused unless
 * `drop_emergency` says the owner means it.
 */
export const CallRulesBody = Closed({
  rules: Type.Array(FraudRuleFile, { maxItems: 50 }),
  never_stop: Type.Array(Type.String({ maxLength: 20 }), { maxItems: 100 }),
  home_country: Nullable(Type.String({ maxLength: 10 })),
  drop_emergency: Type.Optional(Type.Boolean()),
});
export type CallRulesBody = Static<typeof CallRulesBody>;
