/**
 * Reading Google Wallet API failures. The REST API answers errors as
 * `{error: {code, message, status?, errors: [{reason, message, domain}]}}`; the `reason`
 * is what tells the cases apart, because the words "Quota exceeded" appear both in the
 * per-pass notification limit (final for this message: resend silently) and in the
 * per-minute request rate limit (transient: retry later).
 *
 * Observed shapes this code relies on:
 * - notification budget spent: 403, reason `quotaExceeded`, domain `walletobjects`,
 *   message "Quota exceeded for issuer … when adding TEXT_AND_NOTIFY message to …"
 *   (reported in edutap-eu/edutap.wallet_google#3; Google's docs call it `QuotaExceededException`);
 * - request rate: 429, reason `rateLimitExceeded`, status `RESOURCE_EXHAUSTED`;
 * - duplicate id: 409 `AlreadyExistsException`, "… already exists." (Google's error-codes page).
 */
import { TokenError } from './google-auth';

/** One failed HTTP exchange, reduced to what decisions need. */
export interface GoogleFailure {
  /** HTTP status; null when no answer came (connection refused, reset, timeout). */
  readonly status: number | null;
  readonly message: string;
  /** `errors[0].reason`, e.g. `quotaExceeded`, `rateLimitExceeded`, `duplicate`. */
  readonly reason: string | null;
  /** `error.status`, e.g. `ALREADY_EXISTS`, `RESOURCE_EXHAUSTED` (not every answer has one). */
  readonly grpcStatus: string | null;
  /** The token endpoint failed, not the Wallet API. */
  readonly token: boolean;
}

/**
 * - `quota`: the pass's notification budget is spent (only meaningful for TEXT_AND_NOTIFY);
 * - `duplicate`: the id already exists (an insert or a message id Google already has);
 * - `unauthorized`: 401, the access token is stale: get a new one and retry;
 * - `transient`: network, 5xx, 429 rate limit, token endpoint unreachable: retry with backoff;
 * - `final`: any other 4xx, including 404 and a refused service-account key.
 */
export type FailureKind = 'quota' | 'duplicate' | 'unauthorized' | 'transient' | 'final';

const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'backendError']);

export function describeFailure(error: unknown): GoogleFailure {
  if (error instanceof TokenError) {
    return { status: error.status, message: error.message, reason: error.error, grpcStatus: null, token: true };
  }
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    status?: unknown;
    code?: unknown;
    message?: unknown;
    response?: { status?: unknown; data?: unknown };
  };
  const status =
    typeof e.response?.status === 'number' ? e.response.status : typeof e.status === 'number' ? e.status : null;
  const body = readErrorBody(e.response?.data);
  const fallback = typeof e.message === 'string' ? e.message : String(error);
  return {
    status,
    message: body.message ?? (status === null && typeof e.code === 'string' ? `${e.code} ${fallback}` : fallback),
    reason: body.reason,
    grpcStatus: body.grpcStatus,
    token: false,
  };
}

export function classifyFailure(failure: GoogleFailure): FailureKind {
  const { status, reason } = failure;
  if (failure.token) return status === null || status >= 500 ? 'transient' : 'final';
  if (status === null || status >= 500) return 'transient';
  if (status === 401) return 'unauthorized';
  if (status === 409 || failure.grpcStatus === 'ALREADY_EXISTS' || /already exists/i.test(failure.message)) {
    return 'duplicate';
  }
  if (reason !== null && RATE_LIMIT_REASONS.has(reason)) return 'transient';
  if (isNotificationQuota(failure)) return 'quota';
  if (status === 429 || status === 408) return 'transient';
  return 'final';
}

/** `google 404 Wallet Object {…} not found.`: the outcome's reason, readable in a log. */
export function failureReason(failure: GoogleFailure): string {
  if (failure.token) return `google token ${failure.message}`;
  return `google ${failure.status ?? 'network'} ${failure.message}`;
}

function isNotificationQuota({ reason, message }: GoogleFailure): boolean {
  return reason === 'quotaExceeded' || /QuotaExceededException/.test(message) || /quota exceeded/i.test(message);
}

function readErrorBody(data: unknown): { message: string | null; reason: string | null; grpcStatus: string | null } {
  let value = data;
  if (typeof data === 'string') {
    try {
      value = JSON.parse(data);
    } catch {
      return { message: data.trim() === '' ? null : data.slice(0, 300), reason: null, grpcStatus: null };
    }
  }
  const error = (value as { error?: unknown } | null)?.error;
  if (typeof error !== 'object' || error === null) return { message: null, reason: null, grpcStatus: null };
  const { message, status, errors } = error as { message?: unknown; status?: unknown; errors?: unknown };
  const first: unknown = Array.isArray(errors) ? errors[0] : undefined;
  const reason = (first as { reason?: unknown } | undefined)?.reason;
  return {
    message: typeof message === 'string' ? message : null,
    reason: typeof reason === 'string' ? reason : null,
    grpcStatus: typeof status === 'string' ? status : null,
  };
}
