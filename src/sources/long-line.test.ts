import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CUT_MARGIN, LongLineBuilder } from './long-line.js';

const HALF = 4096;

function build(text: string, chunks: number[] = []): ReturnType<LongLineBuilder['finish']> {
  const b = new LongLineBuilder(HALF, HALF);
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  for (const c of chunks) {
    b.push(bytes.subarray(at, at + c));
    at += c;
  }
  b.push(bytes.subarray(at));
  return b.finish();
}

/** A line of `n` bytes of `x` with `insert` placed so that it starts at byte `at`. */
function lineWith(n: number, insert: string, at: number): string {
  return 'x'.repeat(at) + insert + 'x'.repeat(n - at - insert.length);
}

describe('an over-long line: head, tail, and whether it may be cut', () => {
  it('keeps exactly the first and the last bytes, whatever the chunks, and drops a trailing CR', () => {
    const text = `${'h'.repeat(HALF)}${'m'.repeat(10_000)}${'t'.repeat(HALF - 1)}\r`;
    const l = build(text, [1, 4095, 3, 7000, 2]);
    expect(l.head).toBe('h'.repeat(HALF));
    expect(l.tail).toBe('t'.repeat(HALF - 1));
    expect(l.bytes).toBe(Buffer.byteLength(text));
    expect(l.clean).toBe(true);
  });

  it('is clean when address text lies only far from the cut', () => {
    const n = 3 * HALF;
    expect(build(lineWith(n, '203.0.113.9', 10)).clean).toBe(true);
    expect(build(lineWith(n, 'IPV6/UDP/2001:db8::1/5060', n - 40)).clean).toBe(true);
    expect(build(lineWith(n, '203.0.113.9', HALF - CUT_MARGIN - 11)).clean).toBe(true);
    // Dots and colons alone, or fewer than an address needs, are no address.
    expect(build(lineWith(n, '1.2.3 a:b ...... ::::', HALF + 100)).clean).toBe(false);
    expect(build(lineWith(n, '1.2.3 a:b', HALF + 100)).clean).toBe(true);
  });

  it('is not clean when address text lies in the cut-away middle, within the margin, or across the cut', () => {
    const n = 3 * HALF;
    expect(build(lineWith(n, '198.51.100.7', HALF + 500)).clean).toBe(false); // middle
    expect(build(lineWith(n, '198.51.100.7', HALF - CUT_MARGIN + 10)).clean).toBe(false); // head's margin
    expect(build(lineWith(n, '::1', n - HALF + CUT_MARGIN - 10)).clean).toBe(false); // tail's margin
    expect(build(lineWith(n, '198.51.100.7', HALF - 5)).clean).toBe(false); // cut through
    expect(build(lineWith(n, `1.1.1.1${'1'.repeat(200)}`, HALF - CUT_MARGIN - 100)).clean).toBe(false); // one run reaching into the margin
  });

  it('gives the same verdict however the bytes arrive', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 3 * HALF - 20 }), fc.constantFrom('10.0.0.1', '::ffff:1.2.3.4', 'a.b', '1:2'), fc.array(fc.integer({ min: 1, max: 5000 }), { maxLength: 6 }),
      (at, insert, chunks) => {
        const text = lineWith(3 * HALF, insert, at);
        expect(build(text, chunks)).toEqual(build(text));
      },
    ), { numRuns: 200 });
  });
});
