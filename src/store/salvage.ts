/**
 * What can still be read from a damaged store kept aside, copied into the fresh one:
 * the bans in force, the sources' cursors (so reading resumes where it stopped) and the
 * meta values worth keeping (settings, the dashboard password, how far the failed-auth
 * log was complete). Each table is read on its own, read-only; a table SQLite cannot
 * read is skipped and named. Nothing here throws for a damaged file.
 */
import Database from 'better-sqlite3';
import { toBan, type BanRow } from './ban-row.js';
import type { Store } from './store.js';
import type { Cursor } from './types.js';

/** What was copied, and which tables could not be read. */
export interface Salvaged {
  readonly bans: number;
  readonly cursors: number;
  readonly meta: number;
  readonly unreadable: readonly string[];
}

/** Meta keys that describe a daemon run, not the store: never copied. */
const RUN_KEYS = new Set(['heartbeat', 'pid', 'started_at', 'stats']);

/**
 * Copies from the damaged file at `aside` into `store` what it can. `positionKey` (the
 * failed-auth log's position) is copied only together with every cursor (cutting the
 * log back without reading the sources again from the same point would lose lines),
 * and not at all without `keepPosition`.
 */
export function salvageInto(store: Store, aside: string, now: number, positionKey: string, keepPosition = true): Salvaged {
  const unreadable: string[] = [];
  let db: Database.Database;
  try {
    db = new Database(aside, { readonly: true, fileMustExist: true });
  } catch {
    return { bans: 0, cursors: 0, meta: 0, unreadable: ['the whole file'] };
  }
  // The rows read before a damaged page are kept; null only if none could be read at all.
  const read = <T>(table: string, sql: string, args: unknown[] = []): T[] | null => {
    const rows: T[] = [];
    try {
      for (const row of db.prepare(sql).iterate(...args)) rows.push(row as T);
      return rows;
    } catch {
      unreadable.push(table);
      return rows.length ? rows : null;
    }
  };
  try {
    const bans = read<BanRow>('bans', 'SELECT * FROM bans WHERE released_at IS NULL AND (expires_at IS NULL OR expires_at > ?)', [now]) ?? [];
    for (const b of bans.map(toBan)) {
      store.addBan({
        ip: b.ip, reason: b.reason, tier: b.tier, source: b.source, failures: b.failures, evidence: b.evidence,
        accounts: b.accounts, createdAt: b.createdAt, expiresAt: b.expiresAt, ...(b.createdBy ? { createdBy: b.createdBy } : {}),
      });
    }
    const cursors = read<{ source: string; dev: string; ino: string; offset: number; fingerprint: string; updated_at: number }>('cursors', 'SELECT * FROM cursors');
    for (const c of cursors ?? []) {
      const cursor: Cursor = { source: c.source, dev: String(c.dev), ino: String(c.ino), offset: c.offset, fingerprint: c.fingerprint, updatedAt: c.updated_at };
      store.setCursor(cursor);
    }
    let meta = 0;
    for (const m of read<{ key: string; value: string }>('meta', 'SELECT key, value FROM meta') ?? []) {
      if (RUN_KEYS.has(m.key) || (m.key === positionKey && (!keepPosition || unreadable.includes('cursors')))) continue;
      store.setMeta(m.key, m.value);
      meta++;
    }
    return { bans: bans.length, cursors: cursors?.length ?? 0, meta, unreadable };
  } finally {
    db.close();
  }
}
