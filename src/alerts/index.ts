/**
 * Alerts that reach a person: kinds, messages, channels (program, webhook, SMTP),
 * de-duplication and digests, and the notifier that ties them together.
 */
export { ALERT_KINDS, KIND_TITLES, isAlertKind, type AlertKind } from './kinds.js';
export { messageOf, linkFor, plain, type AlertMessage, type NotifyAlert, type OwnAlert } from './message.js';
export { channelsOf, safeUrl, type Channel } from './channels.js';
export { Limiter, type Digest, type Verdict } from './limiter.js';
export { Notifier, QUEUE_CAP, type ChannelResult, type NotifierHealth, type NotifierOptions, type NotifierSettings } from './notifier.js';
export { dashboardUrl } from './link.js';
export { banAlert } from './bans.js';
export { SourceWatch, type SourceWatchOptions } from './watch.js';
