/**
 * Shapes of the JSON the sipwarden API sends and takes. None is written here: they are
 * derived from the API's own schemas (src/api/schemas), so the dashboard cannot drift
 * from the server. Types only (`export type`): nothing of the schemas' code, TypeBox
 * included, reaches the bundle.
 */
export type {
  AccountsSettings, AuditRow, Ban, BanList, BanListQuery, BanState, ErrorBody, Evidence, Failure, FailurePage, Health, Networks, Problem, RouteBody, RouteInput, RouteKey,
  RouteQuery, RouteReply, Settings, Stats, StoreHealth, Subnets, Tier, WatchHealth,
} from '../../src/api/schemas/index';

import type { Subnets, Tier } from '../../src/api/schemas/index';

/** A shape as a form edits it: its numbers may be text while a person types them (the server explains a wrong one). */
export type Editable<T> = { [K in keyof T]: T[K] extends number ? number | string : T[K] };

/** A policy tier on the settings page. */
export type TierText = Editable<Tier>;

/** Subnet escalation on the settings page. */
export type SubnetsText = Editable<Subnets>;
