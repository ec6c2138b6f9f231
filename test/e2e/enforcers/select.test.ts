/** Backend selection against the real tools, inside a namespace this file makes (root only). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileZones } from '../../../src/engine/zones.js';
import { DryRunEnforcer } from '../../../src/enforcers/dry-run.js';
import { IpsetEnforcer } from '../../../src/enforcers/ipset.js';
import { NftablesEnforcer } from '../../../src/enforcers/nftables.js';
import { selectEnforcer, type SelectOptions } from '../../../src/enforcers/select.js';
import { createNsPair, must, type NsPair } from '../../support/netns.js';

let pair: NsPair;
const zoneOf = compileZones({ internal: [], trusted: [] });

beforeAll(async () => {
  pair = await createNsPair('select');
}, 20_000);

afterAll(async () => {
  await pair?.remove();
});

function recorder() {
  const lines: Array<{ level: string; msg: string }> = [];
  return { lines, log: { info: (_: object, msg: string) => void lines.push({ level: 'info', msg }), warn: (_: object, msg: string) => void lines.push({ level: 'warn', msg }) } };
}

describe('selectEnforcer', () => {
  const opts = (extra: Partial<SelectOptions> = {}): SelectOptions => ({ zoneOf, netns: pair.pbx, ...extra });

  it('auto picks nftables where nft works, and says so', async () => {
    const r = recorder();
    expect(await selectEnforcer('auto', opts(), r.log)).toBeInstanceOf(NftablesEnforcer);
    expect(r.lines).toEqual([{ level: 'info', msg: 'firewall backend: nftables' }]);
    expect(await must(pair.pbx, 'nft', ['list', 'tables'])).toBe(''); // probing created nothing
  });

  it('auto falls back to ipset, then to dry-run, warning why', async () => {
    const r = recorder();
    expect(await selectEnforcer('auto', opts({ nftPath: '/nonexistent/nft' }), r.log)).toBeInstanceOf(IpsetEnforcer);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatchObject({ level: 'warn', msg: expect.stringMatching(/ipset \+ iptables, because nftables is not usable: nft not found/) });
    const r2 = recorder();
    expect(await selectEnforcer('auto', opts({ nftPath: '/nonexistent/nft', binDir: '/nonexistent' }), r2.log)).toBeInstanceOf(DryRunEnforcer);
    expect(await must(pair.pbx, 'nft', ['list', 'tables'])).toBe(''); // probing iptables created no table either
    expect(r2.lines[0]).toMatchObject({ level: 'warn', msg: expect.stringMatching(/^NO FIREWALL: .*NOT blocked.*nft not found.*ipset not found/) });
  });

  it('an explicit backend that cannot work is a one-line error naming the fix', async () => {
    const r = recorder();
    await expect(selectEnforcer('nftables', opts({ nftPath: '/nonexistent/nft' }), r.log)).rejects.toThrow(/^nft not found at \/nonexistent\/nft — install it: apt-get install nftables$/);
    await expect(selectEnforcer('ipset', opts({ binDir: '/nonexistent' }), r.log)).rejects.toThrow(/^ipset not found at \/nonexistent\/ipset — install it: apt-get install ipset$/);
    await expect(selectEnforcer('nftables', opts({ netns: `${pair.pbx}-missing` }), r.log)).rejects.toThrow(/does not exist/);
    await expect(selectEnforcer('nftables', opts({ ports: [70000] }), r.log)).rejects.toThrow(/not a port number/);
    expect(await selectEnforcer('ipset', opts(), r.log)).toBeInstanceOf(IpsetEnforcer);
    expect(await selectEnforcer('dry-run', opts(), r.log)).toBeInstanceOf(DryRunEnforcer);
  });
});
