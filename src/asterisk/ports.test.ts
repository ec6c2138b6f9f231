import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { discoverPorts, splitHostPort } from './ports.js';

const FIXTURE_CONF = path.resolve(import.meta.dirname, '../../test/fixtures/asterisk-20/conf');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Writes `files` into a fresh config directory. */
function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-ports-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** The shape FreePBX 17 generates: PJSIP on 5060 (udp) and 5061 (tls), chan_sip on 5160, the AMI on loopback. */
const FREEPBX_17: Record<string, string> = {
  'pjsip.conf': '#include pjsip_custom.conf\n#include pjsip.transports.conf\n#include pjsip_custom_post.conf\n',
  'pjsip_custom.conf': '',
  'pjsip_custom_post.conf': '',
  'pjsip.transports.conf': [
    '[0.0.0.0-udp]', 'type=transport', 'protocol=udp', 'bind=0.0.0.0:5060', 'allow_reload=no', 'tos=cs3', '',
    '[0.0.0.0-tls]', 'type=transport', 'protocol=tls', 'bind=0.0.0.0:5061', 'cert_file=/etc/asterisk/keys/default.crt', '',
  ].join('\n'),
  'sip.conf': '[general]\n#include sip_general_additional.conf\n#include sip_general_custom.conf\n#include sip_nat.conf\n',
  'sip_general_additional.conf': 'vmexten=*97\nbindport=5160\nbindaddr=0.0.0.0\ntcpenable=no\ntlsenable=no\n',
  'sip_general_custom.conf': '',
  'sip_nat.conf': '',
  'manager.conf': '[general]\nenabled = yes\nport = 5038\nbindaddr = 127.0.0.1\ndisplayconnects=no\n',
  'http.conf': '[general]\nenabled=yes\nbindaddr=::\nbindport=8088\ntlsenable=yes\ntlsbindaddr=[::]:8089\n',
};

describe('discoverPorts', () => {
  it("gives exactly FreePBX 17's ports: chan_sip 5160, PJSIP 5060/5061, each with where it was read", () => {
    const r = discoverPorts({ configDir: tree(FREEPBX_17) });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.ports.map((p) => `${p.service} ${p.proto}/${p.port}`).sort()).toEqual(['PJSIP tcp/5061', 'PJSIP udp/5060', 'SIP udp/5160']);
    const sip = r.ports.find((p) => p.service === 'SIP');
    expect(sip?.from).toContain('sip_general_additional.conf:2 bindport = 5160');
    expect(r.ports.find((p) => p.port === 5061)?.from).toContain('pjsip.transports.conf:11 bind = 0.0.0.0:5061');
    expect(r.notes.join('\n')).toMatch(/AMI listens on loopback only/);
  });

  it('adds the manager when it listens beyond loopback, with TLS, and only when enabled', () => {
    const open = discoverPorts({ configDir: tree({ ...FREEPBX_17, 'manager.conf': '[general]\nenabled=yes\nport=5038\nbindaddr=0.0.0.0\ntlsenable=yes\ntlsbindaddr=0.0.0.0:5039\n' }) });
    expect(open.ok && open.ports.filter((p) => p.service === 'AMI').map((p) => p.port)).toEqual([5038, 5039]);
    const off = discoverPorts({ configDir: tree({ ...FREEPBX_17, 'manager.conf': '[general]\nenabled=no\nport=5038\nbindaddr=0.0.0.0\n' }) });
    expect(off.ok && off.ports.some((p) => p.service === 'AMI')).toBe(false);
    const dflt = discoverPorts({ configDir: tree({ ...FREEPBX_17, 'manager.conf': '[general]\nenabled=yes\n' }) });
    expect(dflt.ok && dflt.ports.filter((p) => p.service === 'AMI').map((p) => p.port)).toEqual([5038]);
  });

  it('reads chan_sip tcp/tls, IAX2 and PJSIP WebSocket transports (through http.conf)', () => {
    const r = discoverPorts({
      configDir: tree({
        'pjsip.conf': '[t-wss]\ntype=transport\nprotocol=wss\nbind=0.0.0.0\n[t6]\ntype=transport\nprotocol=tcp\nbind=[::]:5080\n[tpl](!)\ntype=transport\nbind=0.0.0.0:9999\n',
        'sip.conf': '[general]\nudpbindaddr=0.0.0.0:5070\ntcpenable=yes\ntcpbindaddr=0.0.0.0:5071\ntlsenable=yes\n',
        'iax.conf': '[general]\nbindport=4570\nbindaddr=192.0.2.10\nbindaddr=192.0.2.11:4580\n',
        'http.conf': '[general]\nenabled=yes\nbindport=8088\ntlsenable=yes\ntlsbindaddr=0.0.0.0:8089\n',
      }),
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.ports.map((p) => `${p.service} ${p.proto}/${p.port}`).sort()).toEqual([
      'HTTP tcp/8088', 'HTTP tcp/8089', 'IAX2 udp/4570', 'IAX2 udp/4580', 'PJSIP tcp/5080', 'SIP tcp/5061', 'SIP tcp/5071', 'SIP udp/5070',
    ]);
  });

  it('leaves out drivers modules.conf does not load, and uses the defaults when nothing is set', () => {
    const r = discoverPorts({
      configDir: tree({
        'pjsip.conf': '[udp]\ntype=transport\n',
        'sip.conf': '[general]\n',
        'iax.conf': '[general]\n',
        'modules.conf': '[modules]\nautoload=yes\nnoload => chan_sip.so\n',
      }),
    });
    expect(r.ok && r.ports.map((p) => `${p.service} ${p.proto}/${p.port}`)).toEqual(['PJSIP udp/5060', 'IAX2 udp/4569']);
  });

  it('is not ok when the configuration is missing, unreadable, or describes only loopback listeners', () => {
    expect(discoverPorts({ configDir: '/nonexistent/asterisk' })).toMatchObject({ ok: false, why: expect.stringContaining('no pjsip.conf') });
    // The captured rig listened on 127.0.0.1 only: nothing from outside reaches it.
    expect(discoverPorts({ configDir: FIXTURE_CONF })).toMatchObject({ ok: false, why: expect.stringContaining('names no SIP or IAX2 listener') });
    const dir = tree({});
    fs.mkdirSync(path.join(dir, 'pjsip.conf')); // not a regular file: read as missing
    expect(discoverPorts({ configDir: dir })).toMatchObject({ ok: false });
  });
});

describe('splitHostPort', () => {
  it('reads the address forms Asterisk accepts', () => {
    expect(splitHostPort('0.0.0.0:5060')).toEqual({ host: '0.0.0.0', port: 5060 });
    expect(splitHostPort('[::]:5061')).toEqual({ host: '::', port: 5061 });
    expect(splitHostPort('::')).toEqual({ host: '::', port: null });
    expect(splitHostPort('10.0.0.1')).toEqual({ host: '10.0.0.1', port: null });
    expect(splitHostPort('10.0.0.1:99999')).toEqual({ host: '10.0.0.1', port: null });
  });
});
