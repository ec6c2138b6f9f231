/**
 * From/To header values the way pjsip parses and prints them, so the simulator's
 * `Request 'X' from '<From>'` and AccountID match Asterisk 20 byte for byte:
 * - a quoted display name is kept with its quotes and printed verbatim;
 * - the user part is percent-unescaped when parsed (pj_str_unescape) and escaped
 *   again (lower-case hex) when printed, so `%22` reaches AccountID as a raw `"`;
 * - a user part with characters pjsip's scanner rejects is a syntax error (pjsip
 *   drops such a packet), so hostile text must come percent-escaped or quoted.
 * Pure functions; never throw.
 */

/** A parsed name-addr or addr-spec. */
export interface NameAddr {
  /** The display name as pjsip stores it: `"90"` with its quotes, a trimmed token run, or ''. */
  readonly display: string;
  /** Lower-case scheme (`sip`, `sips`, `tel`, …). */
  readonly scheme: string;
  /** The unescaped user of a sip/sips URI, or null when the URI has none. */
  readonly user: string | null;
  readonly password: string | null;
  /** After `user@` (or after `scheme:`), up to the end of the URI, verbatim. */
  readonly hostRest: string;
  /** The URI text as received. */
  readonly uri: string;
  /** Header parameters after the URI (`;tag=…`), verbatim. */
  readonly params: string;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const USER_PRINT = new Set(`${ALNUM}-_.!~*'()&=+$,;?/`);
const USER_LENIENT = new Set(`${ALNUM}-_.!~*'()&=+$,;?/#%`);
const HEX = '0123456789abcdef';

function unescapeStrict(text: string): string | null {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (!USER_LENIENT.has(c)) return null;
    if (c !== '%') {
      out += c;
      continue;
    }
    const hex = text.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return null;
    out += String.fromCharCode(parseInt(hex, 16));
    i += 2;
  }
  return out;
}

/** pj_strncpy2_escape with pjsip_USER_SPEC: what is not allowed becomes `%xx` (lower-case). */
export function escapeUser(user: string): string {
  let out = '';
  for (const c of user) {
    if (USER_PRINT.has(c)) out += c;
    else {
      const code = c.charCodeAt(0) & 0xff;
      out += `%${HEX[code >> 4]}${HEX[code & 15]}`;
    }
  }
  return out;
}

function parseUri(uri: string): Omit<NameAddr, 'display' | 'params'> | null {
  const colon = uri.indexOf(':');
  if (colon <= 0) return null;
  const scheme = uri.slice(0, colon).toLowerCase();
  if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) return null;
  const hier = uri.slice(colon + 1);
  if (hier.length === 0 || /[\s<>"]/.test(hier)) return null;
  if (scheme !== 'sip' && scheme !== 'sips') {
    return { scheme, user: null, password: null, hostRest: hier, uri };
  }
  const at = hier.indexOf('@');
  const hostRest = at < 0 ? hier : hier.slice(at + 1);
  if (hostRest.length === 0) return null;
  if (at < 0) return { scheme, user: null, password: null, hostRest, uri };
  const userinfo = hier.slice(0, at);
  const pc = userinfo.indexOf(':');
  const user = unescapeStrict(pc < 0 ? userinfo : userinfo.slice(0, pc));
  const password = pc < 0 ? null : unescapeStrict(userinfo.slice(pc + 1));
  if (user === null || (pc >= 0 && password === null)) return null;
  return { scheme, user, password, hostRest, uri };
}

/** Parses a From/To value (`"90" <sip:90@h>;tag=x`, `<sip:…>`, `Bob <sip:…>`, `sip:…;tag=x`). */
export function parseNameAddr(value: string): NameAddr | null {
  const s = value.replace(/^[ \t]+/, '');
  let display = '';
  let rest: string;
  if (s.startsWith('"')) {
    let i = 1;
    for (; i < s.length; i++) {
      if (s[i] === '\\') i++;
      else if (s[i] === '"') break;
    }
    if (i >= s.length) return null;
    display = s.slice(0, i + 1);
    rest = s.slice(i + 1).replace(/^[ \t]+/, '');
    if (!rest.startsWith('<')) return null;
  } else if (s.startsWith('<')) {
    rest = s;
  } else {
    const stop = s.search(/[:\r\n<]/);
    if (stop >= 0 && s[stop] === '<') {
      display = s.slice(0, stop).trim();
      rest = s.slice(stop);
    } else {
      const semi = s.indexOf(';');
      const uri = (semi < 0 ? s : s.slice(0, semi)).trim();
      const parsed = parseUri(uri);
      return parsed ? { ...parsed, display: '', params: semi < 0 ? '' : s.slice(semi) } : null;
    }
  }
  const close = rest.indexOf('>');
  if (close < 0) return null;
  const parsed = parseUri(rest.slice(1, close).trim());
  return parsed ? { ...parsed, display, params: rest.slice(close + 1) } : null;
}

/** pjsip_uri_print(PJSIP_URI_IN_FROMTO_HDR, …): `"90" <sip:90@127.0.0.1>` or `<sip:102@h>`. */
export function printNameAddr(n: NameAddr): string {
  let uri = n.uri;
  if ((n.scheme === 'sip' || n.scheme === 'sips') && n.user !== null) {
    const pass = n.password === null ? '' : `:${escapeUser(n.password)}`;
    uri = `${n.scheme}:${escapeUser(n.user)}${pass}@${n.hostRest}`;
  } else if (n.scheme === 'sip' || n.scheme === 'sips') {
    uri = `${n.scheme}:${n.hostRest}`;
  }
  return `${n.display.length > 0 ? `${n.display} ` : ''}<${uri}>`;
}

/** True when the header parameters carry a `tag`. */
export function hasTag(n: NameAddr): boolean {
  return /(^|;)\s*tag\s*=/i.test(n.params);
}
