/**
 * HTTP digest authentication as chan_pjsip does it (RFC 2617 / RFC 8760 with MD5):
 * challenges shaped like Asterisk 20's 401, nonces in Asterisk's `<time>/<md5>` form
 * bound to the client's address, and response checking with and without qop=auth.
 * Pure functions; the clock and the secret are parameters.
 */
import { createHash } from 'node:crypto';

/** md5 of a latin1 string, lower-case hex. */
export function md5(text: string): string {
  return createHash('md5').update(text, 'latin1').digest('hex');
}

/** One `Authorization:` value: its scheme and its parameters (keys lower-case, values unquoted). */
export interface DigestCredentials {
  readonly scheme: string;
  readonly params: ReadonlyMap<string, string>;
}

/** Parses `Digest k="v",k2=v2`; null when it has no scheme or a parameter is malformed. */
export function parseAuthorization(value: string): DigestCredentials | null {
  const m = /^\s*([A-Za-z0-9\-.!%*_+`'~]+)\s+/.exec(value);
  if (!m) return null;
  const params = new Map<string, string>();
  const s = value;
  let i = m[0].length;
  for (let guard = 0; guard < 64 && i < s.length; guard++) {
    while (i < s.length && /[\s,]/.test(s[i] as string)) i++;
    if (i >= s.length) break;
    const eq = s.indexOf('=', i);
    if (eq < 0) return null;
    const key = s.slice(i, eq).trim().toLowerCase();
    if (!/^[a-z0-9\-_]+$/.test(key)) return null;
    i = eq + 1;
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
    let val = '';
    if (s[i] === '"') {
      i++;
      for (; i < s.length && s[i] !== '"'; i++) {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        val += s[i];
      }
      if (i >= s.length) return null;
      i++;
    } else {
      const end = s.slice(i).search(/[,\s]/);
      val = end < 0 ? s.slice(i) : s.slice(i, i + end);
      i += val.length;
    }
    if (!params.has(key)) params.set(key, val);
  }
  return { scheme: m[1] ?? '', params };
}

/** The inputs of one digest computation. */
export interface DigestInput {
  readonly username: string;
  readonly realm: string;
  readonly password: string;
  readonly method: string;
  readonly uri: string;
  readonly nonce: string;
  readonly qop?: string | undefined;
  readonly nc?: string | undefined;
  readonly cnonce?: string | undefined;
}

/** The expected `response` value (MD5; qop=auth uses nc and cnonce). */
export function digestResponse(d: DigestInput): string {
  const ha1 = md5(`${d.username}:${d.realm}:${d.password}`);
  const ha2 = md5(`${d.method}:${d.uri}`);
  if (d.qop !== undefined && d.qop !== '') {
    return md5(`${ha1}:${d.nonce}:${d.nc ?? ''}:${d.cnonce ?? ''}:${d.qop}:${ha2}`);
  }
  return md5(`${ha1}:${d.nonce}:${ha2}`);
}

/**
 * Issues and checks nonces the way res_pjsip_authenticator_digest does: `<unix time>/`
 * + md5(`<time>:<client address>:<entity id>:<realm>`), stale `lifetimeSec` (Asterisk
 * default 32 s) after it was issued.
 */
export class NonceBook {
  constructor(private readonly entityId: string, private readonly lifetimeSec = 32) {}

  /** A new nonce for a client address and realm at a time (ms). */
  issue(ip: string, realm: string, nowMs: number): string {
    const ts = Math.floor(nowMs / 1000);
    return `${ts}/${md5(`${ts}:${ip}:${this.entityId}:${realm}`)}`;
  }

  /** check_nonce(): one this book issued to that address for that realm, not yet stale. */
  isFresh(nonce: string, ip: string, realm: string, nowMs: number): boolean {
    const slash = nonce.indexOf('/');
    const tsText = nonce.slice(0, slash);
    if (slash <= 0 || !/^\d{1,10}$/.test(tsText)) return false;
    if (Math.floor(nowMs / 1000) - Number(tsText) > this.lifetimeSec) return false;
    return nonce === `${tsText}/${md5(`${tsText}:${ip}:${this.entityId}:${realm}`)}`;
  }
}

/** The WWW-Authenticate value, in the order Asterisk 20 / pjsip prints it. */
export function wwwAuthenticate(realm: string, nonce: string, opaque: string, stale: boolean): string {
  const staleText = stale ? ',stale=true' : '';
  return `Digest realm="${realm}",nonce="${nonce}",opaque="${opaque}"${staleText},algorithm=MD5,qop="auth"`;
}

/** The outcome of checking one request's credentials against one account. */
export type DigestVerdict = 'noauth' | 'fail' | 'stale' | 'success';

/** What verifyDigest() needs besides the credentials. */
export interface VerifyContext {
  readonly realm: string;
  /** The account's auth username and password; null for Asterisk's artificial auth. */
  readonly account: { readonly username: string; readonly password: string } | null;
  readonly method: string;
  readonly ip: string;
  readonly nowMs: number;
  readonly nonces: NonceBook;
}

/**
 * res_pjsip_authenticator_digest verify() + pjsip_auth_srv_verify(): no Authorization
 * header at all → `noauth`; no digest for our realm, the artificial auth (unknown
 * account), another user, algorithm or qop, or a wrong response → `fail`; the right
 * response but no header with a fresh nonce of ours → `stale`; otherwise `success`.
 */
export function verifyDigest(all: readonly DigestCredentials[], c: VerifyContext): DigestVerdict {
  if (all.length === 0) return 'noauth';
  const fresh = all.some((a) => a.params.get('realm') === c.realm
    && c.nonces.isFresh((a.params.get('nonce') ?? '').slice(0, 63), c.ip, c.realm, c.nowMs));
  const cred = all.find((a) => a.scheme.toLowerCase() === 'digest'
    && (a.params.get('realm') ?? '').toLowerCase() === c.realm.toLowerCase());
  if (!cred || c.account === null) return 'fail';
  const p = cred.params;
  const algorithm = p.get('algorithm');
  const qop = p.get('qop');
  if (p.get('username') !== c.account.username) return 'fail';
  if (algorithm !== undefined && algorithm.toUpperCase() !== 'MD5') return 'fail';
  if (qop !== undefined && qop !== 'auth') return 'fail';
  const expected = digestResponse({
    username: c.account.username, realm: c.realm, password: c.account.password, method: c.method,
    uri: p.get('uri') ?? '', nonce: p.get('nonce') ?? '', qop, nc: p.get('nc'), cnonce: p.get('cnonce'),
  });
  if ((p.get('response') ?? '').toLowerCase() !== expected) return 'fail';
  return fresh ? 'success' : 'stale';
}
