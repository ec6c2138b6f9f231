import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Follower, type FileCursor, type LongLine } from './follow.js';

const dirs: string[] = [];
const followers: Follower[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const f of followers.splice(0)) f.stop();
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-follow-'));
  dirs.push(d);
  return d;
}

function follow(file: string, opts: { startAt?: 'end' | 'beginning'; cursor?: FileCursor | null; maxLine?: number; now?: () => number; onLine?: (l: string) => void } = {}) {
  const lines: string[] = [];
  const numbered: Array<[number, string]> = [];
  const long: Array<[number, LongLine]> = [];
  const notices: string[] = [];
  const f = new Follower(file, {
    startAt: opts.startAt ?? 'beginning', cursor: opts.cursor ?? null, maxLine: opts.maxLine, pollMs: 20, now: opts.now,
    onLine: (l, n) => {
      lines.push(l);
      numbered.push([n, l]);
      opts.onLine?.(l);
    },
    onOversize: (l, n) => long.push([n, l]),
    onNotice: (m) => notices.push(m), onError: (e) => notices.push(`error: ${e.message}`),
  });
  followers.push(f);
  return { f, lines, numbered, long, notices };
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

  it('hands an over-long line on as its head and tail (never whole), numbered, and keeps invalid UTF-8 as replacement characters', () => {
    const dir = tmp();
    const file = path.join(dir, 'messages');
    fs.writeFileSync(file, '');
    const { f, numbered, long } = follow(file, { maxLine: 1000 });
    f.start();
    fs.appendFileSync(file, 'short\n');
    fs.appendFileSync(file, 'head');
    for (let i = 0; i < 50; i++) fs.appendFileSync(file, 'x'.repeat(100_000)); // 5 MB without newline
    for (let i = 0; i < 6; i++) f.poll(); // a poll reads at most 1 MB
    fs.appendFileSync(file, 'tail\n');
    fs.appendFileSync(file, Buffer.from([0x61, 0xff, 0xfe, 0x62, 0x0a]));
    f.poll();
    expect(numbered).toEqual([[1, 'short'], [3, 'a\ufffd\ufffdb']]);
    expect(long).toHaveLength(1);
    const [n, l] = long[0]!;
    expect(n).toBe(2);
    expect(l.bytes).toBe(5_000_008);
    expect(l.head).toBe(`head${'x'.repeat(496)}`);
    expect(l.tail).toBe(`${'x'.repeat(496)}tail`);
    expect(l.clean).toBe(true);
    expect(f.state().oversized).toBe(1);
  });
});

describe('line numbers (the evidence a ban cites)', () => {
  const text = (from: number, n: number) => Array.from({ length: n }, (_, i) => `line ${from + i}\n`).join('');

  it('go on from where they were after a restart, and start at 1 in a file rotated in', async () => {
    const dir = tmp();
    const file = path.join(dir, 'messages');
    fs.writeFileSync(file, text(0, 5));
    const a = follow(file);
    a.f.start();
    expect(a.numbered.at(-1)).toEqual([5, 'line 4']);
    const c1 = a.f.cursor()!;
    expect(c1.line).toBe(5);
    a.f.stop();

    fs.appendFileSync(file, text(5, 3));
    const b = follow(file, { cursor: c1 });
    b.f.start();
    expect(b.numbered).toEqual([[6, 'line 5'], [7, 'line 6'], [8, 'line 7']]);
    fs.renameSync(file, `${file}.1`);
    fs.writeFileSync(file, text(8, 2));
    b.f.poll();
    await tick();
    b.f.poll();
    expect(b.numbered.slice(3)).toEqual([[1, 'line 8'], [2, 'line 9']]);
    const c2 = b.f.cursor()!;
    b.f.stop();

    // Rotated again while stopped: the rest of the old file keeps its numbers, the new one starts at 1.
    fs.appendFileSync(file, text(10, 2));
    fs.renameSync(file, `${file}.2`);
    fs.writeFileSync(file, text(12, 1));
    const c = follow(file, { cursor: c2 });
    c.f.start();
    await tick();
    expect(c.numbered).toEqual([[3, 'line 10'], [4, 'line 11'], [1, 'line 12']]);
  });

  it('are counted from the file when a cursor of an older version has none, or on a first start at the end', () => {
    const dir = tmp();
    const file = path.join(dir, 'security');
    fs.writeFileSync(file, text(0, 21_000));
    const a = follow(file, { startAt: 'end' });
    a.f.start();
    fs.appendFileSync(file, text(21_000, 1));
    a.f.poll();
    expect(a.numbered).toEqual([[21_001, 'line 21000']]);
    const { line: _dropped, ...old } = a.f.cursor()!;
    a.f.stop();
    fs.appendFileSync(file, text(21_001, 1));
    const b = follow(file, { cursor: old });
    b.f.start();
    expect(b.numbered).toEqual([[21_002, 'line 21001']]);
  });

  it('start at 1 again after copytruncate, and the copy keeps its numbers', async () => {
    const dir = tmp();
    const file = path.join(dir, 'full');
    fs.writeFileSync(file, text(0, 3));
    const { f, numbered } = follow(file);
    f.start();
    fs.appendFileSync(file, text(3, 2));
    fs.copyFileSync(file, `${file}.1`);
    fs.truncateSync(file, 0);
    f.poll();
    fs.appendFileSync(file, text(5, 1));
    f.poll();
    await tick();
    f.poll();
    expect(numbered).toEqual([[1, 'line 0'], [2, 'line 1'], [3, 'line 2'], [4, 'line 3'], [5, 'line 4'], [1, 'line 5']]);
  });
});

describe('paths that are not regular files', () => {
  /**
   * A writer that opens the FIFO after a while: if the follower ever did a blocking open
   * of it, that open returns then instead of hanging the test run for good (and the
   * assertions below fail).
   */
  function unblocker(fifo: string): ChildProcess {
    const p = spawn('sh', ['-c', `sleep 4; exec 3>'${fifo}'; sleep 1`], { stdio: 'ignore' });
    children.push(p);
    return p;
  }

  it('never opens a FIFO at the path (its open would block): says so once, then follows the regular file put there', async () => {
    const dir = tmp();
    const file = path.join(dir, 'messages');
    execFileSync('mkfifo', [file]);
    unblocker(file);
    const { f, lines, notices } = follow(file);
    f.start();
    for (let i = 0; i < 5; i++) {
      f.poll();
      await tick();
    }
    // No reader has the FIFO open: a non-blocking open for writing finds none.
    expect(() => fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK)).toThrow(/ENXIO/);
    expect(notices).toEqual([`${file} is a FIFO (named pipe), not a regular file; waiting for it`]);
    expect(f.state().problem).toBe('is a FIFO (named pipe), not a regular file');
    fs.unlinkSync(file);
    fs.writeFileSync(file, 'first\n');
    f.poll();
    expect(lines).toEqual(['first']);
    expect(notices.at(-1)).toBe(`${file} is a regular file again; following it`);
  });

  it('a FIFO that replaces the followed file is not opened either; the file that comes back is followed', async () => {
    const dir = tmp();
    const file = path.join(dir, 'messages');
    fs.writeFileSync(file, 'a\n');
    const { f, lines, notices } = follow(file);
    f.start();
    fs.appendFileSync(file, 'b\n');
    fs.renameSync(file, `${file}.1`);
    execFileSync('mkfifo', [file]);
    unblocker(file);
    f.poll();
    f.poll();
    expect(lines).toEqual(['a', 'b']);
    expect(() => fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK)).toThrow(/ENXIO/);
    fs.unlinkSync(file);
    fs.writeFileSync(file, 'c\n');
    f.poll();
    await tick();
    expect(lines).toEqual(['a', 'b', 'c']);
    expect(notices.filter((n) => n.includes('FIFO'))).toHaveLength(1);
  });

  it('a directory left at the path is said once, without repeated errors, and the file put back is followed at once', async () => {
    const dir = tmp();
    const file = path.join(dir, 'messages');
    fs.writeFileSync(file, 'a\n');
    const { f, lines, notices } = follow(file);
    f.start();
    fs.unlinkSync(file);
    fs.mkdirSync(file);
    for (let i = 0; i < 20; i++) {
      f.poll();
      await tick();
    }
    expect(notices).toEqual([`${file} is a directory, not a regular file; waiting for it`]);
    fs.rmdirSync(file);
    fs.writeFileSync(file, 'b\n');
    f.poll();
    await tick();
    f.poll();
    expect(lines).toEqual(['a', 'b']);
    expect(notices.at(-1)).toBe(`${file} is a regular file again; following it`);
  });
});

describe('errors', () => {
  it('a handler that throws loses no later line, and the same error is passed on once a minute with a count', () => {
    const dir = tmp();
    const file = path.join(dir, 'messages');
    fs.writeFileSync(file, '');
    let now = 1_000_000;
    const { f, lines, notices } = follow(file, {
      now: () => now,
      onLine: (l) => {
        if (l.startsWith('bad')) throw new Error('store is busy');
      },
    });
    f.start();
    fs.appendFileSync(file, 'bad 1\ngood 1\nbad 2\nbad 3\ngood 2\n');
    f.poll();
    expect(lines).toEqual(['bad 1', 'good 1', 'bad 2', 'bad 3', 'good 2']);
    expect(notices).toEqual(['error: store is busy']);
    now += 61_000;
    fs.appendFileSync(file, 'bad 4\n');
    f.poll();
    expect(notices).toEqual(['error: store is busy', 'error: store is busy (2 more times since it was last reported)']);
    expect(f.cursor()!.line).toBe(6);
  });

  it('while it is behind a growing file, the event loop gets its turn after every megabyte read (timers, firewall answers, the API)', async () => {
    const dir = tmp();
    const file = path.join(dir, 'messages');
    // 20 MB waiting: 200,000 lines of 101 bytes.
    const LINE = `${'x'.repeat(93)}`;
    const N = 200_000;
    fs.writeFileSync(file, Array.from({ length: N }, (_, i) => `${String(i).padStart(6, '0')} ${LINE}\n`).join(''));
    let delivered = 0;
    const { f } = follow(file, { onLine: () => void delivered++ });
    // Lines delivered between two turns of the loop; the file keeps growing meanwhile, so
    // directory change events keep arriving as in a flood.
    const between: number[] = [];
    let last = 0;
    let appended = 0;
    await new Promise<void>((done) => {
      const turn = () => {
        between.push(delivered - last);
        last = delivered;
        if (appended < 200) {
          fs.appendFileSync(file, `${String(N + appended).padStart(6, '0')} ${LINE}\n`);
          appended++;
        }
        if (delivered >= N + appended && appended >= 200) done();
        else setImmediate(turn);
      };
      f.start();
      setImmediate(turn);
    });
    expect(delivered).toBe(N + 200);
    // One megabyte is 10,382 of these lines; reading more than that in one turn means a
    // change event read again before the loop went round. (The first turn also holds the
    // read start() makes at once.)
    expect(Math.max(...between.slice(1))).toBeLessThanOrEqual(Math.ceil((1024 * 1024) / 101) + 1);
    expect(between.filter((n) => n > 0).length).toBeGreaterThanOrEqual(8);
  });
});
