/** The dedicated log of failed authentications (one escaped line per attempt). */
export { formatAlert, formatFailure, formatInjection, formatSubnet, quote, type FailureLine } from './format.js';
export { FailedAuthLog } from './writer.js';
