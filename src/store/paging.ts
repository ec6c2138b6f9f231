/** Paging arguments made safe for SQL: whole numbers within bounds. Pure. */
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX } from './types.js';

/**
 * Clamps a requested page to `1 <= limit <= LIST_LIMIT_MAX` and `offset >= 0`;
 * missing or non-finite values take the defaults (LIST_LIMIT_DEFAULT, 0).
 */
export function pageBounds(limit: number | undefined, offset: number | undefined): { limit: number; offset: number } {
  const l = limit !== undefined && Number.isFinite(limit) ? Math.floor(limit) : LIST_LIMIT_DEFAULT;
  const o = offset !== undefined && Number.isFinite(offset) ? Math.floor(offset) : 0;
  return { limit: Math.min(Math.max(l, 1), LIST_LIMIT_MAX), offset: Math.max(o, 0) };
}
