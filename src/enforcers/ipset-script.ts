/**
 * The text of the ipset + iptables backend's commands (fed to `ipset restore` and
 * `iptables-restore --noflush`), built by pure functions.
 *
 * Invariants:
 * - Only sipwarden's own sets (addresses `<prefix>4`, `<prefix>6` (hash:ip), networks
 *   `<prefix>-net4`, `<prefix>-net6` (hash:net), `<prefix>-seen4/6` and the reconcile
 *   temporaries `<prefix>4-new`, `<prefix>6-new`, `<prefix>-net4-new`,
 *   `<prefix>-net6-new`) and its own chain are named; INPUT only gets one jump to that
 *   chain.
 * - Targets come only from guardOps/guardBans; names and ports are checked options.
 *   Addresses go to the hash:ip sets, networks to the hash:net sets: a hash:net set
 *   holds nested networks side by side, and an address ban inside a banned network
 *   stays its own element (it may outlast the network's ban).
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
import { isNetwork, isV6Target, type BanTarget } from '../domain/ip.js';
import type { BanScope, PortSet } from './options.js';
import { remainingSeconds } from './options.js';
import type { BanEntry, EnforcerOp } from './types.js';

/** ipset's limit for a timeout, in seconds. */
export const IPSET_MAX_TIMEOUT = 2_147_483;

export interface IpsetLayout {
  readonly prefix: string;
  readonly chain: string;
  readonly scope: BanScope;
  readonly ports: PortSet;
  readonly seenPorts: PortSet;
  readonly seenTimeoutSeconds: number;
  readonly seenSize: number;
  /** maxelem of each ban set (addresses and networks alike). */
  readonly maxElements: number;
}

export type Family = 4 | 6;

/** The names of the sets of one family: addresses, networks, seen senders, and the reconcile temporaries. */
export function setNames(l: IpsetLayout, f: Family): { ban: string; net: string; seen: string; next: string; netNext: string } {
  return { ban: `${l.prefix}${f}`, net: `${l.prefix}-net${f}`, seen: `${l.prefix}-seen${f}`, next: `${l.prefix}${f}-new`, netNext: `${l.prefix}-net${f}-new` };
}

/** The set a target belongs in. */
export function setFor(l: IpsetLayout, t: BanTarget): string {
  const n = setNames(l, isV6Target(t) ? 6 : 4);
  return isNetwork(t) ? n.net : n.ban;
}

function createBan(l: IpsetLayout, name: string, f: Family, type: 'hash:ip' | 'hash:net'): string {
  return `create ${name} ${type} family ${f === 4 ? 'inet' : 'inet6'} timeout 0 maxelem ${l.maxElements}`;
}

/** `ipset restore -exist` input creating all six sets if missing (an older version's install lacks the net sets). */
export function ipsetSetupScript(l: IpsetLayout): string {
  const lines: string[] = [];
  for (const f of [4, 6] as const) {
    const n = setNames(l, f);
    lines.push(createBan(l, n.ban, f, 'hash:ip'), createBan(l, n.net, f, 'hash:net'), `create ${n.seen} hash:ip family ${f === 4 ? 'inet' : 'inet6'} timeout ${l.seenTimeoutSeconds} maxelem ${l.seenSize}`);
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
  const seen = `-j SET --add-set ${n.seen} src --exist --timeout ${l.seenTimeoutSeconds}`;
  if (l.seenPorts === 'all') lines.push(`-A ${l.chain} ${seen}`);
  else for (const proto of ['udp', 'tcp']) for (const ports of groupsOf15(l.seenPorts)) lines.push(`-A ${l.chain} -p ${proto} -m multiport --dports ${ports} ${seen}`);
  for (const set of [n.ban, n.net]) {
    if (l.scope === 'all' || l.ports === 'all') lines.push(`-A ${l.chain} -m set --match-set ${set} src -j DROP`);
    else for (const proto of ['udp', 'tcp']) for (const ports of groupsOf15(l.ports)) lines.push(`-A ${l.chain} -p ${proto} -m multiport --dports ${ports} -m set --match-set ${set} src -j DROP`);
  }
  if (addJump) lines.push(`-I INPUT 1 -j ${l.chain}`);
  lines.push('COMMIT');
  return lines.join('\n') + '\n';
}

/** `ipset restore -exist` input for a batch: in order, `add … timeout N` (0 = permanent) or `del`. */
export function ipsetApplyScript(l: IpsetLayout, ops: readonly EnforcerOp[], now: number): string {
  const lines: string[] = [];
  for (const op of ops) {
    const set = setFor(l, op.ip);
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
export function ipsetReconcileScript(l: IpsetLayout, bans: readonly BanEntry[], now: number): { script: string; v4: number; v6: number; net4: number; net6: number } {
  const longest = new Map<BanTarget, number | null>();
  for (const b of bans) {
    if (b.until !== null && b.until <= now) continue;
    const had = longest.get(b.ip);
    if (had === undefined || (had !== null && (b.until === null || b.until > had))) longest.set(b.ip, b.until);
  }
  const lines = [ipsetSetupScript(l).trimEnd()];
  const counts = { 4: 0, 6: 0, net4: 0, net6: 0 };
  const pairs: Array<[string, string]> = []; // [temporary, live]
  for (const f of [4, 6] as const) {
    const n = setNames(l, f);
    for (const net of [false, true]) {
      const next = net ? n.netNext : n.next;
      lines.push(createBan(l, next, f, net ? 'hash:net' : 'hash:ip'), `flush ${next}`);
      pairs.push([next, net ? n.net : n.ban]);
      for (const [t, until] of longest) {
        if ((isV6Target(t) ? 6 : 4) !== f || isNetwork(t) !== net) continue;
        lines.push(`add ${next} ${t} timeout ${ipsetTimeout(until, now)}`);
        counts[net ? (`net${f}` as const) : f]++;
      }
    }
  }
  for (const [next, live] of pairs) lines.push(`swap ${next} ${live}`);
  for (const [next] of pairs) lines.push(`destroy ${next}`);
  return { script: lines.join('\n') + '\n', v4: counts[4], v6: counts[6], net4: counts.net4, net6: counts.net6 };
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
