/**
 * Extension enumeration with sipvicious's svwar (unknown accounts count as failures),
 * and password guessing over IPv6 with sipp — sipvicious 0.3.3 cannot target a
 * numeric IPv6 address — against a PBX guarded by sipwarden, in network namespaces
 * with the real kernel firewall (root only; see test/support/pbx-lab.ts). About 10 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeFrom, startSipp, svwar } from '../../support/attack-tools.js';
import { hostRuleset, Lab } from '../../support/pbx-lab.js';

let lab: Lab;
let rulesetBefore: string;
const HOUR = { min: 3500, max: 3600 };

beforeAll(async () => {
  rulesetBefore = await hostRuleset();
  lab = await Lab.start({ purpose: 'war6' });
}, 30_000);

afterAll(async () => {
  await lab?.close();
}, 20_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('svwar enumeration (IPv4)', () => {
  it('is banned after 2 unknown-account failures; its next scan reaches nothing', async () => {
    const { attacker, pbx4 } = lab.pair;
    const a = lab.pair.attacker4[0] as string;
    await routeFrom(attacker, pbx4, a);
    await lab.countPackets(a);

    // --force: against Asterisk, svwar stops at its sanity check's 401 otherwise (one failure per run).
    const scan = await svwar(attacker, { target: pbx4, extensions: '200-230', force: true, maxSeconds: 2 });
    const elem = await lab.waitBanned(a, 3_000);
    expect(elem, `in ban4; svwar said: ${scan.stderr.slice(-300)}`).not.toBeNull();
    expect(elem!.timeout).toBeGreaterThanOrEqual(HOUR.min);
    expect(elem!.timeout).toBeLessThanOrEqual(HOUR.max);
    const failures = lab.failedAuth(a).filter((l) => l.includes(' FAILED '));
    expect(failures[0]).toMatch(/ reason=unknown_account .*action=counted /);
    expect(failures[1]).toMatch(/ reason=unknown_account .*action=banned tier=1 /);

    await sleep(50);
    const reached = await lab.received(a);
    const arrived = await lab.packetsFrom(a);
    // Blocked, svwar hears nothing and would wait out its socket timeout: 1.5 s of it is enough.
    const again = await svwar(attacker, { target: pbx4, extensions: '100-130', force: true, maxSeconds: 1, killAfterMs: 1_500 });
    expect(again.stdout).not.toMatch(/\b10[01]\b.*reqauth/); // found no extension
    expect(await lab.probe(a)).toBe(false);
    expect(await lab.packetsFrom(a)).toBeGreaterThan(arrived);
    expect(await lab.received(a)).toBe(reached);
  }, 30_000);
});

describe('sipp over IPv6 (UDP6), REGISTER with digest', () => {
  it('is banned in ban6 after 2 failures; its later guesses never reach the PBX', async () => {
    const { attacker, pbx6 } = lab.pair;
    const a = lab.pair.attacker6[0] as string;
    await lab.countPackets(a);
    const sipp = startSipp(lab.procs, attacker, { from: a, to: pbx6, user: '100', password: 'wrong-guess', calls: 60, rate: 10, cwd: lab.dir });
    const elem = await lab.waitBanned(a, 5_000);
    expect(elem, `in ban6; sipp said: ${sipp.lines.slice(-5).join(' | ')}`).not.toBeNull();
    expect(elem!.timeout).toBeGreaterThanOrEqual(HOUR.min);
    expect(elem!.timeout).toBeLessThanOrEqual(HOUR.max);
    expect((await lab.banSet('ban4')).map((e) => e.ip)).not.toContain(a);
    const failures = lab.failedAuth(a).filter((l) => l.includes(' FAILED '));
    expect(failures[1]).toMatch(/ reason=wrong_password .*action=banned tier=1 /);

    await sleep(50);
    const reached = await lab.received(a);
    const arrived = await lab.packetsFrom(a);
    await sleep(1_000); // sipp goes on: 10 new guesses a second, plus retransmissions
    expect(await lab.probe(a)).toBe(false);
    expect(sipp.child.exitCode, 'sipp was still attacking').toBeNull();
    expect(await lab.packetsFrom(a)).toBeGreaterThan(arrived);
    expect(await lab.received(a)).toBe(reached);
    await sipp.stop('SIGKILL');
  }, 30_000);

  it('leaves the host\'s own ruleset untouched', async () => {
    expect(await hostRuleset()).toBe(rulesetBefore);
  });
});
