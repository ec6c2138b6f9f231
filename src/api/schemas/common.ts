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
