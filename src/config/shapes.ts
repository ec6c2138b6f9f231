/**
 * The shapes the config schema is built from: mappings with exactly their keys (an
 * unknown key is reported with the closest known one), sections that default when
 * empty, and lists that refuse `null` with a hint. Shared by schema.ts and the sections
 * in their own files (fraud.ts).
 */
import * as z from 'zod';
import { closest, describe } from './values.js';

/** A mapping with exactly these keys; unknown keys are reported with the closest known key. */
export function mapping<S extends z.ZodRawShape>(what: string, shape: S) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'invalid_type') return `expected ${what}, got ${describe(iss.input)}`;
      if (iss.code !== 'unrecognized_keys') return undefined;
      return iss.keys.map((k) => {
        const near = closest(k, known);
        return `unknown key ${quoteKey(k)}${near ? ` (did you mean '${near}'?)` : ''}`;
      }).join('; ');
    },
  });
}

/** A section of the file: like `mapping`, and an empty or absent section means all defaults. */
export function section<S extends z.ZodRawShape>(name: string, shape: S) {
  return z.preprocess((v) => v ?? {}, mapping(`the ${name} settings (key: value pairs)`, shape));
}

function quoteKey(k: string): string {
  return /^[\w.-]{1,60}$/.test(k) ? `'${k}'` : JSON.stringify(k.length > 60 ? `${k.slice(0, 57)}...` : k);
}

/** A list of items; `null` is refused with a hint, since an empty key is easy to leave by accident. */
export function list<T extends z.ZodType>(what: string, item: T) {
  return z.array(item, {
    error: (iss) => (iss.code === 'invalid_type'
      ? `expected a list of ${what}, got ${describe(iss.input)}${iss.input === null ? ' (write [] for none)' : ''}`
      : undefined),
  });
}

/** Drops repeated values, keeping the first of each. */
export const distinct = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

