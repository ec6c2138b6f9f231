/**
 * Dashboard sessions, kept server-side in memory (a daemon restart logs everyone out).
 *
 * Invariants:
 * - The cookie carries only a random 256-bit id; the map is keyed by its SHA-256, so
 *   neither a heap dump nor timing on map lookups gives out a usable cookie.
 * - Each session has its own random CSRF token (synchronizer token), required in the
 *   `x-csrf-token` header of every state-changing request.
 * - A session ends at `absoluteMs` after login, after `idleMs` without use, at logout,
 *   or when the stored password hash changes (`sipwarden passwd` logs everyone out).
 * - At most `maxSessions` live at once; the oldest is dropped first.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A live session. `credential` is the password hash in force at login. */
export interface Session {
  readonly user: string;
  readonly csrf: string;
  readonly createdAt: number;
  readonly credential: string;
  lastSeen: number;
}

export interface SessionOptions {
  readonly idleMs?: number;
  readonly absoluteMs?: number;
  readonly maxSessions?: number;
}

const digest = (id: string) => createHash('sha256').update(id).digest('base64url');

/** In-memory session table. Time is always a parameter. */
export class Sessions {
  readonly #byDigest = new Map<string, Session>();
  readonly idleMs: number;
  readonly absoluteMs: number;
  readonly #max: number;

  constructor(opts: SessionOptions = {}) {
    this.idleMs = opts.idleMs ?? 8 * 3_600_000;
    this.absoluteMs = opts.absoluteMs ?? 24 * 3_600_000;
    this.#max = opts.maxSessions ?? 64;
  }

  /** Starts a session; returns the cookie value (shown to nobody else) and the session. */
  create(user: string, credential: string, now: number): { id: string; session: Session } {
    this.sweep(now);
    while (this.#byDigest.size >= this.#max) {
      const oldest = this.#byDigest.keys().next().value as string;
      this.#byDigest.delete(oldest);
    }
    const id = randomBytes(32).toString('base64url');
    const session: Session = { user, csrf: randomBytes(32).toString('base64url'), createdAt: now, credential, lastSeen: now };
    this.#byDigest.set(digest(id), session);
    return { id, session };
  }

  /**
   * The live session for cookie value `id`, touched at `now`; null if unknown, expired,
   * or logged in under a password hash other than `credential` (then it is dropped).
   */
  get(id: string | undefined, credential: string | null, now: number): Session | null {
    if (!id || id.length > 100) return null;
    const key = digest(id);
    const s = this.#byDigest.get(key);
    if (!s) return null;
    if (now - s.lastSeen > this.idleMs || now - s.createdAt > this.absoluteMs || s.credential !== credential) {
      this.#byDigest.delete(key);
      return null;
    }
    s.lastSeen = now;
    return s;
  }

  /** Ends the session of cookie value `id` (no-op if none). */
  destroy(id: string | undefined): void {
    if (id) this.#byDigest.delete(digest(id));
  }

  /** Number of sessions held (live or not yet swept). */
  get size(): number {
    return this.#byDigest.size;
  }

  /** Drops expired sessions. */
  sweep(now: number): void {
    for (const [k, s] of this.#byDigest) {
      if (now - s.lastSeen > this.idleMs || now - s.createdAt > this.absoluteMs) this.#byDigest.delete(k);
    }
  }
}

/** Constant-time comparison of a presented CSRF token with the session's. */
export function csrfMatches(presented: unknown, expected: string): boolean {
  if (typeof presented !== 'string' || presented.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(presented), Buffer.from(expected));
}
