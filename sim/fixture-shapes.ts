/**
 * Test support: the captured Asterisk 20 fixtures (../shared/fixtures/asterisk-20/)
 * cut into traffic steps, and "shapes" of log lines and AMI frames — the text with the
 * values that differ between two runs (milliseconds, thread ids, ports, nonces,
 * digests, session pointers) replaced by placeholders, everything else kept verbatim.
 */
import fs from 'node:fs';

/** The fixture directory. */
export const FIXTURE_DIR = new URL('../test/fixtures/asterisk-20/', import.meta.url);

/** The lines of a fixture file (without the final empty line). */
export function fixtureLines(file: string): string[] {
  const text = fs.readFileSync(new URL(file, FIXTURE_DIR), 'latin1');
  return text.split('\n').filter((l, i, all) => l.length > 0 || i < all.length - 1);
}

/** A traffic step's start and end (ms), from traffic-timeline.txt. */
export function stepWindow(step: string): { start: number; end: number } {
  for (const line of fixtureLines('traffic-timeline.txt')) {
    const m = /^(S\d\d)\s+start=(\S+)\s+end=(\S+)/.exec(line);
    if (m && m[1] === step) return { start: Date.parse(m[2] as string), end: Date.parse(m[3] as string) };
  }
  throw new Error(`no step ${step} in traffic-timeline.txt`);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The time (ms, second resolution) of a `[Nov 24 18:05:31]` line of the 2026 capture (UTC). */
function lineSecond(line: string): number | null {
  const m = /^\[(\w{3}) ([ \d]\d) (\d\d):(\d\d):(\d\d)\]/.exec(line);
  if (!m) return null;
  return Date.UTC(2026, MONTHS.indexOf(m[1] as string), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
}

/** The lines of a log file written during a step (by their second-resolution date). */
export function stepLines(file: 'messages.log' | 'security.log' | 'full.log', step: string): string[] {
  const { start, end } = stepWindow(step);
  const from = Math.floor(start / 1000) * 1000;
  return fixtureLines(file).filter((l) => {
    const t = lineSecond(l);
    return t !== null && t >= from && t <= end;
  });
}

/** One AMI frame as [key, value] pairs in order. */
export type AmiFrame = ReadonlyArray<readonly [string, string]>;

/** Splits raw AMI text (CRLF, blank line between frames) into frames. */
export function splitAmiFrames(raw: string): AmiFrame[] {
  return raw.split('\r\n\r\n').filter((f) => f.includes(': ')).map((f) => f.split('\r\n').map((line) => {
    const i = line.indexOf(': ');
    return i < 0 ? [line, ''] as const : [line.slice(0, i), line.slice(i + 2)] as const;
  }));
}

/** The fixture's AMI event frames whose EventTV falls in the step. */
export function stepAmiFrames(step: string): AmiFrame[] {
  const { start, end } = stepWindow(step);
  const raw = fs.readFileSync(new URL('ami-events.txt', FIXTURE_DIR), 'latin1');
  return splitAmiFrames(raw).filter((f) => {
    const tv = f.find(([k]) => k === 'EventTV')?.[1];
    if (!tv) return false;
    const t = Date.parse(tv.replace(/\+0000$/, 'Z'));
    return t >= start && t <= end;
  });
}

/** A value of a frame, or ''. */
export function frameValue(f: AmiFrame, key: string): string {
  return f.find(([k]) => k === key)?.[1] ?? '';
}

/** Normalises a log line or AMI frame text to its shape. */
export function shape(text: string): string {
  return text
    .replace(/(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.\d{3}([+-]\d{4})/g, '$1.mmm$2')
    .replace(/\b(NOTICE|VERBOSE|SECURITY|WARNING)\[\d+\]/g, '$1[LWP]')
    .replace(/(IPV[46]\/(?:UDP|TCP)\/[^/,"\r\n]+\/)\d+/g, '$1PORT')
    .replace(/failed for '([^']*):\d+'/g, "failed for '$1:PORT'")
    .replace(/Call \((UDP|TCP)(6?):(.*):\d+\)/g, 'Call ($1$2:$3:PORT)')
    .replace(/Challenge([=:] ?)"?\d+\/[0-9a-f]{32}"?/g, (m, sep: string) => `Challenge${sep}${m.includes('"') ? '"NONCE"' : 'NONCE'}`)
    .replace(/Response([=:] ?)("?)[0-9a-f]{32}("?)/g, 'Response$1$2HASH$3')
    .replace(/SessionID([=:] ?)("?)0x[0-9a-f]+/g, 'SessionID$1$2PTR');
}
