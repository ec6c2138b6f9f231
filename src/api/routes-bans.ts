/**
 * `/api/bans`: list and search (by address or account), manual ban, release. Bans and
 * releases go through `deps.bans`: written with their audit entry in one store
 * transaction, and in the daemon put into force at once (engine and firewall, in its
 * own process). Protected addresses (loopback, the host's own, trusted, this host's SSH
 * clients) are refused before anything is written, and so is a network wider than
 * `limits` unless the body says `force: true`.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { DEFAULTS } from '../config/defaults.js';
import { banLength } from '../config/values.js';
import { parseBanTarget, SipwardenError, type BanTarget } from '../domain/index.js';
import { manualBanRefusal, zoneOfTarget } from '../engine/zones.js';
import type { BanRecord, BanState } from '../store/index.js';
import { actorOf } from './auth.js';
import { storeBans } from './controls.js';
import type { ApiDeps } from './deps.js';
import { invalid } from './errors.js';
import { placed } from './geo.js';
import { ROUTES, type Ban } from './schemas/index.js';

export { MAX_OFFSET } from './schemas/index.js';

/** An address or network as a person types it (`[2001:db8::1]`, `203.0.113.0/24` too), or BAD_ADDRESS. */
export function addressOf(text: string): BanTarget {
  const target = parseBanTarget(text);
  if (!target) throw new SipwardenError('BAD_ADDRESS', `not an IP address or network: ${JSON.stringify(text.slice(0, 100))}`);
  return target;
}

/** A ban's state at `now`. */
export function stateOf(b: BanRecord, now: number): BanState {
  if (b.releasedAt !== null) return 'released';
  return b.expiresAt !== null && b.expiresAt <= now ? 'expired' : 'active';
}

/** A ban as the API returns it: the record plus its state now. */
const view = (b: BanRecord, now: number): Ban => ({ ...b, state: stateOf(b, now) });

/** Without the daemon's rules (tests): the default width limits. */
const DEFAULT_MANUAL_BANS = { widest: { ipv4: DEFAULTS.limits.widest_ipv4_ban, ipv6: DEFAULTS.limits.widest_ipv6_ban } };

/** Registers the ban routes on the `/api` context. */
export function registerBanRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const bans = deps.bans ?? storeBans(deps.store);
  api.get('/bans', { schema: ROUTES['GET /api/bans'] }, async (req) => {
    const { q, sort = 'newest', order, state = 'all', limit = 50, offset = 0 } = req.query;
    let { ip, account } = req.query;
    const search = q?.trim();
    if (search) {
      // One search box: an address if it reads as one, else an account name (exact).
      const asIp = parseBanTarget(search);
      if (asIp) ip = asIp;
      else account = search;
    }
    const now = deps.now();
    // Newest first (the default) without an address: the index-ordered search, fast on any store.
    const page = sort === 'newest' && ip === undefined && order !== 'asc'
      ? deps.searchBans({ account, state, limit, offset }, now)
      : { ...deps.store.listBans({ ip, account, state, limit, offset, sort: sort === 'newest' ? 'created_at' : sort, order }, now), exact: true };
    return { total: page.total, exact: page.exact, rows: page.rows.map((b) => placed(view(b, now), deps.where)) };
  });

  api.post('/bans', { schema: ROUTES['POST /api/bans'] }, async (req, reply) => {
    const ip = addressOf(req.body.ip);
    const length = banLength.safeParse(req.body.duration);
    if (!length.success) throw invalid([{ path: 'duration', message: length.error.issues[0]?.message ?? 'expected a duration or permanent' }]);
    // Never this host's SSH clients; a network wider than `limits` only when confirmed.
    const refusal = manualBanRefusal(ip, zoneOfTarget(deps.zoneOf, ip), deps.manualBans ?? DEFAULT_MANUAL_BANS, { force: req.body.force === true, how: 'confirm it (send "force": true)' });
    if (refusal) throw new SipwardenError('NEVER_BAN', refusal);
    const at = deps.now();
    const reason = req.body.reason?.trim() || 'manual ban';
    const ban = await bans.ban({ ip, expiresAt: length.data === null ? null : at + length.data, reason, actor: actorOf(req), at });
    return reply.code(201).send(view(ban, at));
  });

  api.post('/bans/release', { schema: ROUTES['POST /api/bans/release'] }, async (req) => {
    const ip = addressOf(req.body.ip);
    const at = deps.now();
    const released = await bans.release({ ip, actor: actorOf(req), at });
    if (!released) throw new SipwardenError('NOT_BANNED', `${ip} is not banned`);
    // Released, but still blocked if a banned network holds it: say so, with the network to release.
    const net = released.stillBlockedBy;
    return net ? { ...view(released.ban, at), stillBlockedBy: net.ip } : view(released.ban, at);
  });
}
