/**
 * One alert as a person receives it: kind, host, time, a plain-words title and text,
 * and a link to the dashboard page about it. Attacker text (account names, anything
 * an engine message quotes) is data: bounded, its control and direction characters
 * written as `\uXXXX`, never in the subject line (which names only checked addresses),
 * and the mail is text/plain, so nothing in it can run as HTML or steer a terminal.
 */
import { terminalText } from '../domain/strings.js';
import type { Alert } from '../engine/index.js';
import { KIND_TITLES, type AlertKind } from './kinds.js';

/**
 * What the parts of sipwarden hand the notifier: the engine's alerts, and the daemon's
 * own about itself (its store, log files, the AMI, new bans); `ip` is `-` when it is
 * about no address, `account` empty when about no account (attacker text otherwise).
 */
export type NotifyAlert = Alert | OwnAlert;

/** Every kind the engine raises is a kind a person can opt in to. */
const engineKindsListed: [Exclude<Alert['kind'], AlertKind>] extends [never] ? true : false = true;
void engineKindsListed;

/** An alert of the daemon's own (or any other part's). */
export type OwnAlert = {
  readonly kind: AlertKind;
  /** When it happened, ms since the epoch. */
  readonly at: number;
  readonly ip: string;
  readonly account: string;
  readonly service: string;
  /** Plain words: what happened and what to do. */
  readonly message: string;
  readonly [detail: string]: unknown;
};

/** An alert ready to send: the JSON the command and webhook get, and what the mail is made of. */
export interface AlertMessage {
  readonly kind: AlertKind | 'test' | 'digest';
  readonly host: string;
  /** ISO 8601. */
  readonly at: string;
  readonly title: string;
  readonly text: string;
  /** The dashboard page about it; null when no dashboard address is known. */
  readonly link: string | null;
  /** The alert's own fields (address, account, service, message, details), for programs reading the JSON. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** The longest attacker-supplied value kept in an alert (account names are at most a few dozen characters). */
export const MAX_FIELD = 200;

/** `s` safe for a line of plain text: bounded, control and direction characters escaped. */
export function plain(s: string, max = MAX_FIELD): string {
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  return terminalText(cut);
}

/** Where the dashboard shows what the alert is about: the bans page filtered to its address, else the overview. */
export function linkFor(dashboard: string | null, ip: string): string | null {
  if (!dashboard) return null;
  const base = dashboard.endsWith('/') ? dashboard : `${dashboard}/`;
  return ip && ip !== '-' ? `${base}#/bans?q=${encodeURIComponent(ip)}&state=all` : `${base}#/`;
}

/** Builds the message of one alert on `host`, linking to `dashboard` (its base URL). */
export function messageOf(a: NotifyAlert, host: string, dashboard: string | null): AlertMessage {
  const subject = a.ip && a.ip !== '-' ? `: ${a.ip}` : '';
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a)) {
    if (k === 'at' || k === 'kind') continue;
    fields[k] = typeof v === 'string' ? plain(v, k === 'message' ? 2000 : MAX_FIELD) : v;
  }
  const lines = [plain(a.message, 2000)];
  if (a.account) lines.push(`Account: ${plain(a.account)}`);
  if (a.ip && a.ip !== '-') lines.push(`Address: ${a.ip}`);
  if (a.service) lines.push(`Service: ${plain(a.service, 64)}`);
  return {
    kind: a.kind, host, at: new Date(a.at).toISOString(), title: `${KIND_TITLES[a.kind]}${subject}`,
    text: lines.join('\n'), link: linkFor(dashboard, a.ip), fields,
  };
}

/** The JSON body the command and the webhook receive: the alert's fields, then kind, host, time, title, text and link. */
export function jsonOf(m: AlertMessage): string {
  return JSON.stringify({ ...m.fields, kind: m.kind, at: m.at, host: m.host, title: m.title, text: m.text, link: m.link });
}

/** The mail: subject and a text/plain body with host, time, text and link. */
export function mailOf(m: AlertMessage): { subject: string; text: string } {
  const body = [
    m.text, '',
    `Host: ${m.host}`,
    `Time: ${m.at}`,
    ...(m.link ? [`Dashboard: ${m.link}`] : []),
    '', `-- sipwarden on ${m.host} (${m.kind})`,
  ];
  return { subject: `[sipwarden ${plain(m.host, 64)}] ${m.title}`, text: `${body.join('\n')}\n` };
}
