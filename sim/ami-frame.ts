/**
 * AMI framing for the simulator: splitting a client's byte stream into action frames
 * (bounded), reading headers, and rendering responses exactly as manager.c does
 * (`Response:`, then `ActionID:` when the action had one, then the rest; CRLF; a
 * blank line ends the frame). Pure.
 */

/** One action from the client: its header lines in order (keys as sent). */
export type AmiAction = ReadonlyArray<readonly [string, string]>;

/** The first value of a header, matched case-insensitively as manager.c does; '' when absent. */
export function amiHeader(action: AmiAction, key: string): string {
  const lower = key.toLowerCase();
  for (const [k, v] of action) if (k.toLowerCase() === lower) return v;
  return '';
}

/** Parses one frame's text (without the blank line). Lines without `:` are skipped. */
export function parseAmiAction(text: string): AmiAction {
  const out: Array<readonly [string, string]> = [];
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    out.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    if (out.length >= 128) break;
  }
  return out;
}

/**
 * Accumulates a client's bytes and yields whole frames. Invariant: the buffer never
 * holds more than `maxBytes`; `push` returns null when a client exceeds it.
 */
export class AmiFramer {
  private buffer = '';

  constructor(private readonly maxBytes: number) {}

  /** Adds data; returns the completed frames' texts, or null when the limit was exceeded. */
  push(chunk: string): string[] | null {
    this.buffer += chunk;
    const frames: string[] = [];
    for (let guard = 0; guard < 1000; guard++) {
      const m = /\r?\n\r?\n/.exec(this.buffer);
      if (!m) break;
      const frame = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      if (frame.trim().length > 0) frames.push(frame);
    }
    if (this.buffer.length > this.maxBytes) return null;
    return frames;
  }
}

/** A response frame: `Response: <r>`, the ActionID if any, then the fields. */
export function amiResponse(
  response: string,
  actionId: string,
  fields: ReadonlyArray<readonly [string, string]>,
): string {
  let out = `Response: ${response}\r\n`;
  if (actionId !== '') out += `ActionID: ${actionId}\r\n`;
  for (const [k, v] of fields) out += `${k}: ${v}\r\n`;
  return `${out}\r\n`;
}

/** The event frame manager.c sends right after a login: `Event: FullyBooted`. */
export function fullyBootedFrame(uptimeSec: number): string {
  const s = String(Math.max(0, Math.floor(uptimeSec)));
  return `Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: ${s}\r\nLastReload: ${s}\r\nStatus: Fully Booted\r\n\r\n`;
}
