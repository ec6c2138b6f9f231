/** Argument parsers for the simulator CLI (main.ts). Pure; errors are one-line messages. */

/** `127.0.0.1:5060` or `[::1]:5060` → host and port; throws a one-line message. */
export function parseHostPort(text: string): { host: string; port: number } {
  const m = /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:[\]]+):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new Error(`expected HOST:PORT or [IPV6]:PORT, got '${text}'`);
  return { host: m[1] as string, port };
}

/** `100:secret,101:secret` → accounts; throws a one-line message. */
export function parsePairs(text: string, what: string): Array<{ name: string; secret: string }> {
  return text.split(',').filter((s) => s.length > 0).map((pair) => {
    const colon = pair.indexOf(':');
    if (colon <= 0) throw new Error(`expected NAME:SECRET in --${what}, got '${pair}'`);
    return { name: pair.slice(0, colon), secret: pair.slice(colon + 1) };
  });
}
