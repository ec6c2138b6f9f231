import { describe, expect, it } from 'vitest';
import type { AuthFailed, AuthSucceeded, ChallengeSent } from '../domain/events.js';
import { parseIp, type IpAddress } from '../domain/ip.js';
import { ChallengeTracker } from './challenges.js';

const T0 = Date.UTC(2026, 10, 24, 18, 7, 7);
const GRACE = 5000;
let line = 0;
function base(p: { at: number; session: string; account?: string; ip?: string; service?: string; source?: string }) {
  return {
    at: p.at, service: p.service ?? 'PJSIP', ip: parseIp(p.ip ?? '203.0.113.7') as IpAddress, port: 5091, account: p.account ?? '100',
    session: p.session, signature: 'security-log' as const, decoys: [], evidence: { source: p.source ?? 'security', line: ++line, text: '' },
  };
}
const challenge = (p: Parameters<typeof base>[0]): ChallengeSent => ({ ...base(p), kind: 'challenge_sent' });
const success = (p: Parameters<typeof base>[0]): AuthSucceeded => ({ ...base(p), kind: 'auth_succeeded' });
const failure = (p: Parameters<typeof base>[0]): AuthFailed => ({ ...base(p), kind: 'auth_failed', reason: 'unknown_account', detail: 'InvalidAccountID' });
const tracker = () => new ChallengeTracker(() => GRACE);

describe('challenges never answered', () => {
  it('a phone answers its challenge (same address and Call-ID, milliseconds later): never a scan', () => {
    const t = tracker();
    expect(t.challenge(challenge({ at: T0, session: '1-16983@127.0.0.1', account: '101' }))).toEqual([]);
    expect(t.answer(success({ at: T0 + 1, session: '1-16983@127.0.0.1', account: '101' }))).toEqual([]);
    expect(t.tick('security', T0 + 60_000)).toEqual([]);
    expect(t.finish()).toEqual([]);
  });

  it('an unknown account\'s InvalidAccountID comes just BEFORE its challenge: answered too', () => {
    const t = tracker();
    t.answer(failure({ at: T0, session: '4114168891', account: '1632413315' }));
    t.challenge(challenge({ at: T0 + 1, session: '4114168891', account: '<unknown>' }));
    expect(t.finish()).toEqual([]);
  });

  it('an unanswered challenge is judged once its own source has moved `grace` past it, not before', () => {
    const t = tracker();
    const c = challenge({ at: T0, session: '0x7fa69c0042d0', account: '190', service: 'SIP' });
    expect(t.challenge(c)).toEqual([]);
    expect(t.tick('security', T0 + GRACE)).toEqual([]); // an answer may still come
    expect(t.pending).toBe(1);
    expect(t.tick('security', T0 + GRACE + 1)).toEqual([c]);
    expect(t.pending).toBe(0);
  });

  it('another source moving on judges nothing: a log read late (catching up) keeps its own clock', () => {
    const t = tracker();
    t.challenge(challenge({ at: T0, session: 's1', source: 'security' }));
    expect(t.tick('messages', T0 + 3_600_000)).toEqual([]);
    // The security log's own answer, read later, still counts.
    expect(t.answer(success({ at: T0 + 2, session: 's1', source: 'security' }))).toEqual([]);
    expect(t.finish()).toEqual([]);
  });

  it('an answer on another address, or long after (chan_sip reuses its dialog pointers), answers nothing', () => {
    const t = tracker();
    const c = challenge({ at: T0, session: '0x7fa69c039d70', account: '200', service: 'SIP' });
    t.challenge(c);
    t.answer(success({ at: T0 + 1, session: '0x7fa69c039d70', ip: '203.0.113.8', service: 'SIP' }));
    expect(t.answer(failure({ at: T0 + 36_000, session: '0x7fa69c039d70', service: 'SIP' }))).toEqual([c]);
  });

  it('does not judge chan_sip challenges of INVITEs (AccountID is the From URI): chan_sip never reports their answer', () => {
    const t = tracker();
    t.challenge(challenge({ at: T0, session: '0x7f198c0140f0', account: 'sip:200@127.0.0.1:5070', service: 'SIP' }));
    expect(t.pending).toBe(0);
    expect(t.finish()).toEqual([]);
  });

  it('finish() judges what still waits (the end of the files)', () => {
    const t = tracker();
    const c = challenge({ at: T0, session: 'x' });
    t.challenge(c);
    expect(t.finish()).toEqual([c]);
  });

  it('a retransmitted REGISTER (two challenges, one Call-ID) is answered by its one authenticated retry', () => {
    const t = tracker();
    t.challenge(challenge({ at: T0, session: 'r' }));
    t.challenge(challenge({ at: T0 + 500, session: 'r' }));
    t.answer(success({ at: T0 + 900, session: 'r' }));
    expect(t.finish()).toEqual([]);
  });
});
