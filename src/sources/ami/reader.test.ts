import { describe, expect, it } from 'vitest';
import { cleanFrame } from './frame.js';
import { AmiReader } from './reader.js';
import { FIXTURE, fixtureEventFrames } from '../../../test/support/kits/ami.js';
import { readFileSync } from 'node:fs';

/** Runs a reader over chunks and collects what it reports. */
function run(chunks: Buffer[], max = 64 * 1024): { banner: string[]; frames: string[]; oversized: number; reader: AmiReader; maxHeld: number } {
  const out = { banner: [] as string[], frames: [] as string[], oversized: 0 };
  const reader = new AmiReader(max, {
    banner: (l) => out.banner.push(l),
    frame: (raw) => out.frames.push(cleanFrame(raw).text),
    oversized: () => out.oversized++,
  });
  let maxHeld = 0;
  for (const c of chunks) {
    reader.push(c);
    maxHeld = Math.max(maxHeld, reader.buffered);
  }
  return { ...out, reader, maxHeld };
}

/** Splits a buffer into pieces of `size` bytes. */
function pieces(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

describe('AmiReader', () => {
  const raw = readFileSync(FIXTURE);
  const expected = readFileSync(FIXTURE, 'utf8').slice(readFileSync(FIXTURE, 'utf8').indexOf('\r\n') + 2)
    .split('\r\n\r\n').filter((f) => f.length > 0);

  it('splits the real capture into its banner and every frame, whatever the chunking', () => {
    for (const size of [1, 2, 3, 7, 64, 1500, raw.length]) {
      const r = run(pieces(raw, size));
      expect(r.banner).toEqual(['Asterisk Call Manager/9.0.0']);
      expect(r.frames).toEqual(expected);
      expect(r.oversized).toBe(0);
    }
    expect(expected.filter((f) => f.startsWith('Event: '))).toEqual(fixtureEventFrames());
  });

  it('accepts LF-only line ends and extra blank lines between frames', () => {
    const lf = Buffer.from('Asterisk Call Manager/9.0.0\nEvent: A\nX: 1\n\n\n\r\nEvent: B\r\nY: 2\n\r\n');
    const r = run(pieces(lf, 5));
    expect(r.frames).toEqual(['Event: A\r\nX: 1', 'Event: B\r\nY: 2']);
  });

  it('keeps a UTF-8 character split across chunks intact', () => {
    const bytes = Buffer.from('Asterisk Call Manager/9.0.0\r\nEvent: X\r\nAccountID: Jürgen €\r\n\r\n', 'utf8');
    const r = run(pieces(bytes, 1));
    expect(r.frames).toEqual(['Event: X\r\nAccountID: Jürgen €']);
  });

  it('discards a 10 MB frame without holding more than the cap, then reads on', () => {
    const max = 64 * 1024;
    const chunks = [Buffer.from('Asterisk Call Manager/9.0.0\r\nEvent: Huge\r\nData: ')];
    const block = Buffer.alloc(64 * 1024, 0x41);
    for (let i = 0; i < 160; i++) chunks.push(block);
    chunks.push(Buffer.from('\r\n\r\nEvent: After\r\nX: 1\r\n\r\n'));
    const r = run(chunks, max);
    expect(r.oversized).toBe(1);
    expect(r.frames).toEqual(['Event: After\r\nX: 1']);
    expect(r.maxHeld).toBeLessThanOrEqual(max);
    expect(r.reader.highWater).toBeLessThanOrEqual(max);
  });

  it('discards an oversized frame that arrives in one chunk, with many short lines', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `Line${i}: ${'x'.repeat(20)}`).join('\r\n');
    const r = run([Buffer.from(`Asterisk Call Manager/9.0.0\r\nEvent: Big\r\n${lines}\r\n\r\nEvent: Small\r\n\r\n`)], 4096);
    expect(r.oversized).toBe(1);
    expect(r.frames).toEqual(['Event: Small']);
  });

  it('reports an oversized banner as an empty banner line, not as a frame', () => {
    const r = run([Buffer.alloc(10_000, 0x42), Buffer.from('\r\nEvent: A\r\n\r\n')], 4096);
    expect(r.banner).toEqual(['']);
    expect(r.oversized).toBe(0);
    expect(r.frames).toEqual(['Event: A']);
  });

  it('starts over after reset(): the next line is a banner again', () => {
    const r = run([Buffer.from('Asterisk Call Manager/9.0.0\r\nEvent: Partial\r\nX: ')]);
    r.reader.reset();
    expect(r.reader.buffered).toBe(0);
    r.reader.push(Buffer.from('Asterisk Call Manager/9.0.0\r\nEvent: B\r\n\r\n'));
    expect(r.banner).toHaveLength(2);
    expect(r.frames).toEqual(['Event: B']);
  });
});
