import { describe, expect, it } from 'vitest';
import { Limiter } from './limiter.js';
import type { AlertMessage } from './message.js';

const msg = (i: number, kind: AlertMessage['kind'] = 'permanent_ban'): AlertMessage => ({
  kind, host: 'pbx', at: new Date(i).toISOString(), title: `t${i}`, text: `alert ${i}`, link: null, fields: {},
});

describe('Limiter (fake clock)', () => {
  it('sends the same kind and subject once per quiet time, then again', () => {
    const l = new Limiter({ quietMs: 600_000, max: 100, windowMs: 600_000 });
    expect(l.offer('permanent_ban|203.0.113.5', msg(0), 0)).toBe('send');
    expect(l.offer('permanent_ban|203.0.113.5', msg(1), 599_999)).toBe('duplicate');
    expect(l.offer('permanent_ban|203.0.113.6', msg(2), 599_999)).toBe('send');
    expect(l.offer('subnet_ban|203.0.113.5', msg(3, 'subnet_ban'), 599_999)).toBe('send');
    expect(l.offer('permanent_ban|203.0.113.5', msg(4), 600_000)).toBe('send');
  });

  it('holds what comes after max within the window and hands it back as one digest at its end', () => {
    const l = new Limiter({ quietMs: 1, max: 5, windowMs: 600_000 });
    const verdicts = Array.from({ length: 200 }, (_, i) => l.offer(`k${i}`, msg(i, i % 2 ? 'permanent_ban' : 'subnet_ban'), 1000 + i));
    expect(verdicts.filter((v) => v === 'send')).toHaveLength(5);
    expect(verdicts.filter((v) => v === 'held')).toHaveLength(195);
    expect(l.nextDueAt()).toBe(601_000);
    expect(l.due(600_999)).toBeNull();
    const d = l.due(601_000);
    expect(d).toMatchObject({ count: 195, from: 1000, to: 601_000 });
    expect(d?.byKind).toEqual({ permanent_ban: 98, subnet_ban: 97 });
    expect(d?.first.map((m) => m.text)).toEqual(Array.from({ length: 10 }, (_, i) => `alert ${i + 5}`));
  });

  it('while a flood lasts every alert waits for the next digest; a quiet window ends it', () => {
    const l = new Limiter({ quietMs: 1, max: 2, windowMs: 1000 });
    for (let i = 0; i < 5; i++) l.offer(`a${i}`, msg(i), i);
    expect(l.due(1000)?.count).toBe(3);
    // Still flooding: the next window began at once and holds everything.
    expect(l.offer('b1', msg(1100), 1100)).toBe('held');
    expect(l.offer('b2', msg(1200), 1200)).toBe('held');
    expect(l.due(2000)?.count).toBe(2);
    // A window with nothing held ends the flood.
    expect(l.due(3000)).toBeNull();
    expect(l.nextDueAt()).toBeNull();
    expect(l.offer('c1', msg(5000), 5000)).toBe('send');
  });

  it('a forced close (at stop) gives what is held now', () => {
    const l = new Limiter({ quietMs: 1, max: 1, windowMs: 600_000 });
    l.offer('a', msg(0), 0);
    l.offer('b', msg(1), 1);
    expect(l.due(2, true)?.count).toBe(1);
  });
});
