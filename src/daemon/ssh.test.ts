/**
 * This host's SSH clients, never banned: sshd's ports and LoginGraceTime from its
 * configuration, the established connections from /proc/net/tcp{,6}, how long each has
 * lasted, and the client of the SSH session a command runs in.
 */
import { describe, expect, it } from 'vitest';
import { parseBanTarget, type IpAddress } from '../domain/ip.js';
import { compileZones, manualBanRefusal } from '../engine/zones.js';
import { guardOps } from '../enforcers/guard.js';
import { connectedInside, establishedSsh, readSshdConfig, SshClients, sshSessionClient, type ReadText } from './ssh.js';

const files = (map: Record<string, string>): ReadText => (f) => {
  const text = map[f];
  if (text === undefined) throw new Error(`ENOENT ${f}`);
  return text;
};

// /proc/net/tcp: local 0.0.0.0:22 listening, 198.51.100.7:51000 -> :22 established, 203.0.113.9 -> :5060 established,
// 192.0.2.1 -> :22 in TIME_WAIT (06).
const TCP = [
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0',
  '   1: 0A00000A:0016 076433C6:C738 01 00000000:00000000 02:0000A2B1 00000000     0        0 2 4 0000000000000000 20 4 30 10 -1',
  '   2: 0A00000A:13C4 097100CB:D431 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0000000000000000 20 4 30 10 -1',
  '   3: 0A00000A:0016 010200C0:D432 06 00000000:00000000 03:00000B41 00000000     0        0 0 3 0000000000000000',
].join('\n');
// /proc/net/tcp6: 2001:db8::5 -> :2222 established, ::ffff:198.51.100.8 -> :22 established.
const TCP6 = [
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 00000000000000000000000000000000:08AE B80D0120000000000000000005000000:E0F1 01 00000000:00000000 00:00000000 00000000     0        0 5 1 0000000000000000 20 4 30 10 -1',
  '   1: 0000000000000000FFFF00000A00000A:0016 0000000000000000FFFF0000086433C6:E0F2 01 00000000:00000000 00:00000000 00000000     0        0 6 1 0000000000000000 20 4 30 10 -1',
].join('\n');
const PROC = files({ '/proc/net/tcp': TCP, '/proc/net/tcp6': TCP6 });

describe("sshd's configuration", () => {
  it('reads Port, ListenAddress ports and LoginGraceTime, through Include globs, and stops at Match', () => {
    const read = files({
      '/etc/ssh/sshd_config': 'Include /etc/ssh/sshd_config.d/*.conf\n# Port 2000\nPort 22\nLoginGraceTime 2m\nMatch User backup\n  Port 9999\n',
      '/etc/ssh/sshd_config.d/10-port.conf': 'port=2222\nListenAddress [2001:db8::1]:2200\nListenAddress 10.0.0.10\nLoginGraceTime 30s\n',
      '/etc/ssh/sshd_config.d/README': 'Port 7777\n',
    });
    const list = (d: string) => (d === '/etc/ssh/sshd_config.d' ? ['README', '10-port.conf'] : []);
    const s = readSshdConfig('/etc/ssh/sshd_config', read, list);
    expect([...s.ports].sort((a, b) => a - b)).toEqual([22, 2200, 2222]);
    expect(s.loginGraceMs).toBe(30_000); // sshd keeps the first value it reads (the included file comes first)
  });

  it('is port 22 with a 120 s grace when it cannot be read or says nothing', () => {
    expect(readSshdConfig('/nowhere', files({}))).toEqual({ ports: [22], loginGraceMs: 120_000 });
    expect(readSshdConfig('/c', files({ '/c': 'PermitRootLogin no\nLoginGraceTime 1m30s\n' }))).toEqual({ ports: [22], loginGraceMs: 90_000 });
  });
});

describe('established SSH connections', () => {
  it('takes the clients of ESTABLISHED connections to the SSH ports only, IPv4-mapped folded to IPv4', () => {
    expect(establishedSsh([22], PROC).map((c) => c.ip)).toEqual(['198.51.100.7', '198.51.100.8']);
    expect(establishedSsh([2222], PROC).map((c) => c.key)).toEqual(['2001:db8::5 57585']);
    expect(establishedSsh([22], files({}))).toEqual([]);
  });

  it('spares an address from the daemon\'s bans once its connection outlived LoginGraceTime, and a person\'s at once', () => {
    let table = PROC;
    const ssh = new SshClients({ sshd: { ports: [22], loginGraceMs: 120_000 }, read: (f) => table(f) });
    ssh.refresh(0);
    expect(ssh.has('198.51.100.7' as IpAddress)).toBe(false); // not logged in yet, as far as anyone can tell
    expect(ssh.connectedTo('198.51.100.7' as IpAddress)).toBe('198.51.100.7');
    ssh.refresh(121_000);
    expect(ssh.has('198.51.100.7' as IpAddress)).toBe(true);
    expect([...ssh.addresses()].sort()).toEqual(['198.51.100.7', '198.51.100.8']);
    // The connection ends: no longer spared; a new one starts its own clock.
    table = files({ '/proc/net/tcp': TCP.replace('076433C6:C738', '076433C6:C739'), '/proc/net/tcp6': '' });
    ssh.refresh(122_000);
    expect(ssh.has('198.51.100.7' as IpAddress)).toBe(false);
    expect(ssh.has('198.51.100.8' as IpAddress)).toBe(false);
  });

  it('with LoginGraceTime 0 (sshd waits forever) every connection counts at once', () => {
    const ssh = new SshClients({ sshd: { ports: [22], loginGraceMs: 0 }, read: PROC });
    ssh.refresh(0);
    expect(ssh.has('198.51.100.7' as IpAddress)).toBe(true);
  });

  it('the zones make a settled client never-banned, alone and inside a network, and the firewall guard refuses it', () => {
    const ssh = new SshClients({ sshd: { ports: [22], loginGraceMs: 0 }, read: PROC });
    ssh.refresh(0);
    const zoneOf = compileZones({ internal: [], trusted: [], dynamicNever: ssh });
    expect(zoneOf('198.51.100.7' as IpAddress)).toBe('never');
    expect(zoneOf('198.51.100.9' as IpAddress)).toBe('external');
    expect(zoneOf.network(parseBanTarget('198.51.100.0/24') as never)).toBe('never');
    const refused: string[] = [];
    const ops = guardOps(['198.51.100.7', '198.51.100.0/24', '198.51.100.9'].map((ip) => ({ op: 'ban' as const, ip: parseBanTarget(ip)!, until: null })), zoneOf, (t) => refused.push(t));
    expect(ops.map((o) => o.ip)).toEqual(['198.51.100.9']);
    expect(refused).toEqual(['198.51.100.7', '198.51.100.0/24']);
  });
});

describe('a person\'s ban and SSH', () => {
  it('the SSH session\'s client comes from SSH_CONNECTION, else SSH_CLIENT', () => {
    expect(sshSessionClient({ SSH_CONNECTION: '198.51.100.7 51000 10.0.0.10 22' })).toBe('198.51.100.7');
    expect(sshSessionClient({ SSH_CLIENT: '2001:db8::5 51000 22' })).toBe('2001:db8::5');
    expect(sshSessionClient({ SSH_CONNECTION: 'garbage' })).toBeNull();
    expect(sshSessionClient({})).toBeNull();
  });

  it('refuses the address and any network holding it, with the reason, whatever --force says', () => {
    const rules = { sshPeer: (t: Parameters<typeof connectedInside>[0]) => {
      const ip = connectedInside(t, ['198.51.100.7' as IpAddress]);
      return ip ? { ip, how: 'is the client of the SSH session this command runs in' } : null;
    } };
    expect(manualBanRefusal('198.51.100.7' as IpAddress, 'external', rules, { force: true, how: 'add --force' }))
      .toBe('refusing to ban 198.51.100.7: it is the client of the SSH session this command runs in; a ban would cut that session (and lock you out)');
    expect(manualBanRefusal(parseBanTarget('198.51.100.0/24')!, 'external', rules))
      .toBe('refusing to ban 198.51.100.0/24: it holds 198.51.100.7, which is the client of the SSH session this command runs in; a ban would cut that session (and lock you out)');
    expect(manualBanRefusal('198.51.100.9' as IpAddress, 'external', rules)).toBeNull();
  });
});

describe('ban width', () => {
  const rules = { widest: { ipv4: 16, ipv6: 32 } };
  it('refuses networks wider than the limit unless confirmed', () => {
    const t = (s: string) => parseBanTarget(s)!;
    expect(manualBanRefusal(t('128.0.0.0/2'), 'external', rules))
      .toBe('refusing to ban 128.0.0.0/2: it is wider than /16 (limits.widest_ipv4_ban) and holds 1,073,741,824 addresses; check the prefix, or add --force if you mean the whole network');
    expect(manualBanRefusal(t('2000::/3'), 'external', rules)).toContain('it is wider than /32 (limits.widest_ipv6_ban) and holds 2^125 addresses');
    expect(manualBanRefusal(t('10.0.0.0/8'), 'internal', rules)).toContain('wider than /16');
    expect(manualBanRefusal(t('198.51.0.0/16'), 'external', rules)).toBeNull();
    expect(manualBanRefusal(t('2001:db8::/32'), 'external', rules)).toBeNull();
    expect(manualBanRefusal(t('128.0.0.0/2'), 'external', rules, { force: true, how: 'add --force' })).toBeNull();
  });
});
