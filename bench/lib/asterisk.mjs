// @ts-check
/**
 * Asterisk 20 log line formats, copied from the captures in
 * ../shared/fixtures/asterisk-20*: the `full`-channel line
 *
 *   [Nov 24 18:05:31] NOTICE[16613] res_pjsip/pjsip_distributor.c: <message>
 *   [2026-11-24 18:05:31] VERBOSE[17014][C-00000005] pbx.c: <message>      (dateformat=%F %T)
 *
 * and the res_security_log message `SecurityEvent="…",EventTV="…",…`. Times are UTC
 * epoch milliseconds; the default format has no year (Asterisk's `%b %e %T`).
 */
import { isV6, secAddr } from './addresses.mjs';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (/** @type {number} */ n) => (n < 10 ? `0${n}` : String(n));
const p3 = (/** @type {number} */ n) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/** The PBX itself: its addresses and ports (documentation ranges, like the fixtures). */
export const PBX = Object.freeze({
  v4: '192.0.2.2',
  lan: '192.168.1.2',
  vpn: '10.8.0.1',
  dmz: '172.20.0.1',
  v6: '2001:db8:100::2',
  ula: 'fd00::2',
  pjsipPort: 5060,
  sipPort: 5160,
  amiPort: 5038,
  iaxPort: 4569,
});

/** Every address the PBX owns (never drawn for anyone else). */
export const PBX_ADDRESSES = [PBX.v4, PBX.lan, PBX.vpn, PBX.dmz, PBX.v6, PBX.ula, '127.0.0.1', '::1'];

/** The PBX address a packet from `ip` arrives at (the LocalAddress of security events).  @param {string} ip */
export function localFor(ip) {
  if (isV6(ip)) return ip.startsWith('fd') ? PBX.ula : ip === '::1' ? '::1' : PBX.v6;
  if (ip.startsWith('127.')) return '127.0.0.1';
  if (ip.startsWith('192.168.')) return PBX.lan;
  if (ip.startsWith('10.')) return PBX.vpn;
  if (ip.startsWith('172.')) return PBX.dmz;
  return PBX.v4;
}

/** Formats line prefixes and EventTV values; caches the date of the last second. */
export class Stamper {
  /** @param {'default'|'iso'} format logger.conf dateformat: stock, or `%F %T` */
  constructor(format) {
    this.iso = format === 'iso';
    this.sec = NaN;
    this.date = '';
    this.tvHead = '';
  }

  /** @param {number} sec */
  #fill(sec) {
    const d = new Date(sec * 1000);
    const Y = d.getUTCFullYear();
    const M = d.getUTCMonth();
    const D = d.getUTCDate();
    const hms = `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
    this.sec = sec;
    this.date = this.iso
      ? `[${Y}-${p2(M + 1)}-${p2(D)} ${hms}]`
      : `[${MONTHS[M]} ${D < 10 ? ` ${D}` : D} ${hms}]`;
    this.tvHead = `${Y}-${p2(M + 1)}-${p2(D)}T${hms}.`;
  }

  /** `[Nov 24 18:05:31]` (or the ISO form) for a time in ms.  @param {number} ms */
  dateOf(ms) {
    const sec = Math.floor(ms / 1000);
    if (sec !== this.sec) this.#fill(sec);
    return this.date;
  }

  /** `2026-11-24T18:05:31.757+0000` (EventTV, SessionTV).  @param {number} ms */
  tvOf(ms) {
    const sec = Math.floor(ms / 1000);
    if (sec !== this.sec) this.#fill(sec);
    return `${this.tvHead}${p3(ms - sec * 1000)}+0000`;
  }
}

/** Builds whole lines. `pbx` holds the thread ids of the running Asterisk (changed by a restart). */
export class Lines {
  /** @param {Stamper} stamper */
  constructor(stamper) {
    this.st = stamper;
    this.pbx = { pjsip: 16613, sip: 16641, sec: 16648, iaxBase: 16629, main: 16583 };
  }

  /**
   * `[date] LEVEL[lwp][callid] module: message` (callid may be '' or `C-0000001a`).
   * @param {number} ms  @param {string} level  @param {number} lwp  @param {string} callid  @param {string} module  @param {string} msg
   */
  line(ms, level, lwp, callid, module, msg) {
    return `${this.st.dateOf(ms)} ${level}[${lwp}]${callid ? `[${callid}]` : ''} ${module}: ${msg}`;
  }

  /**
   * A res_security_log line. `tvMs` is the EventTV (same second as `ms`); `tail`
   * is everything after RemoteAddress, starting with its comma (or '').
   * @param {number} ms  @param {number} tvMs  @param {string} type  @param {string} severity  @param {string} service
   * @param {string} version  @param {string} account  @param {string} session  @param {string} local  @param {string} remote
   * @param {string} tail
   */
  security(ms, tvMs, type, severity, service, version, account, session, local, remote, tail) {
    return `${this.st.dateOf(ms)} SECURITY[${this.pbx.sec}] res_security_log.c: SecurityEvent="${type}",EventTV="${this.st.tvOf(tvMs)}",Severity="${severity}",Service="${service}",EventVersion="${version}",AccountID="${account}",SessionID="${session}",LocalAddress="${local}",RemoteAddress="${remote}"${tail}`;
  }

  /** Security address pair helpers.  @param {string} ip  @param {string} transport  @param {number} port */
  static addr(ip, transport, port) {
    return secAddr(ip, transport, port);
  }
}

/**
 * The start-up block of an Asterisk 20 with chan_pjsip, chan_sip and chan_iax2 (as in
 * fixtures/asterisk-20/full.log, with this PBX's addresses). Returns [offsetSeconds, level, lwpKey, module, message].
 * @param {string} iaxPeer
 * @returns {Array<[number, string, 'main' | 'pjsip' | 'sipLoad', string, string]>}
 */
export function startupBlock(iaxPeer) {
  const M = 'main';
  const P = 'pjsip';
  return [
    [0, 'VERBOSE', M, 'pbx.c', 'Asterisk PBX Core Initializing'],
    [0, 'VERBOSE', M, 'loader.c', 'Asterisk Dynamic Loader Starting:'],
    [0, 'NOTICE', M, 'loader.c', '269 modules will be loaded.'],
    [0, 'NOTICE', M, 'cdr.c', 'CDR simple logging enabled.'],
    [0, 'NOTICE', M, 'indications.c', 'Default country for indication tones: us'],
    [0, 'NOTICE', M, 'indications.c', "Setting default indication country to 'us'"],
    [0, 'VERBOSE', M, 'res_pjsip.c', `Local IPv4 address determined to be: ${PBX.v4}`],
    [0, 'VERBOSE', M, 'res_pjsip.c', `Local IPv6 address determined to be: ${PBX.ula}`],
    [0, 'VERBOSE', P, 'res_pjsip/pjsip_resolver.c', "'UDP+IPv4' is an available SIP transport"],
    [0, 'VERBOSE', P, 'res_pjsip/pjsip_resolver.c', "'TCP+IPv4' is not an available SIP transport, disabling resolver support for it"],
    [0, 'VERBOSE', P, 'res_pjsip/pjsip_resolver.c', "'TLS+IPv4' is not an available SIP transport, disabling resolver support for it"],
    [0, 'VERBOSE', P, 'res_pjsip/pjsip_resolver.c', "'UDP+IPv6' is an available SIP transport"],
    [0, 'VERBOSE', P, 'res_pjsip/pjsip_resolver.c', "'TCP+IPv6' is not an available SIP transport, disabling resolver support for it"],
    [0, 'VERBOSE', P, 'res_pjsip/pjsip_resolver.c', "'TLS+IPv6' is not an available SIP transport, disabling resolver support for it"],
    [0, 'VERBOSE', P, 'res_pjsip/pjsip_configuration.c', 'Endpoint 100 is now Reachable'],
    [0, 'VERBOSE', P, 'res_pjsip/pjsip_configuration.c', 'Endpoint 101 is now Reachable'],
    [0, 'VERBOSE', P, 'res_pjsip/pjsip_configuration.c', 'Endpoint itsp is now Reachable'],
    [1, 'VERBOSE', M, 'res_srtp.c', 'libsrtp2 2.5.0 initialized'],
    [1, 'WARNING', M, 'res_musiconhold.c', 'No music on hold classes configured, disabling music on hold.'],
    [1, 'VERBOSE', M, 'chan_iax2.c', `Binding IAX2 to address 0.0.0.0:${PBX.iaxPort}`],
    [1, 'VERBOSE', M, 'chan_iax2.c', `Seeding 'iaxuser' at ${iaxPeer}:${PBX.iaxPort} for 60`],
    [1, 'VERBOSE', M, 'chan_iax2.c', '10 helper threads started'],
    [1, 'VERBOSE', M, 'chan_iax2.c', 'IAX Ready and Listening'],
    [1, 'NOTICE', M, 'iax2/provision.c', 'No IAX provisioning configuration found, IAX provisioning disabled.'],
    [1, 'VERBOSE', M, 'chan_sip.c', 'SIP channel loading...'],
    [1, 'VERBOSE', M, 'chan_sip.c', `SIP Listening on [::]:${PBX.sipPort}`],
    [1, 'VERBOSE', M, 'netsock2.c', 'Using SIP CoS mark 4'],
    [1, 'NOTICE', M, 'res_fax.c', "Configuration file 'res_fax.conf' not found, using default options."],
    [1, 'VERBOSE', M, 'res_security_log.c', 'Security Logging Enabled'],
    [1, 'WARNING', M, 'loader.c', "Module 'chan_sip' has been loaded but was deprecated in Asterisk version 17 and will be removed in Asterisk version 21. Its replacement is 'chan_pjsip'."],
    [1, 'WARNING', M, 'loader.c', "Module 'res_adsi' has been loaded but may be removed in a future release."],
    [1, 'WARNING', M, 'loader.c', "Module 'app_adsiprog' has been loaded but may be removed in a future release."],
    [1, 'WARNING', M, 'loader.c', "Module 'app_getcpeid' has been loaded but may be removed in a future release."],
    [1, 'WARNING', 'sipLoad', 'chan_sip.c', 'chan_sip has no official maintainer and is deprecated.  Migration to'],
    [1, 'WARNING', 'sipLoad', 'chan_sip.c', 'chan_pjsip is recommended.  See guides at the Asterisk Wiki:'],
    [1, 'WARNING', 'sipLoad', 'chan_sip.c', 'https://wiki.asterisk.org/wiki/display/AST/Migrating+from+chan_sip+to+res_pjsip'],
    [1, 'WARNING', 'sipLoad', 'chan_sip.c', 'https://wiki.asterisk.org/wiki/display/AST/Configuring+res_pjsip'],
    [1, 'VERBOSE', M, 'asterisk.c', 'Asterisk Ready.'],
  ];
}

/** The banner Asterisk writes first into a freshly opened log file (no level, no module). */
export const BANNER = 'Asterisk 20.20.1 built by root @ vm on a x86_64 running Linux on 2026-11-20 09:14:02 UTC';

/**
 * Renders a start-up block at `ms` with a fresh set of thread ids. Returns the lines
 * of its first second (`now`) and of the next one (`later`).
 * @param {Lines} L
 * @param {number} ms
 * @param {import('./prng.mjs').Rng} rng
 * @param {string} iaxPeer
 * @param {boolean} withBanner
 */
export function renderStartup(L, ms, rng, iaxPeer, withBanner) {
  const base = rng.int(2000, 60000);
  L.pbx = { pjsip: base + 30, sip: base + 58, sec: base + 65, iaxBase: base + 46, main: base };
  const lwp = { main: base, pjsip: base + 30, sipLoad: base + 6 };
  /** @type {string[]} */
  const now = [];
  /** @type {string[]} */
  const later = [];
  if (withBanner) now.push(`${L.st.dateOf(ms)} ${BANNER}`);
  for (const [off, level, key, module, msg] of startupBlock(iaxPeer)) {
    (off === 0 ? now : later).push(L.line(ms + off * 1000, level, lwp[key], '', module, msg));
  }
  return { now, later };
}
