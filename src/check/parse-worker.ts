/**
 * A parse worker of `sipwarden check` (node:worker_threads): reads blocks of log files
 * (the lines that start in a byte range), keeps the lines the byte prefilter passes,
 * parses them with the same parser as everywhere, and sends each block's events back as
 * one compact batch (event-codec.ts), then wakes the main thread (which waits on the
 * shared counter, see parallel.ts). Decides nothing: the decisions stay on the main
 * thread, in file order.
 */
import fs from 'node:fs';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { newDateCache, parseLine, type DateCache, type Interest, type LineContext } from '../parsers/index.js';
import { LogScan } from '../sources/log-scan.js';
import { BatchWriter } from './event-codec.js';

/** A block to parse. */
export interface Job {
  readonly job: number;
  readonly path: string;
  readonly start: number;
  /** Infinity for the file's last block. */
  readonly end: number;
  readonly refTime: number;
  readonly interest: Interest;
}

interface Setup {
  readonly port: MessagePort;
  readonly signal: SharedArrayBuffer;
}

const { port, signal } = workerData as Setup;
const wake = new Int32Array(signal);
const writer = new BatchWriter();
const files = new Map<string, { fd: number; cache: DateCache }>();

function run(j: Job): void {
  let file = files.get(j.path);
  if (!file) {
    file = { fd: fs.openSync(j.path, 'r'), cache: newDateCache() };
    files.set(j.path, file);
  }
  const scan = new LogScan(file.fd, j.start, j.end);
  const ctx = { source: j.path, line: 0, refTime: j.refTime, cache: file.cache, interest: j.interest };
  for (let text = scan.next(); text !== null; text = scan.next()) {
    ctx.line = scan.line;
    const ev = parseLine(text, ctx as LineContext);
    if (ev) writer.add(ev, scan.line, scan.ascii);
  }
  const batch = writer.take();
  port.postMessage({ job: j.job, lines: scan.lines, oversized: scan.oversized, batch }, [batch.nums.buffer as ArrayBuffer, batch.lens.buffer as ArrayBuffer, batch.narrow.buffer as ArrayBuffer, batch.wide.buffer as ArrayBuffer]);
}

parentPort?.on('message', (j: Job | 'stop') => {
  if (j === 'stop') {
    for (const f of files.values()) fs.closeSync(f.fd);
    port.close();
    parentPort?.close();
    return;
  }
  try {
    run(j);
  } catch (e) {
    port.postMessage({ job: j.job, error: (e as Error).message });
  }
  Atomics.add(wake, 0, 1);
  Atomics.notify(wake, 0);
});
