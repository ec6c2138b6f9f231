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

/** Reads a whole list; see the module comment. */
export function parseList(text: string): ParsedList {
  const seen = new Set<string>();
  const entries: BanTarget[] = [];
  const first: string[] = [];
  let bad = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    const r = parseLine(line);
    if (r === null) continue;
    if (r === 'bad') {
      bad++;
      if (first.length < BAD_SHOWN) first.push(shown(line));
      continue;
    }
    if (!seen.has(r)) {
      seen.add(r);
      entries.push(r);
    }
  }
  return { entries, bad: { count: bad, first } };
}

/** A bad line as a message may quote it: cut to 60 characters, every control character escaped. */
export function shown(line: string): string {
  return JSON.stringify(terminalText(line.length > 60 ? `${line.slice(0, 57)}...` : line));
}

/** What may not be banned from a list, and why. */
export type Skip = 'protected' | 'internal' | 'too_wide';

/** The ban-width limits (`limits.widest_ipv4_ban` / `widest_ipv6_ban`: prefix lengths). */
export interface Widest {
  readonly ipv4: number;
  readonly ipv6: number;
}

/** Why `target` may not be banned on a feed's word, or null if it may. */
export function skipReason(target: BanTarget, zoneOf: ZoneOf, widest: Widest): Skip | null {
  if (isNetwork(target) && Number(target.split('/')[1]) < (isV6Target(target) ? widest.ipv6 : widest.ipv4)) return 'too_wide';
  const zone = zoneOfTarget(zoneOf, target);
  if (zone === 'never' || zone === 'trusted') return 'protected';
  if (zone === 'internal') return 'internal';
  return null;
}

/** The entries that may be banned, and how many were skipped for each reason. */
export function admissible(entries: readonly BanTarget[], zoneOf: ZoneOf, widest: Widest): { targets: BanTarget[]; skipped: Record<Skip, number> } {
  const skipped: Record<Skip, number> = { protected: 0, internal: 0, too_wide: 0 };
  const targets: BanTarget[] = [];
  for (const t of entries) {
    const why = skipReason(t, zoneOf, widest);
    if (why) skipped[why]++;
    else targets.push(t);
  }
  return { targets, skipped };
}
