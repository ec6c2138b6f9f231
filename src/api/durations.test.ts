/**
 * The dashboard refuses a ban length no date can hold (`99999999d`), and any longer than
 * 3650 days, with the config file's words — in the policy tiers, subnet escalation and
 * a ban by hand — and changes nothing then.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { login, startTestApi, type Client, type TestApi } from '../../test/support/kits/api.js';

let t: TestApi;
let c: Client;
beforeEach(async () => {
  t = await startTestApi();
  c = await login(t.app);
});
afterEach(async () => {
  await t.close();
});

describe('durations beyond 3650 days', () => {
  it('a tier ban or window of 99999999d is refused and the tiers stay as they were', async () => {
    const before = t.controls.policy();
    const res = await c.req({ method: 'PUT', url: '/api/settings/policy', payload: { tiers: [{ failures: 2, within: '99999999d', ban: '99999999d' }] } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('tiers[0].within: expected a duration of at most 3650d (10 years), got "99999999d" (and 1 more)');
    expect(res.json().problems).toEqual([
      { path: 'tiers[0].within', message: 'expected a duration of at most 3650d (10 years), got "99999999d"' },
      { path: 'tiers[0].ban', message: 'expected a duration of at most 3650d (10 years), or permanent, got "99999999d"' },
    ]);
    expect(t.controls.policy()).toEqual(before);
    const ok = await c.req({ method: 'PUT', url: '/api/settings/policy', payload: { tiers: [{ failures: 2, within: '1h', ban: '3650d' }] } });
    expect(ok.statusCode).toBe(200);
  });

  it('a subnet ban of 99999999d is refused', async () => {
    const res = await c.req({ method: 'PUT', url: '/api/settings/subnets', payload: { enabled: true, addresses: 5, within: '1d', ban: '99999999d', ipv4_prefix: 24, ipv6_prefix: 64 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('ban: expected a duration of at most 3650d (10 years), or permanent, got "99999999d"');
  });

  it('a ban by hand for 99999999d is refused and nothing is banned', async () => {
    const res = await c.req({ method: 'POST', url: '/api/bans', payload: { ip: '203.0.113.9', duration: '99999999d' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('duration: expected a duration of at most 3650d (10 years), or permanent, got "99999999d"');
    expect(t.store.activeBans(t.clock.now)).toEqual([]);
  });
});
