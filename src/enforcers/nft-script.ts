/**
 * The text of sipwarden's nftables transactions (fed to `nft -f -`), built by pure
 * functions so that it can be read and tested without a kernel.
 *
 * Invariants:
 * - Every statement names `inet <table>` and nothing else: no `flush ruleset`, no
 *   other table. The table name, ports and timeouts are checked numbers or names.
 * - Targets come only from guardOps/guardBans (canonical addresses and networks), so
 *   nothing from outside is interpolated as text.
 * - Addresses go to ban4/ban6 (plain sets), networks to net4/net6 (interval sets): an
 *   interval set refuses overlapping elements, and an address ban inside a banned
 *   network must still be possible (it may outlast the network's ban).
 * - What net4/net6 hold is always pairwise disjoint (see nets.ts): a batch touching a
 *   network that overlaps another one rewrites that family's net set whole (flush +
 *   the disjoint pieces of every network ban) instead of element by element.
 * - The "seen" rules come BEFORE the drop rules, so a banned address that keeps
 *   sending is still recorded as seen: the sets answer "did this address send the PBX
 *   packets lately?", whether or not they were dropped. Log lines that lag behind a
 *   ban (failures still count while banned) then still find their sender seen.
 */
import { isNetwork, isV6, isV6Target, type BanTarget, type Cidr, type IpAddress } from '../domain/ip.js';
import { HeldAddresses } from './held.js';
import { segmentNetworks, type NetBan } from './nets.js';
import type { BanScope, PortSet } from './options.js';
import { nftPortMatch, remainingSeconds } from './options.js';
import type { BanEntry, EnforcerOp } from './types.js';

/** Elements per `add element` statement (all statements still go in one transaction). */
export const CHUNK = 10_000;
/** The longest timeout written (100 years): the kernel refuses far longer ones. */
export const MAX_TIMEOUT_SECONDS = 36_500 * 86_400;

export interface NftLayout {
  readonly table: string;
  readonly scope: BanScope;
  readonly ports: PortSet;
  readonly seenPorts: PortSet;
  readonly seenTimeoutSeconds: number;
  /** Capacity of each dynamic seen set (when full, new senders are not recorded). */
  readonly seenSize: number;
}

/** The four ban sets: addresses and networks, per family. */
export type BanSet = 'ban4' | 'ban6' | 'net4' | 'net6';
const BAN_SETS: readonly BanSet[] = ['ban4', 'ban6', 'net4', 'net6'];

/** The set a target belongs in. */
export function setFor(t: BanTarget): BanSet {
  return isNetwork(t) ? (isV6Target(t) ? 'net6' : 'net4') : isV6Target(t) ? 'ban6' : 'ban4';
}

/**
 * Creates (idempotently) the table, the ban and seen sets and the input chain, and
 * rewrites the chain's rules in place (`flush chain` + rules in the same transaction,
 * so re-running never duplicates them and no packet ever sees an empty chain). On a
 * table made by an older version, `add set` adds the sets it lacks (net4/net6).
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
    `add set ${t} net4 { type ipv4_addr; flags interval, timeout; }`,
    `add set ${t} net6 { type ipv6_addr; flags interval, timeout; }`,
    `add chain ${t} input { type filter hook input priority -10; policy accept; }`,
    `flush chain ${t} input`,
  ];
  if (recreateSeen) lines.push(`delete set ${t} seen4`, `delete set ${t} seen6`); // only used when they exist
  lines.push(`add set ${t} seen4 ${seenDef('ipv4_addr')}`, `add set ${t} seen6 ${seenDef('ipv6_addr')}`);
  const seenMatch = nftPortMatch(l.seenPorts);
  lines.push(`add rule ${t} input ${seenMatch}update @seen4 { ip saddr }`, `add rule ${t} input ${seenMatch}update @seen6 { ip6 saddr }`);
  const dropMatch = l.scope === 'sip' ? nftPortMatch(l.ports) : '';
  lines.push(`add rule ${t} input ${dropMatch}ip saddr @ban4 drop`, `add rule ${t} input ${dropMatch}ip6 saddr @ban6 drop`);
  lines.push(`add rule ${t} input ${dropMatch}ip saddr @net4 drop`, `add rule ${t} input ${dropMatch}ip6 saddr @net6 drop`);
  return lines.join('\n') + '\n';
}

/**
 * Whole contents for net sets that must be rewritten rather than edited: the disjoint
 * pieces (segmentNetworks) of every network ban of that family after the batch, with
 * ends on the batch's clock.
 */
export interface NetRewrite {
  readonly net4?: readonly NetBan[];
  readonly net6?: readonly NetBan[];
}

/**
 * One transaction applying bans and unbans. Later ops on the same target win; a ban
 * already over counts as an unban.
 *
 * A ban of a target that may already be in its set (`mayHold`) is written as add
 * (plain, so it is surely present), delete, add (with its timeout): nft 1.0.6 has no
 * `destroy element`, and on older kernels `add` leaves the timeout of a present
 * element unchanged. A target known to be absent gets a plain add: a kernel delete
 * costs ~12 ms, and a new attacker's first ban is the one that must be fast. An unban
 * is always add + delete, so it succeeds whether or not the target is there (for a
 * network, only if it overlaps nothing in the set: else the caller passes `rewrite`).
 * A net set named in `rewrite` is flushed and refilled instead; the batch's network
 * ops of that family are then already part of `rewrite`.
 */
export function applyScript(table: string, ops: readonly EnforcerOp[], now: number, mayHold: (t: BanTarget) => boolean = () => true, rewrite: NetRewrite = {}): string {
  const lines: string[] = [];
  for (const p of applyPlan(ops, now, mayHold, rewrite)) {
    const set = `inet ${table} ${p.set}`;
    if (p.rewrite !== undefined) {
      lines.push(`flush set ${set}`);
      pushChunks(lines, `add element ${set}`, p.rewrite.map((n) => element(n.net, n.until, now)));
      continue;
    }
    pushChunks(lines, `add element ${set}`, p.touched);
    pushChunks(lines, `delete element ${set}`, p.touched);
    pushChunks(lines, `add element ${set}`, p.banned.map((b) => element(b.target, b.until, now)));
  }
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}

/**
 * What one apply transaction does to each ban set, in order (applyScript writes it as
 * nft text, the netlink path as messages): `touched` targets are added plain and
 * deleted, then `banned` ones added with their ends; a set in `rewrite` is flushed
 * and refilled instead. Sets with nothing to do are left out.
 */
export interface SetPlan {
  readonly set: BanSet;
  readonly touched: readonly BanTarget[];
  readonly banned: ReadonlyArray<{ readonly target: BanTarget; readonly until: number | null }>;
  readonly rewrite?: readonly NetBan[];
}

/** The plan of applyScript (its rules are in its comment). */
export function applyPlan(ops: readonly EnforcerOp[], now: number, mayHold: (t: BanTarget) => boolean = () => true, rewrite: NetRewrite = {}): SetPlan[] {
  const last = new Map<BanTarget, number | null | 'unban'>();
  for (const op of ops) {
    last.delete(op.ip); // keep the order of the last mention
    last.set(op.ip, op.op === 'unban' || (op.until !== null && op.until <= now) ? 'unban' : op.until);
  }
  const plan: SetPlan[] = [];
  for (const name of BAN_SETS) {
    const whole = name === 'net4' || name === 'net6' ? rewrite[name] : undefined;
    if (whole !== undefined) {
      plan.push({ set: name, touched: [], banned: [], rewrite: whole });
      continue;
    }
    const touched: BanTarget[] = [];
    const banned: Array<{ target: BanTarget; until: number | null }> = [];
    for (const [target, state] of last) {
      if (setFor(target) !== name) continue;
      if (state === 'unban' || mayHold(target)) touched.push(target);
      if (state !== 'unban') banned.push({ target, until: state });
    }
    if (touched.length > 0 || banned.length > 0) plan.push({ set: name, touched, banned });
  }
  return plan;
}

/**
 * Builds the reconcile transaction piece by piece, so it can be streamed to nft while
 * the rest is still being checked: `head()` (the setup, so the chain is there too,
 * then all four sets flushed), `add()` for each slice of checked bans (returns whole
 * `add element` lines of CHUNK addresses once full), `tail()` for the rest and every
 * network. Bans already over are skipped; for a duplicate target the longest ban wins
 * (for an address, fixed up at the end by delete + add of what was already written).
 * Networks are held back until `tail()` and written as their disjoint pieces
 * (`segments`). `held` (addresses, compact) and `nets` end as exactly the bans the
 * transaction enforces, with their ends on the `now` clock.
 */
export class ReconcileBuilder {
  readonly held = new HeldAddresses();
  readonly nets = new Map<Cidr, number | null>();
  /** The pieces written into net4/net6 (set by tail()). */
  segments: readonly NetBan[] = [];
  private readonly pending: { 4: string[]; 6: string[] } = { 4: [], 6: [] };
  private readonly dups = new Set<IpAddress>();

  /**
   * `addressesApart`: the address sets (ban4/ban6) are neither flushed nor written here —
   * another transaction fills them (the netlink path, nftables.ts); `held` still gets
   * every address (the longest ban of each), and networks are written as ever.
   */
  constructor(private readonly l: NftLayout, private readonly now: number, private readonly addressesApart = false) {}

  head(): string {
    const sets = this.addressesApart ? BAN_SETS.filter((s) => s === 'net4' || s === 'net6') : BAN_SETS;
    return setupScript(this.l) + sets.map((s) => `flush set inet ${this.l.table} ${s}\n`).join('');
  }

  add(bans: readonly BanEntry[]): string {
    const lines: string[] = [];
    for (const b of bans) {
      if (b.until !== null && b.until <= this.now) continue;
      if (isNetwork(b.ip)) {
        // Networks written whole at the end.
        const had = this.nets.get(b.ip);
        if (had === undefined || (had !== null && (b.until === null || b.until > had))) this.nets.set(b.ip, b.until);
        continue;
      }
      const had = this.held.claim(b.ip, b.until);
      if (had !== undefined) {
        if (had !== null && (b.until === null || b.until > had)) this.held.set(b.ip, b.until);
        this.dups.add(b.ip);
        continue;
      }
      if (this.addressesApart) continue;
      const family = isV6Target(b.ip) ? 6 : 4;
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
    for (const f of this.addressesApart ? [] : ([4, 6] as const)) {
      const dups = [...this.dups].filter((ip) => (isV6Target(ip) ? 6 : 4) === f);
      pushChunks(lines, `delete element inet ${this.l.table} ban${f}`, dups);
      pushChunks(lines, `add element inet ${this.l.table} ban${f}`, dups.map((ip) => element(ip, this.held.get(ip) ?? null, this.now)));
    }
    const nets: NetBan[] = [];
    for (const [net, until] of this.nets) nets.push({ net, until });
    this.segments = segmentNetworks(nets);
    for (const f of [4, 6] as const) {
      const pieces = this.segments.filter((p) => (isV6Target(p.net) ? 6 : 4) === f);
      pushChunks(lines, `add element inet ${this.l.table} net${f}`, pieces.map((p) => element(p.net, p.until, this.now)));
    }
    return lines.length > 0 ? lines.join('\n') + '\n' : '';
  }

  /** Bans per set in the result (networks counted as banned, not as pieces). */
  counts(): { v4: number; v6: number; net4: number; net6: number } {
    let net6 = 0;
    for (const net of this.nets.keys()) if (isV6Target(net)) net6++;
    const { v4, v6 } = this.held.counts();
    return { v4, v6, net4: this.nets.size - net6, net6 };
  }
}

/** The whole reconcile transaction at once (tests; the enforcer streams it). */
export function reconcileScript(l: NftLayout, bans: readonly BanEntry[], now: number): { script: string; v4: number; v6: number; net4: number; net6: number } {
  const b = new ReconcileBuilder(l, now);
  const script = b.head() + b.add(bans) + b.tail();
  return { script, ...b.counts() };
}

/**
 * Lines that make a transaction fail unless each address is in its seen set: deleting
 * an absent element is an error (ENOENT), which aborts the whole transaction. Each is
 * put back at once (with the set's full timeout: it is sending right now). A direct
 * kernel lookup, unlike `nft get element`, which first reads the whole set (0.85 s with
 * 100,000 senders). Address i's check is on lines 2i+1 and 2i+2 of the script.
 */
export function seenGuard(table: string, ips: readonly IpAddress[]): string {
  let out = '';
  for (const ip of ips) {
    const set = `inet ${table} ${isV6(ip) ? 'seen6' : 'seen4'}`;
    out += `delete element ${set} { ${ip} }\nadd element ${set} { ${ip} }\n`;
  }
  return out;
}

/**
 * For a transaction that began with seenGuard(ips) and failed: the index in `ips` of
 * the address that was not in its seen set, or null if it failed for another reason.
 */
export function unseenIndex(stderr: string, count: number): number | null {
  const m = /^\/dev\/stdin:(\d+):\d+(?:-\d+)?: Error: Could not process rule: No such file or directory$/m.exec(stderr);
  if (!m) return null;
  const line = Number(m[1]);
  return line % 2 === 1 && line <= 2 * count ? (line - 1) / 2 : null;
}

/** Deletes the table whether or not it exists (add-then-delete in one transaction). */
export function dropScript(table: string): string {
  return `add table inet ${table}\ndelete table inet ${table}\n`;
}

/** An nft timeout of `seconds`, written as days + seconds (nft 1.0.6 rejects long plain numbers), capped at 100 years. */
export function nftTimeout(seconds: number): string {
  const s = clampTimeout(seconds);
  return `${Math.floor(s / 86_400)}d${s % 86_400}s`;
}

/** Whole seconds an element's timeout is: at least 1, at most MAX_TIMEOUT_SECONDS (the nft text and the netlink path alike). */
export function clampTimeout(seconds: number): number {
  return Math.min(Math.max(1, Math.ceil(seconds)), MAX_TIMEOUT_SECONDS);
}

/** The timeout (ms) of an element for a ban ending at `until`, as nft would write it (whole seconds). */
export function timeoutMs(until: number, now: number): number {
  return clampTimeout(remainingSeconds(until, now)) * 1000;
}

function element(t: BanTarget | Cidr, until: number | null, now: number): string {
  return until === null ? t : `${t} timeout ${nftTimeout(remainingSeconds(until, now))}`;
}

function pushChunks(lines: string[], head: string, items: readonly string[]): void {
  for (let i = 0; i < items.length; i += CHUNK) lines.push(`${head} { ${items.slice(i, i + CHUNK).join(', ')} }`);
}
