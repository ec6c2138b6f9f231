/**
 * The Debian package, installed the way a PBX owner installs it, on a clean Debian 12
 * with a real systemd as PID 1 (debootstrap tree, cached between runs, booted with
 * systemd-nspawn in a network namespace of its own: see test/support/container.ts):
 *
 *   apt install ./sipwarden_<v1>_amd64.deb; a FreePBX-shaped /etc/asterisk; sipwarden init --yes
 *   -> the service is active (Type=notify: it said it is ready), `sipwarden status` answers,
 *      a failure line appended to Asterisk's security log bans its address in the
 *      container's nftables, journalctl shows readable lines with priorities, the unit
 *      rates <= 2.5 in systemd-analyze security while doing all that;
 *   apt install ./sipwarden_<v2>_amd64.deb (the same build, version bumped)
 *   -> restarted on the new version, config, store and ban kept;
 *   apt purge sipwarden
 *   -> nothing left: no file of the package, no /etc|/var/lib|/var/log/sipwarden, no nft
 *      table, no enablement or mask, the Asterisk files as they were before init.
 *
 * The .deb is built by scripts/package with gzip (seconds instead of xz's minutes; same content). The
 * dependencies come from Debian's mirror through debootstrap (Depends and Recommends of
 * the .deb are in the tree), so apt inside the offline container resolves them locally.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootContainer, debianTree, type Container } from '../../support/container.js';
import { freepbxTree } from '../../support/kits/setup.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const ATTACKER = '198.51.100.7';
const HOST = '198.51.100.1';
const MINUTE = 60_000;

const timings: Record<string, number> = {};
const ARTIFACTS = join(REPO, 'test-artifacts');
let work: string;
let debs: { v1: string; v2: string; version1: string; version2: string };
let c: Container;
let asteriskBefore: Record<string, string>;
let lintian: Promise<{ code: number | null; out: string }>;

/** Runs lintian on the .deb in the background (it takes a minute; the container steps go on meanwhile). */
function startLintian(deb: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn('lintian', ['--tag-display-limit', '0', deb], { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * MINUTE);
    child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { out += b.toString(); });
    child.on('error', (e) => { clearTimeout(timer); resolve({ code: -1, out: e.message }); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, out }); });
  });
}

function timed<T>(name: string, fn: () => T): T {
  const t0 = Date.now();
  try {
    return fn();
  } finally {
    timings[name] = Date.now() - t0;
  }
}

function sh(cmd: string, args: readonly string[], timeoutMs = 10 * MINUTE): string {
  const r = spawnSync(cmd, args, { cwd: REPO, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} -> ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The same package with another version: control, the product's package.json, md5sums. */
function bumpVersion(deb: string, version: string, out: string): string {
  const dir = join(work, 'repack');
  sh('dpkg-deb', ['-R', deb, dir]);
  const control = join(dir, 'DEBIAN/control');
  writeFileSync(control, readFileSync(control, 'utf8').replace(/^Version: .*$/m, `Version: ${version}`));
  const pkgFile = join(dir, 'usr/lib/sipwarden/app/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { version: string };
  writeFileSync(pkgFile, `${JSON.stringify({ ...pkg, version }, null, 2)}\n`);
  const sums = join(dir, 'DEBIAN/md5sums');
  const md5 = createHash('md5').update(readFileSync(pkgFile)).digest('hex');
  writeFileSync(sums, readFileSync(sums, 'utf8').replace(/^[0-9a-f]{32}( {2}usr\/lib\/sipwarden\/app\/package\.json)$/m, `${md5}$1`));
  sh('dpkg-deb', ['--root-owner-group', '-Znone', '--build', dir, out]);
  rmSync(dir, { recursive: true, force: true });
  return out;
}

/** Polls `check` every 250 ms until it is true, at most `ms`. */
async function until(ms: number, check: () => boolean): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return check();
}

/** A failed login as Asterisk 20 writes it, dated now (a fixed date would be in the past one day, and its ban already over). */
function securityLine(n: number): string {
  const at = new Date(Date.now() - 3_000 + n * 1_000); // the container's clock is the host's; its zone is UTC
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const stamp = `${MONTHS[at.getUTCMonth()]} ${String(at.getUTCDate()).padStart(2, ' ')} ${at.toISOString().slice(11, 19)}`;
  const tv = `${at.toISOString().slice(0, 19)}.446+0000`;
  return `[${stamp}] SECURITY[16648] res_security_log.c: SecurityEvent="ChallengeResponseFailed",EventTV="${tv}",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="100",SessionID="33712932${n}",LocalAddress="IPV4/UDP/${HOST}/5060",RemoteAddress="IPV4/UDP/${ATTACKER}/5092",Challenge="179554360${n}/abccfd014c5be7ad7767532f0b25a29${n}",Response="53a9554163a974e805723053942708e${n}",ExpectedResponse=""\n`;
}

const banned = () => c.run(['nft', 'list', 'set', 'inet', 'sipwarden', 'ban4']).stdout.includes(ATTACKER);
const show = (prop: string) => c.must(['systemctl', 'show', '-P', prop, 'sipwarden.service']).trim();

describe('the Debian package on Debian 12 under systemd', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'sipwarden-deb-'));
    const version1 = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version as string;
    const version2 = `${version1}+test.2`;
    // SIPWARDEN_TEST_GIT_REV: build that commit (scripts/package --git) instead of the working tree.
    const rev = process.env.SIPWARDEN_TEST_GIT_REV;
    const v1 = timed('build', () => sh('scripts/package', ['--out', join(work, 'v1'), '--compression', 'gzip', ...(rev ? ['--git', rev] : [])]).trim().split('\n').at(-1) ?? '');
    const v2 = timed('repack', () => bumpVersion(v1, version2, join(work, `sipwarden_${version2}_amd64.deb`)));
    debs = { v1, v2, version1, version2 };
    const lintianStart = Date.now();
    lintian = startLintian(v1).then((r) => { timings.lintian = Date.now() - lintianStart; return r; });
    const fields = sh('dpkg-deb', ['-f', v1, 'Depends', 'Recommends']);
    const needs = [...fields.matchAll(/(?:^|[ ,:])([a-z0-9][a-z0-9+.-]+)(?= \(|,|$)/gm)].map((m) => m[1] as string).filter((n) => n !== 'Depends' && n !== 'Recommends');
    const tree = timed('debootstrap', () => debianTree(needs, (s) => console.log(s)));
    c = await (async () => {
      const t0 = Date.now();
      try {
        return await bootContainer(tree.dir, join(work, 'container'), 'sipwarden-deb-test');
      } finally {
        timings.boot = Date.now() - t0;
      }
    })();
  }, 30 * MINUTE);

  afterAll(async () => {
    await c?.stop();
    await lintian;
    if (work) rmSync(work, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'package-test-timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
    console.log(`package test timings (ms): ${JSON.stringify(timings)}`);
  }, 2 * MINUTE);

  it('installs with apt from the .deb alone, service not yet enabled', () => {
    c.copyIn(debs.v1, '/root/sipwarden_v1.deb');
    timed('install', () => c.must(['apt-get', 'install', '-y', '--no-install-recommends', '/root/sipwarden_v1.deb'], { timeoutMs: 5 * MINUTE }));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text, expanded by bash
    expect(c.must(['dpkg-query', '-W', '-f', '${Status} ${Version}', 'sipwarden'])).toBe(`install ok installed ${debs.version1}`);
    expect(c.must(['sipwarden', '--version']).trim()).toBe(debs.version1);
    expect(c.must(['/usr/lib/sipwarden/node', '--version']).trim()).toBe(process.version);
    expect(c.run(['systemctl', 'is-enabled', 'sipwarden.service']).stdout.trim()).toBe('disabled');
    expect(c.run(['systemctl', 'is-active', 'sipwarden.service']).stdout.trim()).toBe('inactive');
    for (const p of ['/usr/share/man/man8/sipwarden.8.gz', '/usr/share/man/man5/sipwarden.yaml.5.gz', '/usr/share/bash-completion/completions/sipwarden', '/usr/share/zsh/vendor-completions/_sipwarden',
      '/usr/share/doc/sipwarden/examples/sipwarden.yaml', '/etc/logrotate.d/sipwarden', '/lib/systemd/system/sipwarden.service']) {
      expect(existsSync(join(c.root, p)), p).toBe(true);
    }
    for (const d of ['etc/sipwarden', 'var/lib/sipwarden', 'var/log/sipwarden']) expect(existsSync(join(c.root, d)), d).toBe(true);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text, expanded by bash
    const completion = c.must(['bash', '-c', 'source /usr/share/bash-completion/completions/sipwarden; COMP_WORDS=(sipwarden sta); COMP_CWORD=1; _sipwarden; echo "${COMPREPLY[@]}"']);
    expect(completion.trim()).toBe('status');
  }, 10 * MINUTE);

  it('sipwarden init --yes sets up a FreePBX tree and starts the service under systemd (Type=notify)', () => {
    asteriskBefore = Object.fromEntries(Object.entries(freepbxTree(c.root)).filter(([p]) => p.startsWith('etc/asterisk/')));
    for (const f of ['full', 'security']) writeFileSync(join(c.root, 'var/log/asterisk', f), '');
    const out = timed('init', () => c.must(['sipwarden', 'init', '--yes'], { timeoutMs: 3 * MINUTE }));
    expect(out).toContain('systemctl enable sipwarden.service');
    expect(c.run(['systemctl', 'is-enabled', 'sipwarden.service']).stdout.trim()).toBe('enabled');
    expect(c.run(['systemctl', 'is-active', 'sipwarden.service']).stdout.trim()).toBe('active');
    expect(show('Type')).toBe('notify');
    expect(show('StatusText')).toBe('protecting'); // systemd-notify's READY=1 and STATUS= reached systemd
    expect(readFileSync(join(c.root, 'etc/asterisk/logger_logfiles_custom.conf'), 'utf8')).toContain('security => security');
    expect(readFileSync(join(c.root, 'etc/asterisk/manager_custom.conf'), 'utf8')).toContain('[sipwarden]');
  }, 5 * MINUTE);

  it('sipwarden status answers', () => {
    const text = c.must(['sipwarden', 'status']);
    expect(text).toMatch(/sipwarden is running \(pid \d+\)/);
    const json = JSON.parse(c.must(['sipwarden', 'status', '--json'])) as { running: boolean };
    expect(json.running).toBe(true);
  });

  it("a failure line appended to Asterisk's log bans its address in the container's nftables", async () => {
    // An attacker host: a namespace inside the container's own, behind a veth.
    c.must(['sh', '-ec', [
      'ip netns add attacker',
      'ip link add sw-pbx type veth peer name sw-att',
      'ip link set sw-att netns attacker',
      `ip addr add ${HOST}/24 dev sw-pbx`, 'ip link set sw-pbx up',
      `ip netns exec attacker ip addr add ${ATTACKER}/24 dev sw-att`,
      'ip netns exec attacker ip link set sw-att up', 'ip netns exec attacker ip link set lo up',
    ].join('\n')]);
    // The kernel must have seen it send the PBX packets (require_seen), as a real attacker does.
    c.must(['ip', 'netns', 'exec', 'attacker', 'bash', '-c', `for i in 1 2 3; do echo OPTIONS > /dev/udp/${HOST}/5060; sleep 0.2; done`]);
    const t0 = Date.now();
    c.must(['sh', '-c', `cat >> /var/log/asterisk/security`], { input: securityLine(1) + securityLine(2) + securityLine(3) });
    expect(await until(20_000, banned)).toBe(true);
    timings.banAfterLine = Date.now() - t0;
    expect(c.must(['sipwarden', 'bans'])).toContain(ATTACKER);
    expect(readFileSync(join(c.root, 'var/log/sipwarden/failed-auth.log'), 'utf8')).toMatch(new RegExp(`ip=${ATTACKER.replace(/\./g, '\\.')} .*action=banned`));
  }, 2 * MINUTE);

  it('journalctl -u sipwarden shows readable lines with their priorities', () => {
    const lines = c.must(['journalctl', '-u', 'sipwarden.service', '--no-pager', '-o', 'json']).trim().split('\n')
      .map((l) => JSON.parse(l) as { MESSAGE?: string; PRIORITY?: string; _PID?: string; SYSLOG_IDENTIFIER?: string });
    const daemon = lines.filter((l) => l.SYSLOG_IDENTIFIER === 'sipwarden');
    const running = daemon.find((l) => l.MESSAGE?.startsWith('sipwarden running'));
    expect(running, JSON.stringify(lines.slice(-20))).toBeDefined();
    expect(running?.PRIORITY).toBe('6');
    expect(running?.MESSAGE).toMatch(/^sipwarden running backend=nftables protection=on bans=\d+$/);
    // No JSON records and no unparsed priority prefixes in the journal.
    expect(daemon.filter((l) => /^(\{|<\d>)/.test(l.MESSAGE ?? ''))).toEqual([]);
    // The AMI is down (no Asterisk here): that is a warning, filed as one.
    const ami = daemon.find((l) => l.MESSAGE?.startsWith('AMI connection to 127.0.0.1:5038 failed'));
    expect(ami?.PRIORITY).toBe('4');
    expect(c.must(['journalctl', '-u', 'sipwarden.service', '--no-pager', '-p', 'warning', '-o', 'cat'])).toContain('AMI connection to 127.0.0.1:5038 failed');
    // The plain view is readable too.
    expect(c.must(['journalctl', '-u', 'sipwarden.service', '--no-pager', '-o', 'cat'])).toContain('sipwarden running backend=nftables');
    // The package's netlink addon loads under the bundled node: bans take the fast path.
    expect(c.must(['journalctl', '-u', 'sipwarden.service', '--no-pager', '-o', 'cat'])).toMatch(/nftables firewall ready .*fastPath=netlink/);
  });

  it('the unit rates at most 2.5 in systemd-analyze security, and systemd gets the watchdog pings', async () => {
    const out = c.must(['systemd-analyze', 'security', '--no-pager', 'sipwarden.service']);
    const m = /Overall exposure level for sipwarden\.service: (\d+\.\d+) (\w+)/.exec(out);
    expect(m, out).not.toBeNull();
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'package-security.txt'), out);
    expect(Number(m?.[1])).toBeLessThanOrEqual(2.5);
    expect(show('WatchdogUSec')).toBe('1min');
    const first = show('WatchdogTimestampMonotonic');
    const t0 = Date.now();
    expect(await until(40_000, () => show('WatchdogTimestampMonotonic') !== first)).toBe(true);
    timings.watchdogPing = Date.now() - t0;
    expect(show('NRestarts')).toBe('0');
  }, 2 * MINUTE);

  it('an upgrade to a newer build restarts it on the new version and keeps config, store and the ban', async () => {
    const config = readFileSync(join(c.root, 'etc/sipwarden/sipwarden.yaml'));
    const pid = show('MainPID');
    c.copyIn(debs.v2, '/root/sipwarden_v2.deb');
    timed('upgrade', () => c.must(['apt-get', 'install', '-y', '--no-install-recommends', '/root/sipwarden_v2.deb'], { timeoutMs: 5 * MINUTE }));
    expect(c.must(['sipwarden', '--version']).trim()).toBe(debs.version2);
    expect(c.run(['systemctl', 'is-active', 'sipwarden.service']).stdout.trim()).toBe('active');
    expect(show('MainPID')).not.toBe(pid);
    expect(readFileSync(join(c.root, 'etc/sipwarden/sipwarden.yaml')).equals(config)).toBe(true);
    expect(banned()).toBe(true);
    expect(c.must(['sipwarden', 'bans'])).toContain(ATTACKER);
    expect(await until(10_000, () => /sipwarden is running/.test(c.run(['sipwarden', 'status']).stdout))).toBe(true);
  }, 10 * MINUTE);

  it('apt purge leaves nothing behind', () => {
    // Every file (not directory) the package installed.
    const files = c.must(['dpkg', '-L', 'sipwarden']).trim().split('\n').filter((p) => {
      try {
        return !statSync(join(c.root, p)).isDirectory(); // /lib is a link to usr/lib: followed
      } catch {
        return false;
      }
    });
    expect(files.length).toBeGreaterThan(100);
    timed('purge', () => c.must(['apt-get', 'purge', '-y', 'sipwarden'], { timeoutMs: 5 * MINUTE }));
    expect(c.run(['dpkg', '-L', 'sipwarden']).code).not.toBe(0);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text, expanded by bash
    expect(c.run(['dpkg-query', '-W', '-f', '${Status}', 'sipwarden']).stdout).not.toContain('installed');
    expect(files.filter((p) => existsSync(join(c.root, p)))).toEqual([]);
    for (const d of ['/etc/sipwarden', '/var/lib/sipwarden', '/var/log/sipwarden', '/usr/lib/sipwarden',
      '/etc/systemd/system/sipwarden.service', '/etc/systemd/system/multi-user.target.wants/sipwarden.service',
      '/var/lib/systemd/deb-systemd-helper-enabled/sipwarden.service.dsh-also',
      '/var/lib/systemd/deb-systemd-helper-masked/sipwarden.service']) {
      expect(existsSync(join(c.root, d)), d).toBe(false);
    }
    expect(c.run(['nft', 'list', 'table', 'inet', 'sipwarden']).code).not.toBe(0);
    expect(c.run(['systemctl', 'is-active', 'sipwarden.service']).stdout.trim()).not.toBe('active');
    // init's changes to Asterisk are undone: every file as it was, no backups left.
    for (const [p, text] of Object.entries(asteriskBefore)) expect(readFileSync(join(c.root, p), 'utf8'), p).toBe(text);
    expect(c.must(['sh', '-c', 'ls /etc/asterisk | grep -c sipwarden || true']).trim()).toBe('0');
  }, 10 * MINUTE);

  it('lintian finds no error and no warning (the tags the package accepts are overridden, each with its reason)', async () => {
    const r = await lintian;
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'package-lintian.txt'), r.out);
    const tags = r.out.split('\n').filter((l) => /^[EW]: /.test(l));
    expect(tags, r.out).toEqual([]);
  }, 10 * MINUTE);
});
