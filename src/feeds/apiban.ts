/**
 * APIBAN's API (apiban.org), as its own clients use it: `GET <base><KEY>/banned/<ID>`
 * answers `{"ipaddress": [...], "ID": "<next ID>"}`, up to 250 addresses a page; the
 * next page is asked for with that ID, and the last page is the one with fewer than
 * 250 (or no new ID). "Nothing new since that ID" is a 400 whose body is
 * `{"ipaddress": ["no new bans"], "ID": "none"}`: up to date, not an error. A refused
 * key answers `"ID": "unauthorized"`; over its rate limit APIBAN answers 429, or a 400
 * saying "rate limit exceeded". The first request of a new feed uses ID 100 (what
 * APIBAN's own clients start from: the whole current list).
 *
 * Every answer is checked as untrusted data: an ID is digits; an address is read by the
 * same line reader as a plain list, and anything else is counted as bad.
 */
import type { BanTarget } from '../domain/ip.js';
import { FeedFetchError, type FetchedText } from './fetch.js';
import { parseLine, shown, BAD_SHOWN } from './list.js';

/** APIBAN's page size: a page this full means there may be more. */
export const APIBAN_PAGE = 250;
/** The ID a feed with no stored ID starts from. */
export const APIBAN_FIRST_ID = '100';
/** Most pages read in one poll (250 × 400 = 100,000 addresses); the rest comes at the next poll. */
export const APIBAN_MAX_PAGES = 400;
/** How long to wait when APIBAN says "rate limit exceeded" without saying how long. */
export const APIBAN_RATE_WAIT_MS = 15 * 60_000;

/** One page read: its addresses (distinct, checked), the bad entries, and the ID to ask with next. */
export type ApibanPage =
  | { readonly kind: 'page'; readonly targets: BanTarget[]; readonly bad: number; readonly badFirst: string[]; readonly size: number; readonly next: string }
  | { readonly kind: 'up_to_date' };

/** The URL of the page after `id` (the key is in it: never log it). */
export function apibanUrl(base: string, key: string, id: string): string {
  return `${base.endsWith('/') ? base : `${base}/`}${encodeURIComponent(key)}/banned/${encodeURIComponent(id)}`;
}

/** Reads one answer of APIBAN (see the module comment). Throws FeedFetchError for anything but a page or "up to date". */
export function readApiban(r: FetchedText): ApibanPage {
  const body = json(r.body);
  const id = body && typeof body === 'object' ? (body as { ID?: unknown }).ID : undefined;
  const ips = body && typeof body === 'object' ? (body as { ipaddress?: unknown }).ipaddress : undefined;
  const says = (text: string) => (Array.isArray(ips) ? ips.includes(text) : ips === text);
  if (r.status === 429 || says('rate limit exceeded')) {
    throw new FeedFetchError('APIBAN says its rate limit is exceeded; waiting before asking again', r.retryAfterMs ?? APIBAN_RATE_WAIT_MS);
  }
  if (id === 'unauthorized' || r.status === 401 || r.status === 403) throw new FeedFetchError(`APIBAN refused the key (HTTP ${r.status}); check the feed's key`);
  if (id === 'none') return { kind: 'up_to_date' };
  if (r.status >= 500) throw new FeedFetchError(`APIBAN answered HTTP ${r.status}`, r.retryAfterMs);
  if (r.status !== 200) throw new FeedFetchError(`APIBAN answered HTTP ${r.status}`, r.retryAfterMs);
  const next = typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : id;
  if (typeof next !== 'string' || !/^\d{1,20}$/.test(next) || !Array.isArray(ips)) {
    throw new FeedFetchError('APIBAN\'s answer is not what its API documents ({"ipaddress": [...], "ID": "<digits>"})');
  }
  const seen = new Set<string>();
  const targets: BanTarget[] = [];
  const badFirst: string[] = [];
  let bad = 0;
  for (const ip of ips) {
    const t = typeof ip === 'string' ? parseLine(ip) : 'bad';
    if (t === null || t === 'bad') {
      bad++;
      if (badFirst.length < BAD_SHOWN) badFirst.push(shown(typeof ip === 'string' ? ip : JSON.stringify(ip) ?? String(ip)));
      continue;
    }
    if (!seen.has(t)) {
      seen.add(t);
      targets.push(t);
    }
  }
  return { kind: 'page', targets, bad, badFirst, size: ips.length, next };
}

function json(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
