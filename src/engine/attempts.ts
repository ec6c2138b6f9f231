/**
 * Counting attempts, not lines.
 *
 * One failed attempt is reported several times: a NOTICE in `messages` and again in
 * `full`, an event in `security`, once more on AMI; PJSIP logs an unknown user's
 * REGISTER and its authenticated retry (two "No matching endpoint found" plus one
 * "Failed to authenticate", one Call-ID) for one guess; the manager writes "tried to
 * authenticate with nonexistent user" and "failed to authenticate as" for one login.
 * But svcrack sends every guess with the same Call-ID, so the Call-ID alone cannot
 * be the key either.
 *
 * The rule: reports are grouped by what ties them to one conversation (service,
 * address, and the Call-ID for PJSIP, the port for chan_sip). Within a group each
 * (source, witness class) is an independent witness that counts the attempts it
 * saw. The attempts of a group are the largest count any source gives, where a
 * source's count is the sum of its primary classes, or the largest companion class
 * if that is larger. A report that raises the group's count is a new attempt; any
 * other is a duplicate of one already counted.
 *
 * Invariant: `total(group) = max over sources of sourceCount(source, group)`, and it
 * never decreases while the group lives. Memory: groups idle for longer than
 * `idleMs` (event time) are dropped; a group holds a few integers per source and
 * at most MAX_DISTINCT account names.
 */
import type { AuthFailed } from '../domain/events.js';
import { detach } from '../domain/strings.js';

type Mode = 'count' | 'distinct' | 'pairs';
interface Witness {
  /** The source and channel (one interned string per pair, shared by every group). */
  readonly source: string;
  readonly cls: string;
  readonly primary: boolean;
  readonly mode: Mode;
  n: number;
  accounts: Set<string> | null;
}
/**
 * A group's witnesses are a short array (one to a few: one per source, channel and
 * class), not a Map: a flood of one-attempt groups then costs a few objects each.
 */
interface Group {
  total: number;
  lastSeen: number;
  witnesses: Witness[];
}

/** Beyond this many distinct unknown accounts in one group, every report counts. */
const MAX_DISTINCT = 64;

interface Classified {
  readonly group: string;
  readonly cls: string;
  readonly primary: boolean;
  readonly mode: Mode;
}

/** How a failure report counts; the knowledge of Asterisk's reporting habits lives here. */
export function classify(ev: AuthFailed): Classified {
  const svc = ev.service;
  switch (svc) {
    case 'PJSIP': {
      const group = `PJSIP|${ev.ip}|${ev.session ?? ''}`;
      // An unknown account is reported again for the authenticated retry of the same
      // request: distinct accounts per Call-ID, and it only accompanies digest failures.
      if (ev.reason === 'unknown_account') return { group, cls: 'unknown', primary: false, mode: 'distinct' };
      return { group, cls: 'fail', primary: true, mode: 'count' };
    }
    case 'SIP':
      return { group: `SIP|${ev.ip}|${ev.port ?? ''}`, cls: 'fail', primary: true, mode: 'count' };
    case 'AMI': {
      const group = `AMI|${ev.ip}`;
      if (ev.signature === 'manager-nonexistent-user') return { group, cls: 'nonexistent', primary: false, mode: 'count' };
      if (ev.signature === 'manager-connect-unauthenticated') return { group, cls: 'connect', primary: false, mode: 'count' };
      return { group, cls: 'fail', primary: true, mode: 'count' };
    }
    case 'IAX2':
      // "No registration for peer" is written for the REGREQ and again for its MD5 retry.
      if (ev.signature === 'iax2-no-registration') return { group: `IAX2|${ev.ip}`, cls: 'noreg', primary: true, mode: 'pairs' };
      return { group: `IAX2|${ev.ip}`, cls: 'fail', primary: true, mode: 'count' };
    default:
      return { group: `${svc}|${ev.ip}|${ev.session ?? ''}`, cls: 'fail', primary: true, mode: 'count' };
  }
}

/** Which report stream of a source an event came from: security events, AMI frames, or log messages. */
function channelOf(ev: AuthFailed): string {
  return ev.signature === 'security-log' ? 'security' : ev.signature === 'ami-event' ? 'ami' : 'message';
}

/** De-duplicates failure reports into attempts. Deterministic; time is the events' own. */
export class AttemptCounter {
  private readonly groups = new Map<string, Group>();
  /** Source path -> channel -> the interned witness source key. */
  private readonly sources = new Map<string, Map<string, string>>();
  private sweepAt = 0;

  constructor(private readonly idleMs = 120_000) {}

  /** Records one failure report; returns true when it is a new attempt, false for a duplicate. */
  record(ev: AuthFailed): boolean {
    const c = classify(ev);
    const at = ev.at;
    if (at >= this.sweepAt) this.sweep(at);
    let g = this.groups.get(c.group);
    if (!g || at - g.lastSeen > this.idleMs) {
      g = { total: 0, lastSeen: at, witnesses: [] };
      // Stored flat: a key built by concatenation is a rope of its parts (32 bytes more each).
      this.groups.set(detach(c.group), g);
    }
    if (at > g.lastSeen) g.lastSeen = at;
    // A file that holds both NOTICE and SECURITY lines (e.g. `full => notice,security`) has
    // two independent witnesses of the same attempts: the channel is part of the source.
    const source = this.sourceKey(ev.evidence.source, channelOf(ev));
    let w: Witness | undefined;
    for (const x of g.witnesses) if (x.source === source && x.cls === c.cls) w = x;
    if (!w) {
      w = { source, cls: c.cls, primary: c.primary, mode: c.mode, n: 0, accounts: c.mode === 'distinct' ? new Set() : null };
      // An array literal of exactly its elements: a push onto [] reserves room for 17.
      g.witnesses = g.witnesses.length === 0 ? [w] : [...g.witnesses, w];
    }
    if (w.accounts) {
      if (w.accounts.has(ev.account)) return false; // the retry of a request already counted
      if (w.accounts.size < MAX_DISTINCT) w.accounts.add(detach(ev.account));
    }
    w.n++;
    const count = this.sourceCount(g, source);
    if (count <= g.total) return false;
    g.total = count;
    return true;
  }

  /** Number of live groups (for tests and metrics). */
  get size(): number {
    return this.groups.size;
  }

  /** One string per (source, channel), so witnesses compare by identity and share it. */
  private sourceKey(path: string, channel: string): string {
    let byChannel = this.sources.get(path);
    if (!byChannel) {
      if (this.sources.size >= 1024) this.sources.clear(); // sources are a few files and AMI links
      byChannel = new Map();
      this.sources.set(detach(path), byChannel);
    }
    let key = byChannel.get(channel);
    if (key === undefined) {
      key = detach(`${path}\u0000${channel}`);
      byChannel.set(channel, key);
    }
    return key;
  }

  private sourceCount(g: Group, source: string): number {
    let primary = 0;
    let companion = 0;
    for (const w of g.witnesses) {
      if (w.source !== source) continue;
      const n = w.mode === 'pairs' ? Math.ceil(w.n / 2) : w.n;
      if (w.primary) primary += n;
      else if (n > companion) companion = n;
    }
    return primary > companion ? primary : companion;
  }

  private sweep(now: number): void {
    for (const [key, g] of this.groups) if (now - g.lastSeen > this.idleMs) this.groups.delete(key);
    this.sweepAt = now + this.idleMs;
  }
}
