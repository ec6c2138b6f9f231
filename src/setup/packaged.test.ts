/**
 * `sipwarden init` and `--uninstall` where the Debian package is installed (its unit in
 * /lib/systemd/system): init writes no unit or logrotate entry of its own, and enables
 * and restarts the packaged service after Asterisk reloaded; uninstall stops and
 * disables it first.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from './plan.js';
import { formatPlan } from './plan-format.js';
import { planInit } from './plan.js';
import { PACKAGED, PACKAGED_BY, renderPackagedUnit } from './templates.js';
import { applyUninstall, planUninstall } from './uninstall.js';
import { fakeProgram, fakeRunner, freepbxTree, tempRoot, writeTree } from '../../test/support/kits/setup.js';

let root: string;
let cleanup: () => void;
beforeEach(() => {
  ({ root, cleanup } = tempRoot());
  freepbxTree(root);
  writeTree(root, { [PACKAGED.unit.slice(1)]: renderPackagedUnit(), 'etc/logrotate.d/sipwarden': `# ${PACKAGED_BY}\n` });
  fakeProgram(root, 'asterisk');
  fakeProgram(root, 'systemctl');
});
afterEach(() => cleanup());

const plan = () => planInit({ root, randomSecret: () => 'P4ckagedP4ckagedP4ckaged', repoDir: PACKAGED.app, nodePath: PACKAGED.node });

describe('sipwarden init with the Debian package installed', () => {
  it('leaves the unit and logrotate entry to the package and starts the packaged service last', async () => {
    const p = plan();
    expect(p.packaged).toBe(true);
    expect(p.actions.filter((a) => a.kind === 'write').map((a) => a.path)).toEqual(['/etc/sipwarden/sipwarden.yaml']);
    expect(p.done).toContain('the systemd unit /lib/systemd/system/sipwarden.service and the logrotate entry /etc/logrotate.d/sipwarden come with the Debian package');
    expect(p.warnings).toEqual([]);
    expect(formatPlan(p).join('\n')).toContain('systemctl enable sipwarden.service; systemctl restart sipwarden.service');
    const runner = fakeRunner();
    await applyPlan(p, { runCommand: runner.run, now: () => new Date('2026-12-07T00:00:00Z') });
    expect(runner.calls).toEqual([
      ['asterisk', '-rx', 'logger reload'], ['asterisk', '-rx', 'manager reload'], ['asterisk', '-rx', 'dialplan reload'],
      ['systemctl', 'enable', 'sipwarden.service'], ['systemctl', 'restart', 'sipwarden.service'],
    ]);
    expect(existsSync(join(root, 'etc/systemd/system/sipwarden.service'))).toBe(false);
    // Once applied there is nothing left to do, and nothing is restarted again.
    expect(plan().actions).toEqual([]);
  });

  it('--uninstall stops and disables the packaged service before restoring Asterisk', async () => {
    await applyPlan(plan(), { runCommand: fakeRunner().run });
    const u = planUninstall({ root });
    expect(u.stopService).toBe(true);
    const runner = fakeRunner();
    await applyUninstall(u, { runCommand: runner.run });
    expect(runner.calls[0]).toEqual(['systemctl', 'disable', '--now', 'sipwarden.service']);
    expect(existsSync(join(root, PACKAGED.unit.slice(1)))).toBe(true); // the package's file stays the package's
  });
});
