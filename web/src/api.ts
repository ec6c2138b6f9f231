/**
 * The one way the dashboard talks to the server: JSON over fetch, same origin, the
 * session cookie sent by the browser, and the session's CSRF token on every change.
 */
import type { ErrorBody, Problem, RouteBody, RouteInput, RouteKey, RouteReply } from './types';

let csrfToken = '';
let onLoggedOut: () => void = () => undefined;

/** Remembers the CSRF token of the current session (from login or the session probe). */
export function setCsrf(token: string): void {
  csrfToken = token;
}

/** Called when the server says the session is gone. */
export function setLoggedOutHandler(fn: () => void): void {
  onLoggedOut = fn;
}

/** A refused request: the server's code, one-line message and per-field problems. */
export class ApiFailure extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly problems: Problem[] = []) {
    super(message);
  }
}

/** A route's input: required when the route takes a body, optional otherwise. */
type Args<K extends RouteKey> = [RouteBody<K>] extends [never] ? [input?: RouteInput<K>] : [input: RouteInput<K>];

/**
 * Sends one request to a route of the API's table (`'GET /api/bans'`, with its query and
 * body typed by the route's schemas); resolves with the reply the route's schema
 * describes (undefined for 204), rejects with ApiFailure.
 */
export async function api<K extends RouteKey>(route: K, ...[input]: Args<K>): Promise<RouteReply<K>> {
  const [method = 'GET', path = ''] = route.split(' ');
  const { query: q, body } = (input ?? {}) as { query?: Parameters<typeof query>[0]; body?: unknown };
  const url = q ? `${path}${query(q)}` : path;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(url, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiFailure(0, 'NETWORK', 'cannot reach sipwarden; is the daemon running?');
  }
  if (res.status === 204) return undefined as RouteReply<K>;
  // The server's JSON, as its schemas describe it (a reply of the route, or an ErrorBody).
  const data = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) {
    const err = data as Partial<ErrorBody> | null;
    if (res.status === 401 && err?.code === 'AUTH_REQUIRED') onLoggedOut();
    throw new ApiFailure(res.status, err?.code ?? 'HTTP', err?.message ?? `request failed (${res.status})`, err?.problems ?? []);
  }
  return data as RouteReply<K>;
}

/** `?a=1&b=x` from the defined, non-empty entries of `q`. */
export function query(q: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
