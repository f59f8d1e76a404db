/**
 * What the local APNs answers for particular devices, beyond the protocol checks: tokens
 * that are unregistered (410) or bad (400), and transient failures scripted for the next
 * requests to one token or to any (`'*'`). Transient failures come first, as they would
 * on Apple's side: an overloaded front end answers 429/5xx before it looks at the token.
 */

export type ApnsFailureStatus = 429 | 500 | 503;

/** An answer as APNs writes it: a status and, for errors, the JSON `{reason}` body. */
export interface ApnsReply {
  readonly status: number;
  readonly body?: { readonly reason: string; readonly timestamp?: number };
}

/** APNs's reason strings for the scripted statuses. */
const FAILURE_REASONS: Record<ApnsFailureStatus, string> = {
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};

type Failure = { readonly target: string; readonly status: ApnsFailureStatus; remaining: number };

export class ApnsFaults {
  readonly unregistered = new Set<string>();
  readonly badTokens = new Set<string>();
  private failures: Failure[] = [];

  /** The next `times` requests for `target` (a token, or `'*'` for any) answer `status`. */
  failNext(target: string, status: ApnsFailureStatus, times: number): void {
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`times must be a positive integer, got ${times}`);
    this.failures.push({ target, status, remaining: times });
  }

  /** The scripted answer for a request to `token`, or null to deliver it. */
  answerFor(token: string): ApnsReply | null {
    const index = this.failures.findIndex((f) => f.target === token || f.target === '*');
    const failure = this.failures[index];
    if (failure) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) this.failures.splice(index, 1);
      return { status: failure.status, body: { reason: FAILURE_REASONS[failure.status] } };
    }
    // APNs's 410 carries when the token stopped being valid, in ms since the epoch.
    if (this.unregistered.has(token)) return { status: 410, body: { reason: 'Unregistered', timestamp: Date.now() } };
    if (this.badTokens.has(token)) return { status: 400, body: { reason: 'BadDeviceToken' } };
    return null;
  }

  clear(): void {
    this.unregistered.clear();
    this.badTokens.clear();
    this.failures = [];
  }
}
