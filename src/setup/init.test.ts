/**
 * `sipwarden init` against a temporary plain-Asterisk tree (the captured Asterisk 20
 * config): what it writes where, backups, manifest, idempotence, dry-run, reloads.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../config/index.js';
import { applyPlan } from './plan.js';
import { detectAsterisk } from './detect.js';
import { readManifest } from './manifest.js';
import { planInit, type PlanOptions } from './plan.js';
import { fakeProgram, fakeRunner, plainAsteriskTree, snapshot, tempRoot, withoutSipwardenBits, writeTree } from '../../test/support/kits/setup.js';

const SECRET = 'S3cretS3cretS3cretS3cret';
const NOW = new Date('2026-01-24T19:36:46.123Z');
const BACKUP = '.sipwarden-backup-20260124T193646Z';

let root: string;
let cleanup: () => void;
beforeEach(() => ({ root, cleanup } = tempRoot()));
afterEach(() => cleanup());

const opts = (more: Partial<PlanOptions> = {}): PlanOptions => ({ root, randomSecret: () => SECRET, repoDir: '/opt/sipwarden', nodePath: '/usr/bin/node', ...more });
const read = (p: string) => readFileSync(join(root, p), 'utf8');
const mode = (p: string) => statSync(join(root, p)).mode & 0o7777;

async function init(more: Partial<PlanOptions> = {}) {
  const runner = fakeRunner();
  const result = await applyPlan(planInit(opts(more)), { now: () => NOW, runCommand: runner.run });
  return { result, calls: runner.calls };
}

describe('sipwarden init on a plain Asterisk tree', () => {
  it('appends exactly the security channel and the AMI user, after backing both files up', async () => {
    plainAsteriskTree(root, withoutSipwardenBits);
    const before = snapshot(root);
    const { result } = await init();
    const logger = before['etc/asterisk/logger.conf']?.content as string;
    const manager = before['etc/asterisk/manager.conf']?.content as string;
    expect(read('etc/asterisk/logger.conf')).toBe(`${logger}\n${[
      '; added by sipwarden init [security-channel] (sipwarden init --uninstall removes this block)',
      'security => security',
      '; end of block added by sipwarden init',
    ].join('\n')}\n`);
    expect(read('etc/asterisk/manager.conf')).toBe(`${manager}\n${[
      '; added by sipwarden init [ami-user] (sipwarden init --uninstall removes this block)',
      '[sipwarden]',
      `secret = ${SECRET}`,
      'deny = 0.0.0.0/0.0.0.0',
      'permit = 127.0.0.1/255.255.255.255',
      '; read: security (failed and successful logins), system (reloads), call (calls the toll-fraud guard judges), cdr (call records)',
      'read = security,system,call,cdr',
      '; write: call (Hangup a fraudulent call, Getvar its caller\'s address), system (DBPut/DBDel the toll-fraud suspension, PJSIPShowContacts)',
      'write = system,call',
      '; end of block added by sipwarden init',
    ].join('\n')}\n`);
    // The toll-fraud suspension check: a subroutine in extensions.conf (plain Asterisk: the plan says where to call it).
    const extensions = before['etc/asterisk/extensions.conf']?.content as string;
    expect(read('etc/asterisk/extensions.conf')).toMatch(new RegExp(`^${extensions.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n; added by sipwarden init \\[fraud-check\\][^\n]*\n\\[sipwarden-check\\]\n`));
    expect(read(`etc/asterisk/logger.conf${BACKUP}`)).toBe(logger);
    expect(read(`etc/asterisk/manager.conf${BACKUP}`)).toBe(manager);
    expect(mode('etc/asterisk/manager.conf')).toBe(0o640);
    expect(result.backups).toEqual([`/etc/asterisk/logger.conf${BACKUP}`, `/etc/asterisk/manager.conf${BACKUP}`, `/etc/asterisk/extensions.conf${BACKUP}`]);
    // Nothing else in /etc/asterisk changed.
    const after = snapshot(root);
    for (const [p, v] of Object.entries(before)) if (!/(logger|manager|extensions)\.conf$/.test(p)) expect(after[p]).toEqual(v);

    const d = detectAsterisk({ root });
    expect(d.logger.security?.path).toBe('/var/log/asterisk/security');
    expect(d.ami.sipwarden).toMatchObject({ secret: SECRET, read: ['security', 'system', 'call', 'cdr'], write: ['system', 'call'], deny: ['0.0.0.0/0.0.0.0'], permit: ['127.0.0.1/255.255.255.255'] });
  });

  it('records every change in the manifest', async () => {
    plainAsteriskTree(root, withoutSipwardenBits);
    await init();
    const m = readManifest(root);
    expect(m?.entries.map((e) => (e.kind === 'dir' ? ['dir', e.path] : [e.role, e.path, e.changes.length, e.changes[0]?.backup ?? null]))).toEqual([
      ['dir', '/etc/sipwarden'],
      ['dir', '/var/lib/sipwarden'],
      ['dir', '/var/log/sipwarden'],
      ['asterisk', '/etc/asterisk/logger.conf', 1, `/etc/asterisk/logger.conf${BACKUP}`],
      ['asterisk', '/etc/asterisk/manager.conf', 1, `/etc/asterisk/manager.conf${BACKUP}`],
      ['asterisk', '/etc/asterisk/extensions.conf', 1, `/etc/asterisk/extensions.conf${BACKUP}`],
      ['config', '/etc/sipwarden/sipwarden.yaml', 1, null],
      ['unit', '/etc/systemd/system/sipwarden.service', 1, null],
      ['logrotate', '/etc/logrotate.d/sipwarden', 1, null],
    ]);
    expect(mode('var/lib/sipwarden/install-manifest.json')).toBe(0o600);
    for (const d of ['etc/sipwarden', 'var/lib/sipwarden', 'var/log/sipwarden']) expect(mode(d)).toBe(0o750);
  });

  it('writes a valid sipwarden.yaml, mode 0600, that follows the detected logs and logs in as the new AMI user', async () => {
    plainAsteriskTree(root, withoutSipwardenBits);
    await init();
    expect(mode('etc/sipwarden/sipwarden.yaml')).toBe(0o600);
    const c = parseConfigText(read('etc/sipwarden/sipwarden.yaml'), 'sipwarden.yaml');
    expect(c.asterisk.logs).toEqual(['/var/log/asterisk/security', '/var/log/asterisk/messages']);
    expect(c.asterisk.ami).toEqual({ host: '127.0.0.1', port: 5038, username: 'sipwarden', secret: SECRET, tls: false });
    expect(c.protection).toBe('on');
  });

  it('writes the hardened unit and the logrotate entry', async () => {
    plainAsteriskTree(root, withoutSipwardenBits);
    await init();
    const unit = read('etc/systemd/system/sipwarden.service');
    for (const line of [
      'ExecStart=/usr/bin/node /opt/sipwarden/dist/cli/main.js run', 'Restart=on-failure',
      'After=network-online.target asterisk.service nftables.service', 'Wants=network-online.target',
      'ProtectSystem=strict', 'ReadWritePaths=/var/lib/sipwarden /var/log/sipwarden', 'ReadOnlyPaths=-/var/log/asterisk',
      'ProtectHome=yes', 'PrivateTmp=yes', 'NoNewPrivileges=yes',
      'CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW CAP_DAC_READ_SEARCH', 'AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW CAP_DAC_READ_SEARCH',
      'WantedBy=multi-user.target',
    ]) expect(unit.split('\n')).toContain(line);
    expect(mode('etc/systemd/system/sipwarden.service')).toBe(0o644);
    expect(read('etc/logrotate.d/sipwarden')).toBe([
      '# Installed by `sipwarden init`; `sipwarden init --uninstall` removes it.',
      '/var/log/sipwarden/failed-auth.log {',
      '    weekly', '    rotate 12', '    compress', '    delaycompress', '    missingok', '    notifempty',
      '    postrotate',
      '        systemctl kill -s HUP --kill-who=main sipwarden.service >/dev/null 2>&1 || true',
      '    endscript', '}', '',
    ].join('\n'));
  });

  it('changes nothing when run a second time', async () => {
    plainAsteriskTree(root, withoutSipwardenBits);
    await init();
    const once = snapshot(root);
    const plan = planInit(opts({ randomSecret: () => 'another-secret-entirely' }));
    expect(plan.actions).toEqual([]);
    const { result, calls } = await init({ randomSecret: () => 'another-secret-entirely' });
    expect(result.changed).toEqual([]);
    expect(calls).toEqual([]);
    expect(snapshot(root)).toEqual(once);
  });

  it('asks Asterisk and systemd to reload only when their programs exist', async () => {
    plainAsteriskTree(root, withoutSipwardenBits);
    const none = await init();
    expect(none.calls).toEqual([]);
    expect(none.result.skipped).toEqual([
      'asterisk is not installed here: once it runs, reload it with asterisk -rx "logger reload" and asterisk -rx "manager reload" and asterisk -rx "dialplan reload"',
      'systemctl is not installed here: not run: systemctl daemon-reload',
    ]);

    const { root: root2, cleanup: cleanup2 } = tempRoot();
    try {
      plainAsteriskTree(root2, withoutSipwardenBits);
      fakeProgram(root2, 'asterisk');
      fakeProgram(root2, 'systemctl');
      const runner = fakeRunner({ code: 0, stdout: '', stderr: '' });
      const r = await applyPlan(planInit({ ...opts(), root: root2 }), { now: () => NOW, runCommand: runner.run });
      expect(runner.calls).toEqual([['asterisk', '-rx', 'logger reload'], ['asterisk', '-rx', 'manager reload'], ['asterisk', '-rx', 'dialplan reload'], ['systemctl', 'daemon-reload']]);
      expect(r.commands.map((c) => c.command)).toEqual(['asterisk -rx "logger reload"', 'asterisk -rx "manager reload"', 'asterisk -rx "dialplan reload"', 'systemctl daemon-reload']);
    } finally {
      cleanup2();
    }
  });

  it('uses the AMI user and security channel already there (the captured config), adding only the toll-fraud check to Asterisk', async () => {
    plainAsteriskTree(root);
    const before = snapshot(root);
    const plan = planInit(opts());
    expect(plan.actions.map((a) => (a.kind === 'edit' ? `edit ${a.path}` : a.kind))).toEqual(['mkdir', 'mkdir', 'mkdir', 'edit /etc/asterisk/extensions.conf', 'write', 'write', 'write']);
    // The rig's user may not read cdr events: the plan says what the toll-fraud guard lacks.
    expect(plan.warnings.find((w) => w.includes('toll-fraud guard cannot see calls'))).toMatch(/may not read cdr: .*"read = security,system,call,cdr" and "write = system,call" in \[sipwarden\] at \/etc\/asterisk\/manager\.conf:\d+$/);
    await init();
    const after = snapshot(root);
    for (const p of Object.keys(before).filter((k) => k.startsWith('etc/asterisk/') && !k.endsWith('extensions.conf'))) expect(after[p]).toEqual(before[p]);
    expect(readdirSync(join(root, 'etc/asterisk')).filter((n) => n.includes('backup'))).toEqual([`extensions.conf${BACKUP}`]);
    const c = parseConfigText(read('etc/sipwarden/sipwarden.yaml'), 'sipwarden.yaml');
    expect(c.asterisk.ami?.secret).toBe('W4rdenAMI-secret');
  });

  it('turns a disabled AMI on, on 127.0.0.1 only, by adding to [general]', async () => {
    plainAsteriskTree(root, (name, text) => withoutSipwardenBits(name, text).replace('enabled = yes', 'enabled = no').replace('bindaddr = 127.0.0.1', 'bindaddr = 0.0.0.0'));
    expect(detectAsterisk({ root }).ami.enabled).toBe(false);
    const plan = planInit(opts());
    expect(plan.actions.find((a) => a.kind === 'edit' && a.reload === 'manager')?.say).toBe(
      'turn the AMI on (it is off now), listening on 127.0.0.1 only, and add the AMI user "sipwarden" (a new random secret; only from 127.0.0.1; may read security, system, call and cdr events — logins, calls and their records, for the failure tiers and the toll-fraud guard — and write call and system — to hang up a fraudulent call, ask which address its caller uses, suspend the account in Asterisk\'s database and remove the attacker\'s registration): in /etc/asterisk/manager.conf');
    await init();
    expect(read('etc/asterisk/manager.conf')).toContain([
      '; added by sipwarden init [ami-enable] (sipwarden init --uninstall removes this block)',
      '[general](+)', 'enabled = yes', 'bindaddr = 127.0.0.1',
      '; end of block added by sipwarden init', '',
      '; added by sipwarden init [ami-user]',
    ].join('\n'));
    expect(detectAsterisk({ root }).ami).toMatchObject({ enabled: true, bindaddr: '127.0.0.1' });
  });

  it('never replaces an existing sipwarden.yaml without --force, and backs it up with it', async () => {
    plainAsteriskTree(root, withoutSipwardenBits);
    writeTree(root, { 'etc/sipwarden/sipwarden.yaml': 'protection: off\n' });
    const plan = planInit(opts());
    expect(plan.actions.some((a) => a.path === '/etc/sipwarden/sipwarden.yaml')).toBe(false);
    expect(plan.warnings).toContain('/etc/sipwarden/sipwarden.yaml does not use the AMI user "sipwarden": run sipwarden init --force, or set asterisk.ami yourself (the secret is in the Asterisk manager config)');
    await init();
    expect(read('etc/sipwarden/sipwarden.yaml')).toBe('protection: off\n');

    const forced = await init({ force: true });
    expect(forced.result.backups).toEqual([`/etc/sipwarden/sipwarden.yaml${BACKUP}`]);
    expect(read(`etc/sipwarden/sipwarden.yaml${BACKUP}`)).toBe('protection: off\n');
    // The AMI user from the first run is kept, and the new config uses its secret.
    expect(parseConfigText(read('etc/sipwarden/sipwarden.yaml'), 'x').asterisk.ami?.secret).toBe(SECRET);
  });

  it('leaves a unit it did not write alone unless --force', async () => {
    plainAsteriskTree(root, withoutSipwardenBits);
    writeTree(root, { 'etc/systemd/system/sipwarden.service': '[Service]\nExecStart=/bin/true\n' });
    expect(planInit(opts()).warnings).toContain('/etc/systemd/system/sipwarden.service exists and was not written by sipwarden init: left as it is (--force replaces it, keeping a backup)');
    await init();
    expect(read('etc/systemd/system/sipwarden.service')).toBe('[Service]\nExecStart=/bin/true\n');
    expect(existsSync(join(root, 'etc/logrotate.d/sipwarden'))).toBe(true);
  });

  it('does not add a second block when Asterisk no longer sees its own (it warns instead)', async () => {
    plainAsteriskTree(root, withoutSipwardenBits);
    await init();
    // Someone comments out the channel inside the block.
    writeFileSync(join(root, 'etc/asterisk/logger.conf'), read('etc/asterisk/logger.conf').replace('\nsecurity => security', '\n;security => security'));
    const plan = planInit(opts());
    expect(plan.actions.filter((a) => a.kind === 'edit')).toEqual([]);
    expect(plan.warnings[0]).toMatch(/^a security channel block from an earlier sipwarden init is in the Asterisk files/);
  });
});
