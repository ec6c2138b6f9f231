/** The dedicated log of failed authentications (one escaped line per attempt). */
export { formatAlert, formatFailure, formatInjection, formatSubnet, quote, type FailureLine, type GeoFields } from './format.js';
export { FailedAuthLog, trimUncommittedTail, type FailedAuthLogOptions, type FailedAuthLogState, type WriterFaults } from './writer.js';
export { readLogLine, sourceOfLine, type LogLine } from './read.js';

/** The store's meta key holding how far the failed-auth log was complete at the last commit. */
export const FAILLOG_POSITION_KEY = 'failed_auth_log_position';
