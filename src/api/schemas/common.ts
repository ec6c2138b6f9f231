/**
 * Shapes shared by every route: the error body, a query that takes no parameters, and
 * small builders. Imports nothing but TypeBox, so the dashboard can derive its types
 * from this folder (`import type`) without any server code.
 */
import Type, { type Static, type TProperties, type TSchema } from 'typebox';

/** One bad field: where (`tiers[0].within`, `limit`) and what is wrong, in plain words. */
export const Problem = Type.Object({ path: Type.String(), message: Type.String() }, { additionalProperties: false });
export type Problem = Static<typeof Problem>;

/** Every refusal: `code` from the one catalogue (domain/errors.ts), one line, and the bad fields of a request. */
export const ErrorBody = Type.Object({
  code: Type.String(),
  message: Type.String(),
  problems: Type.Optional(Type.Array(Problem)),
}, { additionalProperties: false });
export type ErrorBody = Static<typeof ErrorBody>;

/** A query string with no parameters: any parameter is refused as unknown. */
export const NoQuery = Type.Object({}, { additionalProperties: false });

/** `t` or null. */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** A closed object: the API sends exactly these fields, and a request may send no others. */
export const Closed = <P extends TProperties>(properties: P) => Type.Object(properties, { additionalProperties: false });

/**
 * Where an address is, from the offline country (and network, when available) database
 * (geo/). Absent when unknown: private, loopback and documentation ranges, or no database.
 */
export const Geo = Closed({
  /** ISO 3166-1 alpha-2, upper case (`DE`). */
  country: Type.String({ minLength: 2, maxLength: 2 }),
  /** The country's name in English (`Germany`). */
  name: Type.String(),
  /** Autonomous system number of the network, when the database has it. */
  asn: Type.Optional(Type.Integer()),
  /** The network's (AS organisation's) name, when the database has it. */
  network: Type.Optional(Type.String()),
});
export type Geo = Static<typeof Geo>;
