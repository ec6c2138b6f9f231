/**
 * Plain data shapes of the store: what goes in and what comes back. Times are ms since
 * the epoch. Every string that came from a PBX report (accounts, evidence text, raw
 * lines) is attacker-controlled and is returned exactly as stored: escape it on output.
 */
import type { BanTarget, Evidence, FailureReason, IpAddress, Service } from '../domain/index.js';

/** Who made a ban: the policy engine or a person (CLI, web UI). */
export type BanSource = 'policy' | 'manual';

/** One row of `bans`, with its JSON columns parsed. */
export interface BanRecord {
  readonly id: number;
  /** The address, or the network (`203.0.113.0/24`) for a network ban. */
  readonly ip: BanTarget;
  readonly reason: string;
  /** 0 = manual, 1..n = the policy tier that fired (the highest one seen while active). */
  readonly tier: number;
  readonly source: BanSource;
  /** Countable failures behind the ban (the highest count reported while active). */
  readonly failures: number;
  /** The report lines behind the ban, oldest first, at most {@link EVIDENCE_KEEP}. */
  readonly evidence: readonly Evidence[];
  /** Distinct account names tried, first seen first, at most {@link ACCOUNTS_KEEP}. */
  readonly accounts: readonly string[];
  readonly createdAt: number;
  /** When the ban ends by itself; null = permanent (until a person releases it). */
  readonly expiresAt: number | null;
  readonly releasedAt: number | null;
  readonly releasedBy: string | null;
  readonly createdBy: string | null;
}

/** Evidence items kept per ban (the most recent ones). */
export const EVIDENCE_KEEP = 20;
/** Distinct account names kept per ban. */
export const ACCOUNTS_KEEP = 50;

/** A ban to record; see `Store.addBan` for how it merges into an active ban. */
export interface NewBan {
  readonly ip: BanTarget;
  readonly reason: string;
  readonly tier: number;
  readonly source: BanSource;
  readonly failures: number;
  readonly evidence: readonly Evidence[];
  readonly accounts: readonly string[];
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly createdBy?: string;
}

/** A ban's state at a given time: active, ended by time, or ended by a person. */
export type BanState = 'active' | 'expired' | 'released';

/** Filter, page and order for `Store.listBans`. Every field is optional. */
export interface BanQuery {
  /** Exact address (non-canonical spellings are canonicalised first). */
  readonly ip?: string;
  /** Exact account name, one of the ban's `accounts`. */
  readonly account?: string;
  /** Default `all`. */
  readonly state?: BanState | 'all';
  /** Default {@link LIST_LIMIT_DEFAULT}, at most {@link LIST_LIMIT_MAX}. */
  readonly limit?: number;
  readonly offset?: number;
  /** Default `created_at`. Permanent bans sort as the latest `expires_at`. */
  readonly sort?: 'created_at' | 'expires_at' | 'ip';
  /** Default `desc`. */
  readonly order?: 'asc' | 'desc';
}

/** Rows of one page plus how many rows match the filter in all. */
export interface Page<T> {
  readonly total: number;
  readonly rows: T[];
}

/** Page size when a query gives no limit. */
export const LIST_LIMIT_DEFAULT = 100;
/** Largest page a query may ask for; larger limits are clamped. */
export const LIST_LIMIT_MAX = 1000;

/** One failed authentication as recorded in the failure history. */
export interface FailureRow {
  readonly at: number;
  readonly ip: IpAddress;
  readonly port: number | null;
  readonly service: Service;
  readonly account: string;
  readonly reason: FailureReason;
  /** The zone the address fell in (`external`, `internal`, …). */
  readonly zone: string;
  /** What sipwarden did about it (`counted`, `banned`, `ignored`, …). */
  readonly action: string;
  /** Evidence source (file path, `ami:host:port`), line and raw text, if known. */
  readonly source: string | null;
  readonly line: number | null;
  readonly raw: string | null;
}

/** A stored failure: the row plus its id. */
export interface FailureRecord extends FailureRow {
  readonly id: number;
}

/** Filter and page for `Store.listFailures`; newest first. `from` is inclusive, `to` exclusive. */
export interface FailureQuery {
  readonly ip?: string;
  readonly account?: string;
  readonly service?: string;
  readonly reason?: string;
  readonly from?: number;
  readonly to?: number;
  readonly limit?: number;
  readonly offset?: number;
}

/** An entry for the admin audit trail. `detail` is free text (often JSON). */
export interface AuditEntry {
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly ip?: string | null;
  readonly detail?: string | null;
}

/** A stored audit entry. */
export interface AuditRecord {
  readonly id: number;
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly ip: string | null;
  readonly detail: string | null;
}

/** A change the CLI (or API) made that the running daemon must apply to the firewall. */
export interface Change {
  /** Strictly increasing; a poller remembers the last id it applied. */
  readonly id: number;
  readonly at: number;
  readonly kind: 'ban' | 'release';
  readonly ip: BanTarget;
  readonly banId: number | null;
}

/** A manual ban request (CLI, web UI). */
export interface ManualBan {
  readonly ip: BanTarget;
  /** null = permanent. */
  readonly expiresAt: number | null;
  readonly reason: string;
  readonly actor: string;
  readonly at: number;
}

/** A manual release request. */
export interface ManualRelease {
  readonly ip: BanTarget;
  readonly actor: string;
  readonly at: number;
}

/** Where the log follower stopped reading a source, and how it recognises the file. */
export interface Cursor {
  readonly source: string;
  /** Device and inode of the file, as decimal strings (they may exceed 2^53). */
  readonly dev: string;
  readonly ino: string;
  /** Byte offset of the next unread byte. */
  readonly offset: number;
  /** Digest of the file's first bytes, to notice a file replaced under the same inode. */
  readonly fingerprint: string;
  /** Lines before `offset` (so line numbers go on after a restart); absent if not known. */
  readonly line?: number;
  readonly updatedAt: number;
}
