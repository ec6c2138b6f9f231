/**
 * Leaf value checks for the config schema. Each check takes the raw value YAML gave
 * (any type, `undefined` when the key is missing) and returns the normalised value or
 * one plain-words problem: "expected <what>, got <what it was>". The schema turns a
 * problem into a zod issue at the key's path; nothing here throws.
 */
import * as z from 'zod';
import { MAX_DURATION_TEXT, parseCidr, parseIp, readDuration, type Cidr } from '../domain/index.js';

/** The outcome of checking one raw value: the normalised value, or why it was refused. */
export type Checked<T> = { readonly value: T } | { readonly problem: string };

/** A zod schema that runs `check` on any input and reports its problem at the key's path. */
export function leaf<T>(check: (raw: unknown) => Checked<T>) {
  return z.unknown().transform((raw, ctx): T => {
    const r = check(raw);
    if ('value' in r) return r.value;
    ctx.issues.push({ code: 'custom', message: r.problem, input: raw });
    return z.NEVER;
  });
}

/** Describes a raw value for a person, on one line: `"1 hour"`, `70000`, `a list`, `nothing (…)`. */
export function describe(raw: unknown): string {
  if (raw === undefined) return 'nothing (this key is required)';
  if (raw === null) return 'an empty value';
  if (Array.isArray(raw)) return raw.length === 0 ? 'an empty list' : 'a list';
  if (typeof raw === 'object') return 'a mapping (key: value pairs)';
  if (typeof raw === 'string') return JSON.stringify(raw.length > 80 ? `${raw.slice(0, 77)}...` : raw);
  return String(raw);
}

/** `expected <what>, got <raw>`, with an optional hint in brackets. */
export function expected(what: string, raw: unknown, hint?: string): { problem: string } {
  return { problem: `expected ${what}, got ${describe(raw)}${hint ? ` (${hint})` : ''}` };
}

/** Optimal-string-alignment edit distance (insert, delete, substitute, swap neighbours). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) { row.push(j); continue; }
      const up = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** The known word closest to `word` if it is within edit distance 2 (case and `-`/`_` ignored), else undefined. */
export function closest(word: string, known: readonly string[]): string | undefined {
  const fold = (s: string) => s.toLowerCase().replace(/-/g, '_');
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = Math.min(editDistance(word, k), editDistance(fold(word), fold(k)));
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

const DURATION_EXAMPLES = 'like 30s, 1h, 24h, 7d';

function durationText(raw: unknown): Checked<number> {
  const what = `a duration ${DURATION_EXAMPLES}`;
  if (typeof raw === 'number') return expected(what, raw, `a number needs a unit, e.g. ${raw}s`);
  if (typeof raw !== 'string') return expected(what, raw);
  const r = readDuration(raw);
  if ('ms' in r) return { value: r.ms };
  if (r.problem === 'zero') return expected(`a duration longer than zero, ${DURATION_EXAMPLES}`, raw);
  if (r.problem === 'too_long') return expected(`a duration of at most ${MAX_DURATION_TEXT}`, raw);
  return expected(what, raw);
}

/** A duration (`30s`, `1h`, `7d`, …) longer than zero, normalised to milliseconds. */
export const duration = leaf(durationText);

/** A ban length: a duration in milliseconds, or `permanent` normalised to `null`. */
export const banLength = leaf((raw): Checked<number | null> => {
  if (typeof raw === 'string' && raw.trim() === 'permanent') return { value: null };
  const r = durationText(raw);
  return 'value' in r ? r : { problem: r.problem.replace(/^expected (.*?), got/, 'expected $1, or permanent, got') };
});

/** A whole number of at least `min`. */
export function wholeNumber(what: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
  return leaf((raw): Checked<number> =>
    typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= min && raw <= max ? { value: raw } : expected(`${what}, ${range}`, raw));
}

/** A TCP/UDP port number 1..65535. */
export const port = leaf((raw): Checked<number> => checkPort(raw));

function checkPort(raw: unknown): Checked<number> {
  return typeof raw === 'number' && Number.isInteger(raw) && raw >= 1 && raw <= 65535
    ? { value: raw }
    : expected('a port number from 1 to 65535', raw);
}

/** `true` or `false` (YAML booleans only; `yes`/`on` are text in YAML 1.2). */
export const bool = leaf((raw): Checked<boolean> => (typeof raw === 'boolean' ? { value: raw } : expected('true or false', raw)));

/** Non-empty text; a number or boolean gets a hint to quote it. */
export function text(what: string) {
  return leaf((raw): Checked<string> => {
    if (typeof raw === 'string' && raw.trim() !== '') return { value: raw };
    const hint = typeof raw === 'number' || typeof raw === 'boolean' ? 'put it in quotes to use it as text' : undefined;
    return expected(what, raw, hint);
  });
}

/** One of a fixed set of words, with a "did you mean" hint for a near miss. */
export function oneOf<const W extends string>(words: readonly W[]) {
  return leaf((raw): Checked<W> => {
    if (typeof raw === 'string' && (words as readonly string[]).includes(raw)) return { value: raw as W };
    const near = typeof raw === 'string' ? closest(raw, words) : undefined;
    return expected(`one of ${words.join(', ')}`, raw, near && `did you mean '${near}'?`);
  });
}

/** `on`/`off`, also YAML `true`/`false`, normalised to `'on' | 'off'`. */
export const onOff = leaf((raw): Checked<'on' | 'off'> => {
  if (raw === true || raw === 'on') return { value: 'on' };
  if (raw === false || raw === 'off') return { value: 'off' };
  return expected('on or off', raw);
});

/** An address or network (`192.168.0.0/16`, `203.0.113.7`), normalised by `parseCidr`. */
export const network = leaf((raw): Checked<Cidr> => {
  const cidr = typeof raw === 'string' ? parseCidr(raw.trim()) : null;
  return cidr ? { value: cidr } : expected('an address or network like 192.168.0.0/16 or 203.0.113.7', raw);
});

/** A trusted entry: a network, or a host name (lower-cased, kept for later DNS resolution). */
export type TrustedEntry = { readonly kind: 'network'; readonly value: Cidr } | { readonly kind: 'name'; readonly value: string };

const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** True for a DNS host name (RFC 1123 labels, last label not all digits), e.g. `sip.example.com`. */
export function isHostName(s: string): boolean {
  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.toLowerCase().split('.');
  return labels.every((l) => HOST_LABEL.test(l)) && !/^\d+$/.test(labels[labels.length - 1] as string);
}

/** An address, network or host name that is never banned. Rejects networks covering every address. */
export const trustedEntry = leaf((raw): Checked<TrustedEntry> => {
  const what = 'an address, network or host name like 203.0.113.7, 198.51.100.0/24 or sip.example.com';
  if (typeof raw !== 'string') return expected(what, raw);
  const s = raw.trim();
  const cidr = parseCidr(s);
  if (cidr) {
    if (cidr.endsWith('/0')) return { problem: `${describe(raw)} would trust every address; list only the addresses or networks you trust` };
    return { value: { kind: 'network', value: cidr } };
  }
  if (isHostName(s)) return { value: { kind: 'name', value: s.toLowerCase().replace(/\.$/, '') } };
  return expected(what, raw);
});

/** Where a server listens: host (IPv6 without brackets) and port. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** `host:port` or `[v6]:port`; host is an address or a host name. */
export const listenAddress = leaf((raw): Checked<ListenAddress> => {
  const bad = expected('host:port like 127.0.0.1:8472 or [::1]:8472', raw);
  if (typeof raw !== 'string') return bad;
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(raw.trim());
  if (!m) return bad;
  const host = m[1] !== undefined ? parseIp(m[1]) : m[2] as string;
  const p = checkPort(Number(m[3]));
  if (!host || !('value' in p) || (m[1] !== undefined && !host.includes(':'))) return bad;
  if (m[2] !== undefined && !parseIp(host) && !isHostName(host)) return bad;
  return { value: { host, port: p.value } };
});
