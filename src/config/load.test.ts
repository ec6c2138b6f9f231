import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SipwardenError } from '../domain/index.js';
import { parseConfigText } from './index.js';
import {
  DEFAULT_ASTERISK_LOGS, DEFAULT_CONFIG_PATH, DEFAULT_TIERS, defaultConfig, loadConfig, renderDefaultConfig,
} from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'sipwarden-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
/** Writes `text` to a new file in the temp dir and returns its path. */
function file(text: string): string {
  const path = join(dir, `config-${++counter}.yaml`);
  writeFileSync(path, text);
  return path;
}

const noFiles = { fileExists: () => false };

/** Loads `text` from a real file and returns the error it throws. */
function errorFor(text: string): { path: string; error: SipwardenError } {
  const path = file(text);
  try {
    loadConfig(path, noFiles);
  } catch (error) {
    expect(error).toBeInstanceOf(SipwardenError);
    return { path, error: error as SipwardenError };
  }
  throw new Error('expected loadConfig to throw');
}

/** The message of the error for `text`, checked to be CONFIG_INVALID, name the file and carry no stack trace. */
function invalid(text: string): string {
  const { path, error } = errorFor(text);
  expect(error.code).toBe('CONFIG_INVALID');
  expect(error.message.split('\n')[0]).toContain(path);
  expect(error.message).not.toMatch(/^\s+at .*\(.*:\d+:\d+\)$/m);
  return error.message.replace(path, 'FILE');
}

describe('loadConfig without a file', () => {
  it('gives the defaults when no path is given and the default file does not exist', () => {
    const loaded = loadConfig(undefined, noFiles);
    expect(loaded.path).toBeNull();
    expect(loaded.config).toEqual(defaultConfig(noFiles));
    expect(loaded.config.protection).toBe('on');
    expect(loaded.config.policy.tiers).toEqual(DEFAULT_TIERS);
    expect(loaded.config.networks.internal).toEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7']);
    expect(loaded.config.policy.countReasons).not.toContain('limit');
    expect(loaded.config.web.listen).toEqual({ host: '127.0.0.1', port: 8472 });
    expect(loaded.config.store.retention).toBe(30 * 86_400_000);
  });

  it.skipIf(existsSync(DEFAULT_CONFIG_PATH))('reads the default path when it exists', () => {
    const seen: string[] = [];
    const fileExists = (p: string) => {
      seen.push(p);
      return p === DEFAULT_CONFIG_PATH;
    };
    expect(() => loadConfig(undefined, { fileExists })).toThrow(`cannot read config file ${DEFAULT_CONFIG_PATH}`);
    expect(seen).toContain(DEFAULT_CONFIG_PATH);
  });

  it('refuses an explicit path that does not exist', () => {
    const path = join(dir, 'missing.yaml');
    try {
      loadConfig(path, noFiles);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SipwardenError);
      expect((e as SipwardenError).code).toBe('CONFIG_UNREADABLE');
      expect((e as SipwardenError).message).toBe(`cannot read config file ${path}: no such file`);
    }
  });

  it('refuses a directory', () => {
    expect(() => loadConfig(dir, noFiles)).toThrow(`cannot read config file ${dir}: it is a directory, not a file`);
  });
});

describe('loadConfig defaults', () => {
  it('treats an empty file, or one with only comments, as all defaults', () => {
    for (const text of ['', '\n', '# nothing here\n']) {
      const path = file(text);
      expect(loadConfig(path, noFiles)).toEqual({ path, config: defaultConfig(noFiles) });
    }
  });

  it('treats an empty section as that section at its defaults', () => {
    expect(loadConfig(file('networks:\npolicy: {}\n'), noFiles).config).toEqual(defaultConfig(noFiles));
  });

  it('round-trips the rendered default config to exactly defaultConfig()', () => {
    const opts = { fileExists: (p: string) => p === '/var/log/asterisk/full' };
    const path = file(renderDefaultConfig());
    expect(loadConfig(path, opts).config).toEqual(defaultConfig(opts));
  });

  it('renders every key with a one-line comment above it', () => {
    const lines = renderDefaultConfig().split('\n');
    const keyLines = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*[a-z_]+:/.test(l));
    expect(keyLines.length).toBeGreaterThanOrEqual(22);
    for (const [line, i] of keyLines) expect(lines[i - 1], `comment above "${line}"`).toMatch(/^\s*#/);
    for (const key of ['protection', 'internal', 'trusted', 'ban_internal', 'tiers', 'count_reasons', 'logs', 'ami',
      'start_at', 'backend', 'scope', 'ports', 'require_seen', 'retention', 'listen']) {
      expect(lines.some((l) => l.trimStart().startsWith(`${key}:`)), key).toBe(true);
    }
  });

  it('keeps DEFAULT_TIERS and the default document in agreement', () => {
    expect(defaultConfig(noFiles).policy.tiers).toEqual(DEFAULT_TIERS);
  });

  it('returns a fresh object each time', () => {
    expect(defaultConfig(noFiles).networks.internal).not.toBe(defaultConfig(noFiles).networks.internal);
    expect(defaultConfig(noFiles).policy.tiers).not.toBe(defaultConfig(noFiles).policy.tiers);
  });

  it('defaults the Asterisk logs to those that exist, asking opts.fileExists', () => {
    const asked: string[] = [];
    const fileExists = (p: string) => {
      asked.push(p);
      return p !== '/var/log/asterisk/messages';
    };
    expect(loadConfig(file('protection: on\n'), { fileExists }).config.asterisk.logs)
      .toEqual(['/var/log/asterisk/full', '/var/log/asterisk/security']);
    expect(asked).toEqual([...DEFAULT_ASTERISK_LOGS]);
    expect(loadConfig(file('asterisk: { logs: null }\n'), noFiles).config.asterisk.logs).toEqual([]);
  });

  it('uses the logs the file lists, as given', () => {
    const config = loadConfig(file('asterisk:\n  logs: [/tmp/a.log, /tmp/b.log]\n'), { fileExists: () => true }).config;
    expect(config.asterisk.logs).toEqual(['/tmp/a.log', '/tmp/b.log']);
    expect(loadConfig(file('asterisk: { logs: [] }\n'), { fileExists: () => true }).config.asterisk.logs).toEqual([]);
  });
});

describe('loadConfig normalising', () => {
  const load = (text: string) => loadConfig(file(text), noFiles).config;

  it('accepts protection on/off and YAML booleans', () => {
    expect(load('protection: off\n').protection).toBe('off');
    expect(load('protection: false\n').protection).toBe('off');
    expect(load('protection: true\n').protection).toBe('on');
    expect(load('protection: on\n').protection).toBe('on');
  });

  it('sorts tiers by failures and turns durations into milliseconds, permanent into null', () => {
    const config = load('policy:\n  tiers:\n    - { failures: 10, within: 7d, ban: permanent }\n    - { failures: 3, within: 30m, ban: 2h }\n');
    expect(config.policy.tiers).toEqual([
      { failures: 3, within: 1_800_000, ban: 7_200_000 },
      { failures: 10, within: 604_800_000, ban: null },
    ]);
  });

  it('normalises networks and keeps trusted host names apart', () => {
    const config = load('networks:\n  internal: [10.1.2.3/8, 192.168.1.10, "2001:DB8::1/32"]\n'
      + '  trusted: [203.0.113.7, pbx.Example.com., 198.51.100.0/24]\n  ban_internal: true\n');
    expect(config.networks).toEqual({
      internal: ['10.0.0.0/8', '192.168.1.10/32', '2001:db8::/32'],
      trusted: ['203.0.113.7/32', '198.51.100.0/24'],
      trustedNames: ['pbx.example.com'],
      banInternal: true,
    });
    expect(load('networks: { internal: [] }\n').networks.internal).toEqual([]);
  });

  it('fills in AMI defaults and reads the other sections', () => {
    const config = load('asterisk:\n  ami: { username: sipwarden, secret: "1234" }\n  start_at: beginning\n'
      + 'firewall: { backend: dry-run, scope: sip, ports: [5060], require_seen: false }\n'
      + 'web: { listen: "[::1]:8080" }\nstore: { retention: 90d }\n');
    expect(config.asterisk.ami).toEqual({ host: '127.0.0.1', port: 5038, username: 'sipwarden', secret: '1234', tls: false });
    expect(config.asterisk.startAt).toBe('beginning');
    expect(config.firewall).toEqual({ backend: 'dry-run', scope: 'sip', ports: [5060], requireSeen: false });
    expect(config.web.listen).toEqual({ host: '::1', port: 8080 });
    expect(config.store.retention).toBe(90 * 86_400_000);
  });

  it('learns the watched ports unless a list overrides them (ports: auto, the default)', () => {
    expect(load('').firewall.ports).toBe('auto');
    expect(load('firewall: { ports: auto }\n').firewall.ports).toBe('auto');
    expect(load('firewall: { ports: [5160, 5060, 5160] }\n').firewall.ports).toEqual([5160, 5060]);
  });
});

describe('loadConfig errors', () => {
  it('names file, line:column and the problem for bad YAML, on one line', () => {
    const message = invalid('protection: on\nnetworks:\n  internal: [10.0.0.0/8\nweb: {}\n');
    expect(message).toMatch(/^config error in FILE:4:1: invalid YAML: \S.*$/);
    expect(invalid('a: 1\na: 2\n')).toBe('config error in FILE:2:1: invalid YAML: Map keys must be unique');
    expect(invalid('protection: *nope\n')).toMatch(/^config error in FILE: invalid YAML: Unresolved alias/);
    const bomb = `x: &a [1]\ny: [${Array(150).fill('*a').join(', ')}]\n`;
    expect(invalid(bomb)).toMatch(/^config error in FILE: invalid YAML: Excessive alias count/);
  });

  it('explains a bad duration with the key path', () => {
    expect(invalid('policy:\n  tiers:\n    - { failures: 2, within: 1 hour, ban: 1h }\n'))
      .toBe('config error in FILE at policy.tiers[0].within: expected a duration like 30s, 1h, 24h, 7d, got "1 hour"');
    expect(invalid('policy:\n  tiers:\n    - { failures: 2, within: 1h, ban: 3600 }\n'))
      .toBe('config error in FILE at policy.tiers[0].ban: expected a duration like 30s, 1h, 24h, 7d, or permanent, got 3600 (a number needs a unit, e.g. 3600s)');
  });

  it('reads subnet escalation, off with enabled: false, and explains a bad value', () => {
    expect(parseConfigText('policy:\n  subnets:\n    addresses: 3\n    ban: permanent\n', 'test').policy.subnets)
      .toEqual({ enabled: true, addresses: 3, within: 86_400_000, ban: null, ipv4Prefix: 24, ipv6Prefix: 64 });
    // Off keeps the numbers (the settings page shows them, switched off).
    expect(parseConfigText('policy:\n  subnets:\n    enabled: false\n    addresses: 9\n', 'test').policy.subnets).toMatchObject({ enabled: false, addresses: 9 });
    expect(invalid('policy:\n  subnets:\n    ipv4_prefix: 8\n')).toMatch(/^config error in FILE at policy\.subnets\.ipv4_prefix: /);
    expect(invalid('policy:\n  subnets:\n    adresses: 5\n')).toContain("unknown key 'adresses' (did you mean 'addresses'?)");
  });

  it('refuses a tier whose within is zero', () => {
    expect(invalid('policy:\n  tiers:\n    - { failures: 2, within: 0h, ban: 1h }\n'))
      .toBe('config error in FILE at policy.tiers[0].within: expected a duration longer than zero, like 30s, 1h, 24h, 7d, got "0h"');
  });

  it('explains a wrong type', () => {
    expect(invalid('firewall:\n  ports: 5060\n')).toBe('config error in FILE at firewall.ports: expected a list of port numbers, or auto, got 5060');
    expect(invalid('networks:\n  ban_internal: yes\n')).toBe('config error in FILE at networks.ban_internal: expected true or false, got "yes"');
    expect(invalid('- protection\n')).toBe('config error in FILE: expected a mapping of settings (key: value pairs) at the top level, got a list');
    expect(invalid('web: 8472\n')).toBe('config error in FILE at web: expected the web settings (key: value pairs), got 8472');
  });

  it('names unknown keys and suggests the closest known one', () => {
    expect(invalid('protecton: off\n')).toBe("config error in FILE: unknown key 'protecton' (did you mean 'protection'?)");
    expect(invalid('networks:\n  trustd: []\n')).toBe("config error in FILE at networks: unknown key 'trustd' (did you mean 'trusted'?)");
    expect(invalid('firewall:\n  requireSeen: true\n')).toContain("unknown key 'requireSeen' (did you mean 'require_seen'?)");
    expect(invalid('colour: blue\n')).toBe("config error in FILE: unknown key 'colour'");
  });

  it('suggests the closest word for a near-miss value', () => {
    expect(invalid('firewall: { backend: nftable }\n'))
      .toBe("config error in FILE at firewall.backend: expected one of auto, nftables, ipset, dry-run, got \"nftable\" (did you mean 'nftables'?)");
  });

  it('explains a bad CIDR', () => {
    expect(invalid('networks:\n  internal: [10.0.0.0/8, 10.0.0.0/33]\n'))
      .toBe('config error in FILE at networks.internal[1]: expected an address or network like 192.168.0.0/16 or 203.0.113.7, got "10.0.0.0/33"');
  });

  it('refuses trusting every address', () => {
    expect(invalid('networks: { trusted: [0.0.0.0/0] }\n')).toContain('at networks.trusted[0]: "0.0.0.0/0" would trust every address');
    expect(invalid('networks: { trusted: ["::/0"] }\n')).toContain('at networks.trusted[0]: "::/0" would trust every address');
  });

  it('refuses two tiers with the same failures', () => {
    expect(invalid('policy:\n  tiers:\n    - { failures: 2, within: 1h, ban: 1h }\n    - { failures: 2, within: 2h, ban: 1d }\n'))
      .toBe('config error in FILE at policy.tiers[1].failures: tiers[0] and tiers[1] both have failures: 2; each tier needs a different number of failures');
  });

  it('refuses an empty tier list and a missing tier key', () => {
    expect(invalid('policy: { tiers: [] }\n')).toBe('config error in FILE at policy.tiers: expected at least one tier, got an empty list');
    expect(invalid('policy: { tiers: [{ failures: 2, ban: 1h }] }\n'))
      .toBe('config error in FILE at policy.tiers[0].within: expected a duration like 30s, 1h, 24h, 7d, got nothing (this key is required)');
  });

  it('lists every problem, one per line, the first line making sense alone', () => {
    const message = invalid('protecton: on\nfirewall:\n  ports: [0, 5060]\nasterisk:\n  ami: { username: 1234 }\n');
    const lines = message.split('\n');
    expect(lines[0]).toBe('config error in FILE at asterisk.ami.username: expected the AMI user name (from manager.conf), '
      + 'got 1234 (put it in quotes to use it as text) (and 3 more problems, listed below)');
    expect(lines.slice(1)).toEqual([
      '  at asterisk.ami.secret: expected the AMI secret (from manager.conf), got nothing (this key is required)',
      '  at firewall.ports[0]: expected a port number from 1 to 65535, got 0',
      "  unknown key 'protecton' (did you mean 'protection'?)",
    ]);
  });
});

describe('web.tls', () => {
  it('takes a certificate and key together, and says so when one is missing', () => {
    const both = parseConfigText('web:\n  tls_cert: /etc/sipwarden/cert.pem\n  tls_key: /etc/sipwarden/key.pem\n', 'x.yaml', { fileExists: () => false });
    expect(both.web.tls).toEqual({ cert: '/etc/sipwarden/cert.pem', key: '/etc/sipwarden/key.pem' });
    expect(parseConfigText('', 'x.yaml', { fileExists: () => false }).web.tls).toBeNull();
    expect(() => parseConfigText('web:\n  tls_cert: /etc/sipwarden/cert.pem\n', 'x.yaml', { fileExists: () => false }))
      .toThrow(/x\.yaml at web\.tls_key: expected both tls_cert and tls_key/);
  });
});

describe('asterisk.ami.ca', () => {
  const parse = (text: string) => parseConfigText(text, 'x.yaml', noFiles);
  const ami = (extra: string) => `asterisk:\n  ami: { username: sipwarden, secret: s, ${extra} }\n`;

  it('defaults to the system CAs (no ca in the normalised config), also when written null', () => {
    expect(parse(ami('tls: true')).asterisk.ami).not.toHaveProperty('ca');
    expect(parse(ami('tls: true, ca: null')).asterisk.ami).toEqual({
      host: '127.0.0.1', port: 5038, username: 'sipwarden', secret: 's', tls: true,
    });
  });

  it('takes a PEM file path with tls: true', () => {
    expect(parse(ami('port: 5039, tls: true, ca: /etc/sipwarden/pbx-ca.pem')).asterisk.ami).toEqual({
      host: '127.0.0.1', port: 5039, username: 'sipwarden', secret: 's', tls: true, ca: '/etc/sipwarden/pbx-ca.pem',
    });
  });

  it('refuses ca without tls: true, saying what to set', () => {
    expect(invalid(ami('ca: /etc/sipwarden/pbx-ca.pem'))).toBe('config error in FILE at asterisk.ami.ca: ca is set but tls is false: '
      + "set tls: true and port to the manager's TLS port (tlsbindport in manager.conf, usually 5039), or remove ca");
    expect(invalid(ami('tls: false, ca: /etc/sipwarden/pbx-ca.pem'))).toMatch(/^config error in FILE at asterisk\.ami\.ca: ca is set but tls is false/);
  });

  it('refuses a ca that is not a text path', () => {
    expect(invalid(ami('tls: true, ca: 5'))).toBe('config error in FILE at asterisk.ami.ca: expected a PEM file path '
      + "(the CA of the manager's TLS certificate), got 5 (put it in quotes to use it as text)");
    expect(invalid(ami('tls: true, ca: ""'))).toMatch(/^config error in FILE at asterisk\.ami\.ca: expected a PEM file path/);
    expect(invalid(ami('tls: true, ca: [a.pem]'))).toMatch(/^config error in FILE at asterisk\.ami\.ca: expected a PEM file path/);
  });

  it('is explained in the rendered default config, in the comment above ami', () => {
    const lines = renderDefaultConfig().split('\n');
    const at = lines.indexOf('  ami: null');
    const comments = lines.slice(at - 3, at);
    expect(comments.every((l) => l.startsWith('  # '))).toBe(true);
    expect(comments.join('\n')).toContain('ca: null }');
    expect(comments.join('\n')).toMatch(/ca: the PEM file of the CA that signed its certificate \(null: the system's CAs\)/);
  });
});
