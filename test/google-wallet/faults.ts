/**
 * Google's error JSON and a script of scripted faults for the local Google Wallet server.
 *
 * Google JSON APIs answer errors as
 * `{error: {code, message, errors: [{message, domain, reason}], status}}`; clients branch on
 * `errors[0].reason`. Messages below follow Google's Wallet error-codes page
 * (developers.google.com/wallet/…/resources/error-codes) and reported real answers.
 */

export interface GoogleErrorBody {
  error: {
    code: number;
    message: string;
    errors: { message: string; domain: string; reason: string }[];
    /** The canonical gRPC status name; absent from some Wallet answers (see `quotaError`). */
    status?: string;
  };
}

export type Reply = { status: number; body: unknown; headers?: Record<string, string> };

export function googleError(code: number, status: string, reason: string, message: string, domain = 'global'): Reply {
  return { status: code, body: { error: { code, message, errors: [{ message, domain, reason }], status } } };
}

/**
 * The notification budget answer, as reported from production (edutap-eu/edutap.wallet_google#3):
 * 403, reason `quotaExceeded`, domain `walletobjects`, and no `status` field.
 */
export function quotaError(issuerId: string, objectId: string): Reply {
  const message = `Quota exceeded for issuer ${issuerId} when adding TEXT_AND_NOTIFY message to object ${objectId}.`;
  return {
    status: 403,
    body: { error: { code: 403, message, errors: [{ message, domain: 'walletobjects', reason: 'quotaExceeded' }] } },
  };
}

export type FailureStatus = 400 | 403 | 404 | 429 | 500 | 503;

const FAILURES: Record<FailureStatus, () => Reply> = {
  400: () => googleError(400, 'INVALID_ARGUMENT', 'invalid', 'Request contains an invalid argument.'),
  403: () => googleError(403, 'PERMISSION_DENIED', 'forbidden', 'Permission Denied'),
  404: () => googleError(404, 'NOT_FOUND', 'notFound', 'Requested entity was not found.'),
  // Google's per-minute request quota: "Quota exceeded" in the text, yet a rate limit.
  429: () =>
    googleError(
      429,
      'RESOURCE_EXHAUSTED',
      'rateLimitExceeded',
      "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute' of service 'walletobjects.googleapis.com'.",
    ),
  500: () => googleError(500, 'INTERNAL', 'backendError', 'Internal error encountered.'),
  503: () => googleError(503, 'UNAVAILABLE', 'backendError', 'The service is currently unavailable.'),
};

export type Fault = { kind: 'pass' } | { kind: 'fail'; reply: Reply } | { kind: 'reset' };

type Entry = { fault: Fault; remaining: number };

/** What the next wallet API requests meet; requests beyond the script are served normally. */
export class FaultScript {
  private entries: Entry[] = [];

  pass(n: number): void {
    this.push({ kind: 'pass' }, n);
  }

  fail(n: number, status: FailureStatus): void {
    this.push({ kind: 'fail', reply: FAILURES[status]() }, n);
  }

  /** The connection is destroyed without an answer: a network error for the client. */
  reset(n: number): void {
    this.push({ kind: 'reset' }, n);
  }

  next(): Fault {
    const head = this.entries[0];
    if (!head) return { kind: 'pass' };
    head.remaining -= 1;
    if (head.remaining <= 0) this.entries.shift();
    return head.fault;
  }

  clear(): void {
    this.entries = [];
  }

  private push(fault: Fault, n: number): void {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`fault count must be a positive integer, got ${n}`);
    this.entries.push({ fault, remaining: n });
  }
}
