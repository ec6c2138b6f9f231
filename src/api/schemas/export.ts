/**
 * `/api/export/bans.txt` and `/api/export/bans.json`: the bans in force, for other
 * firewalls and for sharing. Only what a firewall needs leaves: the target, where the
 * ban came from (`local`, `feed:<name>`, `cluster:<node>`) and its times — no reason
 * text, no account names, no person's name.
 */
import Type, { type Static } from 'typebox';
import { Closed, Nullable } from './common.js';

/** `?origin=local` (default): this PBX's own decisions (its policy's and its people's); `all`: also feeds' and other PBXs' copies. */
export const ExportQuery = Closed({
  origin: Type.Optional(Type.Enum(['local', 'all'], { type: 'string' })),
});
export type ExportQuery = Static<typeof ExportQuery>;

/** One ban as exported. */
export const ExportedBan = Closed({
  /** The address, or the network (`203.0.113.0/24`). */
  ip: Type.String(),
  /** `local`, `feed:<name>` or `cluster:<node>`. */
  origin: Type.String(),
  createdAt: Type.Integer(),
  /** Null: until released. */
  expiresAt: Nullable(Type.Integer()),
});
export type ExportedBan = Static<typeof ExportedBan>;

/** The JSON export: when it was made, which origins it holds, and the bans (oldest first). */
export const BanExport = Closed({
  generatedAt: Type.Integer(),
  origin: Type.Enum(['local', 'all'], { type: 'string' }),
  total: Type.Integer(),
  bans: Type.Array(ExportedBan),
});
export type BanExport = Static<typeof BanExport>;
