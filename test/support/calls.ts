/**
 * Call events for the toll-fraud guard's tests, shaped like asterisk-20-calls' frames
 * (PJSIP caller channel → `PJSIP/itsp-…` trunk leg in context from-trunk), with the
 * times a test gives them: a fake clock, never the real one.
 */
import type { AuthSucceeded, CallEvent } from '../../src/domain/events.js';
import type { IpAddress } from '../../src/domain/ip.js';

/** 2026-11-24T10:00:00Z, a Tuesday. */
export const T0 = Date.UTC(2026, 10, 24, 10, 0, 0);

let seq = 0;
const hex = (n: number) => n.toString(16).padStart(8, '0');
const evidence = (what: string) => ({ source: 'test', line: ++seq, text: what });

/** One call's channels and the events that make it. */
export interface TestCall {
  readonly channel: string;
  readonly uniqueid: string;
  readonly dest: string;
  readonly destUniqueid: string;
  begin(at: number): CallEvent;
  answer(at: number): CallEvent;
  fail(at: number, status?: string): CallEvent;
  /** The trunk leg's Hangup then the caller's. */
  end(at: number): CallEvent[];
}

/**
 * A call from `account` (PJSIP) dialling `number` through the trunk `itsp` (dial string
 * `<number>@itsp`, destination context from-trunk). `opts` changes the shape: a call to
 * another phone (`to: '101'`), chan_sip, a Local channel caller with its linkedid.
 */
export function call(account: string, number: string, opts: { to?: string; tech?: string; caller?: string; linkedid?: string } = {}): TestCall {
  const n = ++seq;
  const tech = opts.tech ?? 'PJSIP';
  const channel = opts.caller ?? `${tech}/${account}-${hex(n)}`;
  const uniqueid = `1795546000.${n}`;
  const destAccount = opts.to ?? 'itsp';
  const dest = `PJSIP/${destAccount}-${hex(n + 100_000)}`;
  const destUniqueid = `1795546000.${n + 100_000}`;
  const linkedid = opts.linkedid ?? uniqueid;
  const internal = opts.to !== undefined;
  return {
    channel, uniqueid, dest, destUniqueid,
    begin: (at) => ({
      kind: 'dial_begin', at, evidence: evidence(`DialBegin ${channel}`), channel, uniqueid, linkedid,
      account: opts.caller ? null : account, context: 'from-internal', exten: number, destChannel: dest, destUniqueid,
      destAccount, destContext: internal ? 'from-internal' : 'from-trunk', dialString: internal ? destAccount : `${number}@itsp`,
    }),
    answer: (at) => ({ kind: 'dial_end', at, evidence: evidence('DialEnd'), channel, uniqueid, destChannel: dest, destUniqueid, status: 'ANSWER' }),
    fail: (at, status = 'BUSY') => ({ kind: 'dial_end', at, evidence: evidence('DialEnd'), channel, uniqueid, destChannel: dest, destUniqueid, status }),
    end: (at) => [
      { kind: 'hangup', at, evidence: evidence('Hangup'), channel: dest, uniqueid: destUniqueid, linkedid, cause: 16, causeText: 'Normal Clearing' },
      { kind: 'hangup', at, evidence: evidence('Hangup'), channel, uniqueid, linkedid, cause: 16, causeText: 'Normal Clearing' },
    ],
  };
}

/** A PJSIP SuccessfulAuth of `account` from `ip` (the address the `ban` action targets). */
export function login(account: string, ip: string, at: number): AuthSucceeded {
  return {
    kind: 'auth_succeeded', at, service: 'PJSIP', ip: ip as IpAddress, port: 5060, account, session: `s${++seq}`,
    signature: 'ami-event', decoys: [], evidence: evidence(`SuccessfulAuth ${account} ${ip}`),
  };
}
