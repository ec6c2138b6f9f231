/**
 * Login, logout and the guard in front of every `/api` route.
 *
 * Rules enforced here (in an onRequest hook of the `/api` context, so they run before
 * any body is parsed):
 * - every route needs a live session unless its config says `public: true`;
 * - every method other than GET/HEAD needs the session's CSRF token in `x-csrf-token`;
 * - each failed login is reported to the daemon (`onLoginFailure`), which counts it like
 *   any other failed authentication (service HTTP) and bans the address when the policy
 *   says so: guessing from outside ends in the firewall;
 * - the password is checked on every login, and the right one always logs in: wrong
 *   passwords beyond `loginLimit` per client address are answered 429 (the client is
 *   told to wait), but no client's failures can refuse another's right password. Every
 *   SSH tunnel to the dashboard is 127.0.0.1, so a limit that refused before checking
 *   let any local user lock the owner out. What bounds guessing instead: the ban above
 *   for outside addresses, and scrypt's cost on every check (`password.ts`).
 *
 * The session cookie is HttpOnly and SameSite=Strict; under TLS it is Secure and
 * named with the `__Host-` prefix (no Domain, Path=/).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiDeps } from './deps.js';
import { ApiError } from './errors.js';
import { ADMIN_USER, PASSWORD_META_KEY, verifyPassword } from './password.js';
import { ROUTES, type LoginBody, type Session as SessionBody } from './schemas/index.js';
import { csrfMatches, type Session, type Sessions } from './sessions.js';

/** Wrong passwords per client address per window answered 401; beyond them, 429. */
export interface LoginLimit {
  readonly max: number;
  readonly windowMs: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's session, set by the `/api` guard (null on public routes without one). */
    session: Session | null;
  }
  interface FastifyContextConfig {
    /** Reachable without a session (login, session probe). */
    public?: boolean;
  }
}

/** The audit actor for a request: `web:<user>@<client address>`. */
export function actorOf(req: FastifyRequest): string {
  return `web:${req.session?.user ?? 'anonymous'}@${req.ip}`;
}

// A valid hash that matches no password, verified when no password is set so that
// timing does not reveal whether one is.
const NO_PASSWORD = ['scrypt', 1 << 15, 8, 1, Buffer.alloc(16).toString('base64'), Buffer.alloc(32).toString('base64')].join('$');

/** Registers the guard and the auth routes on the `/api` context. */
export function registerAuth(
  api: FastifyInstance, deps: ApiDeps, sessions: Sessions,
  opts: { secure: boolean; loginLimit?: LoginLimit | undefined },
): void {
  const cookieName = opts.secure ? '__Host-sipwarden' : 'sipwarden_session';
  const cookieOpts = { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: opts.secure };
  const failures = new LoginFailures(opts.loginLimit ?? { max: 5, windowMs: 60_000 });

  api.decorateRequest('session', null);
  api.addHook('onRequest', async (req) => {
    const id = req.cookies[cookieName];
    req.session = sessions.get(id, deps.store.getMeta(PASSWORD_META_KEY), deps.now());
    if (req.routeOptions.config.public === true) return;
    if (!req.session) throw new ApiError('AUTH_REQUIRED');
    if (req.method !== 'GET' && req.method !== 'HEAD' && !csrfMatches(req.headers['x-csrf-token'], req.session.csrf)) {
      throw new ApiError('CSRF_REJECTED');
    }
  });

  const sessionBody = (s: Session) => ({ user: s.user, csrfToken: s.csrf, expiresIdleMs: sessions.idleMs });

  api.post<{ Body: LoginBody; Reply: SessionBody }>('/login', {
    config: { public: true },
    schema: ROUTES['POST /api/login'],
  }, async (req, reply: FastifyReply) => {
    const { username, password } = req.body;
    const stored = deps.store.getMeta(PASSWORD_META_KEY);
    // Always run scrypt, whatever the user name, so timing tells nothing.
    const passwordOk = await verifyPassword(password, stored ?? NO_PASSWORD);
    const at = deps.now();
    if (!(passwordOk && stored !== null && username === ADMIN_USER)) {
      deps.onLoginFailure(req.ip, username, at);
      const wait = failures.add(req.ip, at);
      if (wait > 0) {
        const s = Math.ceil(wait / 1000);
        reply.header('retry-after', String(s));
        throw new ApiError('RATE_LIMITED', `too many wrong passwords from this address; wait ${s} s (the right password still logs in)`);
      }
      throw new ApiError('LOGIN_FAILED');
    }
    sessions.destroy(req.cookies[cookieName]);
    const { id, session } = sessions.create(ADMIN_USER, stored, at);
    req.session = session;
    auditUnlessStoreFails(deps, { at, actor: actorOf(req), action: 'login', detail: null });
    reply.setCookie(cookieName, id, cookieOpts);
    return sessionBody(session);
  });

  api.post('/logout', async (req, reply: FastifyReply) => {
    auditUnlessStoreFails(deps, { at: deps.now(), actor: actorOf(req), action: 'logout', detail: null });
    sessions.destroy(req.cookies[cookieName]);
    reply.clearCookie(cookieName, cookieOpts);
    return reply.code(204).send();
  });

  api.get<{ Reply: SessionBody }>('/session', { schema: ROUTES['GET /api/session'], config: { public: true } }, async (req) => {
    if (!req.session) throw new ApiError('AUTH_REQUIRED');
    return sessionBody(req.session);
  });
}

/**
 * Wrong passwords per client address within the window, for the 429 answer only (it
 * never refuses a login before the password is checked). Bounded: at most `max`
 * times per address, at most {@link MAX_CLIENTS} addresses (the oldest forgotten first).
 */
class LoginFailures {
  readonly #at = new Map<string, number[]>();
  constructor(private readonly limit: LoginLimit) {}

  /** Records a wrong password; returns how long (ms) until this address is under its limit again, 0 if it is now. */
  add(ip: string, now: number): number {
    const recent = (this.#at.get(ip) ?? []).filter((t) => t > now - this.limit.windowMs);
    const over = recent.length >= this.limit.max;
    recent.push(now);
    if (recent.length > this.limit.max) recent.shift();
    this.#at.delete(ip); // re-inserted last: the map's order is the forgetting order
    this.#at.set(ip, recent);
    if (this.#at.size > MAX_CLIENTS) this.#at.delete(this.#at.keys().next().value as string);
    return over ? Math.max(1, (recent[0] as number) + this.limit.windowMs - now) : 0;
  }
}

const MAX_CLIENTS = 10_000;

/**
 * Logging in and out is not refused when the store cannot take the audit row (disk
 * full, locked): the dashboard is where a person sees that the store fails, and the
 * daemon already reports that fault. Changes are still refused when not audited.
 */
function auditUnlessStoreFails(deps: ApiDeps, e: Parameters<ApiDeps['store']['addAudit']>[0]): void {
  try {
    deps.store.addAudit(e);
  } catch {
    // the store's fault is the daemon's to report (status, /api/health, the alert)
  }
}
