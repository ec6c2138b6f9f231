/**
 * Master.csv, cdr_csv's file of finished calls: one row per call, written when it ends,
 * in the columns cdr_csv has always used —
 *
 *   accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata,
 *   start, answer, end, duration, billsec, disposition, amaflags[, uniqueid][, userfield]
 *
 * (`uniqueid` with cdr.conf `loguniqueid = yes`, `userfield` with `loguserfield = yes`).
 * Text fields are quoted with `"` doubled inside; numbers and an empty answer time are
 * bare. Times are local time unless cdr.conf's `[csv] usegmtime = yes`: read them under
 * the PBX's zone (`TZ=UTC sipwarden check Master.csv` for usegmtime). Pure.
 */
import { EVIDENCE_MAX, type CdrRecord } from '../domain/events.js';
import { cdrTime, channelAccount, type CallContext } from './calls.js';

/** Splits one CSV line into fields; null if a quoted field is not closed. */
export function splitCsv(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (line.charCodeAt(i) === 34 /* " */) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) return null;
        value += line.slice(j, q);
        if (line.charCodeAt(q + 1) === 34) {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      out.push(value);
    } else {
      let comma = line.indexOf(',', i);
      if (comma < 0) comma = n;
      out.push(line.slice(i, comma));
      i = comma;
    }
    if (i >= n) return out;
    if (line.charCodeAt(i) !== 44 /* , */) return null;
    i++;
  }
}

const UNIQUEID = /^(?:[\w.-]+-)?\d{9,11}\.\d+$/;
const WHOLE = /^\d{1,9}$/;

/**
 * Parses one Master.csv line (without its newline). Null for a line that is not a CDR
 * row (too few columns, a start or end time that is not `YYYY-MM-DD HH:MM:SS`).
 * `ctx.refTime` is unused by the dates (they carry their year) but kept for the shape.
 */
export function parseCdrLine(line: string, ctx: CallContext): CdrRecord | null {
  const f = line.endsWith('\r') ? splitCsv(line.slice(0, -1)) : splitCsv(line);
  if (!f || f.length < 16) return null;
  const [, , dst, dcontext, , channel, dstchannel, lastapp, lastdata, start, answer, end, duration, billsec, disposition] = f as [
    string, string, string, string, string, string, string, string, string, string, string, string, string, string, string,
  ];
  const startAt = cdrTime(start, ctx.refTime);
  const endAt = cdrTime(end, ctx.refTime);
  if (Number.isNaN(startAt) || Number.isNaN(endAt) || !WHOLE.test(duration) || !WHOLE.test(billsec)) return null;
  const answerAt = answer ? cdrTime(answer, ctx.refTime) : null;
  const uid = f[16] ?? '';
  return {
    kind: 'cdr', at: endAt,
    evidence: { source: ctx.source, line: ctx.line, text: line.length > EVIDENCE_MAX ? line.slice(0, EVIDENCE_MAX) : line },
    channel, account: channel ? channelAccount(channel) : null, destChannel: dstchannel, destAccount: dstchannel ? channelAccount(dstchannel) : null,
    destination: dst, context: dcontext, lastApp: lastapp, lastData: lastdata,
    start: startAt, answer: answerAt === null || Number.isNaN(answerAt) ? null : answerAt, end: endAt,
    duration: Number(duration), billsec: Number(billsec), disposition, uniqueid: UNIQUEID.test(uid) ? uid : null,
  };
}
