/**
 * Calls with sipp (Debian's sip-tester), for the toll-fraud tests: an extension placing
 * authenticated calls (sipp UAC: INVITE, 401, ACK, INVITE with the digest of -au/-ap,
 * then 200 and a hold, or a refusal) and an ITSP answering the PBX's trunk (sipp UAS:
 * 100, 180, ring, 200 — or 200/487 to a CANCEL). The scenarios are written into the
 * test's directory with their timings in them (sipp takes no variable recv timeout).
 *
 * Every wait is bounded: an unanswered INVITE (a banned address) ends the call after
 * 4 s; a call the PBX hangs up (its BYE during the hold, or a 403 before the answer)
 * ends as the scenario's own path, so sipp finishes by itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Proc, Procs } from './procs.js';

const SDP = `
      v=0
      o=sipp 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0
      a=rtpmap:0 PCMU/8000
`;

function invite(cseq: number, auth: boolean): string {
  return `
  <send retrans="500">
    <![CDATA[
      INVITE sip:[field0]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[service]@[remote_ip]:[remote_port]>;tag=[pid]SIPpTag09[call_number]
      To: <sip:[field0]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: ${cseq} INVITE
      Contact: <sip:[service]@[local_ip]:[local_port]>${auth ? '\n      [authentication]' : ''}
      Max-Forwards: 70
      User-Agent: sipp-toll-fraud
      Content-Type: application/sdp
      Content-Length: [len]
${SDP}
    ]]>
  </send>`;
}

/** An ACK or BYE of the caller; `via` '' for a new branch, or `[last_Via:]` (the ACK of a non-2xx answer keeps the INVITE's). */
function inDialog(method: 'ACK' | 'BYE', cseq: number, uri: string, viaLast: boolean, retrans = false): string {
  return `
  <send${retrans ? ' retrans="500"' : ''}>
    <![CDATA[
      ${method} ${uri} SIP/2.0
      ${viaLast ? '[last_Via:]' : 'Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]'}
      From: <sip:[service]@[remote_ip]:[remote_port]>;tag=[pid]SIPpTag09[call_number]
      To: <sip:[field0]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: ${cseq} ${method}
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>`;
}

/** The caller's scenario: an authenticated call to [field0], held `holdMs` once answered unless the PBX hangs up first. */
export function uacScenario(holdMs: number): string {
  const refusals = [403, 404, 480, 486, 487, 503, 603].map((c) => `  <recv response="${c}" optional="true" next="refused"/>`).join('\n');
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="uac-call-digest">${invite(1, false)}
  <recv response="100" optional="true"/>
  <recv response="401" auth="true" timeout="4000" ontimeout="end"/>${inDialog('ACK', 1, 'sip:[field0]@[remote_ip]:[remote_port]', true)}${invite(2, true)}
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
${refusals}
  <recv response="200" rrs="true" timeout="10000" ontimeout="end"/>${inDialog('ACK', 2, '[next_url]', false)}
  <recv request="BYE" timeout="${holdMs}" ontimeout="hangup"/>
  <send next="end">
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
  <label id="hangup"/>${inDialog('BYE', 3, '[next_url]', false, true)}
  <recv response="200" timeout="4000" ontimeout="end" next="end"/>
  <label id="refused"/>${inDialog('ACK', 2, 'sip:[field0]@[remote_ip]:[remote_port]', true)}
  <label id="end"/>
</scenario>
`;
}

const UAS_RESPONSE = (status: string, cseq = '[last_CSeq:]', extra = '', body = '') => `
  <send>
    <![CDATA[
      SIP/2.0 ${status}
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag06[call_number]
      [last_Call-ID:]
      ${cseq}
      ${extra}
      Content-Length: ${body ? '[len]' : '0'}
${body}
    ]]>
  </send>`;

/** The ITSP's scenario: 100 and 180 at once, 200 after `ringMs` unless a CANCEL came first (200 to it, 487 to the INVITE). */
export function uasScenario(ringMs: number): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="uas-itsp">
  <recv request="INVITE" crlf="true">
    <action><ereg regexp="[0-9]+" search_in="hdr" header="CSeq:" assign_to="invcseq"/></action>
  </recv>${UAS_RESPONSE('100 Trying')}${UAS_RESPONSE('180 Ringing', '[last_CSeq:]', 'Contact: <sip:[local_ip]:[local_port]>')}
  <recv request="CANCEL" timeout="${ringMs}" ontimeout="answer"/>${UAS_RESPONSE('200 OK')}${UAS_RESPONSE('487 Request Terminated', 'CSeq: [$invcseq] INVITE')}
  <recv request="ACK" next="end"/>
  <label id="answer"/>${UAS_RESPONSE('200 OK', '[last_CSeq:]', 'Contact: <sip:[local_ip]:[local_port]>\n      Content-Type: application/sdp', SDP)}
  <recv request="ACK"/>
  <recv request="BYE"/>${UAS_RESPONSE('200 OK')}
  <label id="end"/>
</scenario>
`;
}

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** Starts the ITSP (sipp UAS) on `ip:port` in namespace `ns`; it runs until killed. */
export function startItsp(procs: Procs, ns: string, o: { ip: string; port: number; ringMs: number; dir: string }): Proc {
  const sf = write(o.dir, `uas-${o.port}.xml`, uasScenario(o.ringMs));
  return procs.start(ns, 'sipp', ['-sf', sf, '-i', o.ip, '-p', String(o.port), '-mi', o.ip, '-nostdin', '-trace_err', '-error_file', path.join(o.dir, `uas-${o.port}.err`)], { cwd: o.dir, maxMs: 300_000 });
}

/**
 * Starts sipp calling `numbers` (one call each, in order) as `user` with `password`,
 * from `from` to the PBX `to:5060`: `rate` calls per `periodMs`, at most `limit` at once,
 * each held `holdMs` once answered. Exits when every call ended (0: all ended well).
 */
export function placeCalls(procs: Procs, ns: string, o: {
  name: string; from: string; to: string; user: string; password: string; numbers: readonly string[];
  rate: number; periodMs: number; limit: number; holdMs: number; dir: string;
}): Proc {
  const sf = write(o.dir, `uac-${o.name}.xml`, uacScenario(o.holdMs));
  const inf = write(o.dir, `numbers-${o.name}.csv`, `SEQUENTIAL\n${o.numbers.map((n) => `${n};`).join('\n')}\n`);
  return procs.start(ns, 'sipp', [
    `${o.to}:5060`, '-sf', sf, '-inf', inf, '-s', o.user, '-au', o.user, '-ap', o.password, '-i', o.from, '-p', '5060', '-mi', o.from,
    '-m', String(o.numbers.length), '-r', String(o.rate), '-rp', String(o.periodMs), '-l', String(o.limit),
    '-timeout', '90s', '-nostdin', '-trace_err', '-error_file', path.join(o.dir, `uac-${o.name}.err`),
  ], { cwd: o.dir, maxMs: 120_000 });
}
