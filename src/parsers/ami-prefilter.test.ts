/**
 * parseAmiFrame's event-name prefilter changes speed, never results: every frame of both
 * captured AMI streams (asterisk-20 and asterisk-20-calls), and frames whose first line
 * fast-check varies (other names, empty names, trailing spaces, a second Event line),
 * parse to the same event as when the prefilter cannot apply (the frame not starting
 * with `Event:`, so it is parsed whole) — except the ChallengeSent (and, for
 * `failures`, SuccessfulAuth) frames the caller's interest leaves out.
 */
import fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../domain/events.js';
import { parseAmiFrame, type Interest } from './index.js';

const frames = ['asterisk-20', 'asterisk-20-calls'].flatMap((d) =>
  fs.readFileSync(new URL(`../../test/fixtures/${d}/ami-events.txt`, import.meta.url), 'latin1').split('\r\n\r\n').filter((f) => f.startsWith('Event: ')));

const ctx = (interest: Interest) => ({ source: 'ami', line: 1, refTime: Date.UTC(2026, 10, 24), interest });
/** The event without its evidence (whose text is the frame itself). */
const bare = (e: SecurityEvent | null) => (e === null ? null : { ...e, evidence: null });
/** The full parse: the same frame behind a header line, so the prefilter cannot read its name. */
const whole = (f: string, interest: Interest) => bare(parseAmiFrame(`ActionID: x\r\n${f}`, ctx(interest)));
const skipped = (f: string, interest: Interest) => interest !== 'all' && (f.startsWith('Event: ChallengeSent\r\n') || (interest === 'failures' && f.startsWith('Event: SuccessfulAuth\r\n')));

describe('parseAmiFrame prefilter', () => {
  it('gives every captured frame the full parse\'s event (interest all), and skips only what the interest leaves out', () => {
    let security = 0;
    for (const f of frames) {
      const full = whole(f, 'all');
      expect(bare(parseAmiFrame(f, ctx('all')))).toEqual(full);
      if (full) security++;
      for (const interest of ['auth', 'failures'] as const) {
        expect(bare(parseAmiFrame(f, ctx(interest)))).toEqual(skipped(f, interest) ? null : whole(f, interest));
      }
    }
    expect(security).toBeGreaterThan(250);
  });

  it('agrees with the full parse whatever the first line names', () => {
    const security = frames.filter((f) => whole(f, 'all') !== null);
    const name = fc.oneof(
      fc.constantFrom('VarSet', 'InvalidPassword', 'ChallengeResponseFailed', 'SuccessfulAuth', '', ' ', 'InvalidPassword ', 'invalidpassword', 'InvalidAccountID\tx'),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(fc.property(fc.constantFrom(...security), name, fc.boolean(), (f, n, second) => {
      const body = f.slice(f.indexOf('\r\n'));
      const frame = `Event: ${n}${second ? `\r\nEvent: ${f.slice(7, f.indexOf('\r\n'))}` : ''}${body}`;
      expect(bare(parseAmiFrame(frame, ctx('all')))).toEqual(whole(frame, 'all'));
    }), { numRuns: 2000 });
  });
});
