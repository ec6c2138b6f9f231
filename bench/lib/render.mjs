// @ts-check
/**
 * Renders one planned attack attempt into every line Asterisk 20 writes for it, in
 * the order a `full` log shows them (the NOTICE is logged by the channel driver
 * before the security event reaches res_security_log). Formats follow
 * fixtures/asterisk-20 (README.txt, messages.log, security.log, full.log):
 *
 *  pjsip_nomatch         NOTICE "No matching endpoint found" + InvalidAccountID + ChallengeSent(<unknown>)
 *  pjsip_badauth         [ChallengeSent] + NOTICE "Failed to authenticate" + ChallengeResponseFailed
 *  pjsip_unknown_digest  2x(NOTICE nomatch + InvalidAccountID) with ChallengeSent(<unknown>) between,
 *                        then NOTICE "Failed to authenticate" + ChallengeResponseFailed(<unknown>)
 *  chansip_wrongpass     ChallengeSent + NOTICE "Wrong password" + InvalidPassword (v2, fresh pointer)
 *  ami_wrongpass         NOTICE "failed to authenticate as" + InvalidPassword(AMI) + VERBOSE connect attempt
 *  ami_nouser            NOTICE "nonexistent user" + NOTICE "failed to…" + InvalidAccountID(AMI) + VERBOSE
 *  iax2_md5              NOTICE "Host … failed MD5 authentication"
 *  iax2_nopeer           2x NOTICE "No registration for peer" (REGREQ and MD5 retry)
 *  pjsip_noext           ChallengeSent + SuccessfulAuth + NOTICE "Call (…) to extension … rejected" (toll fraud)
 *  chansip_noext         ChallengeSent(INVITE: From URI) + VERBOSE CoS + NOTICE "Call from … rejected" + FailedACL
 *  pjsip_probe / chansip_probe     ChallengeSent only (not a failure)
 *  pjsip_cracked / chansip_cracked SuccessfulAuth (+ "Registered SIP") (a success)
 *
 * All lines of one attempt carry the attempt's second; EventTVs advance by a few ms
 * inside that second.
 */
import { PBX, localFor } from './asterisk.mjs';
import { hostPort, secAddr } from './addresses.mjs';

const EPOCH_TV = '1970-01-01T00:00:00.000+0000';
const PJ = 'res_pjsip/pjsip_distributor.c';

/** A heap-pointer-looking SessionID, like chan_sip's and manager's `0x7fa69c039d70`. */
const pointer = (/** @type {import('./prng.mjs').Rng} */ rng) => `0x7f${rng.hex(10)}`;

/**
 * @param {import('./attacks.mjs').AttemptPlan} a planned attempt (see attacks.mjs)
 * @param {import('./asterisk.mjs').Lines} L
 * @param {import('./prng.mjs').Rng} rng render stream (hashes, pointers, thread ids)
 * @returns {string[]}
 */
export function renderAttempt(a, L, rng) {
  const ms = a.t;
  const secEnd = Math.floor(ms / 1000) * 1000 + 999;
  let tv = ms;
  const nextTv = () => (tv = Math.min(secEnd, tv + rng.int(0, 6)));
  const { ip, port } = a;
  const local = localFor(ip);
  /** @type {string[]} */
  const out = [];
  switch (a.kind) {
    case 'pjsip_nomatch': {
      const lAddr = secAddr(local, 'UDP', PBX.pjsipPort);
      const rAddr = secAddr(ip, 'UDP', port);
      out.push(L.line(ms, 'NOTICE', L.pbx.pjsip, '', PJ, `Request '${a.method}' from '${a.from}' failed for '${hostPort(ip, port)}' (callid: ${a.callid}) - No matching endpoint found`));
      out.push(L.security(ms, nextTv(), 'InvalidAccountID', 'Error', 'PJSIP', '1', a.account, a.callid, lAddr, rAddr, ''));
      out.push(L.security(ms, nextTv(), 'ChallengeSent', 'Informational', 'PJSIP', '1', '<unknown>', a.callid, lAddr, rAddr, ',Challenge=""'));
      break;
    }
    case 'pjsip_badauth': {
      const lAddr = secAddr(local, 'UDP', PBX.pjsipPort);
      const rAddr = secAddr(ip, 'UDP', port);
      if (a.withChallenge) out.push(L.security(ms, nextTv(), 'ChallengeSent', 'Informational', 'PJSIP', '1', a.account, a.callid, lAddr, rAddr, ',Challenge=""'));
      out.push(L.line(ms, 'NOTICE', L.pbx.pjsip, '', PJ, `Request 'REGISTER' from '${a.from}' failed for '${hostPort(ip, port)}' (callid: ${a.callid}) - Failed to authenticate`));
      out.push(L.security(ms, nextTv(), 'ChallengeResponseFailed', 'Error', 'PJSIP', '1', a.account, a.callid, lAddr, rAddr, `,Challenge="${a.nonce}",Response="${rng.hex(32)}",ExpectedResponse=""`));
      break;
    }
    case 'pjsip_unknown_digest': {
      const lAddr = secAddr(local, 'UDP', PBX.pjsipPort);
      const rAddr = secAddr(ip, 'UDP', port);
      const nomatch = `Request 'REGISTER' from '${a.from}' failed for '${hostPort(ip, port)}' (callid: ${a.callid}) - No matching endpoint found`;
      out.push(L.line(ms, 'NOTICE', L.pbx.pjsip, '', PJ, nomatch));
      out.push(L.security(ms, nextTv(), 'InvalidAccountID', 'Error', 'PJSIP', '1', a.account, a.callid, lAddr, rAddr, ''));
      out.push(L.security(ms, nextTv(), 'ChallengeSent', 'Informational', 'PJSIP', '1', '<unknown>', a.callid, lAddr, rAddr, ',Challenge=""'));
      out.push(L.line(ms, 'NOTICE', L.pbx.pjsip, '', PJ, nomatch));
      out.push(L.security(ms, nextTv(), 'InvalidAccountID', 'Error', 'PJSIP', '1', a.account, a.callid, lAddr, rAddr, ''));
      out.push(L.line(ms, 'NOTICE', L.pbx.pjsip, '', PJ, `Request 'REGISTER' from '${a.from}' failed for '${hostPort(ip, port)}' (callid: ${a.callid}) - Failed to authenticate`));
      out.push(L.security(ms, nextTv(), 'ChallengeResponseFailed', 'Error', 'PJSIP', '1', '<unknown>', a.callid, lAddr, rAddr, `,Challenge="${a.nonce}",Response="${rng.hex(32)}",ExpectedResponse=""`));
      break;
    }
    case 'chansip_wrongpass': {
      const lAddr = secAddr(local, 'UDP', PBX.sipPort);
      const rAddr = secAddr(ip, 'UDP', port);
      const sid = pointer(rng);
      const ch = rng.hex(8);
      out.push(L.security(ms, nextTv(), 'ChallengeSent', 'Informational', 'SIP', '1', a.account, sid, lAddr, rAddr, `,Challenge="${ch}"`));
      out.push(L.line(ms, 'NOTICE', L.pbx.sip, '', 'chan_sip.c', `Registration from '${a.to}' failed for '${hostPort(ip, port)}' - Wrong password`));
      out.push(L.security(ms, nextTv(), 'InvalidPassword', 'Error', 'SIP', '2', a.account, sid, lAddr, rAddr, `,Challenge="${ch}",ReceivedChallenge="${ch}",ReceivedHash="${rng.hex(32)}"`));
      break;
    }
    case 'ami_wrongpass':
    case 'ami_nouser': {
      const lwp = rng.int(17000, 99999);
      const lAddr = secAddr(local, 'TCP', PBX.amiPort);
      const rAddr = secAddr(ip, 'TCP', port);
      if (a.kind === 'ami_nouser') out.push(L.line(ms, 'NOTICE', lwp, '', 'manager.c', `${ip} tried to authenticate with nonexistent user '${a.account}'`));
      out.push(L.line(ms, 'NOTICE', lwp, '', 'manager.c', `${ip} failed to authenticate as '${a.account}'`));
      out.push(a.kind === 'ami_nouser'
        ? L.security(ms, nextTv(), 'InvalidAccountID', 'Error', 'AMI', '1', a.account, pointer(rng), lAddr, rAddr, `,SessionTV="${EPOCH_TV}"`)
        : L.security(ms, nextTv(), 'InvalidPassword', 'Error', 'AMI', '2', a.account, pointer(rng), lAddr, rAddr, `,SessionTV="${EPOCH_TV}"`));
      out.push(L.line(ms, 'VERBOSE', lwp, '', 'manager.c', `Connect attempt from '${ip}' unable to authenticate`));
      break;
    }
    case 'iax2_md5':
      out.push(L.line(ms, 'NOTICE', L.pbx.iaxBase + rng.int(0, 11), '', 'chan_iax2.c', `Host ${ip} failed MD5 authentication for '${a.account}' (${rng.hex(32)} != ${rng.hex(32)})`));
      break;
    case 'iax2_nopeer': {
      const msg = `No registration for peer '${a.account}' (from ${ip})`;
      out.push(L.line(ms, 'NOTICE', L.pbx.iaxBase + rng.int(0, 11), '', 'chan_iax2.c', msg));
      out.push(L.line(ms, 'NOTICE', L.pbx.iaxBase + rng.int(0, 11), '', 'chan_iax2.c', msg));
      break;
    }
    case 'pjsip_noext': {
      const lAddr = secAddr(local, 'UDP', PBX.pjsipPort);
      const rAddr = secAddr(ip, 'UDP', port);
      out.push(L.security(ms, nextTv(), 'ChallengeSent', 'Informational', 'PJSIP', '1', a.account, a.callid, lAddr, rAddr, ',Challenge=""'));
      out.push(L.security(ms, nextTv(), 'SuccessfulAuth', 'Informational', 'PJSIP', '1', a.account, a.callid, lAddr, rAddr, ',UsingPassword="1"'));
      out.push(L.line(ms, 'NOTICE', L.pbx.pjsip, '', 'res_pjsip_session.c', ` ${a.account}: Call (UDP:${hostPort(ip, port)}) to extension '${a.exten}' rejected because extension not found in context 'from-internal'.`));
      break;
    }
    case 'chansip_noext': {
      const lAddr = secAddr(local, 'UDP', PBX.sipPort);
      const rAddr = secAddr(ip, 'UDP', port);
      const sid = pointer(rng);
      const callid = `C-${rng.hex(8)}`;
      out.push(L.security(ms, nextTv(), 'ChallengeSent', 'Informational', 'SIP', '1', `sip:${a.account}@${local}:${PBX.sipPort}`, sid, lAddr, rAddr, `,Challenge="${rng.hex(8)}"`));
      out.push(L.line(ms, 'VERBOSE', L.pbx.sip, callid, 'netsock2.c', 'Using SIP RTP CoS mark 5'));
      out.push(L.line(ms, 'NOTICE', L.pbx.sip, callid, 'chan_sip.c', `Call from '${a.account}' (${hostPort(ip, port)}) to extension '${a.exten}' rejected because extension not found in context 'from-internal'.`));
      out.push(L.security(ms, nextTv(), 'FailedACL', 'Error', 'SIP', '1', a.exten, sid, lAddr, rAddr, ',ACLName="no_extension_match"'));
      break;
    }
    case 'pjsip_probe':
      out.push(L.security(ms, nextTv(), 'ChallengeSent', 'Informational', 'PJSIP', '1', a.account, a.callid, secAddr(local, 'UDP', PBX.pjsipPort), secAddr(ip, 'UDP', port), ',Challenge=""'));
      break;
    case 'chansip_probe':
      out.push(L.security(ms, nextTv(), 'ChallengeSent', 'Informational', 'SIP', '1', a.account, pointer(rng), secAddr(local, 'UDP', PBX.sipPort), secAddr(ip, 'UDP', port), `,Challenge="${rng.hex(8)}"`));
      break;
    case 'pjsip_cracked':
      out.push(L.security(ms, nextTv(), 'SuccessfulAuth', 'Informational', 'PJSIP', '1', a.account, a.callid, secAddr(local, 'UDP', PBX.pjsipPort), secAddr(ip, 'UDP', port), ',UsingPassword="1"'));
      break;
    case 'chansip_cracked': {
      const lAddr = secAddr(local, 'UDP', PBX.sipPort);
      const rAddr = secAddr(ip, 'UDP', port);
      const sid = pointer(rng);
      out.push(L.security(ms, nextTv(), 'ChallengeSent', 'Informational', 'SIP', '1', a.account, sid, lAddr, rAddr, `,Challenge="${rng.hex(8)}"`));
      out.push(L.security(ms, nextTv(), 'SuccessfulAuth', 'Informational', 'SIP', '1', a.account, sid, lAddr, rAddr, ',UsingPassword="1"'));
      out.push(L.line(ms, 'VERBOSE', L.pbx.sip, '', 'chan_sip.c', `Registered SIP '${a.account}' at ${hostPort(ip, port)}`));
      break;
    }
    default:
      throw new Error(`unknown attempt kind ${/** @type {{ kind: string }} */ (a).kind}`);
  }
  return out;
}
