/**
 * Password guessing with sipvicious's svcrack against a PBX guarded by sipwarden, in
 * network namespaces with the real kernel firewall (root only; see
 * test/support/pbx-lab.ts). Also a person releasing an address, and the daemon
 * killed with SIGKILL in the middle of an attack. About 15 s.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeFrom, startSipp, svcrack } from '../../support/attack-tools.js';
import { hostRuleset, Lab, SECRET_100, SIP_UDP } from '../../support/pbx-lab.js';
import { json } from '../../support/procs.js';

let lab: Lab;
let rulesetBefore: string;
const HOUR = { min: 3500, max: 3600 };

beforeAll(async () => {
  rulesetBefore = await hostRuleset();
  lab = await Lab.start({ purpose: 'crack' });
}, 30_000);

afterAll(async () => {
  await lab?.close();
}, 20_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Security-log lines of one event type from `ip`. */
const securityLines = (event: string, ip: string) =>
  lab.read('logs/security').split('\n').filter((l) => l.includes(`SecurityEvent="${event}"`) && l.includes(`RemoteAddress="IPV4/UDP/${ip}/`));

describe('svcrack against extension 100 (IPv4)', () => {
  it('is banned at its 2nd failure for about an hour, reaches the PBX no more, and never finds the secret', async () => {
    const { attacker, pbx4 } = lab.pair;
    const a = lab.pair.attacker4[0] as string;
    const dictionary = path.join(lab.dir, 'dictionary.txt');
    fs.writeFileSync(dictionary, [...Array.from({ length: 29 }, (_, i) => `guess-${i + 1}`), SECRET_100, ''].join('\n'));
    await routeFrom(attacker, pbx4, a);
    await lab.countPackets(a);

    // svcrack waits for each answer before its next guess; blocked, it keeps re-sending for 2 s.
    const run = svcrack(lab.procs, attacker, { target: pbx4, user: '100', dictionary, maxSeconds: 2 });
    const elem = await lab.waitBanned(a, 5_000);
    expect(elem, 'the attacker is in ban4').not.toBeNull();
    const reachedAtBan = securityLines('ChallengeResponseFailed', a).length;
    expect(reachedAtBan, 'guesses that reached the PBX: 12 would be the permanent tier, i.e. the block came far too late').toBeLessThan(12);
    expect(elem!.timeout).toBeGreaterThanOrEqual(HOUR.min);
    expect(elem!.timeout).toBeLessThanOrEqual(HOUR.max);
    await sleep(50); // datagrams the kernel let through just before the ban are handled by now
    const reached = await lab.received(a);
    const arrivedAtBan = await lab.packetsFrom(a);

    const cracked = await run;
    expect(cracked.gaveUp, cracked.output).toBe(true);
    const decisions = lab.failedAuth(a).filter((l) => l.includes(' FAILED '));
    expect(decisions[0]).toMatch(/ counts=1\/1h,1\/1d action=counted /);
    expect(decisions[1]).toMatch(/ counts=2\/1h,2\/1d action=banned tier=1 /);
    const answered = securityLines('ChallengeResponseFailed', a).length;
    console.log(`svcrack: ${answered} wrong guesses reached the PBX before the ban took hold (policy: 2)`);

    // The secret was never found: not by svcrack, not in the PBX's log.
    expect(cracked.output).not.toContain(SECRET_100);
    expect(securityLines('SuccessfulAuth', a)).toEqual([]);

    // Its later packets reached the kernel and were dropped there: the PBX saw none of them.
    expect(await lab.probe(a)).toBe(false);
    const arrived = await lab.packetsFrom(a);
    console.log(`svcrack: ${arrived - arrivedAtBan} more packets after the ban, all dropped`);
    expect(arrived).toBeGreaterThan(arrivedAtBan);
    expect(await lab.received(a)).toBe(reached);
    expect(securityLines('ChallengeResponseFailed', a)).toHaveLength(answered);
  }, 30_000);

  it('`sipwarden release` gives the address its access back', async () => {
    const b = lab.pair.attacker4[1] as string;
    await lab.sipUdp(['guess', '--from', b, '--to', lab.pair.pbx4, '--count', '4', '--rate', '50']);
    expect(await lab.waitBanned(b, 3_000)).not.toBeNull();
    expect(await lab.probe(b)).toBe(false);

    // A prober keeps asking (every 20 ms) while a person releases the address.
    const prober = lab.procs.start(lab.pair.attacker, process.execPath, [SIP_UDP, 'await', '--from', b, '--to', lab.pair.pbx4, '--timeout-ms', '8000']);
    expect(await prober.waitLine((l) => l.includes('"ready"'), 5_000)).not.toBeNull();
    const t0 = Date.now();
    const release = await lab.sipwarden(['release', b]);
    const cliMs = Date.now() - t0;
    expect(release.code, release.stderr).toBe(0);
    const result = json((await prober.waitLine((l) => l.includes('"answered"'), 9_000)) ?? '');
    expect(result?.answered).toBe(true);
    const ms = (result?.at as number) - t0;
    console.log(`release: first answer ${ms} ms after \`sipwarden release\` started (the CLI itself took ${cliMs} ms)`);
    expect(ms).toBeLessThan(5_000);
    expect((await lab.banSet('ban4')).map((e) => e.ip)).not.toContain(b);
  }, 30_000);

  it('kill -9 of the daemon during an attack: every ban stays enforced, none doubled, the attack stays blocked', async () => {
    const { attacker, pbx4 } = lab.pair;
    const c = lab.pair.attacker4[2] as string;
    const sipp = startSipp(lab.procs, attacker, { from: c, to: pbx4, user: '100', password: 'not-it', calls: 150, rate: 15, cwd: lab.dir });
    expect(await lab.waitBanned(c, 5_000)).not.toBeNull();
    const before = await lab.banSet('ban4');
    expect(before.map((e) => e.ip).sort()).toEqual([lab.pair.attacker4[0], c].sort());
    // The kill comes once the store holds both bans, so the restart restores them from it.
    // (A ban killed on its way from the kernel to the store is found again in the log at the
    // restart: the catch-up of d below is that path.) Under load the store's commit, on its
    // own thread, can come a few hundred ms after the kernel's element.
    const stored = async () => (JSON.parse((await lab.sipwarden(['bans', '--json'])).stdout) as { rows: unknown[] }).rows.length;
    for (const end = Date.now() + 5_000; (await stored()) < 2 && Date.now() < end;) await sleep(50);
    expect(await stored()).toBe(2);

    await lab.daemon!.stop('SIGKILL');
    await sleep(100);
    const reached = await lab.received(c);
    expect((await lab.banSet('ban4')).map((e) => e.ip).sort()).toEqual(before.map((e) => e.ip).sort());

    // While sipwarden is down, another address fails twice; the kernel keeps blocking c.
    const d = await lab.addAttackerAddress('10.77.0.10');
    await lab.sipUdp(['register', '--from', d, '--to', pbx4, '--user', '999', '--count', '2']);
    await sleep(700);
    expect(await lab.received(c)).toBe(reached);

    await lab.startDaemon();
    expect(lab.daemonSaid('restored bans and counters from the store')[0]?.bans).toBe(2);
    expect(await lab.waitBanned(d, 3_000), 'failures logged while the daemon was down are caught up').not.toBeNull();
    const after = await lab.banSet('ban4');
    const ips = after.map((e) => e.ip);
    expect(new Set(ips).size).toBe(ips.length);
    expect(ips.sort()).toEqual([lab.pair.attacker4[0], c, d].sort());
    for (const e of after) {
      expect(e.timeout).toBeGreaterThanOrEqual(HOUR.min);
      expect(e.timeout).toBeLessThanOrEqual(HOUR.max);
    }
    const bans = JSON.parse((await lab.sipwarden(['bans', '--json'])).stdout) as { rows: Array<{ ip: string }> };
    expect(bans.rows.map((b) => b.ip).sort()).toEqual([lab.pair.attacker4[0], c, d].sort());

    expect(await lab.probe(c)).toBe(false);
    expect(sipp.child.exitCode, 'sipp was still attacking all along').toBeNull();
    expect(await lab.received(c)).toBe(reached);
    await sipp.stop('SIGKILL');
  }, 40_000);

  it('leaves the host\'s own ruleset untouched', async () => {
    expect(await hostRuleset()).toBe(rulesetBefore);
  });
});
