/**
 * The one way the dashboard talks to the server: JSON over fetch, same origin, the
 * session cookie sent by the browser, and the session's CSRF token on every change.
 */
import type { Problem } from './types';

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

/** Sends one request; resolves with the JSON body (undefined for 204), rejects with ApiFailure. */
export async function api<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiFailure(0, 'NETWORK', 'cannot reach sipwarden; is the daemon running?');
  }
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => null)) as { code?: string; message?: string; problems?: Problem[] } | null;
  if (!res.ok) {
    if (res.status === 401 && data?.code === 'AUTH_REQUIRED') onLoggedOut();
    throw new ApiFailure(res.status, data?.code ?? 'HTTP', data?.message ?? `request failed (${res.status})`, data?.problems ?? []);
  }
  return data as T;
}

/** `?a=1&b=x` from the defined, non-empty entries of `q`. */
export function query(q: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
