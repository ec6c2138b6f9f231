import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseIp, type IpAddress } from '../domain/index.js';
import { Store, type FailureRow } from './index.js';

const T0 = Date.UTC(2025, 0, 1);

function ip(text: string): IpAddress {
  const parsed = parseIp(text);
  if (parsed === null) throw new Error(`bad test address ${text}`);
  return parsed;
}

function failure(over: Partial<FailureRow> = {}): FailureRow {
  return {
    at: T0,
    ip: ip('203.0.113.5'),
    port: 5060,
    service: 'PJSIP',
    account: '100',
    reason: 'wrong_password',
    zone: 'external',
    action: 'counted',
    source: '/var/log/asterisk/full',
    line: 1,
    raw: 'NOTICE[1] res_pjsip/pjsip_distributor.c: Request REGISTER from \'"100" <sip:100@pbx>\' failed',
    ...over,
  };
}

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipwarden-failures-'));
  store = Store.open(join(dir, 'sipwarden.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('failures', () => {
  it('stores a batch and returns failuresSince in time order', () => {
    store.addFailures([
      failure({ at: T0 + 30, ip: ip('198.51.100.1') }),
      failure({ at: T0 + 10 }),
      failure({ at: T0 + 20, ip: ip('2001:db8::7'), port: null, source: null, line: null, raw: null }),
      failure({ at: T0 - 5 }),
    ]);
    expect(store.failuresSince(T0).map(({ ip, at }) => ({ ip, at }))).toEqual([
      { ip: '203.0.113.5', at: T0 + 10 },
      { ip: '2001:db8::7', at: T0 + 20 },
      { ip: '198.51.100.1', at: T0 + 30 },
    ]);
    expect(store.failuresSince(T0)[0]).toHaveProperty('action');
    expect(store.failuresSince(T0 + 20)).toHaveLength(2); // inclusive
    const row = store.listFailures({ ip: '2001:db8::7' }).rows[0];
    expect(row).toMatchObject({ port: null, source: null, line: null, raw: null, service: 'PJSIP', zone: 'external' });
  });

  it('accepts an empty batch', () => {
    store.addFailures([]);
    expect(store.listFailures({}).total).toBe(0);
  });

  it('commits a batch whole or not at all', () => {
    store.addFailures([failure({ at: T0 })]);
    const bad = { ...failure({ at: T0 + 1 }), account: null as unknown as string }; // NOT NULL violation
    expect(() => store.addFailures([failure({ at: T0 + 2 }), bad])).toThrow();
    expect(store.failuresSince(0).map(({ ip, at }) => ({ ip, at }))).toEqual([{ ip: '203.0.113.5', at: T0 }]);
  });

  it('prunes rows older than a time and reports how many', () => {
    store.addFailures([0, 1, 2, 3, 4].map((i) => failure({ at: T0 + i })));
    expect(store.pruneFailures(T0 + 2)).toBe(2);
    expect(store.failuresSince(0).map((f) => f.at)).toEqual([T0 + 2, T0 + 3, T0 + 4]);
    expect(store.pruneFailures(T0 + 2)).toBe(0);
  });

  it('lists with filters, newest first, paged, with a total', () => {
    store.addFailures([
      failure({ at: T0 + 1, account: '100', service: 'PJSIP', reason: 'wrong_password' }),
      failure({ at: T0 + 2, account: '101', service: 'SIP', reason: 'unknown_account' }),
      failure({ at: T0 + 3, account: '100', service: 'SIP', reason: 'wrong_password', ip: ip('198.51.100.1') }),
      failure({ at: T0 + 4, account: '100', service: 'PJSIP', reason: 'acl_denied' }),
    ]);
    const ats = (q: Parameters<Store['listFailures']>[0]): number[] => store.listFailures(q).rows.map((r) => r.at - T0);
    expect(ats({})).toEqual([4, 3, 2, 1]);
    expect(ats({ account: '100' })).toEqual([4, 3, 1]);
    expect(ats({ service: 'SIP' })).toEqual([3, 2]);
    expect(ats({ reason: 'wrong_password' })).toEqual([3, 1]);
    expect(ats({ ip: '::ffff:198.51.100.1' })).toEqual([3]);
    expect(ats({ from: T0 + 2, to: T0 + 4 })).toEqual([3, 2]);
    expect(ats({ account: '100', service: 'PJSIP' })).toEqual([4, 1]);
    const page = store.listFailures({ account: '100', limit: 1, offset: 1 });
    expect(page.total).toBe(3);
    expect(page.rows.map((r) => r.at - T0)).toEqual([3]);
    expect(page.rows[0]?.id).toBeTypeOf('number');
  });

  it('takes 20,000 failures in one call', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) =>
      failure({ at: T0 + i, ip: ip(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`), line: i + 1 }),
    );
    store.addFailures(rows);
    expect(store.listFailures({}).total).toBe(20_000);
    const since = store.failuresSince(T0 + 19_990);
    expect(since).toHaveLength(10);
    expect(since[0]).toEqual({ ip: '10.0.78.22', at: T0 + 19_990, action: 'counted' });
  });
});
