import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeDetection, describeWatch } from './describe.js';
import { detectAsterisk } from './detect.js';
import { freepbxTree, plainAsteriskTree, tempRoot, withoutSipwardenBits, writeTree } from '../../test/support/kits/setup.js';

let root: string;
let cleanup: () => void;
beforeEach(() => ({ root, cleanup } = tempRoot()));
afterEach(() => cleanup());

describe('detectAsterisk on the captured Asterisk 20 config', () => {
  it('finds the channels, the security log, the AMI and the sipwarden user', () => {
    plainAsteriskTree(root);
    writeFileSync(join(root, 'var/log/asterisk/messages'), '');
    writeFileSync(join(root, 'var/log/asterisk/security'), '');
    const d = detectAsterisk({ root });
    expect(d.flavour).toBe('asterisk');
    expect(d.logger.logDir).toBe('/var/log/asterisk');
    // The captured asterisk.conf keeps the "<prefix>" placeholder of the sample file.
    expect(d.logger.logDirFrom).toBe('default');
    expect(d.logger.problems).toEqual(['asterisk.conf sets astlogdir to "<prefix>/var/log/asterisk", not an absolute path; assuming /var/log/asterisk']);
    expect(d.logger.dateformat).toBeNull();
    expect(d.logger.dateformatSupported).toBe(true);
    expect(d.logger.channels.map((c) => [c.name, c.path, c.exists, c.logsSecurity, c.logsNotice])).toEqual([
      ['console', null, false, false, true],
      ['messages', '/var/log/asterisk/messages', true, false, true],
      ['full', '/var/log/asterisk/full', false, false, true],
      ['security', '/var/log/asterisk/security', true, true, false],
    ]);
    expect(d.logger.security?.definedIn).toEqual({ file: '/etc/asterisk/logger.conf', line: 12 });
    expect(d.logs).toEqual(['/var/log/asterisk/security', '/var/log/asterisk/messages']);
    expect(d.ami).toMatchObject({ found: true, enabled: true, bindaddr: '127.0.0.1', port: 5038, users: ['sipwarden'], customFile: null });
    expect(d.ami.sipwarden).toMatchObject({ secret: 'W4rdenAMI-secret', read: ['security', 'system', 'call', 'reporting'], permit: ['127.0.0.1/255.255.255.255'] });
    expect(d.findings.filter((f) => f.level === 'missing')).toEqual([]);
  });

  it('says what is missing, with the fix, on a stock-like install', () => {
    plainAsteriskTree(root, withoutSipwardenBits);
    const d = detectAsterisk({ root });
    expect(d.logger.security).toBeNull();
    expect(d.ami.sipwarden).toBeNull();
    expect(d.logs).toEqual(['/var/log/asterisk/messages']);
    const lines = describeDetection(d);
    expect(lines[0]).toBe('Asterisk configuration in /etc/asterisk; Asterisk logs in /var/log/asterisk');
    expect(lines).toContain('missing: Asterisk does not log security events to a file — fix: run sipwarden init, or add "security => security" under [logfiles] in /etc/asterisk/logger.conf and run: asterisk -rx "logger reload"');
    expect(lines).toContain('missing: there is no AMI user "sipwarden" — fix: run sipwarden init: it adds one, from 127.0.0.1 only, that may read security, system, call and cdr events and use the call and system actions the toll-fraud guard needs');
  });

  it('reads astlogdir, appendhostname, [json] channels and a dateformat it cannot parse', () => {
    writeTree(root, {
      'etc/asterisk/asterisk.conf': '[directories](!)\nastlogdir => /srv/pbx/log\n',
      'etc/asterisk/logger.conf': '[general]\nappendhostname = yes\ndateformat = %s\n[logfiles]\nsec => [json]security,notice\n/abs/log => notice,verbose(3)\n',
      'srv/pbx/log/sec.pbx1': '',
    });
    const d = detectAsterisk({ root, hostname: 'pbx1' });
    expect(d.logger.logDir).toBe('/srv/pbx/log');
    expect(d.logger.channels.map((c) => [c.path, c.formatter, c.levels, c.exists])).toEqual([
      ['/srv/pbx/log/sec.pbx1', 'json', ['security', 'notice'], true],
      ['/abs/log.pbx1', null, ['notice', 'verbose'], false],
    ]);
    expect(d.logs).toEqual(['/srv/pbx/log/sec.pbx1']);
    expect(d.logger.dateformatSupported).toBe(false);
    expect(d.findings.find((f) => f.text.startsWith('logger dateformat'))?.fix).toBe('set "dateformat = %F %T" under [general] in /etc/asterisk/logger.conf (or remove it for the default)');
  });

  it('says so when there is no Asterisk at all', () => {
    const d = detectAsterisk({ root });
    expect(d.flavour).toBe('none');
    expect(d.logs).toEqual([]);
    expect(d.findings[0]?.level).toBe('missing');
  });
});

describe('detectAsterisk on a FreePBX tree', () => {
  it('finds the custom files, the dateformat and the AMI on every address', () => {
    freepbxTree(root);
    const d = detectAsterisk({ root });
    expect(d.flavour).toBe('freepbx');
    expect(d.logger.customFile).toBe('/etc/asterisk/logger_logfiles_custom.conf');
    expect(d.ami.customFile).toBe('/etc/asterisk/manager_custom.conf');
    expect(d.logger.dateformat).toBe('%F %T');
    expect(d.logger.dateformatSupported).toBe(true);
    expect(d.logger.logDirFrom).toBe('asterisk.conf');
    expect(d.logger.security).toBeNull();
    expect(d.logs).toEqual(['/var/log/asterisk/full']);
    expect(d.ami).toMatchObject({ enabled: true, bindaddr: '0.0.0.0', users: ['admin'], sipwarden: null });
    expect(d.findings).toContainEqual({ level: 'warn', text: 'the AMI listens on every address (0.0.0.0:5038)', fix: 'keep port 5038 closed to the outside, or set "bindaddr = 127.0.0.1" in [general] of /etc/asterisk/manager.conf' });
    expect(d.logger.problems).toEqual([]);
  });

  it('sees a security channel FreePBX itself writes in logger_logfiles_additional.conf', () => {
    freepbxTree(root, { securityInAdditional: true });
    const d = detectAsterisk({ root });
    expect(d.logger.security).toMatchObject({ path: '/var/log/asterisk/security', definedIn: { file: '/etc/asterisk/logger_logfiles_additional.conf', line: 9 } });
    expect(d.logs).toEqual(['/var/log/asterisk/security', '/var/log/asterisk/full']);
  });

  it('reports the missing custom files FreePBX #includes (Asterisk refuses such a file)', () => {
    freepbxTree(root, { noCustomFiles: true });
    const d = detectAsterisk({ root });
    expect(d.logger.customFile).toBe('/etc/asterisk/logger_logfiles_custom.conf');
    expect(d.logger.problems).toEqual([
      '/etc/asterisk/logger.conf:9: #include logger_general_custom.conf: no such file (Asterisk refuses to load /etc/asterisk/logger.conf)',
      '/etc/asterisk/logger.conf:13: #include logger_logfiles_custom.conf: no such file (Asterisk refuses to load /etc/asterisk/logger.conf)',
    ]);
  });
});

describe('describeWatch', () => {
  it('lists what the daemon follows, what is missing and why, and a security log it ignores', () => {
    plainAsteriskTree(root);
    writeFileSync(join(root, 'var/log/asterisk/messages'), '');
    const d = detectAsterisk({ root });
    const f = describeWatch({ logs: ['/var/log/asterisk/messages', '/var/log/asterisk/full', '/var/log/other'], ami: null }, d);
    expect(f).toEqual([
      { level: 'ok', text: 'watching /var/log/asterisk/messages' },
      { level: 'warn', text: '/var/log/asterisk/full does not exist yet (waiting for it)', fix: 'Asterisk creates it at its next line for that channel; check with: asterisk -rx "logger show channels"' },
      { level: 'missing', text: '/var/log/other does not exist and no Asterisk log channel writes it', fix: 'remove it from asterisk.logs, or add a channel under [logfiles] in /etc/asterisk/logger.conf' },
      { level: 'warn', text: 'Asterisk logs security events to /var/log/asterisk/security, which sipwarden does not follow', fix: 'add /var/log/asterisk/security to asterisk.logs in the config' },
      { level: 'warn', text: 'the AMI user "sipwarden" exists but asterisk.ami is not set', fix: 'set asterisk.ami (host, port, username, secret) in the config, or run sipwarden init --force' },
    ]);
  });
});
