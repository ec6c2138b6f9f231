/** `/api/failures`: the failure history and the live stream's filters; a failure as the API sends it. */
import Type, { type Static } from 'typebox';
import { Closed, Nullable, Geo } from './common.js';

const TEXT = Type.String({ maxLength: 200 });
/** A time as `2026-11-24T19:00:00Z` or milliseconds since 1970 (the route reads it). */
const TIME = Type.String({ maxLength: 40 });

const FILTERS = {
  ip: Type.Optional(TEXT),
  account: Type.Optional(TEXT),
  service: Type.Optional(Type.String({ maxLength: 20 })),
  reason: Type.Optional(Type.String({ maxLength: 40 })),
};

/** `GET /api/failures/stream?…`: only failures with exactly these fields. */
export const FailureFilters = Closed(FILTERS);
export type FailureFilters = Static<typeof FailureFilters>;

/** `GET /api/failures?…`: the filters, a time range (`from` inclusive, `to` exclusive), a page. */
export const FailureListQuery = Closed({
  ...FILTERS,
  from: Type.Optional(TIME),
  to: Type.Optional(TIME),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
});
export type FailureListQuery = Static<typeof FailureListQuery>;

/**
 * One failed authentication: a history row (with its `id`) or an `event: failure` of the
 * live stream (no `id`). `account` and `raw` are attacker-controlled: render them as text only.
 */
export const Failure = Closed({
  id: Type.Optional(Type.Integer()),
  at: Type.Integer(),
  ip: Type.String(),
  port: Nullable(Type.Integer()),
  service: Type.String(),
  account: Type.String(),
  reason: Type.String(),
  /** The zone the address fell in (`external`, `internal`, …). */
  zone: Type.String(),
  /** What sipwarden did about it (`counted`, `banned`, `ignored`, …). */
  action: Type.String(),
  source: Nullable(Type.String()),
  line: Nullable(Type.Integer()),
  raw: Nullable(Type.String()),
  /** Where the address is. */
  geo: Type.Optional(Geo),
});
export type Failure = Static<typeof Failure>;

/** A page of the history, newest first, and how many rows match in all. */
export const FailurePage = Closed({ total: Type.Integer(), rows: Type.Array(Failure) });
export type FailurePage = Static<typeof FailurePage>;
