/**
 * `/api/calls`: the toll-fraud guard for the dashboard's Calls page — the trunk calls it
 * holds as up now, the accounts it suspended, its findings (the `toll_fraud` audit
 * records it writes, newest first) and its rules in plain words; and
 * `POST /api/calls/allow`, the dashboard's `sipwarden allow-calls ACCOUNT`; and
 * `PUT /api/calls/rules`, the rules editor.
 *
 * Allowing writes the same `allow_calls` audit record as the CLI (who: the dashboard
 * user), then asks the daemon's guard to apply it at once, in its own process
 * ({@link FraudControls.applyAllows}: the control loop's own reader of those records, so
 * it is applied exactly once). Without a guard in this process the record alone is
 * written, for the daemon to pick up (as the CLI does).
 *
 * Editing the rules checks them with the config file's own schema (the same words as a
 * bad file), saves `fraud.rules`, `fraud.never_stop` and `fraud.home_country` into the
 * config file ({@link FraudControls.saveRules}: atomic, backup, comments kept; a file
 * that cannot be written changes nothing), puts them into force at once (calls already
 * tracked keep their windows) and writes a `fraud_rules` audit record with the user.
 * Dropping every emergency number from `never_stop` is refused unless confirmed.
 *
 * Account names and numbers dialled are attacker-controlled: sent as JSON data only.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ConfigEdit } from '../config/index.js';
import { configSchema } from '../config/schema.js';
import { formatDuration } from '../domain/duration.js';
import { SipwardenError } from '../domain/errors.js';
import { describeRule, ruleName, type FraudInput, type FraudRule } from '../fraud/rules.js';
import type { Destination } from '../fraud/destinations.js';
import type { AuditRecord } from '../store/index.js';
import { actorOf } from './auth.js';
import { TOLL_FRAUD } from './calls-stopped.js';
import type { ApiDeps } from './deps.js';
import { ApiError, invalid } from './errors.js';
import { ROUTES, type CallRulesBody, type Calls, type FraudAlert, type FraudRuleFile, type LiveCall } from './schemas/index.js';
import { schemaProblems } from './validation.js';

/** The audit action of `sipwarden allow-calls` (daemon/fraud.ts ALLOW_CALLS). */
export const ALLOW_CALLS = 'allow_calls';
/** Store meta key of the suspensions (daemon/fraud.ts META_SUSPENDED). */
const META_SUSPENDED = 'fraud.suspended';
/** An account name as AstDB keys and channel names carry it (the CLI's rule). */
const ACCOUNT = /^[\w.@+-]{1,80}$/;
/** How far back in the audit trail findings are looked for. */
const AUDIT_WINDOW = 1000;
const ALERTS = 100;
/** Rule kinds whose plain words need none of their numbers (a finding of a rule no longer configured). */
const WORDS_ALONE = new Set(['high_risk', 'country', 'new_country', 'hours']);
/** Emergency numbers: a `never_stop` list keeping none of them is refused unless confirmed. */
const EMERGENCY = ['112', '911'];
/** The audit action of a rules change from the dashboard. */
export const FRAUD_RULES = 'fraud_rules';
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** What the API needs of the daemon's toll-fraud guard. */
export interface FraudControls {
  /** Whether calls are judged (`fraud.enabled`). */
  readonly enabled: boolean;
  /** The guard's rules and settings in force. */
  readonly input: FraudInput;
  /** Trunk calls up now (not being hung up). */
  liveCalls(): ReadonlyArray<{ account: string; channel: string; destination: Destination; start: number; answeredAt: number | null }>;
  suspendedAccounts(): ReadonlyArray<{ account: string; at: number; rule: string }>;
  isSuspended(account: string): boolean;
  /** Applies the `allow_calls` audit records written since the last look (the control loop's reader). Never throws. */
  applyAllows(): void;
  /**
   * Saves `edits` (keys of `fraud:`) into the config file, then puts `next` into force;
   * absent: the rules cannot be changed here. Throws `CONFIG_UNWRITABLE` (nothing changed).
   */
  saveRules?(edits: readonly ConfigEdit[], next: FraudInput, actor: string): void;
}

const clock = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** A rule as the config file writes it (`within: 1m`, `from: "08:00"`, `days: [mon]`). */
export function ruleFileForm(r: FraudRule): FraudRuleFile {
  const action = [...r.action];
  switch (r.rule) {
    case 'calls': case 'international': case 'minutes': return { rule: r.rule, max: r.max, within: formatDuration(r.within), action };
    case 'concurrent': return { rule: r.rule, max: r.max, action };
    case 'new_country': return { rule: r.rule, learn: formatDuration(r.learn), action };
    case 'hours': return { rule: r.rule, from: clock(r.from), to: clock(r.to), days: r.days.map((d) => DAY_NAMES[d] ?? String(d)), action };
    default: return { rule: r.rule, action };
  }
}

/**
 * Checks an edit with the config schema (problems at their keys, in its words) and
 * refuses dropping every emergency number that was kept; returns the guard's next input.
 */
export function checkCallRules(body: CallRulesBody, current: FraudInput): FraudInput {
  const parsed = configSchema.safeParse({ fraud: { rules: body.rules, never_stop: body.never_stop, home_country: body.home_country || null } }, { reportInput: true }); // the body's null may arrive coerced to ''
  if (!parsed.success) throw invalid(schemaProblems(parsed.error.issues, 'fraud'));
  const f = parsed.data.fraud;
  const kept = EMERGENCY.filter((n) => current.neverStop.includes(n));
  if (kept.length && !EMERGENCY.some((n) => f.neverStop.includes(n)) && body.drop_emergency !== true) {
    throw invalid([{
      path: 'never_stop',
      message: `this list keeps none of the emergency numbers ${kept.join(' and ')}: calls to them could be hung up as toll fraud; keep them, or confirm that you mean it`,
    }]);
  }
  return { ...current, rules: f.rules, neverStop: f.neverStop, homeCountry: f.homeCountry };
}

/** The keys of `fraud:` an edit writes into the config file. */
function fileEdits(next: FraudInput): ConfigEdit[] {
  return [
    { path: ['fraud', 'home_country'], value: next.homeCountry },
    { path: ['fraud', 'never_stop'], value: [...next.neverStop] },
    { path: ['fraud', 'rules'], value: next.rules.map(ruleFileForm) },
  ];
}

/** A rule's name (`calls/1m`, `high_risk`, `suspended`) in plain words, from the rules in force. */
export function ruleWords(name: string, rules: readonly FraudRule[]): string {
  if (name === 'suspended') return 'a call from an account already suspended';
  const r = rules.find((x) => ruleName(x) === name) ?? (WORDS_ALONE.has(name) ? ({ rule: name, action: [] } as unknown as FraudRule) : null);
  return r ? describeRule(r) : name.replace(/_/g, ' ');
}

type Detail = Partial<{ account: string; rule: string; destination: string | null; country: string | null; dialled: string | null; actions: string[]; calls: number; hangup: number }>;

/** A `toll_fraud` audit record as the Calls page shows it; null when its detail cannot be read. */
export function alertOf(r: AuditRecord, rules: readonly FraudRule[]): FraudAlert | null {
  let d: Detail;
  try {
    d = JSON.parse(r.detail ?? '') as Detail;
  } catch {
    return null;
  }
  if (typeof d?.account !== 'string' || typeof d.rule !== 'string') return null;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);
  return {
    id: r.id, at: r.at, account: d.account, rule: d.rule, words: ruleWords(d.rule, rules),
    destination: str(d.destination), country: str(d.country), dialled: str(d.dialled), calls: int(d.calls),
    actions: Array.isArray(d.actions) ? d.actions.filter((a): a is string => typeof a === 'string') : [],
    hangups: int(d.hangup), ip: r.ip,
  };
}

const liveOf = (c: ReturnType<FraudControls['liveCalls']>[number]): LiveCall => ({
  account: c.account, channel: c.channel, dialled: c.destination.dialled, e164: c.destination.e164, country: c.destination.country,
  international: c.destination.international, highRisk: c.destination.highRisk ? `${c.destination.highRisk.prefix} ${c.destination.highRisk.what}` : null,
  start: c.start, answeredAt: c.answeredAt,
});

/** The suspensions the store holds (no guard in this process). */
function storedSuspensions(deps: ApiDeps): Array<{ account: string; at: number; rule: string }> {
  try {
    const list = JSON.parse(deps.store.getMeta(META_SUSPENDED) ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter((s) => typeof s?.account === 'string' && typeof s.at === 'number' && typeof s.rule === 'string') : [];
  } catch {
    return [];
  }
}

/** Registers the calls routes on the `/api` context. */
export function registerCallsRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const fraud = deps.fraud ?? null;

  /** What the Calls page shows. */
  const view = (): Calls => {
    const input = fraud?.input ?? null;
    const rules = input?.rules ?? [];
    const suspended = fraud ? fraud.suspendedAccounts() : storedSuspensions(deps);
    const alerts = deps.store.listAudit(AUDIT_WINDOW).filter((r) => r.action === TOLL_FRAUD).slice(0, ALERTS)
      .flatMap((r) => alertOf(r, rules) ?? []);
    return {
      enabled: fraud?.enabled ?? false,
      now: deps.now(),
      live: fraud ? fraud.liveCalls().map(liveOf).sort((a, b) => a.start - b.start) : [],
      suspended: suspended.map((s) => ({ ...s, words: ruleWords(s.rule, rules) })).sort((a, b) => b.at - a.at),
      alerts,
      rules: rules.map((r) => ({ name: ruleName(r), words: describeRule(r), actions: [...r.action], file: ruleFileForm(r) })),
      settings: {
        homeCountry: input?.homeCountry ?? null,
        neverStop: [...(input?.neverStop ?? [])],
        highRisk: input?.highRisk.length ?? 0,
        notHighRisk: [...(input?.notHighRisk ?? [])],
        ban: input ? input.ban : null,
        timeZone: input?.timeZone ?? null,
        allowedCountries: Object.entries(input?.allowedCountries ?? {}).map(([accounts, countries]) => ({ accounts, countries: [...(countries ?? [])] })),
      },
    };
  };

  api.get('/calls', { schema: ROUTES['GET /api/calls'] }, async () => view());

  api.post('/calls/allow', { schema: ROUTES['POST /api/calls/allow'] }, async (req) => {
    const account = req.body.account;
    if (!ACCOUNT.test(account)) throw invalid([{ path: 'account', message: `not an account name: ${JSON.stringify(account.slice(0, 80))}` }]);
    const wasSuspended = fraud ? fraud.isSuspended(account) : storedSuspensions(deps).some((s) => s.account === account);
    const at = deps.now();
    try {
      deps.store.addAudit({ at, actor: actorOf(req), action: ALLOW_CALLS, ip: null, detail: JSON.stringify({ account, wasSuspended }) });
    } catch (e) {
      throw new SipwardenError('STORE_UNAVAILABLE', `cannot record allowing ${account}: ${(e as Error).message}; nothing changed`);
    }
    fraud?.applyAllows();
    return { account, wasSuspended };
  });

  api.put('/calls/rules', { schema: ROUTES['PUT /api/calls/rules'] }, async (req) => {
    if (!fraud?.saveRules) throw new ApiError('NOT_FOUND', 'the toll-fraud rules cannot be changed from this dashboard; edit fraud: in the config file');
    const before = fraud.input;
    const next = checkCallRules(req.body, before);
    fraud.saveRules(fileEdits(next), next, actorOf(req));
    const form = (i: FraudInput) => ({ home_country: i.homeCountry, never_stop: [...i.neverStop], rules: i.rules.map(ruleFileForm) });
    deps.store.addAudit({ at: deps.now(), actor: actorOf(req), action: FRAUD_RULES, ip: null, detail: JSON.stringify({ from: form(before), to: form(next) }) });
    return view();
  });
}
