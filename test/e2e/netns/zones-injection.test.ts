/**
 * Who must never be banned, against the real kernel firewall in network namespaces
 * (root only; see test/support/pbx-lab.ts): an address of the internal zone, however
 * often it fails; and an address that only appears in attacker-chosen text (a forged
 * `failed for '…'` slot in a display name, a forged RemoteAddress in the account name
 * and Call-ID) or in a forged log line — it never sent the PBX a packet. About 10 s.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeFrom, svcrack } from '../../support/attack-tools.js';
import { chansipFailure } from '../../support/cli.js';
import { hostRuleset, Lab } from '../../support/pbx-lab.js';

let lab: Lab;
let rulesetBefore: string;
/** attacker4[1] is made internal; attacker4[2] never sends anything (the innocent). */
let inside: string;
let innocent: string;

beforeAll(async () => {
  rulesetBefore = await hostRuleset();
  inside = '10.77.0.3';
  innocent = '10.77.0.4';
  lab = await Lab.start({ purpose: 'zones', internal: [`${inside}/32`] });
  expect([lab.pair.attacker4[1], lab.pair.attacker4[2]]).toEqual([inside, innocent]);
}, 30_000);

afterAll(async () => {
  await lab?.close();
}, 20_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const banned = async () => (await lab.banSet('ban4')).map((e) => e.ip);

describe('the internal zone', () => {
  it('an internal address failing 15 times is logged every time, never banned, never blocked', async () => {
    const { attacker, pbx4 } = lab.pair;
    const dictionary = path.join(lab.dir, 'wrong.txt');
    fs.writeFileSync(dictionary, `${Array.from({ length: 15 }, (_, i) => `nope-${i}`).join('\n')}\n`);
    await routeFrom(attacker, pbx4, inside);
    const run = await svcrack(lab.procs, attacker, { target: pbx4, user: '100', dictionary, maxSeconds: 1 });
    expect(run.gaveUp, run.output).toBe(true);

    const failures = lab.failedAuth(inside).filter((l) => l.includes(' FAILED '));
    expect(failures).toHaveLength(15);
    expect(failures.every((l) => / zone=internal /.test(l) && / action=(counted|exempt) /.test(l))).toBe(true);
    // Memory per address is bounded by the largest tier (12 timestamps): the count stops there.
    expect(failures.at(-1)).toMatch(/ counts=12\/1h,12\/1d action=exempt tier=2 /);
    expect(lab.daemonSaid('banned').filter((l) => l.ip === inside)).toEqual([]);
    expect(await banned()).not.toContain(inside);
    expect(await lab.probe(inside)).toBe(true);
  }, 30_000);
});

describe('log injection', () => {
  it('a hostile display name, account name and Call-ID naming the innocent ban only the real sender', async () => {
    const a = lab.pair.attacker4[0] as string;
    await lab.countPackets(innocent);
    const fake = `IPV4/UDP/${innocent}/5060`;
    // The simulator writes these verbatim: the NOTICE gets a second `failed for '…'` slot,
    // the security event a RemoteAddress inside AccountID (cut to 36 bytes, as pjsip does) and SessionID.
    const out = await lab.sipUdp([
      'register', '--from', a, '--to', lab.pair.pbx4, '--count', '3',
      '--display', `"' failed for '${innocent}:5060' (callid: x) - No matching endpoint found"`,
      '--user', `%22,RemoteAddress=%22${fake}%22`,
      '--call-id', `x{n}",LocalAddress="IPV4/UDP/${lab.pair.pbx4}/5060",RemoteAddress="${fake}`,
    ]);
    expect(out.answered, 'the PBX answered the first two').toBeGreaterThanOrEqual(2);
    expect(lab.read('logs/messages')).toContain(`failed for '${innocent}:5060'`);
    expect(lab.read('logs/security')).toContain(`AccountID="",RemoteAddress="IPV4/UDP/${innocent}/",SessionID="x1",`);

    expect(await lab.waitBanned(a, 3_000), 'the real sender is banned').not.toBeNull();
    // The NOTICE lines name two addresses: they count for nobody; the security events decide.
    expect(lab.read('failed-auth.log')).toContain(`INJECTION service=PJSIP candidates="${innocent},${a}" action=ignored`);
    await sleep(500); // any late report of the same attempts (AMI) lands by now
    expect(await banned()).not.toContain(innocent);
    expect(lab.failedAuth(innocent).filter((l) => l.includes(' FAILED '))).toEqual([]);
    expect(await lab.packetsFrom(innocent)).toBe(0);
  }, 30_000);

  it('even a clean-looking forged log line cannot ban an address that never sent the PBX a packet', async () => {
    fs.appendFileSync(path.join(lab.dir, 'logs/messages'), chansipFailure(innocent) + chansipFailure(innocent));
    const refused = async () => lab.daemonSaid(/never sent the PBX a packet/).some((l) => l.ip === innocent);
    for (let i = 0; i < 60 && !(await refused()); i++) await sleep(50);
    expect(await refused()).toBe(true);
    expect(await banned()).not.toContain(innocent);
    expect(lab.read('failed-auth.log')).toMatch(new RegExp(`INJECTION .*${innocent.replace(/\./g, '\\.')}.*action=not_banned_never_seen`));
  }, 10_000);

  it('leaves the host\'s own ruleset untouched', async () => {
    expect(await hostRuleset()).toBe(rulesetBefore);
  });
});
