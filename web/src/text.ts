/** Formatting for people. Attacker text is made visible, never interpreted. */

/**
 * Shows control characters and bidirectional overrides as visible symbols, so an
 * account name can neither hide characters nor reorder what is displayed around it.
 * The result is still rendered as TEXT by React (never as HTML).
 */
export function visible(s: string): string {
  return s
    .replace(/[\u0000-\u001f]/g, (c) => String.fromCharCode(0x2400 + c.charCodeAt(0)))
    .replace(/\u007f/g, '\u2421')
    .replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\u27e6U+${c.charCodeAt(0).toString(16).toUpperCase()}\u27e7`);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-11-24 19:36:46` in the browser's time zone. */
export function when(t: number): string {
  const d = new Date(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `19:36` (today's times on the live log). */
export function clock(t: number): string {
  const d = new Date(t);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `3 min`, `2 h 5 min`, `4 days`. */
export function span(ms: number): string {
  const m = Math.max(0, Math.round(ms / 60_000));
  if (m < 1) return 'less than a minute';
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  return `${Math.round(h / 24)} days`;
}

/** Plain words for a failure reason code. */
export const REASONS: Record<string, string> = {
  wrong_password: 'wrong password',
  unknown_account: 'unknown account',
  acl_denied: 'refused by ACL',
  not_allowed: 'not allowed',
  bad_request: 'malformed request',
  limit: 'PBX limit',
  other: 'other',
};
