/**
 * The text of sipwarden's nftables transactions (fed to `nft -f -`), built by pure
 * functions so that it can be read and tested without a kernel.
 *
 * Invariants:
 * - Every statement names `inet <table>` and nothing else: no `flush ruleset`, no
 *   other table. The table name, ports and timeouts are checked numbers or names.
 * - Addresses come only from guardOps/guardBans (canonical IpAddress values), so
 *   nothing from outside is interpolated as text.
 * - The "seen" rules come BEFORE the drop rules, so a banned address that keeps
 *   sending is still recorded as seen: the sets answer "did this address send the PBX
 *   packets lately?", whether or not they were dropped. Log lines that lag behind a
 *   ban (failures still count while banned) then still find their sender seen.
 */
import { isV6, type IpAddress } from '../domain/ip.js';
import type { BanScope } from './options.js';
import { remainingSeconds } from './options.js';
import type { BanEntry, EnforcerOp } from './types.js';

/** Elements per `add element` statement (all statements still go in one transaction). */
export const CHUNK = 10_000;
/** The longest timeout written (100 years): the kernel refuses far longer ones. */
export const MAX_TIMEOUT_SECONDS = 36_500 * 86_400;

export interface NftLayout {
  readonly table: string;
  readonly scope: BanScope;
  readonly ports: readonly number[];
  readonly seenPorts: readonly number[];
  readonly seenTimeoutSeconds: number;
  /** Capacity of each dynamic seen set (when full, new senders are not recorded). */
  readonly seenSize: number;
}

/**
 * Creates (idempotently) the table, the ban and seen sets and the input chain, and
 * rewrites the chain's rules in place (`flush chain` + rules in the same transaction,
 * so re-running never duplicates them and no packet ever sees an empty chain).
 * With `recreateSeen` (only when they exist), the seen sets are deleted and made anew:
 * needed when their definition changed on a kernel that refuses to update it.
 */
export function setupScript(l: NftLayout, recreateSeen = false): string {
  const t = `inet ${l.table}`;
  const seenDef = (type: string) => `{ type ${type}; flags dynamic,timeout; timeout ${l.seenTimeoutSeconds}s; size ${l.seenSize}; }`;
  const lines = [
    `add table ${t}`,
    `add set ${t} ban4 { type ipv4_addr; flags timeout; }`,
    `add set ${t} ban6 { type ipv6_addr; flags timeout; }`,
    `add chain ${t} input { type filter hook input priority -10; policy accept; }`,
    `flush chain ${t} input`,
  ];
  if (recreateSeen) lines.push(`delete set ${t} seen4`, `delete set ${t} seen6`); // only used when they exist
  lines.push(`add set ${t} seen4 ${seenDef('ipv4_addr')}`, `add set ${t} seen6 ${seenDef('ipv6_addr')}`);
  const seenMatch = `meta l4proto { tcp, udp } th dport { ${l.seenPorts.join(', ')} }`;
  lines.push(`add rule ${t} input ${seenMatch} update @seen4 { ip saddr }`, `add rule ${t} input ${seenMatch} update @seen6 { ip6 saddr }`);
  const dropMatch = l.scope === 'sip' ? `meta l4proto { tcp, udp } th dport { ${l.ports.join(', ')} } ` : '';
  lines.push(`add rule ${t} input ${dropMatch}ip saddr @ban4 drop`, `add rule ${t} input ${dropMatch}ip6 saddr @ban6 drop`);
  return lines.join('\n') + '\n';
}

/**
 * One transaction applying bans and unbans. Later ops on the same address win; a ban
 * already over counts as an unban.
 *
 * A ban of an address that may already be in the set (`mayHold`) is written as add
 * (plain, so it is surely present), delete, add (with its timeout): nft 1.0.6 has no
 * `destroy element`, and on older kernels `add` leaves the timeout of a present
 * element unchanged. An address known to be absent gets a plain add: a kernel delete
 * costs ~12 ms, and a new attacker's first ban is the one that must be fast. An unban
 * is always add + delete, so it succeeds whether or not the address is there.
 */
export function applyScript(table: string, ops: readonly EnforcerOp[], now: number, mayHold: (ip: IpAddress) => boolean = () => true): string {
  const last = new Map<IpAddress, number | null | 'unban'>();
  for (const op of ops) {
    last.delete(op.ip); // keep the order of the last mention
    last.set(op.ip, op.op === 'unban' || (op.until !== null && op.until <= now) ? 'unban' : op.until);
  }
  const lines: string[] = [];
  for (const v6 of [false, true]) {
    const set = `inet ${table} ${v6 ? 'ban6' : 'ban4'}`;
    const touched: string[] = [];
    const banned: string[] = [];
    for (const [ip, state] of last) {
      if (isV6(ip) !== v6) continue;
      if (state === 'unban' || mayHold(ip)) touched.push(ip);
      if (state !== 'unban') banned.push(element(ip, state, now));
    }
    pushChunks(lines, `add element ${set}`, touched);
    pushChunks(lines, `delete element ${set}`, touched);
    pushChunks(lines, `add element ${set}`, banned);
  }
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}

/**
 * Builds the reconcile transaction piece by piece, so it can be streamed to nft while
 * the rest is still being checked: `head()` (the setup, so the chain is there too,
 * then both sets flushed), `add()` for each slice of checked bans (returns whole
 * `add element` lines of CHUNK elements once full), `tail()` for the rest. Bans
 * already over are skipped; for a duplicate address the longest ban wins (fixed up
 * at the end by delete + add of what was already written). `held` ends as exactly
 * what the transaction puts in the sets.
 */
export class ReconcileBuilder {
  readonly held = new Map<IpAddress, number | null>();
  private readonly pending: { 4: string[]; 6: string[] } = { 4: [], 6: [] };
  private readonly dups = new Set<IpAddress>();

  constructor(private readonly l: NftLayout, private readonly now: number) {}

  head(): string {
    return `${setupScript(this.l)}flush set inet ${this.l.table} ban4\nflush set inet ${this.l.table} ban6\n`;
  }

  add(bans: readonly BanEntry[]): string {
    const lines: string[] = [];
    for (const b of bans) {
      if (b.until !== null && b.until <= this.now) continue;
      const had = this.held.get(b.ip);
      if (had !== undefined) {
        if (had !== null && (b.until === null || b.until > had)) this.held.set(b.ip, b.until);
        this.dups.add(b.ip);
        continue;
      }
      this.held.set(b.ip, b.until);
      const family = isV6(b.ip) ? 6 : 4;
      const buf = this.pending[family];
      buf.push(element(b.ip, b.until, this.now));
      if (buf.length === CHUNK) {
        lines.push(`add element inet ${this.l.table} ban${family} { ${buf.join(', ')} }`);
        buf.length = 0;
      }
    }
    return lines.length > 0 ? lines.join('\n') + '\n' : '';
  }

  tail(): string {
    const lines: string[] = [];
    for (const f of [4, 6] as const) pushChunks(lines, `add element inet ${this.l.table} ban${f}`, this.pending[f]);
    for (const f of [4, 6] as const) {
      const dups = [...this.dups].filter((ip) => (isV6(ip) ? 6 : 4) === f);
      pushChunks(lines, `delete element inet ${this.l.table} ban${f}`, dups);
      pushChunks(lines, `add element inet ${this.l.table} ban${f}`, dups.map((ip) => element(ip, this.held.get(ip) ?? null, this.now)));
    }
    return lines.length > 0 ? lines.join('\n') + '\n' : '';
  }

  /** Elements per family in the result. */
  counts(): { v4: number; v6: number } {
    let v6 = 0;
    for (const ip of this.held.keys()) if (isV6(ip)) v6++;
    return { v4: this.held.size - v6, v6 };
  }
}

/** The whole reconcile transaction at once (tests; the enforcer streams it). */
export function reconcileScript(l: NftLayout, bans: readonly BanEntry[], now: number): { script: string; v4: number; v6: number } {
  const b = new ReconcileBuilder(l, now);
  const script = b.head() + b.add(bans) + b.tail();
  return { script, ...b.counts() };
}

/** Deletes the table whether or not it exists (add-then-delete in one transaction). */
export function dropScript(table: string): string {
  return `add table inet ${table}\ndelete table inet ${table}\n`;
}

/** An nft timeout of `seconds`, written as days + seconds (nft 1.0.6 rejects long plain numbers), capped at 100 years. */
export function nftTimeout(seconds: number): string {
  const s = Math.min(Math.max(1, Math.ceil(seconds)), MAX_TIMEOUT_SECONDS);
  return `${Math.floor(s / 86_400)}d${s % 86_400}s`;
}

function element(ip: IpAddress, until: number | null, now: number): string {
  return until === null ? ip : `${ip} timeout ${nftTimeout(remainingSeconds(until, now))}`;
}

function pushChunks(lines: string[], head: string, items: readonly string[]): void {
  for (let i = 0; i < items.length; i += CHUNK) lines.push(`${head} { ${items.slice(i, i + CHUNK).join(', ')} }`);
}
