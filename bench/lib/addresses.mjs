// @ts-check
/**
 * Addresses for the generated logs: drawing them, writing them the way Asterisk
 * prints them, classifying them for the reference policy, and normalising the
 * tool's output for comparison. Independent of src/ on purpose: the benchmark
 * must not share code with what it measures.
 */

// ------------------------------------------------------------------ IPv4

/** Dotted quad to uint32, or -1.  @param {string} s */
export function v4ToInt(s) {
  const p = s.split('.');
  if (p.length !== 4) return -1;
  let v = 0;
  for (const x of p) {
    if (!/^(0|[1-9]\d{0,2})$/.test(x) || Number(x) > 255) return -1;
    v = v * 256 + Number(x);
  }
  return v;
}

/** @param {string} ip  @param {string} base  @param {number} bits */
function inV4(ip, base, bits) {
  const v = v4ToInt(ip);
  const b = v4ToInt(base);
  const size = 2 ** (32 - bits);
  return v >= 0 && Math.floor(v / size) === Math.floor(b / size);
}

// ------------------------------------------------------------------ IPv6

/**
 * Expands an IPv6 text to 8 numbers, or null. Accepts `::` and a trailing dotted quad.
 * @param {unknown} text
 * @returns {number[] | null}
 */
export function v6Groups(text) {
  let s = String(text).toLowerCase();
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return null;
  if (s.indexOf('.', lastColon) > 0) {
    const v = v4ToInt(s.slice(lastColon + 1));
    if (v < 0) return null;
    s = `${s.slice(0, lastColon + 1)}${Math.floor(v / 65536).toString(16)}:${(v % 65536).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parse = (/** @type {string} */ h) => (h === '' ? [] : h.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)));
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  let groups = head;
  if (halves.length === 2) {
    const fill = 8 - head.length - rest.length;
    if (fill < 1) return null;
    groups = [...head, ...new Array(fill).fill(0), ...rest];
  }
  if (groups.length !== 8 || groups.some((g) => Number.isNaN(g))) return null;
  return groups;
}

/**
 * RFC 5952 text of 8 groups: lower case, no leading zeros, longest zero run (>= 2) as `::`.
 * @param {readonly number[]} groups
 */
export function v6Text(groups) {
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestAt = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`;
}

/**
 * Canonical form of an address as the report should print it (IPv4-mapped folded to IPv4), or null.
 * @param {unknown} text
 * @returns {string | null}
 */
export function normalizeIp(text) {
  let s = String(text).trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (v4ToInt(s) >= 0) return s;
  const g = v6Groups(s);
  if (!g) return null;
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return `${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`;
  }
  return v6Text(g);
}

export const isV6 = (/** @type {string} */ ip) => ip.includes(':');

// ------------------------------------------------------------------ zones (the brief's defaults)

/** Loopback: 127/8 and ::1. Never banned.  @param {string} ip */
export function isLoopback(ip) {
  if (!isV6(ip)) return inV4(ip, '127.0.0.0', 8);
  const g = v6Groups(ip);
  return !!g && g.slice(0, 7).every((x) => x === 0) && g[7] === 1;
}

/** Internal by default: 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7. Never banned by default.  @param {string} ip */
export function isInternal(ip) {
  if (!isV6(ip)) {
    return inV4(ip, '10.0.0.0', 8) || inV4(ip, '172.16.0.0', 12) || inV4(ip, '192.168.0.0', 16) || inV4(ip, '100.64.0.0', 10);
  }
  const g = v6Groups(ip);
  return !!g && (g[0] & 0xfe00) === 0xfc00;
}

/**
 * The zone the brief expects a report to give: loopback is `never`, private ranges `internal`.
 * @param {string} ip
 * @returns {'never' | 'internal' | 'external'}
 */
export function expectedZone(ip) {
  if (isLoopback(ip)) return 'never';
  return isInternal(ip) ? 'internal' : 'external';
}

// ------------------------------------------------------------------ drawing

/** @type {ReadonlyArray<readonly [string, number]>} */
const NOT_PUBLIC = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16],
  ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 3],
];

/** Draws unique addresses of each kind; an address is handed out at most once. */
export class AddressPool {
  /** @param {import('./prng.mjs').Rng} rng  @param {Iterable<string>} reserved never handed out */
  constructor(rng, reserved = []) {
    this.rng = rng;
    this.used = new Set(reserved);
  }

  /** @param {() => string} draw */
  #unique(draw) {
    for (let i = 0; i < 1000; i++) {
      const ip = draw();
      if (!this.used.has(ip)) {
        this.used.add(ip);
        return ip;
      }
    }
    throw new Error('address pool exhausted');
  }

  /** Random routable-looking IPv4 outside every special-purpose range. */
  publicV4() {
    const r = this.rng;
    return this.#unique(() => {
      for (let i = 0; i < 100; i++) {
        const ip = `${r.int(1, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
        if (!NOT_PUBLIC.some(([b, bits]) => inV4(ip, b, bits))) return ip;
      }
      return `45.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
    });
  }

  /** IPv4 from the documentation and benchmarking ranges (RFC 5737, RFC 2544). */
  docV4() {
    const r = this.rng;
    return this.#unique(() => {
      const net = r.pick(['192.0.2', '198.51.100', '203.0.113', '198.18', '198.19']);
      return net.split('.').length === 3 ? `${net}.${r.int(1, 254)}` : `${net}.${r.int(0, 255)}.${r.int(1, 254)}`;
    });
  }

  /** A global IPv6 address: documentation prefix or provider-looking space, canonical text. */
  v6() {
    const r = this.rng;
    return this.#unique(() => {
      const g = new Array(8).fill(0);
      if (r.chance(0.5)) {
        g[0] = 0x2001; g[1] = 0x0db8; g[2] = r.chance(0.5) ? r.int(0, 0xffff) : 0;
      } else {
        g[0] = r.pick([0x2001, 0x2400, 0x2600, 0x2604, 0x2a01, 0x2a02, 0x2a0e, 0x2c0f]) + (r.chance(0.3) ? r.int(0, 15) : 0);
        if (g[0] === 0x2001) g[1] = r.int(0x4000, 0xffff); else g[1] = r.int(0, 0xffff);
        g[2] = r.int(0, 0xffff);
      }
      g[3] = r.chance(0.6) ? r.int(0, 0xffff) : 0;
      if (r.chance(0.5)) {
        g[7] = r.int(1, 0xffff);
      } else {
        for (let i = 4; i < 8; i++) g[i] = r.chance(0.15) ? 0 : r.int(0, 0xffff);
        if (g[7] === 0) g[7] = 1;
      }
      return v6Text(g);
    });
  }

  /**
   * An address inside an internal range: 192.168.x, 10.x, 172.16/12 or fd00::/8.
   * @param {'192.168' | '10' | '172' | 'fd'} [kind]
   */
  internal(kind = this.rng.pick(/** @type {const} */ (['192.168', '10', '172', 'fd']))) {
    const r = this.rng;
    return this.#unique(() => {
      if (kind === '192.168') return `192.168.${r.pick([0, 1, 1, 10, 20])}.${r.int(2, 254)}`;
      if (kind === '10') return `10.${r.pick([0, 8, 20])}.${r.int(0, 3)}.${r.int(2, 254)}`;
      if (kind === '172') return `172.${r.int(16, 31)}.${r.int(0, 255)}.${r.int(2, 254)}`;
      return v6Text([0xfd00, r.int(0, 0xffff), r.int(0, 0xffff), r.int(0, 0xff), 0, 0, 0, r.int(2, 0xffff)]);
    });
  }
}

// ------------------------------------------------------------------ printing

/** `1.2.3.4:5060` or `[2001:db8::5]:5060` (pjsip and chan_sip NOTICE slots). */
export const hostPort = (/** @type {string} */ ip, /** @type {number | string} */ port) => (isV6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`);

/** `IPV4/UDP/1.2.3.4/5060` or `IPV6/UDP/2001:db8::5/5060` (security event address values). */
export const secAddr = (/** @type {string} */ ip, /** @type {string} */ transport, /** @type {number | string} */ port) => `${isV6(ip) ? 'IPV6' : 'IPV4'}/${transport}/${ip}/${port}`;
