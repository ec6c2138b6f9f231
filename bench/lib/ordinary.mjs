// @ts-check
/**
 * Ordinary traffic of a busy PBX: phones re-registering (ChallengeSent +
 * SuccessfulAuth), calls in and out with their dialplan/bridge/RTP lines, misdials
 * rejected by the dialplan, qualify state changes, AMI and console sessions. Every
 * line format is taken from fixtures/asterisk-20 and fixtures/asterisk-20-calls.
 *
 * None of these lines is a failed authentication, but sipwarden's policy counts two
 * things in them, and so does the truth (`counted`):
 * - a call the dial plan refuses because the number does not exist (reason
 *   `no_extension`), like a failed login, except the trunk's (the benchmark's config
 *   classes TRUNK_ACCOUNT as a trunk, as a real install learns it). A phone outside the
 *   internal networks misdials at most once every MISDIAL_GAP, so it never reaches the
 *   2-within-an-hour tier: under that policy a remote phone misdialing twice within an
 *   hour WOULD be banned, and ordinary traffic is innocent;
 * - a phone's challenge it never answers (a call given up before the digest; `scan`):
 *   real, and rare enough (a few an hour per phone) never to reach 20 within a minute.
 *   The truth checks both: it throws if ordinary traffic would be banned.
 * Some lines carry addresses in places a naive parser might read (RTP learning,
 * call-rejected NOTICEs, Registered SIP).
 *
 * Groups are planned first (kind per group, fixed line counts) so that the log has
 * exactly the requested number of lines; a group renders some lines now and some
 * later (a call's hang-up), returned as `deferred`.
 */
import { PBX, localFor } from './asterisk.mjs';
import { hostPort, secAddr } from './addresses.mjs';
import { bannable, HOUR } from './policy.mjs';
import { TRUNK_ACCOUNT } from './population.mjs';

/** A phone or peer outside the internal networks misdials at most this often (see the top). */
export const MISDIAL_GAP = 3 * HOUR;

/** [name, lines now, lines deferred, weight]. */
/** @type {ReadonlyArray<readonly [name: string, now: number, deferred: number, weight: number]>} */
export const KINDS = [
  ['reg_pjsip', 2, 0, 40],
  ['reg_pjsip_new', 4, 0, 2],
  ['reg_sip', 2, 0, 10],
  ['reg_sip_moved', 3, 0, 0.6],
  ['reg_iax2', 1, 0, 0.5],
  ['endpoint_state', 1, 0, 2],
  ['challenge_only', 1, 0, 3],
  ['call_out', 10, 3, 6],
  ['call_out_busy', 4, 3, 1],
  ['call_out_noanswer', 5, 3, 1],
  ['call_in', 7, 3, 5],
  ['call_internal', 8, 3, 3],
  ['call_sip', 8, 3, 1.5],
  ['call_rej_pjsip', 3, 0, 0.8],
  ['call_rej_trunk', 1, 0, 0.8],
  ['call_rej_sip', 4, 0, 0.3],
  ['ami_session', 2, 1, 1],
  ['console', 1, 1, 0.5],
];
export const KIND_INDEX = Object.fromEntries(KINDS.map((k, i) => [k[0], i]));
export const KIND_LINES = KINDS.map((k) => k[1] + k[2]);
export const MAX_GROUP = Math.max(...KIND_LINES);
/** One-line kinds used to land on the exact line count. */
const FILLERS = ['endpoint_state', 'challenge_only', 'call_rej_trunk', 'reg_iax2'].map((n) => KIND_INDEX[n]);

/**
 * Picks group kinds until exactly `budget` lines are planned. Returns a Uint8Array of kind indices.
 * @param {import('./prng.mjs').Rng} rng
 * @param {number} budget
 */
export function planOrdinary(rng, budget) {
  const weights = Object.fromEntries(KINDS.map((k) => [k[0], k[3]]));
  let kinds = new Uint8Array(Math.max(16, Math.ceil(budget / 2)));
  let n = 0;
  let left = budget;
  const push = (/** @type {number} */ k) => {
    if (n === kinds.length) { const bigger = new Uint8Array(kinds.length * 2); bigger.set(kinds); kinds = bigger; }
    kinds[n++] = k;
    left -= KIND_LINES[k];
  };
  for (let guard = 0; left > MAX_GROUP && guard < 10 * budget; guard++) push(KIND_INDEX[rng.weighted(weights)]);
  for (let guard = 0; left > 0 && guard < 100; guard++) push(rng.pick(FILLERS));
  if (left !== 0) throw new Error('ordinary plan did not land on the line budget');
  return kinds.subarray(0, n);
}

const NATIONAL = () => '555';

/** Renders ordinary groups; holds the PBX's channel counters and who is registered where. */
export class OrdinaryRenderer {
  /**
   * @param {import('./asterisk.mjs').Lines} L
   * @param {import('./prng.mjs').Rng} rng
   * @param {import('./population.mjs').Population} pop
   */
  constructor(L, rng, pop) {
    this.L = L;
    this.rng = rng;
    this.pop = pop;
    this.chan = 0x20;
    this.sipChan = 0;
    this.callSeq = 0x10;
    this.lwp = 17000;
    /** @type {Map<string, number>} successful authentications per address */
    this.successes = new Map();
    /** @type {import('./truth.mjs').OrdinaryTruth} what the policy counts in ordinary traffic (ms times) */
    this.counted = { failures: new Map(), scans: new Map(), trunkRejected: 0 };
    /** @type {Map<string, number>} last misdial of an address outside the internal networks */
    this.lastMisdial = new Map();
    this.insidePhones = pop.phones.filter((p) => !bannable(p.ip));
    this.insidePeers = pop.peers.filter((p) => !bannable(p.ip));
  }

  /** @param {Map<string, number[]>} m  @param {string} ip  @param {number} ms */
  #count(m, ip, ms) {
    const list = m.get(ip);
    if (list) list.push(ms);
    else m.set(ip, [ms]);
  }

  /**
   * Who misdials at `ms`: anyone, but one outside the internal networks only MISDIAL_GAP after its last misdial.
   * @template {{ ip: string }} P
   * @param {P[]} all  @param {P[]} inside  @param {number} ms
   * @returns {P}
   */
  #misdialer(all, inside, ms) {
    let who = this.rng.pick(all);
    if (bannable(who.ip)) {
      const last = this.lastMisdial.get(who.ip);
      if (last !== undefined && ms - last < MISDIAL_GAP) who = this.rng.pick(inside);
      else this.lastMisdial.set(who.ip, ms);
    }
    this.#count(this.counted.failures, who.ip, ms);
    return who;
  }

  /** @param {string} ip */
  #success(ip) {
    this.successes.set(ip, (this.successes.get(ip) ?? 0) + 1);
  }

  /** @param {number} n */
  #hex8(n) {
    return n.toString(16).padStart(8, '0');
  }

  #newChan() {
    return this.#hex8(this.chan++);
  }

  #nextLwp() {
    this.lwp = this.lwp >= 99990 ? 17000 : this.lwp + this.rng.int(1, 4);
    return this.lwp;
  }

  #uuid() {
    const h = this.rng.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[this.rng.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  #number() {
    const r = this.rng;
    const x = r.next();
    if (x < 0.75) return `${NATIONAL()}${r.digits(7)}`;
    if (x < 0.9) return `1${r.digits(10)}`;
    return `011${r.pick(['44', '49', '33', '34', '39'])}${r.digits(9)}`;
  }

  /**
   * @param {number} ms  @param {number} tv  @param {string} type  @param {string} sev  @param {string} account
   * @param {string} sid  @param {string} ip  @param {number} port  @param {string} tail
   */
  #secPj(ms, tv, type, sev, account, sid, ip, port, tail) {
    return this.L.security(ms, tv, type, sev, 'PJSIP', '1', account, sid, secAddr(localFor(ip), 'UDP', PBX.pjsipPort), secAddr(ip, 'UDP', port), tail);
  }

  /**
   * @param {number} ms  @param {number} tv  @param {string} type  @param {string} sev  @param {string} account
   * @param {string} sid  @param {string} ip  @param {number} port  @param {string} tail
   */
  #secSip(ms, tv, type, sev, account, sid, ip, port, tail) {
    return this.L.security(ms, tv, type, sev, 'SIP', '1', account, sid, secAddr(localFor(ip), 'UDP', PBX.sipPort), secAddr(ip, 'UDP', port), tail);
  }

  /**
   * Security lines of an authenticated pjsip request (ChallengeSent + SuccessfulAuth).
   * @param {number} ms  @param {import('./population.mjs').Phone} phone  @param {string} sid
   */
  #pjAuth(ms, phone, sid) {
    const tv = ms + this.rng.int(0, 3);
    this.#success(phone.ip);
    return [
      this.#secPj(ms, tv, 'ChallengeSent', 'Informational', phone.ext, sid, phone.ip, phone.port, ',Challenge=""'),
      this.#secPj(ms, Math.min(tv + this.rng.int(1, 5), Math.floor(ms / 1000) * 1000 + 999), 'SuccessfulAuth', 'Informational', phone.ext, sid, phone.ip, phone.port, ',UsingPassword="1"'),
    ];
  }

  /** @param {import('./population.mjs').Phone} phone */
  #inviteCallid(phone) {
    return `${this.rng.hex(8)}-${this.rng.hex(4)}@${phone.ip.includes(':') ? this.rng.hex(6) : phone.ip}`;
  }

  /**
   * The answered-call tail common to every bridged call. Returns [now lines, deferred lines] for the bridge.
   * @param {number} ms  @param {number} end  @param {string} callid  @param {number} lwpA  @param {number} lwpB
   * @param {string} chanA  @param {string} chanB  @param {string} ctx  @param {string} exten  @param {string} bridgeType
   * @returns {[string[], string[]]}
   */
  #bridge(ms, end, callid, lwpA, lwpB, chanA, chanB, ctx, exten, bridgeType) {
    const L = this.L;
    const uuid = this.#uuid();
    const now = [
      L.line(ms, 'VERBOSE', lwpB, callid, 'bridge_channel.c', `Channel ${chanB} joined 'simple_bridge' basic-bridge <${uuid}>`),
      L.line(ms, 'VERBOSE', lwpA, callid, 'bridge_channel.c', `Channel ${chanA} joined 'simple_bridge' basic-bridge <${uuid}>`),
    ];
    const later = [
      L.line(end, 'VERBOSE', lwpA, callid, 'bridge_channel.c', `Channel ${chanA} left '${bridgeType}' basic-bridge <${uuid}>`),
      L.line(end, 'VERBOSE', lwpA, callid, 'pbx.c', `Spawn extension (${ctx}, ${exten}, 1) exited non-zero on '${chanA}'`),
      L.line(end, 'VERBOSE', lwpB, callid, 'bridge_channel.c', `Channel ${chanB} left '${bridgeType}' basic-bridge <${uuid}>`),
    ];
    return [now, later];
  }

  /**
   * Renders one group at `ms`.
   * @param {number} kindIndex  @param {number} ms
   * @returns {{now: string[], deferred: {t: number, lines: string[]}[]}}
   */
  render(kindIndex, ms) {
    const L = this.L;
    const r = this.rng;
    const pop = this.pop;
    const name = KINDS[kindIndex][0];
    /** @type {{t: number, lines: string[]}[]} */
    const deferred = [];
    /** @type {string[]} */
    let now;
    switch (name) {
      case 'reg_pjsip':
      case 'reg_pjsip_new': {
        const phone = r.pick(pop.phones);
        now = this.#pjAuth(ms, phone, phone.callid);
        if (name === 'reg_pjsip_new') {
          now.push(L.line(ms, 'VERBOSE', L.pbx.pjsip, '', 'res_pjsip_registrar.c', `Added contact 'sip:${phone.ext}@${hostPort(phone.ip, phone.port)};ob' to AOR '${phone.ext}' with expiration of 3600 seconds`));
          now.push(L.line(ms, 'VERBOSE', L.pbx.pjsip, '', 'res_pjsip/pjsip_configuration.c', `Endpoint ${phone.ext} is now Reachable`));
        }
        break;
      }
      case 'reg_sip':
      case 'reg_sip_moved': {
        const peer = r.pick(pop.peers);
        if (name === 'reg_sip_moved' && peer.remote) peer.port = r.int(1024, 65000);
        const sid = `0x7f${r.hex(10)}`;
        const tv = ms + r.int(0, 3);
        now = [
          this.#secSip(ms, tv, 'ChallengeSent', 'Informational', peer.peer, sid, peer.ip, peer.port, `,Challenge="${r.hex(8)}"`),
          this.#secSip(ms, Math.min(tv + r.int(1, 6), Math.floor(ms / 1000) * 1000 + 999), 'SuccessfulAuth', 'Informational', peer.peer, sid, peer.ip, peer.port, ',UsingPassword="1"'),
        ];
        if (name === 'reg_sip_moved') now.push(L.line(ms, 'VERBOSE', L.pbx.sip, '', 'chan_sip.c', `Registered SIP '${peer.peer}' at ${hostPort(peer.ip, peer.port)}`));
        this.#success(peer.ip);
        break;
      }
      case 'reg_iax2':
        now = [L.line(ms, 'VERBOSE', L.pbx.iaxBase + r.int(0, 11), '', 'chan_iax2.c', `Registered IAX2 'iaxuser' (AUTHENTICATED) at ${pop.iaxPeer}:${r.pick([PBX.iaxPort, r.int(1024, 65000)])}`)];
        this.#success(pop.iaxPeer);
        break;
      case 'endpoint_state': {
        const phone = r.pick(pop.phones);
        now = [L.line(ms, 'VERBOSE', L.pbx.pjsip, '', 'res_pjsip/pjsip_configuration.c', `Endpoint ${phone.ext} is now ${r.chance(0.5) ? 'Unreachable' : 'Reachable'}`)];
        break;
      }
      case 'challenge_only': {
        const phone = r.pick(pop.phones);
        now = [this.#secPj(ms, ms, 'ChallengeSent', 'Informational', phone.ext, this.#inviteCallid(phone), phone.ip, phone.port, ',Challenge=""')];
        this.#count(this.counted.scans, phone.ip, ms); // a fresh Call-ID: nothing answers it
        break;
      }
      case 'call_out':
      case 'call_out_busy':
      case 'call_out_noanswer': {
        const phone = r.pick(pop.phones);
        const num = this.#number();
        const callid = `C-${this.#hex8(this.callSeq++)}`;
        const lwpA = this.#nextLwp();
        const chanA = `PJSIP/${phone.ext}-${this.#newChan()}`;
        const chanB = `PJSIP/itsp-${this.#newChan()}`;
        now = this.#pjAuth(ms, phone, this.#inviteCallid(phone));
        now.push(L.line(ms, 'VERBOSE', lwpA, callid, 'pbx.c', `Executing [${num}@from-internal:1] Dial("${chanA}", "PJSIP/${num}@itsp,30") in new stack`));
        if (name === 'call_out') now.push(L.line(ms, 'DEBUG', lwpA, callid, 'res_rtp_asterisk.c', `(0x7f${r.hex(10)}) RTP allocated port ${r.int(5000, 15999) * 2}`));
        now.push(L.line(ms, 'VERBOSE', lwpA, callid, 'app_dial.c', `Called PJSIP/${num}@itsp`));
        if (name === 'call_out_busy') {
          const end = ms + 1000;
          deferred.push({ t: end, lines: [
            L.line(end, 'VERBOSE', lwpA, callid, 'app_dial.c', 'Everyone is busy/congested at this time (1:1/0/0)'),
            L.line(end, 'VERBOSE', lwpA, callid, 'pbx.c', `Executing [${num}@from-internal:2] Hangup("${chanA}", "") in new stack`),
            L.line(end, 'VERBOSE', lwpA, callid, 'pbx.c', `Spawn extension (from-internal, ${num}, 2) exited non-zero on '${chanA}'`),
          ] });
          break;
        }
        now.push(L.line(ms, 'VERBOSE', lwpA, callid, 'app_dial.c', `${chanB} is ringing`));
        if (name === 'call_out_noanswer') {
          const end = ms + 30_000;
          deferred.push({ t: end, lines: [
            L.line(end, 'VERBOSE', lwpA, callid, 'app_dial.c', 'Nobody picked up in 30000 ms'),
            L.line(end, 'VERBOSE', lwpA, callid, 'pbx.c', `Executing [${num}@from-internal:2] Hangup("${chanA}", "") in new stack`),
            L.line(end, 'VERBOSE', lwpA, callid, 'pbx.c', `Spawn extension (from-internal, ${num}, 2) exited non-zero on '${chanA}'`),
          ] });
          break;
        }
        const lwpB = this.#nextLwp();
        now.push(L.line(ms, 'VERBOSE', lwpA, callid, 'app_dial.c', `${chanB} answered ${chanA}`));
        now.push(L.line(ms, 'DEBUG', lwpB, callid, 'res_rtp_asterisk.c', `0x7f${r.hex(10)} -- Strict RTP learning after remote address set to: ${pop.itsp}:${r.int(5000, 15999) * 2}`));
        const end = ms + Math.round(r.expo(150_000)) + 2000;
        const [bNow, bLater] = this.#bridge(ms, end, callid, lwpA, lwpB, chanA, chanB, 'from-internal', num, 'native_rtp');
        now.push(...bNow);
        deferred.push({ t: end, lines: bLater });
        break;
      }
      case 'call_in': {
        const phone = r.pick(pop.phones);
        const did = `555100${r.int(0, 9)}`;
        const callid = `C-${this.#hex8(this.callSeq++)}`;
        const lwpA = this.#nextLwp();
        const lwpB = this.#nextLwp();
        const chanA = `PJSIP/itsp-${this.#newChan()}`;
        const chanB = `PJSIP/${phone.ext}-${this.#newChan()}`;
        now = [
          L.line(ms, 'VERBOSE', lwpA, callid, 'pbx.c', `Executing [${did}@from-trunk:1] Dial("${chanA}", "PJSIP/${phone.ext},20") in new stack`),
          L.line(ms, 'DEBUG', lwpA, callid, 'res_rtp_asterisk.c', `(0x7f${r.hex(10)}) RTP allocated port ${r.int(5000, 15999) * 2}`),
          L.line(ms, 'VERBOSE', lwpA, callid, 'app_dial.c', `Called PJSIP/${phone.ext}`),
          L.line(ms, 'VERBOSE', lwpA, callid, 'app_dial.c', `${chanB} is ringing`),
          L.line(ms, 'VERBOSE', lwpA, callid, 'app_dial.c', `${chanB} answered ${chanA}`),
        ];
        const end = ms + Math.round(r.expo(180_000)) + 3000;
        const [bNow, bLater] = this.#bridge(ms, end, callid, lwpA, lwpB, chanA, chanB, 'from-trunk', did, 'native_rtp');
        now.push(...bNow);
        deferred.push({ t: end, lines: bLater });
        break;
      }
      case 'call_internal': {
        const a = r.pick(pop.phones);
        const b = r.pick(pop.phones);
        const callid = `C-${this.#hex8(this.callSeq++)}`;
        const lwpA = this.#nextLwp();
        const lwpB = this.#nextLwp();
        const chanA = `PJSIP/${a.ext}-${this.#newChan()}`;
        const chanB = `PJSIP/${b.ext}-${this.#newChan()}`;
        now = this.#pjAuth(ms, a, this.#inviteCallid(a));
        now.push(
          L.line(ms, 'VERBOSE', lwpA, callid, 'pbx.c', `Executing [${b.ext}@from-internal:1] Dial("${chanA}", "PJSIP/${b.ext},20") in new stack`),
          L.line(ms, 'VERBOSE', lwpA, callid, 'app_dial.c', `Called PJSIP/${b.ext}`),
          L.line(ms, 'VERBOSE', lwpA, callid, 'app_dial.c', `${chanB} is ringing`),
          L.line(ms, 'VERBOSE', lwpA, callid, 'app_dial.c', `${chanB} answered ${chanA}`),
        );
        const end = ms + Math.round(r.expo(90_000)) + 2000;
        const [bNow, bLater] = this.#bridge(ms, end, callid, lwpA, lwpB, chanA, chanB, 'from-internal', b.ext, 'native_rtp');
        now.push(...bNow);
        deferred.push({ t: end, lines: bLater });
        break;
      }
      case 'call_sip': {
        const peer = r.pick(pop.peers);
        const num = this.#number();
        const callid = `C-${this.#hex8(this.callSeq++)}`;
        const lwpA = this.#nextLwp();
        const lwpB = this.#nextLwp();
        const chanA = `SIP/${peer.peer}-${this.#hex8(this.sipChan++)}`;
        const chanB = `PJSIP/itsp-${this.#newChan()}`;
        now = [
          this.#secSip(ms, ms, 'ChallengeSent', 'Informational', `sip:${peer.peer}@${localFor(peer.ip)}:${PBX.sipPort}`, `0x7f${r.hex(10)}`, peer.ip, peer.port, `,Challenge="${r.hex(8)}"`),
          L.line(ms, 'VERBOSE', L.pbx.sip, callid, 'netsock2.c', 'Using SIP RTP CoS mark 5'),
          L.line(ms, 'VERBOSE', lwpA, callid, 'pbx.c', `Executing [${num}@from-internal:1] Dial("${chanA}", "PJSIP/${num}@itsp,30") in new stack`),
          L.line(ms, 'VERBOSE', lwpA, callid, 'app_dial.c', `Called PJSIP/${num}@itsp`),
          L.line(ms, 'VERBOSE', lwpA, callid, 'app_dial.c', `${chanB} is ringing`),
          L.line(ms, 'VERBOSE', lwpA, callid, 'app_dial.c', `${chanB} answered ${chanA}`),
        ];
        const end = ms + Math.round(r.expo(120_000)) + 2000;
        const [bNow, bLater] = this.#bridge(ms, end, callid, lwpA, lwpB, chanA, chanB, 'from-internal', num, 'simple_bridge');
        now.push(...bNow);
        deferred.push({ t: end, lines: bLater });
        break;
      }
      case 'call_rej_pjsip': {
        const phone = this.#misdialer(pop.phones, this.insidePhones, ms);
        now = this.#pjAuth(ms, phone, this.#inviteCallid(phone));
        now.push(L.line(ms, 'NOTICE', L.pbx.pjsip, '', 'res_pjsip_session.c', ` ${phone.ext}: Call (UDP:${hostPort(phone.ip, phone.port)}) to extension '${this.#number()}' rejected because extension not found in context 'from-internal'.`));
        break;
      }
      case 'call_rej_trunk':
        this.counted.trunkRejected++;
        now = [L.line(ms, 'NOTICE', L.pbx.pjsip, '', 'res_pjsip_session.c', ` ${TRUNK_ACCOUNT}: Call (UDP:${pop.itsp}:5060) to extension '${r.digits(10)}' rejected because extension not found in context 'from-trunk'.`)];
        break;
      case 'call_rej_sip': {
        const peer = this.#misdialer(pop.peers, this.insidePeers, ms);
        const num = this.#number();
        const callid = `C-${this.#hex8(this.callSeq++)}`;
        const sid = `0x7f${r.hex(10)}`;
        now = [
          this.#secSip(ms, ms, 'ChallengeSent', 'Informational', `sip:${peer.peer}@${localFor(peer.ip)}:${PBX.sipPort}`, sid, peer.ip, peer.port, `,Challenge="${r.hex(8)}"`),
          L.line(ms, 'VERBOSE', L.pbx.sip, callid, 'netsock2.c', 'Using SIP RTP CoS mark 5'),
          L.line(ms, 'NOTICE', L.pbx.sip, callid, 'chan_sip.c', `Call from '${peer.peer}' (${hostPort(peer.ip, peer.port)}) to extension '${num}' rejected because extension not found in context 'from-internal'.`),
          this.#secSip(ms, Math.min(ms + 6, Math.floor(ms / 1000) * 1000 + 999), 'FailedACL', 'Error', num, sid, peer.ip, peer.port, ',ACLName="no_extension_match"'),
        ];
        break;
      }
      case 'ami_session': {
        const user = r.pick(['admin', 'admin', 'sipwarden']);
        const lwp = this.#nextLwp();
        const port = r.int(30000, 60999);
        const tv = this.L.st.tvOf(ms);
        now = [
          L.security(ms, ms, 'SuccessfulAuth', 'Informational', 'AMI', '1', user, `0x7f${r.hex(10)}`, secAddr('127.0.0.1', 'TCP', PBX.amiPort), secAddr('127.0.0.1', 'TCP', port), `,UsingPassword="0",SessionTV="${tv}"`),
          L.line(ms, 'VERBOSE', lwp, '', 'manager.c', `Manager '${user}' logged on from 127.0.0.1`),
        ];
        const end = ms + r.int(1, 600) * 1000;
        deferred.push({ t: end, lines: [L.line(end, 'VERBOSE', lwp, '', 'manager.c', `Manager '${user}' logged off from 127.0.0.1`)] });
        this.#success('127.0.0.1');
        break;
      }
      case 'console': {
        const lwp = this.#nextLwp();
        const end = ms + r.int(1, 120) * 1000;
        now = [L.line(ms, 'VERBOSE', L.pbx.main + 11, '', 'asterisk.c', 'Remote UNIX connection')];
        deferred.push({ t: end, lines: [L.line(end, 'VERBOSE', lwp, '', 'asterisk.c', 'Remote UNIX connection disconnected')] });
        break;
      }
      default:
        throw new Error(`unknown ordinary kind ${name}`);
    }
    return { now, deferred };
  }
}
