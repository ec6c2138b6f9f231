import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Reader, type Response } from 'maxmind';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMmdb } from '../../test/support/mmdb.js';
import { countryName, createLocator, flag, NOWHERE, openLocator, shippedCountryDatabase, type Locator } from './index.js';

describe('the shipped country database (ip-location-db geo-whois-asn-country, CC0)', () => {
  let geo: Locator;
  beforeAll(async () => {
    geo = await openLocator({ country: shippedCountryDatabase() });
  });

  it('names the country of well-known public addresses', () => {
    // Anycast resolvers, as the database registers them (1.1.1.0/24 is APNIC's, in Australia).
    expect(geo.where('8.8.8.8')).toEqual({ country: 'US', name: 'United States', asn: null, network: null });
    expect(geo.country('9.9.9.9')).toBe('US');
    expect(geo.country('1.1.1.1')).toBe('AU');
    expect(geo.country('2001:4860:4860::8888')).toBe('US');
    // National research networks: LRZ Munich, Kyoto University, RENATER.
    expect(geo.where('129.187.254.49')).toMatchObject({ country: 'DE', name: 'Germany' });
    expect(geo.where('130.54.1.1')).toMatchObject({ country: 'JP', name: 'Japan' });
    expect(geo.where('193.51.24.1')).toMatchObject({ country: 'FR', name: 'France' });
    expect(geo.country('::ffff:129.187.254.49')).toBe('DE');
  });

  it('gives no country to private, loopback, shared, link-local and documentation ranges, though the database maps some', () => {
    for (const ip of [
      '10.1.2.3', '172.16.5.4', '192.168.1.1', '127.0.0.1', '100.64.0.1', '169.254.1.1', '0.0.0.0', '255.255.255.255', '224.0.0.1',
      '192.0.2.1', '198.51.100.7', '203.0.113.9', '2001:db8::1', '::1', 'fe80::1', 'fd00::5', '::ffff:192.168.1.1',
    ]) expect(geo.where(ip), ip).toBe(NOWHERE);
    expect(geo.where('not an address')).toBe(NOWHERE);
    expect(geo.where('')).toBe(NOWHERE);
  });

  it('says when the database was built', () => {
    const db = geo.databases.country;
    expect(db?.path).toBe(shippedCountryDatabase());
    expect(db?.builtAt).toBe(new Reader(fs.readFileSync(shippedCountryDatabase())).metadata.buildEpoch.getTime());
    expect(geo.databases.asn).toBeNull();
  });

  it('keeps answering the same after its cache has turned over many times', () => {
    const small = createLocator({ reader: new Reader<Response>(fs.readFileSync(shippedCountryDatabase())), info: { path: 'x', type: 'x', builtAt: 0 } }, null, 4);
    for (let round = 0; round < 3; round++) {
      expect(small.country('8.8.8.8')).toBe('US');
      for (let i = 1; i < 20; i++) small.where(`129.187.0.${i}`);
      expect(small.country('130.54.1.1')).toBe('JP');
    }
  });
});

describe('a network (AS) database of the user', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-geo-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('adds the AS number and organisation, cut and checked', async () => {
    const asn = path.join(dir, 'asn.mmdb');
    fs.writeFileSync(asn, writeMmdb('GeoLite2-ASN', [
      ['8.8.8.0/24', { autonomous_system_number: 15169, autonomous_system_organization: 'GOOGLE' }],
      ['129.187.0.0/16', { autonomous_system_number: 12816, autonomous_system_organization: `LRZ ${'x'.repeat(300)}` }],
      ['5.5.5.0/24', { autonomous_system_number: 'nope', autonomous_system_organization: 'BAD' }],
      ['10.0.0.0/8', { autonomous_system_number: 64512, autonomous_system_organization: 'PRIVATE' }],
    ], 1_780_000_000));
    const geo = await openLocator({ country: shippedCountryDatabase(), asn });
    expect(geo.where('8.8.8.8')).toEqual({ country: 'US', name: 'United States', asn: 15169, network: 'GOOGLE' });
    const lrz = geo.where('129.187.1.1');
    expect(lrz.asn).toBe(12816);
    expect(lrz.network).toHaveLength(128);
    expect(geo.where('5.5.5.5').asn).toBeNull();
    expect(geo.where('10.1.1.1')).toBe(NOWHERE);
    // An IPv4-only AS database and an IPv6 address: the country still, no network.
    expect(geo.where('2001:4860:4860::8888')).toMatchObject({ country: 'US', asn: null });
    expect(geo.databases.asn).toEqual({ path: asn, type: 'GeoLite2-ASN', builtAt: 1_780_000_000_000 });
  });

  it('refuses a file that is no MaxMind database with one clear error', async () => {
    const bad = path.join(dir, 'bad.mmdb');
    fs.writeFileSync(bad, 'not a database');
    await expect(openLocator({ country: shippedCountryDatabase(), asn: bad })).rejects.toThrow(`cannot read the network (AS) database ${bad}:`);
    await expect(openLocator({ country: path.join(dir, 'missing.mmdb') })).rejects.toThrow(/^cannot read the country database .*missing\.mmdb: /);
  });
});

describe('names and flags', () => {
  it('names countries in English and draws their flags', () => {
    expect(countryName('DE')).toBe('Germany');
    expect(countryName('JP')).toBe('Japan');
    expect(flag('DE')).toBe('\u{1f1e9}\u{1f1ea}');
    expect(flag('de')).toBe('');
    expect(flag('<b>')).toBe('');
  });
});
