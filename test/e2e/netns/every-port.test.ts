/**
 * Every service the PBX listens on is defended, in network namespaces with the real
 * kernel firewall (root only; see test/support/pbx-lab.ts). The PBX is configured the
 * way FreePBX 17 is — PJSIP on 5060, chan_sip on 5160, the manager (AMI) on 5038 open
 * to the network — and the dashboard listens on the PBX's address. sipwarden learns
 * those ports from the configuration, so an attacker of each is banned after its
 * second failure and reaches the PBX no more. (Before, the kernel watched only
 * 5060/5061/4569: every such ban was refused as "never seen".) About 20 s.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeFrom, svcrack } from '../../support/attack-tools.js';
import { must } from '../../support/netns.js';
import { Lab, LAB_PJSIP_CONF, SECRET_100 } from '../../support/pbx-lab.js';
import { ROOT } from '../../support/cli.js';

const TCP_LOGIN = path.join(ROOT, 'test/support/tcp-login.mjs');
let lab: Lab;

beforeAll(async () => {
  lab = await Lab.start({
    purpose: 'ports',
    asteriskConf: {
      'pjsip.conf': LAB_PJSIP_CONF,
      'sip.conf': '[general]\n#include sip_general_additional.conf\n',
      'sip_general_additional.conf': 'bindport=5160\nbindaddr=0.0.0.0\ntcpenable=no\n',
      'manager.conf': '[general]\nenabled = yes\nport = 5038\nbindaddr = 0.0.0.0\n',
    },
    extraSip: [{ host: '0.0.0.0', port: 5160, driver: 'chan_sip', tcp: false }],
    amiHost: '0.0.0.0',
    configExtra: 'web:\n  listen: 0.0.0.0:8472',
  });
}, 30_000);

afterAll(async () => {
  await lab?.close();
}, 20_000);

/** Brute-force logins from `from` (tcp-login.mjs in the attacker namespace). */
async function tcpLogin(mode: 'ami' | 'http', from: string, count: number): Promise<Array<string | number>> {
  const out = await must(lab.pair.attacker, process.execPath, [TCP_LOGIN, mode, '--from', from, '--to', lab.pair.pbx4, '--count', String(count), '--timeout', '2500']);
  return (JSON.parse(out) as { answers: Array<string | number> }).answers;
}

describe('the ports the PBX really listens on', () => {
  it('are learned from its configuration and shown by `sipwarden status`, with where each came from', async () => {
    const r = await lab.sipwarden(['status']);
    expect(r.stdout).toMatch(/kernel watches:\n/);
    expect(r.stdout).toMatch(/ 5060\/udp\s+PJSIP\s+\S*pjsip\.conf:4 bind = 0\.0\.0\.0:5060/);
    expect(r.stdout).toMatch(/ 5160\/udp\s+SIP\s+\S*sip_general_additional\.conf:2 bindaddr = 0\.0\.0\.0, \S*sip_general_additional\.conf:1 bindport = 5160/);
    expect(r.stdout).toMatch(/ 5038\/tcp\s+AMI\s+/);
    expect(r.stdout).toMatch(/ 8472\/tcp\s+HTTP\s+web\.listen/);
    const rules = await must(lab.pair.pbx, 'nft', ['list', 'chain', 'inet', 'sipwarden', 'input']);
    expect(rules).toContain('th dport { 5038, 5060, 5160, 8472 } update @seen4');
  });
});

describe('an attacker of each service is banned at its second failure', () => {
  it('svcrack against chan_sip on 5160', async () => {
    const a = lab.pair.attacker4[0] as string;
    const dictionary = path.join(lab.dir, 'dictionary.txt');
    fs.writeFileSync(dictionary, [...Array.from({ length: 29 }, (_, i) => `guess-${i + 1}`), SECRET_100, ''].join('\n'));
    await routeFrom(lab.pair.attacker, lab.pair.pbx4, a);
    const run = svcrack(lab.procs, lab.pair.attacker, { target: lab.pair.pbx4, user: '100', dictionary, maxSeconds: 2, port: 5160 });
    const elem = await lab.waitBanned(a, 5_000);
    expect(elem, 'the chan_sip attacker is in ban4').not.toBeNull();
    expect(elem!.timeout).toBeGreaterThan(3500);
    const cracked = await run;
    expect(cracked.output).not.toContain(SECRET_100);
    const lines = lab.failedAuth(a).filter((l) => l.includes(' FAILED '));
    expect(lines[1]).toMatch(/ service=SIP .*action=banned tier=1 /);
    expect(lab.read('failed-auth.log')).not.toContain(`INJECTION`);
    expect(await lab.probe(a)).toBe(false); // every later packet is dropped, 5060 included
  }, 40_000);

  it('an AMI brute force on 5038: banned, and its next connection never gets an answer', async () => {
    const a = lab.pair.attacker4[1] as string;
    const first = await tcpLogin('ami', a, 2);
    expect(first).toEqual(['Authentication failed', 'Authentication failed']);
    const elem = await lab.waitBanned(a, 5_000);
    expect(elem, 'the AMI attacker is in ban4').not.toBeNull();
    const lines = lab.failedAuth(a).filter((l) => l.includes(' FAILED '));
    expect(lines.at(-1)).toMatch(/ service=AMI .*action=banned tier=1 /);
    expect(await tcpLogin('ami', a, 1)).toEqual(['timeout']);
  }, 30_000);

  it('a brute force on the dashboard login from outside: banned after two wrong passwords', async () => {
    const a = lab.pair.attacker4[2] as string;
    expect(await tcpLogin('http', a, 2)).toEqual([401, 401]);
    const elem = await lab.waitBanned(a, 5_000);
    expect(elem, 'the dashboard attacker is in ban4').not.toBeNull();
    expect(lab.failedAuth(a).filter((l) => l.includes(' FAILED ')).at(-1)).toMatch(/ service=HTTP .*action=banned tier=1 /);
    expect(await tcpLogin('http', a, 1)).toEqual(['timeout']);
  }, 30_000);
});

describe('a change of the PBX configuration', () => {
  it('is read again on SIGHUP and the seen rule changes in place, bans kept', async () => {
    fs.writeFileSync(path.join(lab.dir, 'asterisk', 'sip_general_additional.conf'), 'bindport=5170\nbindaddr=0.0.0.0\n');
    const before = await lab.banSet('ban4');
    expect(before).toHaveLength(3); // the three attackers above
    lab.daemon!.child.kill('SIGHUP');
    await expect.poll(async () => must(lab.pair.pbx, 'nft', ['list', 'chain', 'inet', 'sipwarden', 'input']), { timeout: 5_000 })
      .toContain('th dport { 5038, 5060, 5170, 8472 } update @seen4');
    expect(await lab.banSet('ban4')).toEqual(before);
    expect(lab.daemonSaid('the kernel watches the ports the PBX listens on').at(-1)?.watch).toContain('5170/udp SIP (' + path.join(lab.dir, 'asterisk', 'sip_general_additional.conf') + ':2 bindaddr = 0.0.0.0, ' + path.join(lab.dir, 'asterisk', 'sip_general_additional.conf') + ':1 bindport = 5170)');
    fs.writeFileSync(path.join(lab.dir, 'asterisk', 'sip_general_additional.conf'), 'bindport=5160\nbindaddr=0.0.0.0\ntcpenable=no\n');
    lab.daemon!.child.kill('SIGHUP');
    await expect.poll(async () => must(lab.pair.pbx, 'nft', ['list', 'chain', 'inet', 'sipwarden', 'input']), { timeout: 5_000 })
      .toContain('th dport { 5038, 5060, 5160, 8472 } update @seen4');
  }, 20_000);
});
