/** `/api/stats`, `/api/health`, `/api/live`, `/api/audit`: what the overview, `sipwarden status` and the audit trail read. */
import Type, { type Static } from 'typebox';
import { ClusterView } from './cluster.js';
import { Closed, Geo, Nullable } from './common.js';

const COUNTS = Closed({ start: Type.Integer(), counts: Type.Array(Type.Integer()) });

/** The overview's numbers at `now`; time buckets are UTC-aligned. */
export const Stats = Closed({
  now: Type.Integer(),
  /** 24 hourly counts; bucket i covers [start + i h, start + (i+1) h). */
  hourly: COUNTS,
  /** 30 daily counts (UTC days); the last is today. */
  daily: COUNTS,
  failures24h: Type.Integer(),
  topAddresses: Type.Array(Closed({ ip: Type.String(), failures: Type.Integer(), lastAt: Type.Integer(), geo: Type.Optional(Geo) })),
  /** Account names are attacker-controlled. */
  topAccounts: Type.Array(Closed({ account: Type.String(), failures: Type.Integer(), addresses: Type.Integer() })),
  activeBans: Type.Integer(),
  /** Bans created in the last 24 h per tier (0 = manual), and how many are still active. */
  bansByTier: Type.Array(Closed({ tier: Type.Integer(), bans: Type.Integer(), active: Type.Integer() })),
  /** Failures in the last 24 h by country of the address (geo/; `??` when unknown), most first. */
  byCountry: Type.Optional(Type.Array(Closed({ country: Type.String(), name: Type.String(), failures: Type.Integer(), addresses: Type.Integer() }))),
  /** Failures in the last 24 h by network (AS), most first, when the database has networks. */
  byNetwork: Type.Optional(Type.Array(Closed({ asn: Type.Integer(), network: Type.String(), failures: Type.Integer(), addresses: Type.Integer() }))),
  /** Calls the toll-fraud guard stopped (hung up or refused) since 00:00 UTC. */
  callsStoppedToday: Type.Optional(Type.Integer()),
});
export type Stats = Static<typeof Stats>;

/**
 * One followed log file. The daemon's follower also says `oversized`, `rotations` and
 * `problem` (why the path cannot be read now); `lagMs` and `error` are for other sources.
 */
export const SourceHealth = Closed({
  path: Type.String(),
  exists: Type.Boolean(),
  /** Byte offset read up to. */
  offset: Type.Integer(),
  lines: Type.Integer(),
  /** How far behind the file's end reading is, ms. */
  lagMs: Type.Optional(Nullable(Type.Number())),
  error: Type.Optional(Nullable(Type.String())),
  oversized: Type.Optional(Type.Integer()),
  rotations: Type.Optional(Type.Integer()),
  problem: Type.Optional(Nullable(Type.String())),
});
export type SourceHealth = Static<typeof SourceHealth>;

/** The AMI connection; `since`: when the current state began. */
export const AmiHealth = Closed({
  host: Type.String(),
  port: Type.Integer(),
  connected: Type.Boolean(),
  since: Type.Optional(Nullable(Type.Integer())),
  lastError: Type.Optional(Nullable(Type.String())),
});
export type AmiHealth = Static<typeof AmiHealth>;

const NOTES = Type.Immutable(Type.Array(Type.String()));

/** The ports the kernel watches for senders (an attacker of an unwatched port cannot be banned), or every port and why. */
export const WatchHealth = Type.Union([
  Closed({
    mode: Type.Literal('ports'),
    ports: Type.Immutable(Type.Array(Closed({ port: Type.Integer(), proto: Nullable(Type.String()), service: Nullable(Type.String()), from: Type.String() }))),
    notes: NOTES,
  }),
  Closed({ mode: Type.Literal('all'), why: Type.String(), notes: NOTES }),
]);
export type WatchHealth = Static<typeof WatchHealth>;

const BACKLOG = Closed({ failures: Type.Integer(), bans: Type.Integer(), logLines: Type.Integer() });

/** What fails in the store or the failed-auth log, what waits in memory, what was dropped, and a damaged store kept aside at start. */
export const StoreHealth = Closed({
  state: Type.Enum(['ok', 'degraded'], { type: 'string' }),
  faults: Type.Immutable(Type.Array(Closed({
    part: Type.String(), kind: Type.String(), code: Type.String(), message: Type.String(), advice: Type.String(),
    since: Type.Integer(), failures: Type.Integer(), retryAt: Type.Integer(),
  }))),
  pending: BACKLOG,
  dropped: BACKLOG,
  reset: Nullable(Closed({ at: Type.Integer(), aside: Type.String(), message: Type.String() })),
});
export type StoreHealth = Static<typeof StoreHealth>;

/** The daemon's inputs, firewall and store, with protection and the server's clock. */
export const Health = Closed({
  sources: Type.Immutable(Type.Array(SourceHealth)),
  ami: Nullable(AmiHealth),
  firewall: Closed({
    backend: Type.String(),
    lastError: Type.Optional(Nullable(Type.String())),
    watch: Type.Optional(Nullable(WatchHealth)),
  }),
  /** Null or absent: not known. */
  store: Type.Optional(Nullable(StoreHealth)),
  /** Log lines Asterisk's own logger reported as dropped since sipwarden started. */
  asteriskLoss: Type.Optional(Nullable(Closed({
    dropped: Type.Integer(), episodes: Type.Integer(), lastAt: Nullable(Type.Integer()), source: Nullable(Type.String()),
  }))),
  protection: Type.Enum(['on', 'off'], { type: 'string' }),
  now: Type.Integer(),
});
export type Health = Static<typeof Health>;

/** `GET /api/live` (loopback, no session): what `sipwarden status` prints. */
export const Live = Closed({
  pid: Type.Integer(), now: Type.Integer(), attempts: Nullable(Type.Number()), store: Nullable(StoreHealth),
  /** Protection as the daemon enforces it now (the config file may have been edited since it started). */
  protection: Type.Enum(['on', 'off'], { type: 'string' }),
  /** This PBX in its cluster group (null: cluster mode off), as `/api/cluster` says it. */
  cluster: Type.Optional(ClusterView.properties.node),
});
export type Live = Static<typeof Live>;

/** `GET /api/audit?limit=`. */
export const AuditQuery = Closed({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) });
export type AuditQuery = Static<typeof AuditQuery>;

/** One entry of the audit trail; `detail` is free text (often JSON). */
export const AuditRow = Closed({
  id: Type.Integer(), at: Type.Integer(), actor: Type.String(), action: Type.String(), ip: Nullable(Type.String()), detail: Nullable(Type.String()),
});
export type AuditRow = Static<typeof AuditRow>;

/** The newest entries first. */
export const AuditList = Closed({ rows: Type.Array(AuditRow) });
export type AuditList = Static<typeof AuditList>;
