/**
 * Applying and undoing `sipwarden asterisk-acl` on real temp trees: the result as
 * Asterisk reads it (the endpoint section holds acl/contact_acl, the aor and auth do
 * not), backups and manifest, idempotence, a changed network list, reloads only when
 * asterisk is installed, and --uninstall restoring byte for byte — next to sipwarden init.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConf, sectionsNamed, type ConfTree } from '../asterisk/index.js';
import { applyPlan, planInit, readManifest } from '../setup/index.js';
import { fakeProgram, fakeRunner, plainAsteriskTree, snapshot, tempRoot, withoutSipwardenBits } from '../../test/support/kits/setup.js';
import { applyAclPlan } from './plan.js';
import { planAcl, type AclPlanOptions } from './plan.js';
import { blockAppends, entryValue } from './resolve.js';
import { applyAclUninstall, planAclUninstall } from './uninstall.js';
import { freepbxAclTree, planOpts } from '../../test/support/kits/acl.js';

let root: string;
let cleanup: () => void;
beforeEach(() => ({ root, cleanup } = tempRoot()));
afterEach(() => cleanup());

let tick = 0;
const now = () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++));
const apply = (more: Partial<AclPlanOptions> = {}) => applyAclPlan(planAcl(planOpts(root, more)), { now, runCommand: fakeRunner().run });
const uninstall = () => applyAclUninstall(planAclUninstall({ root }), { runCommand: fakeRunner().run });
const asteriskFiles = (s: ReturnType<typeof snapshot>) => Object.fromEntries(Object.entries(s).filter(([p]) => p.startsWith('etc/asterisk/')));
const text = (logical: string) => readFileSync(join(root, logical), 'utf8');

/** The lines of the PJSIP section `name` of type `type` as Asterisk ends up with them (the reader applies (+) as Asterisk does). */
function asAsteriskSees(tree: ConfTree, name: string, type: string): string[] {
  return sectionsNamed(tree, name).find((s) => entryValue(s, 'type') === type)!.entries.map((e) => `${e.key}=${e.value}`);
}

describe('sipwarden asterisk-acl apply: the captured rig', () => {
  it('Asterisk reads acl and contact_acl in the ENDPOINT sections (not the aor or auth), and the named ACL', async () => {
    plainAsteriskTree(root);
    await apply({ internal: ['10.0.0.0/8', 'fd00::/8'] });
    const pjsip = loadConf('pjsip.conf', { root });
    for (const n of ['100', '101', '102']) {
      expect(asAsteriskSees(pjsip, n, 'endpoint')).toEqual(expect.arrayContaining(['acl=sipwarden-internal', 'contact_acl=sipwarden-internal']));
      for (const other of ['aor', 'auth']) expect(asAsteriskSees(pjsip, n, other).some((l) => l.includes('acl'))).toBe(false);
    }
    expect(blockAppends(pjsip, '/etc/asterisk/pjsip.conf', text('/etc/asterisk/pjsip.conf')).map((a) => [a.name, a.target?.line])).toEqual([['100', 34], ['101', 42], ['102', 50]]);
    const trunk = sectionsNamed(pjsip, 'trunk-itsp').find((s) => entryValue(s, 'type') === 'endpoint')!;
    expect(trunk.entries.some((e) => e.key.includes('acl'))).toBe(false);
    const sip = loadConf('sip.conf', { root });
    expect(sectionsNamed(sip, '200')[0]!.entries.filter((e) => e.key.includes('acl')).map((e) => `${e.key}=${e.value}`)).toEqual(['acl=sipwarden-internal', 'contactacl=sipwarden-internal']);
    const acl = loadConf('acl.conf', { root });
    expect(sectionsNamed(acl, 'sipwarden-internal')[0]!.entries.map((e) => `${e.key}=${e.value}`)).toEqual(['deny=0.0.0.0/0.0.0.0', 'deny=::/0', 'permit=10.0.0.0/8', 'permit=fd00::/8']);
  });

  it('backs up what it replaces, records every change in the install manifest, copies pjsip.conf owner and mode for acl.conf', async () => {
    plainAsteriskTree(root);
    const r = await apply();
    expect(r.changed).toEqual(['/etc/asterisk/acl.conf', '/etc/asterisk/pjsip.conf', '/etc/asterisk/sip.conf']);
    expect(r.backups).toEqual([expect.stringMatching(/^\/etc\/asterisk\/pjsip\.conf\.sipwarden-backup-20260101T\d{6}Z$/), expect.stringMatching(/^\/etc\/asterisk\/sip\.conf\.sipwarden-backup-20260101T\d{6}Z$/)]);
    for (const b of r.backups) expect(existsSync(join(root, b))).toBe(true);
    const m = readManifest(root)!;
    expect(m.entries.map((e) => e.kind === 'file' && [e.path, e.role, e.changes.length, e.changes[0]!.backup === null])).toEqual([
      ['/etc/asterisk/acl.conf', 'asterisk', 1, true], ['/etc/asterisk/pjsip.conf', 'asterisk', 1, false], ['/etc/asterisk/sip.conf', 'asterisk', 1, false],
    ]);
    expect(snapshot(root)['etc/asterisk/acl.conf']!.mode).toBe(0o640);
  });

  it('is idempotent: planned again, nothing to do', async () => {
    plainAsteriskTree(root);
    await apply();
    const once = snapshot(root);
    const again = planAcl(planOpts(root));
    expect(again.edits).toEqual([]);
    await applyAclPlan(again, { now, runCommand: fakeRunner().run });
    expect(snapshot(root)).toEqual(once);
  });

  it('a changed internal network list replaces the ACL block, and nothing else', async () => {
    plainAsteriskTree(root);
    await apply();
    const plan = planAcl(planOpts(root, { internal: ['192.168.7.0/24'] }));
    expect(plan.edits.map((e) => e.say)).toEqual(['replace the named ACL [sipwarden-internal] in /etc/asterisk/acl.conf: deny every address, permit 1 internal network']);
    await applyAclPlan(plan, { now, runCommand: fakeRunner().run });
    expect((text('/etc/asterisk/acl.conf').match(/^permit = .*$/gm))).toEqual(['permit = 192.168.7.0/24']);
    expect(planAcl(planOpts(root, { internal: ['192.168.7.0/24'] })).edits).toEqual([]);
  });

  it('an extension that becomes roaming leaves the block', async () => {
    plainAsteriskTree(root);
    const [pjsip, sip] = [text('/etc/asterisk/pjsip.conf'), text('/etc/asterisk/sip.conf')];
    await apply();
    await apply({ patterns: { extensions: [], trunks: [], roaming: ['10?', '20?'] } });
    expect(text('/etc/asterisk/pjsip.conf')).toBe(pjsip);
    expect(text('/etc/asterisk/sip.conf')).toBe(sip);
    expect(existsSync(join(root, 'etc/asterisk/acl.conf'))).toBe(true);
    expect(text('/etc/asterisk/acl.conf')).not.toContain('sipwarden-internal');
  });

  it('asks Asterisk to reload the ACL, then PJSIP, then chan_sip — only when asterisk is installed', async () => {
    plainAsteriskTree(root);
    const none = fakeRunner();
    const r1 = await applyAclPlan(planAcl(planOpts(root)), { now, runCommand: none.run });
    expect(none.calls).toEqual([]);
    expect(r1.skipped).toEqual(['asterisk is not installed here: once it runs, reload it with asterisk -rx "module reload acl", then asterisk -rx "module reload res_pjsip.so", then asterisk -rx "sip reload"']);
    fakeProgram(root, 'asterisk');
    const runner = fakeRunner();
    await applyAclPlan(planAcl(planOpts(root, { internal: ['10.0.0.0/8'] })), { now, runCommand: runner.run });
    expect(runner.calls).toEqual([['asterisk', '-rx', 'module reload acl']]);
    await applyAclUninstall(planAclUninstall({ root }), { runCommand: runner.run });
    expect(runner.calls.slice(1)).toEqual([['asterisk', '-rx', 'module reload acl'], ['asterisk', '-rx', 'module reload res_pjsip.so'], ['asterisk', '-rx', 'sip reload']]);
  });
});

describe('sipwarden asterisk-acl --uninstall', () => {
  it('restores the rig byte for byte after two runs (a network change between), and leaves no manifest of its own', async () => {
    plainAsteriskTree(root);
    const original = asteriskFiles(snapshot(root));
    await apply();
    await apply({ internal: ['192.168.7.0/24'] });
    const plan = planAclUninstall({ root });
    expect(plan.steps.map((s) => s.say)).toEqual([
      'remove /etc/asterisk/acl.conf (sipwarden asterisk-acl created it)',
      'restore /etc/asterisk/pjsip.conf from its backup',
      'restore /etc/asterisk/sip.conf from its backup',
    ]);
    await applyAclUninstall(plan, { runCommand: fakeRunner().run });
    expect(asteriskFiles(snapshot(root))).toEqual(original);
    expect(existsSync(join(root, 'var/lib/sipwarden/install-manifest.json'))).toBe(false);
    expect(planAclUninstall({ root }).steps).toEqual([]);
  });

  it('restores a FreePBX tree byte for byte', async () => {
    freepbxAclTree(root);
    const original = asteriskFiles(snapshot(root));
    await apply({ patterns: { extensions: [], trunks: [], roaming: ['1003'] } });
    expect(text('/etc/asterisk/pjsip.endpoint_custom_post.conf')).toContain('[1001](+type=endpoint)');
    await uninstall();
    expect(asteriskFiles(snapshot(root))).toEqual(original);
  });

  it("undoes only its own changes next to sipwarden init's, which stay in the manifest", async () => {
    plainAsteriskTree(root, withoutSipwardenBits);
    await applyPlan(planInit({ root, randomSecret: () => 'AclAclAclAclAclAclAclAcl', repoDir: '/opt/sipwarden', nodePath: '/usr/bin/node' }), { now, runCommand: fakeRunner().run });
    const afterInit = asteriskFiles(snapshot(root));
    const initEntries = readManifest(root)!.entries.length;
    await apply();
    await uninstall();
    expect(asteriskFiles(snapshot(root))).toEqual(afterInit);
    expect(readManifest(root)!.entries.length).toBe(initEntries);
  });

  it('takes only its blocks out of a file changed since, keeping the backups', async () => {
    plainAsteriskTree(root);
    const before = text('/etc/asterisk/pjsip.conf');
    await apply();
    writeFileSync(join(root, 'etc/asterisk/pjsip.conf'), `${text('/etc/asterisk/pjsip.conf')}; my own note\n`);
    const plan = planAclUninstall({ root });
    expect(plan.notes).toEqual(['/etc/asterisk/pjsip.conf was changed after sipwarden asterisk-acl wrote it: only its marked blocks are taken out; backups kept']);
    await applyAclUninstall(plan, { runCommand: fakeRunner().run });
    expect(text('/etc/asterisk/pjsip.conf')).toBe(`${before}; my own note\n`);
    expect(readdirSync(join(root, 'etc/asterisk')).filter((n) => n.startsWith('pjsip.conf.sipwarden-backup-'))).toHaveLength(1);
  });
});
