/**
 * Every command that prints data speaks JSON with `--json` and with its alias `-o json`,
 * as real processes over a real store (dry-run firewall): the output parses and holds
 * the documented fields; errors are `{"error":{"code","message","fix"}}` on stderr with
 * the text mode's exit codes; `status` says when nothing is really blocked; `bans
 * --account` finds bans through the failure history.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { parseIp, type IpAddress } from '../../src/domain/index.js';
import { Store } from '../../src/store/index.js';
import { freepbxAclTree } from '../support/kits/acl.js';
import { freepbxTree, snapshot, tempRoot } from '../support/kits/setup.js';
import { CLI, FIXTURES, sandbox, sipwarden } from '../support/cli.js';

/** Each test runs the CLI as a process several times: seconds each on a loaded machine (bounded all the same). */
const CLI_TIMEOUT = 180_000;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function box(extra = '') {
  const b = sandbox(extra);
  cleanups.push(b.cleanup);
  return b;
}

function root(): string {
  const t = tempRoot();
  cleanups.push(t.cleanup);
  return t.root;
}

/** Runs the command with --json and with -o json: both exit `code` and print the same JSON on stdout; returns it. */
function both(args: string[], code = 0): Record<string, unknown> {
  const a = sipwarden([...args, '--json']);
  const b = sipwarden([...args, '-o', 'json']);
  expect(a.code, a.stderr).toBe(code);
  expect(b.code, b.stderr).toBe(code);
  const parsed = JSON.parse(a.stdout) as Record<string, unknown>;
  expect(Object.keys(JSON.parse(b.stdout) as object).sort()).toEqual(Object.keys(parsed).sort());
  return parsed;
}

/** The JSON error on stderr (one line, nothing on stdout) and the exit code. */
function jsonError(args: string[]): { code: number; error: { code: string; message: string; fix: string } } {
  const r = sipwarden(args);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  const body = JSON.parse(r.stderr) as { error: { code: string; message: string; fix: string } };
  expect(Object.keys(body.error).sort()).toEqual(['code', 'fix', 'message']);
  expect(body.error.fix.length).toBeGreaterThan(0);
  return { code: r.code, error: body.error };
}

describe('--json and -o json on every command that prints data', () => {
  it('status: running, protection, backend, blocking and the rest; exit 3 when not running', () => {
    const b = box();
    const s = both(['status', '--config', b.config], 3);
    expect(s).toMatchObject({ running: false, pid: null, protection: 'on', blocking: 'detecting-only', activeBans: 0, failuresLast24h: 0, store: b.file('sipwarden.db') });
    for (const k of ['backend', 'sources', 'ami', 'reports', 'logs', 'watch', 'storeHealth']) expect(s).toHaveProperty(k);
  }, CLI_TIMEOUT);

  it('ban, bans and release: the ban, the list with each ban\'s state, the released ban', () => {
    const b = box();
    expect(both(['ban', '203.0.113.7', '--for', '1h', '--config', b.config])).toMatchObject({ ip: '203.0.113.7', state: 'active', source: 'manual', zone: 'external', daemonRunning: false });
    const list = both(['bans', '--config', b.config]);
    expect(list).toMatchObject({ total: 1, exact: true, rows: [{ ip: '203.0.113.7', state: 'active', reason: 'manual ban', tier: 0, accounts: [] }] });
    sipwarden(['ban', '203.0.113.8', '--config', b.config]);
    // Release runs once per address: --json for one, -o json for the other.
    const released = [sipwarden(['release', '203.0.113.7', '--json', '--config', b.config]), sipwarden(['release', '203.0.113.8', '-o', 'json', '--config', b.config])];
    for (const [i, r] of released.entries()) {
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ ip: `203.0.113.${7 + i}`, state: 'released', stillBlockedBy: null, daemonRunning: false });
    }
  }, CLI_TIMEOUT);

  it('accounts: the patterns, what was discovered and from which files', () => {
    const b = box();
    const a = both(['accounts', '--config', b.config]);
    expect(a).toMatchObject({ extensionsInternalOnly: expect.any(Boolean), patterns: { extensions: expect.any(Array), trunks: expect.any(Array), roaming: expect.any(Array) } });
    expect(Array.isArray(a.discovered)).toBe(true);
    expect(Array.isArray(a.files)).toBe(true);
  }, CLI_TIMEOUT);

  it('check: lines, events, attempts, addresses and bans', () => {
    const c = both(['check', `${FIXTURES}/security.log`]);
    expect(c).toMatchObject({ lines: expect.any(Number), events: expect.any(Number), attempts: expect.any(Number), addresses: expect.any(Array), bans: [] });
  }, CLI_TIMEOUT);

  it('allow-calls: the account, its suspension, whether the daemon runs, the AstDB key', () => {
    const b = box();
    expect(both(['allow-calls', '100', '--config', b.config])).toEqual({ account: '100', suspended: null, daemonRunning: false, astdbKey: 'sipwarden/suspended/100' });
  }, CLI_TIMEOUT);

  it('passwd: who and when, never the password', () => {
    const b = box();
    const pw = 'a long enough dashboard password';
    const r = spawnSync(process.execPath, [CLI, 'passwd', '--password-stdin', '-o', 'json', '--config', b.config], { input: pw, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toContain(pw);
    expect(JSON.parse(r.stdout)).toEqual({ user: 'admin', changed: true, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), sessionsLoggedOut: true });
    const short = spawnSync(process.execPath, [CLI, 'passwd', '--password-stdin', '--json', '--config', b.config], { input: 'short', encoding: 'utf8', timeout: 60_000 });
    expect(short.status).toBe(2);
    expect(JSON.parse(short.stderr)).toMatchObject({ error: { code: 'USAGE', message: expect.stringContaining('at least') } });
  }, CLI_TIMEOUT);

  it('init --dry-run --json: the plan (changes, follow-ups, warnings), never the AMI secret, nothing changed', () => {
    const r = root();
    freepbxTree(r);
    const before = snapshot(r);
    const plan = both(['init', '--dry-run', '--root', r]);
    expect(snapshot(r)).toEqual(before);
    expect(plan).toMatchObject({ command: 'init', action: 'install', root: r, blocker: null, packaged: false });
    const changes = plan.changes as Array<{ kind: string; path: string; say: string; creates: boolean }>;
    expect(changes.map((c) => c.path)).toContain('/etc/asterisk/logger_logfiles_custom.conf');
    expect(changes.find((c) => c.path === '/etc/asterisk/manager_custom.conf')).toMatchObject({ kind: 'edit', secret: true });
    expect(changes.every((c) => ['mkdir', 'edit', 'write'].includes(c.kind) && typeof c.say === 'string' && typeof c.creates === 'boolean')).toBe(true);
    expect((plan.followUps as Array<{ program: string }>).map((f) => f.program)).toContain('asterisk');
    expect(JSON.stringify(plan)).not.toMatch(/secret *=/);
    expect(jsonError(['init', '--json', '--root', r])).toMatchObject({ code: 2, error: { code: 'USAGE', message: expect.stringContaining('--dry-run') } });
  }, CLI_TIMEOUT);

  it('asterisk-acl --dry-run --json: the plan with the extensions it protects', () => {
    const r = root();
    freepbxAclTree(r);
    const before = snapshot(r);
    const plan = both(['asterisk-acl', '--dry-run', '--root', r]);
    expect(snapshot(r)).toEqual(before);
    expect(plan).toMatchObject({ command: 'asterisk-acl', action: 'install', root: r, config: 'the built-in defaults' });
    for (const k of ['changes', 'followUps', 'done', 'warnings', 'internal', 'protect', 'leftAlone', 'refused']) expect(Array.isArray(plan[k]), k).toBe(true);
  }, CLI_TIMEOUT);
});

describe('errors in JSON mode', () => {
  it('each is {"error":{"code","message","fix"}} on stderr with the text mode\'s exit code', () => {
    const b = box();
    expect(jsonError(['ban', 'not-an-address', '--json', '--config', b.config])).toMatchObject({ code: 2, error: { code: 'BAD_ADDRESS' } });
    expect(jsonError(['ban', '127.0.0.1', '-o', 'json', '--config', b.config])).toMatchObject({ code: 3, error: { code: 'NEVER_BAN' } });
    expect(jsonError(['release', '198.51.100.1', '--json', '--config', b.config])).toMatchObject({ code: 3, error: { code: 'NOT_BANNED', message: '198.51.100.1 is not banned' } });
    expect(jsonError(['bans', '--no-such-option', '--json'])).toMatchObject({ code: 2, error: { code: 'USAGE', message: "unknown option '--no-such-option'" } });
    expect(jsonError(['bans', '--json', '-o', 'text', '--config', b.config])).toMatchObject({ code: 2, error: { code: 'USAGE' } });
    expect(jsonError(['check', '/nonexistent/messages', '--json'])).toMatchObject({ code: 2, error: { code: 'INPUT_UNREADABLE' } });
    expect(jsonError(['status', '--json', '--config', b.file('missing.yaml')]).code).toBe(2);
  }, CLI_TIMEOUT);

  it('attacker-written text in a message stays one escaped line', () => {
    const b = box();
    const e = jsonError(['ban', 'x\u001b[2J\nevil', '--json', '--config', b.config]);
    expect(e.error.message).toContain('not an IP address or network');
    expect(e.error.message).not.toContain('\u001b');
  }, CLI_TIMEOUT);
});

describe('truthful status and bans --account', () => {
  it('status says a dry-run firewall blocks nobody', () => {
    const b = box();
    const r = sipwarden(['status', '--config', b.config]);
    expect(r.stdout).toContain('Detecting only — dry-run: nothing is blocked');
    expect(r.stdout).not.toMatch(/attackers are blocked/i);
  }, CLI_TIMEOUT);

  it('bans --account 104 finds the bans of addresses that failed with 104, though no ban names it', () => {
    const b = box();
    const store = Store.open(b.file('sipwarden.db'));
    const now = Date.now();
    for (const [i, ip] of ['198.51.100.11', '198.51.100.12'].entries()) {
      const addr = parseIp(ip) as IpAddress;
      store.addFailures([0, 1].map((k) => ({ at: now - 60_000 + i * 10 + k, ip: addr, port: 5060, service: 'PJSIP' as const, account: '104', reason: 'wrong_password' as const, zone: 'external', action: 'counted', source: null, line: null, raw: null })));
      store.addBan({ ip: addr, reason: 'r', tier: 1, source: 'policy', failures: 2, evidence: [], accounts: ['admin'], createdAt: now - 59_000 + i, expiresAt: now + 3_600_000 });
    }
    store.addBan({ ip: parseIp('203.0.113.5') as IpAddress, reason: 'r', tier: 1, source: 'policy', failures: 2, evidence: [], accounts: ['105'], createdAt: now - 58_000, expiresAt: now + 3_600_000 });
    store.close();
    const j = both(['bans', '--account', '104', '--config', b.config]);
    expect(j).toMatchObject({ total: 2, exact: true });
    expect((j.rows as Array<{ ip: string }>).map((r) => r.ip)).toEqual(['198.51.100.12', '198.51.100.11']);
    const text = sipwarden(['bans', '--account', '104', '--config', b.config]).stdout;
    expect(text).toContain('198.51.100.11');
    expect(text).not.toContain('203.0.113.5');
  }, CLI_TIMEOUT);
});
