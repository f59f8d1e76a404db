/**
 * The API's one error type and one error handler. Every failure answers
 * `{error: {code, message, details?}}` with a code from a closed set; never a stack trace.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { log } from '../../engine/log';

export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unprocessable'
  | 'unavailable'
  | 'internal'
  | 'invalid_credentials'
  | 'invalid_invite'
  | 'csrf_failed'
  | 'rate_limited';

const STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unprocessable: 422,
  unavailable: 503,
  internal: 500,
  // Listed after the general codes, so a bare status maps to the general one.
  invalid_credentials: 401,
  invalid_invite: 400,
  csrf_failed: 403,
  rate_limited: 429,
} as const satisfies Record<ErrorCode, ContentfulStatusCode>;

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** An error the client should see: its status follows from its code; `headers` go out with it (`Retry-After`). */
export class ApiError extends HTTPException {
  override readonly name = 'ApiError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(STATUS[code], { message });
  }
}

/** Zod issues as `[{path: "customers.3.email", message}]`. */
export function issueDetails(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

/** A 400 for a body or query that does not match its schema. */
export function validationError(error: z.ZodError, what = 'Request body'): ApiError {
  const first = error.issues[0];
  const where = first && first.path.length > 0 ? ` at ${first.path.map(String).join('.')}` : '';
  return new ApiError('bad_request', `${what} is invalid${where}: ${first?.message ?? 'unknown'}`, issueDetails(error));
}

/** Shorthand for the 404 of an unknown (or other merchant's) resource. */
export function notFound(what: string): ApiError {
  return new ApiError('not_found', `${what} not found`);
}

function codeForStatus(status: number): ErrorCode {
  const match = (Object.entries(STATUS) as [ErrorCode, number][]).find(([, s]) => s === status);
  return match ? match[0] : status >= 500 ? 'internal' : 'bad_request';
}

function body(code: ErrorCode, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** The `app.onError` handler. */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) return c.json(body(err.code, err.message, err.details), err.status, err.headers);
  if (err instanceof z.ZodError) return c.json(body('bad_request', 'Invalid input', issueDetails(err)), 400);
  if (err instanceof HTTPException && err.status < 500) {
    return c.json(body(codeForStatus(err.status), err.message), err.status);
  }
  log.error('unhandled error', { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, err });
  return c.json(body('internal', 'Internal server error'), 500);
}

/** The `app.notFound` handler. */
export function handleNotFound(c: Context): Response {
  return c.json(body('not_found', `No route for ${c.req.method} ${c.req.path}`), 404);
}
