/**
 * The `alerts:` section: where alerts go (a program, a webhook, e-mail through SMTP),
 * which kinds a person wants, and how a flood is held back (one alert per kind and
 * subject per `quiet`, at most `digest_after` per `digest_window`, the rest in one
 * digest). A config of older versions (`command` and `webhook` only) stays valid: every
 * other key has a default. Normalised to exactly what the notifier consumes (src/alerts/).
 */
import { ALERT_KINDS, type AlertKind } from '../alerts/kinds.js';
import { formatDuration } from '../domain/index.js';
import { DEFAULTS } from './defaults.js';
import { distinct, list, mapping, section } from './shapes.js';
import { duration, expected, leaf, oneOf, port, text, wholeNumber, type Checked } from './values.js';

/** How the SMTP connection is protected: STARTTLS required, TLS from the first byte (465), or none required. */
export const SMTP_SECURITY = ['starttls', 'tls', 'none'] as const;

/** E-mail through an SMTP server (nodemailer). */
export interface EmailConfig {
  readonly host: string;
  readonly port: number;
  readonly security: (typeof SMTP_SECURITY)[number];
  /** Login (AUTH PLAIN/LOGIN); null: none. */
  readonly user: string | null;
  /** The password itself, or the file holding it (read at each send); at most one is set. */
  readonly password: string | null;
  readonly passwordFile: string | null;
  readonly from: string;
  readonly to: readonly string[];
  /** A PEM file of the CA(s) the server's certificate must chain to; null: the system's CAs. */
  readonly ca: string | null;
}

/** The normalised section. */
export interface AlertsConfig {
  /** A program run for each alert, the alert as JSON on its stdin; null: none. */
  readonly command: string | null;
  /** A URL the alert is POSTed to as JSON; null: none. */
  readonly webhook: string | null;
  readonly email: EmailConfig | null;
  /** The kinds sent (the others are only logged). */
  readonly kinds: readonly AlertKind[];
  /** The same kind about the same subject again within this time (ms) is not sent again. */
  readonly quiet: number;
  /** More than this many alerts within `digestWindow` (ms): the rest wait for one digest at the window's end. */
  readonly digestAfter: number;
  readonly digestWindow: number;
  /** A followed log that has not grown for this long (ms) is said to be stale; null: never. */
  readonly staleLog: number | null;
}

const D = DEFAULTS.alerts;

/** An e-mail address: local@domain, no spaces, brackets or commas (one address, no display name). */
export const EMAIL_ADDRESS = /^[^\s@<>",;:()[\]\\]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

const address = leaf((raw): Checked<string> =>
  typeof raw === 'string' && EMAIL_ADDRESS.test(raw.trim()) ? { value: raw.trim() } : expected('an e-mail address like pbx@example.net', raw));

const kinds = leaf((raw): Checked<AlertKind[]> => {
  if (raw === 'all') return { value: [...ALERT_KINDS] };
  if (!Array.isArray(raw)) return expected('all, or a list of alert kinds like [permanent_ban, extension_compromised]', raw);
  const bad = raw.find((k) => typeof k !== 'string' || !(ALERT_KINDS as readonly string[]).includes(k));
  if (bad !== undefined) return expected(`alert kinds, each one of ${ALERT_KINDS.join(', ')}`, bad);
  return { value: distinct(raw as AlertKind[]) };
});

const email = mapping('e-mail settings with host, from and to, or null for no e-mail', {
  host: text('the SMTP server\'s host name or address'),
  port: port.optional(),
  security: oneOf(SMTP_SECURITY).prefault('starttls'),
  user: text('the SMTP login name').nullable().prefault(null),
  password: text('the SMTP password').nullable().prefault(null),
  password_file: text('a file path holding the SMTP password').nullable().prefault(null),
  from: address,
  to: list('e-mail addresses', address),
  ca: text('a PEM file path (the CA of the SMTP server\'s certificate)').nullable().prefault(null),
}).transform((e, ctx): EmailConfig => {
  const issue = (path: string, message: string) => ctx.issues.push({ code: 'custom', path: [path], input: e, message });
  if (e.to.length === 0) issue('to', 'expected at least one e-mail address to send alerts to, got an empty list');
  if (e.password !== null && e.password_file !== null) issue('password_file', 'password and password_file are both set: give the password in one place');
  if ((e.password !== null || e.password_file !== null) && e.user === null) issue('user', 'a password is set but no user: set user (the SMTP login name)');
  if (e.ca !== null && e.security === 'none') issue('ca', 'ca is set but security is none: use starttls or tls, or remove ca');
  return {
    host: e.host, port: e.port ?? (e.security === 'tls' ? 465 : 587), security: e.security, user: e.user,
    password: e.password, passwordFile: e.password_file, from: e.from, to: distinct(e.to), ca: e.ca,
  };
});

/** The `alerts:` section's schema. */
export const alertsSection = section('alerts', {
  command: text('a program path and arguments').nullable().prefault(D.command),
  webhook: text('an http:// or https:// URL').nullable().prefault(D.webhook).refine(
    (u) => u === null || /^https?:\/\/\S+$/.test(u), { message: 'expected an http:// or https:// URL' }),
  email: email.nullable().prefault(null),
  kinds: kinds.prefault(D.kinds),
  quiet: duration.prefault(D.quiet),
  digest_after: wholeNumber('a whole number of alerts', 1, 1000).prefault(D.digest_after),
  digest_window: duration.prefault(D.digest_window),
  stale_log: duration.nullable().prefault(D.stale_log),
}).transform((a): AlertsConfig => ({
  command: a.command, webhook: a.webhook, email: a.email, kinds: a.kinds, quiet: a.quiet,
  digestAfter: a.digest_after, digestWindow: a.digest_window, staleLog: a.stale_log,
}));

/** The section as the config file writes it (snake_case, durations as text, `all` for every kind): what the dashboard saves. */
export function alertsFileForm(a: AlertsConfig): Record<string, unknown> {
  const e = a.email;
  return {
    command: a.command, webhook: a.webhook,
    email: e && {
      host: e.host, port: e.port, security: e.security, user: e.user,
      ...(e.passwordFile !== null ? { password_file: e.passwordFile } : { password: e.password }),
      from: e.from, to: [...e.to], ca: e.ca,
    },
    kinds: a.kinds.length === ALERT_KINDS.length ? 'all' : [...a.kinds],
    quiet: formatDuration(a.quiet), digest_after: a.digestAfter, digest_window: formatDuration(a.digestWindow),
    stale_log: a.staleLog === null ? null : formatDuration(a.staleLog),
  };
}
