/**
 * Reading a plain blocklist and judging its entries. Pure: text in, data out.
 *
 * A list is one address or network a line; `#` and `;` start a comment (Spamhaus DROP
 * writes `1.2.3.0/24 ; SBL123`), blank lines are skipped. A line says exactly one thing
 * or it is bad: two words, a host name, a network with host bits set (`10.1.2.3/8` — what
 * did it mean?), an over-long line, HTML. Bad lines are counted and the first few kept,
 * escaped and cut short, for one message; they never stop the rest of the list.
 *
 * Then the entries that may not be banned here are skipped and counted: loopback, the
 * host's own, this host's SSH clients, trusted and internal addresses (always, whatever
 * `ban_internal` says: a list's text never bans the office), and networks wider than the
 * ban-width limits. Zones always win.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { isNetwork, isV6Target, parseBanTarget, parseCidr, parseIp, type BanTarget } from '../domain/ip.js';
import { terminalText } from '../domain/strings.js';
import { zoneOfTarget, type ZoneOf } from '../engine/zones.js';

/** Longest line read as an entry (an IPv6 network with a comment fits easily). */
export const MAX_LINE = 200;
/** Bad lines quoted in the message. */
export const BAD_SHOWN = 3;

/** The bad lines of one list: how many, and the first few (escaped, cut to 60 characters). */
export interface BadLines {
  readonly count: number;
  readonly first: readonly string[];
}

/** A list read: its distinct entries in list order, and its bad lines. */
export interface ParsedList {
  readonly entries: BanTarget[];
  readonly bad: BadLines;
}

/** One line's entry, `null` for a blank or comment-only line, or `'bad'`. */
export function parseLine(line: string): BanTarget | null | 'bad' {
  if (line.length > MAX_LINE) return 'bad';
  const cut = line.search(/[#;]/);
  const text = (cut < 0 ? line : line.slice(0, cut)).trim();
  if (text === '') return null;
  if (/\s/.test(text)) return 'bad';
  const target = parseBanTarget(text);
  if (!target) return 'bad';
  // A network must be written as one: the address part is its first address.
  if (isNetwork(target) || text.includes('/')) {
    const [addr] = text.replace(/^\[(.*)\]$/, '$1').split('/') as [string];
    const given = parseIp(addr);
    const net = parseCidr(text.replace(/^\[(.*)\]$/, '$1'));
    if (!given || !net || net.split('/')[0] !== given) return 'bad';
  }
  return target;
}

/** Reads a list line by line (the lines of one list, in order); `result()` when done. */
export class ListReader {
  readonly #seen = new Set<string>();
  readonly #entries: BanTarget[] = [];
  readonly #first: string[] = [];
  #bad = 0;

  /** One line (without its line end; a trailing CR is dropped). */
  line(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const r = parseLine(line);
    if (r === null) return;
    if (r === 'bad') {
      this.#bad++;
      if (this.#first.length < BAD_SHOWN) this.#first.push(shown(line));
      return;
    }
    if (!this.#seen.has(r)) {
      this.#seen.add(r);
      this.#entries.push(r);
    }
  }

  result(): ParsedList {
    return { entries: this.#entries, bad: { count: this.#bad, first: this.#first } };
  }
}

/** Reads a whole list; see the module comment. */
export function parseList(text: string): ParsedList {
  const reader = new ListReader();
  eachLine(text, (l) => reader.line(l));
  return reader.result();
}

/** Like {@link parseList}, with a turn of the event loop every `every` lines: a list of a million lines never holds the daemon up. */
export async function parseListYielding(text: string, every = 5000): Promise<ParsedList> {
  const reader = new ListReader();
  let n = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    reader.line(text.slice(start, end));
    start = end + 1;
    if (++n % every === 0) await nextTurn();
  }
  return reader.result();
}

function eachLine(text: string, fn: (line: string) => void): void {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    fn(text.slice(start, end));
    start = end + 1;
  }
}

/** A bad line as a message may quote it: cut to 60 characters, every control character escaped. */
export function shown(line: string): string {
  return JSON.stringify(terminalText(line.length > 60 ? `${line.slice(0, 57)}...` : line));
}

/** What may not be banned from a list, and why (`released`: a person released it once; see apply.ts). */
export type Skip = 'protected' | 'internal' | 'too_wide' | 'released';

/** The ban-width limits (`limits.widest_ipv4_ban` / `widest_ipv6_ban`: prefix lengths). */
export interface Widest {
  readonly ipv4: number;
  readonly ipv6: number;
}

/** Why `target` may not be banned on a feed's word, or null if it may. */
export function skipReason(target: BanTarget, zoneOf: ZoneOf, widest: Widest): Exclude<Skip, 'released'> | null {
  if (isNetwork(target) && Number(target.split('/')[1]) < (isV6Target(target) ? widest.ipv6 : widest.ipv4)) return 'too_wide';
  const zone = zoneOfTarget(zoneOf, target);
  if (zone === 'never' || zone === 'trusted') return 'protected';
  if (zone === 'internal') return 'internal';
  return null;
}

/** The entries that may be banned, and how many were skipped for each reason; a turn of the event loop every 5,000 entries. */
export async function admissible(entries: readonly BanTarget[], zoneOf: ZoneOf, widest: Widest): Promise<{ targets: BanTarget[]; skipped: Record<Skip, number> }> {
  const skipped: Record<Skip, number> = { protected: 0, internal: 0, too_wide: 0, released: 0 };
  const targets: BanTarget[] = [];
  for (let i = 0; i < entries.length; i++) {
    if (i > 0 && i % 5000 === 0) await nextTurn();
    const t = entries[i] as BanTarget;
    const why = skipReason(t, zoneOf, widest);
    if (why) skipped[why]++;
    else targets.push(t);
  }
  return { targets, skipped };
}
