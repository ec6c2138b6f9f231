/**
 * `sipwarden bans [--all] [--account NAME] [--json]`: the bans, newest first (at most
 * 1000). With an account: the bans that named it and the bans of addresses that failed
 * with it — the dashboard's own search (api/ban-search.ts), over a read-only connection.
 *
 * JSON: `{"total", "exact", "rows": [{"id", "ip", "state", "reason", "tier", "source",
 * "failures", "evidence", "accounts", "createdAt", "expiresAt", "releasedAt", "releasedBy",
 * "createdBy", "geo"}]}` (`geo`: `{country, name, asn?, network?}` where known; times in ms since the epoch; `expiresAt` null: until released; `exact`
 * false: `total` is a lower bound). Attacker-written text is escaped as on the terminal.
 */
import Database from 'better-sqlite3';
import { createBanSearch, type BanPage } from '../api/ban-search.js';
import { loadConfig } from '../config/index.js';
import { formatInstant } from '../domain/duration.js';
import { terminalJson } from '../domain/strings.js';
import { placed } from '../api/geo.js';
import { openConfiguredLocator, placeText, STDERR } from '../geo/open.js';
import { BUSY_TIMEOUT_MS, Store, type BanRecord } from '../store/index.js';

const LIMIT = 1000;

/** A ban's state at `now`. */
export function banState(b: BanRecord, now: number): 'active' | 'expired' | 'released' {
  if (b.releasedAt !== null) return 'released';
  return b.expiresAt !== null && b.expiresAt <= now ? 'expired' : 'active';
}

/** The account search over its own read-only connection to the store file. */
function searchAccount(path: string, account: string, state: 'all' | 'active', now: number): BanPage {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    return createBanSearch(db)({ account, state, limit: LIMIT, offset: 0 }, now);
  } finally {
    db.close();
  }
}

/** What made a ban, in a word: manual, tier N, or the rule (extension-from-external, subnet-escalation, …). */
function kindOf(b: { source: string; tier: number; reason: string }): string {
  if (b.source === 'manual') return 'manual';
  if (b.tier > 0) return `tier ${b.tier}`;
  return /^[a-z-]{1,40}/.exec(b.reason)?.[0] ?? 'rule';
}

const until = (t: number | null) => (t === null ? 'until released' : formatInstant(t));

/** The `bans` command. */
export async function bansCommand(opts: { config?: string; all?: boolean; json?: boolean; account?: string }): Promise<void> {
  const { config } = loadConfig(opts.config);
  const geo = await openConfiguredLocator(config.geo, STDERR);
  const store = Store.open(config.store.path);
  const now = Date.now();
  const state = opts.all ? 'all' : 'active';
  let page: BanPage;
  try {
    page = opts.account === undefined
      ? { ...store.listBans({ state, limit: LIMIT, sort: 'created_at', order: 'desc' }, now), exact: true }
      : searchAccount(config.store.path, opts.account, state, now);
  } finally {
    store.close();
  }
  if (opts.json) {
    process.stdout.write(`${terminalJson({ total: page.total, exact: page.exact, rows: page.rows.map((b) => placed({ ...b, state: banState(b, now) }, geo?.where)) })}\n`);
    return;
  }
  const of = opts.account === undefined ? '' : ` of account ${terminalJson(opts.account)}`;
  if (page.rows.length === 0) {
    process.stdout.write(opts.all ? `no bans recorded${of}\n` : `no active bans${of}\n`);
    return;
  }
  for (const b of page.rows) {
    const s = banState(b, now);
    const when = s === 'released' ? `released ${until(b.releasedAt)} by ${b.releasedBy}` : s === 'expired' ? 'expired' : `active ${until(b.expiresAt)}`;
    const accounts = b.accounts.length ? `  accounts ${b.accounts.slice(0, 5).map((a) => terminalJson(a)).join(',')}` : '';
    // Last on the line, where known: scripts reading the columns before it keep working.
    const place = geo ? placeText(geo.where(b.ip)) : '-';
    process.stdout.write(`${b.ip.padEnd(39)} ${kindOf(b)}  ${when}  ${terminalJson(b.reason)}${accounts}${place === '-' ? '' : `  from ${place}`}\n`);
  }
  if (page.total > page.rows.length) process.stdout.write(`… and ${page.exact ? '' : 'at least '}${page.total - page.rows.length} more\n`);
}
