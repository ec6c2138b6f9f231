/**
 * The prefiltered scan reads a file exactly as the line reader does: the same line
 * count and numbers, the same over-long lines skipped, the same text for each line it
 * keeps (CRLF, invalid UTF-8, a last line without newline, a line longer than the
 * buffer) — whole, and split into byte ranges at any offset.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { candidateLines } from '../parsers/prefilter.js';
import { LineReader } from './line-reader.js';
import { LogScan } from './log-scan.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-logscan-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const MAX = 64;

function write(name: string, data: Buffer | string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, data);
  return p;
}

/** What the line reader gives, keeping the lines the prefilter would. */
function reference(file: string): { kept: Array<[number, string]>; lines: number; oversized: number } {
  const r = new LineReader(file, MAX);
  const kept: Array<[number, string]> = [];
  const out: number[] = [];
  for (let l = r.next(); l !== null; l = r.next()) {
    candidateLines(Buffer.from(l, 'utf8'), out);
    if (out.length > 0) kept.push([r.lineNo, l]);
  }
  r.close();
  return { kept, lines: r.lineNo, oversized: r.oversized };
}

/** What the scan gives over the ranges cut at `cuts`, line numbers made file-wide. */
function scanned(file: string, cuts: number[]): { kept: Array<[number, string]>; lines: number; oversized: number } {
  const fd = fs.openSync(file, 'r');
  const kept: Array<[number, string]> = [];
  let lines = 0;
  let oversized = 0;
  const bounds = [0, ...cuts, Number.POSITIVE_INFINITY];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const s = new LogScan(fd, bounds[i] as number, bounds[i + 1] as number, MAX);
    for (let t = s.next(); t !== null; t = s.next()) kept.push([lines + s.line, t]);
    lines += s.lines;
    oversized += s.oversized;
  }
  fs.closeSync(fd);
  return { kept, lines, oversized };
}

const q = "x 'quoted'";
const cases: Record<string, Buffer | string> = {
  empty: '',
  'one line without newline': q,
  'CRLF and empty lines': `${q}\r\n\r\n\nplain\r\n${q}\r\n`,
  'a bare CR line': `\r\n${q}\r`,
  'over-long ASCII lines': `${q}${'a'.repeat(MAX)}\n${q}\n${'b'.repeat(MAX + 1)}\n${"'".repeat(MAX)}\n`,
  // 40 two-byte characters: 80 bytes but 40 characters, under the limit, as the reader counts.
  'multi-byte lines over the limit in bytes only': `${"é'".repeat(40)}\n${"é'".repeat(70)}\n${"😀'".repeat(20)}\n${q}\n`,
  'invalid UTF-8': Buffer.concat([Buffer.from(`${q} `), Buffer.from([0xff, 0xc3, 0x27, 0xe2, 0x82]), Buffer.from(`\n${q}\n`), Buffer.from([0xf0, 0x9f, 0x27])]),
  'a line longer than the read buffer': `${q}\n${"'".repeat(5 * 1024 * 1024)}\n${q}\n`,
  'a last line longer than the read buffer': `${q}\n${"'".repeat(5 * 1024 * 1024)}`,
};

describe('LogScan reads as LineReader does', () => {
  for (const [name, data] of Object.entries(cases)) {
    it(name, () => {
      const file = write(name.replace(/\W/g, '_'), data);
      const want = reference(file);
      expect(scanned(file, [])).toEqual(want);
      const size = fs.statSync(file).size;
      // Every cut point in small files; a spread of them in big ones.
      const step = size > 4096 ? Math.floor(size / 37) : 1;
      for (let a = 1; a < size; a += step) expect(scanned(file, [a]), `cut at ${a}`).toEqual(want);
      if (size > 2) expect(scanned(file, [1, Math.floor(size / 2), size - 1])).toEqual(want);
    });
  }
});
