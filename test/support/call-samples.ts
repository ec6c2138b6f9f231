/**
 * The annotated samples of the call captures (test/samples/asterisk-20-calls/, format in
 * test/samples/README.md): each file is a copy of one capture of
 * test/fixtures/asterisk-20-calls/ with `# expect: {...}` before every record (AMI:
 * frame, CSV: row) that must give an event. `readCallSamples` checks that the copy is
 * the capture (the AMI copy with LF for CRLF) and returns each record with its
 * expectation. Never throws on a bad samples file: says what is wrong in `problems`.
 */
import { readFileSync } from 'node:fs';

export const CALLS_FIXTURE_DIR = new URL('../fixtures/asterisk-20-calls/', import.meta.url);
export const CALLS_SAMPLES_DIR = new URL('../samples/asterisk-20-calls/', import.meta.url);

export type CallCapture = 'ami-events.txt' | 'Master.csv';

export interface CallSamples {
  /** The capture's records as a reader splits them (AMI: on CRLF CRLF, the trailing '' dropped; CSV: lines). */
  readonly records: readonly string[];
  /** The expectation of each record by 1-based number; a record not in it must give nothing. */
  readonly expected: ReadonlyMap<number, Record<string, unknown>>;
  readonly problems: readonly string[];
}

const EXPECT = '# expect: ';

export function readCallSamples(file: CallCapture): CallSamples {
  const ami = file === 'ami-events.txt';
  const name = `${file}.samples`;
  const text = readFileSync(new URL(name, CALLS_SAMPLES_DIR), 'utf8');
  const capture = readFileSync(new URL(file, CALLS_FIXTURE_DIR), 'utf8');
  const problems: string[] = [];
  const sepLf = ami ? '\n\n' : '\n';
  let body = '';
  const notes: Array<{ line: number; json: string; at: number }> = [];
  let waiting: { line: number; json: string } | null = null;
  (text.match(/[^\n]*\n|[^\n]+$/g) ?? []).forEach((piece, i) => {
    if (piece.startsWith(EXPECT)) {
      if (waiting) problems.push(`${name}:${i + 1}: a second expectation for the same sample`);
      waiting = { line: i + 1, json: piece.slice(EXPECT.length).trimEnd() };
    } else if (!piece.startsWith('#')) {
      if (waiting) notes.push({ ...(waiting as { line: number; json: string }), at: body.length });
      waiting = null;
      body += piece;
    }
  });
  if (waiting) problems.push(`${name}: an expectation with no sample after it`);
  if ((ami ? body.replaceAll('\n', '\r\n') : body) !== capture) problems.push(`${name} is not a copy of ${file}`);
  const records = capture.split(ami ? '\r\n\r\n' : '\n');
  if (records[records.length - 1] === '') records.pop();
  const starts = new Map<number, number>();
  let offset = 0;
  for (const [i, r] of body.split(sepLf).entries()) {
    starts.set(offset, i + 1);
    offset += r.length + sepLf.length;
  }
  const expected = new Map<number, Record<string, unknown>>();
  for (const n of notes) {
    const record = starts.get(n.at);
    if (record === undefined) {
      problems.push(`${name}:${n.line}: an expectation that is not right before a record`);
      continue;
    }
    try {
      expected.set(record, JSON.parse(n.json) as Record<string, unknown>);
    } catch (e) {
      problems.push(`${name}:${n.line}: not JSON: ${(e as Error).message}`);
    }
  }
  return { records, expected, problems };
}
