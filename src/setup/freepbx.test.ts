/**
 * `sipwarden init` against a FreePBX 16/17 layout: its changes go into the files
 * FreePBX leaves for local changes, never into the ones it regenerates.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../config/index.js';
import { applyPlan } from './plan.js';
import { detectAsterisk } from './detect.js';
import { planInit, type PlanOptions } from './plan.js';
import { applyUninstall, planUninstall } from './uninstall.js';
import { fakeRunner, freepbxTree, snapshot, tempRoot } from '../../test/support/kits/setup.js';

const SECRET = 'Fr33pbxFr33pbxFr33pbx123';
const NOW = new Date('2026-02-03T04:05:06Z');

let root: string;
let cleanup: () => void;
beforeEach(() => ({ root, cleanup } = tempRoot()));
afterEach(() => cleanup());

const opts = (): PlanOptions => ({ root, randomSecret: () => SECRET, repoDir: '/opt/sipwarden', nodePath: '/usr/bin/node' });
const read = (p: string) => readFileSync(join(root, p), 'utf8');
const mode = (p: string) => statSync(join(root, p)).mode & 0o7777;
const init = () => applyPlan(planInit(opts()), { now: () => NOW, runCommand: fakeRunner().run });
const GENERATED = ['logger.conf', 'logger_general_additional.conf', 'logger_logfiles_additional.conf', 'manager.conf', 'manager_additional.conf', 'extensions.conf', 'extensions_additional.conf'];

describe('sipwarden init on a FreePBX tree', () => {
  it('writes the channel to logger_logfiles_custom.conf, the user to manager_custom.conf, the toll-fraud check to extensions_custom.conf, nothing else', async () => {
    freepbxTree(root);
    const before = snapshot(root);
    const r = await init();
    expect(read('etc/asterisk/logger_logfiles_custom.conf')).toBe([
      '; added by sipwarden init [security-channel] (sipwarden init --uninstall removes this block)',
      'security => security',
      '; end of block added by sipwarden init',
      '',
    ].join('\n'));
    expect(read('etc/asterisk/manager_custom.conf')).toBe([
      '; added by sipwarden init [ami-user] (sipwarden init --uninstall removes this block)',
      '[sipwarden]', `secret = ${SECRET}`, 'deny = 0.0.0.0/0.0.0.0', 'permit = 127.0.0.1/255.255.255.255',
      '; read: security (failed and successful logins), system (reloads), call (calls the toll-fraud guard judges), cdr (call records)',
      'read = security,system,call,cdr',
      '; write: call (Hangup a fraudulent call, Getvar its caller\'s address), system (DBPut/DBDel the toll-fraud suspension, PJSIPShowContacts)',
      'write = system,call',
      '; end of block added by sipwarden init',
      '',
    ].join('\n'));
    // The suspension check, and FreePBX's outbound pre-dial hook calling it before every trunk (emergency routes pass).
    const dialplan = read('etc/asterisk/extensions_custom.conf');
    expect(dialplan).toMatch(/^; added by sipwarden init \[fraud-check\][^\n]*\n\[sipwarden-check\]\n/);
    expect(dialplan).toContain(`same => n,GotoIf($[\${DB_EXISTS(sipwarden/suspended/\${LOCAL(account)})}]?:allow)\n`);
    expect(dialplan).toContain(`same => n,GotoIf($[\${REGEX("^(112|911|999|000|110|119|933)$" \${ARG1})}]?allow)\n`);
    expect(dialplan).toContain([
      '; added by sipwarden init [predial-hook] (sipwarden init --uninstall removes this block)',
      '[macro-dialout-trunk-predial-hook]', `exten => s,1,GotoIf($["\${EMERGENCYROUTE}" = "YES"]?done)`,
      `same => n,GoSub(sipwarden-check,s,1(\${OUTNUM}))`, 'same => n(done),MacroExit()', '; end of block added by sipwarden init', '',
    ].join('\n'));
    const after = snapshot(root);
    for (const f of GENERATED) expect(after[`etc/asterisk/${f}`]).toEqual(before[`etc/asterisk/${f}`]);
    // The empty custom files FreePBX made are backed up too, and keep their mode.
    expect(r.backups).toEqual([
      '/etc/asterisk/logger_logfiles_custom.conf.sipwarden-backup-20260203T040506Z',
      '/etc/asterisk/manager_custom.conf.sipwarden-backup-20260203T040506Z',
      '/etc/asterisk/extensions_custom.conf.sipwarden-backup-20260203T040506Z',
    ]);
    expect(mode('etc/asterisk/manager_custom.conf')).toBe(0o664);

    const d = detectAsterisk({ root });
    expect(d.logger.security?.definedIn.file).toBe('/etc/asterisk/logger_logfiles_custom.conf');
    expect(d.ami.sipwarden?.definedIn.file).toBe('/etc/asterisk/manager_custom.conf');
    const c = parseConfigText(read('etc/sipwarden/sipwarden.yaml'), 'sipwarden.yaml');
    expect(c.asterisk.logs).toEqual(['/var/log/asterisk/security', '/var/log/asterisk/full']);
    expect(c.asterisk.ami).toMatchObject({ host: '127.0.0.1', port: 5038, username: 'sipwarden', secret: SECRET });
    expect(mode('etc/sipwarden/sipwarden.yaml')).toBe(0o600);
  });

  it('creates missing custom files with logger.conf/manager.conf as model (no world access for the secret)', async () => {
    freepbxTree(root, { noCustomFiles: true });
    await init();
    expect(mode('etc/asterisk/logger_logfiles_custom.conf')).toBe(0o664);
    expect(mode('etc/asterisk/manager_custom.conf')).toBe(0o660);
    const owner = statSync(join(root, 'etc/asterisk/manager.conf'));
    expect(statSync(join(root, 'etc/asterisk/manager_custom.conf'))).toMatchObject({ uid: owner.uid, gid: owner.gid });

    // Uninstall removes what did not exist before.
    const u = planUninstall({ root });
    expect(u.steps.map((s) => s.say)).toContain('remove /etc/asterisk/manager_custom.conf (sipwarden init created it)');
    await applyUninstall(u, { runCommand: fakeRunner().run });
    expect(existsSync(join(root, 'etc/asterisk/manager_custom.conf'))).toBe(false);
    expect(existsSync(join(root, 'etc/asterisk/logger_logfiles_custom.conf'))).toBe(false);
  });

  it('leaves logging alone when FreePBX already logs security events, and adds only the AMI user', async () => {
    freepbxTree(root, { securityInAdditional: true });
    const plan = planInit(opts());
    expect(plan.actions.filter((a) => a.kind === 'edit').map((a) => a.path)).toEqual(['/etc/asterisk/manager_custom.conf', '/etc/asterisk/extensions_custom.conf']);
    expect(plan.done).toContain('Asterisk already logs security events to /var/log/asterisk/security');
    await init();
    expect(read('etc/asterisk/logger_logfiles_custom.conf')).toBe('');
  });

  it('is idempotent, and --uninstall restores every file byte for byte', async () => {
    freepbxTree(root);
    const original = snapshot(root);
    await init();
    const installed = snapshot(root);
    expect(planInit(opts()).actions).toEqual([]);
    await init();
    expect(snapshot(root)).toEqual(installed);

    const runner = fakeRunner();
    await applyUninstall(planUninstall({ root, purge: true }), { runCommand: runner.run, commandExists: () => true });
    const after = snapshot(root);
    // Everything the test wrote is back as it was; /var/log/sipwarden (the failed-auth log) stays, and the
    // parent directories a real system has (/etc/systemd/system, /etc/logrotate.d, /var/lib) were made on the way.
    for (const [p, v] of Object.entries(original)) expect(after[p], p).toEqual(v);
    expect(Object.keys(after).filter((p) => !(p in original))).toEqual(['etc/logrotate.d/', 'etc/systemd/', 'etc/systemd/system/', 'var/lib/', 'var/log/sipwarden/']);
    expect(runner.calls).toEqual([
      ['systemctl', 'disable', '--now', 'sipwarden.service'],
      ['asterisk', '-rx', 'logger reload'], ['asterisk', '-rx', 'manager reload'], ['asterisk', '-rx', 'dialplan reload'], ['systemctl', 'daemon-reload'],
    ]);
  });
});
