/**
 * Network bans as disjoint pieces, for nftables interval sets. An interval set refuses
 * an element that overlaps another one (nft 1.0.6 checks in userspace, against the
 * set as it was before the transaction, so not even delete-then-add in one
 * transaction gets past it), yet a person may ban 203.0.0.0/16 while escalation bans
 * 203.0.113.0/24 with another end.
 *
 * Invariants:
 * - segmentNetworks() returns pairwise disjoint networks that block exactly the
 *   addresses the bans block, each until the LATEST end of the bans that hold it: a
 *   nested ban ending no later than the one around it adds nothing; one ending later
 *   is carved out and written on its own, and the rest of the outer network becomes
 *   the few networks that cover it around the hole (at most one per prefix bit).
 * - Pure, no clock: ends are numbers on the caller's clock; null means permanent.
 */
import ipaddr from 'ipaddr.js';
import { ipv4ToInt, networksOverlap, type Cidr } from '../domain/ip.js';

/** One network ban; `until` on the caller's clock, null: until released. */
export interface NetBan {
  readonly net: Cidr;
  readonly until: number | null;
}

interface Node {
  readonly v6: boolean;
  readonly base: bigint;
  readonly prefix: number;
  end: number; // Infinity: permanent
  readonly children: Node[];
}

/** Disjoint networks blocking exactly what `bans` block, for as long (see the invariants). */
export function segmentNetworks(bans: Iterable<NetBan>): NetBan[] {
  const nodes = new Map<string, Node>();
  for (const b of bans) {
    const node = toNode(b.net, b.until === null ? Infinity : b.until);
    const key = keyOf(node.v6, node.base, node.prefix);
    const had = nodes.get(key);
    if (had === undefined) nodes.set(key, node);
    else had.end = Math.max(had.end, node.end);
  }
  const sorted = [...nodes.values()].sort(byPlace);
  const prefixes = { v4: new Set<number>(), v6: new Set<number>() };
  const roots: Node[] = [];
  for (const node of sorted) {
    const present = node.v6 ? prefixes.v6 : prefixes.v4;
    const parent = nearestParent(node, [...present].sort((a, b) => b - a), nodes);
    (parent === null ? roots : parent.children).push(node);
    present.add(node.prefix);
  }
  const out: Array<{ v6: boolean; base: bigint; prefix: number; end: number }> = [];
  for (const root of roots) emit(root, out);
  out.sort(byPlace);
  return out.map((p) => ({ net: fromParts(p.v6, p.base, p.prefix), until: p.end === Infinity ? null : p.end }));
}

/** Whether `net` overlaps any network in `others` other than itself. */
export function overlapsAnother(net: Cidr, others: Iterable<Cidr>): boolean {
  for (const o of others) if (o !== net && networksOverlap(o, net)) return true;
  return false;
}

/** Writes `node`'s region (its own end) minus what nested longer bans carve out, then those. */
function emit(node: Node, out: Array<{ v6: boolean; base: bigint; prefix: number; end: number }>): void {
  const carved: Node[] = [];
  const collect = (children: readonly Node[]) => {
    for (const c of children) {
      if (c.end > node.end) carved.push(c);
      else collect(c.children); // absorbed, but something inside it may end later still
    }
  };
  collect(node.children);
  for (const [base, prefix] of subtract(node.base, node.prefix, bitsOf(node.v6), carved)) out.push({ v6: node.v6, base, prefix, end: node.end });
  for (const c of carved) emit(c, out);
}

/** The networks covering `base/prefix` except the (disjoint, inner) `holes`. */
function subtract(base: bigint, prefix: number, bits: number, holes: readonly Node[]): Array<[bigint, number]> {
  if (holes.length === 0) return [[base, prefix]];
  if (holes.some((h) => h.prefix === prefix)) return [];
  const half = 1n << BigInt(bits - prefix - 1);
  const lower = holes.filter((h) => (h.base & half) === 0n);
  const upper = holes.filter((h) => (h.base & half) !== 0n);
  return [...subtract(base, prefix + 1, bits, lower), ...subtract(base | half, prefix + 1, bits, upper)];
}

function nearestParent(node: Node, presentDesc: readonly number[], nodes: ReadonlyMap<string, Node>): Node | null {
  const bits = bitsOf(node.v6);
  for (const q of presentDesc) {
    if (q >= node.prefix) continue;
    const parent = nodes.get(keyOf(node.v6, node.base & maskOf(q, bits), q));
    if (parent !== undefined) return parent;
  }
  return null;
}

function toNode(net: Cidr, end: number): Node {
  const [addr, p] = net.split('/') as [string, string];
  const v6 = addr.indexOf(':') >= 0;
  let base: bigint;
  if (!v6) base = BigInt(ipv4ToInt(addr));
  else base = ipaddr.IPv6.parse(addr).toByteArray().reduce((n, byte) => (n << 8n) | BigInt(byte), 0n);
  return { v6, base, prefix: Number(p), end, children: [] };
}

/** The canonical text of a piece (written directly: parseCidr would fold a piece of ::ffff:0:0/96 to IPv4). */
function fromParts(v6: boolean, base: bigint, prefix: number): Cidr {
  let addr: string;
  if (!v6) addr = [24n, 16n, 8n, 0n].map((s) => String((base >> s) & 255n)).join('.');
  else addr = new ipaddr.IPv6(Array.from({ length: 8 }, (_, i) => Number((base >> BigInt(16 * (7 - i))) & 0xffffn))).toRFC5952String();
  return `${addr}/${prefix}` as Cidr;
}

function byPlace(a: { v6: boolean; base: bigint; prefix: number }, b: { v6: boolean; base: bigint; prefix: number }): number {
  if (a.v6 !== b.v6) return a.v6 ? 1 : -1;
  if (a.base !== b.base) return a.base < b.base ? -1 : 1;
  return a.prefix - b.prefix;
}

function bitsOf(v6: boolean): number {
  return v6 ? 128 : 32;
}

function maskOf(prefix: number, bits: number): bigint {
  return ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
}

function keyOf(v6: boolean, base: bigint, prefix: number): string {
  return `${v6 ? 6 : 4}/${base}/${prefix}`;
}
