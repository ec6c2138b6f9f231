/**
 * The CLI as an administrator scripts it, as real processes over a real store (dry-run
 * firewall): `status` exits 3 when the daemon is not running (LSB), `ban` and `release`
 * print JSON when asked, and `ban` refuses what would lock the owner out or block half
 * the Internet — a network wider than `limits` without `--force`, the client of the SSH
 * session it runs in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sandbox, sipwarden, startDaemon, waitFor } from '../support/cli.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function box(extra = '') {
  const b = sandbox(extra);
  cleanups.push(b.cleanup);
  return b;
}

describe('sipwarden status', () => {
  it('exits 3 when the daemon is not running, 0 while it runs (LSB)', async () => {
    const b = box();
    const down = sipwarden(['status', '--config', b.config]);
    expect(down.stdout).toMatch(/^sipwarden is NOT running/);
    expect(down.code).toBe(3);
    const downJson = sipwarden(['status', '--json', '--config', b.config]);
    expect(JSON.parse(downJson.stdout)).toMatchObject({ running: false });
    expect(downJson.code).toBe(3);

    const d = startDaemon(b.config);
    cleanups.push(() => d.stop('SIGKILL'));
    expect(await waitFor(() => d.lines.some((l) => l.msg === 'sipwarden running'))).toBe(true);
    const up = sipwarden(['status', '--config', b.config]);
    expect(up.stdout).toMatch(/^sipwarden is running/);
    expect(up.code).toBe(0);
  }, 30_000);
});

describe('sipwarden ban / release', () => {
  it('print the ban as JSON with --json', () => {
    const b = box();
    const ban = sipwarden(['ban', '203.0.113.7', '--for', '1h', '--reason', 'svwar', '--json', '--config', b.config]);
    expect(ban.code, ban.stderr).toBe(0);
    expect(JSON.parse(ban.stdout)).toMatchObject({
      ip: '203.0.113.7', source: 'manual', reason: 'svwar', state: 'active', zone: 'external', protection: 'on', daemonRunning: false,
      notes: ['the daemon is not running; the ban is stored and enforced when sipwarden starts'],
    });
    const rel = sipwarden(['release', '203.0.113.7', '--json', '--config', b.config]);
    expect(rel.code, rel.stderr).toBe(0);
    expect(JSON.parse(rel.stdout)).toMatchObject({ ip: '203.0.113.7', state: 'released', stillBlockedBy: null, daemonRunning: false });
  });

  it('refuses a network wider than limits (128.0.0.0/2 holds 172.16/12, 2000::/3 all global IPv6) unless --force', () => {
    const b = box();
    for (const net of ['128.0.0.0/2', '2000::/3', '10.0.0.0/8']) {
      const r = sipwarden(['ban', net, '--config', b.config]);
      expect(r.code, net).toBe(3);
      expect(r.stderr, net).toMatch(new RegExp(`^sipwarden: refusing to ban ${net.replace(/[./]/g, '\\$&')}: it is wider than /(16|32) \\(limits\\.widest_ipv[46]_ban\\)`));
      expect(r.stderr, net).toContain('add --force if you mean the whole network');
    }
    expect(JSON.parse(sipwarden(['bans', '--json', '--config', b.config]).stdout).total).toBe(0);
    const forced = sipwarden(['ban', '128.0.0.0/2', '--force', '--config', b.config]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/^banned 128\.0\.0\.0\/2 until released/);
    expect(sipwarden(['ban', '198.51.0.0/16', '--config', b.config]).code).toBe(0);
  });

  it('the limit is configurable', () => {
    const b = box('limits: { widest_ipv4_ban: 24 }');
    expect(sipwarden(['ban', '198.51.100.0/23', '--config', b.config]).code).toBe(3);
    expect(sipwarden(['ban', '198.51.100.0/24', '--config', b.config]).code).toBe(0);
  });

  it('never bans the client of the SSH session it runs in, nor a network holding it, even with --force', () => {
    const b = box();
    const env = { SSH_CONNECTION: '198.51.100.23 52114 192.0.2.1 22', SSH_CLIENT: undefined };
    const one = sipwarden(['ban', '198.51.100.23', '--force', '--config', b.config], env);
    expect(one.code).toBe(3);
    expect(one.stderr).toBe('sipwarden: refusing to ban 198.51.100.23: it is the client of the SSH session this command runs in; a ban would cut that session (and lock you out)\n');
    const net = sipwarden(['ban', '198.51.100.0/24', '--config', b.config], env);
    expect(net.code).toBe(3);
    expect(net.stderr).toContain('it holds 198.51.100.23, which is the client of the SSH session');
    expect(sipwarden(['ban', '198.51.100.24', '--config', b.config], env).code).toBe(0);
  });
});
