import { describe, expect, it } from 'vitest';
import type { AuthFailed, InjectionSuspected } from '../domain/events.js';
import { parseIp, type IpAddress } from '../domain/ip.js';
import { Decider, type Effect } from './decide.js';
import { Engine, type PolicyInput } from './index.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 7, 10, 0, 0);
const POLICY: PolicyInput = {
  tiers: [{ failures: 2, within: H, ban: H }, { failures: 12, within: 24 * H, ban: null }],
  countReasons: ['wrong_password'], banInternal: false, protection: 'on',
};
let n = 0;
const fail = (ip: string, at: number, account = '100'): AuthFailed => ({
  kind: 'auth_failed', at, service: 'PJSIP', ip: parseIp(ip) as IpAddress, port: 5060, account, session: `c${++n}`,
  signature: 'security-log', decoys: [], reason: 'wrong_password', detail: '', evidence: { source: 'security', line: n, text: `t${n}` },
});
const kinds = (effects: readonly Effect[]) => effects.map((e) => (e.kind === 'log' ? `log:${e.line.split(' ')[1]}` : e.kind === 'say' ? `say:${e.msg}` : e.kind));
const decider = (rules = {}) => new Decider(new Engine(POLICY, { internal: [], trusted: [] }, rules), { startedAt: T0 });

describe('Decider: one event in, its effects out, as data', () => {
  it('a counted failure: its failed-auth line, then its row; the second also a ban carrying both reports as evidence', () => {
    const d = decider();
    expect(kinds(d.decide(fail('203.0.113.7', T0), T0))).toEqual(['log:FAILED', 'failure']);
    const second = d.decide(fail('203.0.113.7', T0 + 1000), T0 + 1000);
    expect(kinds(second)).toEqual(['log:FAILED', 'failure', 'ban']);
    const ban = second[2] as Extract<Effect, { kind: 'ban' }>;
    expect(ban.ifSeen).toBe(true);
    expect(ban.ban).toMatchObject({ ip: '203.0.113.7', tier: 1, expiresAt: T0 + 1000 + H, accounts: ['100'] });
    expect(ban.ban.evidence.map((e) => e.text)).toEqual([`t${n - 1}`, `t${n}`]);
    expect(d.stats).toMatchObject({ events: 2, attempts: 2 });
  });

  it('the reports behind a ban leave memory with it; a failure that extends the ban carries its own report (the store merges them)', () => {
    const d = decider();
    d.decide(fail('203.0.113.10', T0), T0);
    d.decide(fail('203.0.113.11', T0), T0);
    expect(d.remembered).toBe(2);
    d.decide(fail('203.0.113.10', T0 + 1000), T0 + 1000);
    expect(d.remembered).toBe(1); // only the address not banned yet
    const third = d.decide(fail('203.0.113.10', T0 + 2000, '101'), T0 + 2000).find((e) => e.kind === 'ban') as Extract<Effect, { kind: 'ban' }>;
    expect(third.ban.evidence.map((e) => e.text)).toEqual([`t${n}`]);
    expect(third.ban.accounts).toEqual(['101']);
    expect(third.ban.expiresAt).toBe(T0 + 2000 + H);
    expect(d.remembered).toBe(1);
  });

  it('a replayed failure from before the start is banned without asking the kernel (it was not watching then)', () => {
    const d = decider();
    d.decide(fail('203.0.113.8', T0 - 2 * H), T0);
    const ban = d.decide(fail('203.0.113.8', T0 - 2 * H + 1000), T0).find((e) => e.kind === 'ban');
    expect(ban).toMatchObject({ ifSeen: false });
  });

  it('an injected line: an INJECTION line and a warning, nothing counted', () => {
    const inj: InjectionSuspected = { kind: 'injection_suspected', at: T0, service: 'PJSIP', candidates: ['198.51.100.1', '203.0.113.9'], signature: 'pjsip-request-failed', evidence: { source: 'messages', line: 3, text: '' } };
    expect(kinds(new Decider(new Engine(POLICY, { internal: [], trusted: [] })).decide(inj, T0))).toEqual(['log:INJECTION', 'say:log line with injected addresses: counted for nobody']);
  });

  it('notSeen takes the ban back in the engine; the next failure is judged as if it never was', () => {
    const d = new Decider(new Engine(POLICY, { internal: [], trusted: [] }), { startedAt: T0 });
    d.decide(fail('198.51.100.2', T0), T0);
    const ban = d.decide(fail('198.51.100.2', T0 + 1), T0 + 1).find((e) => e.kind === 'ban');
    expect(ban).toBeDefined();
    expect(kinds(d.notSeen(ban as Extract<Effect, { kind: 'ban' }>))).toEqual(['log:INJECTION', 'say:not banned: this address never sent the PBX a packet (suspected log injection)']);
    expect(d.engine.activeBan(parseIp('198.51.100.2') as IpAddress, T0 + 2)).toBeNull();
    expect(d.stats.notSeen).toBe(1);
  });
});
