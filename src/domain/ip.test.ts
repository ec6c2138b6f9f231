import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { isNetwork, networkHolds, networkOf, networksOverlap, parseBanTarget, parseCidr, parseIp, type Cidr, type IpAddress } from './ip.js';
import { compileZones } from '../engine/zones.js';

const net = (s: string) => parseCidr(s) as Cidr;
const ip = (s: string) => parseIp(s) as IpAddress;

describe('ban targets: an address or a whole network', () => {
  it('reads what a person types, canonically', () => {
    expect(parseBanTarget(' 203.0.113.7 ')).toBe('203.0.113.7');
    expect(parseBanTarget('[2001:DB8::1]')).toBe('2001:db8::1');
    expect(parseBanTarget('203.0.113.77/24')).toBe('203.0.113.0/24');
    expect(parseBanTarget('2001:db8:1:2:3:4:5:6/64')).toBe('2001:db8:1:2::/64');
    expect(parseBanTarget('203.0.113.7/32')).toBe('203.0.113.7'); // one host has one spelling
    expect(parseBanTarget('2001:db8::1/128')).toBe('2001:db8::1');
    for (const bad of ['203.0.113.0/33', '203.0.113.0/', '/24', '203.0.113.0/24/8', '203.0.113.0/2 4', 'example.org/24', '203.0.113.0/24\nx', '']) {
      expect(parseBanTarget(bad), JSON.stringify(bad)).toBeNull();
    }
    expect(isNetwork(parseBanTarget('10.0.0.0/8')!)).toBe(true);
    expect(isNetwork(parseBanTarget('10.0.0.1')!)).toBe(false);
  });

  it('groups addresses into their networks and tells overlap and membership', () => {
    expect(networkOf(ip('198.51.100.200'), 24)).toBe('198.51.100.0/24');
    expect(networkOf(ip('2001:db8:a:b:c::1'), 64)).toBe('2001:db8:a:b::/64');
    expect(networksOverlap(net('10.0.0.0/8'), net('10.1.2.0/24'))).toBe(true);
    expect(networksOverlap(net('10.1.2.0/24'), net('10.0.0.0/8'))).toBe(true);
    expect(networksOverlap(net('10.1.2.0/24'), net('10.1.3.0/24'))).toBe(false);
    expect(networksOverlap(net('10.0.0.0/8'), net('::/0'))).toBe(false); // families never overlap
    expect(networkHolds(net('203.0.113.0/24'), ip('203.0.113.255'))).toBe(true);
    expect(networkHolds(net('203.0.113.0/24'), ip('203.0.114.0'))).toBe(false);
    expect(networkHolds(net('2001:db8::/64'), ip('203.0.113.1'))).toBe(false);
  });

  it('every address of a network is held by it (property)', () => {
    fc.assert(fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (a, p) => {
      const n = networkOf(ip(a), p);
      expect(networkHolds(n, ip(a))).toBe(true);
      expect(networksOverlap(n, net(`${a}/32`))).toBe(true);
    }));
  });
});

describe('the zone of a whole network', () => {
  const zones = compileZones({
    internal: [net('192.168.0.0/16')], trusted: [net('198.51.100.9')], hostAddresses: [ip('203.0.113.1')],
    dynamicTrusted: { has: () => false, addresses: () => [ip('2001:db8:5::7')] },
  });
  it('is the most protected zone of anything inside it', () => {
    expect(zones.network(net('203.0.114.0/24'))).toBe('external');
    expect(zones.network(net('203.0.113.0/24'))).toBe('never'); // this host's own address
    expect(zones.network(net('127.0.0.0/24'))).toBe('never');
    expect(zones.network(net('224.0.0.0/24'))).toBe('never');
    expect(zones.network(net('::/64'))).toBe('never');
    expect(zones.network(net('198.51.100.0/24'))).toBe('trusted');
    expect(zones.network(net('2001:db8:5::/64'))).toBe('trusted'); // a resolved trusted host name
    expect(zones.network(net('192.168.7.0/24'))).toBe('internal');
    expect(zones.network(net('192.0.0.0/8'))).toBe('internal'); // holds all of 192.168/16
  });
});

describe('IPv6 addresses read canonically (RFC 5952), checked against ipaddr.js', () => {
  const canonical = (bytes: number[]) => ipaddr.fromByteArray(bytes) as ipaddr.IPv6;
  const spellings = (v6: ipaddr.IPv6): string[] => {
    const parts = v6.parts.map((p) => p.toString(16));
    const full = v6.parts.map((p) => p.toString(16).padStart(4, '0')).join(':');
    return [
      v6.toRFC5952String(),
      v6.toNormalizedString(), // every group written, no compression
      full, // every group with leading zeros
      full.toUpperCase(),
      parts.join(':'),
    ];
  };

  it('every spelling of any 16 bytes gives the one RFC 5952 text (IPv4-mapped: the IPv4 address)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.boolean(), (raw, mapped) => {
      const bytes = [...raw];
      if (mapped) bytes.splice(0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff);
      const v6 = canonical(bytes);
      const want = v6.isIPv4MappedAddress() ? v6.toIPv4Address().toString() : v6.toRFC5952String();
      for (const s of spellings(v6)) expect(parseIp(s), s).toBe(want);
    }), { numRuns: 2000 });
  });

  it('reads the embedded-IPv4 forms, and refuses what is not an address', () => {
    expect(parseIp('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(parseIp('0:0:0:0:0:FFFF:203.0.113.9')).toBe('203.0.113.9');
    expect(parseIp('::ffff:0:0')).toBe('0.0.0.0');
    expect(parseIp('::1.2.3.4')).toBe('::102:304'); // IPv4-compatible (deprecated): not mapped
    expect(parseIp('64:ff9b::203.0.113.9')).toBe('64:ff9b::cb00:7109');
    for (const bad of ['1::2::3', ':::', '1:2:3:4:5:6:7:8:9', '12345::1', '::1.2.3', '::256.1.1.1', 'fe80::1%eth0', '[::1]', '::1/128', 'g::1', '::1 ', ' ::1', '1:2:3:4:5:6:7', '2001:db8::1]', '']) {
      expect(parseIp(bad), JSON.stringify(bad)).toBeNull();
    }
  });
});
