/** The marked blocks: append, replace in place, remove back to the original text, leave init's blocks alone. */
import { describe, expect, it } from 'vitest';
import { appendBlocks } from '../setup/blocks.js';
import { findAclBlocks, putAclBlock, removeAclBlocks } from './marks.js';

const acl = (...nets: string[]) => ({ purpose: 'internal-acl' as const, lines: ['[x]', ...nets.map((n) => `permit = ${n}`)] });

describe('asterisk-acl blocks', () => {
  it('appends after one blank line and removes back to the text, byte for byte', () => {
    for (const text of ['', '[a]\nb = c\n', '[a]\nb = c']) {
      const put = putAclBlock(text, 'internal-acl', acl('10.0.0.0/8'));
      expect(findAclBlocks(put).map((b) => b.purpose)).toEqual(['internal-acl']);
      expect(removeAclBlocks(put)).toBe(text.endsWith('\n') || text === '' ? text : `${text}\n`);
    }
    expect(putAclBlock('[a]\n', 'internal-acl', acl('10.0.0.0/8'))).toBe([
      '[a]', '',
      '; added by sipwarden asterisk-acl [internal-acl] (sipwarden asterisk-acl --uninstall removes this block)',
      '[x]', 'permit = 10.0.0.0/8',
      '; end of block added by sipwarden asterisk-acl', '',
    ].join('\n'));
  });

  it('replaces a block where it stands, is idempotent, and removes it when asked', () => {
    const once = putAclBlock('[a]\n', 'internal-acl', acl('10.0.0.0/8'));
    const later = `${once}[after]\nk = v\n`;
    const changed = putAclBlock(later, 'internal-acl', acl('192.168.1.0/24', 'fd00::/8'));
    expect(changed).toContain('permit = 192.168.1.0/24\npermit = fd00::/8\n; end of block added by sipwarden asterisk-acl\n[after]\n');
    expect(changed).not.toContain('10.0.0.0/8');
    expect(putAclBlock(changed, 'internal-acl', acl('192.168.1.0/24', 'fd00::/8'))).toBe(changed);
    expect(putAclBlock(changed, 'internal-acl', null)).toBe('[a]\n[after]\nk = v\n');
  });

  it('keeps one block when a second copy of it was pasted further down', () => {
    const once = putAclBlock('[a]\n', 'internal-acl', acl('10.0.0.0/8'));
    const twice = `${once}[b]\n\n${once.slice('[a]\n\n'.length)}`;
    expect(putAclBlock(twice, 'internal-acl', acl('10.0.0.0/8'))).toBe(`${once}[b]\n`);
  });

  it("touches only its own purpose, and never sipwarden init's blocks", () => {
    const withInit = appendBlocks('[logfiles]\n', [{ purpose: 'security-channel', lines: ['security => security'] }]);
    const both = putAclBlock(putAclBlock(withInit, 'internal-acl', acl('10.0.0.0/8')), 'sip-peers', { purpose: 'sip-peers', lines: ['[200](+)', 'acl = x'] });
    expect(removeAclBlocks(both, 'sip-peers')).toBe(putAclBlock(withInit, 'internal-acl', acl('10.0.0.0/8')));
    expect(removeAclBlocks(both)).toBe(withInit);
  });
});
