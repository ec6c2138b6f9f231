/**
 * The failed-authentication log line: one line per failed attempt, `key=value`
 * fields, attacker-chosen text always quoted and escaped so no account name, display
 * name or Call-ID can break the line, forge another one, or smuggle terminal codes:
 *
 *   2026-11-24T18:06:45.446Z FAILED ip=203.0.113.9 port=5092 service=PJSIP account="100"
 *     reason=wrong_password zone=external counts=2/1h,2/24h action=banned tier=1 until=2026-11-24T19:06:45.446Z
 *     source="/var/log/asterisk/messages":51
 */
import { formatInstant } from '../domain/duration.js';
import { isUnsafeChar } from '../domain/strings.js';

const MAX_TEXT = 128;

/**
 * A character {@link quote} must escape: quote, backslash, and exactly what
 * `isUnsafeChar` (domain/strings.ts) calls unsafe (C0, DEL, C1, U+061C, U+200E/F,
 * U+2028/9, U+202A–E, U+2066–9). Text without one is written as it is, in one piece.
 */
const NEEDS_ESCAPE = /["\\\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * Quotes text for a log line: backslash, quote, every control character (C0, DEL, C1),
 * line separator and bidirectional control escaped; long text cut with ….
 */
export function quote(text: string, max = MAX_TEXT): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  if (!NEEDS_ESCAPE.test(cut)) return `"${cut}"`; // the common case: nothing to escape
  let out = '"';
  for (let i = 0; i < cut.length; i++) {
    const c = cut.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (isUnsafeChar(c)) {
      out += c < 0x100 ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
    } else out += cut[i];
  }
  return `${out}"`;
}

export interface FailureLine {
  readonly at: number;
  readonly ip: string;
  readonly port: number | null;
  readonly service: string;
  readonly account: string;
  readonly reason: string;
  readonly zone: string;
  /** Failures in each tier window, with the window's length (`2/1h`). */
  readonly counts: ReadonlyArray<{ n: number; within: string }>;
  readonly action: string;
  readonly tier: number | null;
  /** The rule or person behind the ban in force when no tier made it (`extension-from-external`, `scan`, `manual`). */
  readonly ban?: string;
  readonly until: number | null | undefined;
  readonly decoys: readonly string[];
  readonly source: string;
  readonly line: number;
  /** Where the address is (geo/): written as `country=DE asn=3320` (`-` when unknown); absent: geo off. */
  readonly geo?: GeoFields;
}

/** The country code and AS number of an address for a log line (null: unknown). */
export interface GeoFields {
  readonly country: string | null;
  readonly asn: number | null;
}

/** ` country=DE asn=3320`, `-` for what is unknown; only a two-letter code and a whole number are ever written. */
function geoPart(g: GeoFields): string {
  const country = g.country !== null && /^[A-Z]{2}$/.test(g.country) ? g.country : '-';
  const asn = g.asn !== null && Number.isSafeInteger(g.asn) && g.asn > 0 ? String(g.asn) : '-';
  return `country=${country} asn=${asn}`;
}

const SAFE_TOKEN = /^[A-Za-z0-9_.:-]{1,32}$/;

function token(s: string): string {
  return SAFE_TOKEN.test(s) ? s : quote(s, 32);
}

/** Formats one failed attempt as a single line (no newline). Built by concatenation: it runs once per failure line of a flood. */
export function formatFailure(f: FailureLine): string {
  let counts = '';
  for (let i = 0; i < f.counts.length; i++) {
    const c = f.counts[i] as { n: number; within: string };
    counts += `${i ? ',' : ''}${c.n}/${c.within}`;
  }
  let line = `${new Date(f.at).toISOString()} FAILED ip=${token(f.ip)} port=${f.port ?? '-'} service=${token(f.service)} account=${quote(f.account)}`
    + ` reason=${token(f.reason)} zone=${token(f.zone)}${f.geo ? ` ${geoPart(f.geo)}` : ''} counts=${counts} action=${token(f.action)}`;
  if (f.tier !== null) line += ` tier=${f.tier}`;
  if (f.ban !== undefined) line += ` ban=${token(f.ban)}`;
  if (f.until !== undefined) line += ` until=${formatInstant(f.until)}`;
  if (f.decoys.length) line += ` injected=${quote(f.decoys.join(','))}`;
  return `${line} source=${quote(f.source, 256)}:${f.line}`;
}

/** Formats a report whose address could not be told apart from injected decoys. */
export function formatInjection(p: { at: number; service: string; candidates: readonly string[]; source: string; line: number; action?: string }): string {
  return [
    new Date(p.at).toISOString(),
    'INJECTION',
    `service=${token(p.service)}`,
    `candidates=${quote(p.candidates.join(','))}`,
    `action=${token(p.action ?? 'ignored')}`,
    `source=${quote(p.source, 256)}:${p.line}`,
  ].join(' ');
}

/** Formats a network ban from subnet escalation (`action=banned`), or a network that qualified but is protected (`action=spared`). */
export function formatSubnet(p: { at: number; net: string; action: 'banned' | 'spared'; trigger: string; addresses?: number; until?: number | null; why?: string }): string {
  const parts = [new Date(p.at).toISOString(), 'SUBNET', `net=${/^[0-9a-f.:]{2,45}\/\d{1,3}$/.test(p.net) ? p.net : quote(p.net, 50)}`, `action=${p.action}`, `trigger=${token(p.trigger)}`];
  if (p.addresses !== undefined) parts.push(`addresses=${p.addresses}`);
  if (p.until !== undefined) parts.push(`until=${formatInstant(p.until)}`);
  if (p.why !== undefined) parts.push(`why=${quote(p.why, 200)}`);
  return parts.join(' ');
}

/** Formats an alert (a compromised extension, an extension from outside, an internal address failing). */
export function formatAlert(a: { at: number; kind: string; ip: string; account: string; service: string; message: string; geo?: GeoFields }): string {
  return [
    new Date(a.at).toISOString(),
    'ALERT',
    `kind=${token(a.kind)}`,
    `ip=${token(a.ip)}`,
    ...(a.geo ? [geoPart(a.geo)] : []),
    `service=${token(a.service)}`,
    `account=${quote(a.account)}`,
    `message=${quote(a.message, 400)}`,
  ].join(' ');
}

/**
 * Formats a log line longer than the reader's limit: `action=counted` (its head and tail
 * gave a failed attempt, written on its own line too), `read` (another report: a
 * success, an injection), `no_report` (they hold no authentication report), or
 * `not_counted` (address text where it would be cut: a report read from it could name a
 * forged address). `unlogged` counts the oversize lines of this source
 * not written since the previous one (rate limit).
 */
export function formatOversize(p: { at: number; source: string; line: number; bytes: number; action: 'counted' | 'read' | 'no_report' | 'not_counted'; ip?: string; unlogged?: number }): string {
  const parts = [new Date(p.at).toISOString(), 'OVERSIZE', `source=${quote(p.source, 256)}:${p.line}`, `bytes=${p.bytes}`, `action=${p.action}`];
  if (p.ip !== undefined) parts.push(`ip=${token(p.ip)}`);
  if (p.unlogged) parts.push(`unlogged=${p.unlogged}`);
  return parts.join(' ');
}
