/** `/api/bans`: the list and its search, a manual ban, a release; and a ban as the API sends it. */
import Type, { type Static } from 'typebox';
import { Closed, Geo, Nullable } from './common.js';

/** Deepest page offset the list accepts (deep OFFSETs cost a scan). */
export const MAX_OFFSET = 100_000;

/** What a ban is at a moment: in force, run out, or ended by a person. */
export const BanState = Type.Enum(['active', 'expired', 'released'], { type: 'string' });
export type BanState = Static<typeof BanState>;

/** A report line behind a ban; `text` is attacker-controlled (render it as text only). */
export const Evidence = Closed({ source: Type.String(), line: Type.Integer(), text: Type.String() });
export type Evidence = Static<typeof Evidence>;

/** A ban as the API returns it: the stored record plus its state now. */
export const Ban = Closed({
  id: Type.Integer(),
  /** The address, or the network (`203.0.113.0/24`) of a network ban. */
  ip: Type.String(),
  reason: Type.String(),
  /** 0 = manual, 1..n = the policy tier that fired. */
  tier: Type.Integer(),
  source: Type.Enum(['policy', 'manual'], { type: 'string' }),
  failures: Type.Integer(),
  evidence: Type.Immutable(Type.Array(Evidence)),
  /** Account names tried: attacker-controlled. */
  accounts: Type.Immutable(Type.Array(Type.String())),
  createdAt: Type.Integer(),
  /** Null: permanent, until a person releases it. */
  expiresAt: Nullable(Type.Integer()),
  releasedAt: Nullable(Type.Integer()),
  releasedBy: Nullable(Type.String()),
  /** Who made it: a person (`cli:root`, `dashboard:admin`), another PBX (`cluster:<node>`), a feed (`feed:<name>`), or null for this PBX's policy. */
  createdBy: Nullable(Type.String()),
  state: BanState,
  /** Where the address is (an address ban only). */
  geo: Type.Optional(Geo),
});
export type Ban = Static<typeof Ban>;

/** `GET /api/bans?…`: one search box (`q`: an address if it reads as one, else an account), or `ip` / `account` exactly. */
export const BanListQuery = Closed({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  ip: Type.Optional(Type.String({ maxLength: 100 })),
  account: Type.Optional(Type.String({ maxLength: 200 })),
  state: Type.Optional(Type.Enum(['active', 'expired', 'released', 'all'], { type: 'string' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET })),
  sort: Type.Optional(Type.Enum(['newest', 'created_at', 'expires_at', 'ip'], { type: 'string' })),
  order: Type.Optional(Type.Enum(['asc', 'desc'], { type: 'string' })),
});
export type BanListQuery = Static<typeof BanListQuery>;

/** A page of bans, newest first by default; when `exact` is false, `total` is a lower bound. */
export const BanList = Closed({ total: Type.Integer(), exact: Type.Boolean(), rows: Type.Array(Ban) });
export type BanList = Static<typeof BanList>;

/** `POST /api/bans`: an address or network as a person types it, `1h` … `permanent` (a bare number is refused with a hint), why. */
export const BanBody = Closed({
  ip: Type.String({ minLength: 1, maxLength: 100 }),
  duration: Type.Unsafe<string | number>({ type: ['string', 'number'], maxLength: 40 }),
  reason: Type.Optional(Type.String({ maxLength: 500 })),
  /** The person confirmed a network wider than `limits.widest_ipv4_ban` / `widest_ipv6_ban`. */
  force: Type.Optional(Type.Boolean()),
});
export type BanBody = Static<typeof BanBody>;

/** `POST /api/bans/release`. */
export const ReleaseBody = Closed({ ip: Type.String({ minLength: 1, maxLength: 100 }) });
export type ReleaseBody = Static<typeof ReleaseBody>;

/** A released ban; `stillBlockedBy`: the banned network that still holds the address, to release too. */
export const Released = Closed({ ...Ban.properties, stillBlockedBy: Type.Optional(Type.String()) });
export type Released = Static<typeof Released>;
