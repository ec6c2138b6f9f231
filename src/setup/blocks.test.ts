import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../config/index.js';
import { appendBlocks, findBlocks, removeBlocks, type Block } from './blocks.js';
import { renderConfig, renderUnit } from './templates.js';

const A: Block = { purpose: 'security-channel', lines: ['security => security'] };
const B: Block = { purpose: 'ami-user', lines: ['[sipwarden]', 'secret = x'] };

describe('marked blocks', () => {
  it.each([['empty', ''], ['newline-terminated', '[a]\nk = v\n'], ['ending in a blank line', '[a]\nk = v\n\n']])('round-trips a %s file', (_, text) => {
    const added = appendBlocks(text, [A, B]);
    expect(findBlocks(added).map((b) => b.purpose)).toEqual(['security-channel', 'ami-user']);
    expect(removeBlocks(added)).toBe(text);
  });

  it('adds the final newline a file lacks, and keeps it on removal', () => {
    expect(removeBlocks(appendBlocks('[a]\nk = v', [A]))).toBe('[a]\nk = v\n');
  });

  it('ignores an opening marker without its closing line', () => {
    const text = '; added by sipwarden init [ami-user] (x)\n[sipwarden]\n';
    expect(findBlocks(text)).toEqual([]);
    expect(removeBlocks(text)).toBe(text);
  });
});

describe('templates', () => {
  it('fills asterisk.logs and asterisk.ami of the commented default config', () => {
    const text = renderConfig({ logs: ['/var/log/asterisk/security'], ami: { host: '127.0.0.1', port: 5039, username: 'sipwarden', secret: 'abc"d' } });
    const c = parseConfigText(text, 'x');
    expect(c.asterisk.logs).toEqual(['/var/log/asterisk/security']);
    expect(c.asterisk.ami).toEqual({ host: '127.0.0.1', port: 5039, username: 'sipwarden', secret: 'abc"d', tls: false });
    expect(text).toMatch(/\n {4}# the PBX's own CA file \(PEM\) for TLS; null: the system's CAs.\n {4}ca: null\n/);
    expect(parseConfigText(renderConfig({ logs: null, ami: null }), 'x').asterisk.ami).toBeNull();
    // The config init writes keeps phones inside: extensions only from internal networks.
    expect(c.accounts.extensionsInternalOnly).toBe(true);
  });

  // systemd is installed by scripts/setup --for-tests, so this runs everywhere the suite runs.
  const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p)) ?? 'systemd-analyze';
  it('writes a unit systemd-analyze verify accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sipwarden-unit-'));
    try {
      const unit = join(dir, 'sipwarden.service');
      writeFileSync(unit, renderUnit({ nodePath: process.execPath, mainJs: '/opt/sipwarden/dist/cli/main.js', readWritePaths: ['/var/lib/sipwarden', '/var/log/sipwarden'], readOnlyPaths: ['/var/log/asterisk'], protectHome: 'yes', privateTmp: true }));
      const r = spawnSync(analyze as string, ['verify', unit], { encoding: 'utf8' });
      expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: '', stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
