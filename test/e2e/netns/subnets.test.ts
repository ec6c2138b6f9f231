/**
 * Subnet escalation against the real kernel firewall, in network namespaces (root
 * only; see test/support/pbx-lab.ts): five attacking addresses of one /24 (and of one
 * IPv6 /64) are banned one by one, then the whole network is — so an address of it
 * that never attacked cannot reach the PBX either — while a network holding an
 * internal address is never banned whole. A person releases the network from the
 * CLI; a daemon killed with -9 brings the network ban back. About 20 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../support/netns.js';
import { hostRuleset, Lab } from '../../support/pbx-lab.js';

let lab: Lab;
let rulesetBefore: string;
const DAY = { min: 86_300, max: 86_400 };
const NET = '10.78.5.0/24';
const ATTACKERS = ['10.78.5.11', '10.78.5.12', '10.78.5.13', '10.78.5.14', '10.78.5.15'];
const BYSTANDER = '10.78.5.99'; // same /24, never attacks
const ELSEWHERE = '10.78.6.2'; // another /24
const SPARED_NET = '10.78.7.0/24';
const SPARED = ['10.78.7.11', '10.78.7.12', '10.78.7.13', '10.78.7.14', '10.78.7.15'];
const OFFICE = '10.78.7.200'; // internal: its /24 is never banned whole
const NET6 = 'fd78:0:0:5::/64';
const ATTACKERS6 = ['fd78:0:0:5::11', 'fd78:0:0:5::12', 'fd78:0:0:5::13', 'fd78:0:0:5::14', 'fd78:0:0:5::15'];
const BYSTANDER6 = 'fd78:0:0:5::99';

beforeAll(async () => {
  rulesetBefore = await hostRuleset();
  lab = await Lab.start({ purpose: 'subnets', internal: [`${OFFICE}/32`] });
  await lab.addOffLinkAttackers(NET, [...ATTACKERS, BYSTANDER]);
  await lab.addOffLinkAttackers('10.78.6.0/24', [ELSEWHERE]);
  await lab.addOffLinkAttackers(SPARED_NET, [...SPARED, OFFICE]);
  await lab.addOffLinkAttackers(NET6, [...ATTACKERS6, BYSTANDER6]);
}, 30_000);

afterAll(async () => {
  await lab?.close();
}, 20_000);

/** Three wrong passwords from `from` (the tiers ban at the second). */
async function guess(from: string): Promise<void> {
  const to = from.includes(':') ? lab.pair.pbx6 : lab.pair.pbx4;
  await lab.sipUdp(['guess', '--from', from, '--to', to, '--count', '3', '--rate', '50', '--timeout-ms', '1500']);
}

async function attackEach(addresses: readonly string[]): Promise<void> {
  for (const a of addresses) {
    await guess(a);
    expect(await lab.waitBanned(a, 3_000), `${a} banned on its own`).not.toBeNull();
  }
}

async function waitProbe(from: string, want: boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  let got = await lab.probe(from);
  while (got !== want && Date.now() < end) got = await lab.probe(from);
  return got;
}

describe('subnet escalation (IPv4 /24)', () => {
  it('bans the whole /24 once its fifth address is banned: an address of it that never attacked is blocked, another /24 is not', async () => {
    expect(await lab.probe(BYSTANDER)).toBe(true);
    await attackEach(ATTACKERS.slice(0, 4));
    expect(await lab.banSet('net4')).toEqual([]);
    expect(await lab.probe(BYSTANDER)).toBe(true);

    await attackEach(ATTACKERS.slice(4));
    const elem = await lab.waitBanned(NET, 3_000);
    expect(elem, 'the /24 is in net4').not.toBeNull();
    expect(elem!.timeout).toBeGreaterThanOrEqual(DAY.min);
    expect(elem!.timeout).toBeLessThanOrEqual(DAY.max);
    expect(await lab.probe(BYSTANDER)).toBe(false);
    expect(await lab.probe(ELSEWHERE)).toBe(true);
    expect(lab.read('failed-auth.log')).toMatch(new RegExp(` SUBNET net=${NET.replace(/\./g, '\\.')} action=banned trigger=10\\.78\\.5\\.15 addresses=5 until=\\S+Z\\n`));
    expect(lab.daemonSaid('banned').map((l) => l.ip)).toContain(NET);

    const bans = JSON.parse((await lab.sipwarden(['bans', '--json'])).stdout) as { rows: Array<{ ip: string; reason: string; failures: number }> };
    expect(bans.rows.find((b) => b.ip === NET)).toMatchObject({ reason: 'subnet-escalation: 5 addresses of 10.78.5.0/24 banned within 1d', failures: 5 });
    const text = (await lab.sipwarden(['bans'])).stdout;
    expect(text).toMatch(/^10\.78\.5\.0\/24 +subnet-escalation +active /m);
    expect(text).toMatch(/^10\.78\.5\.11 +tier 1 +active /m);
  }, 40_000);

  it('releasing one address of the banned /24 says it stays blocked; releasing the /24 lets the bystander back in', async () => {
    const one = await lab.sipwarden(['release', ATTACKERS[0] as string]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain(`note: ${ATTACKERS[0]} is still blocked: its network ${NET} is banned`);
    expect(await lab.probe(ATTACKERS[0] as string)).toBe(false);

    const net = await lab.sipwarden(['release', NET]);
    expect(net.code, net.stderr).toBe(0);
    expect(await waitProbe(BYSTANDER, true, 3_000), 'bystander unblocked').toBe(true);
    expect(await waitProbe(ATTACKERS[0] as string, true, 3_000), 'the released attacker unblocked').toBe(true);
    expect(await lab.probe(ATTACKERS[1] as string), 'an attacker banned on its own stays blocked').toBe(false);
    expect(await lab.banSet('net4')).toEqual([]);
  }, 30_000);

  it('never bans a /24 that holds an internal address, and says why in the failed-auth log', async () => {
    await attackEach(SPARED);
    await new Promise((r) => setTimeout(r, 300));
    expect((await lab.banSet('net4')).map((e) => e.ip)).not.toContain(SPARED_NET);
    expect(lab.read('failed-auth.log')).toContain(`SUBNET net=${SPARED_NET} action=spared trigger=${SPARED[4]} why="it overlaps internal networks"`);
    expect(await lab.probe(OFFICE)).toBe(true);
  }, 30_000);
});

describe('subnet escalation (IPv6 /64)', () => {
  it('bans the /64 after five of its addresses, and a daemon killed with -9 brings it back', async () => {
    await attackEach(ATTACKERS6);
    expect(await lab.waitBanned(NET6, 3_000), 'the /64 is in net6').not.toBeNull();
    expect(await lab.probe(BYSTANDER6)).toBe(false);

    lab.daemon!.child.kill('SIGKILL');
    await lab.daemon!.exited;
    // A reboot empties the kernel's sets: the store must bring the network ban back.
    await exec(lab.pair.pbx, 'nft', ['flush', 'set', 'inet', 'sipwarden', 'net6']);
    expect(await lab.probe(BYSTANDER6)).toBe(true);
    await lab.startDaemon();
    expect(await lab.waitBanned(NET6, 3_000), 'restored from the store').not.toBeNull();
    expect(await lab.probe(BYSTANDER6)).toBe(false);
  }, 40_000);

  it('leaves the host\'s own ruleset untouched', async () => {
    expect(await hostRuleset()).toBe(rulesetBefore);
  });
});
