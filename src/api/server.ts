/**
 * The HTTP server: Fastify with the JSON API under `/api`, `/healthz`, `/metrics`,
 * and the dashboard's static files. Building it has no side effects beyond reading the
 * TLS files; `startApiServer` also listens.
 *
 * Security model (see auth.ts for sessions and CSRF): bound to 127.0.0.1 by default;
 * every `/api` route needs a session except login; every state change needs the
 * session's CSRF token; only `application/json` bodies are parsed (no form or
 * text/plain posts, so no cross-site "simple" request reaches a handler); strict CSP
 * and no-sniff headers on every response; attacker-written text leaves only as JSON.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { ListenAddress } from '../config/index.js';
import { registerAuth, type LoginLimit } from './auth.js';
import type { ApiDeps } from './deps.js';
import { ApiError, errorHandler } from './errors.js';
import { SECURITY_HEADERS } from './headers.js';
import { renderMetrics } from './metrics.js';
import { registerBanRoutes } from './routes-bans.js';
import { registerCallsRoutes } from './routes-calls.js';
import { registerClusterRoutes } from './routes-cluster.js';
import { registerExportRoutes } from './routes-export.js';
import { registerFailureRoutes } from './routes-failures.js';
import { registerPhoneRoutes } from './routes-phone.js';
import { registerAlertRoutes } from './routes-alerts.js';
import { registerGeoSettingsRoutes } from './routes-geo-settings.js';
import { registerSettingsRoutes } from './routes-settings.js';
import { registerStatusRoutes } from './routes-status.js';
import { ROUTES } from './schemas/index.js';
import { Sessions, type SessionOptions } from './sessions.js';

/** Where `scripts/setup` builds the dashboard, relative to this file in src/api or dist/api. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url));

export interface ApiOptions {
  readonly listen: ListenAddress;
  /** PEM file paths; with them the server speaks HTTPS only and cookies are Secure. */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** The built dashboard; not served if the folder has no index.html. */
  readonly webRoot?: string;
  /** Login attempts allowed per client address per window (default 5 per minute). */
  readonly loginLimit?: LoginLimit;
  readonly sessions?: SessionOptions;
  /** Fastify's logger: false (default) or a pino-compatible logger / options. */
  readonly logger?: boolean | object;
  /** Most live failure streams open at once (default 16). */
  readonly maxStreams?: number;
  /** `feeds_export.token`: machines may pull the ban export with it (null or absent: the session only). */
  readonly exportToken?: string | null;
}

/** Builds the server (not listening). See {@link ApiDeps} for what the daemon provides. */
export function createApiServer(deps: ApiDeps, opts: ApiOptions): FastifyInstance {
  const tls = opts.tls ? { cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key) } : null;
  const app = (Fastify as unknown as (o: object) => FastifyInstance)({
    logger: opts.logger ?? false,
    ...(tls ? { https: tls } : {}),
    bodyLimit: 256 * 1024,
    forceCloseConnections: true,
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false, allErrors: true, coerceTypes: true, useDefaults: true, allowUnionTypes: true } },
  });
  // JSON only: no text/plain (a cross-site "simple" request) reaches a handler.
  app.removeContentTypeParser('text/plain');
  // Replies are JSON.stringify'd as they always were: a route's response schema types its
  // handler at compile time (and schemas.test.ts checks real replies against it), but is
  // not compiled into a serializer that would drop, coerce or round what it does not expect.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(errorHandler);
  app.addHook('onSend', async (_req, reply: FastifyReply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  const sessions = new Sessions(opts.sessions);
  void app.register(cookie);
  void app.register(rateLimit, { global: false });

  const root = app.withTypeProvider<TypeBoxTypeProvider>();
  root.get('/healthz', { schema: ROUTES['GET /healthz'] }, async () => ({ ok: true as const }));
  root.get('/metrics', { schema: ROUTES['GET /metrics'] }, async (_req, reply) => {
    reply.type('text/plain; version=0.0.4; charset=utf-8');
    return renderMetrics(deps, deps.now());
  });

  void app.register(async (api) => {
    registerAuth(api, deps, sessions, { secure: tls !== null, loginLimit: opts.loginLimit });
    registerBanRoutes(api, deps);
    registerFailureRoutes(api, deps, { maxStreams: opts.maxStreams ?? 16 });
    registerExportRoutes(api, deps, opts.exportToken ?? null);
    registerSettingsRoutes(api, deps);
    registerAlertRoutes(api, deps);
    registerGeoSettingsRoutes(api, deps);
    registerPhoneRoutes(api, deps);
    registerStatusRoutes(api, deps);
    registerCallsRoutes(api, deps);
    registerClusterRoutes(api, deps);
    api.setNotFoundHandler(() => {
      throw new ApiError('NOT_FOUND');
    });
  }, { prefix: '/api' });

  const webRoot = opts.webRoot;
  if (webRoot && existsSync(`${webRoot}/index.html`)) {
    void app.register(fastifyStatic, {
      root: webRoot,
      preCompressed: true,
      wildcard: true,
      setHeaders: (reply, path) => {
        // Vite names assets by content hash: cache them for a year; never cache index.html.
        reply.header('cache-control', /\/assets\//.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.setNotFoundHandler(() => {
    throw new ApiError('NOT_FOUND');
  });
  return app;
}

/** Builds the server and listens on `opts.listen`; resolves once it accepts connections. */
export async function startApiServer(deps: ApiDeps, opts: ApiOptions): Promise<FastifyInstance> {
  const app = createApiServer(deps, opts);
  await app.listen({ host: opts.listen.host, port: opts.listen.port });
  return app;
}
