/**
 * The dial plan check that makes Asterisk itself enforce a toll-fraud suspension, so it
 * holds while sipwarden is down: the guard sets the AstDB key
 * `sipwarden/suspended/<account>` (AMI DBPut); before a call leaves through a trunk, the
 * check refuses it (`Hangup(21)`, call rejected) when the calling account has that key —
 * never for an emergency number (`fraud.never_stop`) or a FreePBX emergency route.
 *
 * - a subroutine `[sipwarden-check]`, called as `GoSub(sipwarden-check,s,1(<number>))`;
 * - FreePBX: its outbound pre-dial hook `[macro-dialout-trunk-predial-hook]` (run by
 *   macro-dialout-trunk before each trunk is dialled) calls it, in
 *   extensions_custom.conf, which FreePBX includes ahead of its own empty hook;
 * - plain Asterisk: the subroutine goes into extensions.conf, and the plan says where to
 *   call it (init cannot tell which Dial() goes to a trunk).
 *
 * The account is the caller channel's endpoint (`CHANNEL(endpoint)`; chan_sip:
 * `CHANNEL(peername)`), the name the guard keys suspensions by, never caller-ID text.
 * Reads the extensions file only to see whether it is there and holds a hook already.
 */
import { join } from 'node:path';
import { readIfFile } from '../asterisk/index.js';
import type { Block, BlockPurpose } from './blocks.js';
import type { AsteriskSetup } from './detect.js';
import { onHost } from './paths.js';
import type { AsteriskEdit } from './plan-asterisk.js';

/** The dial plan file the check goes into (FreePBX: extensions_custom.conf), and the file Asterisk reads it from. */
export function dialplanFiles(setup: AsteriskSetup): { target: string; conf: string } {
  const conf = join(setup.asteriskDir, 'extensions.conf');
  return { target: setup.flavour === 'freepbx' ? join(setup.asteriskDir, 'extensions_custom.conf') : conf, conf };
}

/** `112|911|…` for a dial plan REGEX, from numbers of digits (others are left out). */
function alternatives(numbers: readonly string[]): string {
  const ok = numbers.filter((n) => /^[0-9*#+]{1,15}$/.test(n)).map((n) => n.replace(/[*+]/g, (c) => `\\${c}`));
  return ok.length > 0 ? ok.join('|') : 'x^';
}

/** The subroutine's lines: refuse a suspended account's call to `${ARG1}` unless it is an emergency number. */
export function checkLines(neverStop: readonly string[]): string[] {
  return [
    '[sipwarden-check]',
    '; GoSub(sipwarden-check,s,1(<number>)) before a Dial() through a trunk: an account sipwarden suspended',
    '; for toll fraud (AstDB sipwarden/suspended/<account>) may not call out; emergency numbers always may.',
    `exten => s,1,Set(LOCAL(account)=\${IF($["\${CHANNEL(channeltype)}" = "PJSIP"]?\${CHANNEL(endpoint)}:\${CHANNEL(peername)})})`,
    `same => n,GotoIf($["\${LOCAL(account)}" = ""]?allow)`,
    `same => n,GotoIf($[\${DB_EXISTS(sipwarden/suspended/\${LOCAL(account)})}]?:allow)`,
    `same => n,GotoIf($[\${REGEX("^(${alternatives(neverStop)})$" \${ARG1})}]?allow)`,
    `same => n,Log(WARNING,sipwarden: account \${LOCAL(account)} is suspended for toll fraud (\${DB_RESULT}): call to \${ARG1} refused)`,
    'same => n,Hangup(21)',
    'same => n(allow),Return()',
  ];
}

/** FreePBX's pre-dial hook calling the subroutine (its emergency routes pass). */
export const PREDIAL_HOOK_LINES: readonly string[] = [
  '[macro-dialout-trunk-predial-hook]',
  `exten => s,1,GotoIf($["\${EMERGENCYROUTE}" = "YES"]?done)`,
  `same => n,GoSub(sipwarden-check,s,1(\${OUTNUM}))`,
  'same => n(done),MacroExit()',
];

/** What planning the check gives: the edit (null: nothing to do), and what to say. */
export interface DialplanPlan {
  edit: AsteriskEdit | null;
  readonly done: string[];
  readonly warnings: string[];
}

/** Plans the check. `present`: block purposes already in the Asterisk files; `neverStop`: the config's emergency numbers. */
export function planDialplanCheck(setup: AsteriskSetup, present: ReadonlySet<BlockPurpose>, neverStop: readonly string[]): DialplanPlan {
  const out: DialplanPlan = { edit: null, done: [], warnings: [] };
  if (setup.flavour === 'none') return out;
  const { target, conf } = dialplanFiles(setup);
  const confText = readIfFile(onHost(setup.root, conf));
  if (confText === null) {
    out.warnings.push(`no ${conf}: the toll-fraud suspension is not checked by Asterisk (sipwarden still hangs a suspended account's trunk calls up)`);
    return out;
  }
  const freepbx = setup.flavour === 'freepbx';
  if (freepbx && !/^\s*#include\s+"?extensions_custom\.conf"?\s*$/m.test(confText)) {
    out.warnings.push(`${conf} does not include extensions_custom.conf: the toll-fraud suspension check is not installed (sipwarden still hangs a suspended account's trunk calls up)`);
    return out;
  }
  const blocks: Block[] = [];
  if (present.has('fraud-check')) out.done.push(`the toll-fraud suspension check [sipwarden-check] is in ${target}`);
  else blocks.push({ purpose: 'fraud-check', lines: checkLines(neverStop) });
  if (freepbx) {
    const targetText = readIfFile(onHost(setup.root, target)) ?? '';
    const foreignHook = /^\s*\[macro-dialout-trunk-predial-hook\]/m.test(targetText) && !present.has('predial-hook');
    if (present.has('predial-hook')) out.done.push(`FreePBX's outbound pre-dial hook calls the suspension check (${target})`);
    else if (foreignHook) {
      out.warnings.push(`${target} has its own [macro-dialout-trunk-predial-hook]: add "same => n,GoSub(sipwarden-check,s,1(\${OUTNUM}))" to it, so Asterisk refuses suspended accounts' trunk calls`);
    } else blocks.push({ purpose: 'predial-hook', lines: PREDIAL_HOOK_LINES });
  } else {
    out.warnings.push(`to let Asterisk refuse a suspended account's trunk calls, call the check before each Dial() through a trunk in ${conf}, e.g. "same => n,GoSub(sipwarden-check,s,1(\${EXTEN}))" before "same => n,Dial(PJSIP/\${EXTEN}@itsp,30)"`);
  }
  if (blocks.length === 0) return out;
  const what = blocks.map((b) => (b.purpose === 'fraud-check' ? 'the toll-fraud suspension check [sipwarden-check] (an account with the AstDB key sipwarden/suspended/<account> may not call out through a trunk, emergency numbers excepted, even while sipwarden is down)' : "FreePBX's outbound pre-dial hook calling it before every trunk")).join(', and ');
  out.edit = { kind: 'edit', path: target, blocks, reload: 'dialplan', ownerFrom: conf, secret: false, say: `add ${what}: in ${target}` };
  return out;
}
