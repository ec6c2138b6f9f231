/**
 * String storage hygiene. V8 represents a slice of a long string as a view that keeps
 * the whole parent alive; the offline reader decodes files in 4 MB chunks, so one
 * stored slice (an address, an account name) would pin a whole chunk. Values kept in
 * long-lived maps are detached first.
 */

/** A copy of `s` that shares no memory with the string it was sliced from. */
export function detach(s: string): string {
  // Slices shorter than 13 characters are already copies in V8.
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}
