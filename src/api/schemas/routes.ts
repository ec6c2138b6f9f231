/**
 * Every route with its schemas, keyed `METHOD /path` as the server mounts it. The
 * server passes each entry to Fastify as the route's `schema` (AJV checks requests
 * with it; the replies' types are checked against it at compile time), and the
 * dashboard's `api()` takes the same key, so a request and its reply are typed by the
 * route. `schemas.test.ts` checks that the server mounts exactly these routes with
 * these schemas, and that real replies match them.
 */
import Type, { type Static, type TSchema } from 'typebox';
import { Ban, BanBody, BanList, BanListQuery, ReleaseBody, Released } from './bans.js';
import { AllowCallsBody, AllowedCalls, CallRulesBody, Calls } from './calls.js';
import { ClusterView } from './cluster.js';
import { NoQuery } from './common.js';
import { BanExport, ExportQuery } from './export.js';
import { FailureFilters, FailureListQuery, FailurePage } from './failures.js';
import { AccountsBody, AccountsSettings, MyPhone, MyPhoneBody } from './phone.js';
import { Session, LoginBody } from './session.js';
import { AlertSettings, AlertSettingsBody, TestAlertReply } from './alerts.js';
import { GeoSettings, GeoSettingsBody } from './geo-settings.js';
import { Networks, NetworksBody, Policy, PolicyBody, Protection, Settings, Subnets, SubnetsBody } from './settings.js';
import { AuditList, AuditQuery, Health, Live, Stats } from './status.js';

export const ROUTES = {
  'GET /healthz': { querystring: NoQuery, response: { 200: Type.Object({ ok: Type.Literal(true) }, { additionalProperties: false }) } },
  /** Prometheus text, not JSON. */
  'GET /metrics': { querystring: NoQuery },

  'POST /api/login': { body: LoginBody, response: { 200: Session } },
  /** 204, no body. */
  'POST /api/logout': {},
  'GET /api/session': { response: { 200: Session } },

  'GET /api/bans': { querystring: BanListQuery, response: { 200: BanList } },
  'POST /api/bans': { body: BanBody, response: { 201: Ban } },
  'POST /api/bans/release': { body: ReleaseBody, response: { 200: Released } },
  'POST /api/bans/my-phone': { body: MyPhoneBody, response: { 200: MyPhone } },

  'GET /api/failures': { querystring: FailureListQuery, response: { 200: FailurePage } },
  /** Server-sent events: `event: failure` with one `Failure` as JSON per `data:` line. */
  'GET /api/failures/stream': { querystring: FailureFilters },

  'GET /api/settings': { response: { 200: Settings } },
  'GET /api/settings/protection': { response: { 200: Protection } },
  'GET /api/settings/networks': { response: { 200: Networks } },
  'GET /api/settings/policy': { response: { 200: Policy } },
  'GET /api/settings/subnets': { response: { 200: Subnets } },
  'PUT /api/settings/protection': { body: Protection, response: { 200: Protection } },
  'PUT /api/settings/networks': { body: NetworksBody, response: { 200: Networks } },
  'PUT /api/settings/policy': { body: PolicyBody, response: { 200: Policy } },
  'PUT /api/settings/subnets': { body: SubnetsBody, response: { 200: Subnets } },
  'GET /api/settings/alerts': { response: { 200: AlertSettings } },
  'PUT /api/settings/alerts': { body: AlertSettingsBody, response: { 200: AlertSettings } },
  'POST /api/settings/alerts/test': { response: { 200: TestAlertReply } },
  'GET /api/settings/geo': { response: { 200: GeoSettings } },
  'PUT /api/settings/geo': { body: GeoSettingsBody, response: { 200: GeoSettings } },
  'GET /api/settings/accounts': { response: { 200: AccountsSettings } },
  'PUT /api/settings/accounts': { body: AccountsBody, response: { 200: AccountsSettings } },

  'GET /api/stats': { querystring: NoQuery, response: { 200: Stats } },
  'GET /api/health': { querystring: NoQuery, response: { 200: Health } },
  'GET /api/live': { querystring: NoQuery, response: { 200: Live } },
  'GET /api/audit': { querystring: AuditQuery, response: { 200: AuditList } },

  'GET /api/calls': { querystring: NoQuery, response: { 200: Calls } },
  'POST /api/calls/allow': { body: AllowCallsBody, response: { 200: AllowedCalls } },
  'PUT /api/calls/rules': { body: CallRulesBody, response: { 200: Calls } },
  'GET /api/cluster': { querystring: NoQuery, response: { 200: ClusterView } },

  /** One active address or network a line (text/plain); with the dashboard's session or `Authorization: Bearer <feeds_export.token>`. */
  'GET /api/export/bans.txt': { querystring: ExportQuery },
  /** The same as JSON; the same access. */
  'GET /api/export/bans.json': { querystring: ExportQuery, response: { 200: BanExport } },
} as const;

type Routes = typeof ROUTES;

/** `GET /api/bans`, … */
export type RouteKey = keyof Routes;

/** The query a route takes (never: none). */
export type RouteQuery<K extends RouteKey> = Routes[K] extends { querystring: infer Q extends TSchema } ? Static<Q> : never;

/** The JSON body a route takes (never: none). */
export type RouteBody<K extends RouteKey> = Routes[K] extends { body: infer B extends TSchema } ? Static<B> : never;

/** The JSON a route answers with when it succeeds (undefined: no JSON body). */
export type RouteReply<K extends RouteKey> = Routes[K] extends { response: infer R }
  ? R extends { 200: infer S extends TSchema } ? Static<S> : R extends { 201: infer S extends TSchema } ? Static<S> : undefined
  : undefined;

/** What a request to route K carries: its body when it takes one, its query when it takes one. */
export type RouteInput<K extends RouteKey> =
  & ([RouteBody<K>] extends [never] ? { body?: undefined } : { body: RouteBody<K> })
  & ([RouteQuery<K>] extends [never] ? { query?: undefined } : { query?: RouteQuery<K> });
