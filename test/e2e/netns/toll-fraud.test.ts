/**
 * Toll fraud stopped live, in network namespaces (root only; test/support/pbx-lab.ts):
 * extension 100's real secret in an attacker's sipp places a burst of international
 * calls through the PBX simulator to the ITSP (a sipp UAS that rings 400 ms before it
 * answers). sipwarden, reading the AMI, hangs the calls up (the 5th one up at once
 * before the ITSP answers, then — at the 6th international call within the hour — that
 * one and the four already answered), suspends 100 in Asterisk's database and bans the
 * attacker's address in the kernel. The PBX itself then refuses 100's trunk calls from
 * an address that is not banned (the dial plan check), until a person runs `sipwarden
 * allow-calls 100`. Meanwhile extension 101 calls a national number, undisturbed.
 * About 40 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, SECRET_100 } from '../../support/pbx-lab.js';
import { json } from '../../support/procs.js';
import { placeCalls } from '../../support/sipp-calls.js';

let lab: Lab;
const SECRET_101 = 'another-secret-101';
/** Western European numbers, none on the high-risk list: only the volume rules can stop them. */
const BURST = ['01144207946', '0114930901820', '01133142278000', '01134915550100', '01139061234567', '01131201234567', '01141441234567', '01143112345678'];

beforeAll(async () => {
  lab = await Lab.start({ purpose: 'fraud', calls: { ringMs: 400 } });
}, 30_000);

afterAll(async () => {
  await lab?.close();
}, 20_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fraudLines = () => lab.read('failed-auth.log').split('\n').filter((l) => / FRAUD /.test(l));

async function waitFor<T>(what: string, get: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await sleep(100);
  }
}

describe('a burst of international calls with extension 100\'s real secret', () => {
  it('is hung up, 100 is suspended in Asterisk and its address banned, while 101 keeps calling', async () => {
    const { attacker, pbx4 } = lab.pair;
    const [thief, office, elsewhere] = lab.pair.attacker4 as [string, string, string];
    const calls = lab.daemonSaid('reading security and call events from the Asterisk Manager Interface');
    expect(calls, 'the daemon reads call events').toHaveLength(1);

    // 101, the office, calls a national number every 1.5 s, each held 2 s, all through the attack.
    const officeCalls = placeCalls(lab.procs, attacker, {
      name: '101', from: office, to: pbx4, user: '101', password: SECRET_101, numbers: Array(6).fill('5551234567'),
      rate: 1, periodMs: 1500, limit: 3, holdMs: 2000, dir: lab.dir,
    });
    await sleep(500);
    // The thief: 8 international calls, 2 a second, each held 20 s.
    const burst = placeCalls(lab.procs, attacker, {
      name: '100', from: thief, to: pbx4, user: '100', password: SECRET_100, numbers: BURST,
      rate: 2, periodMs: 1000, limit: 8, holdMs: 20_000, dir: lab.dir,
    });

    const suspended = await waitFor('the suspension in AstDB', () => lab.simStats(), (s) => '100' in s.suspended, 15_000);
    expect(suspended.suspended['100']).toMatch(/^international\/1h \d{4}-\d\d-\d\dT/);
    const ban = await lab.waitBanned(thief, 5_000);
    expect(ban, 'the thief\'s address is in ban4').not.toBeNull();
    expect(ban!.timeout, 'a toll-fraud ban is permanent').toBeNull();

    const lines = fraudLines();
    expect(lines.find((l) => l.includes(' rule=concurrent ')), lines.join('\n')).toMatch(/FRAUD account="100" rule=concurrent .* calls=5 action=hangup,alert /);
    const stop = lines.find((l) => l.includes(' rule=international/1h ')) as string;
    expect(stop, lines.join('\n')).toMatch(new RegExp(`FRAUD account="100" rule=international/1h .* calls=6 action=hangup,suspend,ban,alert .*hangup=5 ip=${thief.replace(/\./g, '\\.')} zone=external banned=yes`));
    expect(lines.every((l) => l.includes('account="100"')), 'no FRAUD line about anyone else').toBe(true);

    // The PBX's side: the 5th call hung up before the ITSP answered, the 6th and the four answered ones after.
    const after = await waitFor('the hang-ups', () => lab.simStats(), (s) => (s.calls?.hungUpByAmi ?? 0) >= 6 && s.calls?.live === 0 || false, 10_000);
    expect(after.calls?.hungUpByAmi).toBe(6);
    expect(after.calls?.answered['100'], 'calls of the thief the ITSP answered: the first four').toBe(4);
    console.log(`toll fraud: ${after.calls?.hungUpByAmi} calls hung up, ${after.calls?.answered['100']} answered before (talk ${Math.round(after.calls?.talk['100'] ?? 0)} s); FRAUD lines:\n${lines.join('\n')}`);
    const said = lab.daemonSaid(/toll fraud: account suspended in Asterisk/);
    expect(said).toHaveLength(1);

    // The thief moves to an address that is not banned: Asterisk itself refuses the trunk call (403), sipwarden need not act.
    const refusedBefore = after.calls?.refused ?? 0;
    const moved = placeCalls(lab.procs, attacker, {
      name: '100-moved', from: elsewhere, to: pbx4, user: '100', password: SECRET_100, numbers: ['0114930901821'],
      rate: 1, periodMs: 1000, limit: 1, holdMs: 1000, dir: lab.dir,
    });
    expect(await moved.exited).toBe(0);
    const refused = await lab.simStats();
    expect(refused.calls?.refused).toBe(refusedBefore + 1);
    expect(refused.calls?.answered['100']).toBe(4);

    // The office never noticed.
    expect(await officeCalls.exited, 'every call of 101 ended well').toBe(0);
    const done = await lab.simStats();
    expect(done.calls?.answered['101']).toBe(6);
    expect(await lab.waitBanned(office, 0)).toBeNull();
    expect(await lab.waitBanned(elsewhere, 0)).toBeNull();
    burst.child.kill('SIGTERM');

    // A person allows 100 again: the AstDB key goes, and the PBX puts 100's calls through.
    const allow = await lab.sipwarden(['allow-calls', '100']);
    expect(allow.code, allow.stderr).toBe(0);
    expect(allow.stdout).toMatch(/^allowed account 100 to call out through trunks again \(suspended since .*, rule international\/1h\)\n/);
    await waitFor('the AstDB key removed', () => lab.simStats(), (s) => !('100' in s.suspended), 5_000);
    const again = placeCalls(lab.procs, attacker, {
      name: '100-allowed', from: elsewhere, to: pbx4, user: '100', password: SECRET_100, numbers: ['5551234568'],
      rate: 1, periodMs: 1000, limit: 1, holdMs: 500, dir: lab.dir,
    });
    expect(await again.exited).toBe(0);
    expect((await lab.simStats()).calls?.answered['100']).toBe(5);
    expect(lab.read('failed-auth.log')).toMatch(/FRAUD account="100" action=allowed by="cli:/);
    expect(lab.daemonSaid(/toll fraud: account allowed again in Asterisk/).map((l) => json(JSON.stringify(l))?.account)).toEqual(['100']);
  }, 90_000);
});
