/**
 * Over-long log lines: an attacker pads a Call-ID (or a From, a digest) past the
 * reader's limit (128 KiB). The attempt must still count — and cutting the line must never
 * let attacker text take the place of the real address. Lines here are built as
 * Asterisk writes them and split exactly as the follower splits them.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../domain/events.js';
import { parseLine } from '../parsers/index.js';
import { DEFAULT_MAX_LINE } from '../sources/line-reader.js';
import { LongLineBuilder, type LongLine } from '../sources/long-line.js';
import { CUT, cutText, OVERSIZE_PER_MINUTE, OversizeLines } from './oversize.js';

const REF_TIME = Date.UTC(2026, 10, 25);
const REAL = '203.0.113.66';
const VICTIM = '198.51.100.7';
const HALF = Math.floor(DEFAULT_MAX_LINE / 2);
/** Padding that makes a line over-long by itself, and padding of more than half the limit. */
const OVER = DEFAULT_MAX_LINE + 6_000;
const MORE_THAN_HALF = HALF + 8_000;

const parse = (text: string): SecurityEvent | null => parseLine(text, { source: 'messages', line: 7, refTime: REF_TIME, interest: 'auth' });

/** The head, tail and verdict the follower hands on for `text` (one line, no newline). */
function longLine(text: string): LongLine {
  const b = new LongLineBuilder(HALF, HALF);
  b.push(Buffer.from(text, 'utf8'));
  return b.finish();
}

/** The parts of a report that decide who is counted. */
function verdict(ev: SecurityEvent | null) {
  if (!ev) return null;
  if (ev.kind === 'injection_suspected') return { kind: ev.kind, at: ev.at, service: ev.service, candidates: [...ev.candidates].sort() };
  return { kind: ev.kind, at: ev.at, service: ev.service, ip: ev.ip, port: ev.port, reason: ev.kind === 'auth_failed' ? ev.reason : null };
}

const pad = (n: number, c = 'A') => c.repeat(n);

function pjsip(from: string, callid: string, addr = `${REAL}:5091`): string {
  return `[Nov 24 18:05:31] NOTICE[16613] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '${from}' failed for '${addr}' (callid: ${callid}) - Failed to authenticate`;
}

function sec(o: { type?: string; account?: string; session?: string; tail?: string; service?: string }): string {
  return `[Nov 24 18:05:31] SECURITY[16648] res_security_log.c: SecurityEvent="${o.type ?? 'InvalidPassword'}",EventTV="2026-11-24T18:05:31.765+0000",Severity="Error",Service="${o.service ?? 'PJSIP'}",EventVersion="1",AccountID="${o.account ?? '100'}",SessionID="${o.session ?? '2878244319'}",LocalAddress="IPV4/UDP/192.0.2.2/5060",RemoteAddress="IPV4/UDP/${REAL}/5091"${o.tail ?? ''}`;
}

const chansip = (to: string) => `[Nov 24 18:08:20] NOTICE[16641] chan_sip.c: Registration from '${to}' failed for '${REAL}:5094' - Wrong password`;

function handler() {
  let now = REF_TIME;
  const written: string[] = [];
  const handled: SecurityEvent[] = [];
  const warned: unknown[] = [];
  const o = new OversizeLines({
    faillog: { write: (l) => written.push(l) },
    log: { info: () => undefined, warn: (obj) => warned.push(obj), error: () => undefined },
    now: () => now,
    handle: (ev) => handled.push(ev),
  });
  return { o, written, handled, warned, advance: (ms: number) => { now += ms; } };
}

describe('an attempt padded past the line limit still counts, for its real address', () => {
  it.each([
    ['a PJSIP NOTICE with a Call-ID over the limit', pjsip('"100" <sip:100@192.0.2.2>', `${pad(OVER)}@192.0.2.9`)],
    ['a security event with a SessionID over the limit', sec({ session: pad(OVER) })],
    ['a security event with an AccountID over the limit', sec({ account: pad(OVER, 'z') })],
    ['a chan_sip NOTICE whose over-long To starts with a forged slot', chansip(`'${VICTIM}:5060' - Wrong password ${pad(OVER)}`)],
  ])('%s', (_name, text) => {
    expect(Buffer.byteLength(text)).toBeGreaterThan(DEFAULT_MAX_LINE);
    const line = longLine(text);
    expect(line.clean).toBe(true);
    const { o, written, handled } = handler();
    expect(o.handle('messages', 7, line, parse)).toBe('counted');
    const whole = parse(text);
    expect(handled).toHaveLength(1);
    expect(verdict(handled[0]!)).toEqual(verdict(whole));
    expect(verdict(handled[0]!)).toMatchObject({ kind: 'auth_failed', ip: REAL });
    expect(written).toEqual([`2026-11-25T00:00:00.000Z OVERSIZE source="messages":7 bytes=${Buffer.byteLength(text)} action=counted ip=${REAL}`]);
  });

  it('a forged slot at the start of an over-long Call-ID makes the PJSIP NOTICE ambiguous, as it does the whole line: counted for nobody', () => {
    const text = pjsip('"100" <sip:100@192.0.2.2>', `x' failed for '${VICTIM}:5060' (callid: ${pad(OVER)}`);
    const line = longLine(text);
    expect(line.clean).toBe(true);
    const { o, written, handled } = handler();
    expect(o.handle('messages', 7, line, parse)).toBe('read');
    expect(verdict(handled[0]!)).toEqual(verdict(parse(text)));
    expect(verdict(handled[0]!)).toMatchObject({ kind: 'injection_suspected', candidates: [REAL, VICTIM].sort() });
    expect(written[0]).toContain(' action=read');
  });

  it('the NOTICE and the security event of one attempt, each cut at another place, count as one attempt (same session)', () => {
    const callid = pad(OVER, 'q');
    const { o, handled } = handler();
    o.handle('messages', 1, longLine(pjsip('"100" <sip:100@192.0.2.2>', callid)), parse);
    o.handle('security', 1, longLine(sec({ session: callid })), parse);
    const sessions = handled.map((ev) => (ev.kind === 'injection_suspected' ? undefined : ev.session));
    expect(sessions).toEqual([CUT, CUT]);
  });
});

describe('cutting the middle never lets attacker text take the address slot (hostile)', () => {
  it('PJSIP: forged slot in a padded From, real slot cut away with the padded Call-ID: nobody is counted', () => {
    const text = pjsip(`"x" <sip:x@y>' failed for '${VICTIM}:5060' (callid: z${pad(MORE_THAN_HALF)}`, pad(MORE_THAN_HALF));
    // The hazard is real: the naive head + tail names the victim; the whole line is an injection.
    const line = longLine(text);
    expect(verdict(parse(cutText(line)))).toMatchObject({ kind: 'auth_failed', ip: VICTIM });
    expect(verdict(parse(text))).toMatchObject({ kind: 'injection_suspected' });
    expect(line.clean).toBe(false);
    const { o, written, handled } = handler();
    expect(o.handle('messages', 9, line, parse)).toBe('not_counted');
    expect(handled).toEqual([]);
    expect(written).toEqual([`2026-11-25T00:00:00.000Z OVERSIZE source="messages":9 bytes=${Buffer.byteLength(text)} action=not_counted`]);
  });

  it('security log: real pair cut away between a padded SessionID and padded raw RequestParams holding a forged pair: nobody is counted', () => {
    const text = sec({
      type: 'RequestBadFormat', service: 'AMI', session: pad(MORE_THAN_HALF),
      tail: `,RequestType="x",RequestParams="${pad(MORE_THAN_HALF)}",LocalAddress="IPV4/TCP/192.0.2.2/5038",RemoteAddress="IPV4/TCP/${VICTIM}/5038"`,
    });
    const line = longLine(text);
    expect(verdict(parse(cutText(line)))).toMatchObject({ ip: VICTIM });
    expect(verdict(parse(text))).toMatchObject({ kind: 'injection_suspected' });
    expect(line.clean).toBe(false);
    const { o, handled } = handler();
    expect(o.handle('security', 3, line, parse)).toBe('not_counted');
    expect(handled).toEqual([]);
  });

  it('security log: forged pairs in a padded SessionID, real pair cut away before a padded digest: nobody is counted', () => {
    const forged = `",LocalAddress="IPV4/UDP/192.0.2.2/5060",RemoteAddress="IPV4/UDP/${VICTIM}/5060",x="`;
    const text = sec({ session: `${forged}${pad(MORE_THAN_HALF)}`, tail: `,Challenge="1",ReceivedChallenge="1",ReceivedHash="${pad(MORE_THAN_HALF, 'f')}"` });
    const line = longLine(text);
    expect(verdict(parse(cutText(line)))).toMatchObject({ ip: VICTIM });
    expect(verdict(parse(text))).toMatchObject({ ip: REAL });
    expect(line.clean).toBe(false);
    expect(handler().o.handle('security', 3, line, parse)).toBe('not_counted');
  });

  it('an address kept just before the cut whose slot ends in the part cut away is no slot to count by (the margin)', () => {
    // PJSIP: the real address ends exactly where the head ends; its closing `' (callid: ` is cut away.
    const start = pjsip(`"x" <sip:x@y>' failed for '${VICTIM}:5060' (callid: z`, '').split(`' failed for '${REAL}`)[0]!;
    const real = `' failed for '${REAL}:5091`;
    const from = pad(HALF - start.length - real.length);
    const text = pjsip(`"x" <sip:x@y>' failed for '${VICTIM}:5060' (callid: z${from}`, pad(MORE_THAN_HALF));
    expect(text.indexOf(real) + real.length).toBe(HALF);
    const line = longLine(text);
    expect(verdict(parse(cutText(line)))).toMatchObject({ ip: VICTIM });
    expect(verdict(parse(text))).toMatchObject({ kind: 'injection_suspected' });
    expect(line.clean).toBe(false);

    // Security log: the real LocalAddress ends where the head ends, its RemoteAddress is cut away.
    const forged = `",LocalAddress="IPV4/UDP/192.0.2.2/5060",RemoteAddress="IPV4/UDP/${VICTIM}/5060",x="`;
    const probe = sec({ session: forged });
    const local = ',LocalAddress="IPV4/UDP/192.0.2.2/5060';
    const fill = pad(HALF - (probe.lastIndexOf(local) + local.length));
    const text2 = sec({ session: `${forged}${fill}`, tail: `,Challenge="1",ReceivedChallenge="1",ReceivedHash="${pad(MORE_THAN_HALF, 'f')}"` });
    expect(text2.lastIndexOf(local) + local.length).toBe(HALF);
    const line2 = longLine(text2);
    expect(verdict(parse(cutText(line2)))).toMatchObject({ ip: VICTIM });
    expect(verdict(parse(text2))).toMatchObject({ ip: REAL });
    expect(line2.clean).toBe(false);
  });

  /**
   * The proof, against the parser as it is: insert hostile text (forged slots, markers,
   * quotes, addresses, padding of any length) anywhere into real Asterisk lines. Whenever
   * the follower calls the cut clean and head + CUT + tail give a report, it must be
   * exactly the whole line's (it may give none where the whole line gives one: text
   * inserted into Asterisk's own prefix pushes that out of the head — no attacker writes
   * there). Both kinds of cut must occur, and many reports, so the check is not vacuous.
   */
  it('whenever the cut is clean, head and tail give the whole line\'s verdict (fixture lines with hostile text inserted anywhere)', () => {
    const dir = new URL('../../test/fixtures/asterisk-20/', import.meta.url);
    const samples = ['messages.log', 'security.log', 'full.log']
      .flatMap((f) => readFileSync(new URL(f, dir), 'utf8').split('\n'))
      .filter((l) => parse(l) !== null)
      .concat([pjsip('"100" <sip:100@192.0.2.2>', '1'), sec({ type: 'RequestNotAllowed', service: 'AMI', tail: ',RequestType="Originate"' }), chansip('"200" <sip:200@192.0.2.2>')]);
    expect(samples.length).toBeGreaterThan(50);
    const padChar = fc.constantFrom('A', 'a', 'f', '.', ' ', '-', "'");
    const forged = [
      `' failed for '${VICTIM}:5060' (callid: `, `' failed for '${VICTIM}:5060' - Wrong password`, `' (${VICTIM}:5060) to extension '`,
      `",LocalAddress="IPV4/TCP/192.0.2.2/5038",RemoteAddress="IPV4/TCP/${VICTIM}/5038",`,
    ];
    const piece = fc.oneof(
      // a forged slot followed by more than half the limit: it stays in the head, what follows may be cut away
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...forged), fc.integer({ min: HALF, max: HALF + 20_000 })).map(([f, n]) => f + pad(n)) },
      { weight: 4, arbitrary: fc.constantFrom(
        "'", '"', ',', ' ', ')', "' failed for '", "' (callid: ", ') - Failed to authenticate', "' - Wrong password", '",RemoteAddress="', '",SessionID="',
        `",LocalAddress="IPV4/UDP/192.0.2.2/5060",RemoteAddress="IPV4/UDP/${VICTIM}/5060"`, `${VICTIM}:5060`, '[2001:db8::7]:5060', 'IPV6/UDP/2001:db8::8/5060',
        `' (${VICTIM}:5060) to extension '`, "' at ", `Host ${VICTIM} failed`, '\x1b[1;31m',
        // whole forged slots
        `' failed for '${VICTIM}:5060' (callid: `, `' failed for '${VICTIM}:5060' - Wrong password`, `' failed for '${VICTIM}:5060`,
        `",LocalAddress="IPV4/TCP/192.0.2.2/5038",RemoteAddress="IPV4/TCP/${VICTIM}/5038",`,
      ) },
      { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 1, max: 200 }), padChar).map(([n, c]) => pad(n, c)) },
      { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: MORE_THAN_HALF + 10_000 }), padChar).map(([n, c]) => pad(n, c)) },
    );
    const blob = fc.array(piece, { minLength: 1, maxLength: 6 }).map((p) => p.join(''));
    let compared = 0;
    let unclean = 0;
    fc.assert(fc.property(
      fc.constantFrom(...samples), fc.array(fc.tuple(fc.nat(), fc.boolean(), blob), { minLength: 1, maxLength: 3 }),
      fc.tuple(fc.nat(), fc.integer({ min: HALF + 500, max: HALF + 30_000 }), fc.nat(), fc.integer({ min: HALF + 500, max: HALF + 30_000 })), fc.constantFrom('A', 'x', '~', ' '),
      (sample, inserts, [at1, len1, at2, len2], padChar) => {
        let text = sample;
        // Mostly into the message (where attacker text is), sometimes anywhere, even into
        // Asterisk's prefix; then two paddings, which often put the real slot in the middle.
        for (const [at, anywhere, b] of [...inserts, [at1, false, pad(len1, padChar)], [at2, false, pad(len2, padChar)]] as const) {
          const from = anywhere ? 0 : text.indexOf('.c: ') + 4;
          const i = from + (at % (text.length - from + 1));
          text = text.slice(0, i) + b + text.slice(i);
        }
        const line = longLine(text);
        if (!line.clean) {
          unclean++;
          return;
        }
        const cut = verdict(parse(cutText(line)));
        if (cut === null) return;
        compared++;
        // Compared by hand: fast-check would print the 66 KB counterexample.
        const whole = verdict(parse(text));
        if (JSON.stringify(cut) !== JSON.stringify(whole)) {
          throw new Error(`cut ${JSON.stringify(cut)} != whole ${JSON.stringify(whole)} for ${JSON.stringify(line.head.slice(0, 300))} … ${JSON.stringify(line.tail.slice(-300))}`);
        }
      },
    ), { numRuns: 800, seed: 20261125, endOnFailure: true, verbose: 0 });
    expect(compared).toBeGreaterThan(80);
    expect(unclean).toBeGreaterThan(50);
  });
});

describe('OVERSIZE lines in the failed-auth log', () => {
  it('are at most 10 a minute per source; the next one written says how many were not', () => {
    const { o, written, handled, advance } = handler();
    const line = longLine(pjsip('"100" <sip:100@192.0.2.2>', pad(OVER)));
    for (let i = 1; i <= 25; i++) o.handle('messages', i, line, parse);
    o.handle('security', 1, line, parse);
    expect(handled).toHaveLength(26); // every attempt still counts
    expect(written.filter((l) => l.includes('source="messages"'))).toHaveLength(OVERSIZE_PER_MINUTE);
    expect(written.filter((l) => l.includes('source="security"'))).toHaveLength(1);
    advance(60_000);
    o.handle('messages', 26, line, parse);
    expect(written.at(-1)).toMatch(/ OVERSIZE source="messages":26 bytes=\d+ action=counted ip=203\.0\.113\.66 unlogged=15$/);
  });

  it('say no_report for a long line that is no authentication report', () => {
    const { o, written } = handler();
    expect(o.handle('full', 4, longLine(`[Nov 24 18:05:31] VERBOSE[1] pbx.c: ${pad(OVER)}`), parse)).toBe('no_report');
    expect(written[0]).toContain(' action=no_report');
  });
});
