/**
 * Counting attempts, not lines.
 *
 * One failed attempt is reported several times: a NOTICE in `messages` and again in
 * `full`, an event in `security`, once more on AMI; PJSIP logs an unknown user's
 * REGISTER and its authenticated retry (two "No matching endpoint found" plus one
 * "Failed to authenticate", one Call-ID) for one guess; the manager writes "tried to
 * authenticate with nonexistent user" (or "failed to pass IP ACL as") and "failed to
 * authenticate as" for one login.
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
 * never decreases while the group lives.
 *
 * Arrival order does not matter, only the events' own times: the daemon catching up on
 * `messages` and `security` reads one file after the other, so the NOTICE of an attempt
 * may arrive minutes (of event time) before its security event, and `check` merges the
 * same files by time. A group is one *epoch* of its key: reports join the epoch whose
 * span, widened by `idleMs` on both sides, holds their time; a key keeps its epochs
 * (sorted by time), so a lagging source finds the epoch its report belongs to. Nothing
 * is dropped because some other source has moved on in time.
 *
 * Memory: epochs live in two generations of at most `generation` epochs each (a key
 * used again moves to the young one; when the young one is full the old one is
 * dropped), and `prune(now)` drops epochs idle for `idleMs`. A group holds a few
 * integers per source and at most MAX_DISTINCT account names.
 *
 * Most epochs only ever have one witness that counts plain reports: a botnet's address
 * failing once or twice, a guesser on one Call-ID. Such an epoch is a row of typed
 * arrays (`Rows`: its times, its count and who its witness is), its key mapped to the
 * row's index, with no object of its own; it becomes a `Group` object the moment a
 * second witness, a second epoch or another mode needs one. A row counts exactly as the
 * group it stands for would: with one count-mode witness every report is a new attempt.
 */
import type { AuthFailed, AuthSucceeded } from '../domain/events.js';
import { detach } from '../domain/strings.js';
import { grown } from './address-table.js';

type Mode = 'count' | 'distinct' | 'pairs';
interface Witness {
  /** The source and channel (one interned string per pair, shared by every group). */
  source: string;
  cls: string;
  primary: boolean;
  mode: Mode;
  n: number;
  accounts: Set<string> | null;
}
/**
 * One epoch of a group key. It is its own first witness (`source` '' until its first
 * report), and any others (one per further source, channel and class) are a short array,
 * not a Map: a flood of one-attempt groups then costs one object each.
 */
interface Group extends Witness {
  total: number;
  /** Event times of the earliest and the latest report in it. */
  first: number;
  last: number;
  more: Witness[] | null;
}
/** The epochs of one key: one group, or several sorted by `first`; a number is a row of the generation's `Rows`. */
type Slot = Group | Group[] | number;

/** The classes a row can stand for (count mode); a row's `who` packs its source's id, its class's index here and `primary`. */
const ROW_CLASSES = ['fail', 'scan', 'ok', 'nonexistent', 'acl', 'connect'] as const;
/** Distinct witness sources a row can name; beyond, epochs are objects (sources are a few files and AMI links). */
const MAX_ROW_SOURCES = 1 << 20;

/**
 * One generation's one-witness epochs as rows: event times of the first and latest
 * report, the number of reports, and who saw them. 24 bytes a row where a `Group`
 * object with its two boxed times costs about 100.
 */
class Rows {
  first: Float64Array;
  last: Float64Array;
  n: Uint32Array;
  who: Int32Array;
  count = 0;

  constructor(capacity = 1024) {
    this.first = new Float64Array(capacity);
    this.last = new Float64Array(capacity);
    this.n = new Uint32Array(capacity);
    this.who = new Int32Array(capacity);
  }

  add(first: number, last: number, n: number, who: number): number {
    if (this.count === this.n.length) this.grow();
    const i = this.count++;
    this.first[i] = first;
    this.last[i] = last;
    this.n[i] = n;
    this.who[i] = who;
    return i;
  }

  /** Row `i` of `from` copied in; its index here. */
  copy(from: Rows, i: number): number {
    return this.add(from.first[i] as number, from.last[i] as number, from.n[i] as number, from.who[i] as number);
  }

  private grow(): void {
    const cap = this.n.length * 2;
    this.first = grown(this.first, cap);
    this.last = grown(this.last, cap);
    this.n = grown(this.n, cap);
    this.who = grown(this.who, cap);
  }
}

/** A witness source: its key, and its id in rows (-1: none). */
interface Source {
  readonly key: string;
  readonly id: number;
}

/** A row's `who` for a count-mode witness of source `id`: the id, its class and `primary`; -1 if a row cannot say it. */
function whoOf(id: number, c: Classified): number {
  const cls = ROW_CLASSES.indexOf(c.cls as (typeof ROW_CLASSES)[number]);
  if (cls < 0 || id < 0) return -1;
  return (id << 4) | (cls << 1) | (c.primary ? 1 : 0);
}

/** Most epochs one key keeps (a slow brute force over days); the oldest goes first. */
const MAX_EPOCHS = 1024;
/** Epochs per generation (see the top; exceeded by at most one key's epochs): two bound the counter's memory. */
const GENERATION = 65_536;

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
  // A challenge never answered (a scan), reported by the security log and again on AMI.
  if (ev.reason === 'scan') return { group: `SCAN|${svc}|${ev.ip}|${ev.session ?? ''}`, cls: 'scan', primary: true, mode: 'count' };
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
      // "tried to authenticate with nonexistent user" and "failed to pass IP ACL as" each come
      // right before the "failed to authenticate as" of the same login (over HTTP, alone).
      if (ev.signature === 'manager-nonexistent-user') return { group, cls: 'nonexistent', primary: false, mode: 'count' };
      if (ev.signature === 'manager-acl-failed') return { group, cls: 'acl', primary: false, mode: 'count' };
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

/**
 * How a successful login counts: once, however many sources report it (the security
 * log and AMI both carry PJSIP's SuccessfulAuth with its Call-ID; the manager's login is
 * a NOTICE-level line and a security event with different session ids).
 */
function classifySuccess(ev: AuthSucceeded): Classified {
  const group = ev.service === 'AMI' ? `OK|AMI|${ev.ip}` : `OK|${ev.service}|${ev.ip}|${ev.session ?? ''}`;
  return { group, cls: 'ok', primary: true, mode: 'count' };
}

/** Which report stream of a source an event came from: security events, AMI frames, or log messages. */
function channelOf(ev: AuthFailed | AuthSucceeded): string {
  return ev.signature === 'security-log' ? 'security' : ev.signature === 'ami-event' ? 'ami' : 'message';
}

/** De-duplicates failure reports into attempts. Deterministic; time is the events' own, in any order. */
export class AttemptCounter {
  private young = new Map<string, Slot>();
  private old = new Map<string, Slot>();
  private youngEpochs = 0;
  private oldEpochs = 0;
  private youngRows = new Rows();
  private oldRows = new Rows();
  /** Source path -> channel -> the interned witness source. */
  private readonly sources = new Map<string, Map<string, Source>>();
  /** A row's witness source key by id, and the id of each key (by value: interned sources may be made again). */
  private readonly sourceNames: string[] = [];
  private readonly sourceIds = new Map<string, number>();

  /** `rows` false keeps every epoch an object (the reference the rows are tested against). */
  constructor(private readonly idleMs = 120_000, private readonly generation = GENERATION, private readonly rows = true) {}

  /**
   * Records one report of a failed (or, with its own groups, a successful) login; returns
   * true when it is a new attempt, false for another report of one already counted.
   */
  record(ev: AuthFailed | AuthSucceeded): boolean {
    const c = ev.kind === 'auth_failed' ? classify(ev) : classifySuccess(ev);
    const at = ev.at;
    // A file that holds both NOTICE and SECURITY lines (e.g. `full => notice,security`) has
    // two independent witnesses of the same attempts: the channel is part of the source.
    const { key: source, id } = this.sourceOf(ev.evidence.source, channelOf(ev));
    const key = c.group;
    const slot = this.slotOf(key);
    const who = this.rows && c.mode === 'count' && (slot === undefined || typeof slot === 'number') ? whoOf(id, c) : -1;
    if (who >= 0) {
      if (slot === undefined) {
        // A new key with one plain witness: a row.
        this.young.set(detach(key), this.youngRows.add(at, at, 1, who));
        this.youngEpochs++;
        return true;
      }
      if (typeof slot === 'number') {
        const r = this.youngRows;
        const first = r.first[slot] as number;
        const last = r.last[slot] as number;
        if (r.who[slot] === who && at >= first - this.idleMs && at <= last + this.idleMs) {
          // Its one witness again, within the epoch: every such report is a new attempt.
          if (at > last) r.last[slot] = at;
          if (at < first) r.first[slot] = at;
          r.n[slot] = (r.n[slot] as number) + 1;
          return true;
        }
      }
    }
    const g = this.epochOf(key, slot, at);
    let w: Witness | undefined = g.source === source && g.cls === c.cls ? g : undefined;
    if (!w && g.more) for (const x of g.more) if (x.source === source && x.cls === c.cls) w = x;
    if (!w && g.source === '') {
      // The group's first report: the group is this witness.
      w = g;
      g.source = source;
      g.cls = c.cls;
      g.primary = c.primary;
      g.mode = c.mode;
      g.accounts = c.mode === 'distinct' ? new Set() : null;
    }
    if (!w) {
      w = { source, cls: c.cls, primary: c.primary, mode: c.mode, n: 0, accounts: c.mode === 'distinct' ? new Set() : null };
      // An array literal of exactly its elements: a push onto [] reserves room for 17.
      g.more = g.more ? [...g.more, w] : [w];
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

  /** Drops epochs whose latest report is older than `now - idleMs` (the daemon's hourly prune). */
  prune(now: number): void {
    const keep = (g: Group) => g.last >= now - this.idleMs;
    // Rows left behind by deleted or promoted epochs are given back: the live ones are copied into fresh rows.
    const sweep = (map: Map<string, Slot>, rows: Rows, into: Rows): number => {
      let n = 0;
      for (const [key, slot] of map) {
        if (typeof slot === 'number') {
          if ((rows.last[slot] as number) >= now - this.idleMs) {
            map.set(key, into.copy(rows, slot));
            n++;
          } else map.delete(key);
          continue;
        }
        if (!Array.isArray(slot)) {
          if (keep(slot)) n++;
          else map.delete(key);
          continue;
        }
        const left = slot.filter(keep);
        if (left.length === 0) map.delete(key);
        else map.set(key, left.length === 1 ? (left[0] as Group) : left);
        n += left.length;
      }
      return n;
    };
    const youngRows = new Rows();
    const oldRows = new Rows();
    this.youngEpochs = sweep(this.young, this.youngRows, youngRows);
    this.oldEpochs = sweep(this.old, this.oldRows, oldRows);
    this.youngRows = youngRows;
    this.oldRows = oldRows;
  }

  /** The young generation's slot of `key` (moved there from the old one if it was there), after making room. */
  private slotOf(key: string): Slot | undefined {
    if (this.youngEpochs >= this.generation) {
      // The young generation is full: the old one is dropped (a key in use has moved out of it).
      this.old = this.young;
      this.oldEpochs = this.youngEpochs;
      this.young = new Map();
      this.youngEpochs = 0;
      const spare = this.oldRows;
      this.oldRows = this.youngRows;
      spare.count = 0;
      this.youngRows = spare;
    }
    let slot = this.young.get(key);
    if (slot === undefined) {
      slot = this.old.get(key);
      if (slot !== undefined) {
        // Used again: it moves to the young generation.
        const n = Array.isArray(slot) ? slot.length : 1;
        this.old.delete(key);
        this.oldEpochs -= n;
        if (typeof slot === 'number') slot = this.youngRows.copy(this.oldRows, slot);
        this.young.set(detach(key), slot);
        this.youngEpochs += n;
      }
    }
    return slot;
  }

  /** The epoch of `key` (its young slot `slot`) that a report at `at` belongs to, made if there is none. */
  private epochOf(key: string, slot: Slot | undefined, at: number): Group {
    if (typeof slot === 'number') {
      // A row that needs a second witness or a second epoch: from now on an object.
      const r = this.youngRows;
      const who = r.who[slot] as number;
      const n = r.n[slot] as number;
      const g: Group = {
        total: n, first: r.first[slot] as number, last: r.last[slot] as number, source: this.sourceNames[who >> 4] as string,
        cls: ROW_CLASSES[(who >> 1) & 7] as string, primary: (who & 1) === 1, mode: 'count', n, accounts: null, more: null,
      };
      this.young.set(key, g);
      slot = g;
    }
    const idle = this.idleMs;
    if (slot === undefined) {
      const g = fresh(at);
      // Stored flat: a key built by concatenation is a rope of its parts (32 bytes more each).
      this.young.set(detach(key), g);
      this.youngEpochs++;
      return g;
    }
    if (!Array.isArray(slot)) {
      // One epoch (the common case): join it, or make the key's second.
      if (within(slot, at, idle)) return join(slot, at);
      const g = fresh(at);
      this.young.set(key, slot.first < at ? [slot, g] : [g, slot]);
      this.youngEpochs++;
      return g;
    }
    const epochs = slot;
    // The last epoch starting early enough to hold `at`, or the one before it (spans may overlap).
    let lo = 0;
    let hi = epochs.length - 1;
    let i = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((epochs[mid] as Group).first - idle <= at) {
        i = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const last = epochs[i];
    if (last && within(last, at, idle)) return join(last, at);
    const before = epochs[i - 1];
    if (before && within(before, at, idle)) return join(before, at);
    const g = fresh(at);
    const next = [...epochs.slice(0, i + 1), g, ...epochs.slice(i + 1)];
    if (next.length > MAX_EPOCHS) next.shift();
    else this.youngEpochs++;
    this.young.set(key, next);
    return g;
  }

  /** Number of live epochs (for tests and metrics). */
  get size(): number {
    return this.youngEpochs + this.oldEpochs;
  }

  /**
   * One key string per (source, channel), so witnesses compare by identity and share it,
   * with the id a row names it by (-1: beyond MAX_ROW_SOURCES, no rows for it).
   */
  private sourceOf(path: string, channel: string): Source {
    let byChannel = this.sources.get(path);
    if (!byChannel) {
      if (this.sources.size >= 1024) this.sources.clear(); // sources are a few files and AMI links
      byChannel = new Map();
      this.sources.set(detach(path), byChannel);
    }
    let source = byChannel.get(channel);
    if (source === undefined) {
      const key = detach(`${path}\u0000${channel}`);
      let id = this.sourceIds.get(key);
      if (id === undefined && this.sourceNames.length < MAX_ROW_SOURCES) {
        id = this.sourceNames.length;
        this.sourceNames.push(key);
        this.sourceIds.set(key, id);
      }
      source = { key, id: id ?? -1 };
      byChannel.set(channel, source);
    }
    return source;
  }

  private sourceCount(g: Group, source: string): number {
    let primary = 0;
    let companion = 0;
    const more = g.more;
    // The group itself (its first witness), then the others.
    for (let i = -1, len = more ? more.length : 0; i < len; i++) {
      const w = i < 0 ? g : ((more as Witness[])[i] as Witness);
      if (w.source !== source) continue;
      const n = w.mode === 'pairs' ? Math.ceil(w.n / 2) : w.n;
      if (w.primary) primary += n;
      else if (n > companion) companion = n;
    }
    return Math.max(primary, companion);
  }
}

function within(g: Group, at: number, idle: number): boolean {
  return at >= g.first - idle && at <= g.last + idle;
}

/** Widens an epoch's span to hold `at`. */
function join(g: Group, at: number): Group {
  if (at > g.last) g.last = at;
  if (at < g.first) g.first = at;
  return g;
}

function fresh(at: number): Group {
  return { total: 0, first: at, last: at, source: '', cls: '', primary: false, mode: 'count', n: 0, accounts: null, more: null };
}
