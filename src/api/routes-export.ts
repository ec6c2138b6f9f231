/**
 * `/api/export/bans.txt` and `/api/export/bans.json`: the bans in force, for another
 * firewall to pull and for sharing (README "Blocklist feeds").
 *
 * Access: the dashboard's session, or — for machines — `Authorization: Bearer <token>`
 * with `feeds_export.token`, compared in constant time (digests of equal length, so
 * neither the token nor its length leaks through timing). A wrong token is reported to
 * the daemon like a wrong dashboard password: guessing from outside ends in the firewall.
 *
 * `?origin=local` (the default) is this PBX's own decisions — its policy's and its
 * people's — and leaves out copies (`feed:<name>`, `cluster:<node>`): two PBXs that
 * import each other's export never keep each other's copies alive for ever.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BanRecord } from '../store/index.js';
import type { ApiDeps } from './deps.js';
import { ApiError } from './errors.js';
import { ROUTES, type ExportedBan } from './schemas/index.js';

/** Where a ban came from, as exported: `local`, or the copy's origin (`feed:<name>`, `cluster:<node>`). */
export function exportOrigin(b: Pick<BanRecord, 'createdBy'>): string {
  const by = b.createdBy ?? '';
  return /^(feed|cluster):[A-Za-z0-9][A-Za-z0-9_.:-]{0,62}$/.test(by) ? by : 'local';
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Whether the request carries `token` as its bearer token (constant time). */
export function bearerMatches(req: Pick<FastifyRequest, 'headers'>, token: string): boolean {
  const m = /^Bearer ([\x21-\x7e]{1,512})$/.exec(req.headers.authorization ?? '');
  return m !== null && timingSafeEqual(digest(m[1] as string), digest(token));
}

/** Registers the export routes on the `/api` context; `token`: `feeds_export.token` (null: the session only). */
export function registerExportRoutes(app: FastifyInstance, deps: ApiDeps, token: string | null): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const allowed = (req: FastifyRequest) => {
    if (req.session) return;
    if (token !== null && req.headers.authorization !== undefined) {
      if (bearerMatches(req, token)) return;
      deps.onLoginFailure(req.ip, 'export-token', deps.now());
    }
    throw new ApiError('AUTH_REQUIRED');
  };
  const bans = (origin: 'local' | 'all'): ExportedBan[] => {
    const now = deps.now();
    return deps.store.activeBans(now)
      .map((b) => ({ ip: b.ip, origin: exportOrigin(b), createdAt: b.createdAt, expiresAt: b.expiresAt }))
      .filter((b) => origin === 'all' || b.origin === 'local');
  };

  api.get('/export/bans.txt', { schema: ROUTES['GET /api/export/bans.txt'], config: { public: true } }, async (req, reply) => {
    allowed(req);
    const list = bans(req.query.origin ?? 'local');
    reply.type('text/plain; charset=utf-8');
    return list.map((b) => `${b.ip}\n`).join('');
  });

  api.get('/export/bans.json', { schema: ROUTES['GET /api/export/bans.json'], config: { public: true } }, async (req) => {
    allowed(req);
    const origin = req.query.origin ?? 'local';
    const list = bans(origin);
    return { generatedAt: deps.now(), origin, total: list.length, bans: list };
  });
}
