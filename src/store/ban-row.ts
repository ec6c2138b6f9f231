/**
 * Mapping between `bans` rows and {@link BanRecord}, and the bounded merges of a ban's
 * evidence and accounts. Pure functions.
 */
import type { BanTarget, Evidence } from '../domain/index.js';
import { ACCOUNTS_KEEP, EVIDENCE_KEEP, type BanRecord, type BanSource } from './types.js';

/** A `bans` row as better-sqlite3 returns it. */
export interface BanRow {
  id: number;
  ip: string;
  reason: string;
  tier: number | null;
  source: string;
  failures: number;
  evidence: string | null;
  accounts: string | null;
  created_at: number;
  expires_at: number | null;
  released_at: number | null;
  released_by: string | null;
  created_by: string | null;
}

/** SQL condition (one `?` = now) for a ban that is in force: not released, not expired. */
export const ACTIVE_SQL = 'released_at IS NULL AND (expires_at IS NULL OR expires_at > ?)';

/** Converts a row to a record; malformed JSON columns read as empty lists. */
export function toBan(row: BanRow): BanRecord {
  return {
    id: row.id,
    // Only NewBan.ip (a canonical address or network) is ever written to this column.
    ip: row.ip as BanTarget,
    reason: row.reason,
    tier: row.tier ?? 0,
    source: row.source as BanSource,
    failures: row.failures,
    evidence: parseList(row.evidence).filter(isEvidence),
    accounts: parseList(row.accounts).filter((a): a is string => typeof a === 'string'),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    releasedAt: row.released_at,
    releasedBy: row.released_by,
    createdBy: row.created_by,
  };
}

function parseList(json: string | null): unknown[] {
  if (json === null) return [];
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

function isEvidence(v: unknown): v is Evidence {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return typeof e.source === 'string' && typeof e.line === 'number' && typeof e.text === 'string';
}

/**
 * Appends `added` to `kept`, dropping exact repeats, and keeps the
 * {@link EVIDENCE_KEEP} most recent items (the last ones), oldest first.
 */
export function mergeEvidence(kept: readonly Evidence[], added: readonly Evidence[]): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  for (const e of [...kept, ...added]) {
    const key = JSON.stringify([e.source, e.line, e.text]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ source: e.source, line: e.line, text: e.text });
  }
  return out.slice(-EVIDENCE_KEEP);
}

/** Union of `kept` and `added` in first-seen order, at most {@link ACCOUNTS_KEEP} names. */
export function mergeAccounts(kept: readonly string[], added: readonly string[]): string[] {
  const out = new Set<string>();
  for (const a of [...kept, ...added]) {
    if (out.size >= ACCOUNTS_KEEP) break;
    out.add(a);
  }
  return [...out];
}

/** The later of two expiries, where null (permanent) is later than any time. */
export function laterExpiry(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : Math.max(a, b);
}
