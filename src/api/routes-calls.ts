/**
 * `/api/calls`: the toll-fraud guard for the dashboard's Calls page — the trunk calls it
 * holds as up now, the accounts it suspended, its findings (the `toll_fraud` audit
 * records it writes, newest first) and its rules in plain words; and
 * `POST /api/calls/allow`, the dashboard's `sipwarden allow-calls ACCOUNT`.
 *
 * Allowing writes the same `allow_calls` audit record as the CLI (who: the dashboard
 * user), then asks the daemon's guard to apply it at once, in its own process
 * ({@link FraudControls.applyAllows}: the control loop's own reader of those records, so
 * it is applied exactly once). Without a guard in this process the record alone is
 * written, for the daemon to pick up (as the CLI does).
 *
 * Account names and numbers dialled are attacker-controlled: sent as JSON data only.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { SipwardenError } from '../domain/errors.js';
import { describeRule, ruleName, type FraudInput, type FraudRule } from '../fraud/rules.js';
import type { Destination } from '../fraud/destinations.js';
import type { AuditRecord } from '../store/index.js';
import { actorOf } from './auth.js';
import { TOLL_FRAUD } from './calls-stopped.js';
import type { ApiDeps } from './deps.js';
import { invalid } from './errors.js';
import { ROUTES, type FraudAlert, type LiveCall } from './schemas/index.js';

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

  api.get('/calls', { schema: ROUTES['GET /api/calls'] }, async () => {
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
      rules: rules.map((r) => ({ name: ruleName(r), words: describeRule(r), actions: [...r.action] })),
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
  });

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
}
