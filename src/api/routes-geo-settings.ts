/**
 * `/api/settings/geo`: the country policy (config `geo.deny`, and `geo.allow` per kind of
 * account) read and changed from the settings page. A change is checked by the config
 * file's own schema (unknown codes in its words), handed to the daemon through
 * `geoSettings` (which saves it into the config file, then puts it into force at once)
 * and written to the audit trail with the dashboard user.
 *
 * Never locks out the owner: an allow list for `dashboard` that leaves out the country
 * the request comes from is refused, unless the client is internal (loopback, an
 * internal or trusted network: the policy never judges those).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import path from 'node:path';
import type { GeoConfig } from '../config/geo.js';
import { configSchema } from '../config/schema.js';
import { parseIp } from '../domain/ip.js';
import { actorOf } from './auth.js';
import type { ApiDeps, GeoSettingsControls } from './deps.js';
import { ApiError, invalid } from './errors.js';
import { ROUTES, type GeoSettings, type GeoSettingsBody } from './schemas/index.js';
import { schemaProblems } from './validation.js';

/** Where the request comes from: its country (null: unknown) and whether the policy ever judges it. */
function clientOf(req: FastifyRequest, deps: ApiDeps): GeoSettings['client'] {
  const ip = parseIp(req.ip);
  const internal = ip !== null && deps.zoneOf(ip) !== 'external';
  return { ip: req.ip, country: ip && !internal ? (deps.where?.(ip).country ?? null) : null, internal };
}

/** The policy as the page shows it. */
function view(g: GeoSettingsControls, client: GeoSettings['client']): GeoSettings {
  const cfg = g.current();
  const db = g.database;
  const allow: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(cfg.allow)) if (v) allow[k] = [...v];
  return {
    enabled: cfg.enabled, deny: [...cfg.deny], allow,
    database: db && { name: db.type, file: path.basename(db.path), built_at: db.builtAt },
    client,
  };
}

/** Validates a change with the config schema: the lists as the config file holds them. */
export function checkGeo(body: GeoSettingsBody): Pick<GeoConfig, 'deny' | 'allow'> {
  const parsed = configSchema.safeParse({ geo: { deny: body.deny, allow: body.allow } }, { reportInput: true });
  if (!parsed.success) throw invalid(schemaProblems(parsed.error.issues, 'geo'));
  return { deny: parsed.data.geo.deny, allow: parsed.data.geo.allow };
}

/** Registers the country policy routes on the `/api` context. */
export function registerGeoSettingsRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const controls = (): GeoSettingsControls => {
    if (!deps.geoSettings) throw new ApiError('NOT_FOUND', 'the country policy cannot be changed from this dashboard; edit geo: in the config file');
    return deps.geoSettings;
  };

  api.get('/settings/geo', { schema: ROUTES['GET /api/settings/geo'] }, async (req) => view(controls(), clientOf(req, deps)));

  api.put('/settings/geo', { schema: ROUTES['PUT /api/settings/geo'] }, async (req) => {
    const g = controls();
    const next = checkGeo(req.body);
    const client = clientOf(req, deps);
    const dashboard = next.allow.dashboard;
    if (dashboard && !client.internal && client.country !== null && !dashboard.includes(client.country)) {
      throw invalid([{
        path: 'allow.dashboard',
        message: `you are connecting from ${client.country}, which this list leaves out: saving it would lock you out of the dashboard; add ${client.country}, or make this change from an internal network`,
      }]);
    }
    const before = g.current();
    g.set(next, actorOf(req));
    deps.store.addAudit({
      at: deps.now(), actor: actorOf(req), action: 'geo',
      detail: JSON.stringify({ from: { deny: before.deny, allow: before.allow }, to: { deny: next.deny, allow: next.allow } }),
    });
    return view(g, client);
  });
}
