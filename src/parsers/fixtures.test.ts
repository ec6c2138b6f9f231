/**
 * Every line of the real Asterisk 20 captures parses to exactly the event annotated
 * in its annotated copy (test/samples/asterisk-20/<capture>.samples, the fail2ban way:
 * `# expect: {...}` before the line), and every other line to null. Plus: every
 * signature the parsers can produce has a real sample, or a synthetic one marked with
 * the Asterisk format it follows (test/samples/synthetic.samples.ts), or a field
 * sample (test/samples/field.samples.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIELD_SAMPLES } from '../../test/samples/field.samples.js';
import { SYNTHETIC_SAMPLES } from '../../test/samples/synthetic.samples.js';
import { FIXTURE_DIR, readAnnotated, REF_TIME, type Expected, type FixtureFile } from '../../test/support/samples.js';
import type { SecurityEvent, Signature } from '../domain/events.js';
import { newDateCache, parseAmiFrame, parseLine } from './index.js';

const LOG_FILES = [
  'messages.log', 'full.log', 'security.log',
  'iso-dateformat/messages.log', 'iso-dateformat/full.log', 'iso-dateformat/security.log',
] as const satisfies readonly FixtureFile[];

function readLines(file: string): string[] {
  const text = readFileSync(new URL(file, FIXTURE_DIR), 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function readFrames(): string[] {
  return readFileSync(new URL('ami-events.txt', FIXTURE_DIR), 'utf8').split('\r\n\r\n');
}

/** The event's fields in the shape of an expectation, so a mismatch shows as one readable diff. */
function shape(ev: SecurityEvent | null): Expected | { kind: string } | null {
  if (!ev) return null;
  if (ev.kind === 'injection_suspected') return { kind: ev.kind };
  return {
    kind: ev.kind,
    ...(ev.kind === 'auth_failed' ? { reason: ev.reason } : {}),
    signature: ev.signature,
    service: ev.service,
    ip: ev.ip,
    port: ev.port,
    account: ev.account,
    session: ev.session,
    at: new Date(ev.at).toISOString(),
    ...(ev.kind === 'auth_failed' && ev.reason === 'no_extension' ? { extension: ev.extension } : {}),
  };
}

/** JSON with the keys sorted: an expectation matches whatever order its file writes the fields in. */
function canonical(v: object | null): string {
  return JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));
}

/** Parses a whole fixture file as a reader would: one date cache per file. */
function parseFile(file: FixtureFile): Array<SecurityEvent | null> {
  if (file === 'ami-events.txt') {
    return readFrames().map((frame, i) => parseAmiFrame(frame, { source: file, line: i + 1, refTime: REF_TIME }));
  }
  const cache = newDateCache();
  return readLines(file).map((line, i) => parseLine(line, { source: file, line: i + 1, refTime: REF_TIME, cache }));
}

const realSignatures = new Set<Signature>();

describe.each([...LOG_FILES, 'ami-events.txt'] as const)('fixture %s', (file) => {
  const events = parseFile(file);
  const samples = readAnnotated(file);
  const expected = samples.expected;
  const raw = file === 'ami-events.txt' ? readFrames() : readLines(file);

  it('has an annotated copy that is the capture, with one expectation at most before each line', () => {
    expect(samples.problems).toEqual([]);
  });

  it('lists only line numbers that exist', () => {
    for (const n of expected.keys()) {
      expect(n, `${file}:${n}`).toBeGreaterThanOrEqual(1);
      expect(n, `${file}:${n}`).toBeLessThanOrEqual(events.length);
    }
  });

  it('gives the annotated event for every annotated line and null for every other line', () => {
    const mismatches: string[] = [];
    events.forEach((ev, i) => {
      const want = expected.get(i + 1) ?? null;
      const got = shape(ev);
      if (canonical(got) !== canonical(want)) {
        mismatches.push(`${file}:${i + 1}\n  line: ${raw[i]!.slice(0, 200)}\n  want: ${JSON.stringify(want)}\n  got:  ${JSON.stringify(got)}`);
      }
      if (ev && ev.kind !== 'injection_suspected') realSignatures.add(ev.signature);
    });
    expect(mismatches, mismatches.join('\n')).toEqual([]);
  });

  it('records no decoys and keeps the raw text as evidence', () => {
    events.forEach((ev, i) => {
      if (!ev) return;
      expect(ev.kind).not.toBe('injection_suspected');
      if (ev.kind === 'injection_suspected') return;
      expect(ev.decoys, `${file}:${i + 1}`).toEqual([]);
      expect(ev.evidence).toEqual({ source: file, line: i + 1, text: raw[i] });
      expect(['127.0.0.1', '127.0.0.2']).toContain(ev.ip);
    });
  });

  it('gives the same results without a shared date cache', () => {
    if (file === 'ami-events.txt') return;
    const lines = readLines(file);
    lines.forEach((line, i) => {
      expect(parseLine(line, { source: file, line: i + 1, refTime: REF_TIME })).toEqual(events[i]);
    });
  });
});

describe('expectations agree with step-breakdown.txt', () => {
  const count = (file: FixtureFile, pred: (e: Expected) => boolean): number =>
    [...readAnnotated(file).expected.values()].filter(pred).length;

  it('messages.log: 77 NOTICE lines about authentication in the main run, 32 in the ISO run', () => {
    // step-breakdown.txt "messages.log NOTICE lines": S02 2, S03 39, S04 8, S06-S08 3, S09 3, S11 1,
    // S12 1, S13 1, S16 8, S18-S21 4, S24 1, S25 1, S26 2, S28 1, S29 2.
    expect(count('messages.log', () => true)).toBe(77);
    expect(count('iso-dateformat/messages.log', () => true)).toBe(32);
  });

  it('security.log: one event per SecurityEvent line, by type', () => {
    const byKind = (file: FixtureFile): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const e of readAnnotated(file).expected.values()) {
        const k = e.kind === 'auth_failed' ? `${e.kind}/${e.reason}` : e.kind;
        out[k] = (out[k] ?? 0) + 1;
      }
      return out;
    };
    // 45 InvalidAccountID, 12 ChallengeResponseFailed + 13 InvalidPassword, 115 ChallengeSent,
    // 7 SuccessfulAuth, 1 FailedACL(no_extension_match).
    expect(byKind('security.log')).toEqual({
      'auth_failed/unknown_account': 45, 'auth_failed/wrong_password': 25,
      challenge_sent: 115, auth_succeeded: 7, 'auth_failed/no_extension': 1,
    });
    expect(byKind('iso-dateformat/security.log')).toEqual({
      'auth_failed/unknown_account': 4, 'auth_failed/wrong_password': 21,
      challenge_sent: 19, auth_succeeded: 5, 'auth_failed/no_extension': 1,
    });
  });

  it('ami-events.txt: every security event frame, no PeerStatus or other frames', () => {
    // 280 frames (the last is the empty tail): banner, FullyBooted, 28 PeerStatus, 6 DeviceStateChange.
    expect(readFrames()).toHaveLength(280);
    expect(count('ami-events.txt', () => true)).toBe(280 - 1 - 1 - 28 - 6 - 1);
  });
});

describe('synthetic samples (formats the capture did not produce)', () => {
  it.each(SYNTHETIC_SAMPLES.map((s) => [s.follows, s] as const))('%s', (_name, sample) => {
    expect(sample.synthetic).toBe(true);
    expect(sample.follows.length).toBeGreaterThan(20);
    const ev = parseLine(sample.line, { source: 'synthetic', line: 1, refTime: REF_TIME });
    expect(ev).toMatchObject(sample.expected);
  });
});

describe('every signature has a sample', () => {
  /** Compile-time complete: adding a Signature without listing it here fails the type check. */
  const ALL: Record<Exclude<Signature, 'http-login-failed'>, true> = {
    'security-log': true, 'ami-event': true,
    'pjsip-request-failed': true, 'pjsip-call-rejected': true,
    'chansip-registration-failed': true, 'chansip-call-rejected': true, 'chansip-registered': true,
    'chansip-hacking-attempt': true,
    'manager-auth-failed': true, 'manager-nonexistent-user': true, 'manager-acl-failed': true,
    'manager-connect-unauthenticated': true, 'manager-logged-on': true,
    'iax2-auth-failed': true, 'iax2-no-registration': true, 'iax2-registered': true,
    'freepbx-unknown-sip': true,
  };

  it('real fixture sample, or a synthetic or field sample that names the format it follows', () => {
    const real = new Set<Signature>();
    for (const file of [...LOG_FILES, 'ami-events.txt'] as const) {
      for (const ev of parseFile(file)) if (ev && ev.kind !== 'injection_suspected') real.add(ev.signature);
    }
    const synthetic = new Set<Signature>([
      ...SYNTHETIC_SAMPLES.map((s) => s.expected.signature),
      ...FIELD_SAMPLES.flatMap((s) => (s.expected ? [s.expected.signature] : [])),
    ]);
    const missing = (Object.keys(ALL) as Signature[]).filter((s) => !real.has(s) && !synthetic.has(s));
    expect(missing).toEqual([]);
    // No Asterisk 20 capture has these yet (the manager ACL form: the rig's AMI user had no ACL;
    // the other two are not Asterisk's own lines); if a capture adds one, this list shrinks.
    expect((Object.keys(ALL) as Signature[]).filter((s) => !real.has(s))).toEqual(['chansip-hacking-attempt', 'manager-acl-failed', 'freepbx-unknown-sip']);
    void realSignatures;
  });
});
