/**
 * Offline replay: reads log files and raw AMI captures, parses them, and delivers
 * their events in time order across files (a k-way merge), so one attempt reported
 * in `messages`, `full`, `security` and on AMI reaches the attempt counter as
 * neighbouring reports. Within one second, structured reports (security events,
 * AMI) go first: they carry the reason Asterisk knows best.
 *
 * Dates without a year are anchored to each file's modification time. Log files are read
 * through the byte prefilter (log-scan.ts): only lines that may give an event are decoded.
 */
import fs from 'node:fs';
import type { SecurityEvent } from '../domain/events.js';
import { SipwardenError } from '../domain/errors.js';
import { newDateCache, parseAmiFrame, parseLine, type Interest, type LineContext } from '../parsers/index.js';
import { LogScan } from './log-scan.js';

export interface FileStats {
  readonly path: string;
  readonly format: 'log' | 'ami';
  lines: number;
  events: number;
  oversized: number;
}

/** A log file's events in line order, and what was read (parallel readers: check/parallel.ts). */
export interface LogSource {
  readonly stats: { lines: number; events: number; oversized: number };
  pull(): SecurityEvent | null;
  close(): void;
}

/** Opens a log file (not an AMI capture) as a {@link LogSource}. */
export type OpenLog = (path: string, refTime: number, interest: Interest) => LogSource;

interface Stream {
  readonly index: number;
  readonly stats: FileStats;
  head: SecurityEvent | null;
  pull(): SecurityEvent | null;
  close(): void;
}

function isAmiCapture(path: string): boolean {
  const fd = fs.openSync(path, 'r');
  try {
    const b = Buffer.alloc(64);
    const n = fs.readSync(fd, b, 0, 64, 0);
    const head = b.toString('latin1', 0, n);
    return head.startsWith('Asterisk Call Manager/') || head.startsWith('Event: ') || head.startsWith('Response: ');
  } finally {
    fs.closeSync(fd);
  }
}

function logStream(path: string, index: number, refTime: number, interest: Interest): Stream {
  const fd = fs.openSync(path, 'r');
  const scan = new LogScan(fd, 0, Number.POSITIVE_INFINITY);
  const stats: FileStats = { path, format: 'log', lines: 0, events: 0, oversized: 0 };
  const ctx = { source: path, line: 0, refTime, cache: newDateCache(), interest };
  return {
    index, stats, head: null,
    pull() {
      for (;;) {
        const text = scan.next();
        if (text === null) {
          stats.lines = scan.lines;
          stats.oversized = scan.oversized;
          return null;
        }
        ctx.line = scan.line;
        const ev = parseLine(text, ctx as LineContext);
        if (ev) {
          stats.events++;
          return ev;
        }
      }
    },
    close: () => fs.closeSync(fd),
  };
}

function amiStream(path: string, index: number, refTime: number, interest: Interest): Stream {
  const frames = fs.readFileSync(path, 'utf8').split(/\r?\n\r?\n/);
  const stats: FileStats = { path, format: 'ami', lines: 0, events: 0, oversized: 0 };
  let i = 0;
  return {
    index, stats, head: null,
    pull() {
      while (i < frames.length) {
        const frame = frames[i++] as string;
        stats.lines++;
        const ev = parseAmiFrame(frame, { source: path, line: i, refTime, interest });
        if (ev) {
          stats.events++;
          return ev;
        }
      }
      return null;
    },
    close: () => undefined,
  };
}

/** A log file read through another reader: its counts land in the file's stats at the end. */
function sourceStream(path: string, index: number, src: LogSource): Stream {
  const stats: FileStats = { path, format: 'log', lines: 0, events: 0, oversized: 0 };
  return {
    index, stats, head: null,
    pull() {
      const ev = src.pull();
      if (ev === null) {
        stats.lines = src.stats.lines;
        stats.events = src.stats.events;
        stats.oversized = src.stats.oversized;
      }
      return ev;
    },
    close: () => src.close(),
  };
}

function openStream(path: string, index: number, interest: Interest, openLog?: OpenLog): Stream {
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
    if (!st.isFile()) throw new Error('not a regular file');
    fs.accessSync(path, fs.constants.R_OK);
  } catch (e) {
    throw new SipwardenError('INPUT_UNREADABLE', `cannot read ${path}: ${(e as Error).message.replace(/^[A-Z]+: /, '')}`);
  }
  const refTime = st.mtimeMs;
  if (isAmiCapture(path)) return amiStream(path, index, refTime, interest);
  return openLog ? sourceStream(path, index, openLog(path, refTime, interest)) : logStream(path, index, refTime, interest);
}

const STRUCTURED = new Set(['security-log', 'ami-event']);

/** True when `a` should be delivered before `b`. */
function before(a: Stream, b: Stream): boolean {
  const ea = a.head as SecurityEvent;
  const eb = b.head as SecurityEvent;
  const sa = Math.floor(ea.at / 1000);
  const sb = Math.floor(eb.at / 1000);
  if (sa !== sb) return sa < sb;
  const pa = STRUCTURED.has(ea.signature) ? 0 : 1;
  const pb = STRUCTURED.has(eb.signature) ? 0 : 1;
  if (pa !== pb) return pa < pb;
  return a.index < b.index;
}

/**
 * Replays files (any mix of messages/full/security logs and raw AMI captures) and
 * calls `onEvent` for each event in merged time order. Throws SipwardenError
 * INPUT_UNREADABLE (before reading anything) if a file cannot be read. `openLog`, when
 * given, reads the log files (the AMI captures are read here).
 */
export function replayFiles(paths: readonly string[], onEvent: (ev: SecurityEvent) => void, interest: Interest = 'all', openLog?: OpenLog): FileStats[] {
  const streams = paths.map((p, i) => openStream(p, i, interest, openLog));
  try {
    if (streams.length === 1) {
      const s = streams[0] as Stream;
      for (let ev = s.pull(); ev; ev = s.pull()) onEvent(ev);
      return [s.stats];
    }
    let live = streams.filter((s) => (s.head = s.pull()) !== null);
    while (live.length > 0) {
      let best = live[0] as Stream;
      for (let i = 1; i < live.length; i++) if (before(live[i] as Stream, best)) best = live[i] as Stream;
      onEvent(best.head as SecurityEvent);
      best.head = best.pull();
      if (!best.head) live = live.filter((s) => s !== best);
    }
    return streams.map((s) => s.stats);
  } finally {
    for (const s of streams) s.close();
  }
}
