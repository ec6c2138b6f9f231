/**
 * The two messages that are not one alert: the digest of what a flood held back (how
 * many, of which kinds, the first few in full) and the test alert a person asks for
 * from the settings page.
 */
import { KIND_TITLES, isAlertKind } from './kinds.js';
import type { Digest } from './limiter.js';
import { linkFor, plain, type AlertMessage } from './message.js';

/** One message for the alerts held during a window. */
export function digestMessage(d: Digest, host: string, dashboard: string | null): AlertMessage {
  const minutes = Math.max(1, Math.round((d.to - d.from) / 60_000));
  const kinds = Object.entries(d.byKind).sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `  ${n} × ${isAlertKind(k) ? KIND_TITLES[k] : k}`);
  const first = d.first.map((m) => `  ${m.at}  ${m.title}\n    ${m.text.split('\n')[0]}`);
  const text = [
    `${d.count} more alert${d.count === 1 ? '' : 's'} in about ${minutes} minute${minutes === 1 ? '' : 's'}, held back so that a flood sends one message:`,
    ...kinds, '',
    `The first ${first.length}:`, ...first,
    ...(d.count > first.length ? [`  … and ${d.count - first.length} more: see the dashboard.`] : []),
  ].join('\n');
  return {
    kind: 'digest', host, at: new Date(d.to).toISOString(), title: `Digest: ${d.count} more alert${d.count === 1 ? '' : 's'}`,
    text, link: linkFor(dashboard, '-'), fields: { count: d.count, byKind: d.byKind, from: new Date(d.from).toISOString() },
  };
}

/** The test alert: proves a channel reaches a person; `actor` is who asked (a dashboard user name). */
export function testMessage(host: string, at: number, dashboard: string | null, actor: string): AlertMessage {
  return {
    kind: 'test', host, at: new Date(at).toISOString(), title: 'Test alert',
    text: `A test alert, sent from the settings page by ${plain(actor, 64)}. If you read this, sipwarden's alerts reach you here.`,
    link: linkFor(dashboard, '-'), fields: { account: '', ip: '-', service: 'sipwarden', message: 'test alert' },
  };
}
