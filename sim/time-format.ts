/**
 * Time stamps exactly as Asterisk 20 prints them. All take milliseconds since the
 * epoch and use the process's local time zone, as Asterisk does (the fixtures were
 * captured on a UTC host).
 */

/** `default` is logger.conf's stock `%b %e %T`; `iso` is `dateformat=%F %T`. */
export type LogDateFormat = 'default' | 'iso';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function hms(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/**
 * The text between the brackets that starts every log line: `Nov 24 18:05:31`
 * (`%b %e %T`: the day is padded with a space, `Nov  4`) or `2026-11-24 18:05:31`.
 */
export function logDate(ms: number, format: LogDateFormat): string {
  const d = new Date(ms);
  if (format === 'iso') {
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hms(d)}`;
  }
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${hms(d)}`;
}

/** `%z` of the local zone at that instant: `+0000`, `-0500`, `+0530`. */
function zoneOffset(d: Date): string {
  const minutes = -d.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

/**
 * A security event time value (`EventTV`, `SessionTV`): `2026-11-24T18:05:31.757+0000`,
 * local time with milliseconds and the zone offset.
 */
export function eventTv(ms: number): string {
  const d = new Date(ms);
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${date}T${hms(d)}.${pad(d.getMilliseconds(), 3)}${zoneOffset(d)}`;
}

/** An RFC 1123 `Date:` header value in GMT, as pjsip's registrar adds to a 200 OK. */
export function httpDate(ms: number): string {
  const d = new Date(ms);
  const date = `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  return `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} GMT`;
}
