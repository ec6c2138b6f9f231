/**
 * Calls through the simulated PBX: an authenticated extension's INVITE to a number that
 * is no account runs the dial plan of asterisk-20-calls (`from-internal`: `_X.,1,
 * Dial(PJSIP/${EXTEN}@itsp,30)`, `n,Hangup()`) — a caller channel, a second leg to the
 * trunk (an INVITE to the ITSP, a sipp UAS in the tests), the bridge once the trunk
 * answers, BYE relayed both ways — and writes the AMI call events in the order the
 * captured Asterisk 20 did (call-events.ts). Before the Dial, the dial plan check
 * `sipwarden init` installs: an account with the AstDB key `sipwarden/suspended/<account>`
 * is refused (`Hangup(21)`: 403 to the caller) unless it dials an emergency number.
 * AMI `Hangup` ends a call (BYE or a final 403 to the caller, CANCEL or BYE to the
 * trunk) and `Getvar` reads a channel's variables.
 *
 * Invariants: every call leaves the table at its end (and its timer is cleared); a
 * message that belongs to no call is left to the caller of `receive` (false); nothing
 * here throws on what peers send.
 */
import { randomUUID } from 'node:crypto';
import type { AstDb } from './astdb.js';
import * as E from './call-events.js';
import { contactOf, hostPort, newBranch, newTag, readResponse, request, sdp, withBody, type Dialog, type SipAddr } from './call-sip.js';
import { headerValue, parseSipRequest, type SipRequest } from './sip-message.js';
import { buildResponse, topBranch } from './sip-response.js';

/** The ITSP the dial plan's `Dial(PJSIP/${EXTEN}@<name>)` reaches. */
export interface TrunkConfig {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

export interface CallsOptions {
  readonly trunk: TrunkConfig;
  /** Our SIP address (the listener the calls' messages leave from). */
  readonly local: SipAddr;
  readonly send: (text: string, to: SipAddr) => void;
  readonly emit: (f: E.CallFrame) => void;
  readonly now: () => number;
  readonly db: AstDb;
  /** Numbers the suspension check never refuses (emergency services). */
  readonly neverStop: readonly string[];
  /** Dial()'s timeout. Default 30 s, as the fixture's dial plan. */
  readonly dialTimeoutMs?: number;
  readonly userAgent: string;
  /** Whether an account has a registration now (its idle device state: NOT_INUSE, else UNAVAILABLE). */
  readonly registered: (account: string) => boolean;
}

/** The AstDB family of suspended accounts. */
export const SUSPENDED = 'sipwarden/suspended';

interface Call {
  readonly account: string;
  readonly exten: string;
  readonly caller: E.ChannelSnap;
  readonly trunk: E.ChannelSnap;
  readonly invite: SipRequest;
  readonly from: SipAddr;
  readonly toTag: string;
  /** Caller dialog (we are its UAS) and trunk dialog (we are its UAC). */
  readonly callerDialog: Dialog;
  readonly trunkDialog: Dialog;
  readonly trunkBranch: string;
  readonly start: number;
  answeredAt: number | null;
  state: 'dialing' | 'up' | 'ended';
  bridge: E.BridgeSnap | null;
  timer: NodeJS.Timeout | null;
}

/** Live counters (the bench and the tests read them). */
export interface CallStats {
  started: number;
  refused: number;
  /** Calls the trunk answered, per account. */
  readonly answered: Map<string, number>;
  hungUpByAmi: number;
  /** Talk seconds of ended calls per account (answer to end). */
  readonly talk: Map<string, number>;
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');
const LIMIT = 10_000;

export class CallEngine {
  readonly stats: CallStats = { started: 0, refused: 0, answered: new Map(), hungUpByAmi: 0, talk: new Map() };
  private readonly calls = new Map<string, Call>();
  /** Ended calls, kept 32 s (Timer H): late responses and retransmissions are still theirs. */
  private readonly ended = new Map<string, Call>();
  /** Call-IDs of both legs → caller Uniqueid. */
  private readonly byCallId = new Map<string, string>();
  private seq = 0;
  private readonly inUse = new Map<string, { ringing: number; up: number }>();

  constructor(private readonly o: CallsOptions) {}

  /** Live calls now. */
  get live(): number {
    return this.calls.size;
  }

  /** An authenticated INVITE of `account` to a number that is no account (the 100 Trying is sent by the handler). */
  start(req: SipRequest, account: string, exten: string, from: SipAddr): void {
    if (this.calls.size >= LIMIT) return;
    const now = this.o.now();
    const n = this.seq;
    this.seq += 2;
    const secs = Math.floor(now / 1000);
    const uid = `${secs}.${n}`;
    const caller: E.ChannelSnap = {
      name: `PJSIP/${account}-${hex8(n)}`, state: 4, callerNum: account, connectedNum: '<unknown>', context: 'from-internal', exten, priority: 1, uniqueid: uid, linkedid: uid,
    };
    const trunk: E.ChannelSnap = {
      name: `PJSIP/${this.o.trunk.name}-${hex8(n + 1)}`, state: 0, callerNum: '<unknown>', connectedNum: '<unknown>', context: 'from-trunk', exten: 's', priority: 1,
      uniqueid: `${secs}.${n + 1}`, linkedid: uid,
    };
    const toTag = topBranch(req) ?? newTag();
    const callerCallId = headerValue(req, 'call-id') ?? '';
    const trunkAddr = { ip: this.o.trunk.host, port: this.o.trunk.port };
    const call: Call = {
      account, exten, caller, trunk, invite: req, from, toTag, start: now, answeredAt: null, state: 'dialing', bridge: null, timer: null,
      callerDialog: {
        target: contactOf(req) ?? `sip:${account}@${hostPort(from)}`, peer: from, callId: callerCallId,
        local: `${headerValue(req, 'to') ?? ''};tag=${toTag}`, remote: headerValue(req, 'from') ?? '', cseq: 0,
      },
      trunkDialog: {
        target: `sip:${exten}@${hostPort(trunkAddr)}`, peer: trunkAddr, callId: randomUUID(),
        local: `<sip:${account}@${hostPort(this.o.local)}>;tag=${newTag()}`, remote: `<sip:${exten}@${hostPort(trunkAddr)}>`, cseq: 1,
      },
      trunkBranch: newBranch(),
    };
    this.calls.set(uid, call);
    this.byCallId.set(callerCallId, uid);
    this.byCallId.set(call.trunkDialog.callId, uid);
    this.stats.started++;
    const emit = this.o.emit;
    emit(E.newchannel(caller));
    emit(E.varSet(caller, 'SIPDOMAIN', /@([^:;>]+)/.exec(req.uri)?.[1] ?? this.o.local.ip));
    if (this.o.db.exists(SUSPENDED, account) && !this.o.neverStop.includes(exten)) {
      this.refuse(call);
      return;
    }
    const dialString = `${exten}@${this.o.trunk.name}`;
    emit(E.newexten(caller, 'Dial', `PJSIP/${dialString},30`));
    for (const v of ['DIALSTATUS', 'DIALEDPEERNUMBER', 'DIALEDPEERNAME', 'ANSWEREDTIME', 'ANSWEREDTIME_MS', 'DIALEDTIME', 'DIALEDTIME_MS', 'RINGTIME', 'RINGTIME_MS', 'PROGRESSTIME', 'PROGRESSTIME_MS']) emit(E.varSet(caller, v, ''));
    emit(E.newchannel(trunk));
    emit(E.varSet(trunk, 'DIALEDPEERNUMBER', dialString));
    Object.assign(trunk, { callerNum: exten, connectedNum: account, exten });
    emit(E.newexten(trunk, 'AppDial', '(Outgoing Line)'));
    emit(E.newCallerid(trunk));
    emit(E.newConnectedLine(trunk));
    emit(E.dialBegin(caller, trunk, dialString));
    caller.connectedNum = exten;
    emit(E.newConnectedLine(caller));
    this.o.send(request('INVITE', call.trunkDialog, this.o.local, {
      branch: call.trunkBranch, userAgent: this.o.userAgent, body: sdp(this.o.local.ip, now), contact: `<sip:asterisk@${hostPort(this.o.local)}>`,
    }), trunkAddr);
    call.timer = setTimeout(() => this.noAnswer(call), this.o.dialTimeoutMs ?? 30_000);
  }

  /** A response, or a request within a call's dialog (ACK, BYE, CANCEL): handled here (true), with the answer to send back, or not ours (false). */
  receive(text: string, remote: SipAddr): { handled: boolean; reply: string | null } {
    const res = readResponse(text);
    if (res) {
      const call = this.callOf(res.callId);
      if (call && res.callId === call.trunkDialog.callId && res.method === 'INVITE') this.trunkResponse(call, res.code, res.to, res.contact);
      return { handled: call !== undefined, reply: null };
    }
    const parsed = parseSipRequest(text);
    if (!parsed.ok) return { handled: false, reply: null };
    const req = parsed.request;
    const call = this.callOf(headerValue(req, 'call-id') ?? '');
    if (!call || req.method === 'INVITE') return { handled: false, reply: null };
    if (req.method === 'ACK') return { handled: true, reply: null };
    if (call.state === 'ended') return { handled: true, reply: this.respond(req, remote, req.method === 'BYE' ? 481 : 200, req.method === 'BYE' ? 'Call/Transaction Does Not Exist' : 'OK') };
    const ok = this.respond(req, remote, 200, 'OK');
    if (req.method === 'BYE') this.bye(call, headerValue(req, 'call-id') === call.trunkDialog.callId ? 'trunk' : 'caller');
    else if (req.method === 'CANCEL' && call.state === 'dialing') this.amiHangup(call.caller.name, 16, 'caller');
    return { handled: true, reply: ok };
  }

  /** AMI `Hangup` of a channel (either leg ends the call). False: no such channel. */
  amiHangup(channel: string, cause: number, by: 'ami' | 'caller' = 'ami'): boolean {
    const call = [...this.calls.values()].find((c) => c.caller.name === channel || c.trunk.name === channel);
    if (!call) return false;
    if (by === 'ami') this.stats.hungUpByAmi++;
    const { caller, trunk } = call;
    const emit = this.o.emit;
    if (call.state === 'dialing') {
      emit(E.hangupRequest(by === 'ami' ? 'SoftHangupRequest' : 'HangupRequest', caller, cause));
      emit(E.dialStatus('DialEnd', caller, trunk, 'CANCEL'));
      emit(E.varSet(caller, 'DIALSTATUS', 'CANCEL'));
      this.o.send(request('CANCEL', call.trunkDialog, this.o.local, { branch: call.trunkBranch, cseq: 1, userAgent: this.o.userAgent }), call.trunkDialog.peer);
      emit(E.hangup(trunk, 0));
      if (trunk.state === 5) this.device(this.o.trunk.name, 'ringing', -1);
      emit(E.hangup(caller, cause));
      // chan_pjsip answers the INVITE with the cause's SIP code (21 → 403 Forbidden); a CANCEL gets 487.
      if (by === 'ami') this.answerCaller(call, cause === 21 ? 403 : 603, cause === 21 ? 'Forbidden' : 'Decline');
      else this.answerCaller(call, 487, 'Request Terminated');
      return this.finish(call, 'NO ANSWER');
    }
    emit(E.hangupRequest('SoftHangupRequest', caller, cause));
    this.o.send(request('BYE', call.callerDialog, this.o.local, { cseq: ++call.callerDialog.cseq, userAgent: this.o.userAgent }), call.from);
    this.bye(call, 'ami', cause);
    return true;
  }

  /** `Getvar` on a channel: its SIP peer's address, its endpoint, or a dial plan variable; null: no such channel. */
  getvar(channel: string, variable: string): string | null {
    const call = [...this.calls.values()].find((c) => c.caller.name === channel || c.trunk.name === channel);
    if (!call) return null;
    const caller = call.caller.name === channel;
    if (variable === 'CHANNEL(pjsip,remote_addr)') return caller ? hostPort(call.from) : hostPort(call.trunkDialog.peer);
    if (variable === 'CHANNEL(endpoint)') return caller ? call.account : this.o.trunk.name;
    if (variable === 'CHANNEL(peerip)') return '';
    return '';
  }

  /** Ends every call (the simulator stops). */
  close(): void {
    for (const c of this.calls.values()) if (c.timer) clearTimeout(c.timer);
    this.calls.clear();
    this.ended.clear();
    this.byCallId.clear();
  }

  private callOf(callId: string): Call | undefined {
    const uid = this.byCallId.get(callId);
    return uid === undefined ? undefined : (this.calls.get(uid) ?? this.ended.get(uid));
  }

  private respond(req: SipRequest, to: SipAddr, code: number, reason: string): string | null {
    return buildResponse(req, code, reason, [], { remoteIp: to.ip, remotePort: to.port, userAgent: this.o.userAgent }, null);
  }

  /** The caller's INVITE answered `code` (with our To tag). */
  private answerCaller(call: Call, code: number, reason: string, body?: string): void {
    const res = buildResponse(call.invite, code, reason, [], { remoteIp: call.from.ip, remotePort: call.from.port, userAgent: this.o.userAgent }, call.toTag);
    if (res === null) return;
    this.o.send(body === undefined ? res : withBody(res, `<sip:${call.exten}@${hostPort(this.o.local)}>`, body), call.from);
  }

  /** The dial plan check refused a suspended account: `Hangup(21)`, 403 to the caller. */
  private refuse(call: Call): void {
    const { caller } = call;
    this.stats.refused++;
    this.o.emit(E.newexten(caller, 'Gosub', 'sipwarden-check,s,1'));
    this.o.emit(E.varSet(caller, 'DB_RESULT', this.o.db.get(SUSPENDED, call.account) ?? ''));
    caller.priority = 2;
    this.o.emit(E.newexten(caller, 'Hangup', '21'));
    this.o.emit(E.hangupRequest('SoftHangupRequest', caller, 21));
    this.o.emit(E.hangup(caller, 21));
    this.answerCaller(call, 403, 'Forbidden');
    this.finish(call, 'FAILED', 'Hangup', '21');
  }

  private trunkResponse(call: Call, code: number, to: string, contact: string | null): void {
    if (call.state === 'ended') {
      // Answered after we gave up (a CANCEL crossed the 200): acknowledge, then end it.
      if (code >= 200) this.ackTrunk(call, code, to, contact);
      if (code >= 200 && code < 300) this.o.send(request('BYE', { ...call.trunkDialog, remote: to, target: contact ?? call.trunkDialog.target }, this.o.local, { cseq: 2, userAgent: this.o.userAgent }), call.trunkDialog.peer);
      return;
    }
    if (call.state !== 'dialing' || code < 180) return;
    const { caller, trunk } = call;
    const emit = this.o.emit;
    const now = this.o.now();
    if (code < 200) {
      if (trunk.state === 5) return;
      emit(E.varSet(caller, 'RINGTIME', String(Math.floor((now - call.start) / 1000))));
      emit(E.varSet(caller, 'RINGTIME_MS', String(Math.max(1, now - call.start))));
      trunk.state = 5;
      emit(E.newstate(trunk));
      emit(E.dialStatus('DialState', caller, trunk, 'RINGING'));
      this.device(call.account, 'up', 1);
      this.device(this.o.trunk.name, 'ringing', 1);
      this.answerCaller(call, 180, 'Ringing');
      return;
    }
    this.ackTrunk(call, code, to, contact);
    if (call.timer) clearTimeout(call.timer);
    if (code >= 300) {
      this.failed(call, code);
      return;
    }
    call.trunkDialog.remote = to;
    call.trunkDialog.target = contact ?? call.trunkDialog.target;
    call.state = 'up';
    call.answeredAt = now;
    this.stats.answered.set(call.account, (this.stats.answered.get(call.account) ?? 0) + 1);
    const rang = trunk.state === 5;
    trunk.state = 6;
    emit(E.newstate(trunk));
    emit(E.varSet(caller, 'DIALSTATUS', 'ANSWER'));
    emit(E.varSet(caller, 'DIALEDPEERNAME', trunk.name));
    emit(E.varSet(caller, 'DIALEDPEERNUMBER', `${call.exten}@${this.o.trunk.name}`));
    trunk.exten = '';
    emit(E.dialStatus('DialEnd', caller, trunk, 'ANSWER'));
    caller.state = 6;
    emit(E.newstate(caller));
    if (!rang) this.device(call.account, 'up', 1);
    this.device(this.o.trunk.name, 'ringing', rang ? -1 : 0, 1);
    const bridge: E.BridgeSnap = { id: randomUUID(), technology: 'simple_bridge', channels: 0 };
    call.bridge = bridge;
    emit(E.bridgeEvent('BridgeCreate', bridge));
    emit(E.newexten(trunk, 'AppDial', '(Outgoing Line)'));
    bridge.channels = 1;
    emit(E.bridgeChannel('BridgeEnter', bridge, trunk));
    bridge.channels = 2;
    emit(E.bridgeChannel('BridgeEnter', bridge, caller));
    for (let i = 0; i < 3; i++) {
      emit(E.varSet(caller, 'BRIDGEPEER', trunk.name));
      emit(E.varSet(caller, 'BRIDGEPVTCALLID', call.trunkDialog.callId));
      emit(E.varSet(trunk, 'BRIDGEPEER', caller.name));
      emit(E.varSet(trunk, 'BRIDGEPVTCALLID', call.callerDialog.callId));
    }
    this.answerCaller(call, 200, 'OK', sdp(this.o.local.ip, now));
  }

  private ackTrunk(call: Call, code: number, to: string, contact: string | null): void {
    const d = { ...call.trunkDialog, remote: to, target: code < 300 ? contact ?? call.trunkDialog.target : call.trunkDialog.target };
    this.o.send(request('ACK', d, this.o.local, { cseq: 1, userAgent: this.o.userAgent, ...(code >= 300 ? { branch: call.trunkBranch } : {}) }), call.trunkDialog.peer);
  }

  /** The trunk refused the call (486 busy, …): the dial plan goes on to `Hangup()`. */
  private failed(call: Call, code: number): void {
    const { caller, trunk } = call;
    const busy = code === 486 || code === 600;
    const cause = busy ? 17 : code === 404 ? 1 : code === 480 || code === 408 ? 19 : 21;
    this.o.emit(E.hangupRequest('HangupRequest', trunk, cause, code));
    this.o.emit(E.dialStatus('DialEnd', caller, trunk, busy ? 'BUSY' : 'CONGESTION'));
    this.o.emit(E.varSet(caller, 'DIALSTATUS', busy ? 'BUSY' : 'CONGESTION'));
    caller.priority = 2;
    this.o.emit(E.newexten(caller, 'Hangup', ''));
    this.o.emit(E.hangupRequest('SoftHangupRequest', caller, 16));
    this.o.emit(E.hangup(trunk, cause, code));
    this.o.emit(E.hangup(caller, cause, code));
    if (trunk.state === 5) this.device(this.o.trunk.name, 'ringing', -1);
    this.answerCaller(call, busy ? 486 : 503, busy ? 'Busy Here' : 'Service Unavailable');
    this.finish(call, busy ? 'BUSY' : 'FAILED');
  }

  /** Dial()'s timeout: CANCEL to the trunk, NOANSWER, 603 to the caller. */
  private noAnswer(call: Call): void {
    if (call.state !== 'dialing') return;
    const { caller, trunk } = call;
    this.o.send(request('CANCEL', call.trunkDialog, this.o.local, { branch: call.trunkBranch, cseq: 1, userAgent: this.o.userAgent }), call.trunkDialog.peer);
    this.o.emit(E.dialStatus('DialEnd', caller, trunk, 'NOANSWER'));
    this.o.emit(E.varSet(caller, 'DIALSTATUS', 'NOANSWER'));
    caller.priority = 2;
    this.o.emit(E.newexten(caller, 'Hangup', ''));
    this.o.emit(E.hangupRequest('SoftHangupRequest', caller, 16));
    this.o.emit(E.hangup(trunk, 0));
    if (trunk.state === 5) this.device(this.o.trunk.name, 'ringing', -1);
    this.o.emit(E.hangup(caller, 16));
    this.answerCaller(call, 603, 'Decline');
    this.finish(call, 'NO ANSWER');
  }

  /** An answered call ends: `by` hung up (a BYE, or the AMI). */
  private bye(call: Call, by: 'caller' | 'trunk' | 'ami', cause = 16): void {
    if (call.state !== 'up') return;
    const { caller, trunk } = call;
    const bridge = call.bridge as E.BridgeSnap;
    const emit = this.o.emit;
    const now = this.o.now();
    const ssrc = () => Math.floor(Math.random() * 2 ** 31);
    const qos = E.rtpQos(ssrc());
    for (const [k, v] of qos) {
      emit(E.varSet(caller, k, v));
      emit(E.varSet(trunk, `${k}BRIDGED`, v));
    }
    if (by !== 'ami') emit(E.hangupRequest('HangupRequest', by === 'trunk' ? trunk : caller, 16));
    for (const c of [caller, trunk]) {
      emit(E.varSet(c, 'BRIDGEPEER', ''));
      emit(E.varSet(c, 'BRIDGEPVTCALLID', ''));
    }
    bridge.technology = 'native_rtp';
    bridge.channels = 1;
    emit(E.bridgeChannel('BridgeLeave', bridge, caller));
    const answered = call.answeredAt ?? now;
    emit(E.varSet(caller, 'ANSWEREDTIME', String(Math.floor((now - answered) / 1000))));
    emit(E.varSet(caller, 'ANSWEREDTIME_MS', String(now - answered)));
    emit(E.varSet(caller, 'DIALEDTIME', String(Math.floor((now - call.start) / 1000))));
    emit(E.varSet(caller, 'DIALEDTIME_MS', String(now - call.start)));
    emit(E.varSet(caller, 'DIALSTATUS', 'ANSWER'));
    if (by !== 'ami') emit(E.hangupRequest('SoftHangupRequest', caller, 16));
    bridge.channels = 0;
    emit(E.bridgeChannel('BridgeLeave', bridge, trunk));
    emit(E.bridgeEvent('BridgeDestroy', bridge));
    for (const [k, v] of E.rtpQos(ssrc())) emit(E.varSet(trunk, k, v));
    if (by !== 'trunk') this.o.send(request('BYE', call.trunkDialog, this.o.local, { cseq: ++call.trunkDialog.cseq, userAgent: this.o.userAgent }), call.trunkDialog.peer);
    else this.o.send(request('BYE', call.callerDialog, this.o.local, { cseq: ++call.callerDialog.cseq, userAgent: this.o.userAgent }), call.from);
    this.finish(call, 'ANSWERED', 'Dial', undefined, () => {
      emit(E.hangup(caller, cause));
      emit(E.hangup(trunk, 16));
    });
    this.device(this.o.trunk.name, 'up', -1);
  }

  /** The call's record (Cdr), the channels' last events (`end`, before the Cdr for an answered call), out of the table. */
  private finish(call: Call, disposition: E.CdrValues['disposition'], lastApp = 'Dial', lastData?: string, end?: () => void): boolean {
    if (call.timer) clearTimeout(call.timer);
    call.state = 'ended';
    const now = this.o.now();
    const dialed = lastApp === 'Dial';
    const cdr = E.cdr({
      source: call.account, destination: call.exten, context: 'from-internal', channel: call.caller.name, destChannel: dialed ? call.trunk.name : '',
      lastApp, lastData: lastData ?? `PJSIP/${call.exten}@${this.o.trunk.name},30`, start: call.start, answer: call.answeredAt, end: now,
      disposition, uniqueid: call.caller.uniqueid,
    });
    this.o.emit(cdr);
    end?.();
    if (call.answeredAt !== null) this.stats.talk.set(call.account, (this.stats.talk.get(call.account) ?? 0) + (now - call.answeredAt) / 1000);
    this.device(call.account, 'up', -1);
    this.calls.delete(call.caller.uniqueid);
    this.ended.set(call.caller.uniqueid, call);
    setTimeout(() => {
      this.ended.delete(call.caller.uniqueid);
      this.byCallId.delete(call.callerDialog.callId);
      this.byCallId.delete(call.trunkDialog.callId);
    }, 32_000).unref();
    return true;
  }

  /** A device's counts of ringing and up calls; its DeviceStateChange when its state changes. */
  private device(name: string, kind: 'ringing' | 'up', delta: number, upDelta = 0): void {
    const d = this.inUse.get(name) ?? { ringing: 0, up: 0 };
    const before = stateOf(d, this.idle(name));
    d[kind] = Math.max(0, d[kind] + delta);
    d.up = Math.max(0, d.up + upDelta);
    this.inUse.set(name, d);
    const after = stateOf(d, this.idle(name));
    if (after !== before) this.o.emit(E.deviceStateChange(`PJSIP/${name}`, after));
  }

  private idle(name: string): string {
    return name === this.o.trunk.name || this.o.registered(name) ? 'NOT_INUSE' : 'UNAVAILABLE';
  }
}

function stateOf(d: { ringing: number; up: number }, idle: string): string {
  if (d.up > 0 && d.ringing > 0) return 'RINGINUSE';
  if (d.up > 0) return 'INUSE';
  if (d.ringing > 0) return 'RINGING';
  return idle;
}
