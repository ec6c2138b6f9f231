/**
 * `sipwarden init --uninstall` on a plain Asterisk tree: byte-for-byte restores,
 * files changed since init, several inits, no manifest, idempotence.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from './plan.js';
import { removeBlocks } from './blocks.js';
import { planInit, type PlanOptions } from './plan.js';
import { applyUninstall, planUninstall } from './uninstall.js';
import { fakeRunner, plainAsteriskTree, snapshot, tempRoot, withoutSipwardenBits } from '../../test/support/kits/setup.js';

let root: string;
let cleanup: () => void;
beforeEach(() => ({ root, cleanup } = tempRoot()));
afterEach(() => cleanup());

let tick = 0;
const now = () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++));
const opts = (more: Partial<PlanOptions> = {}): PlanOptions => ({ root, randomSecret: () => 'Un1nstallUn1nstallUn1nst', repoDir: '/opt/sipwarden', nodePath: '/usr/bin/node', ...more });
const init = (more: Partial<PlanOptions> = {}) => applyPlan(planInit(opts(more)), { now, runCommand: fakeRunner().run });
const uninstall = (purge = false) => applyUninstall(planUninstall({ root, purge }), { runCommand: fakeRunner().run });
const read = (p: string) => readFileSync(join(root, p), 'utf8');
const asteriskFiles = (s: ReturnType<typeof snapshot>) => Object.fromEntries(Object.entries(s).filter(([p]) => p.startsWith('etc/asterisk/')));

describe('sipwarden init --uninstall', () => {
  it('restores the Asterisk files byte for byte, removes unit and logrotate entry, keeps the config', async () => {
    plainAsteriskTree(root, withoutSipwardenBits);
    const original = snapshot(root);
    await init();
    const plan = planUninstall({ root });
    expect(plan.stopService).toBe(true);
    expect(plan.steps.map((s) => s.say)).toEqual([
      'remove /etc/systemd/system/sipwarden.service (sipwarden init created it)',
      'remove /etc/logrotate.d/sipwarden (sipwarden init created it)',
      'restore /etc/asterisk/logger.conf from its backup',
      'restore /etc/asterisk/manager.conf from its backup',
      'restore /etc/asterisk/extensions.conf from its backup',
    ]);
    expect(plan.notes).toEqual(['/etc/sipwarden/sipwarden.yaml is kept (--purge removes it)']);
    await applyUninstall(plan, { runCommand: fakeRunner().run });
    expect(asteriskFiles(snapshot(root))).toEqual(asteriskFiles(original));
    expect(existsSync(join(root, 'etc/systemd/system/sipwarden.service'))).toBe(false);
    expect(existsSync(join(root, 'etc/logrotate.d/sipwarden'))).toBe(false);
    expect(existsSync(join(root, 'var/lib/sipwarden/install-manifest.json'))).toBe(false);
    expect(existsSync(join(root, 'etc/sipwarden/sipwarden.yaml'))).toBe(true);
  });

  it('is idempotent: a second uninstall finds nothing to do', async () => {
    plainAsteriskTree(root, withoutSipwardenBits);
    await init();
    await uninstall(true);
    const once = snapshot(root);
    const again = planUninstall({ root, purge: true });
    expect(again.steps).toEqual([]);
    await applyUninstall(again, { runCommand: fakeRunner().run });
    expect(snapshot(root)).toEqual(once);
    expect(existsSync(join(root, 'etc/sipwarden'))).toBe(false);
    expect(existsSync(join(root, 'var/lib/sipwarden'))).toBe(false);
    expect(existsSync(join(root, 'var/log/sipwarden'))).toBe(true);
  });

  it('takes only its blocks out of a file changed since init, and keeps the backups', async () => {
    plainAsteriskTree(root, withoutSipwardenBits);
    const original = read('etc/asterisk/logger.conf');
    await init();
    writeFileSync(join(root, 'etc/asterisk/logger.conf'), `${read('etc/asterisk/logger.conf')}; my own note\n`);
    const plan = planUninstall({ root });
    expect(plan.notes).toContain('/etc/asterisk/logger.conf was changed after sipwarden init: only its marked blocks are taken out; backups kept');
    await applyUninstall(plan, { runCommand: fakeRunner().run });
    expect(read('etc/asterisk/logger.conf')).toBe(`${original}; my own note\n`);
    expect(readdirSync(join(root, 'etc/asterisk')).filter((n) => n.startsWith('logger.conf.sipwarden-backup-'))).toHaveLength(1);
    expect(readdirSync(join(root, 'etc/asterisk')).filter((n) => n.startsWith('manager.conf.sipwarden-backup-'))).toEqual([]);
  });

  it('unwinds several inits to the file as it was before the first', async () => {
    plainAsteriskTree(root, withoutSipwardenBits);
    const original = snapshot(root);
    await init();
    // The admin removes the AMI user (block and all); a second init adds it again, with a new backup.
    const manager = read('etc/asterisk/manager.conf');
    writeFileSync(join(root, 'etc/asterisk/manager.conf'), removeBlocks(manager));
    await init();
    expect(readdirSync(join(root, 'etc/asterisk')).filter((n) => n.startsWith('manager.conf.sipwarden-backup-'))).toHaveLength(2);
    await uninstall();
    expect(asteriskFiles(snapshot(root))).toEqual(asteriskFiles(original));
  });

  it('without a manifest, still takes the marked blocks out and removes the files init wrote', async () => {
    plainAsteriskTree(root, withoutSipwardenBits);
    const original = asteriskFiles(snapshot(root));
    await init();
    rmSync(join(root, 'var/lib/sipwarden/install-manifest.json'));
    for (const f of readdirSync(join(root, 'etc/asterisk')).filter((n) => n.includes('.sipwarden-backup-'))) rmSync(join(root, 'etc/asterisk', f));
    const plan = planUninstall({ root });
    expect(plan.notes[0]).toBe('no install manifest (/var/lib/sipwarden/install-manifest.json): looking for what sipwarden init adds');
    expect(plan.steps.map((s) => s.say)).toEqual([
      "take sipwarden's blocks out of /etc/asterisk/logger.conf",
      "take sipwarden's blocks out of /etc/asterisk/manager.conf",
      "take sipwarden's blocks out of /etc/asterisk/extensions.conf",
      'remove /etc/systemd/system/sipwarden.service',
      'remove /etc/logrotate.d/sipwarden',
    ]);
    await applyUninstall(plan, { runCommand: fakeRunner().run });
    // Appending added a blank line before each block; taking the block out takes it too.
    expect(asteriskFiles(snapshot(root))).toEqual(original);
  });

  it('asks systemd to stop the service and Asterisk to reload what changed', async () => {
    plainAsteriskTree(root, withoutSipwardenBits);
    await init();
    const runner = fakeRunner();
    const r = await applyUninstall(planUninstall({ root }), { runCommand: runner.run, commandExists: (p) => p === 'systemctl' });
    expect(runner.calls).toEqual([['systemctl', 'disable', '--now', 'sipwarden.service'], ['systemctl', 'daemon-reload']]);
    expect(r.skipped).toEqual(['asterisk is not installed here: once it runs, reload it with asterisk -rx "logger reload" and asterisk -rx "manager reload" and asterisk -rx "dialplan reload"']);
  });
});
