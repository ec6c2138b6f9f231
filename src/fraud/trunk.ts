/**
 * Which calls the guard judges: those that leave through a trunk. A `DialBegin`'s
 * destination is a trunk when
 *
 * 1. its endpoint is an account classed `trunk` (config patterns, or discovery from
 *    pjsip.conf / sip.conf: engine/accounts.ts), or
 * 2. its channel runs in one of `fraud.trunk_contexts` (the endpoint's `context=`:
 *    FreePBX gives its trunks `from-pstn` / `from-trunk`), or
 * 3. the `Dial()` ran in one of `fraud.outbound_contexts` (your outbound route
 *    contexts), or
 * 4. the dial string hands a number other than the endpoint's own name to that endpoint
 *    — `PJSIP/0118823456789@itsp`, `SIP/itsp/0118823456789`,
 *    `PJSIP/itsp/sip:0118823456789@host` — which is what dialling out through a trunk
 *    looks like; calling a phone names the phone (`PJSIP/101`,
 *    `PJSIP/101/sip:101@192.0.2.7:5060`).
 *
 * The dial string is written by the dial plan, not by the caller; only the number in it
 * is the caller's. Pure.
 */
import type { ClassifyAccount } from '../engine/accounts.js';

/**
 * The number a dial string sends to endpoint `dest`, when it sends one that is not the
 * endpoint's own name; null otherwise. `dialString` is what follows the technology
 * (`0118823456789@itsp`); options after a comma are ignored.
 */
export function numberSentTo(dialString: string, dest: string): string | null {
  let s = dialString;
  const comma = s.indexOf(',');
  if (comma >= 0) s = s.slice(0, comma);
  const amp = s.indexOf('&');
  if (amp >= 0) s = s.slice(0, amp);
  let n: string | null = null;
  if (s.endsWith(`@${dest}`)) n = s.slice(0, -dest.length - 1); // PJSIP/<number>@<endpoint>
  else if (s.startsWith(`${dest}/`)) {
    const rest = s.slice(dest.length + 1);
    const uri = /^sips?:([^@;>]+)@/.exec(rest); // PJSIP/<endpoint>/sip:<number>@host
    n = uri ? (uri[1] as string) : rest.includes(':') || rest.includes('@') ? null : rest; // SIP/<peer>/<number>
  }
  return n !== null && n !== '' && n !== dest ? n : null;
}

/** The parts of a `DialBegin` that tell whether it leaves through a trunk. */
export interface DialTarget {
  readonly context: string;
  readonly destAccount: string | null;
  readonly destContext: string;
  readonly dialString: string;
}

/** True when the dial leaves through a trunk (the four ways above). */
export type LeavesThroughTrunk = (d: DialTarget) => boolean;

/** Compiles the trunk test; `classify` is the engine's account classifier (it follows discovery). */
export function compileTrunkTest(classify: ClassifyAccount, trunkContexts: readonly string[], outboundContexts: readonly string[]): LeavesThroughTrunk {
  const trunkCtx = new Set(trunkContexts);
  const outCtx = new Set(outboundContexts);
  return (d) => {
    if (d.destAccount !== null && classify(d.destAccount).cls === 'trunk') return true;
    if (d.destContext !== '' && trunkCtx.has(d.destContext)) return true;
    if (d.context !== '' && outCtx.has(d.context)) return true;
    return d.destAccount !== null && numberSentTo(d.dialString, d.destAccount) !== null;
  };
}

/**
 * A CDR's `lastdata` of `Dial` (`PJSIP/0118823456789@itsp,30`) as a DialBegin's dial
 * string: the first target without its technology; '' for other applications.
 */
export function dialStringOfCdr(lastApp: string, lastData: string): string {
  if (lastApp !== 'Dial') return '';
  const first = lastData.split(/[,&]/, 1)[0] ?? '';
  const slash = first.indexOf('/');
  return slash >= 0 ? first.slice(slash + 1) : '';
}
