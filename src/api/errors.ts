/**
 * The ONE place where errors become HTTP responses. Every error body is
 * `{ code, message, problems? }`: `code` from the one catalogue (ERROR_CODES in
 * domain/errors.ts, with its `httpStatus`), `message` one line in plain
 * words, `problems` (validation only) one entry per bad field. Unexpected errors are
 * logged and answered 500 without details.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, SipwardenError } from '../domain/index.js';
import { formatValidation } from './validation.js';

/** The codes the HTTP layer raises itself; they live in the one catalogue (domain/errors.ts) with the others. */
export type ApiErrorCode = 'INVALID_REQUEST' | 'AUTH_REQUIRED' | 'LOGIN_FAILED' | 'CSRF_REJECTED' | 'NOT_FOUND'
  | 'UNSUPPORTED_MEDIA_TYPE' | 'PAYLOAD_TOO_LARGE' | 'RATE_LIMITED' | 'BUSY' | 'INTERNAL';

/** One bad field: where (`tiers[0].within`, `limit`) and what is wrong. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

/** An expected API failure: a SipwardenError of an HTTP-layer code, with the bad fields of a request. */
export class ApiError extends SipwardenError {
  constructor(code: ApiErrorCode, message?: string, readonly problems?: readonly Problem[]) {
    super(code, message ?? ERROR_CODES[code].summary);
    this.name = 'ApiError';
  }
}

/** An INVALID_REQUEST error listing `problems`; the message names the first and counts the rest. */
export function invalid(problems: readonly Problem[]): ApiError {
  const line = (p: Problem) => (p.path ? `${p.path}: ${p.message}` : p.message);
  const [first, ...rest] = problems;
  const more = rest.length ? ` (and ${rest.length} more)` : '';
  return new ApiError('INVALID_REQUEST', first ? `${line(first)}${more}` : 'invalid request', problems);
}

/** The error body and status for any thrown value. */
export function toResponse(err: unknown): { status: number; body: { code: string; message: string; problems?: readonly Problem[] } } {
  if (err instanceof ApiError) {
    const body = err.problems ? { code: err.code, message: err.message, problems: err.problems } : { code: err.code, message: err.message };
    return { status: ERROR_CODES[err.code].httpStatus, body };
  }
  if (err instanceof SipwardenError) return { status: ERROR_CODES[err.code].httpStatus, body: { code: err.code, message: err.message } };
  const fe = err as Partial<FastifyError>;
  if (Array.isArray(fe.validation)) {
    return toResponse(invalid(formatValidation(fe.validation, fe.validationContext)));
  }
  const known: Record<string, ApiErrorCode> = {
    FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
    FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
    FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_REQUEST',
    FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_REQUEST',
  };
  const code = fe.code !== undefined ? known[fe.code] : undefined;
  if (code) return toResponse(new ApiError(code, code === 'INVALID_REQUEST' ? 'the body is not valid JSON' : undefined));
  if (fe.statusCode === 429) return toResponse(new ApiError('RATE_LIMITED'));
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    if (err instanceof SyntaxError) return toResponse(new ApiError('INVALID_REQUEST', 'the body is not valid JSON'));
    return { status: fe.statusCode, body: { code: 'INVALID_REQUEST', message: oneLine(fe.message ?? 'bad request') } };
  }
  return toResponse(new ApiError('INTERNAL'));
}

/** Fastify error handler: answers with {@link toResponse}; logs only unexpected (5xx) errors. */
export function errorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body } = toResponse(err);
  if (status >= 500) req.log.error({ err }, 'request failed');
  return reply.code(status).send(body);
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 300);
}
