/**
 * `/api/settings`: protection on/off, internal networks and the trusted list, policy
 * tiers, subnet escalation (blocking whole networks). Edits are validated by the config file's own schema (same rules, same plain
 * words as a bad config file), handed to the daemon through `controls` (which applies
 * and persists them), then written to the audit trail with who and when.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { configSchema } from '../config/schema.js';
import { formatDuration, parseCidr } from '../domain/index.js';
import type { Tier } from '../engine/policy.js';
import { actorOf } from './auth.js';
import type { ApiDeps, NetworkSettings, SubnetSettings } from './deps.js';
import { invalid, type Problem } from './errors.js';
import { ROUTES, type Networks, type NetworksBody, type PolicyBody, type Subnets, type SubnetsBody, type Tier as TierView } from './schemas/index.js';
import { schemaProblems } from './validation.js';

/** Tiers as a person writes them: `{ failures: 2, within: '1h', ban: '1h' | 'permanent' }`. */
export function tiersView(tiers: readonly Tier[]): TierView[] {
  return tiers.map((t) => ({ failures: t.failures, within: formatDuration(t.within), ban: formatDuration(t.ban) }));
}

/** Subnet escalation as a person writes it: `{ enabled: true, addresses: 5, within: '1d', ban: '1d', ipv4_prefix: 24, … }`. */
export function subnetsView(s: SubnetSettings): Subnets {
  return { enabled: s.enabled, addresses: s.addresses, within: formatDuration(s.within), ban: formatDuration(s.ban), ipv4_prefix: s.ipv4Prefix, ipv6_prefix: s.ipv6Prefix };
}

/** Networks as the settings page shows them: trusted names listed with trusted networks. */
function networksView(n: NetworkSettings): Networks {
  return { internal: [...n.internal], trusted: [...n.trusted, ...n.trustedNames] };
}

/** Validates networks with the config schema; refuses an internal range covering every address. */
export function checkNetworks(body: NetworksBody): NetworkSettings {
  const parsed = configSchema.safeParse({ networks: body }, { reportInput: true });
  if (!parsed.success) throw invalid(schemaProblems(parsed.error.issues, 'networks'));
  const n = parsed.data.networks;
  const problems: Problem[] = [];
  body.internal.forEach((raw, i) => {
    const c = parseCidr(raw.trim());
    if (c?.endsWith('/0')) {
      problems.push({ path: `internal[${i}]`, message: `${c} would make every address internal, so nobody would ever be banned; list your office and VPN networks instead` });
    }
  });
  if (problems.length) throw invalid(problems);
  return { internal: n.internal, trusted: n.trusted, trustedNames: n.trustedNames };
}

/** Validates tiers with the config schema (durations, `permanent`, 1..1000 failures, distinct counts). */
export function checkTiers(body: PolicyBody): Tier[] {
  const parsed = configSchema.safeParse({ policy: { tiers: body.tiers } }, { reportInput: true });
  if (!parsed.success) throw invalid(schemaProblems(parsed.error.issues, 'policy'));
  return [...parsed.data.policy.tiers];
}

/**
 * Validates subnet escalation with the config schema (2..65536 addresses, durations,
 * `permanent`, /16../31 and /32../127); the numbers are checked and kept when it is off.
 */
export function checkSubnets(body: SubnetsBody): SubnetSettings {
  const parsed = configSchema.safeParse({ policy: { subnets: body } }, { reportInput: true });
  if (!parsed.success) throw invalid(schemaProblems(parsed.error.issues, 'policy').map((p) => ({ ...p, path: p.path.replace(/^subnets\.?/, '') })));
  return parsed.data.policy.subnets;
}

/** Registers the settings routes on the `/api` context. */
export function registerSettingsRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const c = deps.controls;
  const audit = (req: FastifyRequest, action: string, detail: object) => {
    deps.store.addAudit({ at: deps.now(), actor: actorOf(req), action, detail: JSON.stringify(detail) });
  };

  api.get('/settings', { schema: ROUTES['GET /api/settings'] }, async () => ({
    protection: c.protection(), networks: networksView(c.networks()), policy: { tiers: tiersView(c.policy()) }, subnets: subnetsView(c.subnets()),
  }));
  api.get('/settings/protection', { schema: ROUTES['GET /api/settings/protection'] }, async () => ({ protection: c.protection() }));
  api.get('/settings/networks', { schema: ROUTES['GET /api/settings/networks'] }, async () => networksView(c.networks()));
  api.get('/settings/policy', { schema: ROUTES['GET /api/settings/policy'] }, async () => ({ tiers: tiersView(c.policy()) }));
  api.get('/settings/subnets', { schema: ROUTES['GET /api/settings/subnets'] }, async () => subnetsView(c.subnets()));

  api.put('/settings/protection', { schema: ROUTES['PUT /api/settings/protection'] }, async (req) => {
    const before = c.protection();
    await c.setProtection(req.body.protection, actorOf(req));
    audit(req, 'protection', { from: before, to: req.body.protection });
    return { protection: c.protection() };
  });

  api.put('/settings/networks', { schema: ROUTES['PUT /api/settings/networks'] }, async (req) => {
    const n = checkNetworks(req.body);
    const before = networksView(c.networks());
    await c.setNetworks(n, actorOf(req));
    const after = networksView(c.networks());
    audit(req, 'networks', { from: before, to: after });
    return after;
  });

  api.put('/settings/policy', { schema: ROUTES['PUT /api/settings/policy'] }, async (req) => {
    const tiers = checkTiers(req.body);
    const before = tiersView(c.policy());
    await c.setPolicy(tiers, actorOf(req));
    const after = tiersView(c.policy());
    audit(req, 'policy', { from: before, to: after });
    return { tiers: after };
  });

  api.put('/settings/subnets', { schema: ROUTES['PUT /api/settings/subnets'] }, async (req) => {
    const next = checkSubnets(req.body);
    const before = subnetsView(c.subnets());
    await c.setSubnets(next, actorOf(req));
    const after = subnetsView(c.subnets());
    audit(req, 'subnets', { from: before, to: after });
    return after;
  });
}
