/**
 * The CLI and the daemon as real processes over real files and a real SQLite store
 * (dry-run firewall; the nftables backend has its own namespace tests).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { chansipFailure, CLI, FIXTURES, sandbox, sipwarden, startDaemon, waitFor } from '../support/cli.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('sipwarden check', () => {
  it("loads only what checking needs: never the daemon, the dashboard's server or the set-up planner", () => {
    // A resolve hook that writes every module URL the process loads to stderr.
    const hook = `data:text/javascript,${encodeURIComponent(
      "export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write('LOADED ' + r.url + '\\n'); return r; }",
    )}`;
    const register = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(hook)});`)}`;
    const r = spawnSync(process.execPath, ['--import', register, CLI, 'check', '--json', `${FIXTURES}/security.log`], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' }, timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).attempts).toBeGreaterThan(0);
    const loaded = r.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice(7));
    expect(loaded.some((u) => u.endsWith('/dist/check/index.js'))).toBe(true); // the hook saw the command's own modules
    for (const u of loaded) {
      expect(u, 'the daemon, its dashboard server or the set-up planner loaded by check').not.toMatch(/\/dist\/(daemon\/create|api\/server|setup\/|cli\/run|cli\/init)\.?|\/node_modules\/fastify\//);
    }
  });

  it('reports every failed attempt of the captured Asterisk 20 run once, across messages, full and security', () => {
    const r = sipwarden(['check', '--json', `${FIXTURES}/messages.log`, `${FIXTURES}/full.log`, `${FIXTURES}/security.log`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      lines: 93 + 126 + 194,
      events: expect.any(Number),
      // 70 failed logins and 3 calls to numbers the dial plan lacks (no_extension: S12, S13 from the trunk at 127.0.0.2, S24).
      attempts: 73,
      // svmap, svwar: challenges never answered (one each, whichever files report them).
      scans: 49,
      // Loopback has no country (geo/): null, never a guess from the database.
      addresses: [{ ip: '127.0.0.1', failures: 72, zone: 'never', scans: 49, country: null }, { ip: '127.0.0.2', failures: 1, zone: 'never', country: null }],
      bans: [],
    });
  });

  it('lists each attempt with its address, account and reason', () => {
    const r = sipwarden(['check', '--attempts', `${FIXTURES}/messages.log`, `${FIXTURES}/security.log`]);
    expect(r.code).toBe(0);
    const listed = r.stdout.split('\n').filter((l) => /^ {2}2026-11-24T/.test(l));
    const attempts = listed.filter((l) => !/ scan +\//.test(l));
    expect(attempts).toHaveLength(73);
    expect(listed.length - attempts.length).toBe(49); // and the scans, reason scan
    const by = (re: RegExp) => attempts.filter((l) => re.test(l)).length;
    expect(by(/PJSIP +"100" +wrong_password/)).toBe(8); // svcrack: 8 guesses, one Call-ID
    expect(by(/PJSIP +"102" +wrong_password/)).toBe(3);
    expect(by(/PJSIP +"999" +unknown_account/)).toBe(1); // 3 NOTICEs + 3 security events = 1 attempt
    expect(by(/SIP +"200" +wrong_password/)).toBe(8);
    expect(by(/AMI +"admin" +unknown_account/)).toBe(1);
    expect(by(/IAX2 +"nosuchuser" +unknown_account/)).toBe(1);
    expect(by(/ no_extension/)).toBe(3); // S12 (PJSIP), S13 (the trunk), S24 (chan_sip: NOTICE + FailedACL = 1)
  });

  it('bans what the owner asked for on an attack log, and never the innocent address written in a user name', () => {
    const box = sandbox();
    cleanups.push(box.cleanup);
    const t0 = Date.UTC(2026, 10, 24, 10, 0, 0);
    const sec = (i: number, account: string, ip: string) =>
      `[Nov 24 10:${String(i).padStart(2, '0')}:00] SECURITY[1] res_security_log.c: SecurityEvent="InvalidAccountID",EventTV="2026-11-24T10:${String(i).padStart(2, '0')}:00.000+0000",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="${account}",SessionID="c${i}",LocalAddress="IPV4/UDP/192.0.2.1/5060",RemoteAddress="IPV4/UDP/${ip}/5060"`;
    const lines = [
      sec(1, '101', '203.0.113.5'),
      sec(2, 'x",RemoteAddress="IPV4/UDP/198.51.100.1/5060', '203.0.113.5'),
      sec(3, '102', '192.168.1.20'),
      sec(4, '102', '192.168.1.20'),
    ];
    fs.writeFileSync(box.file('attack.log'), `${lines.join('\n')}\n`);
    fs.utimesSync(box.file('attack.log'), new Date(t0), new Date(t0));
    const r = sipwarden(['check', '--json', '--config', box.config, box.file('attack.log')]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.attempts).toBe(4);
    expect(out.addresses).toEqual([
      { ip: '192.168.1.20', failures: 2, zone: 'internal', country: null }, // private and documentation ranges have no country
      { ip: '203.0.113.5', failures: 2, zone: 'external', country: null },
    ]);
    expect(out.bans).toEqual([{ ip: '203.0.113.5', tier: 1, until: '2026-11-24T11:02:00.000Z', failures: 2 }]);
  });

  it('says in one line what is wrong with unreadable input or bad usage, exit 2', () => {
    const r = sipwarden(['check', '/nonexistent/messages']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('/nonexistent/messages');
    expect(sipwarden(['check']).code).toBe(2);
    expect(sipwarden(['no-such-command']).code).toBe(2);
  });

  it('refuses a broken config with the file, the key and what was expected — no stack trace', () => {
    const box = sandbox('policy:\n  tiers:\n    - { failures: 2, within: 1 hour, ban: 1h }');
    cleanups.push(box.cleanup);
    const r = sipwarden(['check', '--config', box.config, `${FIXTURES}/messages.log`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(box.config);
    expect(r.stderr).toContain('policy.tiers[0].within');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('sipwarden run with the CLI', () => {
  it('bans after 2 failures, takes a CLI release and a CLI ban, and keeps bans and counters across kill -9', async () => {
    const box = sandbox();
    cleanups.push(box.cleanup);
    let d = startDaemon(box.config);
    cleanups.push(() => d.stop('SIGKILL'));
    expect(await waitFor(() => d.lines.some((l) => l.msg === 'sipwarden running'))).toBe(true);

    fs.appendFileSync(box.file('messages'), chansipFailure('203.0.113.7') + chansipFailure('203.0.113.7'));
    expect(await waitFor(() => d.lines.some((l) => l.msg === 'would block' && l.ip === '203.0.113.7'))).toBe(true);
    const bansNow = () => JSON.parse(sipwarden(['bans', '--json', '--config', box.config]).stdout).rows.map((b: { ip: string; tier: number }) => [b.ip, b.tier]);
    expect(await waitFor(() => bansNow().length > 0, 5000)).toBe(true); // stored with the next progress commit (≤ 250 ms)
    expect(bansNow()).toEqual([['203.0.113.7', 1]]);
    expect(fs.readFileSync(box.file('failed-auth.log'), 'utf8')).toMatch(/ip=203\.0\.113\.7 .*action=banned tier=1/);

    // A release from the CLI reaches the running daemon's firewall.
    expect(sipwarden(['release', '203.0.113.7', '--config', box.config]).code).toBe(0);
    expect(await waitFor(() => d.lines.some((l) => l.msg === 'would unblock' && l.ip === '203.0.113.7'))).toBe(true);
    expect(sipwarden(['release', '203.0.113.7', '--config', box.config]).code).toBe(3);

    // A manual ban from the CLI, and a refused one.
    expect(sipwarden(['ban', '198.51.100.77', '--for', '2h', '--config', box.config]).code).toBe(0);
    expect(await waitFor(() => d.lines.some((l) => l.msg === 'would block' && l.ip === '198.51.100.77'))).toBe(true);
    const refused = sipwarden(['ban', '::1', '--config', box.config]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('refusing to ban ::1');

    // One failure from a new attacker, then a crash.
    fs.appendFileSync(box.file('messages'), chansipFailure('203.0.113.99', 6000));
    expect(await waitFor(() => fs.readFileSync(box.file('failed-auth.log'), 'utf8').includes('203.0.113.99'))).toBe(true);
    await new Promise((r) => setTimeout(r, 400)); // let the batched failure row reach the store
    await d.stop('SIGKILL');

    d = startDaemon(box.config);
    expect(await waitFor(() => d.lines.some((l) => l.msg === 'sipwarden running'))).toBe(true);
    const restored = d.lines.find((l) => l.msg === 'restored bans and counters from the store');
    expect(restored).toMatchObject({ bans: 1, failures: 1 }); // the released attacker's counters are gone
    expect(d.lines.find((l) => l.msg === 'would hold these bans')).toMatchObject({ bans: 1 });
    // The restored counter makes the next failure the second one: banned.
    fs.appendFileSync(box.file('messages'), chansipFailure('203.0.113.99', 6001));
    expect(await waitFor(() => d.lines.some((l) => l.msg === 'would block' && l.ip === '203.0.113.99'))).toBe(true);
    expect(await d.stop('SIGTERM')).toBe(0);
    expect(d.lines.some((l) => l.msg === 'sipwarden stopped; bans stay in force')).toBe(true);
  });

  it('loses no line and counts none twice when killed with -9 mid-file and restarted', async () => {
    const box = sandbox();
    cleanups.push(box.cleanup);
    let d = startDaemon(box.config);
    cleanups.push(() => d.stop('SIGKILL'));
    expect(await waitFor(() => d.lines.some((l) => l.msg === 'sipwarden running'))).toBe(true);
    const N = 3000;
    const attacker = (i: number) => `203.${(i >> 8) & 255}.${i & 255}.7`; // each fails once: no bans
    for (let i = 0; i < N; i++) {
      fs.appendFileSync(box.file('messages'), chansipFailure(attacker(i), 5060));
      if (i === 1200) await d.stop('SIGKILL'); // mid-file, lines keep coming while it is down
      if (i === 1800) {
        d = startDaemon(box.config);
        expect(await waitFor(() => d.lines.some((l) => l.msg === 'sipwarden running'))).toBe(true);
      }
      if (i % 200 === 0) await new Promise((r) => setTimeout(r, 10));
    }
    const stored = () => JSON.parse(sipwarden(['status', '--json', '--config', box.config]).stdout).failuresLast24h as number;
    expect(await waitFor(() => stored() >= N, 20_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 600)); // a late duplicate would show up by now
    expect(stored()).toBe(N);
    expect(await d.stop('SIGTERM')).toBe(0);
  });

  it('names a config file given with --config that does not exist', () => {
    const box = sandbox();
    cleanups.push(box.cleanup);
    const r = sipwarden(['status', '--config', box.file('missing.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing.yaml');
  });
});
