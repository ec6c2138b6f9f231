import { describe, expect, it } from 'vitest';
import type { AuthFailed } from '../domain/events.js';
import { parseIp, type IpAddress } from '../domain/ip.js';
import { remoteEffects } from '../cluster/decisions.js';
import { Decider, Engine } from '../engine/index.js';
import { openLocator, shippedCountryDatabase } from '../geo/index.js';
import { formatAlert, formatFailure, readLogLine } from './index.js';

const at = Date.UTC(2026, 11, 7, 12, 0, 0);
const base = {
  at, ip: '8.8.8.8', port: 5060, service: 'PJSIP', account: '100', reason: 'wrong_password', zone: 'external',
  counts: [{ n: 1, within: '1h' }], action: 'counted', tier: null, until: undefined, decoys: [], source: 'messages', line: 7,
};

describe('country and network on failed-auth log lines', () => {
  it('writes country=XX asn=N after the zone, and - for what is unknown', () => {
    expect(formatFailure({ ...base, geo: { country: 'US', asn: 15169 } })).toBe(
      '2026-12-07T12:00:00.000Z FAILED ip=8.8.8.8 port=5060 service=PJSIP account="100" reason=wrong_password zone=external country=US asn=15169 counts=1/1h action=counted source="messages":7');
    expect(formatFailure({ ...base, ip: '10.0.0.1', geo: { country: null, asn: null } })).toContain(' zone=external country=- asn=- counts=');
    // Without geo (switched off) the line is as before.
    expect(formatFailure(base)).not.toContain('country=');
  });

  it('never writes anything but a code and a number there, and reads back', () => {
    const line = formatFailure({ ...base, geo: { country: 'X" ip=1.2.3.4', asn: -3 } });
    expect(line).toContain(' country=- asn=- ');
    const read = readLogLine(formatFailure({ ...base, geo: { country: 'DE', asn: 3320 } }));
    expect(read?.fields.get('country')).toBe('DE');
    expect(read?.fields.get('asn')).toBe('3320');
    expect(read?.fields.get('ip')).toBe('8.8.8.8');
  });

  it('alert lines carry them too', () => {
    const a = { at, kind: 'new_country', ip: '8.8.8.8', account: '100', service: 'PJSIP', message: 'm' };
    expect(formatAlert({ ...a, geo: { country: 'US', asn: null } })).toBe('2026-12-07T12:00:00.000Z ALERT kind=new_country ip=8.8.8.8 country=US asn=- service=PJSIP account="100" message="m"');
  });

  it('the decider puts the shipped database\'s country on every failure line and alert, and none on private addresses', async () => {
    const geo = await openLocator({ country: shippedCountryDatabase() });
    const engine = new Engine({ tiers: [{ failures: 3, within: 3_600_000, ban: 3_600_000 }], countReasons: ['wrong_password'], banInternal: false, protection: 'on' },
      { internal: [], trusted: [] }, { accounts: { extensions: ['1??'], trunks: [], roaming: [] }, extensionsInternalOnly: true });
    const d = new Decider(engine, { geo: geo.where });
    let n = 0;
    const fail = (ip: string, account: string): AuthFailed => ({
      kind: 'auth_failed', at: at + n, service: 'PJSIP', ip: parseIp(ip) as IpAddress, port: 5060, account, session: `s${n}`, signature: 'security-log',
      decoys: [], reason: 'wrong_password', detail: '', evidence: { source: 'security', line: ++n, text: '' },
    });
    const lines = (effects: ReturnType<Decider['decide']>) => effects.flatMap((e) => (e.kind === 'log' ? [e.line] : []));
    expect(lines(d.decide(fail('129.187.254.49', 'admin'), at))[0]).toContain(' country=DE asn=- ');
    expect(lines(d.decide(fail('192.168.1.1', 'admin'), at))[0]).toContain(' country=- asn=- ');
    const ext = d.decide(fail('130.54.1.1', '101'), at);
    expect(lines(ext)[0]).toContain(' ALERT kind=extension_from_external ip=130.54.1.1 country=JP asn=- ');
    const alert = ext.find((e) => e.kind === 'alert');
    expect(alert && alert.kind === 'alert' ? alert.alert.geo : undefined).toEqual({ country: 'JP', name: 'Japan', asn: null, network: null });
  });

  it('a failure another PBX of the cluster shared is written with its country too', async () => {
    const geo = await openLocator({ country: shippedCountryDatabase() });
    const engine = new Engine({ tiers: [{ failures: 1, within: 3_600_000, ban: 3_600_000 }], countReasons: ['wrong_password'], banInternal: false, protection: 'on' }, { internal: [], trusted: [] });
    const effects = remoteEffects(engine, {
      type: 'failure', ip: parseIp('130.54.1.1') as IpAddress, at, reason: 'wrong_password', service: 'PJSIP', account: '100', origin: 'pbx2', eid: 'e1',
    }, at, false, geo.where);
    const line = effects.find((e) => e.kind === 'log');
    expect(line && line.kind === 'log' ? line.line : '').toContain(' ip=130.54.1.1 port=- service=PJSIP account="100" reason=wrong_password zone=external country=JP asn=- ');
  });
});
