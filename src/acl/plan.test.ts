/**
 * The plan of `sipwarden asterisk-acl` on real temp trees: the captured Asterisk 20 rig
 * and a FreePBX layout. Expected files and exact blocks; trunks and roaming accounts
 * left alone; accounts that cannot be given the ACL safely are named, not written.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plainAsteriskTree, tempRoot } from '../../test/support/kits/setup.js';
import { planAcl } from './plan.js';
import { freepbxAclTree, planOpts } from '../../test/support/kits/acl.js';

let root: string;
let cleanup: () => void;
beforeEach(() => ({ root, cleanup } = tempRoot()));
afterEach(() => cleanup());

const read = (name: string) => readFileSync(join(root, 'etc/asterisk', name), 'utf8');
const BEGIN = (p: string) => `; added by sipwarden asterisk-acl [${p}] (sipwarden asterisk-acl --uninstall removes this block)`;
const END = '; end of block added by sipwarden asterisk-acl';
const ep = (n: string) => [`[${n}](+type=endpoint)`, 'acl = sipwarden-internal', 'contact_acl = sipwarden-internal'];
const peer = (n: string) => [`[${n}](+)`, 'acl = sipwarden-internal', 'contactacl = sipwarden-internal'];
const aclLines = (...nets: string[]) => [
  BEGIN('internal-acl'), '; extensions may register only from these networks (networks.internal in sipwarden.yaml)',
  '[sipwarden-internal]', 'deny = 0.0.0.0/0.0.0.0', 'deny = ::/0', ...nets.map((n) => `permit = ${n}`), END,
];
const epBlock = (...names: string[]) => [BEGIN('pjsip-endpoints'), '; these endpoints may register only from [sipwarden-internal] (acl.conf)', ...names.flatMap((n, i) => [...(i ? [''] : []), ...ep(n)]), END];
const peerBlock = (...names: string[]) => [BEGIN('sip-peers'), '; these peers may register only from [sipwarden-internal] (acl.conf)', ...names.flatMap((n, i) => [...(i ? [''] : []), ...peer(n)]), END];

describe('sipwarden asterisk-acl plan: the captured Asterisk 20 rig', () => {
  it('creates acl.conf and appends (+) blocks to pjsip.conf and sip.conf, exactly', () => {
    plainAsteriskTree(root);
    const plan = planAcl(planOpts(root, { internal: ['10.0.0.0/8', 'fd00::/8'] }));
    expect(plan.blocker).toBeNull();
    expect(plan.edits.map((e) => [e.path, e.reload, e.before === null])).toEqual([
      ['/etc/asterisk/acl.conf', 'acl', true],
      ['/etc/asterisk/pjsip.conf', 'pjsip', false],
      ['/etc/asterisk/sip.conf', 'sip', false],
    ]);
    const [acl, pjsip, sip] = plan.edits;
    expect(acl!.after).toBe(`${aclLines('10.0.0.0/8', 'fd00::/8').join('\n')}\n`);
    expect(pjsip!.after).toBe(`${read('pjsip.conf')}\n${epBlock('100', '101', '102').join('\n')}\n`);
    expect(sip!.after).toBe(`${read('sip.conf')}\n${peerBlock('200', '201').join('\n')}\n`);
    expect(plan.protect.map((a) => `${a.driver}:${a.name}`)).toEqual(['pjsip:100', 'pjsip:101', 'pjsip:102', 'sip:200', 'sip:201']);
  });

  it('leaves the IP-identified trunk, roaming and trunk-pattern accounts alone, saying why', () => {
    plainAsteriskTree(root);
    const plan = planAcl(planOpts(root, { patterns: { extensions: [], trunks: ['102'], roaming: ['101', '201'] } }));
    expect(plan.leftAlone.map((a) => [a.driver, a.name, a.cls, a.why])).toEqual([
      ['pjsip', '101', 'roaming', 'matches roaming pattern "101" in the config'],
      ['pjsip', '102', 'trunk', 'matches trunk pattern "102" in the config'],
      ['pjsip', 'trunk-itsp', 'trunk', 'pjsip endpoint [trunk-itsp] is matched by IP (type=identify at /etc/asterisk/pjsip.conf:76)'],
      ['sip', '201', 'roaming', 'matches roaming pattern "201" in the config'],
      ['iax2', 'iaxuser', 'extension', 'iax.conf peer [iaxuser] has host=dynamic (/etc/asterisk/iax.conf:12); IAX2 is not covered by sipwarden asterisk-acl (limit it in iax.conf yourself)'],
    ]);
    expect(plan.edits[1]!.block!.lines).toEqual(epBlock('100').slice(1, -1));
    expect(plan.edits[2]!.block!.lines).toEqual(peerBlock('200').slice(1, -1));
  });

  it('a roaming pattern on the auth user name wins over the endpoint name', () => {
    plainAsteriskTree(root, (name, text) => (name === 'pjsip.conf' ? text.replace('username = 100', 'username = alice') : text));
    const plan = planAcl(planOpts(root, { patterns: { extensions: [], trunks: [], roaming: ['alice'] } }));
    expect(plan.leftAlone.find((a) => a.name === '100')).toMatchObject({ cls: 'roaming', why: 'its auth user name "alice": matches roaming pattern "alice" in the config' });
  });

  it('warns that the rig listens on loopback, which the default internal networks leave out', () => {
    plainAsteriskTree(root);
    expect(planAcl(planOpts(root)).warnings).toContain('Asterisk listens on 127.0.0.1 (pjsip transport [transport-udp] at /etc/asterisk/pjsip.conf:6, chan_sip bindaddr at /etc/asterisk/sip.conf:2, chan_sip udpbindaddr at /etc/asterisk/sip.conf:2), which networks.internal leaves out: phones reaching it there are refused (add 127.0.0.0/8 to networks.internal if they are yours)');
    expect(planAcl(planOpts(root, { internal: ['127.0.0.0/8'] })).warnings).toEqual([]);
  });

  it('says that trusted entries are not in the ACL, and names an endpoint defined twice instead of guessing', () => {
    plainAsteriskTree(root, (name, text) => (name === 'pjsip.conf' ? `${text}\n[102]\ntype = endpoint\n` : text));
    const plan = planAcl(planOpts(root, { internal: ['127.0.0.0/8'], trusted: ['203.0.113.7/32', 'home.example.net'] }));
    expect(plan.warnings).toEqual([
      'networks.trusted (203.0.113.7/32, home.example.net) is not in the ACL: an extension registering from there is refused by Asterisk; list such extensions in accounts.roaming',
      'endpoint [102] is NOT protected: [102] is defined as an endpoint 2 times (/etc/asterisk/pjsip.conf:50, /etc/asterisk/pjsip.conf:87); add "acl = sipwarden-internal" and "contact_acl = sipwarden-internal" to it yourself (/etc/asterisk/pjsip.conf:50)',
    ]);
    expect(plan.edits[1]!.block!.lines).toEqual(epBlock('100', '101').slice(1, -1));
  });

  it('refuses an empty networks.internal unless forced, and says so plainly', () => {
    plainAsteriskTree(root);
    const plan = planAcl(planOpts(root, { internal: [] }));
    expect(plan.blocker).toBe('networks.internal is empty: that would lock every phone out (set networks.internal, or add --force)');
    expect(plan.warnings[0]).toMatch(/^networks\.internal is empty: the ACL would deny every address, so Asterisk would refuse EVERY phone/);
    expect(planAcl(planOpts(root, { internal: [], force: true })).blocker).toBeNull();
  });

  it('refuses to write over a [sipwarden-internal] it did not write', () => {
    plainAsteriskTree(root);
    writeFileSync(join(root, 'etc/asterisk/acl.conf'), '[sipwarden-internal]\npermit = 0.0.0.0/0\n');
    expect(planAcl(planOpts(root)).blocker).toBe('/etc/asterisk/acl.conf:1 already defines [sipwarden-internal], and sipwarden did not write it: rename that section (or delete it) and run sipwarden asterisk-acl again');
  });

  it('skips an endpoint that already names the ACL by hand, and adds only what is missing', () => {
    plainAsteriskTree(root, (name, text) => (name === 'pjsip.conf' ? text.replace('aors = 100\n', 'aors = 100\nacl = sipwarden-internal\ncontact_acl = sipwarden-internal\n').replace('aors = 101\n', 'aors = 101\nacl = sipwarden-internal\n') : text));
    const plan = planAcl(planOpts(root));
    expect(plan.done).toEqual(['endpoint [100] already names sipwarden-internal (/etc/asterisk/pjsip.conf:34)']);
    expect(plan.edits[1]!.block!.lines).toEqual(['; these endpoints may register only from [sipwarden-internal] (acl.conf)', '[101](+type=endpoint)', 'contact_acl = sipwarden-internal', '', ...ep('102')]);
  });
});

describe('sipwarden asterisk-acl plan: FreePBX', () => {
  it('writes only the local-changes files: acl_custom.conf, pjsip.endpoint_custom_post.conf, sip_custom_post.conf', () => {
    freepbxAclTree(root);
    const plan = planAcl(planOpts(root, { internal: ['192.168.1.0/24'], patterns: { extensions: [], trunks: [], roaming: ['1003'] } }));
    expect(plan.warnings).toEqual([]);
    expect(plan.edits.map((e) => [e.path, e.after])).toEqual([
      ['/etc/asterisk/acl_custom.conf', `${aclLines('192.168.1.0/24').join('\n')}\n`],
      ['/etc/asterisk/pjsip.endpoint_custom_post.conf', `${epBlock('1001', '1002').join('\n')}\n`],
      ['/etc/asterisk/sip_custom_post.conf', `${peerBlock('2001').join('\n')}\n`],
    ]);
    expect(plan.leftAlone.map((a) => `${a.driver} ${a.name} ${a.cls}`)).toEqual(['pjsip 1003 roaming', 'pjsip CarrierByIP trunk', 'pjsip MyITSP trunk', 'pjsip OutOnly trunk', 'sip oldprovider trunk']);
  });

  it('names an endpoint defined after pjsip.endpoint_custom_post.conf for a manual fix instead of breaking pjsip.conf', () => {
    freepbxAclTree(root, (name, text) => (name === 'pjsip.identify_custom_post.conf' ? '[1009]\ntype=endpoint\naors=1009\nauth=1009-auth\n' : text));
    const plan = planAcl(planOpts(root));
    expect(plan.edits[1]!.block!.lines).toEqual(epBlock('1001', '1002', '1003').slice(1, -1));
    expect(plan.refused.map((r) => r.account.name)).toEqual(['1009']);
    expect(plan.warnings).toContain('endpoint [1009] is NOT protected: [1009] is defined at /etc/asterisk/pjsip.identify_custom_post.conf:1, after /etc/asterisk/pjsip.endpoint_custom_post.conf: Asterisk would find no [1009] there and refuse /etc/asterisk/pjsip.conf; add "acl = sipwarden-internal" and "contact_acl = sipwarden-internal" to it yourself (/etc/asterisk/pjsip.identify_custom_post.conf:1)');
  });

  it('falls back to the main file (with a warning) when settings follow the custom include', () => {
    freepbxAclTree(root, (name, text) => (name === 'acl.conf' ? `[office]\n#include acl_custom.conf\npermit = 192.0.2.0/24\n` : text));
    const plan = planAcl(planOpts(root));
    expect(plan.edits[0]!.path).toBe('/etc/asterisk/acl.conf');
    expect(plan.warnings).toContain('/etc/asterisk/acl.conf has settings right after "#include acl_custom.conf" (line 2) that a block there would capture: writing to /etc/asterisk/acl.conf instead');
  });

  it('warns when FreePBX would regenerate the file the block goes into', () => {
    freepbxAclTree(root, (name, text) => (name === 'pjsip.conf' ? text.replace('#include pjsip.endpoint_custom_post.conf\n', '') : text));
    const plan = planAcl(planOpts(root));
    expect(plan.edits.map((e) => e.path)).toContain('/etc/asterisk/pjsip.conf');
    expect(plan.warnings).toContain('FreePBX rewrites /etc/asterisk/pjsip.conf: the block is lost at its next "Apply Config" (/etc/asterisk/pjsip.conf should "#include pjsip.endpoint_custom_post.conf")');
  });
});
