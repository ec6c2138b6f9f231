/**
 * Internal and trusted lists that together hold every address would switch banning off
 * for good: refused with one line, in the config file as in the dashboard. Before, the
 * `/0` check looked at single entries only (the dashboard's internal list, the trusted
 * list), so `0.0.0.0/1` + `128.0.0.0/1` passed everywhere and the file took
 * `internal: [0.0.0.0/0]`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { login, startTestApi, type TestApi } from '../../test/support/kits/api.js';
import { everyAddressCovered } from '../engine/zones.js';
import { parseCidr, type Cidr } from '../domain/index.js';
import { parseConfigText } from './load.js';

function configError(text: string): string {
  try {
    parseConfigText(text, 'FILE', { fileExists: () => false });
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
}

const nets = (...xs: string[]) => xs.map((x) => parseCidr(x) as Cidr);

describe('everyAddressCovered', () => {
  it('finds a family covered in pieces, counting the never-banned ranges as covered', () => {
    expect(everyAddressCovered(nets('0.0.0.0/1', '128.0.0.0/1'))).toBe('IPv4');
    expect(everyAddressCovered(nets('0.0.0.0/0'))).toBe('IPv4');
    // Up to 224.0.0.0: multicast and above are never banned anyway.
    expect(everyAddressCovered(nets('0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3'))).toBe('IPv4');
    expect(everyAddressCovered(nets('::/1', '8000::/1'))).toBe('IPv6');
    expect(everyAddressCovered(nets('0.0.0.0/1', '128.0.0.0/2'))).toBeNull();
    expect(everyAddressCovered(nets('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'))).toBeNull();
    expect(everyAddressCovered(nets('0.0.0.0/1', '::/1'))).toBeNull();
  });
});

describe('the config file', () => {
  it('refuses internal: [0.0.0.0/0] as the dashboard does', () => {
    expect(configError('networks: { internal: [10.0.0.0/8, 0.0.0.0/0] }\n')).toBe(
      'config error in FILE at networks.internal[1]: 0.0.0.0/0 would make every address internal, so nobody would ever be banned; list your office and VPN networks instead');
  });

  it('refuses halves that together are everyone, in either list or across both', () => {
    expect(configError('networks: { internal: [0.0.0.0/1, 128.0.0.0/1] }\n')).toBe(
      'config error in FILE at networks.internal: 0.0.0.0/1 and 128.0.0.0/1 together make every IPv4 address internal, so nobody would ever be banned; list your office and VPN networks instead');
    expect(configError('networks: { trusted: [0.0.0.0/1, 128.0.0.0/1] }\n')).toBe(
      'config error in FILE at networks.trusted: 0.0.0.0/1 and 128.0.0.0/1 together trust every IPv4 address, so nobody would ever be banned; list only the addresses or networks you trust');
    expect(configError('networks: { internal: [10.0.0.0/8, 0.0.0.0/1], trusted: [128.0.0.0/1] }\n')).toBe(
      'config error in FILE at networks: internal (10.0.0.0/8 and 0.0.0.0/1) and trusted (128.0.0.0/1) together cover every IPv4 address, so nobody would ever be banned; list only your own networks and the addresses you trust');
    expect(configError('networks: { internal: ["::/1", "8000::/1"] }\n')).toContain('together make every IPv6 address internal');
  });

  it('still takes the defaults and ordinary lists', () => {
    expect(configError('')).toBe('accepted');
    expect(configError('networks: { internal: [0.0.0.0/1], trusted: [203.0.113.0/24, sip.example.com] }\n')).toBe('accepted');
  });
});

describe('the dashboard', () => {
  let t: TestApi;
  afterEach(async () => {
    await t?.close();
  });

  it('refuses the same halves with the same words, and changes nothing', async () => {
    t = await startTestApi();
    const c = await login(t.app);
    const put = (payload: object) => c.req({ method: 'PUT', url: '/api/settings/networks', payload });
    const halves = await put({ internal: ['0.0.0.0/1', '128.0.0.0/1'], trusted: [] });
    expect(halves.statusCode).toBe(400);
    expect(halves.json().message).toBe('internal: 0.0.0.0/1 and 128.0.0.0/1 together make every IPv4 address internal, so nobody would ever be banned; list your office and VPN networks instead');
    const across = await put({ internal: ['0.0.0.0/1'], trusted: ['128.0.0.0/1'] });
    expect(across.statusCode).toBe(400);
    expect(across.json().message).toContain('together cover every IPv4 address');
    expect(t.applied).toEqual([]);
    expect((await put({ internal: ['0.0.0.0/1'], trusted: [] })).statusCode).toBe(200);
  });
});
