/**
 * Address slots as Asterisk prints them. Each function reads exactly one slot and
 * rejects anything that is not an address in that slot's exact form: nothing here
 * searches free text for addresses.
 */
import { parseIp, type IpAddress } from '../domain/ip.js';

export interface Endpoint {
  readonly ip: IpAddress;
  readonly port: number | null;
}

function parsePort(text: string): number | null | undefined {
  if (text.length === 0 || text.length > 5) return undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}

/**
 * `1.2.3.4:5060`, `[2001:db8::1]:5060`, `1.2.3.4`, `2001:db8::1` (unbracketed IPv6 has
 * no port). The forms of pj_sockaddr_print, ast_sockaddr_stringify and ast_inet_ntoa.
 */
export function parseHostPort(text: string): Endpoint | null {
  if (text.charCodeAt(0) === 91 /* [ */) {
    const close = text.indexOf(']');
    if (close < 0) return null;
    const ip = parseIp(text.slice(1, close));
    if (!ip) return null;
    if (close === text.length - 1) return { ip, port: null };
    if (text.charCodeAt(close + 1) !== 58) return null;
    const port = parsePort(text.slice(close + 2));
    return port === undefined ? null : { ip, port };
  }
  const colon = text.indexOf(':');
  if (colon >= 0 && text.indexOf(':', colon + 1) < 0) {
    const ip = parseIp(text.slice(0, colon));
    const port = parsePort(text.slice(colon + 1));
    return ip && port !== undefined ? { ip, port } : null;
  }
  const ip = parseIp(text);
  return ip ? { ip, port: null } : null;
}

/**
 * `host:port` where Asterisk always prints a port (pjsip's `src_name:src_port`), so
 * the LAST colon starts the port: older PJSIP and res_pjsip_session print IPv6
 * unbracketed (`2001:db8::1:5060`), which {@link parseHostPort} would read as one
 * address without a port. Bracketed forms are accepted too.
 */
export function parseHostAndPort(text: string): (Endpoint & { port: number }) | null {
  if (text.charCodeAt(0) === 91 /* [ */) {
    const e = parseHostPort(text);
    return e && e.port !== null ? { ip: e.ip, port: e.port } : null;
  }
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return null;
  const ip = parseIp(text.slice(0, colon));
  const port = parsePort(text.slice(colon + 1));
  return ip && port !== undefined && port !== null ? { ip, port } : null;
}

const TRANSPORTS = new Set(['UDP', 'TCP', 'TLS', 'WS', 'WSS', 'SCTP']);

/** `IPV4/UDP/1.2.3.4/5060` or `IPV6/TCP/2001:db8::1/5060`: a security event's address value. */
export function parseSecurityAddress(value: string): (Endpoint & { transport: string }) | null {
  const a = value.indexOf('/');
  const b = value.indexOf('/', a + 1);
  const c = value.lastIndexOf('/');
  if (a !== 4 || b < 0 || c <= b) return null;
  const family = value.slice(0, 4);
  if (family !== 'IPV4' && family !== 'IPV6') return null;
  const transport = value.slice(a + 1, b);
  if (!TRANSPORTS.has(transport)) return null;
  let host = value.slice(b + 1, c);
  if (host.charCodeAt(0) === 91 && host.charCodeAt(host.length - 1) === 93) host = host.slice(1, -1);
  const ip = parseIp(host);
  // The family names the printed form: IPV6 with an IPv4-mapped address (::ffff:a.b.c.d) is
  // right, and comes out as plain IPv4. So compare the family with the text, not the result.
  if (!ip || (family === 'IPV4') === host.includes(':')) return null;
  const port = parsePort(value.slice(c + 1));
  if (port === undefined) return null;
  return { ip, port, transport };
}
