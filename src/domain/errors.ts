/**
 * The one catalogue of sipwarden's expected errors. Each code has one meaning and is
 * never reused; the CLI prints `message` as one line and exits with `exitCode`, the
 * API maps `httpStatus`. Unexpected errors (bugs) are not SipwardenErrors.
 */
export const ERROR_CODES = {
  CONFIG_INVALID: { exitCode: 2, httpStatus: 400, summary: 'the configuration file is not valid' },
  CONFIG_UNREADABLE: { exitCode: 2, httpStatus: 500, summary: 'the configuration file cannot be read' },
  CONFIG_UNWRITABLE: { exitCode: 2, httpStatus: 503, summary: 'the configuration file cannot be written' },
  USAGE: { exitCode: 2, httpStatus: 400, summary: 'the command line is not valid' },
  INPUT_UNREADABLE: { exitCode: 2, httpStatus: 400, summary: 'an input file cannot be read' },
  BAD_ADDRESS: { exitCode: 2, httpStatus: 400, summary: 'not an IP address' },
  NEVER_BAN: { exitCode: 3, httpStatus: 409, summary: 'the address is protected from bans' },
  NOT_BANNED: { exitCode: 3, httpStatus: 404, summary: 'the address is not banned' },
  STORE_UNAVAILABLE: { exitCode: 4, httpStatus: 503, summary: 'the sipwarden database cannot be opened' },
  ENFORCER_FAILED: { exitCode: 5, httpStatus: 502, summary: 'the firewall refused a change' },
  // The HTTP layer's own (api/errors.ts raises them; a CLI never sees them).
  INVALID_REQUEST: { exitCode: 2, httpStatus: 400, summary: 'a parameter or field is not valid' },
  AUTH_REQUIRED: { exitCode: 2, httpStatus: 401, summary: 'log in first' },
  LOGIN_FAILED: { exitCode: 2, httpStatus: 401, summary: 'wrong user name or password' },
  CSRF_REJECTED: { exitCode: 2, httpStatus: 403, summary: 'the request lacks this session\'s CSRF token' },
  NOT_FOUND: { exitCode: 2, httpStatus: 404, summary: 'no such resource' },
  UNSUPPORTED_MEDIA_TYPE: { exitCode: 2, httpStatus: 415, summary: 'send JSON (Content-Type: application/json)' },
  PAYLOAD_TOO_LARGE: { exitCode: 2, httpStatus: 413, summary: 'the request body is too large' },
  RATE_LIMITED: { exitCode: 2, httpStatus: 429, summary: 'too many attempts; wait a minute' },
  BUSY: { exitCode: 2, httpStatus: 503, summary: 'too many live streams open' },
  INTERNAL: { exitCode: 1, httpStatus: 500, summary: 'internal error' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An expected failure with a code from the catalogue and a one-line message for a person. */
export class SipwardenError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'SipwardenError';
    this.code = code;
  }
  get exitCode(): number {
    return ERROR_CODES[this.code].exitCode;
  }
}
