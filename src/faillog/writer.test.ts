/**
 * The failed-auth log writer on a real full disk (a 64 KiB tmpfs; root only): lines
 * wait while the disk is full and reach the file in order, each exactly once, when
 * space returns — including the one a short write cut in two. And the cut of the
 * uncommitted tail after a crash.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { mountTmpfs, type Tmpfs } from '../../test/support/tmpfs.js';
import { FaultTracker } from '../store/index.js';
import { formatFailure } from './format.js';
import { FailedAuthLog, readLogLine, sourceOfLine, trimUncommittedTail } from './index.js';

let fsys: Tmpfs | null = null;
const logs: FailedAuthLog[] = [];
const track = (l: FailedAuthLog) => {
  logs.push(l);
  return l;
};
afterEach(async () => {
  for (const l of logs.splice(0)) await l.close();
  fsys?.close();
  fsys = null;
});

const line = (i: number, source = '/var/log/asterisk/messages') => formatFailure({
  at: Date.UTC(2026, 10, 24, 10, 0, 0) + i, ip: `203.0.${(i >> 8) & 255}.${i & 255}`, port: 5060, service: 'SIP', account: `a"cc\\${i}\x1b`,
  reason: 'wrong_password', zone: 'external', counts: [{ n: 1, within: '1h' }], action: 'counted', tier: null, until: undefined,
  decoys: [], source, line: i,
});

describe('FailedAuthLog on a full disk', () => {
  it('keeps every line while the disk is full and writes each once, in order, when space returns', () => {
    fsys = mountTmpfs('64k', 'faillog');
    let clock = 0;
    const faults = new FaultTracker({ part: 'failed-auth log', file: fsys.file('failed-auth.log') });
    const log = track(new FailedAuthLog(fsys.file('failed-auth.log'), { now: () => clock, faults }));
    const N = 2000; // ~240 KB: far more than the disk holds
    for (let i = 0; i < N; i++) log.write(line(i));
    expect(log.flush()).toBe(false);
    expect(faults.current()).toMatchObject({ kind: 'disk_full', code: 'ENOSPC' });
    const waiting = log.state().pending;
    expect(waiting).toBeGreaterThan(0);
    expect(waiting).toBeLessThan(N);
    // Not due yet: no write is tried before the backoff has passed.
    expect(log.flush()).toBe(false);
    expect(faults.current()?.failures).toBe(1);

    fsys.resize('2m');
    clock += 10_000;
    expect(log.flush()).toBe(true);
    expect(faults.current()).toBeNull();
    expect(log.state()).toEqual({ pending: 0, dropped: 0 });
    const text = fs.readFileSync(fsys.file('failed-auth.log'), 'utf8');
    expect(text).toBe(Array.from({ length: N }, (_, i) => `${line(i)}\n`).join(''));
  });

  it('writes lines of any size and any characters byte for byte: multi-byte text, chunks filled to the edge, one line bigger than a chunk', () => {
    const dir = fs.mkdtempSync('/tmp/sw-faillog-');
    try {
      const file = `${dir}/failed-auth.log`;
      const log = track(new FailedAuthLog(file));
      const lines: string[] = [];
      // Many lines of 3-byte and 4-byte characters (up to 3 bytes per UTF-16 unit), around a 1 MiB chunk's edge.
      for (let i = 0; i < 5000; i++) lines.push(`${i} ${'€'.repeat(i % 97)}${'😀'.repeat(i % 13)} ${'x'.repeat(i % 301)}`);
      lines.push('y'.repeat(1.5 * 1024 * 1024)); // alone bigger than a chunk
      lines.push('after the big one ü');
      for (const l of lines) log.write(l);
      expect(log.flush()).toBe(true);
      expect(log.state()).toEqual({ pending: 0, dropped: 0 });
      expect(fs.readFileSync(file, 'utf8')).toBe(lines.map((l) => `${l}\n`).join(''));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('drops the oldest lines beyond its bound, counts them and says so', () => {
    fsys = mountTmpfs('16k', 'faillog');
    const drops: number[] = [];
    const log = track(new FailedAuthLog(fsys.file('failed-auth.log'), { now: () => 0, maxPendingLines: 100, onDrop: (n) => drops.push(n) }));
    fsys.fill();
    for (let i = 0; i < 250; i++) log.write(line(i));
    expect(log.flush()).toBe(false);
    const s = log.state();
    expect(s.dropped).toBe(drops.reduce((a, b) => a + b, 0));
    expect(s.dropped + s.pending).toBe(250);
    expect(s.pending).toBeLessThanOrEqual(101);
  });

  it('starts without its file on a read-only filesystem, and writes once it can', () => {
    fsys = mountTmpfs('64k', 'faillog');
    fsys.readOnly(true);
    const faults = new FaultTracker({ part: 'failed-auth log', file: 'x' });
    let clock = 0;
    const log = track(new FailedAuthLog(fsys.file('failed-auth.log'), { now: () => clock, faults }));
    expect(faults.current()).toMatchObject({ kind: 'read_only', code: 'EROFS' });
    log.write(line(1));
    expect(log.flush()).toBe(false);
    fsys.readOnly(false);
    clock += 60_000;
    expect(log.flush()).toBe(true);
    expect(fs.readFileSync(fsys.file('failed-auth.log'), 'utf8')).toBe(`${line(1)}\n`);
  });
});

describe('FailedAuthLog.close', () => {
  it('never opens the file again for a flush scheduled before it closed', async () => {
    fsys = mountTmpfs('16k', 'faillog');
    fsys.fill();
    const file = fsys.file('sub/failed-auth.log');
    fsys.readOnly(true);
    const log = new FailedAuthLog(file, { now: () => 0 });
    log.write(line(1)); // cannot be written; its flush is scheduled for the end of this turn
    await log.close();
    fsys.readOnly(false);
    await new Promise((r) => setImmediate(r));
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe('trimUncommittedTail', () => {
  it('cuts what came after the committed position, keeping the lines of sources that are not read again', async () => {
    fsys = mountTmpfs('1m', 'faillog');
    const file = fsys.file('failed-auth.log');
    const log = track(new FailedAuthLog(file));
    for (let i = 0; i < 3; i++) log.write(line(i));
    expect(log.flush()).toBe(true);
    const committed = log.position();
    log.write(line(3));
    log.write(line(4, 'ami:127.0.0.1:5038'));
    log.write(line(5));
    log.flush();
    await log.close();
    fs.appendFileSync(file, '2026-11-24T10:00:00.000Z FAILED ip=203.0.113.1 port=50'); // a line cut by the crash
    const r = trimUncommittedTail(file, committed, (l) => sourceOfLine(l)?.startsWith('ami:') === true);
    expect(r).toEqual({ cut: 3, kept: 1 });
    expect(fs.readFileSync(file, 'utf8')).toBe([0, 1, 2].map((i) => `${line(i)}\n`).join('') + `${line(4, 'ami:127.0.0.1:5038')}\n`);
  });

  it('leaves another file (rotated since), a shorter one or no position alone', () => {
    fsys = mountTmpfs('1m', 'faillog');
    const file = fsys.file('failed-auth.log');
    fs.writeFileSync(file, `${line(1)}\n${line(2)}\n`);
    const st = fs.statSync(file);
    const at = (size: number, ino = st.ino) => JSON.stringify({ dev: st.dev, ino, size });
    expect(trimUncommittedTail(file, null, () => false)).toEqual({ cut: 0, kept: 0 });
    expect(trimUncommittedTail(file, at(10, st.ino + 1), () => false)).toEqual({ cut: 0, kept: 0 });
    expect(trimUncommittedTail(file, at(st.size + 5), () => false)).toEqual({ cut: 0, kept: 0 });
    expect(fs.statSync(file).size).toBe(st.size);
  });
});

describe('readLogLine', () => {
  it('reads back what formatFailure wrote, escapes undone', () => {
    const l = readLogLine(line(7, '/var/log/asterisk/"odd" \\ name'));
    expect(l).toMatchObject({ kind: 'FAILED', source: '/var/log/asterisk/"odd" \\ name', line: 7 });
    expect(l?.fields.get('account')).toBe('a"cc\\7\x1b');
    expect(l?.fields.get('ip')).toBe('203.0.0.7');
    expect(readLogLine('not a log line')).toBeNull();
  });
});
