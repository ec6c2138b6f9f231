/** Reading a plain list: what a line clearly says, and nothing else. */
import { describe, expect, it } from 'vitest';
import { parseLine, parseList } from './list.js';

describe('a list line', () => {
  it('is one address or network, canonical, with comments and spaces around it', () => {
    expect(parseLine('  203.0.113.7  ')).toBe('203.0.113.7');
    expect(parseLine('203.0.113.0/24 ; SBL123')).toBe('203.0.113.0/24');
    expect(parseLine('2001:DB8:0:0::1 # note')).toBe('2001:db8::1');
    expect(parseLine('[2001:db8::1]')).toBe('2001:db8::1');
    expect(parseLine('2001:DB8::/32')).toBe('2001:db8::/32');
    expect(parseLine('203.0.113.7/32')).toBe('203.0.113.7');
    expect(parseLine('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });
  it('is nothing when blank or a comment', () => {
    for (const l of ['', '   ', '# comment', '; comment']) expect(parseLine(l)).toBeNull();
  });
  it('is bad when it says anything else', () => {
    for (const l of ['10.1.2.3/8', '203.0.113.7 198.51.100.1', 'sip.example.com', '203.0.113.7:5060', '<b>203.0.113.7</b>', '203.0.113.999', '1.2.3.4/33', 'x'.repeat(300)]) {
      expect(parseLine(l), l).toBe('bad');
    }
  });
});

describe('a list', () => {
  it('keeps distinct entries in order and counts bad lines, quoting the first three escaped', () => {
    const r = parseList('203.0.113.7\r\n\u001b[2Jevil\n203.0.113.7\nbad one\n\u202etxt.exe\nfourth bad\n198.51.100.0/24');
    expect(r.entries).toEqual(['203.0.113.7', '198.51.100.0/24']);
    expect(r.bad).toEqual({ count: 4, first: ['"\\\\u001b[2Jevil"', '"bad one"', '"\\\\u202etxt.exe"'] });
  });
});
