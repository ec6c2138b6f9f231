/**
 * A plain-list feed against the real kernel firewall, in network namespaces (root only;
 * see test/support/pbx-lab.ts): `sipwarden run` with nftables reads a list file with
 * hostile lines; the addresses and the network it lists land in the kernel's sets with
 * the feed's length and cannot reach the PBX, while an internal address it lists still
 * can; the export (with the token, from inside the PBX's namespace) gives exactly them,
 * and `sipwarden feeds` says what happened. About 10 s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { must } from '../../support/netns.js';
import { hostRuleset, Lab } from '../../support/pbx-lab.js';

const TOKEN = 'netns-feed-token-0123456789abcdef';
const LISTED = '10.79.5.11';
const NET = '10.79.6.0/24';
const IN_NET = '10.79.6.20';
const OFFICE = '10.79.7.200'; // internal: listed, never banned
const BYSTANDER = '10.79.5.12'; // not listed
const HOUR = { min: 3_500, max: 3_600 };

let lab: Lab;
let listDir: string;
let rulesetBefore: string;

beforeAll(async () => {
  rulesetBefore = await hostRuleset();
  listDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-feed-list-'));
  const list = path.join(listDir, 'block.txt');
  fs.writeFileSync(list, ['# our own list', `${LISTED}`, `${NET} ; a whole network`, OFFICE, '0.0.0.0/0', '<script>alert(1)</script>', ''].join('\n'));
  lab = await Lab.start({
    purpose: 'feeds', internal: [`${OFFICE}/32`],
    configExtra: [
      'feeds:', `  - { name: mine, type: list, file: ${list}, every: 1h, ban: 1h }`,
      'feeds_export:', `  token: ${TOKEN}`,
    ].join('\n'),
  });
  await lab.addOffLinkAttackers('10.79.5.0/24', [LISTED, BYSTANDER]);
  await lab.addOffLinkAttackers(NET, [IN_NET]);
  await lab.addOffLinkAttackers('10.79.7.0/24', [OFFICE]);
}, 30_000);

afterAll(async () => {
  await lab?.close();
  if (listDir) fs.rmSync(listDir, { recursive: true, force: true });
  expect(await hostRuleset()).toBe(rulesetBefore);
}, 20_000);

describe('a list feed in the kernel', () => {
  it('bans what the list clearly lists, for the feed\'s length, never the internal address', async () => {
    const addr = await lab.waitBanned(LISTED, 10_000);
    const net = await lab.waitBanned(NET, 10_000);
    expect(addr?.timeout).toBeGreaterThanOrEqual(HOUR.min);
    expect(addr?.timeout).toBeLessThanOrEqual(HOUR.max);
    expect(net?.timeout).toBeGreaterThanOrEqual(HOUR.min);
    expect((await lab.banSet('ban4')).map((e) => e.ip)).toEqual([LISTED]);
    expect((await lab.banSet('net4')).map((e) => e.ip)).toEqual([NET]);
    expect(await lab.probe(LISTED)).toBe(false);
    expect(await lab.probe(IN_NET)).toBe(false);
    expect(await lab.probe(BYSTANDER)).toBe(true);
    expect(await lab.probe(OFFICE)).toBe(true);
  });

  it('exports exactly those bans to a machine with the token, and sipwarden feeds says what the list held', async () => {
    const out = await must(lab.pair.pbx, 'curl', ['-fsS', '-H', `Authorization: Bearer ${TOKEN}`, 'http://127.0.0.1:8472/api/export/bans.txt?origin=all']);
    expect(out.split('\n').filter(Boolean).sort()).toEqual([LISTED, NET]);
    expect(await must(lab.pair.pbx, 'curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', 'http://127.0.0.1:8472/api/export/bans.txt'])).toBe('401');
    const [feed] = JSON.parse((await lab.sipwarden(['feeds', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(feed).toMatchObject({ name: 'mine', state: 'ok', listed: 4, bad: 1, bans: 2, skipped: { protected: 0, internal: 1, too_wide: 1 } });
    expect(lab.daemonSaid('feed has lines that are no address or network; they were skipped')).toHaveLength(1);
  });
});
