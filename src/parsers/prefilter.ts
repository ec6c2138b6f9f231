/**
 * A byte prefilter for log lines: finds, in a Buffer of whole lines, the few lines that
 * can give an event, before any line is decoded or framed. On a busy PBX's `full` log
 * most lines are ordinary traffic; the offline replay (`sipwarden check`) decodes and
 * parses only the lines this keeps.
 *
 * Conservative by construction: {@link parseLine} (without `logLoss`) gives an event
 * only for a line that holds one of {@link MARKERS} as plain bytes, or that starts with
 * `{` (the JSON formatter: its fields may be escaped), or that holds an ESC (colour codes
 * may sit inside a marker and are stripped before framing). Each marker is a fixed part
 * of what a message pattern requires (messages.ts, pjsip.ts, security.ts); the markers
 * are ASCII and UTF-8 decoding keeps ASCII bytes as they are, so a marker in the decoded
 * line is a marker in its bytes. The interest (`failures`, `auth`) is not applied here:
 * the parser applies it, so no line is ever judged by a marker that attacker text in
 * the same line could have written.
 */

/**
 * Byte strings of which every event line (outside the JSON and ESC cases) holds one:
 * - `SecurityEvent="`: res_security_log.c, whose message starts with it (security.ts);
 * - `'`: every other message pattern quotes a field (PJSIP's `' failed for '`, the
 *   `' rejected because extension not found in context '` calls, chan_sip's
 *   `Registration from '` and `Registered SIP '`, the manager's `as '`, `user '`,
 *   `from '`, `Manager '`, chan_iax2's `peer '` and `Registered IAX2 '`) — except two:
 * - `Host `: chan_iax2's `Host <ip> failed to authenticate as <user>` (user unquoted);
 * - FreePBX's `"Rejecting unknown SIP connection from ` (double quotes).
 * Few markers, so few passes over the bytes; ordinary lines that hold a quote are only
 * decoded and framed, which rejects them at once.
 */
export const MARKERS: readonly string[] = ['SecurityEvent="', "'", 'Host ', '"Rejecting unknown SIP connection from '];

const NEEDLES: ReadonlyArray<Buffer | number> = MARKERS.map((m) => (m.length === 1 ? m.charCodeAt(0) : Buffer.from(m, 'latin1')));
const NL = 10;
const ESC = 27;
const BRACE = 123;
const NL_BRACE = Buffer.from('\n{', 'latin1');

/**
 * Puts into `out` (emptied first) the start offsets, ascending and each once, of the
 * lines of `buf` that may give an event. `buf` holds whole lines: it starts a line and
 * ends just past a newline (or at the end of the data). Each marker is looked for once
 * per line at most, so many markers in one line cost no more than one.
 */
export function candidateLines(buf: Buffer, out: number[]): void {
  out.length = 0;
  for (const needle of NEEDLES) findLines(buf, needle, out);
  findLines(buf, ESC, out);
  if (buf[0] === BRACE) out.push(0);
  for (let i = buf.indexOf(NL_BRACE); i >= 0; i = buf.indexOf(NL_BRACE, i + 1)) out.push(i + 1);
  if (out.length < 2) return;
  out.sort((a, b) => a - b);
  let m = 1;
  for (let i = 1; i < out.length; i++) if (out[i] !== out[m - 1]) out[m++] = out[i] as number;
  out.length = m;
}

/** The start of each line holding `needle`, once per line. */
function findLines(buf: Buffer, needle: Buffer | number, out: number[]): void {
  for (let i = buf.indexOf(needle); i >= 0;) {
    out.push(i === 0 ? 0 : buf.lastIndexOf(NL, i - 1) + 1);
    const next = buf.indexOf(NL, i);
    if (next < 0) return;
    i = buf.indexOf(needle, next + 1);
  }
}
