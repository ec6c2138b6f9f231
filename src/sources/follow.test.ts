import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Follower, type FileCursor } from './follow.js';

const dirs: string[] = [];
const followers: Follower[] = [];
afterEach(() => {
  for (const f of followers.splice(0)) f.stop();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-follow-'));
  dirs.push(d);
  return d;
}

function follow(file: string, opts: { startAt?: 'end' | 'beginning'; cursor?: FileCursor | null; maxLine?: number } = {}) {
  const lines: string[] = [];
  const notices: string[] = [];
  const f = new Follower(file, {
    startAt: opts.startAt ?? 'beginning', cursor: opts.cursor ?? null, maxLine: opts.maxLine, pollMs: 20,
    onLine: (l) => lines.push(l), onNotice: (m) => notices.push(m), onError: (e) => notices.push(`error: ${e.message}`),
  });
  followers.push(f);
  return { f, lines, notices };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

/** Every number 0..n-1 exactly once, in order. */
function expectExactlyOnce(lines: string[], n: number): void {
  const nums = lines.map((l) => Number(l.replace(/^line /, '')));
  expect(nums.length).toBe(n);
  for (let i = 0; i < n; i++) if (nums[i] !== i) throw new Error(`line ${i}: got ${nums[i]} (duplicate or lost line)`);
}

describe('log follower', () => {
  it('counts 100,000 lines exactly once through rename rotation and copytruncate during a flood, with partial writes', async () => {
    const dir = tmp();
    const file = path.join(dir, 'messages');
    fs.writeFileSync(file, '');
    const { f, lines } = follow(file);
    f.start();
    const N = 100_000;
    let pending = '';
    for (let i = 0; i < N; i++) {
      pending += `line ${i}\n`;
      if (i % 997 === 0 || i === N - 1) {
        // Split the batch mid-line: the follower must join partial writes.
        const cut = Math.floor(pending.length / 2) + 3;
        fs.appendFileSync(file, pending.slice(0, cut));
        if (i % 3 === 0) f.poll();
        fs.appendFileSync(file, pending.slice(cut));
        pending = '';
        if (i % 5 === 0) await tick();
      }
      if (i === 30_000) fs.renameSync(file, `${file}.1`); // logrotate: rename, then Asterisk re-creates
      if (i === 30_500) fs.writeFileSync(file, '', { flag: 'a' });
      if (i === 70_000) {
        fs.copyFileSync(file, `${file}-copytruncate`); // logrotate copytruncate
        fs.truncateSync(file, 0);
      }
    }
    // Lines written between the rename and the re-creation went to the renamed file.
    for (let t = 0; t < 200 && lines.length < N; t++) {
      f.poll();
      await tick();
    }
    expectExactlyOnce(lines, N);
    expect(f.state().rotations).toBeGreaterThanOrEqual(2);
  });

  it('resumes exactly at its cursor after a stop, even when the file was rotated meanwhile', async () => {
    const dir = tmp();
    const file = path.join(dir, 'security');
    fs.writeFileSync(file, Array.from({ length: 500 }, (_, i) => `line ${i}\n`).join(''));
    const a = follow(file);
    a.f.start();
    expect(a.lines.length).toBe(500);
    const cursor = a.f.cursor()!;
    a.f.stop();

    // While sipwarden is down: more lines, a rotation, and lines in the new file.
    fs.appendFileSync(file, Array.from({ length: 300 }, (_, i) => `line ${500 + i}\n`).join(''));
    fs.renameSync(file, `${file}.1`);
    fs.writeFileSync(file, Array.from({ length: 200 }, (_, i) => `line ${800 + i}\n`).join(''));

    const b = follow(file, { cursor });
    b.f.start();
    await tick();
    expectExactlyOnce([...a.lines, ...b.lines], 1000);
  });

  it('resumes in place when nothing was rotated, and never re-reads a line', () => {
    const dir = tmp();
    const file = path.join(dir, 'messages');
    fs.writeFileSync(file, 'line 0\nline 1\nline 2\npartial');
    const a = follow(file);
    a.f.start();
    expect(a.lines).toEqual(['line 0', 'line 1', 'line 2']);
    const cursor = a.f.cursor()!;
    a.f.stop();
    fs.appendFileSync(file, ' end\nline 4\n');
    const b = follow(file, { cursor });
    b.f.start();
    expect(b.lines).toEqual(['partial end', 'line 4']);
  });

  it('starts at the end on a first start without a cursor', () => {
    const dir = tmp();
    const file = path.join(dir, 'messages');
    fs.writeFileSync(file, 'old 1\nold 2\n');
    const { f, lines } = follow(file, { startAt: 'end' });
    f.start();
    fs.appendFileSync(file, 'new\n');
    f.poll();
    expect(lines).toEqual(['new']);
  });

  it('waits for a file that does not exist yet, says so once, and reads it from the start', () => {
    const dir = tmp();
    const file = path.join(dir, 'later');
    const { f, lines, notices } = follow(file, { startAt: 'end' });
    f.start();
    f.poll();
    f.poll();
    expect(notices.filter((n) => n.includes('does not exist yet'))).toHaveLength(1);
    fs.writeFileSync(file, 'first\n');
    f.poll();
    expect(lines).toEqual(['first']);
  });

  it('follows deletion and re-creation', async () => {
    const dir = tmp();
    const file = path.join(dir, 'messages');
    fs.writeFileSync(file, 'a\n');
    const { f, lines } = follow(file);
    f.start();
    fs.unlinkSync(file);
    f.poll();
    fs.writeFileSync(file, 'b\n');
    f.poll();
    await new Promise((r) => setImmediate(r)); // the new file is read on the next turn of the event loop
    expect(lines).toEqual(['a', 'b']);
  });

  it('skips and counts over-long lines without buffering them, and keeps invalid UTF-8 as replacement characters', () => {
    const dir = tmp();
    const file = path.join(dir, 'messages');
    fs.writeFileSync(file, '');
    const { f, lines } = follow(file, { maxLine: 1000 });
    f.start();
    fs.appendFileSync(file, 'short\n');
    for (let i = 0; i < 50; i++) fs.appendFileSync(file, 'x'.repeat(100_000)); // 5 MB without newline
    f.poll();
    fs.appendFileSync(file, '\n');
    fs.appendFileSync(file, Buffer.from([0x61, 0xff, 0xfe, 0x62, 0x0a]));
    f.poll();
    expect(lines).toEqual(['short', 'a\ufffd\ufffdb']);
    expect(f.state().oversized).toBe(1);
  });
});
