import { describe, expect, it } from 'vitest';
import { backoffDelay, checkBackoff } from './backoff.js';
import { cleanFrame, header, md5Key, printable, renderAction } from './frame.js';
import { resolveOptions, type AmiClientOptions } from './options.js';

describe('cleanFrame', () => {
  it('keeps header lines (empty values included) and names the frame by its first key', () => {
    const f = cleanFrame('Event: ChallengeSent\r\nChallenge: \r\nExpectedResponse:\r\n');
    expect(f).toEqual({ text: 'Event: ChallengeSent\r\nChallenge: \r\nExpectedResponse:', kind: 'Event', malformed: 0 });
  });

  it('removes and counts malformed lines, keeping the rest', () => {
    const f = cleanFrame('Event: InvalidPassword\r\nPrivilege security,all\r\n\0\xff: x\r\n garbage: y\nRemoteAddress: IPV4/UDP/1.2.3.4/5060\r\n');
    expect(f.kind).toBe('Event');
    expect(f.malformed).toBe(3);
    expect(f.text).toBe('Event: InvalidPassword\r\nRemoteAddress: IPV4/UDP/1.2.3.4/5060');
  });

  it('gives kind "" for a frame without a valid line', () => {
    expect(cleanFrame('this is not a header\r\n\0\xfe\r\n')).toEqual({ text: '', kind: '', malformed: 2 });
  });
});

describe('header / renderAction / md5Key / printable', () => {
  it('reads the first header case-insensitively, trimmed', () => {
    expect(header('Response: Success\r\nactionid:  x1 \r\nActionID: x2', 'ActionID')).toBe('x1');
    expect(header('Response: Success', 'Challenge')).toBe('');
  });

  it('renders an action and refuses CR/LF in a value', () => {
    expect(renderAction('Ping', [['ActionID', 'a1']])).toBe('Action: Ping\r\nActionID: a1\r\n\r\n');
    expect(() => renderAction('Login', [['Username', 'x\r\nAction: Originate']])).toThrow(/unsafe header Username/);
  });

  it('computes manager.c\'s key: md5(challenge + secret)', () => {
    // Expected values from coreutils: `printf %s 123456789secret | md5sum`.
    expect(md5Key('123456789', 'secret')).toBe('7ccde16e862dfe7681297713e9e9cadb');
    expect(md5Key('1', 'a')).toBe('efaa153b0f682ae5170a3184fa0df28c');
  });

  it('makes server text safe for one log line', () => {
    expect(printable('a\r\nb\0c', 10)).toBe('a??b?c');
    expect(printable('x'.repeat(20), 5)).toBe('xxxxx…');
  });
});

describe('backoffDelay', () => {
  const b = { initialMs: 1000, maxMs: 60_000, jitter: 0.2 };
  it('doubles from initialMs and stops at maxMs', () => {
    const mid = (): number => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => backoffDelay(b, n, mid)))
      .toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });
  it('spreads by ±jitter and never exceeds the cap or goes negative', () => {
    expect(backoffDelay(b, 1, () => 0)).toBe(800);
    expect(backoffDelay(b, 1, () => 0.999999)).toBe(1200);
    expect(backoffDelay(b, 40, () => 0.999999)).toBe(60_000);
    expect(backoffDelay(b, 40, () => 0)).toBe(48_000);
    expect(backoffDelay(b, 1, () => Number.NaN)).toBeGreaterThanOrEqual(0);
  });
  it('rejects settings that would spin', () => {
    expect(() => checkBackoff({ initialMs: 0, maxMs: 10, jitter: 0 })).toThrow();
    expect(() => checkBackoff({ initialMs: 10, maxMs: 5, jitter: 0 })).toThrow();
    expect(() => checkBackoff({ initialMs: 10, maxMs: 50, jitter: 1 })).toThrow();
  });
});

describe('resolveOptions', () => {
  const base: AmiClientOptions = {
    host: '127.0.0.1', port: 5038, username: 'sipwarden', secret: 'S3cret!', tls: false,
    onFrame: () => undefined, log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  };
  it('fills the documented defaults', () => {
    const o = resolveOptions(base);
    expect(o).toMatchObject({ events: 'security,system', pingMs: 20_000, connectTimeoutMs: 10_000, maxFrameBytes: 65_536 });
    expect(o.backoff).toEqual({ initialMs: 1000, maxMs: 60_000, jitter: 0.2 });
  });
  it('refuses values that would inject a second action, without echoing the secret', () => {
    expect(() => resolveOptions({ ...base, username: 'a\r\nAction: Originate' })).toThrow(/username/);
    expect(() => resolveOptions({ ...base, events: 'security\r\n' })).toThrow(/events/);
    let message = '';
    try {
      resolveOptions({ ...base, secret: 'S3cret!\nAction: Originate' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/secret/);
    expect(message).not.toContain('S3cret');
  });
  it('refuses ports and timings out of range', () => {
    expect(() => resolveOptions({ ...base, port: 0 })).toThrow(/port/);
    expect(() => resolveOptions({ ...base, pingMs: 0 })).toThrow(/pingMs/);
    expect(() => resolveOptions({ ...base, backoff: { initialMs: 0 } })).toThrow(/backoff/);
  });
});
