/**
 * Writing settings back into the config file: comments and key order kept, the old
 * file in `.bak`, mode kept, a missing file created, and a file that cannot be written
 * (read-only directory) or an edit the schema refuses leaves the file as it was.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SipwardenError } from '../domain/index.js';
import { parseConfigText } from './load.js';
import { editConfigText, writeConfigEdits } from './write-back.js';

const FILE = [
  '# sipwarden — edited by hand',
  '',
  '# Switch it off to only watch.',
  'protection: on # the big switch',
  '',
  'networks:',
  '  # the office and the VPN',
  '  internal: [10.0.0.0/8, 192.168.1.0/24] # keep the VPN here',
  '  trusted: []',
  '',
  'accounts:',
  '  roaming: []',
  '  extensions_internal_only: true # phones only from the office',
  '',
].join('\n');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipwarden-write-back-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('editConfigText', () => {
  it('changes only the keys edited, every comment and the key order kept', () => {
    const out = editConfigText(FILE, [
      { path: ['protection'], value: 'off' },
      { path: ['networks', 'internal'], value: ['10.0.0.0/8'] },
      { path: ['accounts', 'roaming'], value: ['201'] },
    ]);
    expect(out).toBe(FILE
      .replace('protection: on # the big switch', 'protection: off # the big switch')
      .replace('internal: [10.0.0.0/8, 192.168.1.0/24]', 'internal: [ 10.0.0.0/8 ]')
      .replace('roaming: []', 'roaming: [ "201" ]'));
    const c = parseConfigText(out, 'x.yaml', { fileExists: () => false });
    expect(c.protection).toBe('off');
    expect(c.accounts.roaming).toEqual(['201']);
    expect(c.accounts.extensionsInternalOnly).toBe(true);
  });

  it('adds a key the file lacks at the end of its section, and a section the file lacks at the end', () => {
    const out = editConfigText('# only a comment\nprotection: on\n', [{ path: ['policy', 'tiers'], value: [{ failures: 3, within: '1h', ban: '1d' }] }]);
    expect(out.startsWith('# only a comment\nprotection: on\n')).toBe(true);
    expect(parseConfigText(out, 'x.yaml', { fileExists: () => false }).policy.tiers).toEqual([{ failures: 3, within: 3_600_000, ban: 86_400_000 }]);
  });
});

describe('writeConfigEdits', () => {
  it('replaces the file atomically, keeps its mode and the old text in .bak, and leaves no temporary file', () => {
    const file = join(dir, 'sipwarden.yaml');
    writeFileSync(file, FILE, { mode: 0o600 });
    const r = writeConfigEdits(file, [{ path: ['protection'], value: 'off' }]);
    expect(r).toEqual({ file, created: false, backup: `${file}.bak` });
    expect(readFileSync(file, 'utf8')).toContain('protection: off # the big switch');
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe(FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['sipwarden.yaml', 'sipwarden.yaml.bak']);
  });

  it('creates a missing file (no backup), readable by its owner and group only', () => {
    const file = join(dir, 'sipwarden.yaml');
    const r = writeConfigEdits(file, [{ path: ['protection'], value: 'off' }]);
    expect(r).toEqual({ file, created: true, backup: null });
    expect(readFileSync(file, 'utf8')).toBe('protection: off\n');
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  it('says plainly that a file whose directory is missing cannot be written, and leaves nothing behind', () => {
    const file = join(dir, 'etc', 'sipwarden.yaml');
    let err: SipwardenError | null = null;
    try {
      writeConfigEdits(file, [{ path: ['protection'], value: 'off' }]);
    } catch (e) {
      err = e as SipwardenError;
    }
    expect(err?.code).toBe('CONFIG_UNWRITABLE');
    expect(err?.message).toBe(`cannot write the config file ${file}: its directory does not exist; nothing was changed (edit the file by hand, or make it writable by the sipwarden daemon)`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('says plainly that a file it may not replace cannot be written, and changes nothing', () => {
    // A directory where the temporary file would go stands in for a read-only file system (this runs as root).
    const file = join(dir, 'sipwarden.yaml');
    writeFileSync(file, FILE);
    mkdirSync(join(dir, `.sipwarden.yaml.${process.pid}.tmp`));
    let err: SipwardenError | null = null;
    try {
      writeConfigEdits(file, [{ path: ['protection'], value: 'off' }]);
    } catch (e) {
      err = e as SipwardenError;
    }
    expect(err?.code).toBe('CONFIG_UNWRITABLE');
    expect(err?.message).toMatch(new RegExp(`^cannot write the config file ${file}: .*; nothing was changed`));
    expect(readFileSync(file, 'utf8')).toBe(FILE);
  });

  it('refuses an edit that would make the file invalid, and leaves it as it was', () => {
    const file = join(dir, 'sipwarden.yaml');
    writeFileSync(file, FILE);
    expect(() => writeConfigEdits(file, [{ path: ['networks', 'internal'], value: ['not a network'] }])).toThrow(/networks\.internal/);
    expect(readFileSync(file, 'utf8')).toBe(FILE);
  });
});
