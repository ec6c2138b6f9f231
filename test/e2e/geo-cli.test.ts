/**
 * Where addresses are, on the command line (the built CLI as a real process): `bans`
 * shows the country (and, with the user's AS file, the network) of each banned address,
 * `check --json` gives each address its `country`, `status` names the databases and
 * their build dates; a database file that cannot be read is a warning, never a stop.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseIp, type IpAddress } from '../../src/domain/ip.js';
import { Store, type NewBan } from '../../src/store/index.js';
import { sandbox, sipwarden } from '../support/cli.js';
import { writeMmdb } from '../support/mmdb.js';

const boxes: Array<ReturnType<typeof sandbox>> = [];
afterEach(() => {
  for (const b of boxes.splice(0)) b.cleanup();
});
function box(extra = '') {
  const b = sandbox(extra);
  boxes.push(b);
  return b;
}
const ban = (ip: string, at: number): NewBan => ({
  ip: parseIp(ip) as IpAddress, reason: 'tier 1: 2 failures within 1h', tier: 1, source: 'policy', failures: 2, evidence: [], accounts: ['100'], createdAt: at, expiresAt: at + 3_600_000,
});

describe('geo on the command line', () => {
  it('bans: the country and network of each address, in text and JSON', () => {
    const b = box();
    const asn = b.file('asn.mmdb');
    fs.writeFileSync(asn, writeMmdb('GeoLite2-ASN', [['129.187.0.0/16', { autonomous_system_number: 12816, autonomous_system_organization: 'LRZ\u001b[31m' }]]));
    fs.appendFileSync(b.config, `\ngeo:\n  asn_database: ${asn}\n`);
    const store = Store.open(b.file('sipwarden.db'));
    const now = Date.now();
    store.addBan(ban('129.187.254.49', now - 2000));
    store.addBan(ban('10.9.9.9', now - 1000));
    store.close();

    const json = JSON.parse(sipwarden(['bans', '--json', '--config', b.config]).stdout) as { rows: Array<{ ip: string; geo?: unknown }> };
    expect(json.rows.map((r) => [r.ip, r.geo])).toEqual([
      ['10.9.9.9', undefined],
      ['129.187.254.49', { country: 'DE', name: 'Germany', asn: 12816, network: 'LRZ\u001b[31m' }],
    ]);
    const text = sipwarden(['bans', '--config', b.config]);
    expect(text.code).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^10\.9\.9\.9 +tier 1 .*accounts "100"$/);
    // The network's name comes from a file: escaped for the terminal.
    expect(lines[1]).toMatch(/^129\.187\.254\.49 +tier 1 .*accounts "100" {2}from \u{1f1e9}\u{1f1ea} DE Germany, AS12816 LRZ\\u001b\[31m$/u);
    expect(text.stdout).not.toContain('\u001b');
  });

  it('a database that cannot be read is a warning: the list comes without networks, or with the shipped countries', () => {
    const b = box('geo:\n  database: /nonexistent/GeoLite2-Country.mmdb\n  asn_database: /nonexistent/GeoLite2-ASN.mmdb\n');
    const store = Store.open(b.file('sipwarden.db'));
    store.addBan(ban('8.8.8.8', Date.now()));
    store.close();
    const r = sipwarden(['bans', '--json', '--config', b.config]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).rows[0].geo).toEqual({ country: 'US', name: 'United States' });
    expect(r.stderr).toContain('warning: countries are shown without networks: the geo.asn_database file cannot be read (cannot read the network (AS) database /nonexistent/GeoLite2-ASN.mmdb:');
    expect(r.stderr).toContain('warning: the geo.database file cannot be read; using the country database shipped with sipwarden');
  });

  it('check --json: each address with its country', () => {
    const b = box();
    fs.writeFileSync(b.file('security'), `${[
      '[Nov 24 18:05:31] SECURITY[16648] res_security_log.c: SecurityEvent="InvalidAccountID",EventTV="2026-11-24T18:05:31.757+0000",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="admin",SessionID="1",LocalAddress="IPV4/UDP/10.0.0.2/5060",RemoteAddress="IPV4/UDP/130.54.1.1/5091"',
      '[Nov 24 18:05:32] SECURITY[16648] res_security_log.c: SecurityEvent="InvalidAccountID",EventTV="2026-11-24T18:05:32.757+0000",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="admin",SessionID="2",LocalAddress="IPV4/UDP/10.0.0.2/5060",RemoteAddress="IPV4/UDP/192.0.2.7/5091"',
    ].join('\n')}\n`);
    const r = sipwarden(['check', '--json', '--config', b.config, b.file('security')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).addresses).toEqual([
      { ip: '130.54.1.1', failures: 1, zone: 'external', country: 'JP' },
      { ip: '192.0.2.7', failures: 1, zone: 'external', country: null },
    ]);
    const text = sipwarden(['check', '--config', b.config, b.file('security')]).stdout;
    expect(text).toMatch(/130\.54\.1\.1 +1 failure +zone external {2}\u{1f1ef}\u{1f1f5} JP Japan/u);
  });

  it('status names the country database and when it was built', () => {
    const b = box();
    const r = sipwarden(['status', '--config', b.config]);
    expect(r.stdout).toMatch(/\ncountries: +\S+geo-whois-asn-country\.mmdb \(country ipvAll, built 2026-06-17\)\n/);
    expect(r.stdout).toContain('networks:         none (set geo.asn_database to a GeoLite2-ASN file)');
    const json = JSON.parse(sipwarden(['status', '--json', '--config', b.config]).stdout);
    expect(json.geo.country).toMatchObject({ type: 'country ipvAll', builtAt: Date.parse('2026-06-17T19:51:40Z') });
    expect(json.geo.asn).toBeNull();
  });
});
