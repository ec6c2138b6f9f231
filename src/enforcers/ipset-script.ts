/**
 * The text of the ipset + iptables backend's commands (fed to `ipset restore` and
 * `iptables-restore --noflush`), built by pure functions.
 *
 * Invariants:
 * - Only sipwarden's own sets (`<prefix>4`, `<prefix>6`, `<prefix>-seen4/6` and the
 *   reconcile temporaries `<prefix>4-new`, `<prefix>6-new`) and its own chain are
 *   named; INPUT only gets one jump to that chain.
 * - Addresses come only from guardOps/guardBans; names and ports are checked options.
 * - The ban sets are created with `timeout 0` (per-element timeouts, no default
 *   expiry) and every element is written with an explicit timeout: `timeout 0` is a
 *   permanent ban, `timeout N` is removed by the kernel after N seconds even if
 *   sipwarden is down. (Checked on ipset 7.17: `timeout 0` stays permanent even in a
 *   set whose default timeout is not 0, and `add -exist` replaces the timeout of an
 *   element already present, timed <-> permanent both ways.)
 * - ipset's longest timeout is 2,147,483 s (24.8 days): a longer timed ban is written
 *   with that timeout and re-added with its true remaining time at the next reconcile.
 * - As in nft-script.ts, the seen rules come before the drop rules, so a banned
 *   address that keeps sending is still recorded as seen.
 */
import { isV6, type IpAddress } from '../domain/ip.js';
import type { BanScope } from './options.js';
import { remainingSeconds } from './options.js';
import type { BanEntry, EnforcerOp } from './types.js';

/** ipset's limit for a timeout, in seconds. */
export const IPSET_MAX_TIMEOUT = 2_147_483;

export interface IpsetLayout {
  readonly prefix: string;
  readonly chain: string;
  readonly scope: BanScope;
  readonly ports: readonly number[];
  readonly seenPorts: readonly number[];
  readonly seenTimeoutSeconds: number;
  readonly seenSize: number;
  /** maxelem of each ban set. */
  readonly maxElements: number;
}

export type Family = 4 | 6;

/** The names of the sets of one family. */
export function setNames(l: IpsetLayout, f: Family): { ban: string; seen: string; next: string } {
  return { ban: `${l.prefix}${f}`, seen: `${l.prefix}-seen${f}`, next: `${l.prefix}${f}-new` };
}

function createBan(l: IpsetLayout, name: string, f: Family): string {
  return `create ${name} hash:ip family ${f === 4 ? 'inet' : 'inet6'} timeout 0 maxelem ${l.maxElements}`;
}

/** `ipset restore -exist` input creating all four sets if missing. */
export function ipsetSetupScript(l: IpsetLayout): string {
  const lines: string[] = [];
  for (const f of [4, 6] as const) {
    const n = setNames(l, f);
    lines.push(createBan(l, n.ban, f), `create ${n.seen} hash:ip family ${f === 4 ? 'inet' : 'inet6'} timeout ${l.seenTimeoutSeconds} maxelem ${l.seenSize}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * `iptables-restore --noflush` input for one family: declaring the chain empties it
 * (so re-running never duplicates rules), then seen and drop rules; the INPUT jump
 * only when `addJump` (it is not there yet). One COMMIT: one atomic table update.
 */
export function iptablesScript(l: IpsetLayout, f: Family, addJump: boolean): string {
  const n = setNames(l, f);
  const lines = ['*filter', `:${l.chain} - [0:0]`];
  for (const proto of ['udp', 'tcp']) {
    for (const ports of groupsOf15(l.seenPorts)) lines.push(`-A ${l.chain} -p ${proto} -m multiport --dports ${ports} -j SET --add-set ${n.seen} src --exist --timeout ${l.seenTimeoutSeconds}`);
  }
  if (l.scope === 'all') lines.push(`-A ${l.chain} -m set --match-set ${n.ban} src -j DROP`);
  else for (const proto of ['udp', 'tcp']) for (const ports of groupsOf15(l.ports)) lines.push(`-A ${l.chain} -p ${proto} -m multiport --dports ${ports} -m set --match-set ${n.ban} src -j DROP`);
  if (addJump) lines.push(`-I INPUT 1 -j ${l.chain}`);
  lines.push('COMMIT');
  return lines.join('\n') + '\n';
}

/** `ipset restore -exist` input for a batch: in order, `add … timeout N` (0 = permanent) or `del`. */
export function ipsetApplyScript(l: IpsetLayout, ops: readonly EnforcerOp[], now: number): string {
  const lines: string[] = [];
  for (const op of ops) {
    const set = setNames(l, isV6(op.ip) ? 6 : 4).ban;
    if (op.op === 'unban' || (op.until !== null && op.until <= now)) lines.push(`del ${set} ${op.ip}`);
    else lines.push(`add ${set} ${op.ip} timeout ${ipsetTimeout(op.until, now)}`);
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}

/**
 * `ipset restore -exist` input that fills fresh temporary sets with the active bans
 * and swaps each with its live set (each swap is atomic), then destroys the old
 * contents. The caller destroys stale temporaries first.
 */
export function ipsetReconcileScript(l: IpsetLayout, bans: readonly BanEntry[], now: number): { script: string; v4: number; v6: number } {
  const longest = new Map<IpAddress, number | null>();
  for (const b of bans) {
    if (b.until !== null && b.until <= now) continue;
    const had = longest.get(b.ip);
    if (had === undefined || (had !== null && (b.until === null || b.until > had))) longest.set(b.ip, b.until);
  }
  const lines = [ipsetSetupScript(l).trimEnd()];
  const counts = { 4: 0, 6: 0 };
  for (const f of [4, 6] as const) {
    const n = setNames(l, f);
    lines.push(createBan(l, n.next, f), `flush ${n.next}`);
    for (const [ip, until] of longest) {
      if ((isV6(ip) ? 6 : 4) !== f) continue;
      lines.push(`add ${n.next} ${ip} timeout ${ipsetTimeout(until, now)}`);
      counts[f]++;
    }
  }
  for (const f of [4, 6] as const) lines.push(`swap ${setNames(l, f).next} ${setNames(l, f).ban}`);
  for (const f of [4, 6] as const) lines.push(`destroy ${setNames(l, f).next}`);
  return { script: lines.join('\n') + '\n', v4: counts[4], v6: counts[6] };
}

/** ipset timeout for a ban: 0 for permanent, else the remaining seconds (at least 1, at most ipset's limit). */
export function ipsetTimeout(until: number | null, now: number): number {
  if (until === null) return 0;
  return Math.min(Math.max(1, remainingSeconds(until, now)), IPSET_MAX_TIMEOUT);
}

function groupsOf15(ports: readonly number[]): string[] {
  const groups: string[] = [];
  for (let i = 0; i < ports.length; i += 15) groups.push(ports.slice(i, i + 15).join(','));
  return groups;
}
