/**
 * The annotated samples of the real Asterisk 20 captures (test/samples/asterisk-20/,
 * format in test/samples/README.md): each file is a copy of one capture in
 * test/fixtures/asterisk-20/ with `# expect: {...}` before every line (AMI: frame) that
 * must give an event. `readAnnotated` checks that the copy is the capture byte for byte
 * (the AMI copy with LF for CRLF) and returns the expected event of each record.
 */
import { readFileSync } from 'node:fs';
import type { FailureReason, Signature } from '../../src/domain/events.js';

/** The capture was made on 2026-11-24; logs are read the next day. */
export const REF_TIME = Date.UTC(2026, 10, 25);

/** The captures themselves (never edited). */
export const FIXTURE_DIR = new URL('../fixtures/asterisk-20/', import.meta.url);

/** Their annotated copies: `<capture>.samples`. */
export const SAMPLES_DIR = new URL('../samples/asterisk-20/', import.meta.url);

export type FixtureFile =
  | 'messages.log' | 'full.log' | 'security.log'
  | 'iso-dateformat/messages.log' | 'iso-dateformat/full.log' | 'iso-dateformat/security.log'
  | 'ami-events.txt';

/** The fields of an expected event; `at` as an ISO string for readability. */
export interface Expected {
  readonly kind: 'auth_failed' | 'auth_succeeded' | 'challenge_sent';
  readonly reason?: FailureReason;
  readonly signature: Signature;
  readonly service: string;
  readonly ip: string;
  readonly port: number | null;
  readonly account: string;
  readonly session: string | null;
  readonly at: string;
  readonly extension?: string;
}

/** One capture with its annotations. */
export interface Annotated {
  /** Expected event by 1-based record number (log: line; AMI: frame, split on "\r\n\r\n"); a record not in it must give none. */
  readonly expected: ReadonlyMap<number, Expected>;
  /** What is wrong with the samples file (its line numbers); empty when it is the capture, annotated. */
  readonly problems: readonly string[];
}

const EXPECT = '# expect: ';

/**
 * Reads `<file>.samples`: drops its `#` lines, checks that what is left is the capture
 * (the AMI capture's CRLF written as LF), and maps each `# expect:` to the record whose
 * first line follows it. Never throws on a bad samples file: says what is wrong in `problems`.
 */
export function readAnnotated(file: FixtureFile): Annotated {
  const ami = file === 'ami-events.txt';
  const sep = ami ? '\n\n' : '\n';
  const name = `${file}.samples`;
  const text = readFileSync(new URL(name, SAMPLES_DIR), 'utf8');
  const problems: string[] = [];
  /** Each annotation: its samples line, the JSON, and the offset in `body` of the line after it. */
  const notes: Array<{ line: number; json: string; at: number }> = [];
  /** The samples-file line number of each line of `body`. */
  const bodyLines: number[] = [];
  let body = '';
  let waiting: Array<{ line: number; json: string }> = [];
  (text.match(/[^\n]*\n|[^\n]+$/g) ?? []).forEach((piece, i) => {
    if (piece.startsWith(EXPECT)) waiting.push({ line: i + 1, json: piece.slice(EXPECT.length).trimEnd() });
    else if (!piece.startsWith('#')) {
      if (waiting.length > 1) problems.push(`${name}:${waiting[1]!.line}: a second expectation for the same sample`);
      if (waiting[0]) notes.push({ ...waiting[0], at: body.length });
      waiting = [];
      body += piece;
      bodyLines.push(i + 1);
    }
  });
  if (waiting[0]) problems.push(`${name}:${waiting[0].line}: an expectation with no sample after it`);

  const capture = readFileSync(new URL(file, FIXTURE_DIR), 'utf8');
  if ((ami ? body.replaceAll('\n', '\r\n') : body) !== capture) {
    const lines = capture.split(ami ? '\r\n' : '\n');
    const i = body.split('\n').findIndex((l, k) => l !== lines[k]);
    const at = i < 0 ? `${file} has more lines` : `${name}:${bodyLines[i] ?? 'end'} is not ${file}:${i + 1}`;
    problems.push(`not a copy of the capture (${ami ? 'CRLF written as LF' : 'byte for byte'}): ${at}`);
  }

  const recordAt = new Map<number, number>();
  const records = body.split(sep);
  let offset = 0;
  records.forEach((rec, i) => {
    recordAt.set(offset, i + 1);
    offset += rec.length + sep.length;
  });
  const expected = new Map<number, Expected>();
  for (const n of notes) {
    const record = recordAt.get(n.at);
    if (record === undefined || records[record - 1] === '') {
      problems.push(`${name}:${n.line}: an expectation that is not right before the first line of a ${ami ? 'frame' : 'line'}`);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(n.json);
    } catch (e) {
      problems.push(`${name}:${n.line}: not JSON: ${(e as Error).message}`);
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) problems.push(`${name}:${n.line}: not a JSON object`);
    else expected.set(record, value as Expected);
  }
  return { expected, problems };
}
