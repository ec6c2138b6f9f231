/**
 * The toll-fraud dial plan check in init's plan: FreePBX gets the subroutine and its
 * pre-dial hook in extensions_custom.conf (unless the admin has a hook of their own:
 * then the plan says the one line to add), plain Asterisk gets the subroutine and the
 * words for where to call it, the config's emergency numbers pass; --uninstall takes
 * it out again and asks for a dialplan reload; the AMI user's missing rights are said.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan, planInit, type PlanOptions } from './plan.js';
import { detectAsterisk } from './detect.js';
import { describeWatch } from './describe.js';
import { checkLines } from './plan-dialplan.js';
import { applyUninstall, planUninstall } from './uninstall.js';
import { fakeRunner, freepbxTree, plainAsteriskTree, tempRoot, withoutSipwardenBits, writeTree } from '../../test/support/kits/setup.js';

let root: string;
let cleanup: () => void;
beforeEach(() => ({ root, cleanup } = tempRoot()));
afterEach(() => cleanup());

const opts = (): PlanOptions => ({ root, randomSecret: () => 'S3cretS3cretS3cretS3cret', repoDir: '/opt/sipwarden', nodePath: '/usr/bin/node' });
const read = (p: string) => readFileSync(join(root, p), 'utf8');

describe('the toll-fraud dial plan check', () => {
  it('FreePBX with a pre-dial hook of its own: only the subroutine is added, and the plan says the line to add to the hook', () => {
    freepbxTree(root);
    writeTree(root, { 'etc/asterisk/extensions_custom.conf': '[macro-dialout-trunk-predial-hook]\nexten => s,1,Set(PREDIAL_HOOK_RET=)\nsame => n,MacroExit()\n' });
    const plan = planInit(opts());
    const edit = plan.actions.find((a) => a.kind === 'edit' && a.path.endsWith('extensions_custom.conf'));
    expect(edit?.kind === 'edit' && edit.blocks.map((b) => b.purpose)).toEqual(['fraud-check']);
    expect(plan.warnings).toContain(`/etc/asterisk/extensions_custom.conf has its own [macro-dialout-trunk-predial-hook]: add "same => n,GoSub(sipwarden-check,s,1(\${OUTNUM}))" to it, so Asterisk refuses suspended accounts' trunk calls`);
  });

  it('plain Asterisk: the subroutine in extensions.conf, the plan says where to call it; the config\'s emergency numbers pass; uninstall takes it out', async () => {
    plainAsteriskTree(root, withoutSipwardenBits);
    writeTree(root, { 'etc/sipwarden/sipwarden.yaml': 'fraud:\n  never_stop: ["112", "911", "0800"]\n' });
    const plan = planInit(opts());
    const edit = plan.actions.find((a) => a.kind === 'edit' && a.reload === 'dialplan');
    expect(edit?.say).toMatch(/^add the toll-fraud suspension check \[sipwarden-check\] .*: in \/etc\/asterisk\/extensions\.conf$/);
    expect(plan.warnings.find((w) => w.startsWith('to let Asterisk refuse'))).toContain(`"same => n,GoSub(sipwarden-check,s,1(\${EXTEN}))" before "same => n,Dial(PJSIP/\${EXTEN}@itsp,30)"`);
    const before = read('etc/asterisk/extensions.conf');
    await applyPlan(plan, { runCommand: fakeRunner().run });
    expect(read('etc/asterisk/extensions.conf')).toContain(`same => n,GotoIf($[\${REGEX("^(112|911|0800)$" \${ARG1})}]?allow)\n`);
    const u = planUninstall({ root });
    expect(u.followUps.flatMap((f) => f.commands.map((c) => c.join(' ')))).toContain('asterisk -rx dialplan reload');
    await applyUninstall(u, { runCommand: fakeRunner().run });
    expect(read('etc/asterisk/extensions.conf')).toBe(before);
  });

  it('no extensions.conf, or a FreePBX one that does not include extensions_custom.conf: nothing added, and the plan says so', () => {
    freepbxTree(root);
    writeTree(root, { 'etc/asterisk/extensions.conf': '[globals]\n' });
    expect(planInit(opts()).warnings).toContain('/etc/asterisk/extensions.conf does not include extensions_custom.conf: the toll-fraud suspension check is not installed (sipwarden still hangs a suspended account\'s trunk calls up)');
  });

  it('the subroutine refuses only a suspended account, by its endpoint, with Hangup(21)', () => {
    const lines = checkLines(['112', '911']);
    expect(lines[0]).toBe('[sipwarden-check]');
    expect(lines).toContain(`exten => s,1,Set(LOCAL(account)=\${IF($["\${CHANNEL(channeltype)}" = "PJSIP"]?\${CHANNEL(endpoint)}:\${CHANNEL(peername)})})`);
    expect(lines).toContain('same => n,Hangup(21)');
    expect(lines.at(-1)).toBe('same => n(allow),Return()');
  });

  it('the daemon says when its AMI user lacks the rights the toll-fraud guard needs', () => {
    plainAsteriskTree(root);
    const setup = detectAsterisk({ root });
    const said = describeWatch({ logs: [], ami: { host: '127.0.0.1', port: 5038, username: 'sipwarden' } }, setup).map((f) => f.text);
    expect(said).toContain('AMI user "sipwarden" may not read cdr: the toll-fraud guard cannot see calls or stop them');
    expect(setup.findings.map((f) => f.text)).toContain('AMI user "sipwarden" may not read cdr: the toll-fraud guard cannot see calls or stop them');
  });
});
