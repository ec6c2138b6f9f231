import { describe, expect, it } from 'vitest';
import type { AuthFailed, FailureReason, Signature } from '../domain/events.js';
import { parseIp, type IpAddress } from '../domain/ip.js';
import { mulberry32 as rng } from '../../test/support/prng.js';
import { AttemptCounter } from './attempts.js';

const T0 = Date.UTC(2026, 10, 24, 18, 6, 45);
let line = 0;
function fail(p: {
  service: string; reason: FailureReason; source: string; signature: Signature;
  ip?: string; port?: number; session?: string | null; account?: string; at?: number;
}): AuthFailed {
  return {
    kind: 'auth_failed', at: p.at ?? T0, service: p.service, ip: parseIp(p.ip ?? '203.0.113.5') as IpAddress,
    port: p.port ?? 5060, account: p.account ?? '100', session: p.session === undefined ? 'call-1' : p.session,
    signature: p.signature, decoys: [], reason: p.reason, detail: '', evidence: { source: p.source, line: ++line, text: '' },
  };
}
const notice = (o: Partial<Parameters<typeof fail>[0]> & { reason: FailureReason }) =>
  fail({ service: 'PJSIP', source: '/var/log/asterisk/messages', signature: 'pjsip-request-failed', ...o });
const security = (o: Partial<Parameters<typeof fail>[0]> & { reason: FailureReason }) =>
  fail({ service: 'PJSIP', source: '/var/log/asterisk/security', signature: 'security-log', ...o });
const count = (c: AttemptCounter, evs: AuthFailed[]) => evs.filter((e) => c.record(e)).length;

describe('attempts, not lines', () => {
  it('svcrack: 8 guesses with ONE Call-ID are 8 attempts, reported in messages, full and security', () => {
    const c = new AttemptCounter();
    const evs: AuthFailed[] = [];
    for (let i = 0; i < 8; i++) {
      evs.push(security({ reason: 'wrong_password', at: T0 + i * 6 }));
      evs.push(notice({ reason: 'wrong_password' }));
      evs.push(notice({ reason: 'wrong_password', source: '/var/log/asterisk/full' }));
    }
    expect(count(c, evs)).toBe(8);
  });

  it('PJSIP unknown user with a digest retry (2 × No matching endpoint + 1 × Failed to authenticate) is ONE attempt', () => {
    const c = new AttemptCounter();
    const evs = [
      notice({ reason: 'unknown_account', account: '999' }),
      security({ reason: 'unknown_account', account: '999' }),
      notice({ reason: 'unknown_account', account: '999' }),
      security({ reason: 'unknown_account', account: '999' }),
      notice({ reason: 'wrong_password', account: '999' }),
      security({ reason: 'wrong_password', account: '<unknown>' }),
    ];
    expect(count(c, evs)).toBe(1);
  });

  it('enumeration with fresh Call-IDs counts each probe; one Call-ID probing many accounts counts each account', () => {
    const c = new AttemptCounter();
    const fresh = [1, 2, 3].map((i) => notice({ reason: 'unknown_account', session: `c${i}`, account: String(i) }));
    expect(count(c, fresh)).toBe(3);
    const same = ['a', 'b', 'c', 'a'].map((a) => security({ reason: 'unknown_account', session: 'fixed', account: a }));
    expect(count(c, same)).toBe(3);
  });

  it('brute force of an unknown account with one Call-ID still counts every guess (digest failures)', () => {
    const c = new AttemptCounter();
    const evs: AuthFailed[] = [notice({ reason: 'unknown_account', account: 'ghost', session: 'x' })];
    for (let i = 0; i < 5; i++) {
      evs.push(notice({ reason: 'unknown_account', account: 'ghost', session: 'x' }));
      evs.push(notice({ reason: 'wrong_password', account: 'ghost', session: 'x' }));
    }
    expect(count(c, evs)).toBe(5);
  });

  it('chan_sip: NOTICE and InvalidPassword of the same attempts pair up by address and port', () => {
    const c = new AttemptCounter();
    const evs: AuthFailed[] = [];
    for (let i = 0; i < 4; i++) {
      evs.push(fail({ service: 'SIP', reason: 'wrong_password', source: 'messages', signature: 'chansip-registration-failed', session: null, port: 5063 }));
      evs.push(fail({ service: 'SIP', reason: 'wrong_password', source: 'security', signature: 'security-log', session: `0x7fa6${i}`, port: 5063 }));
    }
    expect(count(c, evs)).toBe(4);
  });

  it('manager: "nonexistent user" + "failed to authenticate as" + the VERBOSE summary are one login', () => {
    const c = new AttemptCounter();
    const ami = (signature: Signature, reason: FailureReason, source = 'messages', account = 'admin') =>
      fail({ service: 'AMI', reason, source, signature, account, session: null, port: undefined });
    const evs = [
      ami('manager-auth-failed', 'wrong_password', 'messages', 'sipwarden'),
      ami('security-log', 'wrong_password', 'security', 'sipwarden'),
      ami('manager-connect-unauthenticated', 'other', 'full', ''),
      ami('manager-auth-failed', 'wrong_password', 'full', 'sipwarden'),
      ami('manager-nonexistent-user', 'unknown_account'),
      ami('manager-auth-failed', 'wrong_password'),
      ami('security-log', 'unknown_account', 'security'),
      ami('manager-nonexistent-user', 'unknown_account', 'full'),
      ami('manager-auth-failed', 'wrong_password', 'full'),
      ami('manager-connect-unauthenticated', 'other', 'full', ''),
    ];
    expect(count(c, evs)).toBe(2);
  });

  it('IAX2: "No registration for peer" twice (REGREQ + MD5 retry) is one attempt; an MD5 failure is another', () => {
    const c = new AttemptCounter();
    const iax = (signature: Signature, reason: FailureReason) =>
      fail({ service: 'IAX2', reason, source: 'messages', signature, session: null, port: undefined });
    expect(count(c, [iax('iax2-auth-failed', 'wrong_password'), iax('iax2-no-registration', 'unknown_account'), iax('iax2-no-registration', 'unknown_account')])).toBe(2);
  });

  it('different addresses never merge, even with the same Call-ID', () => {
    const c = new AttemptCounter();
    expect(count(c, [notice({ reason: 'wrong_password', ip: '203.0.113.1' }), notice({ reason: 'wrong_password', ip: '203.0.113.2' })])).toBe(2);
  });

  it('memory stays bounded over a long run: two generations of epochs, and prune drops idle ones', () => {
    const c = new AttemptCounter(120_000, 100);
    for (let i = 0; i < 1000; i++) c.record(notice({ reason: 'wrong_password', session: `s${i}`, at: T0 + i * 10_000 }));
    expect(c.size).toBeLessThanOrEqual(200);
    expect(c.size).toBeGreaterThanOrEqual(100);
    c.prune(T0 + 999 * 10_000 + 60_000);
    expect(c.size).toBe(7); // reports at most 2 minutes before the prune: i = 993..999
  });

  it('a key used again moves to the young generation: a long svcrack run is not split by a flood of others', () => {
    const c = new AttemptCounter(120_000, 50);
    let counted = 0;
    for (let i = 0; i < 300; i++) {
      if (c.record(security({ reason: 'wrong_password', session: 'svcrack', at: T0 + i }))) counted++;
      c.record(notice({ reason: 'wrong_password', session: `other${i}`, at: T0 + i }));
    }
    // Its NOTICE twins, arriving after all that: each one a duplicate.
    for (let i = 0; i < 300; i++) if (c.record(notice({ reason: 'wrong_password', session: 'svcrack', at: T0 + i }))) counted++;
    expect(counted).toBe(300);
  });
});

describe('arrival order does not matter (catch-up reads one file after the other)', () => {
  /** Two guesses every 5 minutes on one Call-ID for an hour, each reported in messages and security. */
  function slowAttack(): { messages: AuthFailed[]; security: AuthFailed[] } {
    const messages: AuthFailed[] = [];
    const sec: AuthFailed[] = [];
    for (let k = 0; k < 12; k++) {
      for (let j = 0; j < 2; j++) {
        const at = T0 + k * 300_000 + j * 400;
        messages.push(notice({ reason: 'wrong_password', session: 'slow', at: Math.floor(at / 1000) * 1000 }));
        sec.push(security({ reason: 'wrong_password', session: 'slow', at }));
      }
    }
    return { messages, security: sec };
  }

  it('merged by time: 24 attempts', () => {
    const { messages, security: sec } = slowAttack();
    const merged = messages.flatMap((m, i) => [sec[i] as AuthFailed, m]);
    expect(count(new AttemptCounter(), merged)).toBe(24);
  });

  it('all of messages first, then all of security: still 24 attempts (each epoch is found again)', () => {
    const { messages, security: sec } = slowAttack();
    expect(count(new AttemptCounter(), [...messages, ...sec])).toBe(24);
  });

  it('security first, then messages: 24', () => {
    const { messages, security: sec } = slowAttack();
    expect(count(new AttemptCounter(), [...sec, ...messages])).toBe(24);
  });

  it('epochs still separate attempts far apart in time: a source seeing more of them counts more', () => {
    const c = new AttemptCounter();
    // messages saw two bursts 10 minutes apart; security only the second.
    const evs = [
      notice({ reason: 'wrong_password', session: 'k', at: T0 }),
      notice({ reason: 'wrong_password', session: 'k', at: T0 + 600_000 }),
      security({ reason: 'wrong_password', session: 'k', at: T0 + 600_000 }),
    ];
    expect(count(c, evs)).toBe(2);
  });
});

describe('one-witness epochs kept as rows count exactly as objects', () => {
  const KINDS: { service: string; reason: FailureReason; signature: Signature }[] = [
    { service: 'PJSIP', reason: 'wrong_password', signature: 'pjsip-request-failed' },
    { service: 'PJSIP', reason: 'wrong_password', signature: 'security-log' },
    { service: 'PJSIP', reason: 'unknown_account', signature: 'pjsip-request-failed' },
    { service: 'PJSIP', reason: 'scan', signature: 'security-log' },
    { service: 'SIP', reason: 'wrong_password', signature: 'chansip-registration-failed' },
    { service: 'SIP', reason: 'wrong_password', signature: 'ami-event' },
    { service: 'AMI', reason: 'wrong_password', signature: 'manager-auth-failed' },
    { service: 'AMI', reason: 'unknown_account', signature: 'manager-nonexistent-user' },
    { service: 'AMI', reason: 'other', signature: 'manager-connect-unauthenticated' },
    { service: 'IAX2', reason: 'unknown_account', signature: 'iax2-no-registration' },
    { service: 'IAX2', reason: 'wrong_password', signature: 'iax2-auth-failed' },
  ];

  it('rows keep their counts and times as their arrays grow (3,000 addresses, past the first 1,024 rows)', () => {
    const rows = new AttemptCounter();
    const objects = new AttemptCounter(120_000, 65_536, false);
    const answers = (c: AttemptCounter) => {
      const out: boolean[] = [];
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 3000; i++) {
          const ip = `198.18.${i >> 8}.${i & 255}`;
          out.push(c.record(notice({ reason: 'wrong_password', ip, session: null, at: T0 + round * 1000 + i })));
          // The security log's report of the same guess: a second witness, so the row becomes an object.
          if (i % 3 === 0) out.push(c.record(security({ reason: 'wrong_password', ip, session: null, at: T0 + round * 1000 + i })));
        }
      }
      return out;
    };
    const a = answers(rows);
    expect(a).toEqual(answers(objects));
    expect(a.filter(Boolean)).toHaveLength(6000); // every NOTICE a new attempt, every security twin a duplicate
    expect(rows.size).toBe(3000);
  });

  it('the same answer for every report of 40,000 random ones (sources, classes, times out of order, generations turning, prunes)', () => {
    for (const seed of [1, 2, 3, 4]) {
      const r = rng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
      const rows = new AttemptCounter(120_000, 64);
      const objects = new AttemptCounter(120_000, 64, false);
      let at = T0;
      let newAttempts = 0;
      let duplicates = 0;
      for (let i = 0; i < 10_000; i++) {
        // Mostly forward in small steps, sometimes a jump past the idle time, sometimes a lagging source.
        const step = r();
        at += step < 0.05 ? 300_000 : Math.floor(r() * 2_000);
        const when = r() < 0.2 ? at - Math.floor(r() * 400_000) : at;
        const k = pick(KINDS);
        const ev = r() < 0.1
          ? { ...fail({ ...k, source: pick(['messages', 'security', 'full']), ip: `203.0.113.${1 + Math.floor(r() * 12)}`, port: 5060 + Math.floor(r() * 3), session: pick(['a', 'b', null]), account: pick(['100', '101', 'x']), at: when }), kind: 'auth_succeeded' as const }
          : fail({ ...k, source: pick(['messages', 'security', 'full']), ip: `203.0.113.${1 + Math.floor(r() * 12)}`, port: 5060 + Math.floor(r() * 3), session: pick(['a', 'b', 'c', null]), account: pick(['100', '101', 'x', 'y']), at: when });
        const a = rows.record(ev as AuthFailed);
        const b = objects.record(ev as AuthFailed);
        expect(a, `report ${i} of seed ${seed}`).toBe(b);
        if (a) newAttempts++;
        else duplicates++;
        expect(rows.size).toBe(objects.size);
        if (i % 1_500 === 1_499) {
          rows.prune(at - 60_000);
          objects.prune(at - 60_000);
          expect(rows.size).toBe(objects.size);
        }
      }
      // Both kinds of answer occurred, so the comparison covered both.
      expect(newAttempts).toBeGreaterThan(5_000);
      expect(duplicates).toBeGreaterThan(500);
    }
  });
});
