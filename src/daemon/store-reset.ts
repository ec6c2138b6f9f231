/**
 * The start after a damaged store was kept aside: the fresh store is filled again from
 * what still holds the truth, before anything is restored from it or reconciled —
 *
 * 1. what the damaged file still gives (bans in force, cursors, settings, password);
 * 2. the kernel's own sets (nftables): every ban in force there stays in force;
 * 3. the failed-auth log (and its first rotation): its failures come back as failure
 *    rows (so the counts resume: a returning attacker is banned as if nothing
 *    happened) and its bans still running come back as bans;
 * 4. a read position for each Asterisk log the damaged file gave none for: just after
 *    the last line the failed-auth log names from it (nothing read twice, nothing
 *    skipped), or else the file's end (never its start: that would count the whole
 *    history again).
 *
 * If the kernel's sets could not be read (ipset, no nft), `keepKernel` is true: the
 * start must add the store's bans to the firewall, never replace what it holds.
 */
import fs from 'node:fs';
import { parseBanTarget, parseIp } from '../domain/ip.js';
import type { FailureReason } from '../domain/events.js';
import { FAILLOG_POSITION_KEY, readLogLine } from '../faillog/index.js';
import { countLines, fingerprintOf, READ } from '../sources/regular-file.js';
import { salvageInto, type FailureRow, type NewBan, type Store } from '../store/index.js';
import { readKernelBans } from './kernel-bans.js';

/** What the start after a reset did, as status and the dashboard show it. */
export interface StoreReset {
  readonly at: number;
  /** Where the damaged file was kept. */
  readonly aside: string;
  readonly fromDamaged: { readonly bans: number; readonly cursors: number; readonly meta: number; readonly unreadable: readonly string[] };
  readonly fromKernel: number | null;
  readonly fromLog: { readonly bans: number; readonly failures: number };
  /** Read positions set for the Asterisk logs: after the last line the failed-auth log names, or at the end. */
  readonly positions: { readonly afterLastLogged: number; readonly atEnd: number };
  /** True when the kernel's sets could not be read: add to them, never replace them. */
  readonly keepKernel: boolean;
  /** The one line that says all of it. */
  readonly message: string;
}

export interface ResetInput {
  readonly store: Store;
  readonly aside: string;
  readonly faillogPath: string;
  /** The Asterisk log files followed. */
  readonly sources: readonly string[];
  readonly backend: string;
  readonly now: number;
  /** Failures older than this are not brought back (the store's retention). */
  readonly retentionMs: number;
  /**
   * A reset while running: read the failed-auth log up to this size (bytes), not up to
   * the damaged file's position — the log held every failure handled until then, and
   * the pipeline dropped what was waiting; what comes after is the pipeline's to store.
   */
  readonly logUpTo?: number;
}

const REASONS = new Set<FailureReason>(['wrong_password', 'unknown_account', 'acl_denied', 'not_allowed', 'bad_request', 'no_extension', 'limit', 'other']);
const KERNEL_REASON = 'restored-from-firewall: the store was damaged and started afresh; this ban was read back from the kernel';
const LOG_REASON = 'restored-from-log: the store was damaged and started afresh; this ban was read back from the failed-auth log';

/** Fills the fresh store (see the top of the file); returns what it did. */
export async function rebuildStore(i: ResetInput): Promise<StoreReset> {
  const { store, now } = i;
  const fromDamaged = salvageInto(store, i.aside, now, FAILLOG_POSITION_KEY, i.logUpTo === undefined);
  const kernel = i.backend === 'dry-run' || i.backend === 'ipset' ? null : await readKernelBans(now);
  let fromKernel: number | null = null;
  if (kernel?.read) {
    for (const b of kernel.bans) store.addBan({ ip: b.ip, reason: KERNEL_REASON, tier: 0, source: 'policy', failures: 0, evidence: [], accounts: [], createdAt: now, expiresAt: b.until });
    fromKernel = kernel.bans.length;
  }
  // Only what the store had taken: a tail after the salvaged position is read again from the sources.
  const position = i.logUpTo === undefined ? readPosition(store.getMeta(FAILLOG_POSITION_KEY)) : logPositionAt(i.faillogPath, i.logUpTo);
  const fromLog = fromFailedAuthLog(store, i.faillogPath, position, now, i.retentionMs);
  const positions = { afterLastLogged: 0, atEnd: 0 };
  for (const source of i.sources) {
    if (store.getCursor(source)) continue;
    const how = placeCursor(store, source, fromLog.lastLine.get(source) ?? 0, now);
    if (how) positions[how]++;
  }
  const keepKernel = i.backend === 'ipset' || (kernel !== null && !kernel.read);
  const parts = [
    `the store was damaged: kept it aside as ${i.aside} and started a fresh one`,
    fromKernel === null ? (keepKernel ? 'left the firewall\'s bans in place (they could not be read back)' : null) : `re-banned ${fromKernel} from the firewall's sets`,
    `${fromLog.bans} bans and ${fromLog.failures} failures back from the failed-auth log`,
    `${fromDamaged.bans} bans, ${fromDamaged.cursors} read positions and ${fromDamaged.meta} settings saved from the damaged file${fromDamaged.unreadable.length ? ` (unreadable: ${fromDamaged.unreadable.join(', ')})` : ''}`,
    positions.afterLastLogged || positions.atEnd ? `Asterisk logs read on from the last line the failed-auth log names (${positions.afterLastLogged}) or from their end (${positions.atEnd})` : null,
  ].filter((p): p is string => p !== null);
  return { at: now, aside: i.aside, fromDamaged, fromKernel, fromLog: { bans: fromLog.bans, failures: fromLog.failures }, positions, keepKernel, message: parts.join('; ') };
}

function logPositionAt(file: string, size: number): { ino: number; size: number } | null {
  try {
    return { ino: fs.statSync(file).ino, size };
  } catch {
    return null;
  }
}

function readPosition(json: string | null): { ino: number; size: number } | null {
  if (!json) return null;
  try {
    const p = JSON.parse(json) as { ino?: unknown; size?: unknown };
    return typeof p.ino === 'number' && typeof p.size === 'number' ? { ino: p.ino, size: p.size } : null;
  } catch {
    return null;
  }
}

/** Failure rows and running bans (how many addresses) from the failed-auth log and its first rotation (`.1`), in one transaction per file. */
function fromFailedAuthLog(store: Store, file: string, position: { ino: number; size: number } | null, now: number, retentionMs: number): { bans: number; failures: number; lastLine: Map<string, number> } {
  const lastLine = new Map<string, number>();
  const bans = new Set<string>();
  let failures = 0;
  for (const path of [`${file}.1`, file]) {
    let text: string;
    try {
      const st = fs.statSync(path);
      const upTo = position && st.ino === position.ino ? Math.min(position.size, st.size) : st.size;
      const fd = fs.openSync(path, 'r');
      try {
        const buf = Buffer.alloc(upTo);
        fs.readSync(fd, buf, 0, upTo, 0);
        text = buf.toString('utf8');
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      continue;
    }
    const rows: FailureRow[] = [];
    const running: NewBan[] = [];
    for (const raw of text.split('\n')) {
      const l = readLogLine(raw);
      if (l?.source && l.line !== null && path === file) lastLine.set(l.source, Math.max(lastLine.get(l.source) ?? 0, l.line));
      if (!l || l.at < now - retentionMs) continue;
      const f = l.fields;
      if (l.kind === 'FAILED') {
        const ip = parseIp(f.get('ip') ?? '');
        const reason = f.get('reason') as FailureReason | undefined;
        if (!ip || !reason || !REASONS.has(reason)) continue;
        const port = Number(f.get('port'));
        rows.push({
          at: l.at, ip, port: Number.isInteger(port) ? port : null, service: f.get('service') ?? 'other', account: f.get('account') ?? '',
          reason, zone: f.get('zone') ?? 'external', action: f.get('action') ?? 'counted', source: l.source, line: l.line, raw: null,
        });
      }
      const until = f.get('until');
      const target = parseBanTarget(f.get(l.kind === 'SUBNET' ? 'net' : 'ip') ?? '');
      if (f.get('action') !== 'banned' || until === undefined || !target) continue;
      const end = until === 'permanent' ? null : Date.parse(until);
      if (end !== null && !(end > now)) continue;
      const tier = Number(f.get('tier') ?? 0);
      running.push({
        ip: target, reason: LOG_REASON, tier: Number.isInteger(tier) ? tier : 0, source: 'policy', failures: 0,
        evidence: l.source ? [{ source: l.source, line: l.line ?? 0, text: raw.slice(0, 512) }] : [], accounts: f.has('account') ? [f.get('account') as string] : [],
        createdAt: l.at, expiresAt: end,
      });
    }
    store.commitProgress(rows, [], running);
    failures += rows.length;
    for (const b of running) bans.add(b.ip);
  }
  return { bans: bans.size, failures, lastLine };
}

/**
 * Sets the read position of `source` just after its line `line` (1-based; the last one
 * the failed-auth log names), or at its end if it has fewer lines (rotated since) or
 * none is known. Returns which, or null if the file cannot be read (then the follower
 * starts where the config says).
 */
function placeCursor(store: Store, source: string, line: number, now: number): 'afterLastLogged' | 'atEnd' | null {
  let fd: number;
  try {
    fd = fs.openSync(source, 'r');
  } catch {
    return null;
  }
  try {
    const st = fs.fstatSync(fd);
    let offset = st.size;
    let seen = 0;
    if (line > 0) {
      const buf = Buffer.allocUnsafe(READ);
      for (let at = 0; at < st.size && seen < line;) {
        const n = fs.readSync(fd, buf, 0, Math.min(READ, st.size - at), at);
        if (n <= 0) break;
        for (let k = 0; k < n; k++) {
          if (buf[k] === 10 && ++seen === line) {
            offset = at + k + 1;
            break;
          }
        }
        at += n;
      }
    }
    const after = line > 0 && seen === line;
    if (!after) seen = countLines(fd, st.size);
    store.setCursor({ source, dev: String(st.dev), ino: String(st.ino), offset: after ? offset : st.size, fingerprint: fingerprintOf(fd), updatedAt: now, line: seen });
    return after ? 'afterLastLogged' : 'atEnd';
  } finally {
    fs.closeSync(fd);
  }
}

