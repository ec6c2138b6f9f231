/**
 * The byte prefilter is conservative: every line that gives an event (an injection
 * report included) passes it. Checked on every line of the captures and their annotated
 * copies, the synthetic and field samples, and every line the parser tests feed the
 * parser (hostile, property, formats, field: recorded through a wrapped parseLine, and
 * their own assertions still run).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FIELD_SAMPLES } from '../../test/samples/field.samples.js';
import { SYNTHETIC_SAMPLES } from '../../test/samples/synthetic.samples.js';
import { REF_TIME } from '../../test/support/samples.js';
import { candidateLines } from './prefilter.js';

/** Lines the other parser tests gave the parser, and whether each gave an event. */
const seen = vi.hoisted(() => ({ lines: [] as Array<{ line: string; event: boolean }> }));

vi.mock('./index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('./index.js')>();
  const parseLine = ((line: string, ctx: Parameters<typeof real.parseLine>[1]) => {
    const ev: { kind: string } | null = real.parseLine(line, ctx);
    // The replay never asks for the logger's lost-message reports (logLoss), so they need not pass.
    seen.lines.push({ line, event: ev !== null && ev.kind !== 'log_dropped' });
    return ev;
  }) as typeof real.parseLine;
  return { ...real, parseLine };
});

const { parseLine } = await import('./index.js');

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** True when the prefilter keeps `line` (as the only line of a buffer, with and without its newline). */
function kept(line: string): boolean {
  const out: number[] = [];
  for (const text of [line, `${line}\n`, `${line}\r\n`]) {
    candidateLines(Buffer.from(text, 'utf8'), out);
    if (out.length !== 1 || out[0] !== 0) return false;
  }
  return true;
}

function gives(line: string): boolean {
  return parseLine(line, { source: 't', line: 1, refTime: REF_TIME, interest: 'all' }) !== null;
}

function linesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...linesUnder(p));
    else out.push(...readFileSync(p, 'utf8').split(/\r?\n/));
  }
  return out;
}

describe('the prefilter keeps every line that gives an event', () => {
  it('in the captures and their annotated copies (test/fixtures, test/samples)', () => {
    let events = 0;
    for (const dir of ['test/fixtures', 'test/samples']) {
      for (const line of linesUnder(path.join(ROOT, dir))) {
        if (!gives(line)) continue;
        events++;
        expect(kept(line), line).toBe(true);
      }
    }
    expect(events).toBeGreaterThan(500);
  });

  it('in the synthetic and field samples', () => {
    const lines = [...SYNTHETIC_SAMPLES.map((s) => s.line), ...FIELD_SAMPLES.map((s) => s.line)];
    const events = lines.filter(gives);
    expect(events.length).toBeGreaterThan(40);
    for (const line of events) expect(kept(line), line).toBe(true);
  });

  it('keeps lines of the JSON formatter and lines with colour codes whatever they hold', () => {
    expect(kept('{"logmsg":{"message":"anything"}}')).toBe(true);
    expect(kept('[Nov 24 18:05:31] \x1b[1;33mNOTICE\x1b[0m[1] x: y')).toBe(true);
  });

  it('drops ordinary traffic and finds each kept line once among many', () => {
    const ordinary = '[Nov 23 06:00:00] VERBOSE[56605] res_pjsip/pjsip_configuration.c: Endpoint 100 is now Reachable';
    const event = "[Nov 24 18:06:56] NOTICE[16613] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '<sip:999@127.0.0.1>' failed for '127.0.0.1:5061' (callid: 1-17104@127.0.0.1) - No matching endpoint found";
    const text = `${ordinary}\n${event}\n${ordinary}\n${event}\n`;
    const out: number[] = [];
    candidateLines(Buffer.from(text), out);
    expect(out).toEqual([ordinary.length + 1, 2 * ordinary.length + event.length + 3]);
    expect(kept(ordinary)).toBe(false);
  });
});

describe('every line the parser tests parse', async () => {
  await import('./hostile.test.js');
  await import('./property.test.js');
  await import('./formats.test.js');
  await import('./field.test.js');
  afterAll(() => {
    // A string holding a newline is no line of a file (a reader splits it there).
    const events = seen.lines.filter((l) => l.event && !l.line.includes('\n'));
    // The property tests alone feed thousands of attacker-shaped lines.
    expect(events.length).toBeGreaterThan(1000);
    const missed = events.filter((l) => !kept(l.line)).map((l) => JSON.stringify(l.line));
    expect(missed).toEqual([]);
  });
});
