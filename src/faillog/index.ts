/** The dedicated log of failed authentications (one escaped line per attempt). */
export { formatFailure, formatInjection, quote, type FailureLine } from './format.js';
export { FailedAuthLog } from './writer.js';
