/**
 * Reading back the bans the kernel holds in sipwarden's own nftables sets (ban4,
 * ban6, net4, net6 of `table inet sipwarden`), for the one start that cannot trust the
 * store: after a damaged store was kept aside, these bans go into the fresh store, so
 * the reconcile keeps them instead of wiping them. Read-only: `nft -j list table`.
 */
import { parseBanTarget, type BanTarget } from '../domain/ip.js';
import type { BanEntry } from '../enforcers/index.js';
import { resolveTool, runTool } from '../enforcers/exec.js';

/** The kernel's bans, or why they could not be read (then `bans` is empty and nothing may be wiped). */
export type KernelBans = { readonly read: true; readonly bans: readonly BanEntry[]; readonly skipped: number } | { readonly read: false; readonly why: string };

const SETS = new Set(['ban4', 'ban6', 'net4', 'net6']);

type NftValue = string | { prefix: { addr: string; len: number } } | { range: unknown };
type NftElem = NftValue | { elem: { val: NftValue; timeout?: number; expires?: number } };

/** Reads sipwarden's nftables sets; `now` turns each element's remaining time into an end. */
export async function readKernelBans(now: number, table = 'sipwarden'): Promise<KernelBans> {
  let out: string;
  try {
    const r = await runTool(resolveTool('nft', undefined, undefined), ['-j', 'list', 'table', 'inet', table]);
    if (r.code !== 0) {
      // No table: the kernel holds no ban of ours, and nothing can be wiped.
      if (/No such file or directory|does not exist/i.test(r.stderr)) return { read: true, bans: [], skipped: 0 };
      return { read: false, why: r.stderr.trim().split('\n')[0] ?? `nft exited with ${r.code}` };
    }
    out = r.stdout;
  } catch (e) {
    return { read: false, why: (e as Error).message };
  }
  return parseKernelBans(out, now);
}

/** The bans in `nft -j list table` output (pure; exported for tests). */
export function parseKernelBans(json: string, now: number): KernelBans {
  let doc: { nftables?: Array<{ set?: { name?: string; elem?: NftElem[] } }> };
  try {
    doc = JSON.parse(json) as typeof doc;
  } catch {
    return { read: false, why: 'nft printed something that is not JSON' };
  }
  const bans: BanEntry[] = [];
  let skipped = 0;
  for (const item of doc.nftables ?? []) {
    const set = item.set;
    if (!set?.name || !SETS.has(set.name)) continue;
    for (const e of set.elem ?? []) {
      const { val, expires } = typeof e === 'object' && 'elem' in e ? { val: e.elem.val, expires: e.elem.expires } : { val: e, expires: undefined };
      const ip = targetOf(val);
      if (!ip) {
        skipped++; // a range (pieces of overlapping networks): the reconcile writes those again from the store
        continue;
      }
      bans.push({ ip, until: typeof expires === 'number' ? now + Math.round(expires * 1000) : null });
    }
  }
  return { read: true, bans, skipped };
}

function targetOf(v: NftValue): BanTarget | null {
  if (typeof v === 'string') return parseBanTarget(v);
  if ('prefix' in v) return parseBanTarget(`${v.prefix.addr}/${v.prefix.len}`);
  return null;
}
