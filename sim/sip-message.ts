/**
 * A tolerant-but-strict SIP request parser for the simulator. Pure: text in, a request
 * or a reason out; it never throws on any input. Text is latin1 (one char per byte).
 */

/** A parsed request. Header names are lower-case full names (compact forms expanded). */
export interface SipRequest {
  readonly method: string;
  readonly uri: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string;
}

/** Expected failures are results, not exceptions. */
export type ParseResult =
  | { readonly ok: true; readonly request: SipRequest }
  | { readonly ok: false; readonly reason: 'response' | 'empty' | 'bad-start-line' | 'bad-header' | 'too-many-headers' };

const COMPACT: Record<string, string> = {
  i: 'call-id', f: 'from', t: 'to', v: 'via', m: 'contact', l: 'content-length',
  c: 'content-type', k: 'supported', s: 'subject', e: 'content-encoding', o: 'event',
};

const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
const MAX_HEADERS = 200;

/** Parses one request. Responses, empty input and malformed messages are reported, not thrown. */
export function parseSipRequest(text: string): ParseResult {
  const trimmed = text.replace(/^(\r?\n)+/, '');
  if (trimmed.length === 0) return { ok: false, reason: 'empty' };
  if (trimmed.startsWith('SIP/')) return { ok: false, reason: 'response' };
  let split = trimmed.indexOf('\r\n\r\n');
  let sepLen = 4;
  if (split < 0) {
    split = trimmed.indexOf('\n\n');
    sepLen = 2;
  }
  const head = split < 0 ? trimmed : trimmed.slice(0, split);
  const body = split < 0 ? '' : trimmed.slice(split + sepLen);
  const lines = head.split(/\r?\n/);
  const start = (lines[0] ?? '').split(' ');
  if (start.length !== 3) return { ok: false, reason: 'bad-start-line' };
  const [method, uri, version] = start as [string, string, string];
  if (!TOKEN.test(method) || uri.length === 0 || version.toUpperCase() !== 'SIP/2.0') {
    return { ok: false, reason: 'bad-start-line' };
  }
  const headers: Array<[string, string]> = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.startsWith(' ') || line.startsWith('\t')) {
      const last = headers[headers.length - 1];
      if (!last) return { ok: false, reason: 'bad-header' };
      last[1] = `${last[1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return { ok: false, reason: 'bad-header' };
    const rawName = line.slice(0, colon).trim();
    if (!TOKEN.test(rawName)) return { ok: false, reason: 'bad-header' };
    const lower = rawName.toLowerCase();
    if (headers.length >= MAX_HEADERS) return { ok: false, reason: 'too-many-headers' };
    headers.push([COMPACT[lower] ?? lower, line.slice(colon + 1).trim()]);
  }
  return { ok: true, request: { method, uri, headers, body } };
}

/** The first value of a header (by lower-case full name), or undefined. */
export function headerValue(req: SipRequest, name: string): string | undefined {
  for (const [n, v] of req.headers) if (n === name) return v;
  return undefined;
}

/** Every value of a header, in order. */
export function headerValues(req: SipRequest, name: string): string[] {
  const out: string[] = [];
  for (const [n, v] of req.headers) if (n === name) out.push(v);
  return out;
}

/** Splits a header value on commas that are outside double quotes and angle brackets. */
export function splitTopLevel(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') depth++;
    else if (c === '>' && depth > 0) depth--;
    else if (c === ',' && depth === 0) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out.filter((s) => s.length > 0);
}

/** The top Via: `SIP/2.0/UDP host:port;param=value;flag`. */
export interface ViaHeader {
  readonly protocol: string;
  readonly sentBy: string;
  readonly params: ReadonlyArray<readonly [string, string | null]>;
}

/** Parses one Via element; null when it is not `SIP/2.0/<T> sent-by[;params]`. */
export function parseVia(value: string): ViaHeader | null {
  const m = /^(SIP\s*\/\s*2\.0\s*\/\s*[A-Za-z0-9]+)\s+([^;\s]+)\s*(.*)$/i.exec(value.trim());
  if (!m) return null;
  const params: Array<readonly [string, string | null]> = [];
  for (const part of (m[3] ?? '').split(';')) {
    const p = part.trim();
    if (p.length === 0) continue;
    const eq = p.indexOf('=');
    params.push(eq < 0 ? [p, null] : [p.slice(0, eq).trim(), p.slice(eq + 1).trim()]);
  }
  return { protocol: (m[1] ?? '').replace(/\s+/g, ''), sentBy: m[2] ?? '', params };
}

/** The `CSeq: 1 REGISTER` pair, or null. */
export function parseCSeq(value: string): { seq: number; method: string } | null {
  const m = /^(\d{1,10})\s+([A-Za-z0-9\-.!%*_+`'~]+)$/.exec(value.trim());
  return m ? { seq: Number(m[1]), method: m[2] ?? '' } : null;
}
