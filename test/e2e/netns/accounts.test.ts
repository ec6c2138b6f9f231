/**
 * "Only allow internal IPs to register as an extension, but allow others to register
 * as an incoming trunk" — against the real kernel firewall in network namespaces, with
 * sipp registering with the RIGHT secret (root only; see test/support/pbx-lab.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSipp } from '../../support/attack-tools.js';
import { Lab, SECRET_100 } from '../../support/pbx-lab.js';

const TRUNK_SECRET = 'trunk-secret-123';
let lab: Lab;
const inside = '10.77.0.3';

beforeAll(async () => {
  lab = await Lab.start({
    purpose: 'accounts',
    internal: [`${inside}/32`],
    accounts: [{ name: 'itsp-main', secret: TRUNK_SECRET }],
    configExtra: [
      '  extensions: ["1??"]',
      '  trunks: ["itsp*"]',
      '  extensions_internal_only: true',
    ].join('\n'),
  });
}, 30_000);

afterAll(async () => {
  await lab?.close();
}, 20_000);

async function register(from: string, user: string, password: string): Promise<void> {
  const p = startSipp(lab.procs, lab.pair.attacker, { from, to: lab.pair.pbx4, user, password, calls: 1, rate: 1, cwd: lab.dir });
  await Promise.race([p.exited, new Promise((r) => setTimeout(r, 20_000))]);
}

describe('extensions only from inside, trunks from anywhere', () => {
  it('an extension registering from inside with its secret is fine', async () => {
    await lab.addAttackerAddress(inside).catch(() => inside);
    await register(inside, '100', SECRET_100);
    expect(lab.read('logs/security')).toMatch(new RegExp(`SuccessfulAuth.*AccountID="100".*RemoteAddress="IPV4/UDP/${inside.replace(/\./g, '\\.')}/`));
    expect(lab.read('failed-auth.log')).not.toMatch(new RegExp(`ip=${inside} `));
    expect((await lab.banSet('ban4')).map((e) => e.ip)).not.toContain(inside);
  }, 30_000);

  it('a trunk registers from outside with its secret and is not blocked', async () => {
    const outside = lab.pair.attacker4[0] as string;
    await register(outside, 'itsp-main', TRUNK_SECRET);
    expect(lab.read('logs/security')).toMatch(/SuccessfulAuth.*AccountID="itsp-main"/);
    expect((await lab.banSet('ban4')).map((e) => e.ip)).not.toContain(outside);
    expect(await lab.probe(outside)).toBe(true);
  }, 30_000);

  it('the same extension authenticating from outside with the RIGHT secret is blocked at once and raises the alarm', async () => {
    const outside = lab.pair.attacker4[0] as string;
    await register(outside, '100', SECRET_100);
    const ban = await lab.waitBanned(outside, 5_000);
    expect(ban, 'the external address holding the extension secret is in ban4').not.toBeNull();
    expect(ban?.timeout).toBeNull(); // compromised: until a person releases it
    const alerts = lab.read('failed-auth.log').split('\n').filter((l) => l.includes(' ALERT ') && l.includes(`ip=${outside} `));
    expect(alerts.some((l) => l.includes('kind=extension_compromised') && l.includes('account="100"'))).toBe(true);
    expect(alerts.join('\n')).toMatch(/secret is known/);
    expect(lab.daemonSaid(/AUTHENTICATED from external address/).length).toBeGreaterThan(0);
    expect(await lab.probe(outside)).toBe(false);
  }, 30_000);
});
