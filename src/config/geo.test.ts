import { describe, expect, it } from 'vitest';
import { defaultConfig, renderDefaultConfig } from './index.js';
import { parseConfigText } from './load.js';

const parse = (text: string) => parseConfigText(text, 'FILE', { fileExists: () => false }).geo;
function configError(text: string): string {
  try {
    parseConfigText(text, 'FILE', { fileExists: () => false });
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
}

describe('the geo: section', () => {
  it('defaults to the shipped country database, no networks and no country policy', () => {
    expect(parse('')).toEqual({ enabled: true, database: null, asnDatabase: null, deny: [], allow: {}, ban: 24 * 3_600_000, newCountryAlert: true });
  });

  it('takes countries per kind of account, a deny list and the user\'s own databases', () => {
    const g = parse('geo:\n  database: /var/lib/GeoLite2-Country.mmdb\n  asn_database: /var/lib/GeoLite2-ASN.mmdb\n  deny: [KP, KP]\n  allow: { extension: [DE, AT], ami: [DE] }\n  ban: permanent\n');
    expect(g).toMatchObject({ database: '/var/lib/GeoLite2-Country.mmdb', asnDatabase: '/var/lib/GeoLite2-ASN.mmdb', deny: ['KP'], allow: { extension: ['DE', 'AT'], ami: ['DE'] }, ban: null });
  });

  it('refuses what is no country code, with a hint, and an empty allow list that would refuse everyone', () => {
    expect(configError('geo: { deny: [de] }\n')).toBe('config error in FILE at geo.deny[0]: expected a two-letter country code like DE, US or GB, got "de" (did you mean \'DE\'?)');
    expect(configError('geo: { deny: [UK] }\n')).toContain('(the code of the United Kingdom is GB)');
    expect(configError('geo: { deny: [XX] }\n')).toContain('expected a two-letter country code');
    expect(configError('geo: { allow: { extension: [] } }\n')).toBe('config error in FILE at geo.allow.extension: an empty list would refuse extensions from every country; leave the key out to allow any country');
    expect(configError('geo: { allow: { extensions: [DE] } }\n')).toContain("unknown key 'extensions' (did you mean 'extension'?)");
  });

  it('is in the commented file init writes, and that file reads back to the defaults', () => {
    const text = renderDefaultConfig();
    expect(text).toContain('\ngeo:\n  # false: no countries anywhere and no country policy.\n  enabled: true\n');
    expect(parseConfigText(text, 'rendered', { fileExists: () => false }).geo).toEqual(defaultConfig().geo);
  });
});
