/**
 * Alerts to a person: the daemon's parts (pipeline, persistence, the composition root)
 * take the one notifier from here; it lives in src/alerts/ (channels, de-duplication,
 * digests).
 */
export { Notifier, type NotifyAlert, type OwnAlert } from '../alerts/index.js';
