/**
 * The dashboard's manual ban refuses what would lock the owner out or block half the
 * Internet: an address connected to this host's SSH (or a network holding one), and a
 * network wider than `limits` unless the person confirmed it (`force: true`). Before,
 * `128.0.0.0/2` (which holds 172.16/12), `2000::/3` (every global IPv6 address) and
 * `10.0.0.0/8` were banned at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { login, startTestApi, type TestApi } from '../../test/support/kits/api.js';
import type { IpAddress } from '../domain/ip.js';
import { connectedInside } from '../daemon/ssh.js';

let t: TestApi;
afterEach(async () => {
  await t?.close();
});

describe('POST /api/bans', () => {
  it('refuses a network wider than /16 (IPv4) or /32 (IPv6) unless confirmed with force: true', async () => {
    t = await startTestApi();
    const c = await login(t.app);
    const ban = (payload: object) => c.req({ method: 'POST', url: '/api/bans', payload: { duration: '1h', ...payload } });
    for (const ip of ['128.0.0.0/2', '2000::/3', '10.0.0.0/8']) {
      const res = await ban({ ip });
      expect(res.statusCode, ip).toBe(409);
      expect(res.json().code).toBe('NEVER_BAN');
      expect(res.json().message, ip).toMatch(/^refusing to ban \S+: it is wider than \/(16|32) \(limits\.widest_ipv[46]_ban\) and holds .* addresses; check the prefix, or confirm it \(send "force": true\) if you mean the whole network$/);
    }
    expect(t.store.changesSince(0)).toEqual([]);
    expect((await ban({ ip: '198.51.0.0/16' })).statusCode).toBe(201);
    const forced = await ban({ ip: '128.0.0.0/2', force: true });
    expect(forced.statusCode).toBe(201);
    expect(forced.json()).toMatchObject({ ip: '128.0.0.0/2', state: 'active' });
  });

  it('never bans an address with an established SSH connection, nor a network holding it, even with force', async () => {
    const sshClient = '203.0.113.50' as IpAddress;
    t = await startTestApi({
      manualBans: {
        widest: { ipv4: 16, ipv6: 32 },
        sshPeer: (target) => {
          const ip = connectedInside(target, [sshClient]);
          return ip ? { ip, how: "has an established connection to this host's SSH port (22)" } : null;
        },
      },
    });
    const c = await login(t.app);
    const one = await c.req({ method: 'POST', url: '/api/bans', payload: { ip: sshClient, duration: 'permanent', force: true } });
    expect(one.statusCode).toBe(409);
    expect(one.json().message).toBe("refusing to ban 203.0.113.50: it has an established connection to this host's SSH port (22); a ban would cut that session (and lock you out)");
    const net = await c.req({ method: 'POST', url: '/api/bans', payload: { ip: '203.0.113.0/24', duration: '1h' } });
    expect(net.json().message).toMatch(/^refusing to ban 203\.0\.113\.0\/24: it holds 203\.0\.113\.50, which has an established connection/);
    expect(t.store.changesSince(0)).toEqual([]);
  });
});
