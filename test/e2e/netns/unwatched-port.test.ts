/**
 * The fail-safe when a port is missed: `firewall.ports: [5060]` overrides what is
 * learned and leaves chan_sip's 5160 out. The daemon names that port at start; the
 * first failure on it is said once, in plain words, and the kernel then watches every
 * port, so the attacker is banned at a later failure instead of walking through.
 * Network namespaces, real nftables (root only). About 15 s.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { must } from '../../support/netns.js';
import { Lab, LAB_PJSIP_CONF } from '../../support/pbx-lab.js';

let lab: Lab;

beforeAll(async () => {
  lab = await Lab.start({
    purpose: 'unwatched',
    asteriskConf: { 'pjsip.conf': LAB_PJSIP_CONF, 'sip.conf': '[general]\nbindport=5160\nbindaddr=0.0.0.0\n' },
    extraSip: [{ host: '0.0.0.0', port: 5160, driver: 'chan_sip', tcp: false }],
    configExtra: '',
  });
  // The lab's config has a firewall section: override its ports there.
  fs.writeFileSync(lab.config, lab.read('sipwarden.yaml').replace('firewall:\n', 'firewall:\n  ports: [5060]\n'));
  await lab.daemon!.stop();
  await lab.startDaemon();
}, 40_000);

afterAll(async () => {
  await lab?.close();
}, 20_000);

describe('a port left out of firewall.ports', () => {
  it('is named at start, then the first failure on it widens the watch to every port and the attacker is banned', async () => {
    expect(lab.daemonSaid(/chan_sip port 5160 .* is not in firewall\.ports/)).toHaveLength(1);
    expect(await must(lab.pair.pbx, 'nft', ['list', 'chain', 'inet', 'sipwarden', 'input'])).toContain('th dport { 5060, 8472 } update @seen4');

    const a = lab.pair.attacker4[0] as string;
    const guess = (n: number) => lab.sipUdp(['guess', '--from', a, '--to', lab.pair.pbx4, '--port', '5160', '--count', String(n), '--rate', '20']);
    await guess(2);
    await expect.poll(() => lab.daemonSaid(/none of its ports is watched/).length, { timeout: 5_000 }).toBe(1);
    expect(lab.read('failed-auth.log')).toMatch(/ALERT kind=unwatched_port .*service=SIP .*chan_sip service came from 10\.77\.0\.2, but none of its ports is watched/);
    await expect.poll(async () => must(lab.pair.pbx, 'nft', ['list', 'chain', 'inet', 'sipwarden', 'input']), { timeout: 5_000 })
      .toMatch(/\n\t\tupdate @seen4 { ip saddr }\n/);

    // Its next guesses are seen by the kernel now: banned.
    await guess(2);
    expect(await lab.waitBanned(a, 5_000)).not.toBeNull();
    expect(lab.daemonSaid(/none of its ports is watched/)).toHaveLength(1); // said once
  }, 30_000);
});
