import { describe, expect, it } from 'vitest';
import type { PortDiscovery } from '../asterisk/index.js';
import type { AuthFailed } from '../domain/events.js';
import type { IpAddress } from '../domain/ip.js';
import type { PortSet } from '../enforcers/index.js';
import { planWatch, portSetOf, PortWatch, watchesService } from './watch.js';

const FREEPBX: PortDiscovery = {
  ok: true,
  notes: ['manager.conf: the manager (AMI) listens on loopback only; not watched'],
  ports: [
    { port: 5060, proto: 'udp', service: 'PJSIP', from: 'pjsip.transports.conf:4 bind = 0.0.0.0:5060' },
    { port: 5061, proto: 'tcp', service: 'PJSIP', from: 'pjsip.transports.conf:11 bind = 0.0.0.0:5061' },
    { port: 5160, proto: 'udp', service: 'SIP', from: 'sip_general_additional.conf:2 bindport = 5160' },
  ],
};
const UNKNOWN: PortDiscovery = { ok: false, why: 'no pjsip.conf, sip.conf or iax.conf in /etc/asterisk' };
const WEB = { port: 8472, proto: 'tcp' as const, service: 'HTTP' as const, from: 'web.listen (the dashboard)' };

function failure(service: string, ip = '203.0.113.7'): AuthFailed {
  return {
    kind: 'auth_failed', at: 0, service, ip: ip as IpAddress, port: 5094, account: '200', session: null,
    signature: 'security-log', decoys: [], reason: 'wrong_password', detail: 'InvalidPassword',
    evidence: { source: 'security', line: 1, text: '' },
  };
}

describe('planWatch', () => {
  it('watches the learned ports and the dashboard, each with where it came from', () => {
    const plan = planWatch('auto', FREEPBX, WEB);
    expect(portSetOf(plan)).toEqual([5060, 5061, 5160, 8472]);
    expect(plan.mode === 'ports' && plan.ports.map((p) => p.from)).toContain('sip_general_additional.conf:2 bindport = 5160');
    expect(plan.notes).toEqual(FREEPBX.notes);
  });

  it('watches every port, and says why, when the configuration cannot be read', () => {
    const plan = planWatch('auto', UNKNOWN, WEB);
    expect(portSetOf(plan)).toBe('all');
    expect(plan.mode === 'all' && plan.why).toMatch(/no pjsip.conf.*watching every port/);
  });

  it('takes firewall.ports as an override and names each learned port it leaves out', () => {
    const plan = planWatch([5060, 5061, 4569], FREEPBX, WEB);
    expect(portSetOf(plan)).toEqual([4569, 5060, 5061, 8472]);
    expect(plan.notes.join('\n')).toMatch(/chan_sip port 5160 \(sip_general_additional.conf:2 bindport = 5160\) is not in firewall.ports/);
  });
});

describe('watchesService', () => {
  it('knows which services a plan covers', () => {
    const learned = planWatch('auto', FREEPBX, WEB);
    expect(watchesService(learned, 'SIP', FREEPBX)).toBe(true);
    expect(watchesService(learned, 'HTTP', FREEPBX)).toBe(true);
    expect(watchesService(learned, 'AMI', FREEPBX)).toBe(false);
    const override = planWatch([5060, 5061, 4569], FREEPBX, WEB);
    expect(watchesService(override, 'PJSIP', FREEPBX)).toBe(true);
    expect(watchesService(override, 'SIP', FREEPBX)).toBe(false);
    // Not knowing the PBX's ports, an override is judged by Asterisk's default ports.
    const blind = planWatch([5060, 5061], UNKNOWN, null);
    expect(watchesService(blind, 'SIP', UNKNOWN)).toBe(true);
    expect(watchesService(blind, 'AMI', UNKNOWN)).toBe(false);
    expect(watchesService(planWatch('auto', UNKNOWN, null), 'AMI', UNKNOWN)).toBe(true);
  });
});

describe('PortWatch', () => {
  function harness(plan = planWatch('auto', FREEPBX, WEB)) {
    const applied: PortSet[] = [];
    const said: string[] = [];
    const w = new PortWatch(plan, FREEPBX, { apply: async (p) => void applied.push(p), unwatched: (service, s) => void said.push(`${service}: ${s}`) });
    return { w, applied, said };
  }

  it('reports a failure of an unwatched service once, in plain words, and widens the watch to every port', () => {
    const { w, applied, said } = harness();
    w.observe(failure('SIP'));
    expect(said).toEqual([]);
    w.observe(failure('AMI'));
    w.observe(failure('AMI', '203.0.113.8'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^AMI: a failure of the PBX's manager \(AMI\) service came from 203\.0\.113\.7, but none of its ports is watched.*watching every port/);
    expect(applied).toEqual(['all']);
    expect(w.current()).toMatchObject({ mode: 'all' });
  });

  it('applies a re-read configuration only when the port set changes, and keeps a widening', async () => {
    const { w, applied } = harness();
    await w.update(planWatch('auto', FREEPBX, WEB), FREEPBX);
    expect(applied).toEqual([]);
    const moved: PortDiscovery = { ...FREEPBX, ports: [...FREEPBX.ports.slice(0, 2), { port: 5170, proto: 'udp', service: 'SIP', from: 'sip.conf:3 bindport = 5170' }] };
    await w.update(planWatch('auto', moved, WEB), moved);
    expect(applied).toEqual([[5060, 5061, 5170, 8472]]);
    w.observe(failure('IAX2'));
    await w.update(planWatch('auto', FREEPBX, WEB), FREEPBX);
    expect(applied).toEqual([[5060, 5061, 5170, 8472], 'all']); // widened: a re-read does not narrow it again
  });

  it('ignores events other than failures', () => {
    const { w, said } = harness();
    w.observe({ ...failure('AMI'), kind: 'auth_succeeded' } as never);
    expect(said).toEqual([]);
  });
});
