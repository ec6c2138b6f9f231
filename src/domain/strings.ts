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

/**
 * Characters that must never reach a terminal or a log line as they are, because they
 * steer the display instead of showing: C0 controls, DEL, C1 controls (U+009B is a
 * one-character CSI, as ESC [ is), the Unicode line and paragraph separators, and the
 * bidirectional marks, embeddings, overrides and isolates (U+202E turns the rest of a
 * line around: "Trojan Source"). Attacker text carries them in account names,
 * display names and Call-IDs.
 */
export const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Whether the UTF-16 code unit `c` is one of {@link UNSAFE_CHARS}. */
export function isUnsafeChar(c: number): boolean {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x61c || c === 0x200e || c === 0x200f
    || c === 0x2028 || c === 0x2029 || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

const escapeUnsafe = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** {@link UNSAFE_CHARS} but C0: what JSON leaves as it is. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text safe to print on a terminal: JSON escapes C0 controls inside strings but
 * writes C1 and bidirectional controls as they are; here those are `\uXXXX` too. Still
 * valid JSON with the same meaning, and a line end after it stays a line end (the
 * daemon's log lines go through this).
 */
export function escapeJsonText(json: string): string {
  return json.replace(UNSAFE_IN_JSON, escapeUnsafe);
}

/** `value` as JSON that is safe to print on a terminal (see {@link escapeJsonText}). */
export function terminalJson(value: unknown): string {
  return escapeJsonText(JSON.stringify(value) ?? 'null');
}

/** Text for a terminal line, unquoted: each of {@link UNSAFE_CHARS} written as `\uXXXX`. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE_CHARS, escapeUnsafe);
}
