import { describe, expect, it } from 'vitest';
import { escapeJsonText, isUnsafeChar, terminalJson, terminalText, UNSAFE_CHARS } from './strings.js';

// An account name as an attacker writes it: a one-character CSI (C1), a right-to-left override, an isolate, ESC.
const HOSTILE = 'ext\u009b2J\u202eoof\u2066x\u2069\u001b[31m\u0085end';

describe('text for a terminal', () => {
  it('as JSON: C1 and bidirectional controls are escaped like C0 ones, and it parses back to the same text', () => {
    const out = terminalJson({ account: HOSTILE });
    expect(out).toBe('{"account":"ext\\u009b2J\\u202eoof\\u2066x\\u2069\\u001b[31m\\u0085end"}');
    expect(out).not.toMatch(UNSAFE_CHARS);
    expect(JSON.parse(out)).toEqual({ account: HOSTILE });
  });

  it('in JSON text (a daemon log line): escaped the same, and the line end stays a line end', () => {
    const line = `${JSON.stringify({ msg: 'alert', account: HOSTILE })}\n`;
    const out = escapeJsonText(line);
    expect(out.endsWith('}\n')).toBe(true);
    expect(out.slice(0, -1)).not.toMatch(UNSAFE_CHARS);
    expect(JSON.parse(out)).toEqual({ msg: 'alert', account: HOSTILE });
  });

  it('unquoted: the same characters as \\uXXXX, the rest as it is', () => {
    expect(terminalText(`Authentication failed ${HOSTILE} ok`)).toBe('Authentication failed ext\\u009b2J\\u202eoof\\u2066x\\u2069\\u001b[31m\\u0085end ok');
    expect(terminalText('Grüße, 日本, ✓')).toBe('Grüße, 日本, ✓');
  });

  it('knows every C0, DEL, C1, line separator and bidi control, and nothing printable', () => {
    const unsafe = [...Array(0x20).keys(), 0x7f, ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i), 0x61c, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069];
    const all = Array.from({ length: 0x3000 }, (_, c) => c);
    const one = new RegExp(UNSAFE_CHARS.source);
    expect(all.filter(isUnsafeChar)).toEqual(unsafe);
    expect(all.filter((c) => one.test(String.fromCharCode(c)))).toEqual(unsafe);
  });
});
