import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { discoverAccounts } from './accounts.js';

const FIXTURE_CONF = path.resolve(import.meta.dirname, '../../test/fixtures/asterisk-20/conf');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-accounts-'));
  dirs.push(root);
  fs.mkdirSync(path.join(root, 'etc/asterisk'), { recursive: true });
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(root, 'etc/asterisk', name), text);
  return root;
}

describe('account discovery from the PBX configuration', () => {
  it('reads the real Asterisk 20 rig: PJSIP phones and an IP-identified trunk, chan_sip and IAX2 peers', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-accounts-'));
    dirs.push(root);
    fs.cpSync(FIXTURE_CONF, path.join(root, 'etc/asterisk'), { recursive: true });
    const { accounts } = discoverAccounts({ root, configDir: '/etc/asterisk' });
    expect(accounts.get('100')?.cls).toBe('extension');
    expect(accounts.get('102')?.cls).toBe('extension');
    expect(accounts.get('trunk-itsp')?.cls).toBe('trunk');
    expect(accounts.get('trunk-itsp')?.why).toMatch(/identify|outbound|fixed contact/);
    expect(accounts.get('200')).toMatchObject({ cls: 'extension', why: expect.stringContaining('host=dynamic') });
    expect(accounts.get('201')?.cls).toBe('extension');
    expect(accounts.get('iaxuser')?.cls).toBe('extension');
    expect(accounts.has('endpoint-template')).toBe(false);
  });

  it('reads a FreePBX layout: generated include files, registrations and identify sections', () => {
    const root = tree({
      'pjsip.conf': '#include pjsip.transports.conf\n#include pjsip.endpoint.conf\n#include pjsip.aor.conf\n#include pjsip.auth.conf\n#include pjsip.registration.conf\n#include pjsip.identify.conf\n#tryinclude pjsip_custom.conf\n',
      'pjsip.transports.conf': '[0.0.0.0-udp]\ntype=transport\nprotocol=udp\nbind=0.0.0.0:5060\n',
      'pjsip.endpoint.conf': [
        '[104]', 'type=endpoint', 'aors=104', 'auth=104-auth', 'context=from-internal',
        '[MyITSP]', 'type=endpoint', 'aors=MyITSP', 'outbound_auth=MyITSP', 'context=from-pstn',
        '[CarrierByIP]', 'type=endpoint', 'aors=CarrierByIP', 'context=from-pstn', '',
      ].join('\n'),
      'pjsip.aor.conf': '[104]\ntype=aor\nmax_contacts=1\n[MyITSP]\ntype=aor\ncontact=sip:sip.itsp.example:5060\n[CarrierByIP]\ntype=aor\ncontact=sip:198.51.100.10\n',
      'pjsip.auth.conf': '[104-auth]\ntype=auth\nauth_type=userpass\nusername=104\npassword=x\n[MyITSP]\ntype=auth\nusername=acct123\npassword=y\n',
      'pjsip.registration.conf': '[MyITSP]\ntype=registration\nendpoint=MyITSP\nserver_uri=sip:sip.itsp.example\nclient_uri=sip:acct123@sip.itsp.example\n',
      'pjsip.identify.conf': '[CarrierByIP]\ntype=identify\nendpoint=CarrierByIP\nmatch=198.51.100.10\n',
      'sip.conf': '[general]\nregister => 5551234:secret@sip.oldprovider.example/5551234\n#include sip_additional.conf\n',
      'sip_additional.conf': '[300]\ntype=friend\nhost=dynamic\nsecret=z\n[oldprovider]\ntype=peer\nhost=sip.oldprovider.example\n',
    });
    const { accounts, files } = discoverAccounts({ root, configDir: '/etc/asterisk' });
    expect(accounts.get('104')?.cls).toBe('extension');
    expect(accounts.get('MyITSP')).toMatchObject({ cls: 'trunk', why: expect.stringContaining('outbound registration') });
    expect(accounts.get('CarrierByIP')).toMatchObject({ cls: 'trunk', why: expect.stringContaining('identify') });
    expect(accounts.get('300')?.cls).toBe('extension');
    expect(accounts.get('oldprovider')?.cls).toBe('trunk');
    expect(accounts.get('5551234')).toMatchObject({ cls: 'trunk', why: expect.stringContaining('register =>') });
    expect(files).toContain('/etc/asterisk/pjsip.registration.conf');
  });

  it('finds nothing, without failing, where there is no Asterisk', () => {
    const root = tree({});
    expect(discoverAccounts({ root, configDir: '/etc/asterisk' }).accounts.size).toBe(0);
  });
});
