/**
 * A script of what the next requests meet: served normally (`pass`), failed as a whole
 * (`fail`), or processed and then never answered (`drop`). Requests beyond the script are
 * served normally. Each scripted entry covers `remaining` requests, whatever they are.
 */

export type FailureStatus = 500 | 503 | 429 | 422;

/** How an accepted request is lost: the socket is reset, or the answer never comes. */
export type DropMode = 'reset' | 'hang';

export type Fault =
  | { kind: 'pass' }
  | { kind: 'fail'; status: FailureStatus; errorCode: number; message: string }
  | { kind: 'drop'; mode: DropMode };

type Entry = { fault: Fault; remaining: number };

// Bodies shaped like the real API's `{ErrorCode, Message}`; codes from Postmark's error list.
const DEFAULTS: Record<FailureStatus, { errorCode: number; message: string }> = {
  500: { errorCode: 0, message: 'Internal Server Error' },
  503: { errorCode: 100, message: 'Maintenance' },
  429: { errorCode: 429, message: 'Rate limit exceeded' },
  422: { errorCode: 300, message: 'Invalid email request' },
};

const MESSAGES_BY_CODE: Record<number, string> = {
  300: 'Invalid email request',
  402: 'Invalid JSON',
  405: 'Not allowed to send',
  406: 'You tried to send to recipient(s) that have been marked as inactive.',
  409: 'JSON required',
  410: 'Too many batch messages',
  412: 'Account is pending',
  413: 'Account may not send',
};

export class FaultScript {
  private entries: Entry[] = [];

  pass(n: number): void {
    this.push({ kind: 'pass' }, n);
  }

  fail(n: number, status: FailureStatus, errorCode?: number): void {
    const fallback = DEFAULTS[status];
    const code = errorCode ?? fallback.errorCode;
    const message = MESSAGES_BY_CODE[code] ?? fallback.message;
    this.push({ kind: 'fail', status, errorCode: code, message }, n);
  }

  drop(n: number, mode: DropMode): void {
    this.push({ kind: 'drop', mode }, n);
  }

  /** The fault for the request that just arrived. */
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
