/**
 * The Asterisk Manager Interface source: {@link AmiClient} connects, logs in, keeps the
 * connection alive and hands each event frame to a callback; `parseAmiFrame` (parsers)
 * turns a frame into a SecurityEvent. The client retries by itself with backoff but
 * supervises nothing else.
 */
export { AmiClient } from './client.js';
export { AmiActionError, type ActionOptions, type AmiActionFailure, type AmiFields, type AmiReply } from './actions.js';
export {
  AMI_CLIENT_DEFAULTS,
  type AmiClientOptions,
  type AmiLog,
  type AmiState,
  type AmiStatus,
  type AmiTimers,
} from './options.js';
export { backoffDelay, DEFAULT_BACKOFF, type Backoff } from './backoff.js';
