import { describe, expect, it } from 'vitest';
import { networkHolds, networksOverlap, parseBanTarget, parseIp, type Cidr, type IpAddress } from '../domain/ip.js';
import { overlapsAnother, segmentNetworks, type NetBan } from './nets.js';

const net = (s: string) => parseBanTarget(s) as Cidr;
const ban = (s: string, until: number | null): NetBan => ({ net: net(s), until });

/** The end of the block on `ip` according to `bans` (latest end of any holding it; -1: not blocked). */
function endFor(bans: readonly NetBan[], ip: IpAddress): number {
  let end = -1;
  for (const b of bans) if (networkHolds(b.net, ip)) end = Math.max(end, b.until === null ? Infinity : b.until);
  return end;
}

describe('network bans as disjoint pieces (for interval sets)', () => {
  it('disjoint networks and nested ones that end no later pass through as the outer network alone', () => {
    expect(segmentNetworks([ban('203.0.113.0/24', 5), ban('198.51.100.0/24', null), ban('203.0.113.128/25', 5), ban('203.0.113.64/26', 3)])).toEqual([
      ban('198.51.100.0/24', null),
      ban('203.0.113.0/24', 5),
    ]);
    expect(segmentNetworks([])).toEqual([]);
  });

  it('a nested ban that ends later is carved out; the rest of the outer one is covered around it', () => {
    expect(segmentNetworks([ban('10.0.0.0/22', 10), ban('10.0.1.0/24', null)])).toEqual([
      ban('10.0.0.0/24', 10),
      ban('10.0.1.0/24', null),
      ban('10.0.2.0/23', 10),
    ]);
    // Three levels, the middle one absorbed, the innermost carved out of the outermost.
    expect(segmentNetworks([ban('10.0.0.0/23', 10), ban('10.0.0.0/24', 5), ban('10.0.0.128/25', 20)])).toEqual([
      ban('10.0.0.0/25', 10),
      ban('10.0.0.128/25', 20),
      ban('10.0.1.0/24', 10),
    ]);
    // The same network twice: the longest ban wins.
    expect(segmentNetworks([ban('10.0.0.0/24', 10), ban('10.0.0.0/24', null), ban('10.0.0.0/24', 3)])).toEqual([ban('10.0.0.0/24', null)]);
  });

  it('IPv6 too, and the families never mix', () => {
    expect(segmentNetworks([ban('2001:db8::/48', 10), ban('2001:db8:0:ffff::/64', 20), ban('10.0.0.0/8', 1)])).toEqual([
      ban('10.0.0.0/8', 1),
      ...Array.from({ length: 16 }, (_, i) => ban(`2001:db8:0:${(0x10000 - 2 ** (16 - i)).toString(16)}::/${49 + i}`, 10)),
      ban('2001:db8:0:ffff::/64', 20),
    ]);
    // Pieces around ::ffff:0:0/96 stay IPv6 (never folded into IPv4 text).
    const pieces = segmentNetworks([ban('::fffe:0:0/95', 1), ban('::fffe:0:0/96', 2)]);
    expect(pieces.map((p) => p.net)).toEqual(['::fffe:0:0/96', '::ffff:0:0/96']);
  });

  it('random nests: pieces are disjoint and block each address exactly until its latest ban ends', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 40; round++) {
      const bans: NetBan[] = [];
      for (let i = 0, n = 1 + rnd(8); i < n; i++) {
        const prefix = 20 + rnd(9);
        bans.push(ban(`10.9.${rnd(16)}.${rnd(256)}/${prefix}`, rnd(5) === 0 ? null : 1 + rnd(4)));
      }
      const pieces = segmentNetworks(bans);
      for (let i = 0; i < pieces.length; i++) for (let j = i + 1; j < pieces.length; j++) expect(networksOverlap(pieces[i]!.net, pieces[j]!.net)).toBe(false);
      for (let k = 0; k < 4096; k += 3) {
        const addr = parseIp(`10.9.${k >> 8}.${k & 255}`) as IpAddress;
        expect(endFor(pieces, addr), `${addr} in ${JSON.stringify(bans)}`).toBe(endFor(bans, addr));
      }
    }
  });

  it('overlapsAnother ignores the network itself', () => {
    expect(overlapsAnother(net('10.0.0.0/24'), [net('10.0.0.0/24'), net('10.0.1.0/24')])).toBe(false);
    expect(overlapsAnother(net('10.0.0.0/24'), [net('10.0.0.0/16')])).toBe(true);
    expect(overlapsAnother(net('10.0.0.0/16'), [net('10.0.200.0/24')])).toBe(true);
    expect(overlapsAnother(net('10.0.0.0/16'), [net('2001:db8::/32')])).toBe(false);
  });
});
