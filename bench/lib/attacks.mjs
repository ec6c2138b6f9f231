// @ts-check
/**
 * Attack traffic: planning attackers and their failed attempts over the time span.
 *
 * An attempt is one authentication try as the attacker made it (one REGISTER with
 * a guessed secret, one AMI Login, one IAX2 REGREQ exchange); it is rendered into
 * ALL the lines a real Asterisk 20 writes for it (see render.mjs), so one attempt
 * is typically 1..7 lines. The ground truth counts attempts, never lines.
 *
 * Attempt: { t (ms), ip, port, kind, fail (counts as a failure), n (lines), ...kind fields }
 */
/**
 * @typedef {{ innocent: string, display: boolean, account: boolean, session: boolean }} Injection
 *   where a log-injection attempt hides its fake address slot (display name, AccountID, Call-ID)
 * @typedef {{ t: number, ip: string, port: number, account: string, inj?: Injection }} AttemptBase
 *   time in ms, the real source, the account tried; `inj` on log-injection attempts
 * @typedef {AttemptBase & (
 *     { kind: 'pjsip_nomatch', method: string, from: string, callid: string }
 *   | { kind: 'pjsip_badauth', withChallenge: boolean, from: string, callid: string, nonce: string }
 *   | { kind: 'pjsip_unknown_digest', from: string, callid: string, nonce: string }
 *   | { kind: 'pjsip_probe' | 'pjsip_cracked', callid: string }
 *   | { kind: 'pjsip_noext', callid: string, exten: string }
 *   | { kind: 'chansip_noext', exten: string }
 *   | { kind: 'chansip_wrongpass', to: string }
 *   | { kind: 'chansip_probe' | 'chansip_cracked' | 'ami_wrongpass' | 'ami_nouser' | 'iax2_md5' | 'iax2_nopeer' }
 * )} AttemptPlan an attempt as a campaign plans it, with the fields its kind renders
 * @typedef {AttemptPlan['kind']} AttemptKind
 * @typedef {AttemptPlan & { fail: boolean, n: number }} Attempt an accepted attempt: whether it is
 *   a failure, and how many lines it renders to
 */
import { PBX } from './asterisk.mjs';
import { hostPort, isV6, secAddr } from './addresses.mjs';
import { PJSIP_EXTS, SIP_PEERS } from './population.mjs';
import { HOUR } from './policy.mjs';

const MIN = 60_000;

/**
 * Lines each attempt kind writes (render.mjs must agree; the writer asserts it).
 * @param {AttemptPlan} a
 * @returns {number}
 */
export function linesOf(a) {
  switch (a.kind) {
    case 'pjsip_nomatch': return 3;
    case 'pjsip_badauth': return a.withChallenge ? 3 : 2;
    case 'pjsip_unknown_digest': return 7;
    case 'chansip_wrongpass': return 3;
    case 'ami_wrongpass': return 3;
    case 'ami_nouser': return 4;
    case 'iax2_md5': return 1;
    case 'iax2_nopeer': return 2;
    case 'pjsip_probe': return 1;
    case 'chansip_probe': return 1;
    case 'pjsip_cracked': return 1;
    case 'chansip_cracked': return 3;
    case 'pjsip_noext': return 3;
    case 'chansip_noext': return 4;
    default: throw new Error(`unknown attempt kind ${/** @type {{ kind: string }} */ (a).kind}`);
  }
}

const UNKNOWN_NAMES = ['admin', 'test', 'guest', 'sip', 'asterisk', 'user', 'voip', 'operator', 'office', 'support', 'fax', 'reception'];
const AMI_NAMES = ['admin', 'manager', 'asterisk', 'root', 'cron', 'freepbx', 'ami', 'monitor', 'sipwarden', 'user'];
const IAX_NAMES = ['iaxuser', 'guest', 'asterisk', 'test', 'iax', 'trunk', '1000', 'admin'];

/** Plans all attack traffic. See the module comment for the attempt shape. */
export class AttackPlanner {
  /**
   * @param {import('./prng.mjs').Rng} rng
   * @param {import('./addresses.mjs').AddressPool} pool
   * @param {{t0: number, t1: number, budget: number, innocents: string[]}} opts
   */
  constructor(rng, pool, opts) {
    this.rng = rng;
    this.pool = pool;
    this.t0 = opts.t0;
    this.t1 = opts.t1;
    this.budget = opts.budget;
    this.innocents = opts.innocents;
    /** @type {Attempt[]} */
    this.attempts = [];
    this.used = 0;
    /** @type {string[]} */
    this.v4Attackers = [];
    /** @type {string[]} */
    this.v6Attackers = [];
    /** @type {Record<string, number>} campaigns run, by name */
    this.campaigns = {};
  }

  // ---------------------------------------------------------------- helpers

  /** @param {AttemptPlan} plan  @returns {boolean} false when it falls outside the span */
  #push(plan) {
    const a = /** @type {Attempt} */ (plan);
    a.fail = !a.kind.endsWith('_probe') && !a.kind.endsWith('_cracked');
    a.n = linesOf(a);
    a.t = Math.round(a.t);
    if (a.t < this.t0 || a.t > this.t1) return false;
    this.attempts.push(a);
    this.used += a.n;
    return true;
  }

  /** A fresh or (sometimes) returning external attacker address.  @param {boolean} v6Allowed */
  #attacker(v6Allowed) {
    const r = this.rng;
    const v6 = v6Allowed && r.chance(0.3);
    const list = v6 ? this.v6Attackers : this.v4Attackers;
    if (list.length > 5 && r.chance(0.12)) return r.pick(list);
    const ip = v6 ? this.pool.v6() : r.chance(0.35) ? this.pool.docV4() : this.pool.publicV4();
    list.push(ip);
    return ip;
  }

  /** Start time for a campaign lasting `dur` ms.  @param {number} dur */
  #start(dur) {
    const span = this.t1 - this.t0;
    return this.t0 + this.rng.next() * Math.max(1000, span - Math.min(dur, span * 0.9));
  }

  #unknownUser() {
    const r = this.rng;
    const x = r.next();
    if (x < 0.35) return String(r.int(90, 99));
    if (x < 0.55) return String(r.int(140, 999));
    if (x < 0.8) return String(r.int(1000, 9999));
    return r.pick(UNKNOWN_NAMES);
  }

  /** @param {string} ip  @param {number} [withPort] */
  #target(ip, withPort) {
    const host = isV6(ip) ? `[${PBX.v6}]` : PBX.v4;
    return withPort ? `${host}:${withPort}` : host;
  }

  /** sipvicious From: `"100" <sip:100@192.0.2.2>`; sipp From: `<sip:100@192.0.2.2>`. */
  /** @param {'sipvicious' | 'sipp'} tool  @param {string} user  @param {string} ip */
  #from(tool, user, ip) {
    return tool === 'sipvicious' ? `"${user}" <sip:${user}@${this.#target(ip)}>` : `<sip:${user}@${this.#target(ip)}>`;
  }

  /** @param {number} t */
  #nonce(t) {
    return `${Math.floor(t / 1000)}/${this.rng.hex(32)}`;
  }

  /** @param {string} name */
  #count(name, n = 1) {
    this.campaigns[name] = (this.campaigns[name] ?? 0) + n;
  }

  // ---------------------------------------------------------------- campaigns

  /** Most attackers: one or two tries, from anywhere, with any service. */
  scanSmall() {
    const r = this.rng;
    const flavour = r.weighted({ nomatch: 55, badauth: 20, sip: 10, ami: 6, iax: 5, digest: 4 });
    const ip = this.#attacker(flavour === 'nomatch' || flavour === 'badauth' || flavour === 'sip' || flavour === 'digest');
    const n = r.chance(0.7) ? 1 : 2;
    const gap = r.chance(0.6) ? r.range(1, 40) * 1000 : r.range(1.2, 8) * HOUR;
    let t = this.#start(gap + MIN);
    const port = r.chance(0.5) ? 5060 : r.int(1024, 65535);
    for (let i = 0; i < n; i++, t += gap) {
      const user = this.#unknownUser();
      switch (flavour) {
        case 'nomatch': {
          const tool = isV6(ip) ? 'sipp' : r.pick(/** @type {const} */ (['sipvicious', 'sipvicious', 'sipp']));
          this.#push({ t, ip, port, kind: 'pjsip_nomatch', method: r.weighted({ REGISTER: 80, INVITE: 15, OPTIONS: 5 }), account: user, from: this.#from(tool, user, ip), callid: tool === 'sipvicious' ? String(r.int(1e6, 4294967295)) : `${i + 1}-${r.int(1000, 99999)}@${ip}` });
          break;
        }
        case 'badauth': {
          const ext = r.pick(PJSIP_EXTS);
          this.#push({ t, ip, port, kind: 'pjsip_badauth', withChallenge: true, account: ext, from: this.#from('sipp', ext, ip), callid: `${i + 1}-${r.int(1000, 99999)}@${ip}`, nonce: this.#nonce(t) });
          break;
        }
        case 'digest':
          this.#push({ t, ip, port, kind: 'pjsip_unknown_digest', account: user, from: this.#from('sipp', user, ip), callid: `${i + 1}-${r.int(1000, 99999)}@${ip}`, nonce: this.#nonce(t) });
          break;
        case 'sip': {
          const peer = r.chance(0.5) ? r.pick(SIP_PEERS) : user;
          this.#push({ t, ip, port, kind: 'chansip_wrongpass', account: peer, to: `<sip:${peer}@${this.#target(ip, PBX.sipPort)}>` });
          break;
        }
        case 'ami':
          this.#push(this.#ami(t, ip, r.pick(AMI_NAMES)));
          break;
        default:
          this.#push(this.#iax(t, ip, r.pick(IAX_NAMES)));
      }
    }
    this.#count('scan_small');
  }

  /** @param {number} t  @param {string} ip  @param {string} user  @returns {AttemptPlan} */
  #ami(t, ip, user) {
    return { t, ip, port: this.rng.int(30000, 60999), kind: user === 'admin' || user === 'sipwarden' ? 'ami_wrongpass' : 'ami_nouser', account: user };
  }

  /** @param {number} t  @param {string} ip  @param {string} user  @returns {AttemptPlan} */
  #iax(t, ip, user) {
    return { t, ip, port: this.rng.chance(0.5) ? PBX.iaxPort : this.rng.int(1024, 65535), kind: user === 'iaxuser' ? 'iax2_md5' : 'iax2_nopeer', account: user };
  }

  /**
   * The time between two extensions an svwar run tries: svwar's own pace (the capture's
   * S02: 21 extensions in 3.2 s), or a script running svwar once per extension, slower than
   * the capture's S03 (3.2 s each). Never near 60 s / 19 = 3.16 s, where 20 challenges
   * would fall on the edge of policy.scan's minute: the truth drops what sits on an edge.
   */
  #svwarStep() {
    return this.rng.chance(0.7) ? this.rng.range(100, 400) : this.rng.range(4000, 6000);
  }

  /** svwar: per extension a random-number sanity probe and the extension (see #svwarStep). */
  svwar() {
    const r = this.rng;
    const ip = this.#attacker(false);
    const n = r.tail(10, 300);
    const first = r.pick([90, 100, 100, 1000, 200]);
    const port = r.int(5060, 5070);
    const step = this.#svwarStep();
    let t = this.#start(n * step * 1.05);
    for (let i = 0; i < n; i++, t += step * r.range(0.95, 1.05)) {
      const sanity = String(r.int(1e6, 4294967295));
      this.#push({ t, ip, port, kind: 'pjsip_nomatch', method: 'REGISTER', account: sanity, from: this.#from('sipvicious', sanity, ip), callid: String(r.int(1e6, 4294967295)) });
      const ext = String(first + i);
      const callid = String(r.int(1e6, 4294967295));
      if (PJSIP_EXTS.includes(ext)) this.#push({ t: t + 7, ip, port, kind: 'pjsip_probe', account: ext, callid });
      else this.#push({ t: t + 7, ip, port, kind: 'pjsip_nomatch', method: 'REGISTER', account: ext, from: this.#from('sipvicious', ext, ip), callid });
    }
    this.#count('svwar');
  }

  /** svwar against chan_sip with alwaysauthreject: only ChallengeSent, never a failure. */
  svwarSip() {
    const r = this.rng;
    const ip = this.#attacker(false);
    const n = r.int(10, 100);
    const port = r.int(5060, 5070);
    const step = this.#svwarStep();
    let t = this.#start(n * step * 1.05);
    for (let i = 0; i < n; i++, t += step * r.range(0.95, 1.05)) {
      this.#push({ t, ip, port, kind: 'chansip_probe', account: String(190 + i) });
    }
    this.#count('svwar_sip');
  }

  /** svmap / OPTIONS probes with From: 100 — challenged, no failure. */
  probeOnly() {
    const r = this.rng;
    const ip = this.#attacker(true);
    const n = r.int(1, 5);
    let t = this.#start(n * 10_000);
    for (let i = 0; i < n; i++, t += r.range(500, 10_000)) {
      this.#push({ t, ip, port: r.int(5060, 5070), kind: 'pjsip_probe', account: r.pick(['100', '101', '100']), callid: r.chance(0.5) ? r.digits(24) : String(r.int(1e6, 4294967295)) });
    }
    this.#count('probe_only');
  }

  /** svcrack on a PJSIP endpoint: ONE Call-ID and one challenge for every guess, ~150/s. */
  svcrackPjsip() {
    const r = this.rng;
    const ip = this.#attacker(false);
    const n = r.tail(8, 800, 0.9);
    const ext = r.pick(PJSIP_EXTS);
    const callid = String(r.int(1e6, 4294967295));
    const port = r.int(5060, 5070);
    let t = this.#start(n * 8);
    const nonce = this.#nonce(t);
    const from = this.#from('sipvicious', ext, ip);
    for (let i = 0; i < n; i++, t += r.range(5, 9)) {
      this.#push({ t, ip, port, kind: 'pjsip_badauth', withChallenge: i === 0, account: ext, from, callid, nonce });
    }
    if (r.chance(0.03)) this.#push({ t, ip, port, kind: 'pjsip_cracked', account: ext, callid });
    this.#count('svcrack_pjsip');
  }

  /** sipp REGISTER with a wrong secret: a fresh Call-ID and challenge per attempt. */
  sippPjsip() {
    const r = this.rng;
    const ip = this.#attacker(true);
    const n = r.tail(3, 200);
    const ext = r.pick(PJSIP_EXTS);
    const pid = r.int(1000, 99999);
    const step = r.pick([2200, 2200, 500, 1000]);
    const port = r.pick([5060, 5061, r.int(1024, 65535)]);
    let t = this.#start(n * step);
    for (let i = 0; i < n; i++, t += step + r.range(-50, 50)) {
      this.#push({ t, ip, port, kind: 'pjsip_badauth', withChallenge: true, account: ext, from: this.#from('sipp', ext, ip), callid: `${i + 1}-${pid}@${ip}`, nonce: this.#nonce(t) });
    }
    this.#count('sipp_pjsip');
  }

  /** Unknown user answered with a digest: 2 NOTICE + 1 NOTICE + 4 security lines, ONE attempt each. */
  unknownDigest() {
    const r = this.rng;
    const ip = this.#attacker(true);
    const n = r.tail(1, 60);
    const pid = r.int(1000, 99999);
    let t = this.#start(n * 2200);
    for (let i = 0; i < n; i++, t += r.range(2100, 2300)) {
      const user = this.#unknownUser();
      this.#push({ t, ip, port: 5061, kind: 'pjsip_unknown_digest', account: user, from: this.#from('sipp', user, ip), callid: `${i + 1}-${pid}@${ip}`, nonce: this.#nonce(t) });
    }
    this.#count('unknown_digest');
  }

  /** INVITEs from an unknown account (toll-fraud probing without credentials). */
  inviteUnknown() {
    const r = this.rng;
    const ip = this.#attacker(true);
    const n = r.tail(1, 50);
    const user = r.pick(['attacker', 'anonymous', '1001', '9999', 'sipvicious', 'voip']);
    const pid = r.int(1000, 99999);
    let t = this.#start(n * 5000);
    for (let i = 0; i < n; i++, t += r.range(1000, 5000)) {
      this.#push({ t, ip, port: r.pick([5060, 5061]), kind: 'pjsip_nomatch', method: 'INVITE', account: user, from: this.#from('sipp', user, ip), callid: `${i + 1}-${pid}@${ip}` });
    }
    this.#count('invite_unknown');
  }

  /**
   * Toll fraud with a cracked secret: authenticated INVITEs to international numbers the
   * dial plan lacks (the capture's S12 and S24), rejected with reason no_extension, each
   * a failure. PJSIP (challenge, success, NOTICE) or chan_sip (its INVITE challenge, never
   * judged; NOTICE + FailedACL no_extension_match).
   */
  tollFraud() {
    const r = this.rng;
    const sip = r.chance(0.3);
    const ip = this.#attacker(!sip);
    const n = r.tail(1, 40);
    const account = sip ? r.pick(SIP_PEERS) : r.pick(PJSIP_EXTS);
    const pid = r.int(1000, 99999);
    const port = r.pick([5060, 5061, r.int(1024, 65535)]);
    let t = this.#start(n * 15_000);
    for (let i = 0; i < n; i++, t += r.range(2000, 15_000)) {
      const exten = `${r.pick(['9011', '011', '900'])}${r.pick(['44', '49', '53', '882', '252', '370'])}${r.digits(r.int(7, 10))}`;
      if (sip) this.#push({ t, ip, port, kind: 'chansip_noext', account, exten });
      else this.#push({ t, ip, port, kind: 'pjsip_noext', account, exten, callid: `${i + 1}-${pid}@${ip}` });
    }
    this.#count('toll_fraud');
  }

  /** svcrack on chan_sip: a fresh challenge (and SessionID pointer) per guess, ~150/s. */
  svcrackSip() {
    const r = this.rng;
    const ip = this.#attacker(false);
    const n = r.tail(8, 600, 0.9);
    const peer = r.chance(0.8) ? r.pick(SIP_PEERS) : this.#unknownUser();
    const port = r.int(5060, 5070);
    const to = `"${peer}" <sip:${peer}@${this.#target(ip)}>`;
    let t = this.#start(n * 8);
    for (let i = 0; i < n; i++, t += r.range(5, 9)) {
      this.#push({ t, ip, port, kind: 'chansip_wrongpass', account: peer, to });
    }
    if (SIP_PEERS.includes(peer) && r.chance(0.03)) this.#push({ t, ip, port, kind: 'chansip_cracked', account: peer });
    this.#count('svcrack_sip');
  }

  /** sipp REGISTER on chan_sip with wrong secrets (unknown users look the same: alwaysauthreject). */
  sippSip() {
    const r = this.rng;
    const ip = this.#attacker(true);
    const n = r.tail(3, 100);
    const peer = r.chance(0.7) ? r.pick(SIP_PEERS) : '999';
    const port = r.pick([5060, 5063, r.int(1024, 65535)]);
    let t = this.#start(n * 2200);
    for (let i = 0; i < n; i++, t += r.range(2100, 2300)) {
      this.#push({ t, ip, port, kind: 'chansip_wrongpass', account: peer, to: `<sip:${peer}@${this.#target(ip, PBX.sipPort)}>` });
    }
    this.#count('sipp_sip');
  }

  /** AMI Login guessing (one TCP connection per try). */
  amiBrute() {
    const r = this.rng;
    const ip = this.#attacker(false);
    const n = r.tail(1, 150);
    const step = r.range(500, 6000);
    const fixed = r.chance(0.5) ? 'admin' : null;
    let t = this.#start(n * step);
    for (let i = 0; i < n; i++, t += step) this.#push(this.#ami(t, ip, fixed ?? r.pick(AMI_NAMES)));
    this.#count('ami_brute');
  }

  /** IAX2 REGREQ guessing. */
  iaxBrute() {
    const r = this.rng;
    const ip = this.#attacker(false);
    const n = r.tail(1, 100);
    const fixed = r.chance(0.5) ? 'iaxuser' : null;
    let t = this.#start(n * 3000);
    for (let i = 0; i < n; i++, t += r.range(1000, 3000)) this.#push(this.#iax(t, ip, fixed ?? r.pick(IAX_NAMES)));
    this.#count('iax_brute');
  }

  /** Comes back every 61..100 minutes with a few tries: tier 1 each visit, tier 2 eventually. */
  returner(slow = false) {
    const r = this.rng;
    const ip = this.#attacker(true);
    const visits = slow ? r.int(2, 8) : r.int(3, 14);
    const gap = slow ? r.range(2, 6) * HOUR : r.range(61, 100) * MIN;
    const kind = r.pick(isV6(ip) ? ['nomatch', 'badauth', 'sip'] : ['nomatch', 'badauth', 'sip', 'ami', 'iax']);
    const ext = r.pick(PJSIP_EXTS);
    let t = this.#start(visits * gap);
    for (let v = 0; v < visits; v++, t += gap + r.range(-2, 2) * MIN) {
      const tries = slow ? r.int(1, 2) : r.int(1, 3);
      let u = t;
      for (let k = 0; k < tries; k++, u += r.range(2000, 30_000)) {
        const user = this.#unknownUser();
        if (kind === 'nomatch') this.#push({ t: u, ip, port: 5060, kind: 'pjsip_nomatch', method: 'REGISTER', account: user, from: this.#from(isV6(ip) ? 'sipp' : 'sipvicious', user, ip), callid: String(r.int(1e6, 4294967295)) });
        else if (kind === 'badauth') this.#push({ t: u, ip, port: 5060, kind: 'pjsip_badauth', withChallenge: true, account: ext, from: this.#from('sipp', ext, ip), callid: `${k + 1}-${r.int(1000, 99999)}@${ip}`, nonce: this.#nonce(u) });
        else if (kind === 'sip') this.#push({ t: u, ip, port: 5060, kind: 'chansip_wrongpass', account: ext, to: `<sip:${ext}@${this.#target(ip, PBX.sipPort)}>` });
        else if (kind === 'ami') this.#push(this.#ami(u, ip, 'admin'));
        else this.#push(this.#iax(u, ip, 'iaxuser'));
      }
    }
    this.#count(slow ? 'slow_returner' : 'returner');
  }

  /**
   * A phone or script inside the network with a wrong secret, retrying for hours. Never banned.
   * @param {'pjsip' | 'pjsip6' | 'sip' | 'ami'} kind
   * @param {number} share attack lines it may use
   */
  internalSource(kind, share) {
    const r = this.rng;
    const ip = kind === 'ami' ? '127.0.0.1' : this.pool.internal(kind === 'pjsip6' ? 'fd' : r.pick(/** @type {const} */ (['192.168', '10', '172'])));
    const step = kind === 'ami' ? r.range(300, 900) * 1000 : r.range(60, 300) * 1000;
    const lines = 3;
    const n = Math.max(2, Math.min(Math.floor(share / lines), Math.floor((this.t1 - this.t0) / step) - 1));
    const ext = kind === 'sip' ? r.pick(SIP_PEERS) : r.pick(PJSIP_EXTS);
    const port = kind === 'ami' ? 0 : r.pick([5060, r.int(1024, 65000)]);
    let t = this.#start(n * step);
    // A phone re-registers with the SAME Call-ID every time (RFC 3261 10.2), minutes apart.
    const host = r.hex(8);
    const callid = `${host}-${r.int(1, 1000)}@${isV6(ip) ? host : ip}`;
    for (let i = 0; i < n; i++, t += step + r.range(-1000, 1000)) {
      if (kind === 'ami') this.#push({ t, ip, port: r.int(30000, 60999), kind: 'ami_wrongpass', account: 'admin' });
      else if (kind === 'sip') this.#push({ t, ip, port, kind: 'chansip_wrongpass', account: ext, to: `<sip:${ext}@${PBX.lan}>` });
      else this.#push({ t, ip, port, kind: 'pjsip_badauth', withChallenge: true, account: ext, from: `"${ext}" <sip:${ext}@${isV6(ip) ? `[${PBX.ula}]` : PBX.lan}>`, callid, nonce: this.#nonce(t) });
    }
    this.#count(`internal_${kind}`);
    return ip;
  }

  /**
   * Log injection: attacker text carrying a fake address slot for an innocent; the
   * true source is the real slot. PJSIP only (the attacker controls From and Call-ID).
   * @param {string} ip
   */
  injection(ip) {
    const r = this.rng;
    const innocent = r.pick(this.innocents);
    const badauth = r.chance(0.25);
    const reason = badauth ? 'Failed to authenticate' : 'No matching endpoint found';
    const inj = { innocent, display: r.chance(0.8), account: !badauth && r.chance(0.4), session: r.chance(0.4) };
    if (!inj.display && !inj.account && !inj.session) inj.display = true;
    const user = badauth ? r.pick(PJSIP_EXTS) : this.#unknownUser();
    const port = r.pick([5060, 5062, r.int(1024, 65535)]);
    let callid = isV6(ip) ? `${r.int(1, 99)}-${r.int(1000, 99999)}@${ip}` : String(r.int(1e6, 4294967295));
    const fakeSlot = hostPort(innocent, 5060);
    const fakeRemote = secAddr(innocent, 'UDP', 5060);
    const fakeLocal = secAddr(isV6(innocent) ? PBX.v6 : PBX.v4, 'UDP', PBX.pjsipPort);
    if (inj.session) callid = `${callid}",LocalAddress="${fakeLocal}",RemoteAddress="${fakeRemote}`;
    const account = inj.account ? `${user}",RemoteAddress="${fakeRemote}` : user;
    const display = inj.display ? `${user}' failed for '${fakeSlot}' (callid: ${r.int(1e6, 4294967295)}) - ${reason}` : user;
    const from = `"${display}" <sip:${account}@${this.#target(ip)}>`;
    const t = this.#start(MIN);
    /** @type {AttemptPlan} */
    const a = badauth
      ? { t, ip, port, kind: 'pjsip_badauth', withChallenge: true, account: user, from, callid, nonce: this.#nonce(t), inj }
      : { t, ip, port, kind: 'pjsip_nomatch', method: 'REGISTER', account, from, callid, inj };
    this.#push(a);
    this.#count('injection');
  }

  /**
   * Plans everything: internal sources, then campaigns up to the budget, then injections.
   * @param {number} injections how many log-injection attempts
   * @returns {Attempt[]} sorted by time
   */
  plan(injections) {
    const r = this.rng;
    const internalShare = this.budget * 0.08;
    const internalKinds = /** @type {const} */ (['pjsip', 'pjsip', 'sip', 'ami', 'pjsip6', 'pjsip', 'sip', 'pjsip']);
    const nInternal = Math.max(2, Math.min(internalKinds.length, Math.round(this.budget / 8000)));
    for (let i = 0; i < nInternal; i++) this.internalSource(internalKinds[i], internalShare / nInternal);

    const injectionLines = injections * 3;
    const campaignBudget = this.budget - injectionLines;
    const weights = { scanSmall: 52, svwar: 5, svwarSip: 2, probeOnly: 5, svcrackPjsip: 3, sippPjsip: 5, unknownDigest: 3, inviteUnknown: 2, tollFraud: 2, svcrackSip: 2, sippSip: 3, amiBrute: 3, iaxBrute: 3, returner: 4, slowReturner: 3 };
    for (let guard = 0; this.used < campaignBudget && guard < 1_000_000; guard++) {
      let kind = r.weighted(weights);
      // Near the end of the budget only small campaigns fit.
      if (campaignBudget - this.used < 1500 && kind !== 'scanSmall' && kind !== 'probeOnly') kind = 'scanSmall';
      if (kind === 'slowReturner') this.returner(true);
      else this[kind]();
    }
    for (let i = 0; i < injections; i++) {
      const list = this.v6Attackers.length > 0 && r.chance(0.2) ? this.v6Attackers : this.v4Attackers;
      const ip = list.length > 10 && r.chance(0.5) ? r.pick(list) : this.#attacker(true);
      this.injection(ip);
    }
    this.attempts.sort((a, b) => a.t - b.t);
    return this.attempts;
  }
}
