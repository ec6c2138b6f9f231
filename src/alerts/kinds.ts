/**
 * The vocabulary of alerts: every kind a person can opt in to, each with the words a
 * person reads (the settings page, the mail's subject line). The config's
 * `alerts.kinds` and the dashboard take their lists from here.
 */

/** Every kind of alert, in the order the settings page lists them. */
export const ALERT_KINDS = [
  'permanent_ban', 'subnet_ban', 'extension_compromised', 'extension_from_external', 'internal_failures',
  'known_address_failures', 'new_country', 'toll_fraud', 'ami_lost', 'ami_back', 'log_missing', 'log_stale',
  'asterisk_dropped_lines', 'store_fault', 'store_recovered', 'unwatched_port',
] as const;

/** One kind of alert. */
export type AlertKind = (typeof ALERT_KINDS)[number];

/** What each kind means, in a few plain words (a title; the alert's text says the rest). */
export const KIND_TITLES: Readonly<Record<AlertKind, string>> = {
  permanent_ban: 'Address banned until released',
  subnet_ban: 'Network banned',
  extension_compromised: 'Extension compromised',
  extension_from_external: 'Extension tried from outside',
  internal_failures: 'Internal phone keeps failing',
  known_address_failures: 'Known address keeps failing',
  new_country: 'Login from a new country',
  toll_fraud: 'Toll fraud stopped',
  ami_lost: 'Asterisk Manager connection lost',
  ami_back: 'Asterisk Manager connection back',
  log_missing: 'Watched log missing',
  log_stale: 'Watched log stale',
  asterisk_dropped_lines: 'Asterisk dropped log lines',
  store_fault: 'Store or log cannot be written',
  store_recovered: 'Store or log works again',
  unwatched_port: 'Failure on an unwatched port',
};

/** Whether `s` names an alert kind. */
export function isAlertKind(s: string): s is AlertKind {
  return (ALERT_KINDS as readonly string[]).includes(s);
}
