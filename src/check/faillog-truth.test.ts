/**
 * Every failed-auth log line tells the truth about its action: the daemon's pipeline
 * names the ban actually in force, and one login reported twice raises one alarm.
 */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../config/index.js';
import type { AuthFailed, AuthSucceeded } from '../domain/events.js';
import { parseIp, type IpAddress } from '../domain/ip.js';
import { collectingPipeline } from '../../test/support/pipeline.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const config = parseConfigText([
  'accounts:',
  '  discover: false',
  '  extensions: ["1??"]',
  '  trunks: ["itsp*"]',
  '  extensions_internal_only: true',
].join('\n'), 'test');
const ATTACKER = parseIp('203.0.113.50') as IpAddress;

let n = 0;
function report(account: string, at: number, source = '/var/log/asterisk/security') {
  n++;
  return {
    at, service: 'PJSIP', ip: ATTACKER, port: 5060, account, session: `call-${n}`, signature: 'security-log' as const,
    decoys: [], evidence: { source, line: n, text: `line ${n}` },
  };
}
const fail = (account: string, at: number): AuthFailed => ({ ...report(account, at), kind: 'auth_failed', reason: 'wrong_password', detail: 'InvalidPassword' });

describe('the failed-auth log names the ban in force', () => {
  it('an extension-from-external ban, then a failure inside it: banned by the rule, then already_banned by the rule — no tier', () => {
    const { pipeline, lines } = collectingPipeline(config, () => T0);
    pipeline.handle(fail('104', T0));
    pipeline.handle(fail('itsp-main', T0 + 1000));
    const failed = lines.filter((l) => l.includes(' FAILED '));
    expect(failed).toHaveLength(2);
    const until = new Date(T0 + 24 * H).toISOString();
    expect(failed[0]).toContain(`action=banned ban=extension-from-external until=${until}`);
    expect(failed[1]).toContain(`action=already_banned ban=extension-from-external until=${until}`);
    for (const l of failed) expect(l).not.toMatch(/ tier=/);
    expect(pipeline.stats.bans).toBe(1); // the rule's ban only; the tier-1 count inside it decides nothing
  });

  it('a tier ban, renewed, then a failure inside a longer one: the line names the tier in force, not the tier reached', () => {
    const { pipeline, lines } = collectingPipeline(config, () => T0);
    const failed = () => lines.filter((l) => l.includes(' FAILED '));
    pipeline.handle(fail('itsp-a', T0));
    pipeline.handle(fail('itsp-b', T0 + 1000)); // 2 within 1 h: tier 1
    expect(failed()[1]).toContain(`action=banned tier=1 until=${new Date(T0 + 1000 + H).toISOString()}`);
    pipeline.handle(fail('itsp-c', T0 + 2000)); // renews the 1-hour ban from its own time
    expect(failed()[2]).toContain(`action=banned tier=1 until=${new Date(T0 + 2000 + H).toISOString()}`);
    for (let i = 3; i < 12; i++) pipeline.handle(fail('itsp-d', T0 + i * 1000)); // 12 within 24 h: tier 2, permanent
    expect(failed()[11]).toContain('action=banned tier=2 until=permanent');
    // A day later two more: their count reaches tier 1 again, inside the permanent ban of tier 2.
    pipeline.handle(fail('itsp-e', T0 + 25 * H));
    pipeline.handle(fail('itsp-f', T0 + 25 * H + 1000));
    expect(failed()[13]).toContain('action=already_banned tier=2 until=permanent');
  });

  it('one successful login of a compromised extension, in the security log and on AMI, writes ONE alert', () => {
    const { pipeline, lines } = collectingPipeline(config, () => T0);
    const viaLog: AuthSucceeded = { ...report('101', T0), kind: 'auth_succeeded' };
    const viaAmi: AuthSucceeded = { ...viaLog, signature: 'ami-event', evidence: { source: 'ami:127.0.0.1:5038', line: 9, text: 'Event: SuccessfulAuth' } };
    pipeline.handle(viaLog);
    pipeline.handle(viaAmi);
    const alerts = lines.filter((l) => l.includes(' ALERT '));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('kind=extension_compromised');
    expect(pipeline.stats.bans).toBe(1);
  });
});
